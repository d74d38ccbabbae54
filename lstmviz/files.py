"""Writing output files safely: whole or not at all, only where the user asked, and never over
anything but a regular file, so an error, a kill or a stranger's spec never loses what was there."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from .errors import DataError

Data = bytes | Callable[[BinaryIO], None]  #: bytes, or a function that writes them to a binary file


def write_atomic(path: str | Path, data: Data) -> None:
    """Write ``data`` (bytes, or a function that writes to a binary file) to ``path`` atomically.

    The bytes go to a new, unpredictably named file beside ``path``, which replaces ``path`` only
    once complete; an existing file keeps its mode and (where allowed) its owner. Only a new path or
    a regular file is ever replaced (see :func:`check_target`). The temporary file is removed on any
    error, Ctrl-C included, and on SIGTERM when the CLI's handler turns it into an exit.
    """
    write_all({Path(path): data})


def write_all(files: Mapping[Path, Data], *, folder: str | Path | None = None) -> None:
    """Write several files all or none: each is checked (see :func:`check_target`) and written whole
    to a temporary file beside it, and only when every one is whole do they replace their targets;
    on any error, Ctrl-C or SIGTERM, nothing has changed. ``folder`` (where the files go) is made when
    new, and removed again when the write fails; a folder given as a symbolic link is written through."""
    made = make_folder(folder) if folder is not None else []
    try:
        with contextlib.ExitStack() as stack:  # leaving it renames them all, or (on error) removes them all
            for path, data in files.items():
                fh, _ = stack.enter_context(temporary_beside(path))
                if callable(data):
                    data(fh)
                else:
                    fh.write(data)
    except BaseException:
        for new in reversed(made):
            with contextlib.suppress(OSError):
                new.rmdir()
        raise


def make_folder(folder: str | Path) -> list[Path]:
    """Make ``folder`` and any missing parents; return those made, outermost first (to remove them
    again if what was to go in them fails). Refused in one line when something else is in the way."""
    folder = Path(folder)
    if folder.is_dir():
        return []
    missing = [p for p in (folder, *folder.parents) if not p.is_dir()][::-1]
    for path in missing:
        if path.exists() or path.is_symlink():
            raise DataError("is a file, not a folder", name=str(path), fix="give a folder, or remove the file")
    made = []
    for path in missing:
        try:
            path.mkdir()
        except FileExistsError:  # made meanwhile by someone else: not ours to remove
            continue
        made.append(path)
    return made


@contextlib.contextmanager
def temporary_beside(path: str | Path, suffix: str = "") -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file beside ``path`` (open for writing, and its name, for a program that
    writes by name, such as ffmpeg), which replaces ``path`` when the block ends without error and
    is removed otherwise. ``suffix`` ends its name (some writers pick a format by it)."""
    path = Path(path)
    before = check_target(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".part{suffix}", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp
        _keep_metadata(tmp, before)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_target(path: str | Path) -> os.stat_result | None:
    """Refuse an output path that is neither new nor a regular file (a device, a folder, a pipe, a
    socket, or a symbolic link, which would be replaced by a file); return what is there, if anything."""
    path = Path(path)
    if not path.parent.is_dir():
        raise DataError("no such directory", name=str(path.parent), fix="create it first, or write elsewhere")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise DataError(
            "is a symbolic link, and lstmviz replaces only regular files",
            name=str(path),
            fix="write to the file it points at, or remove the link",
        )
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, pipe or socket)"
        raise DataError(f"is {what}, and lstmviz replaces only regular files", name=str(path), fix="write elsewhere")
    return info


def inside(folder: str | Path, path: str | Path) -> Path:
    """``path`` (relative to ``folder`` unless absolute), resolved; refused unless it lies in ``folder``.

    Names that come from a spec (a cell's name, a step's) become file names; this is the last
    check that none of them leads out of the folder the user named."""
    root = Path(folder).resolve()
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        raise DataError(
            f"would be written outside {str(folder)!r}",
            name=str(path),
            fix="give the cell and its steps plain names (letters, digits, - and _)",
        )
    return resolved


def refuse_inputs(outputs: Iterable[str | Path | None], inputs: Iterable[str | Path | None]) -> None:
    """Refuse to write any of ``outputs`` over one of ``inputs`` (the same file by any name)."""
    existing = [Path(p) for p in inputs if p is not None and Path(p).is_file()]
    for out in outputs:
        if out is None or not Path(out).exists():
            continue
        for source in existing:
            if os.path.samefile(out, source):
                raise DataError(
                    f"is also an input ({str(source)!r}): writing it would destroy it",
                    name=str(out),
                    fix="write the output to another file",
                )


def refuse_overlap(folder: str | Path, inputs: Iterable[str | Path | None]) -> None:
    """Refuse an output ``folder`` that holds one of ``inputs`` (a file or folder the command reads),
    or that lies inside an input folder: writing or replacing it could destroy what it reads."""
    out = Path(folder).resolve()
    for given in inputs:
        if given is None or not Path(given).exists():
            continue  # a built-in name, or nothing there
        source = Path(given).resolve()
        if source == out or source.is_relative_to(out):
            raise DataError(
                f"holds {str(given)!r}, an input of this command, which writing it could destroy",
                name=str(folder),
                fix="write to a folder outside the inputs",
            )
        if source.is_dir() and out.is_relative_to(source):
            raise DataError(
                f"lies inside {str(given)!r}, an input folder of this command",
                name=str(folder),
                fix="write to a folder outside the inputs",
            )


def _keep_metadata(tmp: Path, before: os.stat_result | None) -> None:
    """Give the new file the mode (and owner) of the one it replaces; else what a new file gets
    (mkstemp makes files private, and a figure is not)."""
    if before is None:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    os.chmod(tmp, stat.S_IMODE(before.st_mode))
    if (before.st_uid, before.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.chown(tmp, before.st_uid, before.st_gid)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_arrays(path: str | Path, what: str) -> object:
    """The arrays of a ``.npy`` (one array) or ``.npz`` file (a dict of them by name), read without
    unpickling anything; a file NumPy cannot read so is refused in one line as not being ``what``
    (never with NumPy's advice to allow pickles, which would run the file's code)."""
    import zipfile

    import numpy as np

    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.ndarray):
            return loaded
        with loaded:
            return {k: loaded[k] for k in loaded.files}
    except FileNotFoundError:
        raise DataError("no such file", name=str(path), fix="check the path") from None
    except IsADirectoryError:
        raise DataError("is a folder", name=str(path), fix=f"give {what}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        with open(path, "rb") as fh:
            magic = fh.read(6)
        if magic == b"\x93NUMPY" or magic.startswith(b"PK"):
            why = "it holds Python objects, which lstmviz never unpickles" if "pickle" in str(err) else "it is damaged"
        else:
            why = "it is not a NumPy file"
        raise DataError(f"is not {what}: {why}", name=str(path), fix="check the file") from None
