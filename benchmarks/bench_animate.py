"""Animating the LSTM (T=8, hidden size 4): time to make, and size, of each format, in one run.

    python benchmarks/bench_animate.py [--against REV] [--runs 3]

Beside the sizes of the hand-made GIFs of the "Illustrated Guide to LSTM's and GRU's" (about
1-3 MB each, as that issue records). Each format is made ``--runs`` times after a warm-up and the
middle time is kept. With ``--against REV`` the same is measured on that commit (checked out in a
temporary worktree, run in its own process), the two trees taking turns, and printed side by side
with the ratio, so that runs on a busy machine compare. Prints a Markdown table for
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from timing import ROOT, checked_out, measured_in, use_tree

FORMATS = ("svg", "html", "gif", "mp4")


def measure(root: Path) -> dict[str, list[float]]:
    """One run of each format with the tree at ``root``: {format: [seconds, bytes]}, and the still
    figure's seconds under "figure"."""
    use_tree(root)
    import lstmviz

    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in FORMATS:
            if suffix == "mp4" and shutil.which("ffmpeg") is None:
                continue
            path = Path(tmp) / f"lstm.{suffix}"
            lstmviz.animate("lstm", path, steps=1)  # warm up: imports, caches
            start = time.perf_counter()
            lstmviz.animate("lstm", path, steps=8)
            out[suffix] = [time.perf_counter() - start, path.stat().st_size]
    lstmviz.render("lstm")
    start = time.perf_counter()
    for _ in range(5):
        lstmviz.render("lstm")
    out["figure"] = [(time.perf_counter() - start) / 5, 0]
    return out


def _middle(runs: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    return {k: [statistics.median(r[k][0] for r in runs), runs[0][k][1]] for k in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="also measure this commit, side by side")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tree; the middle is kept (default 3)")
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)  # measure this tree, print JSON
    options = parser.parse_args()
    if options.root is not None:
        print(json.dumps(measure(options.root)))
        return
    now_runs, before_runs = [], []
    with checked_out(options.against) if options.against else nullcontext() as tree:
        for _ in range(options.runs):  # the trees take turns, so a busy spell falls on both
            if tree is not None:
                before_runs.append(measured_in(__file__, tree))
            now_runs.append(measured_in(__file__, ROOT))
    now = _middle(now_runs)
    before = _middle(before_runs) if before_runs else None
    print(f"Python {sys.version.split()[0]}; LSTM, T=8, hidden 4, batch 1; the middle of {options.runs} runs\n")
    figure = now.pop("figure")[0]
    ratio = now["svg"][0] / figure
    print(f"The animated SVG takes {ratio:.0f}x the time of the still figure ({figure * 1000:.0f} ms).\n")
    if before is None:
        print("| format | time to make | size |\n|---|---|---|")
        for suffix, (seconds, size) in now.items():
            print(f"| {suffix} | {seconds:.2f} s | {size / 1024:.0f} KB |")
    else:
        print(f"| format | before ({options.against}) | now | now / before | size before | size now |")
        print("|---|---|---|---|---|---|")
        for suffix, (seconds, size) in now.items():
            was, was_size = before[suffix]
            print(f"| {suffix} | {was:.2f} s | {seconds:.2f} s | {seconds / was:.2f} | {was_size / 1024:.0f} KB | "
                  f"{size / 1024:.0f} KB |")  # fmt: skip
    print("| hand-made GIF of the Illustrated Guide (for scale) | | | | | about 1000-3000 KB |")


if __name__ == "__main__":
    main()
