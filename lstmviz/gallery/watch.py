"""Rebuilding the site while its sources change, for a live preview beside ``gallery serve``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import LstmvizError
from .build import build


def watch(
    source: str | Path,
    output: str | Path,
    *,
    stop: threading.Event,
    report: Callable[[str], None],
    interval: float = 0.5,
    since: dict[str, tuple[int, int]] | None = None,
) -> None:
    """Rebuild ``output`` from ``source`` whenever a file under ``source`` changes, until ``stop`` is
    set. A build that fails is reported in one line and leaves the last good site in place.
    ``since`` is the sources as the last build read them (:func:`sources`, taken before that build
    began): a change made during it, or before this thread first looks, is not missed."""
    source, output = Path(source), Path(output)
    seen = since if since is not None else _files(source, output)
    while not stop.wait(interval):
        try:
            now = _files(source, output)
            if now == seen:
                continue
            seen = now
            done = build(source, output)
        except LstmvizError as err:
            report(f"error: {err.one_line()} (the site is unchanged)")
        except OSError as err:  # a file vanished or could not be written mid-build: try again on the next change
            where = f"{err.filename}: " if err.filename else ""
            report(f"error: {where}{err.strerror or err} (the site is unchanged)")
        except Exception as err:  # a bug of ours must not end the preview: say it, keep watching
            first = (str(err).splitlines() or [""])[0]
            report(f"error: {type(err).__name__}: {first} (the site is unchanged; please report this)")
        else:
            report(f"rebuilt: {done.drawn} figures drawn, {done.reused} kept, {done.seconds:.1f} s")


def sources(source: str | Path, output: str | Path) -> dict[str, tuple[int, int]]:
    """The state of a gallery's sources, to hand to :func:`watch` as ``since``."""
    return _files(Path(source), Path(output))


def _files(folder: Path, output: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its modification time and size: what a change changes.
    The site itself is left out (with its staging folders) when it is built inside ``folder``,
    or every build would start the next."""
    site = output.resolve()
    out = {}
    for path in folder.rglob("*"):
        if _in_site(path.resolve(), site):
            continue
        try:
            stat = path.stat()
        except OSError:  # removed while we looked
            continue
        if path.is_file():
            out[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return out


def _in_site(path: Path, site: Path) -> bool:
    """Whether ``path`` is the site, inside it, or inside one of its staging folders."""
    return any(p == site or p.name.startswith(f".{site.name}.") for p in (path, *path.parents))
