"""The words a cell spec is written in: node kinds, edge kinds, ops and activations."""

from __future__ import annotations

import re

from ..errors import Choice
from .ops import OPS

#: Node kinds, in the notation of the seed diagrams. ``concat`` is the point where lines merge.
NODE_KINDS = ("input", "state-in", "concat", "layer", "op", "state-out", "output")
#: Kinds that hold no inputs: their value comes from outside the step.
SOURCE_KINDS = frozenset({"input", "state-in"})
#: Kinds whose value leaves the step; nothing inside the step may read them.
SINK_KINDS = frozenset({"state-out", "output"})

#: Edge kinds: a line to a single consumer, a line that forks, a line that merges.
EDGE_KINDS = ("transfer", "copy", "concat")

#: Pointwise ops (the pink circles) and how many operands each takes (see :mod:`.ops`). One operand
#: of a binary op may be a number (a node's ``constant``): ``0.5 * x``, ``x / 2``, ``max(x, 0)``.
OP_ARITY = {name: op.arity for name, op in OPS.items()}
#: Activations a learned layer (the yellow box) may end in.
ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")

#: The symbol each op and activation is drawn with (an activation's is its op's).
SYMBOLS = {name: op.symbol for name, op in OPS.items()}

KIND = Choice("node kind", NODE_KINDS)
OP = Choice("op", tuple(OP_ARITY))
ACTIVATION = Choice("activation", ACTIVATIONS)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


#: Symbols drawn in a circle though they are words: a comparison, read as an operator, not a function.
ROUND_WORDS = frozenset({"max", "min"})


def number(value: float) -> str:
    """A constant as a reader writes it: 2, 0.5, 1e-08 (no trailing .0)."""
    return f"{value:g}"


def symbol(node: object) -> str:
    """The text drawn in a layer's box or an op's circle: its activation or op, with its constant
    operand where it has one, on the side it stands (``0.5×`` for 0.5 * x, ``÷2`` for x / 2)."""
    kind, op, activation = getattr(node, "kind"), getattr(node, "op", ""), getattr(node, "activation", "")
    if kind == "layer":
        return SYMBOLS[activation or "identity"]
    text = SYMBOLS[op]
    constant = getattr(node, "constant", None)
    if constant is None:
        return text
    if op in ("max", "min"):
        return f"{text} {number(constant)}"
    return f"{number(constant)}{text}" if getattr(node, "constant_at", 1) == 0 else f"{text}{number(constant)}"


def is_identifier(text: object) -> bool:
    """True for the names ids, states and dims may take: letters, digits, underscores."""
    return isinstance(text, str) and _IDENT.match(text) is not None


def is_file_name(text: object) -> bool:
    """True for names that may become part of a file name (a cell's name, a walk-through step's):
    letters, digits, ``_``, ``-`` and ``.``, at most 64, starting with a letter or digit, no ``..``."""
    return isinstance(text, str) and _FILE_NAME.match(text) is not None and ".." not in text
