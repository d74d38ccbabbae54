"""The one error shape, also when it crosses from a worker process (the gallery draws in several)."""

import concurrent.futures

import pytest

from lstmviz import SpecError


def fail_in_a_worker(path: str) -> None:
    raise SpecError("cannot be drawn", name="f", fix="look at it", file=path, line=7)


def test_an_error_from_a_worker_process_keeps_its_file_line_and_fix():
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        with pytest.raises(SpecError) as err:
            pool.submit(fail_in_a_worker, "gallery/x.toml").result()
    assert (err.value.file, err.value.line, err.value.name) == ("gallery/x.toml", 7, "f")
    assert err.value.one_line() == "gallery/x.toml:7: 'f': cannot be drawn; look at it"
