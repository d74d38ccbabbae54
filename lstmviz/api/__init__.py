"""The public face of lstmviz: what users, the CLI and the gallery call. Each function checks its
arguments at the door (lstmviz.arguments) and runs the one pipeline below it. Everything the
command line does is reachable from here."""

from __future__ import annotations

from ..cells import BUILTINS
from ..execute.params import flat_params, learned, load_params, save_params
from ..execute.plan import compile
from ..execute.stack import run_stack
from ..learn.train import outcome
from ..spec.graph import CellGraph
from ..spec.limits import MAX_DIM
from ..spec.tomlfile import dump_spec, save_spec
from ..torch_interop import from_torch, stack_from_torch
from ..trace import from_module
from ..usercode import trace_file
from .animations import animate, explain, parse_units
from .cells import dim_names, drawable, load, random_input, run
from .diagrams import draw, figures, render, render_stack, steps, steps_of, walk_through
from .inputs import SavedRun, read_input, run_saved
from .learning import explore, gradients, load_model, train

__all__ = [
    "BUILTINS", "MAX_DIM", "animate", "compile", "dim_names", "draw", "drawable", "dump_spec", "explain", "explore",
    "figures", "flat_params", "from_module", "from_torch", "gradients", "learned", "load", "load_model",
    "load_params", "outcome", "parse_units", "trace_file",
    "random_input", "read_input", "render", "render_stack", "run", "run_saved", "run_stack", "save_params",
    "save_spec", "SavedRun", "stack_from_torch", "steps", "steps_of", "train", "walk_through",
]  # fmt: skip


def _show_cells_in_jupyter() -> None:
    """In an IPython kernel, a CellGraph shows itself as its diagram: IPython's SVG formatter is told
    to draw it with :func:`render`. Registered here, so that the spec knows nothing of drawing."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        svg = shell.display_formatter.formatters["image/svg+xml"]
        svg.for_type(CellGraph, lambda graph: render(graph)._repr_svg_())


_show_cells_in_jupyter()
