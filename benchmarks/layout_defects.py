"""How many figures a reader could misread: the defects the issue "Any cell drawn right" names,
counted on the drawn SVG of the built-ins, the gallery and random valid cells, in the colah and
pipe styles, cell and chain views.

    python benchmarks/layout_defects.py [--random 300]

The counting is the tests' checker (tests/drawn.py), which reads only the SVG: wires of different
values on one track or closer than half a wire of background ("shared track", "too close"), a line
ending or turning on another ("touching"), labels over a junction dot, and the rest (a wire through
a node, overlapping shapes or labels, labels on wires, off the canvas, empty op circles). Prints
one row per group of figures, and the seconds the layouts took. The 300 random cells are the same
every run (hypothesis, derandomised), so runs compare.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' checker and random-graph strategy

import lstmviz  # noqa: E402
from lstmviz.drawing.scene import build_scene  # noqa: E402
from lstmviz.drawing.svg import to_svg  # noqa: E402
from lstmviz.layout.views import layout_view  # noqa: E402
from lstmviz.sizing import metrics_for  # noqa: E402
from lstmviz.style import load_style  # noqa: E402
from tests import drawn  # noqa: E402
from tests.support import random_graphs  # noqa: E402

KINDS = {"share a track": "shared track", "px apart": "too close", " on ": "touching", "junction dot": "label on a dot"}


def kind(defect: str) -> str:
    """The column a defect of tests/drawn.py is counted in."""
    if "lies on" in defect:
        return "other"  # a label on a wire
    return next((name for words, name in KINDS.items() if words in defect), "other")


def figures(random: int):  # type: ignore[no-untyped-def]
    """(group, graph) for every figure to count."""
    for name in lstmviz.BUILTINS:
        yield "built-ins", lstmviz.load(name)
    for path in sorted((ROOT / "gallery").glob("*.toml")):
        yield "gallery", lstmviz.load(path)
    for graph in random_graphs(random):
        yield "random", graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=300, help="random valid cells to draw")
    args = parser.parse_args()
    rows: dict[tuple[str, str, str], list] = collections.defaultdict(lambda: [0, 0, collections.Counter()])
    laying_out = 0.0
    for group, graph in figures(args.random):
        for style in ("colah", "pipe"):
            sheet = load_style(style)
            for view in ("cell", "chain"):
                start = time.perf_counter()
                layout = layout_view(graph, view, metrics=metrics_for(sheet))
                laying_out += time.perf_counter() - start
                found = collections.Counter(
                    kind(d) for d in drawn.defects(drawn.read(to_svg(build_scene(layout, sheet))), graph)
                )
                row = rows[(group, style, view)]
                row[0] += 1
                row[1] += bool(found)
                row[2].update(found)
    kinds = [*KINDS.values(), "other"]
    print("| figures | style | view | drawn | with a defect | " + " | ".join(kinds) + " |")
    print("|---|---|---|---|---|" + "---|" * len(kinds))
    for (group, style, view), (count, bad, found) in rows.items():
        print(f"| {group} | {style} | {view} | {count} | {bad} | " + " | ".join(str(found[k]) for k in kinds) + " |")
    print(f"\nlayouts: {laying_out:.1f} s")


if __name__ == "__main__":
    main()
