"""How many figures a reader could misread: the defects issue "Any cell drawn right" names, counted
over the built-ins, the gallery and random valid cells, in the colah and pipe metrics.

    python benchmarks/layout_defects.py [--random 300]

Counted on each figure's layout (the geometry the SVG and PNG are drawn from):

- shared track: two wires that carry different values (different sources) run along the same
  line for longer than a crossing, so the reader sees one line where there are two (and in
  colah's notation, lines that merge mean concatenation);
- too close: such wires run parallel closer than 1.5 x the wire's width for longer than a crossing;
- label on a dot: a label's box covers a junction dot;
- through a node, overlapping shapes, labels on shapes, wires or labels, off the canvas: what
  tests/support.layout_problems checks (and the tests hold at zero today).

Prints one row per group of figures: figures with any defect, and the count of each kind. The
baseline is recorded in benchmarks/README.md; the layout work of that issue brings the first
columns to zero, and the test suite then asserts it.
"""

from __future__ import annotations

import argparse
import collections
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' random-graph strategy

import lstmviz  # noqa: E402
from lstmviz.api import metrics_for  # noqa: E402
from lstmviz.layout.views import layout_view  # noqa: E402
from lstmviz.style import load_style  # noqa: E402
from tests.support import layout_problems, random_graphs  # noqa: E402

#: How long two lines may run together and still be a crossing, in pixels.
CROSSING = 6.0


def segments(wire):
    return [(p, q) for p, q in zip(wire.points, wire.points[1:]) if (p.x, p.y) != (q.x, q.y)]


def run_together(s, t, width: float) -> tuple[str, float] | None:
    """('shared', length) or ('close', length) when two axis-parallel segments run together."""
    (a, b), (c, d) = s, t
    for along, across in (("x", "y"), ("y", "x")):
        if getattr(a, across) == getattr(b, across) and getattr(c, across) == getattr(d, across):
            gap = abs(getattr(a, across) - getattr(c, across))
            lo = max(min(getattr(a, along), getattr(b, along)), min(getattr(c, along), getattr(d, along)))
            hi = min(max(getattr(a, along), getattr(b, along)), max(getattr(c, along), getattr(d, along)))
            if hi - lo > CROSSING and gap < 1.5 * width:
                return ("shared track" if gap < 0.5 else "too close"), hi - lo
    return None


def defects(layout, width: float) -> collections.Counter:
    found: collections.Counter = collections.Counter()
    for w1, w2 in combinations(layout.wires, 2):
        if w1.src == w2.src:
            continue  # one value may fan out along a shared bus, as colah draws [h, x]
        for s in segments(w1):
            hit = next((r for t in segments(w2) if (r := run_together(s, t, width))), None)
            if hit:
                found[hit[0]] += 1
                break
    for label in layout.labels:
        box = label.box()
        found["label on a dot"] += sum(
            box.left < d.at.x < box.right and box.top < d.at.y < box.bottom for d in layout.dots
        )
    for problem in layout_problems(layout):
        found[" ".join(problem.split()[2:4]) if problem.startswith("label") else problem.split()[-2]] += 1
    return found


def figures(random: int):
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
    for group, graph in figures(args.random):
        for style in ("colah", "pipe"):
            sheet = load_style(style)
            width = sheet.wire.width
            for view in ("cell", "chain"):
                found = defects(layout_view(graph, view, metrics=metrics_for(sheet)), width)
                row = rows[(group, style, view)]
                row[0] += 1
                row[1] += bool(+found)  # + drops the kinds counted zero
                row[2].update(found)
    kinds = ["shared track", "too close", "label on a dot"]
    print("| figures | style | view | drawn | with a defect | " + " | ".join(kinds) + " | other |")
    print("|---|---|---|---|---|" + "---|" * (len(kinds) + 1))
    for (group, style, view), (drawn, bad, found) in rows.items():
        other = sum(v for k, v in found.items() if k not in kinds)
        print(
            f"| {group} | {style} | {view} | {drawn} | {bad} | "
            + " | ".join(str(found[k]) for k in kinds)
            + f" | {other} |"
        )


if __name__ == "__main__":
    main()
