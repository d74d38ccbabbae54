"""Writing a figure's PDF with lean font subsets against matplotlib's whole ones, in one run.

    python benchmarks/bench_pdf.py [--repeat N]

For each built-in cell in both styles, the same scene is written as a PDF twice: as lstmviz does
(TrueType fonts subset without their layout tables, :mod:`lstmviz.drawing.pdffonts`) and as
matplotlib does with the same TrueType setting (subsets that keep GSUB, GPOS, GDEF and MATH).
Prints a Markdown table of the time per PDF, the ratio, and the files' sizes for
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import matplotlib

sys.path.insert(0, str(Path(__file__).parent))

from timing import best_of  # noqa: E402

import lstmviz  # noqa: E402
from lstmviz.drawing import mpl  # noqa: E402
from lstmviz.drawing.pdffonts import PUBLISHER  # noqa: E402
from lstmviz.drawing.scene import build_scene  # noqa: E402
from lstmviz.layout.views import layout_view  # noqa: E402
from lstmviz.sizing import metrics_for  # noqa: E402
from lstmviz.style import load_style  # noqa: E402


def whole(scene: object) -> bytes:
    """The PDF as matplotlib writes it with TrueType fonts (what lstmviz did before)."""
    out = io.BytesIO()
    with matplotlib.rc_context(PUBLISHER):
        mpl.figure(scene).savefig(out, format="pdf", dpi=200)
    return out.getvalue()


def lean(scene: object) -> bytes:
    """The PDF as lstmviz writes it."""
    return mpl.encode(scene, fmt="pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| cell | style | whole subsets | lean subsets | ratio | size whole | size lean |")
    print("|---|---|---|---|---|---|---|")
    total = {"whole": 0.0, "lean": 0.0}
    for name in lstmviz.BUILTINS:
        for style in ("colah", "pipe"):
            sheet = load_style(style)
            scene = build_scene(layout_view(lstmviz.load(name), "cell", metrics=metrics_for(sheet)), sheet)
            t_whole = best_of(lambda scene=scene: whole(scene), args.repeat)
            t_lean = best_of(lambda scene=scene: lean(scene), args.repeat)
            total["whole"] += t_whole
            total["lean"] += t_lean
            print(
                f"| {name} | {style} | {t_whole * 1000:.0f} ms | {t_lean * 1000:.0f} ms | {t_whole / t_lean:.2f}x "
                f"| {len(whole(scene)) / 1000:.1f} kB | {len(lean(scene)) / 1000:.1f} kB |"
            )
    print(f"| all | | {total['whole']:.2f} s | {total['lean']:.2f} s | {total['whole'] / total['lean']:.2f}x | | |")


if __name__ == "__main__":
    main()
