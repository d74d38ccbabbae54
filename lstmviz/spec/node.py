"""The vertices and lines of a cell graph: plain frozen data, which validation and the graph read."""

from __future__ import annotations

import dataclasses

from .sizes import Size


@dataclasses.dataclass(frozen=True)
class Node:
    """One vertex of a cell: an input, a state, a concatenation, a layer, an op or a sink.

    ``inputs`` are the ids it reads, in order. A layer reads exactly one vector through its
    weight matrix (name a ``concat`` node to read several) and may read more, elementwise,
    through ``diagonal`` weights: the peephole connections of Gers & Schmidhuber (2000).
    ``label`` is the math label of the post's notation; ``labels`` holds the same node's label in
    other label sets, by set name (``plain``: words for beginners, ``pytorch``: PyTorch's names).
    ``lane`` (states: ``top`` or ``bottom``) and ``order`` (layers: left to right) are optional
    hints for the diagram; the arithmetic ignores them. A layer without ``bias`` is a plain
    matrix product. A binary op may take one of its operands as a number, ``constant``, standing
    at operand position ``constant_at`` (0: ``0.5 * x``; 1: ``x / 2``).
    """

    id: str
    kind: str
    inputs: tuple[str, ...] = ()
    label: str = ""
    role: str = ""
    size: Size | None = None
    op: str = ""
    activation: str = ""
    diagonal: tuple[str, ...] = ()
    state: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    lane: str = ""
    order: int | None = None
    bias: bool = True
    constant: float | None = None
    constant_at: int = 1

    @property
    def reads(self) -> tuple[str, ...]:
        """Every id this node reads: its inputs, then its diagonal inputs."""
        return self.inputs + self.diagonal


@dataclasses.dataclass(frozen=True)
class Edge:
    """A line in the diagram and a data dependency in the executor.

    ``kind`` is ``concat`` when the line merges into a concatenation, ``copy`` when its source
    feeds several places (the line forks), else ``transfer``. ``port`` is the position of the
    line among the destination's reads.
    """

    id: str
    kind: str
    src: str
    dst: str
    port: int
