"""Place, the cell layout's first stage: the row and column of every node, the x and y they stand
for, and the shape drawn at each.

Rows, top to bottom: the conveyor (the state that only passes through pointwise ops, the cell
state of an LSTM; a stacked cell has one such line a layer, each a row lower), rows for the other
ops, the row of layers, and the bottom lane where the other states enter and vectors are joined (a
cell whose only state no op carries, the simple RNN's h, takes it in and out along the top row, as
colah draws it). With ``Metrics.line_in_middle`` the ops and layers that only read the cell state
(the output gate and its product) take the rows above its line instead, mirrored, so that the line
runs through the middle as in Shi Yan's conventional diagram.
Columns follow evaluation order: each layer takes the next column; an op sits above the layer or
op it reads when that place is free (the forget × above σ_f, the + above the ×), further down
when it leads out of the cell (tanh(C_t), then the output ×), or else in a new column on the
right. The wires (:mod:`.sketch`, :mod:`.untangle`) and the labels (:mod:`.labels`) follow.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Iterable, Mapping

from ..mathtext import width
from ..spec.graph import CellGraph, Node
from ..spec.roles import CellRoles, roles
from ..spec.vocab import ROUND_WORDS
from ..spec.vocab import symbol as vocab_symbol
from .geometry import Box, Point, Shape
from .metrics import Metrics

#: Rows between the top lines and the layers, for ops that are on neither.
MID_ROWS = 2


@dataclasses.dataclass(frozen=True)
class Rows:
    """The rows of a cell with ``lines`` top lines: one a line, then the ops' rows, the layers' row
    and the bottom lane."""

    lines: int

    @property
    def mid_lo(self) -> int:
        return max(1, self.lines)

    @property
    def mid_hi(self) -> int:
        return self.mid_lo + MID_ROWS - 1

    @property
    def layers(self) -> int:
        return self.mid_hi + 1

    @property
    def bottom(self) -> int:
        return self.layers + 1


@dataclasses.dataclass(frozen=True)
class Lattice:
    """The x of each column and the y of each row. Rows with nothing in them take no room (the top
    row only when there is a conveyor, the op rows only when they hold ops); the layers' row stands
    ``gate_gap`` lower."""

    x0: float
    y0: float
    pitch: float
    row: float
    gate_gap: float
    layers: int
    used: frozenset[int]

    def x(self, col: float) -> float:
        return self.x0 + col * self.pitch

    def y(self, row: float) -> float:
        below = sum(1 for r in self.used if r < row)
        return self.y0 + below * self.row + (self.gate_gap if row >= self.layers else 0.0)


@dataclasses.dataclass(frozen=True, eq=False)
class Grid:
    """Where everything of one cell stands: its nodes' rows and columns, the lanes of its states, the
    module's outline and the shapes. Read by the later stages, never changed by them."""

    graph: CellGraph
    m: Metrics
    roles: CellRoles
    rows: Rows
    cell: Mapping[str, tuple[int, int]]  # node -> (row, col)
    lattice: Lattice
    lead_in: float  # how far left of the module the states come in
    lane_y: Mapping[str, float]  # state -> the y of its lane
    out_x: Mapping[str, float]  # output -> the x where it rises out of the module
    module: Box
    shapes: tuple[Shape, ...]

    @functools.cached_property
    def conveyors(self) -> Mapping[str, tuple[str, ...]]:
        """State -> the ops along its top line, the main one first."""
        return types.MappingProxyType(dict(self.roles.state_lines))

    @functools.cached_property
    def conveyor(self) -> frozenset[str]:
        """Every op on a top line."""
        return frozenset(op for _, ops in self.roles.state_lines for op in ops)

    @property
    def pitch(self) -> float:
        return self.lattice.pitch

    @property
    def max_col(self) -> int:
        return max((col for _, col in self.cell.values()), default=-1)

    @functools.cached_property
    def shape(self) -> Mapping[str, Shape]:
        return types.MappingProxyType({s.node: s for s in self.shapes})

    @functools.cached_property
    def occupants(self) -> tuple[Shape, ...]:
        """The shapes wires must go around (junctions and terminals are ends, not obstacles)."""
        return tuple(s for s in self.shapes if s.shape in ("box", "circle", "ellipse"))

    def X(self, col: float) -> float:
        return self.lattice.x(col)

    def Y(self, row: float) -> float:
        return self.lattice.y(row)

    def gutter(self, x: float, side: int) -> float:
        """The gutter beside a column at ``x`` (side -1: left, +1: right)."""
        return x + side * self.pitch / 2

    def blocked(self, points: Iterable[Point], *ends: str) -> bool:
        """Whether the polyline runs through a shape other than ``ends``."""
        points = list(points)
        return any(
            s.box.crossed_by(a, b) for a, b in zip(points, points[1:]) for s in self.occupants if s.node not in ends
        )

    def row_clear(self, y: float, x1: float, x2: float, *ends: str) -> bool:
        return not self.blocked([Point(min(x1, x2), y), Point(max(x1, x2), y)], *ends)

    def column_clear(self, x: float, y1: float, y2: float, *ends: str) -> bool:
        return not self.blocked([Point(x, min(y1, y2)), Point(x, max(y1, y2))], *ends)


def place(graph: CellGraph, m: Metrics) -> Grid:
    """Every node of ``graph`` given its row, column and shape, at the spacing of ``m``."""
    cell_roles = roles(graph)
    conveyors = dict(cell_roles.state_lines)
    rows = Rows(len(conveyors))
    cell = _cells(graph, conveyors, rows)
    if m.line_in_middle and len(conveyors) == 1:  # what leaves the cell state goes above its line
        after = set(cell) - _reaches(graph, set(next(iter(conveyors.values()))))
        cell = {n: (-row if n in after else row, col) for n, (row, col) in cell.items()}
    max_col = max((col for _, col in cell.values()), default=-1)
    # columns wide enough for a layer's label to sit beside the line leaving its box's top
    labels = [width(n.label, m.font * m.layer_label) for n in graph.of_kind("layer")]
    pitch = max([m.column] + [m.box_w / 2 + w + m.layer_label_room for w in labels])
    if m.bias_inputs:  # and for a bias's line and name right of each box, clear of the next column's inputs
        pitch = max(pitch, m.box_w + bias_reach(m) + width("b_0", m.font * m.bias_label) + 2 * m.track + m.bias_room)
    # the states come in from the left along a lead long enough for their labels: a line that turns
    # just inside the module stays clear of them
    entries = [width(n.label, m.font) for n in graph.of_kind("state-in")]
    lead_in = max([m.lead] + [w + m.track + m.label_margin for w in entries])
    lane_row = {state: k for k, state in enumerate(conveyors)}  # the top rows, one a state
    if not conveyors and len(graph.states) == 1:  # a lone state no op carries runs above the layers
        lane_row = {next(iter(graph.states)): 0}
    used = frozenset({r for r, _ in cell.values()} | {rows.layers, rows.bottom} | set(lane_row.values()))
    lattice = Lattice(
        x0=m.pad + lead_in + pitch,  # room for entry labels and a gutter
        y0=m.pad + m.lead + m.row * m.module_above,  # room for outputs above the module
        pitch=pitch,
        row=m.row,
        gate_gap=m.gate_gap,
        layers=rows.layers,
        used=used,
    )
    X, Y = lattice.x, lattice.y
    other_states = [s for s in graph.states if s not in lane_row]
    lane_y = {s: Y(rows.bottom) + k * m.row * m.state_lanes for k, s in enumerate(other_states)}
    lane_y.update({s: Y(row) for s, row in lane_row.items()})
    last_lane = max([Y(rows.bottom)] + list(lane_y.values()))
    junction_y = {c.id: last_lane + k * m.track * 2 for k, c in enumerate(graph.of_kind("concat"))}
    # the outputs rise right of the last column, clear of an ellipse (tanh) there by a track
    out_x, x = {}, X(max_col) + max(pitch / 2, m.ellipse_w / 2 + m.track + m.nudge)
    for o in graph.of_kind("output"):  # side by side, each with room for its label on the right
        out_x[o.id] = x
        x += terminal_room(o.label, m)
    right = max([X(max_col) + pitch / 2] + list(out_x.values())) + m.pad
    module_top = Y(min([0] + [r for r, _ in cell.values()])) - m.row * m.module_above
    module_bottom = max(junction_y.values(), default=last_lane) + m.row * m.module_below
    module = Box((X(-1) + right) / 2, (module_top + module_bottom) / 2, right - X(-1), module_bottom - module_top)
    frozen = types.MappingProxyType
    grid = Grid(graph, m, cell_roles, rows, frozen(cell), lattice, lead_in, frozen(lane_y), frozen(out_x), module, ())
    return dataclasses.replace(grid, shapes=tuple(_shapes(grid, junction_y)))


def bias_reach(m: Metrics) -> float:
    """How long a bias's line is: an arrowhead and a little."""
    return m.arrow + m.bias_length


def terminal_room(label: str, m: Metrics) -> float:
    """How far apart inputs (or outputs) stand: room for the label beside the line, and for the
    circle the chain view draws each in (``m.port_r``) with its label inside."""
    return max(m.port_r * 2 + m.port_gap, width(label, m.font) + m.terminal_room)


# -- rows and columns ------------------------------------------------------------------------------
def _cells(graph: CellGraph, conveyors: Mapping[str, tuple[str, ...]], rows: Rows) -> dict[str, tuple[int, int]]:
    """Node -> (row, col): the layers in evaluation order (or the spec's), each op by what it reads."""
    cells = _Cells(graph, conveyors, rows)
    feeds_conveyor = _reaches(graph, set(cells.row_of_op))
    next_layer = 0
    layers = graph.of_kind("layer")
    if any(n.order is not None for n in layers):  # the spec orders the layers: place them first
        rank = {node_id: k for k, node_id in enumerate(graph.order)}
        hinted = sorted(layers, key=lambda n: (n.order if n.order is not None else rank[n.id], rank[n.id]))
        for col, node in enumerate(hinted):
            cells.take(node.id, rows.layers, col)
    for node_id in graph.order:
        node = graph.node(node_id)
        if node.kind == "layer" and node_id in cells.cell:
            continue
        if node.kind == "layer":
            deps = [
                cells.cell[r][1] + 1
                for r in _through_concats(graph, node.reads)
                if r in cells.cell and graph.node(r).kind != "layer"
            ]
            col = max([next_layer] + deps)
            cells.take(node_id, rows.layers, col)
            next_layer = col + 1
        elif node.kind == "op":
            cells.place_op(node, node_id in feeds_conveyor)
    return cells.cell


class _Cells:
    """The grid as it fills: which node holds each (row, col)."""

    def __init__(self, graph: CellGraph, conveyors: Mapping[str, tuple[str, ...]], rows: Rows) -> None:
        self.g, self.rows = graph, rows
        self.row_of_op = {op: k for k, ops in enumerate(conveyors.values()) for op in ops}
        self.cell: dict[str, tuple[int, int]] = {}
        self.taken: dict[tuple[int, int], str] = {}
        self.max_col = -1

    def take(self, node: str, row: int, col: int) -> None:
        self.cell[node] = (row, col)
        self.taken[(row, col)] = node
        self.max_col = max(self.max_col, col)

    def place_op(self, node: Node, upward: bool) -> None:
        placed = [(self.cell[r][1], -self.cell[r][0], r) for r in node.inputs if r in self.cell]
        if node.id in self.row_of_op:
            lane = self.row_of_op[node.id]
            col, neg_row, _ = max(placed, default=(0, -self.rows.layers, ""))
            if not self.fits(node.id, lane, col, -neg_row):
                col = self.max_col + 1
            self.take(node.id, lane, col)
            return
        lo, hi = self.rows.mid_lo, self.rows.mid_hi
        if not placed:
            self.take(node.id, hi, self.max_col + 1)
            return
        col, neg_row, _ = max(placed)
        row = -neg_row
        if row >= self.rows.layers:  # above the layer it reads
            wanted = hi
        elif lo < row <= hi and upward:  # on the way up
            wanted = row - 1
        elif lo <= row < hi and not upward:  # on the way out
            wanted = row + 1
        else:
            wanted = -1
        if wanted >= lo and self.fits(node.id, wanted, col, row):
            self.take(node.id, wanted, col)
        else:
            self.take(node.id, min(max(row, lo), hi), self.max_col + 1)

    def fits(self, node_id: str, row: int, col: int, input_row: int) -> bool:
        """Whether ``node_id`` may sit at (row, col), straight above or below the input at ``input_row``:
        the place is free, nothing stands between them, and no straight line of that column runs through it."""
        if (row, col) in self.taken or row < 0:
            return False
        lo, hi = sorted((row, input_row))
        if any((r, col) in self.taken for r in range(lo + 1, hi)):
            return False
        for (r1, c1), upper in self.taken.items():
            if c1 != col or r1 >= row:
                continue
            for r2 in range(row + 1, self.rows.bottom):
                lower = self.taken.get((r2, col))
                if lower is not None and lower in self.g.node(upper).reads:
                    return False
        return True


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


# -- shapes ----------------------------------------------------------------------------------------
def _shapes(grid: Grid, junction_y: Mapping[str, float]) -> list[Shape]:
    m, g = grid.m, grid.graph
    out, in_x = [], _input_x(grid)
    for node in g.nodes:
        if node.id in grid.cell:
            row, col = grid.cell[node.id]
            x, y = grid.X(col), grid.Y(row)
            if node.kind == "layer":
                symbol = vocab_symbol(node) or "W"
                w = max(m.box_w, width(symbol, m.symbol_font) + m.symbol_pad)
                form = "" if node.bias else "no-bias"
                out.append(Shape(node.id, node.kind, "box", Box(x, y, w, m.box_h), symbol, form))
            elif node.op == "identity" and node.constant is None:  # a renaming: the line runs on
                out.append(Shape(node.id, node.kind, "junction", Box(x, y, 0, 0)))
            else:
                gate = grid.roles.gate_of(node.id)
                symbol, form = vocab_symbol(node), _form(grid, node, gate)
                if gate:
                    box = Box(x, y, 2 * m.op_r, 2 * m.op_r)
                    out.append(Shape(node.id, node.kind, "circle", box, symbol, form, gate))
                elif len(symbol) > 2 and symbol not in ROUND_WORDS:  # a function's name (tanh, exp) or an
                    # op with its number: an ellipse as wide as its text; max and min are circles
                    w = max(m.ellipse_w, width(symbol, m.symbol_font) + m.ellipse_pad)
                    box = Box(x, y, w, m.ellipse_h)
                    out.append(Shape(node.id, node.kind, "ellipse", box, symbol, form))
                else:
                    box = Box(x, y, 2 * m.op_r, 2 * m.op_r)
                    out.append(Shape(node.id, node.kind, "circle", box, symbol, form))
        elif node.kind == "concat":
            out.append(Shape(node.id, node.kind, "junction", Box(_junction_x(grid, node), junction_y[node.id], 0, 0)))
        else:
            out.append(Shape(node.id, node.kind, "terminal", _terminal(grid, node, in_x)))
    return out


def _form(grid: Grid, node: Node, gate: str | None) -> str:
    """What an op does in the picture: a product with a gate (``gate``), or a sum on the top line."""
    if gate:
        return "gate-product"
    if node.op == "add" and node.id in grid.conveyor:
        return "lane-sum"
    return ""


def _junction_x(grid: Grid, node: Node) -> float:
    cols = [grid.cell[c][1] for c in grid.graph.consumers[node.id] if c in grid.cell]
    return grid.X(min(cols, default=0) - 0.5)


def _terminal(grid: Grid, node: Node, in_x: Mapping[str, float]) -> Box:
    """Where an input enters (below), a state enters (left) or leaves (right), an output leaves (top)."""
    m, module = grid.m, grid.module
    if node.kind == "state-in":
        return Box(module.left - grid.lead_in, grid.lane_y[node.state], 0, 0)
    if node.kind == "state-out":
        return Box(module.right + m.lead, grid.lane_y[node.state], 0, 0)
    if node.kind == "output":
        return Box(grid.out_x[node.id], module.top - m.lead, 0, 0)
    return Box(in_x[node.id], module.bottom + m.lead, 0, 0)


def _input_x(grid: Grid) -> dict[str, float]:
    """Where each input enters below the module: left of its first reader's column, and far
    enough left of the input to its right that this one's label (and the chain view's circle)
    has room."""
    g, wanted = grid.graph, {}
    for node in g.of_kind("input"):
        first = g.node(g.consumers[node.id][0])
        if first.kind == "concat":
            wanted[node.id] = _junction_x(grid, first)
        else:
            wanted[node.id] = grid.X(grid.cell[first.id][1] - 0.5) if first.id in grid.cell else grid.X(-0.5)
    right, out = None, {}
    for node_id in sorted(wanted, key=lambda n: -wanted[n]):  # from the right
        x = wanted[node_id] if right is None else min(wanted[node_id], right)
        out[node_id] = x
        right = x - terminal_room(g.node(node_id).label, grid.m)
    return out
