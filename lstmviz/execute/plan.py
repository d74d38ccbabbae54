"""Compiling a cell graph into a plan: what runs once for all steps, and what runs in the loop.

Three decisions make the executor about as fast as a hand-written loop:

- nodes that depend only on the inputs (never on a state) are *static*: computed for all T steps
  at once, before the time loop, as one big array operation each;
- layers that read the same node through their weights form a *group* whose weights are stacked
  into one matrix, so the group costs one matrix product per step;
- of a group's matrix product, the columns that multiply static parts (the input projection) are
  hoisted out of the loop, so only the recurrent part is multiplied inside it.

The plan also fixes the loop body: a sequence of entries ``("group", Group)`` (a group's
recurrent product), ``("finish", layer ids)`` (diagonal terms and activations) and
``("node", id)`` (an op, or a concat something reads whole), and which ops may write their
result in place into a state's buffer because nothing reads the state after them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from .. import arguments as args
from ..spec.graph import CellGraph


@dataclasses.dataclass(frozen=True)
class Group:
    """Layers that read the same ``source`` through their weights, fused into one matrix.

    ``layers`` is the row order of the stacked matrix: layers without diagonal inputs first,
    grouped by activation (so each run of one activation is applied in one call), then the
    layers whose diagonal inputs may only be ready later in the step.
    """

    source: str
    layers: tuple[str, ...]
    parts: tuple[str, ...]
    static_parts: tuple[str, ...]
    dynamic_parts: tuple[str, ...]

    @property
    def is_static(self) -> bool:
        """Whether the whole matrix product can run before the loop."""
        return not self.dynamic_parts


LoopEntry = tuple[str, Any]


@dataclasses.dataclass(frozen=True, eq=False)
class Plan:
    """How to evaluate a graph: evaluation order, static nodes, fused layer groups, the loop body.

    ``loop`` is the body of a plain run; ``traced_loop`` the body when every value is recorded
    (it also joins the concats nothing else needs whole); ``aliases`` maps an op to the state-in
    whose buffer it may write (plain runs only: a trace needs every value kept).
    """

    graph: CellGraph
    order: tuple[str, ...]
    static: frozenset[str]
    groups: tuple[Group, ...]
    loop: tuple[LoopEntry, ...]
    traced_loop: tuple[LoopEntry, ...]
    aliases: Mapping[str, str]

    @cached_property
    def group_of(self) -> Mapping[str, Group]:
        """The group each layer belongs to."""
        return {layer: g for g in self.groups for layer in g.layers}

    def describe(self) -> str:
        """A few lines saying what the plan does, for people reading ``lstmviz run --plan``."""
        lines = [f"plan for {self.graph.name!r}:"]
        before = [n for n in self.order if n in self.static and self.graph.node(n).kind not in ("input",)]
        if before:
            lines.append(f"  before the loop, for all steps: {', '.join(before)}")
        for g in self.groups:
            if g.is_static:
                how = "all before the loop"
            elif g.static_parts:
                how = f"input part ({', '.join(g.static_parts)}) hoisted, "
                how += f"recurrent part ({', '.join(g.dynamic_parts)}) per step"
            else:
                how = "per step"
            lines.append(f"  one matrix for [{', '.join(g.layers)}] reading {g.source!r}: {how}")
        loop = [n for n in self.order if n not in self.static and self.graph.node(n).kind not in ("state-in",)]
        lines.append(f"  each step: {', '.join(loop)}")
        return "\n".join(lines)


def compile(graph: CellGraph) -> Plan:  # noqa: A001 - the name the design uses
    """Turn a graph into a :class:`Plan`; the plan depends on the graph only, not on sizes."""
    args.graph(graph)
    static: set[str] = set()
    for node_id in graph.order:
        node = graph.node(node_id)
        if node.kind == "input" or (
            node.kind not in ("state-in",) and node.reads and all(r in static for r in node.reads)
        ):
            static.add(node_id)
    groups: dict[str, list[str]] = {}
    for node_id in graph.order:
        node = graph.node(node_id)
        if node.kind == "layer":
            groups.setdefault(node.inputs[0], []).append(node_id)
    built = []
    for source, layers in groups.items():
        src = graph.node(source)
        parts = src.inputs if src.kind == "concat" else (source,)
        built.append(
            Group(
                source=source,
                layers=_row_order(graph, layers),
                parts=parts,
                static_parts=tuple(p for p in parts if p in static),
                dynamic_parts=tuple(p for p in parts if p not in static),
            )
        )
    group_of = {layer: g for g in built for layer in g.layers}
    loop = _loop(graph, static, group_of, traced=False)
    return Plan(
        graph,
        graph.order,
        frozenset(static),
        tuple(built),
        loop,
        _loop(graph, static, group_of, traced=True),
        _aliases(graph, loop),
    )


def _row_order(graph: CellGraph, layers: list[str]) -> tuple[str, ...]:
    plain = [n for n in layers if not graph.node(n).diagonal]
    first_seen = {}
    for n in plain:
        first_seen.setdefault(graph.node(n).activation, len(first_seen))
    plain.sort(key=lambda n: first_seen[graph.node(n).activation])
    return tuple(plain) + tuple(n for n in layers if graph.node(n).diagonal)


def _loop(graph: CellGraph, static: set[str], group_of: Mapping[str, Group], *, traced: bool) -> tuple[LoopEntry, ...]:
    """The loop body, in evaluation order."""
    read_whole = {r for n in graph.nodes if n.kind != "layer" for r in n.reads} | {
        d for n in graph.nodes for d in n.diagonal
    }
    out: list[LoopEntry] = []
    started: set[str] = set()
    for node_id in graph.order:
        node = graph.node(node_id)
        if node_id in static or node.kind in ("input", "state-in", "state-out", "output"):
            continue
        if node.kind == "concat":
            if node_id in read_whole or traced:
                out.append(("node", node_id))
        elif node.kind == "layer":
            group = group_of[node_id]
            if group.source not in started:
                started.add(group.source)
                if not group.is_static:
                    out.append(("group", group))
                    plain = tuple(n for n in group.layers if not graph.node(n).diagonal)
                    if plain:
                        out.append(("finish", plain))
            if node.diagonal:
                out.append(("finish", (node_id,)))
        else:
            out.append(("node", node_id))
    return tuple(out)


def _aliases(graph: CellGraph, loop: tuple[LoopEntry, ...]) -> Mapping[str, str]:
    """Ops that may write their value into a state's buffer: those after the state's last reader."""

    def reads(entry: LoopEntry) -> set[str]:
        kind, item = entry
        if kind == "group":
            return set(item.dynamic_parts)
        if kind == "finish":
            return {d for n in item for d in graph.node(n).diagonal}
        return set(graph.node(item).reads)

    alias: dict[str, str] = {}
    position = {item: i for i, (kind, item) in enumerate(loop) if kind == "node"}
    read_at_end = {n.inputs[0] for n in graph.nodes if n.kind in ("output", "state-out")}
    last_read: dict[str, int] = {}
    for i, entry in enumerate(loop):
        last_read.update(dict.fromkeys(reads(entry), i))
    for node_in, node_out in graph.states.values():
        producer = node_out.inputs[0]
        if producer not in position or graph.node(producer).kind != "op" or producer in alias:
            continue
        if last_read.get(node_in.id, -1) <= position[producer] and node_in.id not in read_at_end:
            alias[producer] = node_in.id
    return alias
