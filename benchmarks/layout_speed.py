"""How fast the cell layout is, against the targets of the issue on the core: every built-in and
gallery cell laid out within 100 ms in either style, and 300 random valid cells (the tests'
strategy, both styles, cell views) within 20 s.

    python benchmarks/layout_speed.py [--random 300] [--against REV]

Each layout is timed cold (the layout cache bypassed), one after another in one process. Prints
the slowest built-in and gallery layouts, how many are over 100 ms and the random cells' total,
each as a share of its target (1.0 is on target). With ``--against REV`` the same is measured on
that commit (checked out in a temporary worktree) in the same run, and printed side by side with
the ratio of the two, so that runs on different machines compare.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from timing import ROOT, checked_out, measured_in, use_tree

CELL_TARGET = 0.100  # seconds, each built-in or gallery cell in either style
RANDOM_TARGET = 20.0  # seconds, 300 random cells in both styles


def measure(root: Path, n: int) -> dict[str, float]:
    """Seconds per layout of the tree at ``root``: each built-in and gallery cell by style, and the
    ``n`` random cells in both styles together (under "random")."""
    use_tree(root)
    import lstmviz
    from lstmviz.layout.cell import _layout_cell
    from lstmviz.sizing import metrics_for
    from lstmviz.style import load_style
    from tests.support import random_graphs

    def timed(graph, metrics) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        _layout_cell.__wrapped__(graph, metrics)
        return time.perf_counter() - start

    styles = {s: metrics_for(load_style(s)) for s in ("colah", "pipe")}
    named = [(name, lstmviz.load(name)) for name in lstmviz.BUILTINS]
    named += [(f"gallery/{p.stem}", lstmviz.load(p)) for p in sorted((root / "gallery").glob("*.toml"))]
    out = {f"{name} {style}": timed(g, m) for name, g in named for style, m in styles.items()}
    out["random"] = sum(timed(g, m) for g in random_graphs(n) for m in styles.values())
    return out


def report(now: dict[str, float], before: dict[str, float] | None, n: int) -> None:
    cells = sorted(((s, k) for k, s in now.items() if k != "random"), reverse=True)
    over = sum(1 for s, _ in cells if s > CELL_TARGET)
    print(f"built-ins and gallery: {len(cells)} layouts, {over} over {CELL_TARGET * 1000:.0f} ms")
    if before is not None:
        was = sum(1 for k, s in before.items() if k != "random" and s > CELL_TARGET)
        print(f"  (before: {was} over; all of them {sum(s for s, _ in cells):.2f} s, before "
              f"{sum(s for k, s in before.items() if k != 'random'):.2f} s)")  # fmt: skip
    for seconds, name in cells[:8]:
        then = ""
        if before and name in before:
            then = f"  before {before[name] * 1000:6.0f} ms, x{seconds / before[name]:.2f}"
        print(f"  {name:34} {seconds * 1000:6.0f} ms ({seconds / CELL_TARGET:.2f} of the target){then}")
    share = now["random"] / RANDOM_TARGET * 300 / max(n, 1)  # the target is for 300 cells
    then = f"; before {before['random']:.1f} s, x{now['random'] / before['random']:.2f}" if before else ""
    print(f"random: {n} cells x 2 styles in {now['random']:.1f} s ({share:.2f} of the target){then}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300, help="random cells (default 300)")
    parser.add_argument("--against", metavar="REV", help="also measure this commit, side by side")
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)  # measure this tree, print JSON
    options = parser.parse_args()
    if options.root is not None:
        print(json.dumps(measure(options.root, options.random)))
        return
    before = None
    if options.against:
        with checked_out(options.against) as tree:
            before = measured_in(__file__, tree, "--random", str(options.random))
    report(measure(ROOT, options.random), before, options.random)


if __name__ == "__main__":
    main()
