"""A cell's equations in LaTeX, written from its graph, for cells whose spec gives none of its
paper's: each labelled layer or op as ``label = expression``, unlabelled ops written inline."""

from __future__ import annotations

from .graph import CellGraph, Node
from .ops import OPS
from .vocab import number

_ACTIVATIONS = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{ReLU}", "identity": ""}
#: Ops whose expression needs brackets when it stands inside another (a sum inside a product).
_LOOSE = ("add", "sub", "one-minus")


def equation(graph: CellGraph, node: Node) -> str:
    """``label = expression`` for a layer or an op (its label as the left side)."""
    return f"{node.label} = {expression(graph, node)}"


def expression(graph: CellGraph, node: Node) -> str:
    """What a layer or op computes, from what it reads."""
    if node.kind == "layer":
        source = graph.node(node.inputs[0])
        parts = source.inputs if source.kind == "concat" else (source.id,)
        args = ", ".join(_operand(graph, graph.node(p), inside=False) for p in parts)
        terms = [rf"W_{{{node.id}}} \cdot [{args}]"]
        terms += [rf"w_{{{node.id},{d}}} \odot {_operand(graph, graph.node(d), inside=True)}" for d in node.diagonal]
        if node.bias:
            terms.append(f"b_{{{node.id}}}")
        return f"{_ACTIVATIONS[node.activation]}({' + '.join(terms)})"
    operands = [_operand(graph, graph.node(i), inside=node.op not in ("max", "min", "div")) for i in node.inputs]
    if node.constant is not None:
        operands.insert(node.constant_at, number(node.constant))
    template = OPS[node.op].latex
    return template.format(*operands)


def _operand(graph: CellGraph, node: Node, *, inside: bool) -> str:
    """How an operand is written: its label, else (an unlabelled op or concat) its own expression."""
    if node.label:
        return f"({node.label})" if inside and _is_sum(node.label) else node.label
    if node.kind == "concat":
        return "[" + ", ".join(_operand(graph, graph.node(i), inside=False) for i in node.inputs) + "]"
    if node.kind in ("op", "layer"):
        text = expression(graph, node)
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
