"""Cells by name or path, and running them: the API's first steps."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .. import arguments as args
from ..cells import BUILTINS, builtin
from ..errors import DataError, SpecError
from ..execute import run as _run
from ..spec.graph import CellGraph
from ..spec.tomlfile import read_spec


def load(cell: str | Path | CellGraph) -> CellGraph:
    """A cell by built-in name (``"lstm"``) or spec path (``"my_cell.toml"``)."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    if isinstance(cell, CellGraph):
        return cell
    if isinstance(cell, str) and cell in BUILTINS:
        return builtin(cell)
    path = Path(cell)
    if path.suffix == "" and not path.exists():
        raise SpecError(
            "is neither a built-in cell nor a file",
            name=str(cell),
            fix=f"use one of {', '.join(BUILTINS)}, or the path of a .toml spec",
        )
    return read_spec(path)

def drawable(cell: str | Path | CellGraph) -> CellGraph:
    """A cell (see :func:`load`) that is small enough to draw: a larger figure is unreadable, and
    laying it out would take long; the refusal names the spec's file."""
    from ..spec.limits import MAX_DRAWN_NODES

    graph = load(cell)
    if len(graph.nodes) > MAX_DRAWN_NODES:
        raise SpecError(
            f"has {len(graph.nodes):,} nodes, more than a figure can show legibly (at most {MAX_DRAWN_NODES})",
            name=graph.name,
            fix="draw a smaller cell; lstmviz still checks and runs this one",
            file=None if isinstance(cell, CellGraph) or str(cell) in BUILTINS else cell,
        )
    return graph

def run(
    cell: str | Path | CellGraph,
    x: np.ndarray | Mapping[str, np.ndarray],
    params: Mapping[str, Any] | None = None,
    *,
    trace: bool = False,
    batch_first: bool = False,
    **options: Any,
) -> _run.Result:
    """Run a cell (a graph, a built-in name or a spec path) over ``x`` shaped (T, B, input size),
    or (B, T, input size) with ``batch_first`` (as PyTorch's option: outputs and trace come back
    the same way round).

    See :func:`lstmviz.execute.run.run` for ``state``, ``dtype``, ``dims`` and ``seed``.
    """
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.mapping(params, "params")
    args.flag(trace, "trace")
    args.flag(batch_first, "batch_first")
    args.run_options(options)
    if not batch_first:
        return _run.run(load(cell), x, params, trace=trace, **options)
    import dataclasses

    def swap(a: np.ndarray) -> np.ndarray:
        if np.ndim(a) != 3:
            raise DataError(f"input has shape {np.shape(a)}, not (B, T, features)", name="x", fix="drop batch_first")
        return np.swapaxes(a, 0, 1)

    given = {k: swap(v) for k, v in x.items()} if isinstance(x, Mapping) else swap(x)
    result = _run.run(load(cell), given, params, trace=trace, **options)
    traced = None if result.trace is None else _run.Trace({k: swap(v) for k, v in result.trace.values.items()})
    return dataclasses.replace(
        result,
        outputs=swap(result.outputs),
        by_output={k: swap(v) for k, v in result.by_output.items()},
        trace=traced,
    )

def random_input(
    cell: str | Path | CellGraph,
    steps: int,
    batch: int = 1,
    *,
    seed: int = 0,
    dims: Mapping[str, int] | None = None,
    dtype: Any = "float32",
    trace: bool = True,
) -> dict[str, np.ndarray]:
    """Seeded standard-normal input for every input of a cell, shaped (steps, batch, size), once the
    run it is for (with a ``trace``, as animations need, or not) is known to fit in memory."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.integer(steps, "steps", low=1)
    args.integer(batch, "batch", low=1)
    args.integer(seed, "seed", low=0)
    args.dims(dims)
    dtype = args.dtype(dtype)
    args.flag(trace, "trace")
    from ..execute.run import check_memory
    from ..spec import sizes

    graph = load(cell)
    merged = {**graph.default_dims, **(dims or {})}
    check_memory(graph, merged, steps, batch, dtype, trace=trace)
    rng = np.random.default_rng(seed)
    return {
        n.id: rng.standard_normal((steps, batch, sizes.resolve(n.size, merged))).astype(dtype)
        for n in graph.of_kind("input")
    }


def dim_names(cell: str | Path | CellGraph) -> tuple[str, ...]:
    """The dims a cell's sizes are written in (``hidden``, ``input``, ...), in the order first used:
    the names ``dims={...}`` may set."""
    from ..spec.sizes import terms

    graph = load(cell)
    return tuple(dict.fromkeys(t for n in graph.nodes for t in terms(n.size) if not t.isdigit()))
