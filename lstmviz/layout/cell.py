"""The cell view: one module laid out in the arrangement of "Understanding LSTM Networks".

Rows, top to bottom: the conveyor (the state that only passes through pointwise ops, the cell
state of an LSTM; a stacked cell has one such line a layer, each a row lower), rows for the other
ops, the row of layers, and the bottom lane where the other states enter and vectors are joined.
Columns follow evaluation order: each layer takes the next column; an op sits above the layer or
op it reads when that place is free (the forget × above σ_f, the + above the ×), further down
when it leads out of the cell (tanh(C_t), then the output ×), or else in a new column on the
right. Wires are orthogonal; lines of one source share their path until they fork, lines of
different sources get their own tracks.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

from ..mathtext import width
from ..spec.graph import CellGraph, Node
from ..spec.ranges import is_gate
from ..spec.roles import roles
from ..spec.vocab import ROUND_WORDS
from ..spec.vocab import symbol as vocab_symbol
from .geometry import Box, Dot, Label, Layout, Point, Shape, Wire
from .metrics import Metrics
from .routing import Board, Port, Solid

MID_ROWS = 2


def layout_cell(graph: CellGraph, metrics: Metrics | None = None) -> Layout:
    """The geometry of ``graph`` drawn as one module.

    Rows and columns start at the style's spacing and widen when the wires between them need more
    tracks than fit (one track per source), so that no wire runs through a node, or when a label
    finds no place clear of wires and other labels. Layouts are immutable, and the last few are
    kept: a walk-through draws the same cell once per step.
    """
    return _layout_cell(graph, metrics or Metrics())


@functools.lru_cache(maxsize=16)
def _layout_cell(graph: CellGraph, m: Metrics) -> Layout:
    """The cell drawn with more room each time a wire or label finds no clear place; the attempt with
    the fewest wires left off their own track (then the fewest crowded labels) when none is clean:
    more room is not always better for the router."""
    best: tuple[tuple[int, int], Layout] | None = None
    for _ in range(4):
        cell = _CellLayout(graph, m)
        layout = cell.build()
        score = (cell.unrouted, cell.crowded)
        if best is None or score <= best[0]:  # of equals, the later: it has the room asked for
            best = (score, layout)
        row, column = cell.room_needed()
        if cell.crowded or cell.unrouted:  # a label or a wire found no clear place: give everything more room
            row, column = max(row, m.row * 1.25), max(column, cell.pitch * 1.25)
        if row <= m.row and column <= cell.pitch:
            break
        m = dataclasses.replace(m, row=max(m.row, row), column=max(m.column, column))
    assert best is not None
    return best[1]


class _CellLayout:
    def __init__(self, graph: CellGraph, m: Metrics) -> None:
        self.g, self.m = graph, m
        self.roles = roles(graph)
        self.conveyors = dict(self.roles.state_lines)  # state -> the ops on its way, the main one first
        self.conveyor = tuple(op for ops in self.conveyors.values() for op in ops)
        self.lane_row = {state: k for k, state in enumerate(self.conveyors)}  # the top rows, one a state
        self.row_of_op = {op: self.lane_row[state] for state, ops in self.conveyors.items() for op in ops}
        self.top = 0
        self.mid_lo = max(1, len(self.conveyors))  # rows for the other ops, then the layers
        self.mid_hi = self.mid_lo + MID_ROWS - 1
        self.layer_row = self.mid_hi + 1
        self.bottom = self.layer_row + 1
        self.cell: dict[str, tuple[int, int]] = {}  # node -> (row, col)
        self.taken: dict[tuple[int, int], str] = {}
        self.max_col = -1
        self.crowded = 0  # labels that found no clear place
        self.unrouted = 0  # wires that found no track of their own
        self.in_x: dict[str, float] = {}  # input -> its x below the module
        self.gate_sides: dict[str, tuple[int, ...]] = {}  # a gate's edge -> the sides it may enter by

    # -- grid --------------------------------------------------------------------------------------
    def build(self) -> Layout:
        self._place()
        m = self.m
        # columns wide enough for a layer's label to sit beside the line leaving its box's top
        labels = [width(n.label, m.font * m.layer_label) for n in self.g.of_kind("layer")]
        self.pitch = max([m.column] + [m.box_w / 2 + w + 12 for w in labels])
        if m.bias_inputs:  # and for a bias's line and name right of each box, clear of the next column's inputs
            self.pitch = max(self.pitch, m.box_w + self.bias_reach + width("b_0", m.font * 0.8) + 2 * m.track + 8)
        # the states come in from the left along a lead long enough for their labels: a line that turns
        # just inside the module stays clear of them
        entries = [width(n.label, m.font) for n in self.g.of_kind("state-in")]
        self.lead_in = max([m.lead] + [w + m.track + 6 for w in entries])
        self.x0 = m.pad + self.lead_in + self.pitch  # x of column 0: room for entry labels and a gutter
        self.y0 = m.pad + m.lead + m.row * m.module_above  # y of the top row: room for outputs above the module
        other_states = [s for s in self.g.states if s not in self.conveyors]
        self.lane_y = {s: self.Y(self.bottom) + k * m.row * 0.6 for k, s in enumerate(other_states)}
        self.lane_y.update({s: self.Y(row) for s, row in self.lane_row.items()})
        concats = [n for n in self.g.of_kind("concat")]
        last_lane = max([self.Y(self.bottom)] + list(self.lane_y.values()))
        self.junction_y = {c.id: last_lane + k * m.track * 2 for k, c in enumerate(concats)}
        # the outputs rise right of the last column, clear of an ellipse (tanh) there by a track
        self.out_x, x = {}, self.X(self.max_col) + max(self.pitch / 2, m.ellipse_w / 2 + m.track + 2)
        for o in self.g.of_kind("output"):  # side by side, each with room for its label on the right
            self.out_x[o.id] = x
            x += _terminal_room(o.label, m)
        right = max([self.X(self.max_col) + self.pitch / 2] + list(self.out_x.values())) + m.pad
        self.module = Box((self.X(-1) + right) / 2, 0, right - self.X(-1), 0)
        module_top = self.Y(self.top) - m.row * m.module_above
        module_bottom = max(self.junction_y.values(), default=last_lane) + m.row * m.module_below
        self.module = Box(
            (self.X(-1) + right) / 2, (module_top + module_bottom) / 2, right - self.X(-1), module_bottom - module_top
        )
        shapes = self._shapes()
        self.shape = {s.node: s for s in shapes}
        self.vtracks: dict[tuple[float, str], float] = {}
        wires = self._untangle([self._wire(e) for e in self.g.edges])
        dots = _dots(wires, self.shape)
        labels = self._labels(wires, dots)
        named = self._biases(wires, dots, labels) if m.bias_inputs else []  # where the labels left room
        labels += [label for _, label in named]
        wires += [w for w, _ in named]
        width_ = max([self.module.right + m.lead + m.pad] + [lab.box().right + m.pad for lab in labels])
        height = self.module.bottom + m.lead + m.pad
        return Layout(
            width_, height, self.module, tuple(shapes), tuple(wires), tuple(dots), tuple(labels), streams=self.streams()
        )

    @property
    def bias_reach(self) -> float:
        """How long a bias's line is: an arrowhead and a little."""
        return self.m.arrow + 10

    def X(self, col: float) -> float:
        return self.x0 + col * self.pitch

    def Y(self, row: float) -> float:
        """The y of a row; rows with nothing in them take no room (the top row only when there is a
        conveyor, the op rows only when they hold ops); the layers' row stands ``gate_gap`` lower."""
        used = {r for r, _ in self.taken} | {self.layer_row, self.bottom} | set(self.lane_row.values())
        below = sum(1 for r in used if r < row)
        return self.y0 + below * self.m.row + (self.m.gate_gap if row >= self.layer_row else 0.0)

    def room_needed(self) -> tuple[float, float]:
        """The row and column spacing that would give every track used here room beside the shapes."""
        m = self.m
        h = max((abs(v) for (k, _), v in self.vtracks.items() if k.startswith("h")), default=0.0)
        v = max((abs(v) for (k, _), v in self.vtracks.items() if k.startswith("v")), default=0.0)
        tallest = max(m.box_h, 2 * m.op_r, m.ellipse_h)
        widest = max([m.box_w, m.ellipse_w] + [s.box.w for s in self._occupants()])
        return 2 * (h + tallest / 2 + 3), widest + 2 * (v + 3)

    def _take(self, node: str, row: int, col: int) -> None:
        self.cell[node] = (row, col)
        self.taken[(row, col)] = node
        self.max_col = max(self.max_col, col)

    def _free(self, row: int, col: int) -> bool:
        return (row, col) not in self.taken and 0 <= row

    def _place(self) -> None:
        g = self.g
        feeds_conveyor = _reaches(g, set(self.conveyor))
        next_layer = 0
        layers = g.of_kind("layer")
        if any(n.order is not None for n in layers):  # the spec orders the layers: place them first
            rank = {node_id: k for k, node_id in enumerate(g.order)}
            hinted = sorted(layers, key=lambda n: (n.order if n.order is not None else rank[n.id], rank[n.id]))
            for col, node in enumerate(hinted):
                self._take(node.id, self.layer_row, col)
        for node_id in g.order:
            node = g.node(node_id)
            if node.kind == "layer" and node_id in self.cell:
                continue
            if node.kind == "layer":
                deps = [
                    self.cell[r][1] + 1
                    for r in _through_concats(g, node.reads)
                    if r in self.cell and g.node(r).kind != "layer"
                ]
                col = max([next_layer] + deps)
                self._take(node_id, self.layer_row, col)
                next_layer = col + 1
            elif node.kind == "op":
                self._place_op(node, node_id in feeds_conveyor)

    def _place_op(self, node: Node, upward: bool) -> None:
        placed = [(self.cell[r][1], -self.cell[r][0], r) for r in node.inputs if r in self.cell]
        if node.id in self.conveyor:
            lane = self.row_of_op[node.id]
            col, neg_row, _ = max(placed, default=(0, -self.layer_row, ""))
            if not self._fits(node.id, lane, col, -neg_row):
                col = self.max_col + 1
            self._take(node.id, lane, col)
            return
        lo, hi = self.mid_lo, self.mid_hi
        if not placed:
            self._take(node.id, hi, self.max_col + 1)
            return
        col, neg_row, _ = max(placed)
        row = -neg_row
        if row >= self.layer_row:  # above the layer it reads
            wanted = hi
        elif lo < row <= hi and upward:  # on the way up
            wanted = row - 1
        elif lo <= row < hi and not upward:  # on the way out
            wanted = row + 1
        else:
            wanted = -1
        if wanted >= lo and self._fits(node.id, wanted, col, row):
            self._take(node.id, wanted, col)
        else:
            self._take(node.id, min(max(row, lo), hi), self.max_col + 1)

    def _fits(self, node_id: str, row: int, col: int, input_row: int) -> bool:
        """Whether ``node_id`` may sit at (row, col), straight above or below the input at ``input_row``:
        the place is free, nothing stands between them, and no straight line of that column runs through it."""
        if not self._free(row, col):
            return False
        lo, hi = sorted((row, input_row))
        if any((r, col) in self.taken for r in range(lo + 1, hi)):
            return False
        g = self.g
        for (r1, c1), upper in self.taken.items():
            if c1 != col or r1 >= row:
                continue
            for r2 in range(row + 1, self.bottom):
                lower = self.taken.get((r2, col))
                if lower is not None and lower in g.node(upper).reads:
                    return False
        return True

    # -- shapes ------------------------------------------------------------------------------------
    def _shapes(self) -> list[Shape]:
        m, g = self.m, self.g
        out = []
        for node in g.nodes:
            if node.id in self.cell:
                row, col = self.cell[node.id]
                x, y = self.X(col), self.Y(row)
                if node.kind == "layer":
                    symbol = vocab_symbol(node) or "W"
                    w = max(m.box_w, width(symbol, m.symbol_font) + 12)
                    form = "" if node.bias else "no-bias"
                    out.append(Shape(node.id, node.kind, "box", Box(x, y, w, m.box_h), symbol, form))
                elif node.op == "identity" and node.constant is None:  # a renaming: the line runs on
                    out.append(Shape(node.id, node.kind, "junction", Box(x, y, 0, 0)))
                else:
                    gate = self.roles.gate_of(node.id)
                    symbol, form = vocab_symbol(node), self._form(node, gate)
                    if gate:
                        box = Box(x, y, 2 * m.op_r, 2 * m.op_r)
                        out.append(Shape(node.id, node.kind, "circle", box, symbol, form, gate))
                    elif len(symbol) > 2 and symbol not in ROUND_WORDS:  # a function's name (tanh, exp) or an
                        # op with its number: an ellipse as wide as its text; max and min are circles
                        w = max(m.ellipse_w, width(symbol, m.symbol_font) + 10)
                        box = Box(x, y, w, m.ellipse_h)
                        out.append(Shape(node.id, node.kind, "ellipse", box, symbol, form))
                    else:
                        box = Box(x, y, 2 * m.op_r, 2 * m.op_r)
                        out.append(Shape(node.id, node.kind, "circle", box, symbol, form))
            elif node.kind == "concat":
                out.append(
                    Shape(node.id, node.kind, "junction", Box(self._junction_x(node), self.junction_y[node.id], 0, 0))
                )
            else:
                out.append(Shape(node.id, node.kind, "terminal", self._terminal(node)))
        return out

    def _form(self, node: Node, gate: str | None) -> str:
        """What an op does in the picture: a product with a gate (``gate``), or a sum on the top line."""
        if gate:
            return "gate-product"
        if node.op == "add" and node.id in self.conveyor:
            return "lane-sum"
        return ""

    def _junction_x(self, node: Node) -> float:
        cols = [self.cell[c][1] for c in self.g.consumers[node.id] if c in self.cell]
        return self.X(min(cols, default=0) - 0.5)

    def _terminal(self, node: Node) -> Box:
        """Where an input enters (below), a state enters (left) or leaves (right), an output leaves (top)."""
        m = self.m
        if node.kind == "state-in":
            return Box(self.module.left - self.lead_in, self.lane_y[node.state], 0, 0)
        if node.kind == "state-out":
            return Box(self.module.right + m.lead, self.lane_y[node.state], 0, 0)
        if node.kind == "output":
            return Box(self.out_x[node.id], self.module.top - m.lead, 0, 0)
        return Box(self._input_x()[node.id], self.module.bottom + m.lead, 0, 0)

    def _input_x(self) -> dict[str, float]:
        """Where each input enters below the module: left of its first reader's column, and far
        enough left of the input to its right that this one's label (and the chain view's circle)
        has room."""
        if self.in_x:
            return self.in_x
        wanted = {}
        for node in self.g.of_kind("input"):
            first = self.g.node(self.g.consumers[node.id][0])
            if first.kind == "concat":
                wanted[node.id] = self._junction_x(first)
            else:
                wanted[node.id] = self.X(self.cell[first.id][1] - 0.5) if first.id in self.cell else self.X(-0.5)
        right = None
        for node_id in sorted(wanted, key=lambda n: -wanted[n]):  # from the right
            x = wanted[node_id] if right is None else min(wanted[node_id], right)
            self.in_x[node_id] = x
            right = x - _terminal_room(self.g.node(node_id).label, self.m)
        return self.in_x

    # -- wires -------------------------------------------------------------------------------------
    def _wire(self, edge) -> Wire:  # type: ignore[no-untyped-def]
        src, dst = self.shape[edge.src], self.shape[edge.dst]
        dst_node = self.g.node(edge.dst)
        diagonal = dst_node.kind == "layer" and edge.port >= len(dst_node.inputs)
        if dst.kind == "layer" and not diagonal:
            points = self._into_layer_bottom(src, dst)
        elif diagonal:
            points = self._into_side(src, dst, self.X(self.cell[dst.node][1] - 0.5) - self._track(dst.node, src.node))
        elif dst.shape == "junction":
            points = self._into_junction(src, dst)
        elif dst.kind == "state-out":
            points = self._out_right(src, dst)
        elif dst.kind == "output":
            points = self._out_top(src, dst)
        else:
            points = self._into_op(src, dst)
        if self._blocked(points, src.node, dst.node):
            points = self._safe(src, dst, diagonal)
        points = _simplify(points)
        if src.kind == "input" and len(points) > 2 and abs(points[1].y - points[0].y) < 1e-9:
            # an input first rises into the module: nothing runs along the labels below it
            lift = self.module.bottom - self.m.pad / 2 - self._track("inputs", src.node)
            points = [points[0], Point(points[0].x, lift), Point(points[1].x, lift), *points[2:]]
        lines = [set(ops) | {n.id for n in self.g.states[state]} for state, ops in self.conveyors.items()]
        return Wire(
            edge.id,
            edge.kind,
            edge.src,
            edge.dst,
            tuple(_simplify(points)),
            dst.shape != "junction",
            stream=self._stream(edge.src) or self._own_stream(edge.src),
            lane=any(edge.src in line and edge.dst in line for line in lines),
            diagonal=diagonal,
        )

    def _untangle(self, wires: list[Wire]) -> list[Wire]:
        """The wires, each on a track of its own: those whose paths keep clear of the others stay
        (the top lines first), the rest are routed again on the board (see :mod:`.routing`)."""
        m = self.m
        meet = {}
        for shape in self.shape.values():
            if shape.shape == "junction":  # a concatenation, or a renaming
                node = self.g.node(shape.node)
                meet[Point(shape.box.x, shape.box.y)] = frozenset({node.id, *node.inputs})
        ports = [p for w in wires for p in self._ports(w, "out") + self._ports(w, "in")]
        coordinates = [p for w in wires for p in w.points] + [q for p in ports for q in (p.at, p.beyond)]
        coordinates += [Point(s.box.x, s.box.y) for s in self._occupants()]
        area = Box(self.module.x, self.module.y, self.module.w - 2 * m.track, self.module.h - 2 * m.track)
        solids = [Solid(s.node, s.box) for s in self._occupants()]
        self.gate_sides = self._gate_sides(wires)
        first: list[int] = []  # wires that found no way: next time they go before any other
        for _ in range(4):
            board = Board(area, solids, coordinates, track=m.track, wire=m.wire_width, gap=3.0, meet=meet)
            for w in wires:  # where a line enters or leaves the module, nothing else may run
                for way in ("out", "in"):
                    if self.shape[w.src if way == "out" else w.dst].shape == "terminal":
                        port = self._ports(w, way)[0]
                        board.add(w.src, [port.at, port.beyond], m.lane_width if w.lane else m.wire_width)
                if self.shape[w.dst].shape == "box" and not w.diagonal:  # nor under a layer: its one way in
                    port = self._ports(w, "in")[0]
                    board.add(w.src, [port.at, port.beyond], m.wire_width)
            out, placed = list(wires), set()
            failed = [k for k in first if not self._reroute(board, out, placed, k)]
            pending = []
            # the top lines first, then straight wires (they have no other way), then the rest
            for k in sorted(range(len(wires)), key=lambda k: (not wires[k].lane, len(wires[k].points) > 2)):
                w = wires[k]
                if k in first:
                    continue
                on_side = _side(w.points[-1], self.shape[w.dst].box) in self.gate_sides.get(w.edge, range(4))
                if on_side and board.fits(w.src, w.points, (w.src, w.dst)):
                    board.add(w.src, w.points, m.lane_width if w.lane else m.wire_width)
                    placed.add(k)
                else:
                    pending.append(k)
            failed += [k for k in pending if not self._reroute(board, out, placed, k)]
            if not failed or set(failed) <= set(first):
                break
            # the concatenation's own line first, so that its inputs can merge into it
            first += sorted(set(failed) - set(first), key=lambda k: self.shape[wires[k].src].shape != "junction")
        self.unrouted += len(failed)
        return out

    def _gate_sides(self, wires: list[Wire]) -> dict[str, tuple[int, ...]]:
        """For the line of each gate into its product: the sides it may come in by, across the way
        the stream comes in (a valve's handle stands across its flow)."""
        out: dict[str, tuple[int, ...]] = {}
        for shape in self.shape.values():
            if not shape.gate or not self.m.gate_across:
                continue
            into = [w for w in wires if w.dst == shape.node]
            stream = next((w for w in into if w.src != shape.gate), None)
            gate = next((w for w in into if w.src == shape.gate), None)
            if stream is not None and gate is not None:
                h = _side(stream.points[-1], shape.box)
                out[gate.edge] = ((h + 1) % 4, (h + 3) % 4)
        return out

    def _reroute(self, board: Board, out: list[Wire], placed: set[int], k: int) -> bool:
        """Route wire ``k`` on ``board`` (from its source, or off a placed line of its value) and put
        it there; False if it finds no way."""
        w = out[k]
        tree = [out[n].points for n in sorted(placed) if out[n].src == w.src]
        merge = None
        if self.shape[w.dst].shape == "junction":  # it may join the concatenation's line from the side
            merge = (w.dst, [out[n].points for n in sorted(placed) if out[n].src == w.dst])
        path = board.route(w.src, self._ports(w, "out"), self._ports(w, "in"), tree, (w.src, w.dst), merge)
        if path is None:
            return False
        if merge and path[-1] != board.snap(Point(self.shape[w.dst].box.x, self.shape[w.dst].box.y)):
            board.allow_meeting(path[-1], (w.src, w.dst))
        board.add(w.src, path, self.m.lane_width if w.lane else self.m.wire_width)
        out[k] = dataclasses.replace(w, points=tuple(_simplify(path)))
        placed.add(k)
        return True

    def _ports(self, wire: Wire, way: str) -> list[Port]:
        """Where ``wire`` may leave its source (``way`` "out") or enter its destination ("in")."""
        m = self.m
        node_id = wire.src if way == "out" else wire.dst
        shape = self.shape[node_id]
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
                "state-in": (0, self.module.left),
                "input": (3, self.module.bottom),
                "state-out": (2, self.module.right),
                "output": (1, self.module.top),
            }[shape.kind]
            along = abs((b.x if edge[0] % 2 == 0 else b.y) - edge[1]) + m.track
            return [Port(Point(b.x, b.y), edge[0], along)]
        if shape.shape == "junction":
            return [Port(Point(b.x, b.y), h, m.track) for h in range(4)]
        if shape.shape == "box":
            if way == "out":  # a layer's value leaves from its top; from a side only if it must
                return [Port(sides[3], 3, stub), Port(sides[0], 0, stub, 60.0), Port(sides[2], 2, stub, 60.0)]
            if wire.diagonal:  # elementwise weights come in at a side (below is the matrix's input),
                long = stub + 3 * m.wire_width  # straight for long enough to carry its ⊙ clear of others
                return [Port(sides[2], 2, long), Port(sides[0], 0, long)]
            return [Port(sides[1], 1, stub)]
        order = (0, 3, 1, 2) if way == "out" else (2, 1, 3, 0)
        if way == "in" and wire.edge in self.gate_sides:
            order = tuple(h for h in (1, 3, 2, 0) if h in self.gate_sides[wire.edge])
        return [Port(sides[h], h, stub) for h in order]

    def _stream(self, node_id: str) -> str:
        """The state whose value leaves ``node_id``, if any: its old value, or its new one."""
        node = self.g.node(node_id)
        if node.kind == "state-in":
            return node.state
        for state, ops in self.conveyors.items():
            if node_id in ops:
                return state
        writes = [c for c in self.g.consumers[node_id] if self.g.node(c).kind == "state-out"]
        return self.g.node(writes[0]).state if writes else ""

    def _own_stream(self, node_id: str) -> str:
        """An input, or a gate layer, is a stream of its own (the pipe style colours each)."""
        node = self.g.node(node_id)
        gate = node.kind == "layer" and is_gate(self.g, node_id)
        return node_id if node.kind == "input" or gate else ""

    def streams(self) -> tuple[str, ...]:
        """The streams in the order their colours are given: states, inputs, then gates."""
        gates = [n.id for n in self.g.of_kind("layer") if is_gate(self.g, n.id)]
        return (*self.g.states, *(n.id for n in self.g.of_kind("input")), *gates)

    def _blocked(self, points: list[Point], *ends: str) -> bool:
        return any(
            s.box.crossed_by(a, b) for a, b in zip(points, points[1:]) for s in self._occupants() if s.node not in ends
        )

    def _gutter(self, x: float, side: int) -> float:
        """The gutter beside a column at ``x`` (side -1: left, +1: right)."""
        return x + side * self.pitch / 2

    def _safe(self, src: Shape, dst: Shape, diagonal: bool) -> list[Point]:
        """A route that cannot cross a node: out to the gutter beside the source, along the channel
        between rows next to the destination, down or up the gutter beside it, and in."""
        s, b, m = src.box, dst.box, self.m
        if src.shape in ("terminal", "junction"):
            start = Point(s.x, s.y)
            g1 = self._gutter(self.X(-1), 1) if src.kind == "state-in" else s.x
        else:
            start = Point(s.right, s.y)
            g1 = self._gutter(s.x, 1)
        g1 += self._track(f"v{round(g1)}", src.node) if src.kind != "input" else 0
        if dst.kind == "output":
            y = self.Y(self.top) - m.row / 2
            y += self._track(f"h{round(y)}", src.node)
            return [start, Point(g1, start.y), Point(g1, y), Point(b.x, y), Point(b.x, b.y)]
        if dst.kind == "state-out":
            g2 = self._gutter(self.X(self.max_col), 1)
            g2 += self._track(f"v{round(g2)}", src.node)
            y = b.y - m.row / 2
            y += self._track(f"h{round(y)}", src.node)
            return [start, Point(g1, start.y), Point(g1, y), Point(g2, y), Point(g2, b.y), Point(b.x, b.y)]
        if dst.shape == "junction":
            y = b.y - m.track * 1.5
            return [start, Point(g1, start.y), Point(g1, y), Point(b.x, y), Point(b.x, b.y)]
        if dst.kind == "layer" and not diagonal:
            y = b.y + m.row / 2
            y += self._track(f"h{round(y)}", src.node)
            return [start, Point(g1, start.y), Point(g1, y), Point(b.x, y), Point(b.x, b.bottom)]
        g2 = self._gutter(b.x, -1)
        g2 += self._track(f"v{round(g2)}", src.node)
        y = b.y - m.row / 2
        y += self._track(f"h{round(y)}", src.node)
        return [start, Point(g1, start.y), Point(g1, y), Point(g2, y), Point(g2, b.y), Point(b.left, b.y)]

    def _track(self, key: str, src: str) -> float:
        """The offset of ``src``'s own track in the gutter or channel ``key``: 0, +t, -t, +2t, ..."""
        if (key, src) not in self.vtracks:
            k = sum(1 for (k_, _) in self.vtracks if k_ == key)
            self.vtracks[(key, src)] = (k + 1) // 2 * self.m.track * (1 if k % 2 else -1)
        return self.vtracks[(key, src)]

    def _start(self, src: Shape, toward: Point) -> Point:
        """Where a wire leaves its source, heading toward ``toward``."""
        b = src.box
        if src.shape in ("terminal", "junction"):
            return Point(b.x, b.y)
        if toward.y < b.top:
            return Point(b.x, b.top)
        if toward.y > b.bottom:
            return Point(b.x, b.bottom)
        return Point(b.right if toward.x >= b.x else b.left, b.y)

    def _lane_below_layers(self) -> float:
        return (self.Y(self.layer_row) + self.Y(self.bottom)) / 2

    def _into_layer_bottom(self, src: Shape, dst: Shape) -> list[Point]:
        b, s = dst.box, src.box
        end = Point(b.x, b.bottom)
        if src.shape == "junction":
            return [Point(s.x, s.y), Point(b.x, s.y), end]
        if src.kind == "input":  # up into the module, along a channel of its own, up into the layer
            y = self.module.bottom - self.m.pad / 2 - self._track("inputs", src.node)
            return [Point(s.x, s.y), Point(s.x, y), Point(b.x, y), end]
        # from above or beside: to a gutter (the first one, for a state entering on the left),
        # down below the layers, across, up
        y = self._lane_below_layers() + self._track("below", src.node)
        if src.shape == "terminal":
            gutter = self.X(-0.5) - self.m.track * 2 - self._track("entry", src.node)
            return [Point(s.x, s.y), Point(gutter, s.y), Point(gutter, y), Point(b.x, y), end]
        gutter = s.x + self.pitch / 2 + self._track(f"v{round(s.x + self.pitch / 2)}", src.node)
        return [Point(s.right, s.y), Point(gutter, s.y), Point(gutter, y), Point(b.x, y), end]

    def _into_side(self, src: Shape, dst: Shape, gutter: float) -> list[Point]:
        """Along the source's row to a gutter left of ``dst``, then to its left side; when something
        stands in that row, drop into the channel below the row first and run along it."""
        s, b = src.box, dst.box
        start = Point(s.x, s.y)
        if src.shape not in ("terminal", "junction"):
            if b.y < s.top:  # a value goes up: leave from the top and turn just above the source
                y = s.top - self.m.track - self._track(f"a{s.y}", src.node)
                if self._row_clear(y, s.x, gutter, src.node, dst.node):
                    return [Point(s.x, s.top), Point(s.x, y), Point(gutter, y), Point(gutter, b.y), Point(b.left, b.y)]
            start = Point(s.right if gutter > s.x else s.left, s.y)
        if self._row_clear(s.y, start.x, gutter, src.node, dst.node):
            return [start, Point(gutter, s.y), Point(gutter, b.y), Point(b.left, b.y)]
        a, z = Point(min(start.x, gutter), s.y), Point(max(start.x, gutter), s.y)
        first = min(o.box.x for o in self._occupants() if o.node not in (src.node, dst.node) and o.box.crossed_by(a, z))
        drop = first - self.pitch / 2  # the gutter before the first thing in the way
        channel = s.y + self.m.row / 2 + self._track(f"c{s.y}", src.node) * (1 if b.y > s.y else -1)
        return [
            start,
            Point(drop, s.y),
            Point(drop, channel),
            Point(gutter, channel),
            Point(gutter, b.y),
            Point(b.left, b.y),
        ]

    def _into_junction(self, src: Shape, dst: Shape) -> list[Point]:
        s, j = src.box, dst.box
        if src.kind == "input":
            if abs(s.x - j.x) < 1e-6:
                return [Point(s.x, s.y), Point(j.x, j.y)]
            y = j.y + self.m.track * 1.5
            first_junction = self.shape[self.g.consumers[src.node][0]].box
            y = max(first_junction.y, j.y) + self.m.track
            return [Point(s.x, s.y), Point(s.x, y), Point(j.x, y), Point(j.x, j.y)]
        if src.kind == "state-in":
            if abs(s.y - j.y) < 1e-6:
                return [Point(s.x, s.y), Point(j.x, j.y)]
            gutter = j.x - self.m.track * 2
            return [Point(s.x, s.y), Point(gutter, s.y), Point(gutter, j.y), Point(j.x, j.y)]
        gutter = s.x + self.pitch / 2 + self._track(f"v{round(s.x + self.pitch / 2)}", src.node)
        if gutter > j.x:
            gutter = j.x
        return [Point(s.right, s.y), Point(gutter, s.y), Point(gutter, j.y), Point(j.x, j.y)]

    def _out_right(self, src: Shape, dst: Shape) -> list[Point]:
        s, e = src.box, dst.box
        if abs(s.y - e.y) < 1e-6:
            return [self._start(src, Point(e.x, e.y)), Point(e.x, e.y)]
        if src.shape == "box":  # a layer's value leaves from its top, then turns right and down
            y = s.top - self.m.track - self._track(f"a{s.y}", src.node)
            gutter = s.x + self.pitch / 2 + self._track(f"v{round(s.x + self.pitch / 2)}", src.node)
            shown = [self.out_x[o] for o in self.g.consumers[src.node] if o in self.out_x]
            gutter = shown[0] if shown else gutter  # down the line that rises to the output: one fork
            return [Point(s.x, s.top), Point(s.x, y), Point(gutter, y), Point(gutter, e.y), Point(e.x, e.y)]
        if self._column_clear(s.x, s.y, e.y, src.node):
            return [self._start(src, Point(s.x, e.y)), Point(s.x, e.y), Point(e.x, e.y)]
        gutter = s.x + self.pitch / 2 + self._track(f"v{round(s.x + self.pitch / 2)}", src.node)
        return [Point(s.right, s.y), Point(gutter, s.y), Point(gutter, e.y), Point(e.x, e.y)]

    def _out_top(self, src: Shape, dst: Shape) -> list[Point]:
        e = dst.box
        outs = [n for n in self.g.consumers[src.node] if self.g.node(n).kind == "state-out"]
        if outs and self.shape[outs[0]].box.y > src.box.y:  # follow the state out, fork up at the edge
            path = self._out_right(src, self.shape[outs[0]])
            lane_y = path[-1].y
            return path[:-1] + [Point(e.x, lane_y), Point(e.x, e.y)]
        s = src.box
        start = self._start(src, Point(e.x, s.y))
        if src.shape != "terminal":
            start = Point(s.right, s.y)
        return [start, Point(e.x, s.y), Point(e.x, e.y)]

    def _into_op(self, src: Shape, dst: Shape) -> list[Point]:
        s, b = src.box, dst.box
        if src.shape == "terminal" and src.kind == "input":
            gutter = b.x - self.pitch / 2 + self._track(f"v{round(b.x - self.pitch / 2)}", src.node)
            y = self.module.bottom - self.m.pad / 2
            return [Point(s.x, s.y), Point(s.x, y), Point(gutter, y), Point(gutter, b.y), Point(b.left, b.y)]
        if abs(s.y - b.y) < 1e-6 and self._row_clear(s.y, s.x, b.x, src.node, dst.node):
            a = Point(s.x, s.y) if src.shape == "terminal" else Point(s.right if b.x > s.x else s.left, s.y)
            return [a, Point(b.left if b.x > s.x else b.right, b.y)]
        if abs(s.x - b.x) < 1e-6 and self._column_clear(s.x, s.y, b.y, src.node, dst.node):
            return [Point(s.x, s.top), Point(b.x, b.bottom)] if s.y > b.y else [Point(s.x, s.bottom), Point(b.x, b.top)]
        if dst.node in self.conveyor and s.y > b.y and src.node not in self.conveyor:
            # an op on a top line takes the line from the left: anything else comes up into its bottom,
            # along a channel of its own just below the line (never along the line's own track)
            y = b.bottom + self.m.track + self._track(f"u{round(b.y)}", src.node)
            start = Point(s.x, s.y) if src.shape == "terminal" else Point(s.x, s.top)
            route = [start, Point(s.x, y), Point(b.x, y), Point(b.x, b.bottom)]
            if not self._blocked(route, src.node, dst.node):
                return route
        if (
            s.x < b.x
            and s.y > b.y
            and self._column_clear(s.x, s.y, b.y, src.node)
            and self._row_clear(b.y, s.x, b.x, src.node, dst.node)
        ):  # up, then into its left side
            start = Point(s.x, s.y) if src.shape == "terminal" else Point(s.x, s.top)
            return [start, Point(s.x, b.y), Point(b.left, b.y)]
        if (
            s.x < b.x
            and s.y < b.y
            and self._row_clear(s.y, s.x, b.x, src.node)
            and self._column_clear(b.x, s.y, b.y, src.node, dst.node)
        ):  # along, then down into its top
            start = Point(s.x, s.y) if src.shape == "terminal" else Point(s.right, s.y)
            return [start, Point(b.x, s.y), Point(b.x, b.top)]
        return self._into_side(
            src, dst, b.x - self.pitch / 2 + self._track(f"v{round(b.x - self.pitch / 2)}", src.node)
        )

    def _occupants(self) -> Iterable[Shape]:
        return (s for s in self.shape.values() if s.shape in ("box", "circle", "ellipse"))

    def _row_clear(self, y: float, x1: float, x2: float, *ends: str) -> bool:
        a, b = Point(min(x1, x2), y), Point(max(x1, x2), y)
        return not any(s.box.crossed_by(a, b) for s in self._occupants() if s.node not in ends)

    def _column_clear(self, x: float, y1: float, y2: float, *ends: str) -> bool:
        a, b = Point(x, min(y1, y2)), Point(x, max(y1, y2))
        return not any(s.box.crossed_by(a, b) for s in self._occupants() if s.node not in ends)

    # -- biases, as inputs of their own (Shi Yan's networks read b_0, b_1, ...) ---------------------
    def _biases(self, wires: list[Wire], dots: list[Dot], labels: list[Label]) -> list[tuple[Wire, Label]]:
        """A short line into each layer with a bias, named b_0, b_1, ... in layer order at its open
        end: from the layer's right or left side, down into its top or up into its bottom, the first
        where the line crosses nothing and its name finds a clear place (a shorter line where a long
        one finds none). A layer with no such side keeps its "+b"."""
        m, f, out = self.m, self.m.font * 0.8, []
        segments = [(a, b) for w in wires for a, b in zip(w.points, w.points[1:])]
        solid = self._obstacles(wires, dots)
        ends = {(round(w.points[-1].x, 2), round(w.points[-1].y, 2)) for w in wires}
        ends |= {(round(w.points[0].x, 2), round(w.points[0].y, 2)) for w in wires}
        for k, node in enumerate(n for n in self.g.of_kind("layer") if n.bias):
            b, name = self.shape[node.id].box, f"b_{{{k}}}" if k > 9 else f"b_{k}"
            sides = [
                side
                for r in (self.bias_reach, m.arrow + 4)
                for side in (
                    (Point(b.right + r, b.y), Point(b.right, b.y)),
                    (Point(b.left - r, b.y), Point(b.left, b.y)),
                    (Point(b.right - 8, b.top - r), Point(b.right - 8, b.top)),
                    (Point(b.left + 8, b.top - r), Point(b.left + 8, b.top)),
                    (Point(b.right - 8, b.bottom + r), Point(b.right - 8, b.bottom)),
                    (Point(b.left + 8, b.bottom + r), Point(b.left + 8, b.bottom)),
                )
            ]
            for start, end in sides:
                if (round(end.x, 2), round(end.y, 2)) in ends or self._blocked([start, end], node.id):
                    continue
                band = _band(start, end, m.wire_width * 4)
                named = labels + [lab for _, lab in out]
                if any(band.crossed_by(a, z) for a, z in segments) or any(band.overlaps(lab.box()) for lab in named):
                    continue
                wire = Wire(f"{node.id}.bias", "bias", "", node.id, (start, end))
                options = [Label(node.id, name, x, y, anchor, f) for x, y, anchor in _bias_name_places(wire, f, m)]
                head = _heads([wire], m.arrow)
                best, crowded = place(options, segments + [(start, end)], solid + head, named, m.wire_width / 2 + 1.5)
                if not crowded:
                    segments.append((start, end))
                    solid += head
                    out.append((wire, best))
                    break
        return out

    def _obstacles(self, wires: list[Wire], dots: list[Dot]) -> list[Box]:
        """What a label must keep clear of besides lines: the shapes, the junction dots, the arrowheads."""
        solid = [s.box for s in self._occupants()] + [Box(d.at.x, d.at.y, 7.0, 7.0) for d in dots]
        return solid + _heads(wires, self.m.arrow)

    # -- labels ------------------------------------------------------------------------------------
    def _labels(self, wires: list[Wire], dots: list[Dot]) -> list[Label]:
        """Labels where they are read: at the ends of the lines entering and leaving the module, and
        beside each layer's output; each at the first candidate place that is clear of the rest
        (of shapes, junction dots, and wires as thick as they are drawn)."""
        f, out, m = self.m.font, [], self.m
        segments = [(a, b) for w in wires if not w.lane for a, b in zip(w.points, w.points[1:])]
        solid = self._obstacles(wires, dots)
        solid += [_band(a, b, m.lane_width) for w in wires if w.lane for a, b in zip(w.points, w.points[1:])]
        for shape in self.shape.values():
            node = self.g.node(shape.node)
            b = shape.box
            if not node.label or node.kind in ("op", "concat"):
                continue
            on_top = node.state in self.conveyors
            gap = (m.lane_width if on_top else m.wire_width) / 2 + 3
            drop = Label(node.id, node.label, 0, 0, "start", f).box().bottom  # a subscript hangs down
            above, below = b.y - gap - drop, b.y + gap + f * 0.78
            if node.kind == "state-in":
                candidates = [(b.x, above, "start"), (b.x, below, "start")]
            elif node.kind == "state-out":
                candidates = [
                    (b.x - m.arrow - 4, above, "end"),  # clear of the arrowhead
                    (b.x - m.arrow - 4, below, "end"),
                    (b.x + 6, b.y + f * 0.35, "start"),  # or beyond its tip
                ]
            elif node.kind == "input":
                candidates = [(b.x - 5, b.y, "end"), (b.x + 5, b.y, "start")]
            elif node.kind == "output":  # beside the line, below its arrowhead
                beside = m.wire_width / 2 + 3
                candidates = [(b.x + beside, b.y + m.arrow + f, "start"), (b.x - beside, b.y + m.arrow + f, "end")]
            else:  # a layer: beside the line leaving its top, else beside the box
                size = f * m.layer_label
                hangs = Label(node.id, node.label, 0, 0, "start", size).box().bottom  # its subscript
                beside = m.arrow * 0.55 + 2  # clear of an arrowhead, should the line end just above
                candidates = [
                    (b.x - beside, b.top - 3 - hangs, "end"),
                    (b.x + beside, b.top - 3 - hangs, "start"),
                    (b.left - 3, b.y + size * 0.35, "end"),
                    (b.right + 3, b.y + size * 0.35, "start"),
                    (b.left - 3, b.top - 3, "end"),
                    (b.right + 3, b.top - 3, "start"),
                    (b.left - 3, b.bottom + size, "end"),
                    (b.right + 3, b.bottom + size, "start"),
                    (b.x, b.bottom + size + 2, "middle"),
                    (b.x, b.top - size * 1.2, "middle"),
                ]
                # and each one, two and three tracks further out, for a layer the router has surrounded
                # with lines (a label beyond them still sits by its box: nothing else is nearer)
                near = list(candidates)
                for k in (1, 2, 3):
                    out_by = {"end": (-m.track * k, 0.0), "start": (m.track * k, 0.0)}
                    candidates += [
                        (
                            x + out_by.get(a, (0.0, 0.0))[0],
                            y + (0.0 if a in out_by else m.track * k * (1 if y > b.y else -1)),
                            a,
                        )
                        for x, y, a in near
                    ]
            size = f * m.layer_label if node.kind == "layer" else f
            options = [Label(node.id, node.label, x, y, anchor, size) for x, y, anchor in candidates]
            # a pixel more than half a wire: width() may err by one
            best, crowded = place(options, segments, solid, out, clearance=m.wire_width / 2 + 1.5)
            if crowded and node.kind == "layer":  # no room: the same places, a fifth smaller
                options = [dataclasses.replace(o, size=o.size * 0.8) for o in options]
                best, crowded = place(options, segments, solid, out, clearance=m.wire_width / 2 + 1.5)
            self.crowded += crowded
            out.append(best)
        return out


def place(
    options: list[Label],
    segments: list[tuple[Point, Point]],
    solid: list[Box],
    placed: list[Label],
    clearance: float = 0.0,
) -> tuple[Label, bool]:
    """The first of ``options`` clear of wires (by ``clearance`` at least), shapes and labels placed
    already, else the least crowded; and whether it had to settle for a crowded place."""
    others = [o.box() for o in placed]

    def clashes(label: Label) -> int:
        box = label.box()
        wide = Box(box.x, box.y, box.w + 2 * clearance, box.h + 2 * clearance)
        return (
            sum(wide.crossed_by(a, z, inset=0) for a, z in segments)
            + sum(box.overlaps(o) for o in solid)
            + sum(box.overlaps(o, gap=0.25 * label.size) for o in others)  # apart: not read as one
        )

    counted = []
    for option in options:
        n = clashes(option)
        if n == 0:
            return option, False
        counted.append(n)
    return options[counted.index(min(counted))], True


def _side(end: Point, box: Box) -> int:
    """The side of ``box`` that ``end`` lies on, as the heading away from it (0 right, 1 below,
    2 left, 3 above)."""
    dx, dy = end.x - box.x, end.y - box.y
    if abs(dx) * box.h > abs(dy) * box.w:
        return 0 if dx > 0 else 2
    return 1 if dy > 0 else 3


def _bias_name_places(wire: Wire, f: float, m: Metrics) -> list[tuple[float, float, str]]:
    """Where a bias's name may stand, best first: (x, baseline, anchor) at the open end ``p`` of
    its line, beyond the end, else beside it."""
    p, q = wire.points
    beside = m.arrow * 0.55 + 2
    if p.y == q.y:  # from a side
        anchor, dx = ("start", 3) if p.x > q.x else ("end", -3)
        return [
            (p.x + dx, p.y + f * 0.35, anchor),
            (p.x, p.y - beside - 3, "middle"),
            (p.x, p.y + f + beside, "middle"),
        ]
    if p.y < q.y:  # from above
        return [(p.x, p.y - 4, "middle"), (p.x + beside, p.y + f, "start"), (p.x - beside, p.y + f, "end")]
    return [(p.x, p.y + f + 2, "middle"), (p.x + beside, p.y, "start"), (p.x - beside, p.y, "end")]  # from below


def _heads(wires: list[Wire], arrow: float) -> list[Box]:
    """The room each arrowhead takes at the end of its line (as long as ``arrow``, as wide again)."""
    out = []
    for w in wires:
        if w.arrow and len(w.points) >= 2:
            tip, before = w.points[-1], w.points[-2]
            dx, dy = _direction(before, tip)
            out.append(Box(tip.x - dx * arrow / 2, tip.y - dy * arrow / 2, arrow * 1.2, arrow * 1.2))
    return out


def _terminal_room(label: str, m: Metrics) -> float:
    """How far apart inputs (or outputs) stand: room for the label beside the line, and for the
    circle the chain view draws each in (``m.port_r``) with its label inside."""
    return max(m.port_r * 2 + 8, width(label, m.font) + 12)


def _band(a: Point, b: Point, thick: float) -> Box:
    """The room an orthogonal segment drawn ``thick`` takes."""
    return Box((a.x + b.x) / 2, (a.y + b.y) / 2, abs(a.x - b.x) + thick, abs(a.y - b.y) + thick)


def _reaches(graph: CellGraph, targets: set[str]) -> set[str]:
    """Nodes from which some node of ``targets`` can be reached."""
    out: set[str] = set()
    for node_id in reversed(graph.order):
        if any(c in targets or c in out for c in graph.consumers[node_id]):
            out.add(node_id)
    return out


def _through_concats(graph: CellGraph, ids: Iterable[str]) -> list[str]:
    out = []
    for i in ids:
        node = graph.node(i)
        out.extend(_through_concats(graph, node.inputs) if node.kind == "concat" else [i])
    return out


def _simplify(points: list[Point]) -> list[Point]:
    """Round to hundredths of a pixel; drop repeated points and points inside a straight run."""
    out: list[Point] = []
    for p in (Point(round(p.x, 2), round(p.y, 2)) for p in points):
        if out and abs(out[-1].x - p.x) < 1e-9 and abs(out[-1].y - p.y) < 1e-9:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a.x - b.x) < 1e-9 and abs(b.x - p.x) < 1e-9) or (abs(a.y - b.y) < 1e-9 and abs(b.y - p.y) < 1e-9):
                out[-1] = p
                continue
        out.append(p)
    return out


def _dots(wires: list[Wire], shapes: dict[str, Shape]) -> list[Dot]:
    """A dot wherever two wires of one source part ways away from the source itself."""
    by_src: dict[str, list[Wire]] = {}
    for w in wires:
        by_src.setdefault(w.src, []).append(w)
    out: dict[tuple[float, float], Dot] = {}
    for src, group in by_src.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                fork = _fork(a.points, b.points)
                if fork is not None and fork != a.points[0]:
                    out.setdefault((round(fork.x, 3), round(fork.y, 3)), Dot(src, fork))
    return list(out.values())


def _fork(p: tuple[Point, ...], q: tuple[Point, ...]) -> Point | None:
    """Where two polylines that start together part ways (None if they start apart)."""
    if p[0] != q[0]:
        return None
    at = p[0]
    i = j = 1
    while i < len(p) and j < len(q):
        dp = _direction(at, p[i])
        dq = _direction(at, q[j])
        if dp != dq:
            return at
        nxt = p[i] if _dist(at, p[i]) <= _dist(at, q[j]) else q[j]
        at = nxt
        if at == p[i]:
            i += 1
        if at == q[j]:
            j += 1
    return at


def _direction(a: Point, b: Point) -> tuple[int, int]:
    return ((b.x > a.x) - (b.x < a.x), (b.y > a.y) - (b.y < a.y))


def _dist(a: Point, b: Point) -> float:
    return abs(a.x - b.x) + abs(a.y - b.y)
