"""The built-in cells, shipped as canonical TOML specs beside this file."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ..spec.graph import CellGraph
from ..spec.tomlfile import parse_spec

#: Built-in cell names, in the order ``lstmviz list`` shows them.
BUILTINS = ("rnn", "lstm", "lstm-peephole", "lstm-coupled", "gru", "gru-pytorch", "mgu")


@cache
def builtin(name: str) -> CellGraph:
    """The built-in cell called ``name`` (one of :data:`BUILTINS`)."""
    if name not in BUILTINS:
        raise KeyError(name)
    text = resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return parse_spec(text, file=f"<built-in {name}>")
