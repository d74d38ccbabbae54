"""How fast the cell layout is, against the targets of the issue on the core: every built-in and
gallery cell laid out within 100 ms in either style, and the 300 random cells of
``layout_defects.py`` (both styles, cell views) within 20 s.

    python benchmarks/layout_speed.py [--random 300]

Each layout is timed cold (the layout cache bypassed), one after another in this process. Prints
the slowest built-in and gallery layouts, how many are over 100 ms, the random cells' total, and
each as a ratio to its target (1.0 is on target), so runs on different machines compare.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' random-graph strategy

import lstmviz  # noqa: E402
from lstmviz.layout.cell import _layout_cell  # noqa: E402
from lstmviz.sizing import metrics_for  # noqa: E402
from lstmviz.style import load_style  # noqa: E402
from tests.support import random_graphs  # noqa: E402

CELL_TARGET = 0.100  # seconds, each built-in or gallery cell in either style
RANDOM_TARGET = 20.0  # seconds, the random cells in both styles


def timed(graph, metrics) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    _layout_cell.__wrapped__(graph, metrics)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300, help="random cells (default 300)")
    n = parser.parse_args().random
    styles = {s: metrics_for(load_style(s)) for s in ("colah", "pipe")}
    named = [(name, lstmviz.load(name)) for name in lstmviz.BUILTINS]
    named += [(f"gallery/{p.stem}", lstmviz.load(p)) for p in sorted((ROOT / "gallery").glob("*.toml"))]
    cells = sorted(((timed(g, m), name, style) for name, g in named for style, m in styles.items()), reverse=True)
    over = [c for c in cells if c[0] > CELL_TARGET]
    print(f"built-ins and gallery: {len(cells)} layouts, {len(over)} over {CELL_TARGET * 1000:.0f} ms")
    for seconds, name, style in cells[:8]:
        print(f"  {name:28} {style:6} {seconds * 1000:6.0f} ms  ({seconds / CELL_TARGET:.2f} of the target)")
    graphs = random_graphs(n)
    total = sum(timed(g, m) for g in graphs for m in styles.values())
    share = total / RANDOM_TARGET * 300 / max(n, 1)  # the target is for 300 cells
    print(f"random: {n} cells x 2 styles in {total:.1f} s ({share:.2f} of the target)")


if __name__ == "__main__":
    main()
