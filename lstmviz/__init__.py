"""lstmviz: one declarative description of a recurrent cell, its diagrams and its numbers.

import lstmviz
cell = lstmviz.load("lstm")
result = lstmviz.run(cell, x)            # x shaped (T, B, input size)
result.outputs, result.state["c"]
"""

# The catalogue of the posts' figures is the module lstmviz.figures; imported here, before the function
# of that name, so that importing it later (api.figures does) cannot rebind lstmviz.figures to it.
from . import figures as _catalogue  # noqa: F401
from .api import (
    animate,
    draw,
    explain,
    explore,
    figures,
    gradients,
    load,
    random_input,
    render,
    render_stack,
    run,
    steps,
    train,
    walk_through,
)
from .cells import BUILTINS
from .errors import DataError, LstmvizError, NonFiniteWarning, SpecError
from .execute.params import LayerParams, init_params, load_params, save_params
from .execute.plan import Plan, compile
from .execute.run import Result, Trace
from .execute.stack import Stack, StackResult, run_stack
from .learn import Gradients, backward
from .spec.builder import CellBuilder
from .spec.equations import from_equations
from .spec.graph import CellGraph, Edge, Node
from .spec.tomlfile import dump_spec, parse_spec, read_spec, save_spec
from .torch_interop import from_torch, stack_from_torch
from .trace import from_module

__version__ = "0.1.0"

__all__ = [
    "BUILTINS",
    "animate",
    "backward",
    "CellBuilder",
    "CellGraph",
    "DataError",
    "Edge",
    "LayerParams",
    "LstmvizError",
    "Node",
    "NonFiniteWarning",
    "Plan",
    "Result",
    "SpecError",
    "Stack",
    "StackResult",
    "Trace",
    "compile",
    "draw",
    "explain",
    "explore",
    "from_module",
    "figures",
    "Gradients",
    "gradients",
    "dump_spec",
    "from_equations",
    "from_torch",
    "init_params",
    "load",
    "load_params",
    "parse_spec",
    "random_input",
    "read_spec",
    "render",
    "render_stack",
    "run",
    "run_stack",
    "save_params",
    "save_spec",
    "stack_from_torch",
    "steps",
    "train",
    "walk_through",
]
