"""The fuzz test with a larger budget than CI's, and random rather than fixed cases.

    python benchmarks/fuzz.py [--examples 8000] [--processes 2]

Runs tests/test_fuzz.py with ``--examples`` cases for each of its five generated tests (specs
checked; specs through every command; built-in cells with careless arguments; style sheets; the
Python API called with wrong values), in ``--processes`` pytest-xdist workers,
and prints how many cases each ran, how they ended (done, or refused in one line) and how long
it took. Any failure is printed by pytest with its smallest failing case: add that case to
tests/fuzz/regressions/ with the fix. benchmarks/README.md records the last run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=8_000, help="cases per generated test")
    parser.add_argument("--processes", type=int, default=1, help="pytest-xdist workers (1: none)")
    parser.add_argument("-k", dest="only", default="", help="only the generated tests whose names match (pytest -k)")
    args = parser.parse_args()
    workers = ["-n", str(args.processes)] if args.processes > 1 else []
    env = {**os.environ, "LSTMVIZ_FUZZ_EXAMPLES": str(args.examples)}
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *workers, "tests/test_fuzz.py", "-k",
         "not once_failed and not round_trips" + (f" and ({args.only})" if args.only else ""),
         "--hypothesis-show-statistics"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if out.returncode:  # each failure with its smallest failing case, as pytest reports it
        failures = out.stdout.split("= FAILURES =")[-1].split("Hypothesis Statistics")[0]
        print(failures[-60000:], file=sys.stderr)
    tests = [t for t in re.split(r"^tests/test_fuzz\.py::", out.stdout, flags=re.M)[1:] if "passing example" in t]
    print(f"{args.examples:,} cases a test, {seconds:.0f} s, pytest exit status {out.returncode}\n")
    print("| test | cases | failing | done | refused in one line |")
    print("|---|---|---|---|---|")
    total = 0
    for block in tests:
        name = block.split(":", 1)[0]
        counts = re.search(r"(\d+) passing examples?, (\d+) failing examples?", block)
        done = sum(float(p) for p in re.findall(r"([\d.]+)%, \w+: done", block))
        refused = sum(float(p) for p in re.findall(r"([\d.]+)%, \w+: refused", block))
        passing, failing = (int(counts.group(1)), int(counts.group(2))) if counts else (0, 0)
        total += passing + failing
        print(f"| {name} | {passing + failing:,} | {failing} | {done:.0f} % | {refused:.0f} % |")
    print(f"\n{total:,} cases in all.")
    sys.exit(out.returncode)


if __name__ == "__main__":
    main()
