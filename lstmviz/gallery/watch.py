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
    seen = since if since is not None else sources(source)
    while not stop.wait(interval):
        try:
            now = sources(source)
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


def sources(folder: str | Path) -> dict[str, tuple[int, int]]:
    """Every file under a gallery's sources with its modification time and size: what a change
    changes (to hand to :func:`watch` as ``since``). The site is never among them: a build refuses
    an output inside its sources."""
    out = {}
    for path in Path(folder).rglob("*"):
        try:
            stat = path.stat()
        except OSError:  # removed while we looked
            continue
        if path.is_file():
            out[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return out
