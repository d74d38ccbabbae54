"""Make the figures paper.tex and slides.tex include: python make_figures.py [OUTDIR]"""

import sys
from pathlib import Path

import lstmviz

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
lstmviz.render("lstm", out / "lstm.pdf", width="8cm", font="cm")  # a PDF, its text as text
lstmviz.render("gru", out / "gru.pgf", width="8cm", transparent=True)  # typeset by LaTeX, in the paper's font
lstmviz.api.walk_through("lstm", out / "lstm-steps.pdf", width="12cm", font="cm")  # one page per step
lstmviz.api.walk_through("lstm", out / "lstm-overlays.tex", style="dark", width="11cm")  # for Beamer overlays
