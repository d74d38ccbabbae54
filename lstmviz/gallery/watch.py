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
) -> None:
    """Rebuild ``output`` from ``source`` whenever a file under ``source`` changes, until ``stop`` is
    set. A build that fails is reported in one line and leaves the last good site in place."""
    source = Path(source)
    seen = _files(source)
    while not stop.wait(interval):
        now = _files(source)
        if now == seen:
            continue
        seen = now
        try:
            done = build(source, output)
        except LstmvizError as err:
            report(f"error: {err.one_line()} (the site is unchanged)")
        else:
            report(f"rebuilt: {done.drawn} figures drawn, {done.reused} kept, {done.seconds:.1f} s")


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its modification time and size: what a change changes."""
    out = {}
    for path in folder.rglob("*"):
        try:
            stat = path.stat()
        except OSError:  # removed while we looked
            continue
        if path.is_file():
            out[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return out
