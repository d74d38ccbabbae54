"""What each node of a cell does in the story its figures tell: which states run along the top as
lines (colah's conveyor belt) and which ops sit on each, which operand of each product is its gate
and which the stream it scales, and the walk-through's steps in the order their values are
computed, each with the nodes it shows and the equations it tells.

Worked out once per graph (:func:`roles`, cached) from the graph alone; layout, motion, the API and
the gallery read it, and nothing else works these out.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping

from . import latex
from .graph import CellGraph, Node
from .names import destination, made_up, own_name
from .ranges import gate_of
from .vocab import is_identifier


@dataclasses.dataclass(frozen=True)
class Product:
    """A product one of whose operands is a gate (a value in [0, 1]) scaling the other, the stream:
    a valve in the pipe style, opened by the gate's value in an animation."""

    gate: str
    stream: str


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of the walk-through: its name, what it shows (node and edge ids: the layers and ops
    it computes, the lines into and out of them, the inputs and states they read), the layers and
    ops it computes in evaluation order, and its equations (LaTeX)."""

    name: str
    shows: frozenset[str]
    computes: tuple[str, ...]
    equations: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class CellRoles:
    """The roles of a cell's nodes (see the module's docstring); build it with :func:`roles`."""

    state_lines: tuple[tuple[str, tuple[str, ...]], ...]  #: (state, the ops on its way), the main line first
    products: Mapping[str, Product]  #: each gate product, by id
    steps: tuple[Step, ...]  #: the walk-through, in the order values are computed

    @property
    def main_line(self) -> tuple[str, tuple[str, ...]]:
        """The state along the top and the ops on its way; ("", ()) for a cell with none."""
        return self.state_lines[0] if self.state_lines else ("", ())

    @functools.cached_property
    def on_lines(self) -> frozenset[str]:
        """Every op on a state line."""
        return frozenset(op for _, ops in self.state_lines for op in ops)

    def gate_of(self, node_id: str) -> str | None:
        """The operand that gates the product ``node_id``, or None when it is no gate product."""
        product = self.products.get(node_id)
        return product.gate if product else None

    @functools.cached_property
    def step_shows(self) -> dict[str, frozenset[str]]:
        """What each step shows, by step name, in the walk-through's order."""
        return {step.name: step.shows for step in self.steps}

    @functools.cached_property
    def step_equations(self) -> dict[str, tuple[str, ...]]:
        """The equations each step tells, by step name."""
        return {step.name: step.equations for step in self.steps}


@functools.lru_cache(maxsize=64)
def roles(graph: CellGraph) -> CellRoles:
    """The roles of ``graph``'s nodes, worked out once per graph."""
    state_lines = _state_lines(graph)
    on_lines = {op for ops in state_lines.values() for op in ops}
    products = {}
    for node in graph.of_kind("op"):
        stream = next((i for i in node.inputs if i in on_lines or graph.node(i).kind == "state-in"), None)
        gate = gate_of(graph, node.id, stream if node.id in on_lines else None)
        if gate is not None:
            products[node.id] = Product(gate, next(i for i in node.inputs if i != gate))
    steps = tuple(
        Step(name, shows, tuple(n for n in graph.order if n in shows and _computed(graph, n)), equations(graph, shows))
        for name, shows in _steps(graph, state_lines).items()
    )
    return CellRoles(tuple(state_lines.items()), products, steps)


def equations(graph: CellGraph, ids: frozenset[str]) -> tuple[str, ...]:
    """The equations of the layers and ops in ``ids``: the spec's own (matched by label) where it has
    one, else written from the graph: a labelled layer always, a labelled op when the spec gives
    none of its paper's equations."""
    by_lhs = {eq.split("=")[0].strip(): eq for eq in graph.latex if "=" in eq}
    out: list[str] = []
    for node in graph.nodes:
        if node.id not in ids or not _computed(graph, node.id):
            continue
        if node.label in by_lhs:
            eq = by_lhs[node.label]
        elif made_up(node):  # a made-up layer's label (W_z x_t) is told in the equation of what it goes into
            continue
        elif node.label and (node.kind == "layer" or not graph.latex):
            eq = latex.equation(graph, node)
        elif own_name(node) and not graph.latex:
            eq = f"{own_name(node)} = {latex.expression(graph, node)}"
        else:
            continue
        if eq not in out:
            out.append(eq)
    return tuple(out)


def around(graph: CellGraph, node_id: str) -> frozenset[str]:
    """What showing one node shows: the node, the lines into and out of it, the inputs and states it
    reads (through a concatenation too) and the outputs it writes; never another layer or op, which
    is another step's to show."""
    ids = {node_id}
    for e in graph.edges:
        if e.dst == node_id or e.src == node_id:
            ids.add(e.id)
            if e.dst == node_id and not _computed(graph, e.src):
                ids.add(e.src)
            if graph.node(e.dst).kind in ("state-out", "output"):
                ids.add(e.dst)
            if graph.node(e.src).kind == "concat":
                ids |= {x.id for x in graph.edges if x.dst == e.src}
                ids |= {i for i in graph.node(e.src).inputs if not _computed(graph, i)}
    return frozenset(ids)


# -- state lines -----------------------------------------------------------------------------------
def _state_lines(graph: CellGraph) -> dict[str, tuple[str, ...]]:
    """The states that run along the top, each with the ops on its way, the main one first: a state
    hinted ``lane = "top"``, else the one whose new value comes from its old one through the longest
    chain of pointwise ops. Then every other state with such a chain of its own (the second cell
    state of a stacked LSTM), each a row lower. States hinted ``lane = "bottom"`` are passed over."""
    hinted, paths = None, {}
    for state, (node_in, node_out) in graph.states.items():
        lanes = {node_in.lane, node_out.lane}
        path = _op_path(graph, node_in.id, node_out.inputs[0])
        if "top" in lanes and hinted is None:
            hinted = (state, path or ())
        elif "bottom" not in lanes and path is not None:
            paths[state] = path
    main = hinted or max(paths.items(), key=lambda item: len(item[1]), default=None)
    if main is None:
        return {}
    out, taken = dict([main]), set(main[1])
    for state, path in paths.items():
        if state not in out and not taken & set(path):
            out[state] = path
            taken |= set(path)
    return out


def _op_path(graph: CellGraph, start: str, target: str) -> tuple[str, ...] | None:
    """The longest chain of ops from ``start`` to ``target``, each reading the one before (the first
    found among equals). One pass over the graph in reverse evaluation order: the chains are many
    (exponentially, where ops reuse each other), their lengths are not."""
    length: dict[str, int] = {}  # ops on the longest chain from a node's consumers to target
    step: dict[str, str] = {}  # the first op of that chain
    for node in reversed(graph.order):
        for consumer in dict.fromkeys(graph.consumers[node]):
            if graph.node(consumer).kind != "op":
                continue
            rest = 0 if consumer == target else length.get(consumer)
            if rest is not None and rest + 1 > length.get(node, 0):
                length[node], step[node] = rest + 1, consumer
    if start not in length:
        return None
    chain = [step[start]]
    while chain[-1] != target:
        chain.append(step[chain[-1]])
    return tuple(chain)


# -- the walk-through ------------------------------------------------------------------------------
def _steps(graph: CellGraph, state_lines: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """The cell's walk-through steps, by name: the spec's own ``[steps]`` in its order when it has
    them, else derived (:func:`_derive`) and put in the order their values can be computed.

    Every layer and op is computed in exactly one step, so no equation is told twice: the first
    step that names it, and an op no step names joins the step that computes its last operand. A
    step shows its nodes, the lines into and out of them, and the inputs and states it reads; not
    the nodes of other steps."""
    owner: dict[str, str] = {}  # layer or op -> the step that computes it
    listed: dict[str, set[str]] = {}  # the spec's steps: what else each names (a state, an output)
    if graph.steps:  # the spec names and orders its steps
        for name, ids in graph.steps:
            listed[name] = {n for n in ids if not _computed(graph, n)}
            owner.update({n: name for n in ids if _computed(graph, n) and n not in owner})
        named = list(listed)
    else:
        named = _derive(graph, owner, next(iter(state_lines.values()), ()))
    for node_id in graph.order:  # ops no step names: with the last value they read
        if _computed(graph, node_id) and node_id not in owner:
            sources = [owner[s] for s in graph.node(node_id).reads if s in owner]
            if not named:
                named.append(node_id)
            owner[node_id] = max(sources, key=named.index) if sources else named[0]
    order = named if graph.steps else _computation_order(graph, named, owner)
    members: dict[str, set[str]] = {name: set() for name in order}
    for node_id, name in owner.items():
        members[name] |= around(graph, node_id)
    for name, ids in listed.items():
        members[name] |= {i for n in ids for i in around(graph, n)}
    return {name: frozenset(members[name]) for name in order}


def _derive(graph: CellGraph, owner: dict[str, str], ops: tuple[str, ...]) -> list[str]:
    """Steps as "Understanding LSTM Networks" tells them: one a layer not taken yet, with the ops it
    drives off the top line (``ops``) and what else feeds them; then ``state``, the top line's ops
    and the ops that only feed them. Fills ``owner`` and returns the steps' names."""
    # an op that only feeds the top line (i * C̃ into the +) is told with the top line, as colah
    # tells "the new cell state" in step 3
    feeders = {
        n.id
        for n in graph.of_kind("op")
        if n.id not in ops and graph.consumers[n.id] and set(graph.consumers[n.id]) <= set(ops)
    }
    named: list[str] = []
    for layer in graph.of_kind("layer"):
        if layer.id in owner:
            continue
        name = _step_name(graph, layer, named)
        named.append(name)
        todo = [layer.id]
        while todo:
            node_id = todo.pop()
            if node_id in owner:
                continue
            owner[node_id] = name
            for c in graph.consumers[node_id]:
                if graph.node(c).kind == "op" and c not in ops and c not in owner:
                    # a feeder of the top line is told with it (but a normalised product's gate,
                    # f_t = σ(LN(W_f x)), with the product), what feeds it with this layer here (C̃_t with i_t)
                    if c not in feeders or len(_finishing(graph, c)) > 1:
                        todo.append(c)
                    # what else feeds the op: a layer, or an op off the top line (with its product)
                    todo += [
                        f
                        for s in graph.node(c).inputs
                        if _computed(graph, s) and s not in ops and s not in feeders
                        for f in _finishing(graph, s)
                        if f not in owner
                    ]
    if ops:
        named.append("state")
        owner.update({op: "state" for op in (*ops, *feeders) if op not in owner})
    return named


def _finishing(graph: CellGraph, node_id: str) -> list[str]:
    """``node_id`` and, where it finishes a normalised product (``σ(LN(W x))``: the activation or the
    normalisation of a layer), what computes the product before it: one value, told in one step."""
    node = graph.node(node_id)
    if node.kind != "op" or len(node.inputs) != 1:
        return [node_id]
    before = graph.node(node.inputs[0])
    if node.op != "layernorm" and before.op == "layernorm":
        return [node_id, *_finishing(graph, before.id)]
    return [node_id, before.id] if node.op == "layernorm" and before.kind == "layer" else [node_id]


def _computed(graph: CellGraph, node_id: str) -> bool:
    return graph.node(node_id).kind in ("layer", "op")


def _computation_order(graph: CellGraph, named: list[str], owner: dict[str, str]) -> list[str]:
    """The steps so that each comes after the steps whose values it reads (the given order where
    that leaves a choice). Steps that read each other's values become one (the first of them), and
    ``owner`` says so."""
    needs: dict[str, set[str]] = {name: set() for name in named}
    for node_id, name in owner.items():
        for r in graph.node(node_id).reads:
            for s in graph.node(r).inputs if graph.node(r).kind == "concat" else (r,):
                if s in owner and owner[s] != name:
                    needs[name].add(owner[s])
    out: list[str] = []
    left = list(named)
    while left:
        ready = next((n for n in left if needs[n] <= set(out)), None)
        if ready is None:  # a cycle: the first step takes in the steps it waits for
            ready = left[0]
            for other in needs[ready] - set(out):
                left.remove(other)
                needs[ready] |= needs.pop(other)
                for node_id, name in owner.items():
                    if name == other:
                        owner[node_id] = ready
                for wants in needs.values():
                    if other in wants:
                        wants.discard(other)
                        wants.add(ready)
            needs[ready].discard(ready)
            continue
        out.append(ready)
        left.remove(ready)
    return out


def _step_name(graph: CellGraph, layer: Node, taken: list[str]) -> str:
    """A new step's name: the first word of its layer's role ("forget" gate) when that is a plain
    name (step names become file names) not ``taken``, else the layer's id; for a layer whose id
    was made up, the name of the value it goes into, numbered if taken."""
    word = layer.role.split()[0] if layer.role.strip() else ""
    if is_identifier(word) and word not in taken:
        return word
    if not made_up(layer):
        return layer.id
    name = first = destination(graph.by_id, layer).id
    k = 2
    while name in taken:
        name, k = f"{first}_{k}", k + 1
    return name
