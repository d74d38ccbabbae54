"""Make the figures paper.tex and slides.tex include: python make_figures.py [OUTDIR]"""

import sys
from pathlib import Path

import lstmviz


def main(out: Path) -> None:
    # the PGF first: LaTeX typesets it, so a machine without pdflatex is told before anything is written
    lstmviz.render("gru", out / "gru.pgf", width="8cm", transparent=True)  # typeset by LaTeX, in the paper's font
    lstmviz.render("lstm", out / "lstm.pdf", width="8cm", font="cm")  # a PDF, its text as text
    lstmviz.walk_through("lstm", out / "lstm-steps.pdf", width="12cm", font="cm")  # one page per step
    lstmviz.walk_through("lstm", out / "lstm-overlays.tex", style="dark", width="11cm")  # for Beamer overlays


if __name__ == "__main__":
    try:
        main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
    except lstmviz.LstmvizError as err:  # bad input or a missing program: one line, as lstmviz's own command says it
        sys.exit(f"make_figures.py: {err}")
