"""Drawing the LSTM cell, beside Graphviz's dot drawing the same nodes and edges, in one run.

    python benchmarks/bench_render.py [--repeat N]

Measures (1) lstmviz laying out and drawing the LSTM to an SVG string in-process, (2) the whole
``lstmviz render lstm -o x.svg`` command as a new process, and (3) ``dot -Tsvg`` on a DOT file of
the same nodes and edges (dot lays out but knows nothing of the colah conventions). Prints a
Markdown table; the figures in benchmarks/README.md come from it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lstmviz
from lstmviz.drawing.dot import to_dot


def timed(fn, repeat: int) -> tuple[float, float]:
    """(median, best) of ``repeat`` calls, in seconds."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    cell = lstmviz.load("lstm")
    lstmviz_bin = Path(sys.executable).with_name("lstmviz")
    with tempfile.TemporaryDirectory() as tmp:
        dot_file = Path(tmp) / "lstm.dot"
        dot_file.write_text(to_dot(cell))
        rows = [
            ("lstmviz, in-process, to an SVG string", timed(lambda: lstmviz.render(cell), args.repeat * 5)),
            (
                "`lstmviz render lstm -o x.svg` (a new process)",
                timed(
                    lambda: subprocess.run(
                        [lstmviz_bin, "render", "lstm", "-o", Path(tmp) / "x.svg"], check=True, capture_output=True
                    ),
                    args.repeat,
                ),
            ),
        ]
        if shutil.which("dot"):
            rows.append(
                (
                    "`dot -Tsvg` on the same nodes and edges (a new process)",
                    timed(
                        lambda: subprocess.run(
                            ["dot", "-Tsvg", dot_file, "-o", Path(tmp) / "d.svg"], check=True, capture_output=True
                        ),
                        args.repeat,
                    ),
                )
            )
    print(f"Python {sys.version.split()[0]}, median and best of {args.repeat} runs\n")
    print("| what | median | best |")
    print("|---|---|---|")
    for name, (median, best) in rows:
        print(f"| {name} | {median * 1e3:.1f} ms | {best * 1e3:.1f} ms |")


if __name__ == "__main__":
    main()
