"""Animating the LSTM (T=8, hidden size 4): time to make, and size, of each format, in one run.

    python benchmarks/bench_animate.py

Beside the sizes of the hand-made GIFs of the "Illustrated Guide to LSTM's and GRU's" (about
1-3 MB each, as that issue records). Prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import lstmviz


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("svg", "html", "gif", "mp4"):
            if suffix == "mp4" and shutil.which("ffmpeg") is None:
                continue
            path = Path(tmp) / f"lstm.{suffix}"
            lstmviz.animate("lstm", path, steps=1)  # warm up: imports, caches
            start = time.perf_counter()
            lstmviz.animate("lstm", path, steps=8)
            rows.append((suffix, time.perf_counter() - start, path.stat().st_size))
    lstmviz.render("lstm")
    start = time.perf_counter()
    for _ in range(5):
        lstmviz.render("lstm")
    figure = (time.perf_counter() - start) / 5
    print(f"Python {sys.version.split()[0]}; LSTM, T=8, hidden 4, batch 1\n")
    svg = next(seconds for suffix, seconds, _ in rows if suffix == "svg")
    print(f"The animated SVG takes {svg / figure:.0f}x the time of the still figure ({figure * 1000:.0f} ms).\n")
    print("| format | time to make | size |")
    print("|---|---|---|")
    for suffix, seconds, size in rows:
        print(f"| {suffix} | {seconds:.2f} s | {size / 1024:.0f} KB |")
    print("| hand-made GIF of the Illustrated Guide (for scale) | - | about 1000-3000 KB |")


if __name__ == "__main__":
    main()
