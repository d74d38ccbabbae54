"""Building the gallery site: from clean, and again after touching one entry, in one run.

    python benchmarks/bench_gallery.py

Runs the real command (``lstmviz gallery build``, a new process each time, as a user would) on a
copy of ``gallery/``. Rows: a full build from clean with one process per core and with one
process (the ratio is what drawing in parallel buys), then rebuilds of the same folder: nothing
changed, one entry's caption changed, one entry's spec changed. Targets (issue "Fast where people
wait"): a full build within 25 s on a 2-core machine, a spec edit within 2 s, a build with nothing
changed within 0.5 s (before it, "The gallery website" asked 30 s and 3 s). Prints a Markdown table
for benchmarks/README.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GALLERY = Path(__file__).parents[1] / "gallery"
TARGETS = {"full": 25.0, "edit": 2.0, "unchanged": 0.5}


def build(src: Path, out: Path, jobs: int) -> tuple[float, str]:
    cmd = [
        sys.executable,
        "-m",
        "lstmviz.cli",
        "gallery",
        "build",
        "--source",
        str(src),
        "-o",
        str(out),
        "-j",
        str(jobs),
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout.strip().split(": ", 1)[1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def main() -> None:
    cores = os.cpu_count() or 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "gallery", Path(tmp) / "site"
        shutil.copytree(GALLERY, src)
        build(src, Path(tmp) / "warm-up", cores)  # the first run pays for cold file caches
        seconds, what = build(src, Path(tmp) / "serial", 1)
        rows.append(("full build from clean, 1 process", seconds, what, "full"))
        seconds, what = build(src, out, cores)
        rows.append((f"full build from clean, {cores} processes", seconds, what, "full"))
        seconds, what = build(src, out, cores)
        rows.append(("rebuild, nothing changed", seconds, what, "unchanged"))
        edit(src / "lstm.toml", "The LSTM adds", "The long short-term memory adds")
        seconds, what = build(src, out, cores)
        rows.append(("rebuild, one caption changed (lstm)", seconds, what, "edit"))
        edit(src / "lstm.toml", 'label = "x_t"', 'label = "u_t"')
        seconds, what = build(src, out, cores)
        rows.append(("rebuild, one spec changed (lstm: a label)", seconds, what, "edit"))
    serial, parallel = rows[0][1], rows[1][1]
    print(
        f"Python {sys.version.split()[0]}; {cores} cores; the gallery's {len(list(GALLERY.glob('*.toml')))} entries\n"
    )
    print("| build | time | target | time / target | what the command reported |")
    print("|---|---|---|---|---|")
    for name, seconds, what, kind in rows:
        target = TARGETS[kind]
        print(f"| {name} | {seconds:.2f} s | {target:g} s | {seconds / target:.2f} | {what} |")
    print(f"\nParallel speed-up on {cores} cores: {serial / parallel:.2f}x")


if __name__ == "__main__":
    main()
