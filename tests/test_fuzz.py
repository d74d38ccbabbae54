"""Fuzzing the command line with strangers' specs and careless arguments (issue: safe with specs
from strangers). Every outcome is a success or one line on stderr with exit status 2, never a
traceback, never a hang past 10 s, and never a file written when the command fails.

The budget here is fixed (hypothesis, derandomised, so CI runs the same cases each time);
``benchmarks/fuzz.py`` runs a larger one and benchmarks/README.md records it. A case that ever
failed is kept in tests/fuzz/regressions/ and runs here every time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shlex
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import lstmviz
from lstmviz.cells import BUILTINS
from lstmviz.cli import main
from tests.fuzz import (
    NASTY,
    REGRESSIONS,
    SEEDS,
    STYLE_SEEDS,
    command_lines,
    mutated_specs,
    mutated_styles,
    to_toml,
)  # fmt: skip
from tests.support import at_most
from tests.test_api_misuse import call_wrongly, cases

#: Examples per test in CI (five tests: 10,000 cases); benchmarks/fuzz.py raises it.
CI_EXAMPLES = 2000
BUDGET = int(os.environ.get("LSTMVIZ_FUZZ_EXAMPLES", "0")) or None
HANG = 60  # seconds: a hang, not a slow figure (gru-pytorch's focus view at 8pt in 3in takes 4 s alone, 20 under load)

FUZZ = settings(
    max_examples=BUDGET or CI_EXAMPLES,
    deadline=None,
    derandomize=BUDGET is None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def make_inputs(folder: Path) -> None:
    """The input files a command line may name."""
    rng = np.random.default_rng(0)
    np.save(folder / "in.npy", rng.standard_normal((3, 1, 3)))
    nan = rng.standard_normal((3, 1, 3))
    nan[1, 0, 2] = np.nan
    np.save(folder / "nan.npy", nan)
    np.save(folder / "empty.npy", np.zeros((3, 0, 3)))
    np.save(folder / "flat.npy", np.zeros(7))
    np.savez(folder / "in.npz", y=np.zeros((2, 1, 3)))
    np.savez(folder / "xy.npz", x=np.zeros((2, 1, 3)), y=np.zeros((2, 1, 3)))
    np.save(folder / "nofeatures.npy", np.zeros((3, 1, 0)))
    np.save(folder / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (folder / "x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    lstmviz.save_params(lstmviz.init_params(lstmviz.load("lstm")), folder / "params.npz")


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(folder.rglob("*"))
    }


@functools.cache
def inputs() -> dict[str, bytes]:
    """The input files, made once: name -> contents."""
    with tempfile.TemporaryDirectory() as made:
        make_inputs(Path(made))
        return {p.name: p.read_bytes() for p in Path(made).iterdir()}


def run_case(folder: Path, args: list[str], spec_text: str | None = None) -> None:
    """Run one command line in ``folder`` (the inputs as made, nothing else) and check the outcome."""
    given = inputs()
    for p in list(folder.iterdir()):  # what the last case wrote goes; an input it replaced is put back
        if p.is_dir():
            shutil.rmtree(p)
        elif p.name not in given or p.read_bytes() != given[p.name]:
            p.unlink()
    for name, data in given.items():
        if not (folder / name).exists():
            (folder / name).write_bytes(data)
    if spec_text is not None:
        (folder / "spec.toml").write_text(spec_text, encoding="utf-8", errors="surrogateescape")
    before = snapshot(folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        started = time.monotonic()
        with at_most(HANG):
            result = CliRunner().invoke(main, args, catch_exceptions=True)
        seconds = time.monotonic() - started
    finally:
        os.chdir(cwd)
    shown = shlex.join(["lstmviz", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{shown}: {type(result.exception).__name__}: {result.exception}"
    )
    assert seconds < HANG, f"{shown}: {seconds:.1f} s"
    assert result.exit_code in (0, 2), f"{shown}: exit {result.exit_code}: {result.stderr}"
    with contextlib.suppress(InvalidArgument):  # outside hypothesis (a regression case) there are no events
        event(f"{args[0]}: {'done' if result.exit_code == 0 else 'refused'}")
    after = snapshot(folder)
    outputs = {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-o", "--save-params")}
    kept = {k: v for k, v in before.items() if k not in outputs}
    assert {k: v for k, v in after.items() if k in kept} == kept, f"{shown}: an input was changed"
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        errors = [line for line in lines if line.startswith("lstmviz: error: ")]
        assert len(errors) == 1 and lines[-1] == errors[0], f"{shown}: {result.stderr!r}"
        assert all(line.startswith("lstmviz: warning: ") for line in lines[:-1]), f"{shown}: {result.stderr!r}"
        assert after == before, f"{shown}: failed, yet wrote {sorted(set(after) - set(before))}"
        if args == ["check", "spec.toml"]:
            assert "spec.toml" in errors[0], f"{shown}: the error does not name the file: {errors[0]}"
    else:
        assert all(line.startswith("lstmviz: warning: ") for line in result.stderr.splitlines()), result.stderr


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def api_folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("api")
    lstmviz.save_params(lstmviz.init_params(lstmviz.load("rnn")), here / "given.npz")
    return here


def api_cases() -> list[tuple[str, str]]:
    """Every (public function, argument) the API misuse test calls wrongly."""
    return [tuple(case.values) for case in cases()]


def test_the_fuzzers_toml_writer_round_trips_every_seed():
    """Mutations are written back with the test's own TOML writer: it must not change a spec."""
    import tomllib

    for text in SEEDS + STYLE_SEEDS:
        assert tomllib.loads(to_toml(tomllib.loads(text))) == tomllib.loads(text)


@pytest.mark.slow
@FUZZ
@given(spec=mutated_specs())
def test_mutated_specs_are_checked_in_one_line_that_names_the_file(folder, spec):
    run_case(folder, ["check", "spec.toml"], spec)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_specs_through_every_command(folder, data):
    spec = data.draw(mutated_specs(gentle=data.draw(st.booleans())))
    run_case(folder, data.draw(command_lines("spec.toml")), spec)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_built_in_cells_with_careless_arguments(folder, data):
    run_case(folder, data.draw(command_lines(data.draw(st.sampled_from(BUILTINS)))))


@pytest.mark.slow
@FUZZ
@given(style=mutated_styles(), fmt=st.sampled_from(["svg", "svg", "svg", "png"]))
def test_mutated_style_sheets_draw_or_are_refused_in_one_line(folder, style, fmt):
    (folder.parent / "style.toml").write_text(style, encoding="utf-8", errors="surrogateescape")
    run_case(folder, ["render", "lstm", "--style", str(folder.parent / "style.toml"), "-o", f"out.{fmt}"])


#: Wrong values of any type for an argument of the Python API.
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**40), 10**40), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(NASTY), st.lists(st.integers(-3, 10**12), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(-5, 10**9), st.text(max_size=4)), max_size=3),
    st.tuples(st.integers(-3, 10**20), st.integers(-3, 10**20)),
)  # fmt: skip


@pytest.mark.slow
@settings(FUZZ, max_examples=BUDGET or CI_EXAMPLES)
@given(call=st.sampled_from(api_cases()), value=JUNK)
def test_api_calls_with_wrong_values_raise_only_type_or_value_errors(api_folder, call, value):
    name, arg = call
    cwd = os.getcwd()
    os.chdir(api_folder)
    try:
        outcome = call_wrongly(name, arg, value, seconds=HANG)
    finally:
        os.chdir(cwd)
    event(f"{name}: {outcome}")


def regressions() -> list:
    cases = [pytest.param(p.read_text(encoding="utf-8"), id=p.name) for p in sorted(REGRESSIONS.glob("*.toml"))]
    return cases


@pytest.mark.parametrize("spec", regressions())
@pytest.mark.parametrize(
    "args",
    [["check", "spec.toml"], ["render", "spec.toml", "-o", "out.svg"], ["render", "spec.toml", "-o", "out.png"],
     ["run", "spec.toml", "-o", "t.npz"], ["steps", "spec.toml", "-o", "frames"]],
    ids=["check", "svg", "png", "run", "steps"],
)  # fmt: skip
def test_specs_that_once_failed(tmp_path, spec, args):
    run_case(tmp_path, args, spec)


@pytest.mark.parametrize(
    "line", [line for line in (REGRESSIONS / "args.txt").read_text().splitlines() if line and line[0] != "#"]
)
def test_command_lines_that_once_failed(tmp_path, line):
    run_case(tmp_path, shlex.split(line))
