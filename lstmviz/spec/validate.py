"""Checks that make a list of nodes a cell, and the derivations (sizes, labels) that complete it.

Every message names the offending node and says how to fix it; loaders add the file and line.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Mapping

from .. import mathtext
from ..errors import SpecError
from . import sizes
from .limits import MAX_LABEL, MAX_NODES
from .names import described, destination, made_up, paper_labels
from .node import Node
from .vocab import ACTIVATION, KIND, OP, OP_ARITY, SINK_KINDS, SOURCE_KINDS, is_identifier, number

#: Which optional fields each kind may set; the rest must stay empty.
_FIELDS = {
    "input": {"size"},
    "state-in": {"size", "state", "lane"},
    "concat": {"size"},
    "layer": {"size", "activation", "diagonal", "order", "bias"},
    "op": {"size", "op", "constant", "constant_at"},
    "state-out": {"size", "state", "lane"},
    "output": {"size"},
}
_OPTIONAL = ("op", "activation", "diagonal", "state", "lane", "order", "constant")
LANES = ("top", "bottom")


def validate(nodes: tuple[Node, ...], dims: Mapping[str, int]) -> tuple[Node, ...]:
    """Check ``nodes`` form a valid cell with ``dims``; return them with sizes and labels filled."""
    _check_dims(dims)
    if not nodes:
        raise SpecError("the cell has no nodes", fix="add at least an input, a layer and an output")
    if len(nodes) > MAX_NODES:
        raise SpecError(f"the cell has {len(nodes):,} nodes (at most {MAX_NODES:,})", fix="split it into smaller cells")
    for node in nodes:
        _check_fields(node)
    by_id = _unique(nodes)
    for node in nodes:
        _check_reads(node, by_id)
    _check_states(nodes)
    order = topological_order(nodes)
    if len(order) < len(nodes):
        raise _cycle_error(nodes, set(order))
    _check_used(nodes)
    if not any(n.kind == "output" for n in nodes):
        raise SpecError("the cell has no output node", fix='add a node of kind "output" reading the cell\'s result')
    sized = _infer_sizes(nodes, order, dims)
    filled = tuple(
        dataclasses.replace(
            n,
            size=sized[n.id],
            label=n.label or default_label(n),
            activation=n.activation or ("identity" if n.kind == "layer" else ""),
        )
        for n in nodes
    )
    papers = paper_labels(filled)
    return tuple(dataclasses.replace(n, label=papers[n.id]) if n.id in papers else n for n in filled)


def default_label(node: Node) -> str:
    """The math label a node gets when its spec gives none: ``h_{t-1}``, ``h_t``, ``f_t``; none
    for an id the builder made up (a made-up layer may get one from :func:`.names.paper_labels`)."""
    if made_up(node):
        return ""
    if node.kind == "state-in":
        return f"{node.state}_{{t-1}}"
    if node.kind == "state-out":
        return f"{node.state}_t"
    if node.kind in ("concat", "op"):
        return ""
    return f"{node.id}_t" if len(node.id) == 1 else node.id


def topological_order(nodes: tuple[Node, ...]) -> tuple[str, ...]:
    """Ids in an order where every node follows what it reads; ties keep declaration order.

    Nodes on a cycle are left out, so a result shorter than ``nodes`` means there is one.
    """
    index = {n.id: i for i, n in enumerate(nodes)}
    waiting = {n.id: len(set(n.reads)) for n in nodes}
    readers: dict[str, list[str]] = {n.id: [] for n in nodes}
    for n in nodes:
        for src in set(n.reads):
            readers[src].append(n.id)
    ready = [i for i, n in enumerate(nodes) if waiting[n.id] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        nid = nodes[heapq.heappop(ready)].id
        order.append(nid)
        for r in readers[nid]:
            waiting[r] -= 1
            if waiting[r] == 0:
                heapq.heappush(ready, index[r])
    return tuple(order)


def _check_dims(dims: Mapping[str, int]) -> None:
    for name, value in dims.items():
        sizes.check_dim(name, value)


def _check_fields(node: Node) -> None:
    if not is_identifier(node.id):
        raise SpecError(
            f"node id {node.id!r} is not a name",
            fix="use letters, digits and underscores, starting with a letter",
        )
    KIND.check(node.kind, name=node.id)
    allowed = _FIELDS[node.kind]
    for field in _OPTIONAL:
        if getattr(node, field) not in ("", (), None) and field not in allowed:
            raise SpecError(f"a {node.kind} node has no {field!r}", name=node.id, fix=f"remove {field!r}")
    for ref in node.reads:
        if not isinstance(ref, str):
            raise SpecError(f"reads {ref!r}, which is not a node id", name=node.id)
    if node.size is not None:
        sizes.terms(node.size, name=node.id)
    if node.lane and node.lane not in LANES:
        raise SpecError(f"unknown lane {node.lane!r} (must be one of {', '.join(LANES)})", name=node.id)
    if node.order is not None and (isinstance(node.order, bool) or not isinstance(node.order, int)):
        raise SpecError(f"order {node.order!r} is not a whole number", name=node.id, fix="write e.g. order = 2")
    for name, text in node.labels:
        if not is_identifier(name) or name == "notation" or not isinstance(text, str):
            raise SpecError(
                f"label set {name!r} = {text!r} is not a name and a text",
                name=node.id,
                fix='write labels = { plain = "remember gate", pytorch = "f" }',
            )
    for text in (node.label, *(text for _, text in node.labels)):
        check_label(text, "label", node.id)
    if not isinstance(node.role, str) or len(node.role) > MAX_LABEL:
        raise SpecError(
            f"role {node.role!r} is not a text of at most {MAX_LABEL} characters",
            name=node.id,
            fix='write role = "forget gate"',
        )
    if node.bias is not True and (node.kind != "layer" or node.bias is not False):
        raise SpecError(
            f"bias {node.bias!r}: only a layer has a bias", name=node.id, fix="write bias = false on a layer"
        )
    if node.constant_at not in (0, 1) or isinstance(node.constant_at, bool):
        raise SpecError(f"constant_at {node.constant_at!r} is not 0 or 1", name=node.id, fix="write constant_at = 0")
    if node.kind == "op":
        OP.check(node.op, name=node.id)
        _check_constant(node)
        _arity(node, OP_ARITY[node.op] - (node.constant is not None), f"the {node.op} op" + _with_constant(node))
    elif node.kind == "layer":
        ACTIVATION.check(node.activation or "identity", name=node.id)
        _arity(node, 1, "a layer", fix="read one node; to read several, read a concat node of them")
    elif node.kind in SOURCE_KINDS:
        _arity(node, 0, f"a {node.kind} node")
    elif node.kind == "concat":
        if len(node.inputs) < 2:
            raise SpecError(
                "a concat node needs at least two inputs",
                name=node.id,
                fix="list the vectors to join, or read the single vector directly",
            )
    else:
        _arity(node, 1, f"a {node.kind} node")
    if node.kind in ("state-in", "state-out") and not is_identifier(node.state):
        raise SpecError(f"a {node.kind} node needs the name of its state", name=node.id, fix='add e.g. state = "h"')


def check_label(text: object, what: str, name: str, *, max_length: int = MAX_LABEL) -> None:
    """Refuse a label (or equation) that lstmviz would not draw as written or that is unsafe to hand
    to LaTeX: only the commands lstmviz draws, balanced braces, no control characters, bounded size."""
    if not isinstance(text, str):
        raise SpecError(f"{what} {text!r} is not a text", name=name, fix=f"write {what} = '...'")
    problem = mathtext.problem(text, max_length=max_length)
    if problem:
        shown = text if len(text) <= 40 else text[:37] + "..."
        quoted = repr(shown) if not shown.isprintable() else f"'{shown}'"  # no raw control codes in a terminal
        raise SpecError(f"{what} {quoted} {problem}", name=name, fix="rewrite it")


def _check_constant(node: Node) -> None:
    """A constant operand is a finite number, and only a binary op has room for one."""
    value = node.constant
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SpecError(f"constant {value!r} is not a finite number", name=node.id, fix="write e.g. constant = 0.5")
    if OP_ARITY[node.op] != 2:
        raise SpecError(
            f"the {node.op} op takes no constant",
            name=node.id,
            fix="a number may stand for one operand of *, +, -, /, max, min",
        )


def _with_constant(node: Node) -> str:
    return "" if node.constant is None else f" with a constant ({number(node.constant)})"


def _arity(node: Node, n: int, what: str, fix: str | None = None) -> None:
    if len(node.inputs) != n:
        count = {0: "no inputs", 1: "one input", 2: "two inputs"}[n]
        raise SpecError(f"{what} takes {count}, not {len(node.inputs)}", name=node.id, fix=fix or f"give it {count}")


def _unique(nodes: tuple[Node, ...]) -> dict[str, Node]:
    by_id: dict[str, Node] = {}
    for node in nodes:
        if node.id in by_id:
            raise SpecError("is defined twice", name=node.id, fix="give each node its own id")
        by_id[node.id] = node
    return by_id


def _check_reads(node: Node, by_id: Mapping[str, Node]) -> None:
    for ref in node.reads:
        if ref not in by_id:
            close = [k for k in by_id if k.lower() == ref.lower() or k.startswith(ref) or ref.startswith(k)]
            hint = f"did you mean {close[0]!r}?" if close else "define it, or read an existing node"
            raise SpecError(f"reads {ref!r}, which is not defined", name=node.id, fix=hint)
        source = by_id[ref]
        if source.kind in SINK_KINDS:
            raise SpecError(
                f"reads {ref!r}, {'an' if source.kind == 'output' else 'a'} {source.kind} node, "
                "which nothing inside the step can read",
                name=node.id,
                fix=f"read {source.inputs[0]!r}, the value it stores" if source.inputs else None,
            )
    if node.kind == "layer" and len(set(node.reads)) < len(node.reads):
        raise SpecError("a layer reads the same node twice", name=node.id, fix="read each node once")


def _check_states(nodes: tuple[Node, ...]) -> None:
    ins: dict[str, Node] = {}
    outs: dict[str, Node] = {}
    for node in nodes:
        table = ins if node.kind == "state-in" else outs if node.kind == "state-out" else None
        if table is None:
            continue
        if node.state in table:
            raise SpecError(
                f"state {node.state!r} has two {node.kind} nodes ({table[node.state].id!r} and {node.id!r})",
                name=node.id,
                fix="keep one",
            )
        table[node.state] = node
    for state, node in ins.items():
        if state not in outs:
            raise SpecError(
                f"state {state!r} is read but never written",
                name=node.id,
                fix=f"add a state-out node with state = {state!r}",
            )
    for state, node in outs.items():
        if state not in ins:
            raise SpecError(
                f"state {state!r} is written but never read",
                name=node.id,
                fix=f"add a state-in node with state = {state!r}, or make {node.id!r} an output",
            )


def _cycle_error(nodes: tuple[Node, ...], done: set[str]) -> SpecError:
    by_id = {n.id: n for n in nodes}
    # Walk back along unfinished reads until a node repeats: that stretch is a cycle.
    path = [next(n.id for n in nodes if n.id not in done)]
    at = {path[0]: 0}
    while True:
        nxt = next(r for r in by_id[path[-1]].reads if r not in done)
        if nxt in at:
            cycle = path[at[nxt] :] + [nxt]
            break
        at[nxt] = len(path)
        path.append(nxt)
    shown = " <- ".join(cycle)
    states = {n.state: n.id for n in nodes if n.kind == "state-in"}
    named = next((s for s in cycle if s in states), None)
    fix = (
        f"read {states[named]!r} (the last step's value) instead of {named!r}"
        if named
        else "break it by reading the previous step's value through a state-in node"
    )
    return SpecError(f"is on a cycle inside one step ({shown})", name=cycle[0], fix=fix)


def _check_used(nodes: tuple[Node, ...]) -> None:
    used = {r for n in nodes for r in n.reads}
    for node in nodes:
        if node.kind in SINK_KINDS or node.id in used:
            continue
        if node.kind == "state-in":
            raise SpecError(f"state {node.state!r} is never read", name=node.id, fix="read it, or remove the state")
        raise SpecError(
            f"the {node.kind} node is never used", name=node.id, fix="read it from another node, or remove it"
        )


def _infer_sizes(nodes: tuple[Node, ...], order: tuple[str, ...], dims: Mapping[str, int]) -> dict[str, sizes.Size]:
    by_id = {n.id: n for n in nodes}
    states_in = {n.state: n.id for n in nodes if n.kind == "state-in"}
    used = _sizes_by_use(nodes)
    out: dict[str, sizes.Size] = {}
    for nid in order:
        node = by_id[nid]
        read = [out[r] for r in node.inputs]
        if node.kind == "input":
            size = node.size if node.size is not None else "input"
        elif node.kind == "state-in":
            size = node.size if node.size is not None else "hidden"
        elif node.kind == "layer":
            size = node.size if node.size is not None else used.get(nid, "hidden")
        elif node.kind == "concat":
            size = sizes.join(read)
            _agree(node, node.size, size, "its inputs joined")
        elif node.kind == "op" and len(read) == 2 and not sizes.same(read[0], read[1]):
            unsized = [k for k, i in enumerate(node.inputs) if _unsized_layer(by_id, i)]
            hint = f"; give the layer its size, linear(..., size={read[1 - unsized[0]]})" if unsized else ""
            raise SpecError(
                f"size mismatch: {node.op} of {described(by_id, by_id[node.inputs[0]])} (size {read[0]}) and "
                f"{described(by_id, by_id[node.inputs[1]])} (size {read[1]})",
                name=destination(by_id, node).id if made_up(node) else node.id,
                fix="both operands of a pointwise op must have the same size" + hint,
            )
        else:
            size = read[0]
            _agree(node, node.size, size, f"its input {node.inputs[0]!r}")
        if node.kind == "state-out":
            expected = out[states_in[node.state]]
            if not sizes.same(size, expected):
                raise SpecError(
                    f"size mismatch: state {node.state!r} is written with size {size} but read with size {expected}",
                    name=node.id,
                    fix="write the state with a value of the size it is read with",
                )
        for ref in node.diagonal:
            if not sizes.same(out[ref], size):
                raise SpecError(
                    f"size mismatch: diagonal input {ref!r} has size {out[ref]}, the layer has size {size}",
                    name=node.id,
                    fix="a diagonal (peephole) input must have the layer's size",
                )
        for term in sizes.terms(size, name=nid):
            if not term.isdigit() and term not in dims:
                raise SpecError(
                    f"size uses dim {term!r}, which the cell does not define",
                    name=nid,
                    fix=f"add it under [dims] (defined: {', '.join(dims) or 'none'})",
                )
        out[nid] = size
    return out


def _sizes_by_use(nodes: tuple[Node, ...]) -> dict[str, sizes.Size]:
    """The size of each layer that declares none, where its use fixes it: what a pointwise op, a
    state or an output joins it to (``2 * sigmoid(linear(h_prev)) * x`` is of x's size). Values an
    op joins must be of one size, so they are grouped (union-find) with the inputs, states and sized
    layers among them; a group with one such size gives it to its unsized layers."""
    parent = {n.id: n.id for n in nodes}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    states_in = {n.state: n.id for n in nodes if n.kind == "state-in"}
    for n in nodes:
        joined = list(n.inputs) if n.kind in ("op", "state-out", "output") else []
        joined += list(n.diagonal) + ([states_in[n.state]] if n.kind == "state-out" and n.state in states_in else [])
        for other in joined:
            if other in parent:
                parent[root(other)] = root(n.id)
    fixed: dict[str, dict[sizes.Terms, sizes.Size]] = {}  # group -> its declared sizes, by their terms
    for n in nodes:
        size = n.size if n.size is not None else {"input": "input", "state-in": "hidden"}.get(n.kind)
        if size is not None and n.kind in ("input", "state-in", "layer"):
            try:
                fixed.setdefault(root(n.id), {})[sizes.terms(size)] = size
            except SpecError:  # a malformed size: reported where it is checked
                continue
    found: dict[str, sizes.Size] = {}
    for n in nodes:
        known = fixed.get(root(n.id), {})
        if n.kind == "layer" and n.size is None and len(known) == 1:
            (found[n.id],) = known.values()
    return found


def _unsized_layer(by_id: Mapping[str, Node], node_id: str) -> bool:
    """Whether ``node_id`` is a layer that declares no size, or a pointwise op of one."""
    todo, seen = [node_id], set()
    while todo:
        node = by_id[todo.pop()]
        if node.id in seen:
            continue
        seen.add(node.id)
        if node.kind == "layer" and node.size is None:
            return True
        if node.kind == "op":
            todo += node.inputs
    return False


def _agree(node: Node, declared: sizes.Size | None, derived: sizes.Size, what: str) -> None:
    if declared is not None and not sizes.same(declared, derived):
        raise SpecError(
            f"size mismatch: declared size {declared} but {what} has size {derived}",
            name=node.id,
            fix=f"set size = {derived!r} or leave it out",
        )
