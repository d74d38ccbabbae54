"""Building a cell from Python: the builder API, which the equation parser also drives.

b = CellBuilder("lstm")
x = b.input("x")
h, c = b.state("h"), b.state("c")
hx = b.concat(h.prev, x)
f = b.layer(hx, "sigmoid", id="f")
...
b.write(c, f * c.prev + i * g)
cell = b.build()
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from ..errors import SpecError
from .graph import CellGraph, Node
from .names import concat_id, layer_id, op_id
from .sizes import DEFAULT_DIMS, Size
from .vocab import is_identifier


@dataclasses.dataclass(frozen=True)
class Ref:
    """A node being built. ``*``, ``/``, ``+`` and ``-`` on refs add pointwise ops, with a number for
    either operand as in the equations (``0.5 * r``, ``r / 2``); ``1 - r`` adds one-minus."""

    builder: CellBuilder = dataclasses.field(repr=False, compare=False)
    id: str

    def _binary(self, op: str, other: object, *, reflected: bool = False) -> Ref:
        if isinstance(other, Ref):
            return self.builder.op(op, other, self) if reflected else self.builder.op(op, self, other)
        if isinstance(other, int | float) and not isinstance(other, bool):
            return self.builder.op(op, self, constant=float(other), constant_at=0 if reflected else 1)
        return NotImplemented

    def __mul__(self, other: object) -> Ref:
        return self._binary("mul", other)

    def __rmul__(self, other: object) -> Ref:
        return self._binary("mul", other, reflected=True)

    def __truediv__(self, other: object) -> Ref:
        return self._binary("div", other)

    def __rtruediv__(self, other: object) -> Ref:
        return self._binary("div", other, reflected=True)

    def __add__(self, other: object) -> Ref:
        return self._binary("add", other)

    def __radd__(self, other: object) -> Ref:
        return self._binary("add", other, reflected=True)

    def __sub__(self, other: object) -> Ref:
        return self._binary("sub", other)

    def __rsub__(self, other: object) -> Ref:
        if other == 1 and not isinstance(other, bool):
            return self.builder.op("one-minus", self)
        return self._binary("sub", other, reflected=True)


@dataclasses.dataclass(frozen=True)
class State:
    """A recurrent state: ``prev`` reads last step's value; :meth:`CellBuilder.write` sets the new one."""

    name: str
    prev: Ref


NodeLike = Ref | str


class CellBuilder:
    """Collects nodes and builds a validated :class:`CellGraph`.

    Ids are optional: a node without one gets a readable id from what it computes
    (``mul_f_c_prev``, ``cat_h_prev_x``), never one in ``reserved``.
    """

    def __init__(
        self,
        name: str,
        *,
        dims: Mapping[str, int] | None = None,
        title: str = "",
        description: str = "",
        reference: str = "",
        latex: Sequence[str] = (),
        steps: Sequence[tuple[str, Sequence[str]]] = (),
        reserved: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.dims = dict(dims if dims is not None else DEFAULT_DIMS)
        self.meta = {
            "title": title,
            "description": description,
            "reference": reference,
            "latex": tuple(latex),
            "steps": tuple((name, tuple(ids)) for name, ids in steps),
        }
        self._nodes: dict[str, Node] = {}
        self._order: list[str] = []  #: ids in the order defined (a rename keeps a node's place)
        self._position: dict[str, int] = {}  #: where each id stands in ``_order``
        self._readers: dict[str, set[str]] = {}  #: who reads each id, so a rename touches only them
        self._reserved = set(reserved)
        self._concats: dict[tuple[str, ...], str] = {}
        self._aliases: dict[str, str] = {}  #: names that stand for another value (``h = c``)

    # -- sources -------------------------------------------------------------------------------
    def input(self, id: str = "x", size: Size = "input", *, label: str = "", role: str = "input") -> Ref:
        """An input vector read at every step (x_t)."""
        return self._add(Node(id, "input", label=label, role=role, size=size))

    def state(self, name: str, size: Size = "hidden", *, label: str = "", role: str = "") -> State:
        """A recurrent state; its previous value is the node ``<name>_prev``."""
        prev = self._add(Node(f"{name}_prev", "state-in", label=label, role=role, size=size, state=name))
        return State(name, prev)

    # -- computation ---------------------------------------------------------------------------
    def concat(self, *parts: NodeLike, id: str | None = None) -> Ref:
        """Several vectors joined end to end (lines merging); the same parts give the same node."""
        ids = tuple(self._id(p) for p in parts)
        if id is None and ids in self._concats:
            return Ref(self, self._concats[ids])
        ref = self._add(Node(id or self._fresh(concat_id(ids)), "concat", inputs=ids))
        self._concats.setdefault(ids, ref.id)
        return ref

    def layer(
        self,
        *inputs: NodeLike,
        activation: str = "identity",
        id: str | None = None,
        size: Size | None = None,
        diagonal: Sequence[NodeLike] = (),
        label: str = "",
        role: str = "",
        labels: Mapping[str, str] | None = None,
        bias: bool = True,
    ) -> Ref:
        """A learned affine map of its inputs (joined by a concat when there are several), then
        ``activation``; ``diagonal`` inputs are weighted elementwise (peephole connections);
        without ``bias``, a plain matrix product. Without ``size``, its size is what its use
        fixes (a pointwise op with ``x`` makes it x's size), else ``hidden``."""
        source = self.concat(*inputs) if len(inputs) > 1 else inputs[0] if inputs else None
        if source is None:
            raise SpecError("a layer needs at least one input", name=id)
        node = Node(
            id or self._fresh(layer_id(activation)),
            "layer",
            inputs=(self._id(source),),
            label=label,
            role=role,
            size=size,
            activation=activation,
            diagonal=tuple(self._id(d) for d in diagonal),
            labels=tuple((labels or {}).items()),
            bias=bias,
        )
        return self._add(node)

    def op(
        self,
        op: str,
        *args: NodeLike,
        id: str | None = None,
        label: str = "",
        role: str = "",
        constant: float | None = None,
        constant_at: int = 1,
    ) -> Ref:
        """A pointwise op (see ``lstmviz.spec.vocab.OP_ARITY``); ``constant`` is a number standing for
        one operand of a binary op, at position ``constant_at`` (``op("div", x, constant=2)`` is x / 2)."""
        ids = tuple(self._id(a) for a in args)
        node = Node(
            id or self._fresh(op_id(op, ids)),
            "op",
            inputs=ids,
            label=label,
            role=role,
            op=op,
            constant=constant,
            constant_at=constant_at,
        )
        return self._add(node)

    # -- sinks ---------------------------------------------------------------------------------
    def write(self, state: State | str, value: NodeLike, *, label: str = "", role: str = "") -> Ref:
        """Set a state's new value (the node ``<name>_next``, which leaves the step)."""
        name = state.name if isinstance(state, State) else state
        return self._add(
            Node(f"{name}_next", "state-out", inputs=(self._id(value),), label=label, role=role, state=name)
        )

    def output(self, value: NodeLike, id: str = "y", *, label: str = "", role: str = "output") -> Ref:
        """A value the cell emits at every step (y_t)."""
        return self._add(Node(id, "output", inputs=(self._id(value),), label=label, role=role))

    # -- editing -------------------------------------------------------------------------------
    def rename(self, ref: NodeLike, new_id: str) -> Ref:
        """Give a node another id (and update everything that reads it)."""
        old = self._id(ref)
        if new_id in self._nodes:
            raise SpecError("is defined twice", name=new_id, fix="give each node its own id")
        if old not in self._nodes:
            raise SpecError("is renamed but not defined", name=old, fix="define it first")

        def swap(ids: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new_id if i == old else i for i in ids)

        node = self._nodes.pop(old)
        self._nodes[new_id] = dataclasses.replace(node, id=new_id)
        self._position[new_id] = self._position.pop(old)
        self._order[self._position[new_id]] = new_id
        for reader in self._readers.get(old, ()):
            n = self._nodes[reader]
            self._nodes[reader] = dataclasses.replace(n, inputs=swap(n.inputs), diagonal=swap(n.diagonal))
            if n.kind == "concat" and self._concats.get(n.inputs) == reader:
                self._concats[swap(n.inputs)] = self._concats.pop(n.inputs)
        self._readers.setdefault(new_id, set()).update(self._readers.pop(old, set()))  # read before defined too
        for src in node.reads:
            self._readers[src].discard(old)
            self._readers[src].add(new_id)
        if node.kind == "concat" and self._concats.get(node.inputs) == old:
            self._concats[node.inputs] = new_id
        return Ref(self, new_id)

    def alias(self, name: str, value: NodeLike) -> None:
        """Let ``name`` stand for ``value`` wherever it is read or written (``h = c``: the new hidden
        state is the cell state itself, drawn as one line leaving under both names)."""
        if not is_identifier(name):
            raise SpecError(f"{name!r} is not a name", fix="use letters, digits and underscores")
        if name in self._nodes or name in self._aliases:
            raise SpecError("is defined twice", name=name, fix="give each value its own name")
        target, seen = self._id(value), {name}
        while target in self._aliases:  # a chain of names: follow it, refusing a loop
            if target in seen:
                raise SpecError(f"names only itself ({' = '.join([*seen, target])})", name=name, fix="give it a value")
            seen.add(target)
            target = self._aliases[target]
        if target in seen:
            raise SpecError("names only itself", name=name, fix="give it a value")
        self._aliases[name] = target

    def annotate(self, ref: NodeLike, **fields: object) -> None:
        """Set a node's label, role, size, other label sets (``labels={"plain": ...}``) or layout
        hints (``lane="top"`` on a state's nodes, ``order=2`` on a layer). A state that is another
        name for a value (``h = c``) is described by the line that leaves as it (``h_next``)."""
        if isinstance(ref, str) and ref in self._aliases:  # h where h = c: the line leaving as h
            if f"{ref}_next" not in self._nodes:
                raise SpecError(
                    f"is another name for {self._id(ref)!r}", name=ref, fix=f"describe {self._id(ref)!r} instead"
                )
            ref = f"{ref}_next"
        node_id = self._id(ref)
        if node_id not in self._nodes:
            raise SpecError("is described but not defined", name=node_id, fix="define it, or remove its description")
        unknown = set(fields) - {"label", "role", "size", "labels"}
        if unknown:
            raise SpecError(
                f"unknown field {sorted(unknown)[0]!r} (must be one of label, role, size, labels)", name=node_id
            )
        if "labels" in fields:
            sets = fields["labels"]
            if not isinstance(sets, Mapping) or not all(isinstance(k, str) for k in sets):
                raise SpecError(
                    f"labels {sets!r} is not a table of label sets",
                    name=node_id,
                    fix='write labels = { plain = "remember gate", pytorch = "f" }',
                )
            fields["labels"] = tuple(sets.items())
        self._nodes[node_id] = dataclasses.replace(self._nodes[node_id], **fields)

    def reserve(self, names: Iterable[str]) -> None:
        """Keep ``names`` free: no generated id will take one."""
        self._reserved.update(names)

    def ids(self, start: int = 0) -> tuple[str, ...]:
        """The ids defined so far, in order (from the ``start``-th on)."""
        return tuple(self._order[start:])

    def nodes(self) -> tuple[Node, ...]:
        """The nodes defined so far, in order (not yet validated)."""
        return tuple(self._nodes[i] for i in self._order)

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._nodes or node_id in self._aliases

    def __len__(self) -> int:
        return len(self._order)

    def build(self) -> CellGraph:
        """The validated, immutable cell."""
        return CellGraph(self.name, self.nodes(), dims=tuple(self.dims.items()), **self.meta)

    # -- helpers -------------------------------------------------------------------------------
    def _add(self, node: Node) -> Ref:
        if node.id in self._nodes:
            raise SpecError("is defined twice", name=node.id, fix="give each node its own id")
        if not is_identifier(node.id):
            raise SpecError(f"node id {node.id!r} is not a name", fix="use letters, digits and underscores")
        self._nodes[node.id] = node
        self._position[node.id] = len(self._order)
        self._order.append(node.id)
        for src in node.reads:
            self._readers.setdefault(src, set()).add(node.id)
        return Ref(self, node.id)

    def _id(self, ref: NodeLike) -> str:
        if isinstance(ref, State):
            raise SpecError(f"state {ref.name!r} is not a value", fix=f"read {ref.name}.prev")
        node_id = ref.id if isinstance(ref, Ref) else str(ref)
        while node_id in self._aliases:
            node_id = self._aliases[node_id]
        return node_id

    def _fresh(self, base: str) -> str:
        candidate, k = base, 2
        while candidate in self._nodes or candidate in self._reserved:
            candidate, k = f"{base}_{k}", k + 1
        return candidate
