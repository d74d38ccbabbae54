"""The public face of lstmviz: what users, the CLI and the gallery call."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .cells import BUILTINS, builtin
from .errors import SpecError
from .execute import run as _run
from .spec.graph import CellGraph
from .spec.tomlfile import read_spec


def load(cell: str | Path | CellGraph) -> CellGraph:
    """A cell by built-in name (``"lstm"``) or spec path (``"my_cell.toml"``)."""
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


def run(
    cell: str | Path | CellGraph,
    x: np.ndarray | Mapping[str, np.ndarray],
    params: Mapping[str, Any] | None = None,
    *,
    trace: bool = False,
    **options: Any,
) -> _run.Result:
    """Run a cell (a graph, a built-in name or a spec path) over ``x`` shaped (T, B, input size).

    See :func:`lstmviz.execute.run.run` for ``state``, ``dtype``, ``dims`` and ``seed``.
    """
    return _run.run(load(cell), x, params, trace=trace, **options)
