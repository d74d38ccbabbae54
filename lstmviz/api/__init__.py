"""The public face of lstmviz: what users, the CLI and the gallery call. Each function checks its
arguments at the door (lstmviz.arguments) and runs the one pipeline below it."""

from __future__ import annotations

from ..cells import BUILTINS
from ..spec.graph import CellGraph
from .animations import animate, explain
from .cells import drawable, load, random_input, run
from .diagrams import draw, figures, render, render_stack, steps, steps_of, walk_through
from .learning import explore, gradients, train

__all__ = [
    "BUILTINS", "animate", "draw", "drawable", "explain", "explore", "figures", "gradients", "load", "random_input",
    "render", "render_stack", "run", "steps", "steps_of", "train", "walk_through",
]  # fmt: skip


def _show_cells_in_jupyter() -> None:
    """In an IPython kernel, a CellGraph shows itself as its diagram: IPython's SVG formatter is told
    to draw it with :func:`render`. Registered here, so that the spec knows nothing of drawing."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.display_formatter.formatters["image/svg+xml"].for_type(CellGraph, lambda graph: render(graph))


_show_cells_in_jupyter()
