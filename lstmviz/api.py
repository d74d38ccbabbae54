"""The public face of lstmviz: what users, the CLI and the gallery call."""

from __future__ import annotations

from pathlib import Path

from .cells import BUILTINS, builtin
from .errors import SpecError
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
