"""A cell's equations in LaTeX, written from its graph, for cells whose spec gives none of its
paper's: each labelled layer or op as ``label = expression``, unlabelled ops written inline."""

from __future__ import annotations

import functools

from .graph import CellGraph, Node
from .names import made_up, own_name
from .ops import OPS
from .vocab import number

_ACTIVATIONS = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "identity": ""}
#: Ops whose expression needs brackets when it stands inside another (a sum inside a product).
_LOOSE = ("add", "sub", "one-minus")
#: By op, the operands a sum must be bracketed in (a product's both, a difference's second); the
#: others stand in brackets of their own (a function's, a fraction's) or read right bare (a sum's).
_TIGHT = {"mul": (0, 1), "sub": (1,), "one-minus": (0,)}
#: An unlabelled operand whose expression is longer than this is written "…": ops that reuse each
#: other would otherwise be written out exponentially long.
LONGEST = 400


def equation(graph: CellGraph, node: Node) -> str:
    """``label = expression`` for a layer or an op (its label as the left side)."""
    return f"{node.label} = {expression(graph, node)}"


def expression(graph: CellGraph, node: Node) -> str:
    """What a layer or op computes, from what it reads."""
    return _expression(graph, node.id)


@functools.lru_cache(maxsize=1024)
def _expression(graph: CellGraph, node_id: str) -> str:
    """:func:`expression`, written once per node: an operand shared by several ops is not written again."""
    node = graph.node(node_id)
    if node.kind == "layer":
        source = graph.node(node.inputs[0])
        parts = source.inputs if source.kind == "concat" else (source.id,)
        args = ", ".join(_operand(graph, graph.node(p), inside=False) for p in parts)
        letter, sub = graph.weights[node.id]
        terms = [rf"{letter}_{{{sub}}} \cdot [{args}]"]
        terms += [
            rf"w_{{{sub},{_peeped(graph.node(d))}}} \odot {_operand(graph, graph.node(d), inside=True)}"
            for d in node.diagonal
        ]
        if node.bias:
            terms.append(f"b_{{{sub}}}")
        return f"{_ACTIVATIONS[node.activation]}({' + '.join(terms)})"
    places = [k for k in range(2) if k != node.constant_at] if node.constant is not None else range(len(node.inputs))
    tight = _TIGHT.get(node.op, ())
    operands = [_operand(graph, graph.node(i), inside=k in tight) for k, i in zip(places, node.inputs)]
    if node.constant is not None:
        operands.insert(node.constant_at, number(node.constant))
    template = OPS[node.op].latex
    return template.format(*operands)


def _peeped(node: Node) -> str:
    """How a peephole's weights name what they read: a state by its name (w_{f,c} reads C_{t-1}),
    anything else by its id."""
    return node.state if node.kind == "state-in" and node.state else node.id


def _operand(graph: CellGraph, node: Node, *, inside: bool) -> str:
    """How an operand is written: its label, else (an unlabelled op or concat) its own expression."""
    text = node.label or (own_name(node) if not graph.latex else "")  # (the spec's own equations name no m_t)
    if text and node.kind == "layer" and node.bias and made_up(node):  # W_z x_t: its bias is not in its label
        text = f"{text} + b_{{{graph.weights[node.id][1]}}}"
    if text:
        return f"({text})" if inside and _is_sum(text) else text
    if node.kind == "concat":
        return "[" + ", ".join(_operand(graph, graph.node(i), inside=False) for i in node.inputs) + "]"
    if node.kind in ("op", "layer"):
        text = expression(graph, node)
        if len(text) > LONGEST:
            return "…"
        return f"({text})" if inside and node.kind == "op" and node.op in _LOOSE else text
    return node.id


def _is_sum(text: str) -> bool:
    """Whether ``text`` adds or subtracts at its top level (``1-z_t``, not ``-x`` or ``h_{t-1}``)."""
    depth = 0
    for at, char in enumerate(text):
        if char in "{([":
            depth += 1
        elif char in "})]":
            depth -= 1
        elif depth == 0 and at > 0 and char in "+-":
            return True
    return False
