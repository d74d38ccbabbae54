"""Compiling a cell graph into a plan: what runs once for all steps, and what runs in the loop.

Three decisions make the executor about as fast as a hand-written loop:

- nodes that depend only on the inputs (never on a state) are *static*: computed for all T steps
  at once, before the time loop, as one big array operation each;
- layers that read the same node through their weights form a *group* whose weights are stacked
  into one matrix, so the group costs one matrix product per step;
- of a group's matrix product, the columns that multiply static parts (the input projection) are
  hoisted out of the loop, so only the recurrent part is multiplied inside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

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


@dataclasses.dataclass(frozen=True)
class Plan:
    """How to evaluate a graph: evaluation order, static nodes and fused layer groups."""

    graph: CellGraph
    order: tuple[str, ...]
    static: frozenset[str]
    groups: tuple[Group, ...]

    @property
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
            how = "all before the loop" if g.is_static else (
                f"input part ({', '.join(g.static_parts)}) hoisted, recurrent part ({', '.join(g.dynamic_parts)}) per step"
                if g.static_parts else "per step")
            lines.append(f"  one matrix for [{', '.join(g.layers)}] reading {g.source!r}: {how}")
        loop = [n for n in self.order if n not in self.static and self.graph.node(n).kind not in ("state-in",)]
        lines.append(f"  each step: {', '.join(loop)}")
        return "\n".join(lines)


def compile(graph: CellGraph) -> Plan:  # noqa: A001 - the name the design uses
    """Turn a graph into a :class:`Plan`; the plan depends on the graph only, not on sizes."""
    static: set[str] = set()
    for node_id in graph.order:
        node = graph.node(node_id)
        if node.kind == "input" or (node.kind not in ("state-in",) and node.reads
                                    and all(r in static for r in node.reads)):
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
    return Plan(graph, graph.order, frozenset(static), tuple(built))


def _row_order(graph: CellGraph, layers: list[str]) -> tuple[str, ...]:
    plain = [n for n in layers if not graph.node(n).diagonal]
    first_seen = {}
    for n in plain:
        first_seen.setdefault(graph.node(n).activation, len(first_seen))
    plain.sort(key=lambda n: first_seen[graph.node(n).activation])
    return tuple(plain) + tuple(n for n in layers if graph.node(n).diagonal)
