"""What a reader sees of the nodes a spec did not name.

The builder makes up an id for each part of an equation that has no name of its own
(``identity_layer``, ``mul_a_b``, ``cat_h_prev_x``): a handle for the code, never text a reader
sees. A made-up layer without an activation is labelled as papers write it, after what it reads
and the named value it goes into: ``W_z x_t`` and ``U_z h_{t-1}`` (U for a recurrent input) for
``z = sigmoid(linear(x) + linear(h_prev, bias=false))``. Any other made-up node carries no label;
its equations write what it computes instead.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from .node import Node

#: A label's time subscript (``z_t``, ``h_{t}``), dropped where the label names a weight's value.
_NOW = re.compile(r"_(?:t|\{t\})$")


def layer_id(activation: str) -> str:
    """The id the builder makes up for a layer no equation names."""
    return f"{activation}_layer"


def op_id(op: str, inputs: Iterable[str]) -> str:
    """The id the builder makes up for an op no equation names (``mul_a_b``)."""
    return "_".join((op.replace("-", "_"), *inputs))


def concat_id(inputs: Iterable[str]) -> str:
    """The id the builder makes up for a concatenation no equation names."""
    return "_".join(("cat", *inputs))


def made_up(node: Node) -> bool:
    """Whether ``node``'s id is one the builder made up (the base, or the base and a number)."""
    if node.kind == "layer":
        base = layer_id(node.activation or "identity")
    elif node.kind == "op":
        base = op_id(node.op, node.inputs)
    elif node.kind == "concat":
        base = concat_id(node.inputs)
    else:
        return False
    return re.fullmatch(re.escape(base) + r"(?:_\d+)?", node.id) is not None


def weight_names(nodes: Sequence[Node]) -> dict[str, tuple[str, str]]:
    """Each layer's weights' letter and subscript: ``W`` and its id for a named layer; for a
    made-up one, ``U`` (a recurrent input) or ``W`` and the name of the value it goes into,
    numbered where two layers would share a name (``W_{h,1}``, ``W_{h,2}``)."""
    by_id = {n.id: n for n in nodes}
    readers = _readers(nodes)
    found = {}
    for n in nodes:
        if n.kind == "layer":
            letter = "U" if by_id[n.inputs[0]].kind == "state-in" else "W"
            found[n.id] = (letter, _symbol(_destination(by_id, readers, n))) if made_up(n) else ("W", n.id)
    # a named layer's weights are called after its label's letter where no other layer's are (W_C
    # for the candidate C̃_t, as colah writes it, not W_g after its id)
    letters = {n.id: _letter(n.label) for n in nodes if n.kind == "layer" and not made_up(n) and n.label}
    taken = [sub for _, sub in found.values()] + list(letters.values())
    for layer, sub in letters.items():
        if sub and taken.count(sub) == 1 or sub == found[layer][1]:
            found[layer] = ("W", sub)
    shared: dict[tuple[str, str], list[str]] = {}
    for layer, name in found.items():
        shared.setdefault(name, []).append(layer)
    for (letter, sub), layers in shared.items():
        if len(layers) > 1:
            for k, layer in enumerate(layers, start=1):
                if made_up(by_id[layer]):
                    found[layer] = (letter, f"{sub},{k}")
    return found


def paper_labels(nodes: Sequence[Node]) -> dict[str, str]:
    """Labels for the made-up layers without an activation or elementwise inputs, as papers write
    them (``W_z x_t``), where what each reads has a name. ``nodes`` have their other labels."""
    by_id = {n.id: n for n in nodes}
    names = weight_names(nodes)
    found: dict[str, str] = {}
    for node in nodes:
        if node.kind != "layer" or node.label or node.diagonal or node.activation not in ("", "identity"):
            continue
        reads = written(by_id, by_id[node.inputs[0]]) if made_up(node) else ""
        if reads:
            letter, sub = names[node.id]
            found[node.id] = f"{letter}_{{{sub}}} {reads}"
    return found


def destination(nodes: Mapping[str, Node], node: Node) -> Node:
    """The first named node downstream of ``node``: the value a made-up node goes into."""
    return _destination(nodes, _readers(nodes.values()), node)


def _readers(nodes: Iterable[Node]) -> dict[str, list[str]]:
    """Who reads each id, in the spec's order."""
    readers: dict[str, list[str]] = {}
    for n in nodes:
        for src in n.reads:
            readers.setdefault(src, []).append(n.id)
    return readers


def _destination(nodes: Mapping[str, Node], readers: Mapping[str, list[str]], node: Node) -> Node:
    """:func:`destination`, breadth first, readers in the spec's order. Every cell ends in named
    outputs, so there is one."""
    todo, seen = deque(readers.get(node.id, ())), {node.id}
    while todo:
        node_id = todo.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        if not made_up(nodes[node_id]):
            return nodes[node_id]
        todo.extend(readers.get(node_id, ()))
    return node


def _letter(label: str) -> str:
    """A label's letter, for a subscript: without its time subscript or its accent (``\\tilde{C}_t``
    -> ``C``); "" when it is more than a letter and its primes."""
    bare = _ACCENT.sub(r"\1", _NOW.sub("", label))
    return bare if re.fullmatch(r"[A-Za-z]'*|\\[a-z]+", bare) else ""


_ACCENT = re.compile(r"^\\(?:tilde|hat|bar|widetilde|widehat)\{(.*)\}$")


def _symbol(node: Node) -> str:
    """How a named value is written as a subscript: its label without its time subscript, else its id."""
    return _NOW.sub("", node.label) or node.id


def written(nodes: Mapping[str, Node], node: Node) -> str:
    """How a value is written in a label or an equation: its label, else its name (``m_t`` for
    ``m``, ``[h_{t-1}, x_t]`` for a concatenation of named parts); "" when it has none."""
    if node.kind == "concat":
        parts = [written(nodes, nodes[i]) for i in node.inputs]
        return f"[{', '.join(parts)}]" if all(parts) else ""
    return node.label or own_name(node)


def own_name(node: Node) -> str:
    """An unlabelled op's name when an equation gave it a one-letter one (``m_t`` for ``m = ...``),
    written as papers write a value; "" for any other unlabelled node."""
    if node.kind == "op" and not node.label and len(node.id) == 1:
        return f"{node.id}_t"
    return ""


def described(nodes: Mapping[str, Node], node: Node) -> str:
    """A node as a message names it: its id in quotes, or for a made-up one what it computes in
    the equation form (``sigmoid(linear(h_prev))``, ``mul(2, …)``), so a message shows no made-up id."""
    return _computes(nodes, node, depth=2) if made_up(node) else repr(node.id)


def _computes(nodes: Mapping[str, Node], node: Node, depth: int) -> str:
    """What ``node`` computes in the equation form, ``depth`` made-up nodes deep (then "…"); a
    named node is its bare id."""
    if not made_up(node):
        return node.id
    if depth == 0:
        return "…"
    if node.kind == "concat":
        return f"concat({', '.join(_computes(nodes, nodes[i], depth - 1) for i in node.inputs)})"
    if node.kind == "layer":
        source = nodes[node.inputs[0]]
        parts = source.inputs if source.kind == "concat" else (source.id,)
        text = f"linear({', '.join(_computes(nodes, nodes[p], depth - 1) for p in parts)})"
        return text if node.activation in ("", "identity") else f"{node.activation}({text})"
    operands = [_computes(nodes, nodes[i], depth - 1) for i in node.inputs]
    if node.constant is not None:
        operands.insert(node.constant_at, f"{node.constant:g}")
    return f"{node.op}({', '.join(operands)})"
