"""The cell graph: the one validated, immutable description every other part of lstmviz reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cached_property

from ..errors import SpecError
from .limits import MAX_LATEX
from .names import weight_names
from .node import Edge, Node
from .validate import check_label, topological_order, validate
from .vocab import is_file_name, is_identifier


@dataclasses.dataclass(frozen=True)
class CellGraph:
    """A recurrent cell: its nodes, default dims and where it comes from.

    ``latex`` holds the cell's equations as its paper writes them, for display; ``steps``, when
    given, names and orders the walk-through (step name -> the nodes it shows), which is otherwise
    derived from the graph.

    Constructing one validates it and fills in what can be derived (sizes, default labels), so
    every ``CellGraph`` in the program is valid; a bad one raises :class:`~lstmviz.SpecError`.
    """

    name: str
    nodes: tuple[Node, ...]
    dims: tuple[tuple[str, int], ...] = ()
    title: str = ""
    description: str = ""
    reference: str = ""
    latex: tuple[str, ...] = ()
    steps: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        if not is_file_name(self.name):
            raise SpecError(
                f"cell name {self.name!r} is not a plain name",
                name="name",
                fix="use letters, digits, '-', '_' and '.', at most 64 (the name becomes part of file names)",
            )
        for eq in self.latex:
            check_label(eq, "equation", "latex", max_length=MAX_LATEX)
        dims = self.dims.items() if isinstance(self.dims, Mapping) else self.dims
        object.__setattr__(self, "dims", tuple((str(k), v) for k, v in dims))
        object.__setattr__(self, "nodes", validate(tuple(self.nodes), dict(self.dims)))
        object.__setattr__(self, "latex", tuple(self.latex))
        steps = self.steps.items() if isinstance(self.steps, Mapping) else self.steps
        object.__setattr__(self, "steps", tuple((str(k), tuple(v)) for k, v in steps))
        ids = {n.id for n in self.nodes}
        for name, members in self.steps:
            if not is_identifier(name) or not members:
                raise SpecError(
                    "is not a step: a step needs a name and at least one node",
                    name=name,
                    fix='write e.g. forget = ["f", "fc"] under [steps]',
                )
            missing = [m for m in members if m not in ids]
            if missing:
                raise SpecError(
                    f"step names {missing[0]!r}, which is not a node", name=name, fix="list node ids of this cell"
                )

    def __hash__(self) -> int:
        # Computed once: plans are cached by graph, and hashing every node each run adds up.
        if "_hash" not in self.__dict__:
            self.__dict__["_hash"] = hash(
                (self.name, self.nodes, self.dims, self.title, self.description, self.reference, self.latex)
            )
        return self.__dict__["_hash"]

    def __repr__(self) -> str:
        return f"<CellGraph {self.name!r}: {len(self.nodes)} nodes, states {list(self.states)}>"

    @cached_property
    def by_id(self) -> Mapping[str, Node]:
        """Nodes by id."""
        return {n.id: n for n in self.nodes}

    @cached_property
    def weights(self) -> Mapping[str, tuple[str, str]]:
        """Each layer's weights' letter and subscript, as equations write them (``W``, ``f``)."""
        return weight_names(self.nodes)

    def node(self, node_id: str) -> Node:
        """The node with this id."""
        return self.by_id[node_id]

    def of_kind(self, kind: str) -> tuple[Node, ...]:
        """The nodes of one kind, in declaration order."""
        return tuple(n for n in self.nodes if n.kind == kind)

    @cached_property
    def default_dims(self) -> Mapping[str, int]:
        """The dims the spec gives, used where the caller gives none."""
        return dict(self.dims)

    @cached_property
    def states(self) -> Mapping[str, tuple[Node, Node]]:
        """Each state's name mapped to its (state-in, state-out) nodes."""
        outs = {n.state: n for n in self.of_kind("state-out")}
        return {n.state: (n, outs[n.state]) for n in self.of_kind("state-in")}

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        """Every line of the cell, derived from what each node reads."""
        fanout: dict[str, int] = {}
        for n in self.nodes:
            for src in n.reads:
                fanout[src] = fanout.get(src, 0) + 1
        edges, seen = [], set()
        for n in self.nodes:
            for port, src in enumerate(n.reads):
                kind = "concat" if n.kind == "concat" else "copy" if fanout[src] > 1 else "transfer"
                edge_id = f"{src}->{n.id}"
                if edge_id in seen:
                    edge_id = f"{edge_id}#{port}"
                seen.add(edge_id)
                edges.append(Edge(edge_id, kind, src, n.id, port))
        return tuple(edges)

    @cached_property
    def order(self) -> tuple[str, ...]:
        """Node ids in evaluation order: each after everything it reads, ties by declaration."""
        return topological_order(self.nodes)

    @cached_property
    def consumers(self) -> Mapping[str, tuple[str, ...]]:
        """For each id, the ids of the nodes that read it (once per read)."""
        out: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        for n in self.nodes:
            for src in n.reads:
                out[src].append(n.id)
        return {k: tuple(v) for k, v in out.items()}

    @property
    def label_sets(self) -> tuple[str, ...]:
        """The label sets the spec gives: ``notation`` (always), then those its nodes name."""
        names = dict.fromkeys(name for n in self.nodes for name, _ in n.labels)
        return ("notation", *names)

    def relabelled(self, label_set: str) -> CellGraph:
        """The same cell with each node's label taken from ``label_set`` where it has one."""
        from ..errors import Choice

        Choice("label set", self.label_sets).check(label_set, name=self.name)
        if label_set == "notation":
            return self
        nodes = tuple(dataclasses.replace(n, label=dict(n.labels).get(label_set, n.label)) for n in self.nodes)
        return dataclasses.replace(self, nodes=nodes)

    def with_dims(self, **dims: int) -> CellGraph:
        """The same cell with other default dims (e.g. ``hidden=128``)."""
        merged = {**self.default_dims, **dims}
        return dataclasses.replace(self, dims=tuple(merged.items()))
