"""Fingerprints of 480 figures, to show a refactoring changed none of them.

    python benchmarks/figure_hashes.py -o before.json
    python benchmarks/figure_hashes.py --compare before.json

The set: the built-ins, the gallery and 40 random valid cells (the same every run, for one
hypothesis version), each in the colah and pipe styles, the cell and chain views, at the style's
own spacing and at half as much again between rows and columns (as an animation spreads a figure
for its values' strips): 60 x 2 x 2 x 2 = 480. Each figure gives two hashes, of its layout (the
frozen dataclasses' repr, with PYTHONHASHSEED=0) and of its SVG. With --compare, prints every figure whose hashes differ
and exits 1 if any does; either way prints the seconds the layouts took.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' random-graph strategy

import lstmviz  # noqa: E402
from lstmviz.drawing.scene import build_scene  # noqa: E402
from lstmviz.drawing.svg import to_svg  # noqa: E402
from lstmviz.layout.views import layout_view  # noqa: E402
from lstmviz.sizing import metrics_for  # noqa: E402
from lstmviz.style import load_style  # noqa: E402
from tests.support import random_graphs  # noqa: E402

SPREADS = (1.0, 1.5)


def cells(random: int):  # type: ignore[no-untyped-def]
    """(name, graph) for every cell of the set."""
    for name in lstmviz.BUILTINS:
        yield name, lstmviz.load(name)
    for path in sorted((ROOT / "gallery").glob("*.toml")):
        yield f"gallery/{path.stem}", lstmviz.load(path)
    for k, graph in enumerate(random_graphs(random) if random else []):
        yield f"random-{k}", graph


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fingerprints(random: int) -> tuple[dict[str, list[str]], float]:
    """Each figure's name with its layout's and its SVG's hash, and the seconds laying out took."""
    found: dict[str, list[str]] = {}
    seconds = 0.0
    for name, graph in cells(random):
        for style in ("colah", "pipe"):
            sheet = load_style(style)
            m = metrics_for(sheet)
            for view in ("cell", "chain"):
                for k in SPREADS:
                    spread = dataclasses.replace(m, column=m.column * k, row=m.row * k)
                    start = time.perf_counter()
                    layout = layout_view(graph, view, metrics=spread)
                    seconds += time.perf_counter() - start
                    svg = to_svg(build_scene(layout, sheet))
                    found[f"{name} {style} {view} x{k}"] = [digest(repr(layout)), digest(svg)]
    return found, seconds


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":  # a layout's repr shows frozensets, in hash order
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, help="write the fingerprints here (JSON)")
    parser.add_argument("--compare", type=Path, help="fingerprints written before, to compare with")
    parser.add_argument("--random", type=int, default=40, help="random valid cells in the set")
    args = parser.parse_args()
    found, seconds = fingerprints(args.random)
    print(f"{len(found)} figures, layouts {seconds:.1f} s")
    if args.output:
        args.output.write_text(json.dumps(found, indent=0, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        changed = [name for name in sorted(before.keys() | found.keys()) if before.get(name) != found.get(name)]
        for name in changed:
            old, new = before.get(name, ["-", "-"]), found.get(name, ["-", "-"])
            parts = [part for part, a, b in zip(("layout", "svg"), old, new, strict=True) if a != b]
            print(f"changed: {name} ({' and '.join(parts)})")
        print(f"{len(changed)} of {len(found)} figures changed")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
