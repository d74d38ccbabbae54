"""Writing output: whole or not at all, only where asked, never over anything but a regular file."""

import os
import stat

import pytest

from lstmviz import DataError
from lstmviz.files import (
    check_target,
    inside,
    refuse_inputs,
    refuse_overlap,
    temporary_beside,
    write_all,
    write_atomic,
)  # fmt: skip


def test_a_new_file_gets_the_usual_mode_and_no_temporary_file_stays(tmp_path):
    write_atomic(tmp_path / "a.svg", b"<svg/>")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "a.svg").stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["a.svg"]


def test_an_existing_file_keeps_its_mode_and_owner(tmp_path):
    target = tmp_path / "figure.svg"
    target.write_text("old")
    target.chmod(0o640)
    if os.getuid() == 0:  # only root can give a file away, so only then can its owner be kept
        os.chown(target, 65534, 65534)
    write_atomic(target, b"new")
    info = target.stat()
    assert target.read_bytes() == b"new" and stat.S_IMODE(info.st_mode) == 0o640
    if os.getuid() == 0:
        assert (info.st_uid, info.st_gid) == (65534, 65534)


@pytest.mark.parametrize("make", ["fifo", "folder", "device"])
def test_only_regular_files_are_replaced(tmp_path, make):
    target = tmp_path / "out"
    if make == "fifo":
        os.mkfifo(target)
    elif make == "folder":
        target.mkdir()
    else:
        target = "/dev/null"
    with pytest.raises(DataError, match="lstmviz replaces only regular files"):
        write_atomic(target, b"x")
    assert os.path.exists(target) and not (tmp_path / "out").is_file()
    assert not any(p.name.endswith(".part") for p in tmp_path.iterdir())


def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path):
    (tmp_path / "precious").write_text("keep me")
    (tmp_path / "figure.svg").symlink_to(tmp_path / "precious")
    with pytest.raises(DataError, match="is a symbolic link"):
        write_atomic(tmp_path / "figure.svg", b"x")
    assert (tmp_path / "figure.svg").is_symlink() and (tmp_path / "precious").read_text() == "keep me"


def test_an_error_while_writing_leaves_what_was_there(tmp_path):
    target = tmp_path / "a.png"
    target.write_bytes(b"before")

    def fail(fh):
        fh.write(b"half")
        raise KeyboardInterrupt  # Ctrl-C; SIGTERM arrives as SystemExit, also a BaseException

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, fail)
    assert target.read_bytes() == b"before" and [p.name for p in tmp_path.iterdir()] == ["a.png"]


def test_temporary_names_are_new_each_time_and_beside_the_target(tmp_path):
    names = set()
    for _ in range(3):
        with temporary_beside(tmp_path / "anim.gif", suffix=".gif") as (_, tmp):
            names.add(tmp.name)
            assert tmp.parent == tmp_path and tmp.name.startswith(".anim.gif.") and tmp.name.endswith(".gif")
            tmp.write_bytes(b"GIF89a")
    assert len(names) == 3 and (tmp_path / "anim.gif").read_bytes() == b"GIF89a"


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(DataError, match="no such directory"):
        check_target(tmp_path / "nope" / "a.svg")


@pytest.mark.parametrize("name", ["../x.svg", "/etc/x.svg", "a/../../x.svg", ".", "link/x.svg"])
def test_paths_made_from_names_stay_inside_the_folder(tmp_path, name):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(DataError, match="would be written outside"):
        inside(tmp_path / "out", name)
    assert inside(tmp_path / "out", "lstm-1-forget.svg") == (tmp_path / "out" / "lstm-1-forget.svg").resolve()


def test_an_output_that_is_an_input_by_any_name_is_refused(tmp_path):
    spec = tmp_path / "cell.toml"
    spec.write_text("[cell]")
    os.link(spec, tmp_path / "hard.toml")
    (tmp_path / "soft.toml").symlink_to(spec)
    for out in (spec, tmp_path / "hard.toml", tmp_path / "soft.toml", tmp_path / "." / "cell.toml"):
        with pytest.raises(DataError, match="is also an input"):
            refuse_inputs([out], ["lstm", spec])
    refuse_inputs([tmp_path / "new.toml", None], [spec, None, "lstm"])


def test_several_files_are_written_all_or_none(tmp_path):
    (tmp_path / "b.svg").write_text("before")

    def fail(fh):
        fh.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_all({tmp_path / "a.svg": b"a", tmp_path / "b.svg": b"b", tmp_path / "c.svg": fail})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.svg"] and (tmp_path / "b.svg").read_text() == "before"
    write_all({tmp_path / "a.svg": b"a", tmp_path / "b.svg": b"b"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.svg", "b.svg"] and (tmp_path / "b.svg").read_text() == "b"


def test_a_planted_link_among_several_files_stops_them_all(tmp_path):
    (tmp_path / "precious").write_text("keep me")
    out = tmp_path / "frames"
    out.mkdir()
    (out / "3.svg").symlink_to(tmp_path / "precious")
    with pytest.raises(DataError, match="is a symbolic link"):
        write_all({out / f"{k}.svg": b"x" for k in range(1, 5)}, folder=out)
    assert [p.name for p in out.iterdir()] == ["3.svg"] and (tmp_path / "precious").read_text() == "keep me"


def test_a_folder_made_for_files_that_fail_is_removed_again(tmp_path):
    with pytest.raises(DataError):
        write_all({tmp_path / "new" / "deeper" / "a.svg": b"a", tmp_path / "new" / "deeper": b"b"},
                  folder=tmp_path / "new" / "deeper")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_a_link_is_written_through_and_stays_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    write_all({tmp_path / "link" / "a.svg": b"a"}, folder=tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "a.svg").read_bytes() == b"a"


@pytest.mark.parametrize(
    ("output", "inputs", "words"),
    [("site", ["site/entries"], "holds"), ("site/entries/out", ["site/entries"], "lies inside"),
     (".", ["site/entries/a.toml"], "holds"), ("site", ["site"], "holds")],
)  # fmt: skip
def test_an_output_folder_that_holds_or_lies_in_an_input_is_refused(tmp_path, output, inputs, words):
    (tmp_path / "site" / "entries").mkdir(parents=True)
    (tmp_path / "site" / "entries" / "a.toml").write_text("x")
    with pytest.raises(DataError, match=words):
        refuse_overlap(tmp_path / output, [tmp_path / p for p in inputs])
    refuse_overlap(tmp_path / "elsewhere", [tmp_path / p for p in inputs] + ["lstm", None])  # no overlap: fine
