"""The interval each value of a cell can take, and which operand of a product is its gate.

A gate is a value in [0, 1] that scales another (the stream): a sigmoid layer, ``1 - z`` of one,
``sigmoid(a)``, a product or ``min``/``max`` of gates. The pipe style draws a gate product as a
valve whose handle the gate turns; the animation opens it by the gate's value. Intervals follow
each op's arithmetic (:mod:`.ops`), so any cell is decided the same way, not only the ones with known names.
"""

from __future__ import annotations

import functools

from .graph import CellGraph
from .ops import INF, OPS


def value_range(graph: CellGraph, node_id: str) -> tuple[float, float]:
    """The smallest interval known to hold every element of ``node_id``'s value."""
    return _ranges(graph)[node_id]


def is_gate(graph: CellGraph, node_id: str) -> bool:
    """Whether ``node_id``'s value always lies in [0, 1]."""
    lo, hi = value_range(graph, node_id)
    return lo >= 0.0 and hi <= 1.0


def gate_of(graph: CellGraph, node_id: str, stream: str | None = None) -> str | None:
    """The operand that gates the product ``node_id`` (None if it is no gate product). Of two
    operands in [0, 1], ``stream`` (the line the product sits on) is not the gate; then a sigmoid
    layer is before ``1 - z``, which is before any other."""
    node = graph.node(node_id)
    if node.kind != "op" or node.op != "mul" or node.constant is not None:
        return None
    gates = [i for i in dict.fromkeys(node.inputs) if is_gate(graph, i) and i != stream]
    if not gates or len(set(node.inputs)) < 2:
        return None

    def rank(i: str) -> int:
        n = graph.node(i)
        if n.kind == "layer" and n.activation == "sigmoid":
            return 0
        return 1 if n.kind == "op" and n.op == "one-minus" else 2

    return min(gates, key=rank)


@functools.lru_cache(maxsize=16)
def _ranges(graph: CellGraph) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for node_id in graph.order:
        node = graph.node(node_id)
        args = [out.get(i, (-INF, INF)) for i in node.inputs]
        if node.kind == "layer":
            out[node_id] = OPS[node.activation or "identity"].interval((-INF, INF))  # of any sum it takes
        elif node.kind == "concat":
            out[node_id] = (min(a[0] for a in args), max(a[1] for a in args))
        elif node.kind == "op":
            if node.constant is not None:
                args.insert(node.constant_at, (node.constant, node.constant))
            out[node_id] = OPS[node.op].interval(*args)
        elif node.kind in ("state-out", "output") and args:
            out[node_id] = args[0]
        else:
            out[node_id] = (-INF, INF)
    return out
