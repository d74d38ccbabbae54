"""A PowerPoint- and Keynote-friendly walk-through: one 1920 px wide PNG per step, in the dark style.

python png_sequence.py [CELL] [OUTDIR]
"""

import sys

import lstmviz

cell = sys.argv[1] if len(sys.argv) > 1 else "lstm"
out = sys.argv[2] if len(sys.argv) > 2 else f"{cell}-slides"
for path in lstmviz.api.walk_through(cell, out, fmt="png", style="dark", width="1920px"):
    print(path)
