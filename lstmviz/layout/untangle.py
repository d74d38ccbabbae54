"""Route, second pass: every wire on a track of its own. The first-draft paths (:mod:`.sketch`)
that keep clear of the others stay (the top lines first); the rest are routed again on a
:class:`~.routing.Board`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from .geometry import Box, Point, Wire, simplify
from .grid import Grid
from .routing import SIDE_WAY, Board, Port, Solid
from .search import route
from .walks import STEPS

#: Passes over the board at most: after a pass in which some wire found no way, those wires go
#: first in the next.
PASSES = 4
#: The sides (as headings away from the op: 1 below, 2 left, 3 above) each operand of a difference
#: and of a quotient comes in by, the first tried first: the minuend from the left of the
#: subtrahend, the numerator above the denominator, so that they read as ``a - b`` and a fraction.
OPERAND_SIDES = {"sub": ((2,), (1, 3)), "div": ((3, 2), (1,))}
#: An elementwise weight's way into a layer's side runs straight for this many wires' widths past
#: the arrowhead's stub.
DIAGONAL_STUB = 3


@dataclasses.dataclass(frozen=True)
class Untangled:
    """The wires, each on its own track where one was found, and how many found none."""

    wires: tuple[Wire, ...]
    unrouted: int


def untangle(grid: Grid, wires: tuple[Wire, ...]) -> Untangled:
    """``wires`` (one an edge, in the graph's order) with those that meet others routed again."""
    m, wires_ = grid.m, list(wires)
    meet = {}
    for shape in grid.shapes:
        if shape.shape == "junction":  # a concatenation, or a renaming
            node = grid.graph.node(shape.node)
            meet[Point(shape.box.x, shape.box.y)] = frozenset({node.id, *node.inputs})
    # the grid has tracks through every port of every side, a gate's included
    ports = [p for w in wires_ for p in _ports(grid, w, "out", {}) + _ports(grid, w, "in", {})]
    coordinates = [p for w in wires_ for p in w.points] + [q for p in ports for q in (p.at, p.beyond)]
    coordinates += [Point(s.box.x, s.box.y) for s in grid.occupants]
    area = Box(grid.module.x, grid.module.y, grid.module.w - 2 * m.track, grid.module.h - 2 * m.track)
    solids = [Solid(s.node, s.box) for s in grid.occupants]
    sides_in = _sides_in(grid, wires_)
    first: list[int] = []  # wires that found no way: next time they go before any other
    for _ in range(PASSES):
        board = Board(area, solids, coordinates, track=m.track, wire=m.wire_width, gap=m.shape_gap, meet=meet)
        for w in wires_:  # where a line enters or leaves the module, nothing else may run
            for way in ("out", "in"):
                if grid.shape[w.src if way == "out" else w.dst].shape == "terminal":
                    port = _ports(grid, w, way, sides_in)[0]
                    board.add(w.src, [port.at, port.beyond], m.lane_width if w.lane else m.wire_width)
            if grid.shape[w.dst].shape == "box" and not w.diagonal:  # nor under a layer: its one way in,
                port = _ports(grid, w, "in", sides_in)[0]  # which no line crosses (which one enters?)
                board.add(w.src, [port.at, _way_in(board, port, m.arrow + m.wire_width)], m.wire_width, uncrossed=True)
        router = _Rerouter(grid, board, sides_in, list(wires_))
        failed = [k for k in first if not router.reroute(k)]
        pending = []
        # the top lines first, then straight wires (they have no other way), then the rest
        for k in sorted(range(len(wires_)), key=lambda k: (not wires_[k].lane, len(wires_[k].points) > 2)):
            w = wires_[k]
            if k in first:
                continue
            on_side = side(w.points[-1], grid.shape[w.dst].box) in sides_in.get(w.edge, range(4))
            if on_side and board.fits(w.src, w.points, (w.src, w.dst)):
                board.add(w.src, w.points, m.lane_width if w.lane else m.wire_width)
                router.placed.add(k)
            else:
                pending.append(k)
        failed += [k for k in pending if not router.reroute(k)]
        if not failed or set(failed) <= set(first):
            break
        # the concatenation's own line first, so that its inputs can merge into it
        first += sorted(set(failed) - set(first), key=lambda k: grid.shape[wires_[k].src].shape != "junction")
    return Untangled(tuple(router.out), len(failed))


def _way_in(board: Board, port: Port, length: float) -> Point:
    """The grid point out from ``port`` past its stub at least ``length`` from the shape (or the
    last one of the grid that way): the stretch of a box's way in that no other line crosses."""
    dx, dy = STEPS[port.out]
    at = port.beyond
    while abs(at.x - port.at.x) + abs(at.y - port.at.y) < length:
        i, j = board.i_at(at.x) + dx, board.j_at(at.y) + dy
        if not (0 <= i < len(board.xs) and 0 <= j < len(board.ys)):
            break
        at = Point(board.xs[i], board.ys[j])
    return at


def side(end: Point, box: Box) -> int:
    """The side of ``box`` that ``end`` lies on, as the heading away from it (0 right, 1 below,
    2 left, 3 above)."""
    dx, dy = end.x - box.x, end.y - box.y
    if abs(dx) * box.h > abs(dy) * box.w:
        return 0 if dx > 0 else 2
    return 1 if dy > 0 else 3


class _Rerouter:
    """One pass over the board: the wires routed again so far (``out``) and those on the board."""

    def __init__(self, grid: Grid, board: Board, sides_in: Mapping[str, tuple[int, ...]], out: list[Wire]) -> None:
        self.grid, self.board, self.sides_in, self.out = grid, board, sides_in, out
        self.placed: set[int] = set()

    def reroute(self, k: int) -> bool:
        """Route wire ``k`` on the board (from its source, or off a placed line of its value) and put
        it there; False if it finds no way."""
        grid, board, out, placed = self.grid, self.board, self.out, self.placed
        w = out[k]
        tree = [out[n].points for n in sorted(placed) if out[n].src == w.src]
        merge = None
        if grid.shape[w.dst].shape == "junction":  # it may join the concatenation's line from the side
            merge = (w.dst, [out[n].points for n in sorted(placed) if out[n].src == w.dst])
        ends = (_ports(grid, w, "out", self.sides_in), _ports(grid, w, "in", self.sides_in))
        board.widen(w.src, grid.m.lane_width if w.lane else grid.m.wire_width)  # searched as wide as drawn
        path = route(board, w.src, *ends, tree, (w.src, w.dst), merge)
        if path is None:
            return False
        if merge and path[-1] != board.snap(Point(grid.shape[w.dst].box.x, grid.shape[w.dst].box.y)):
            board.allow_meeting(path[-1], (w.src, w.dst))
        board.add(w.src, path)
        out[k] = dataclasses.replace(w, points=tuple(simplify(path)))
        placed.add(k)
        return True


def _sides_in(grid: Grid, wires: list[Wire]) -> dict[str, tuple[int, ...]]:
    """The sides some lines must come in by, by edge, the one to try first first: a gate's line
    into its product across the way the stream comes in (a valve's handle stands across its flow);
    the operands of a difference and a quotient where they are read as written (:data:`OPERAND_SIDES`)."""
    out: dict[str, tuple[int, ...]] = {}
    for node in grid.graph.of_kind("op"):
        sides = OPERAND_SIDES.get(node.op)
        if sides is None or len(node.inputs) != 2 or node.inputs[0] == node.inputs[1]:
            continue  # (a number for one operand: one line, nothing to tell apart)
        for edge in grid.graph.edges:
            if edge.dst == node.id:
                out[edge.id] = sides[edge.port]
    for shape in grid.shapes:
        if not shape.gate or not grid.m.gate_across:
            continue
        into = [w for w in wires if w.dst == shape.node]
        stream = next((w for w in into if w.src != shape.gate), None)
        gate = next((w for w in into if w.src == shape.gate), None)
        if stream is not None and gate is not None:
            h = side(stream.points[-1], shape.box)
            out[gate.edge] = tuple(k for k in (1, 3, 2, 0) if k in ((h + 1) % 4, (h + 3) % 4))
    return out


def _ports(grid: Grid, wire: Wire, way: str, sides_in: Mapping[str, tuple[int, ...]]) -> list[Port]:
    """Where ``wire`` may leave its source (``way`` "out") or enter its destination ("in")."""
    m = grid.m
    shape = grid.shape[wire.src if way == "out" else wire.dst]
    b = shape.box
    stub = m.track if way == "out" else max(m.track, m.stub)  # room for the arrowhead
    sides = {  # heading away from the shape -> where on its outline
        0: Point(b.right, b.y),
        1: Point(b.x, b.bottom),
        2: Point(b.left, b.y),
        3: Point(b.x, b.top),
    }
    if shape.shape == "terminal":
        edge = {
            "state-in": (0, grid.module.left),
            "input": (3, grid.module.bottom),
            "state-out": (2, grid.module.right),
            "output": (1, grid.module.top),
        }[shape.kind]
        along = abs((b.x if edge[0] % 2 == 0 else b.y) - edge[1]) + m.track
        return [Port(Point(b.x, b.y), edge[0], along)]
    if shape.shape == "junction":
        return [Port(Point(b.x, b.y), h, m.track) for h in range(4)]
    if shape.shape == "box":
        if way == "out":  # a layer's value leaves from its top; from a side only if it must
            return [Port(sides[3], 3, stub), Port(sides[0], 0, stub, SIDE_WAY), Port(sides[2], 2, stub, SIDE_WAY)]
        if wire.diagonal:  # elementwise weights come in at a side (below is the matrix's input),
            long = stub + DIAGONAL_STUB * m.wire_width  # straight for long enough to carry its ⊙ clear
            return [Port(sides[2], 2, long), Port(sides[0], 0, long)]
        return [Port(sides[1], 1, stub)]
    order = (0, 3, 1, 2) if way == "out" else (2, 1, 3, 0)
    if way == "in" and wire.edge in sides_in:
        order = sides_in[wire.edge]
    return [Port(sides[h], h, stub) for h in order]
