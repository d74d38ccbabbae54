"""Route, first draft: each wire along the path colah's figures use for it, on a track of its own
where paths run side by side (a gutter between columns, a channel between rows, ...).

Where those paths meet anyway, :mod:`.untangle` routes again what does not fit.
"""

from __future__ import annotations

import dataclasses
import enum

from ..spec.graph import CellGraph
from ..spec.node import Edge
from ..spec.ranges import is_gate
from .geometry import Point, Shape, Wire, simplify
from .grid import Grid

#: A wire into a junction comes along a track this many tracks above it, then down into it.
JUNCTION_RISE = 1.5
#: An input that goes below the layers first runs this many tracks left of the first column.
ENTRY_OUT = 2


class Run(enum.Enum):
    """The kinds of track a first-draft path takes; each kind's tracks are counted on their own."""

    GUTTER = "gutter"  # vertical, between two columns
    CHANNEL = "channel"  # horizontal, between two rows
    ABOVE = "above"  # horizontal, just above a source's row, where a value leaves a box's top and turns
    ALONG = "along"  # horizontal, halfway below (or above) a source's row, where a row is blocked
    UNDER = "under"  # horizontal, just below an op on a top line, for what comes up into it
    INPUTS = "inputs"  # horizontal, along the module's bottom, where the inputs come in
    BELOW_LAYERS = "below-layers"  # horizontal, between the layers and the bottom lane
    ENTRY = "entry"  # vertical, left of the first column, where states from the left turn down
    SIDE_IN = "side-in"  # vertical, left of a layer, where elementwise weights come into its side

    @property
    def vertical(self) -> bool:
        return self in (Run.GUTTER, Run.ENTRY, Run.SIDE_IN)


@dataclasses.dataclass(frozen=True)
class Track:
    """A place where parallel tracks run: their kind and the coordinate they gather at (x for a
    vertical run, y for a horizontal one)."""

    run: Run
    at: float


@dataclasses.dataclass(frozen=True)
class Sketch:
    """The first draft: one wire an edge (in the graph's order), and how far from its centre the
    outermost track of any gutter (``gutters``) and of any channel between rows (``channels``) lies."""

    wires: tuple[Wire, ...]
    gutters: float
    channels: float


def sketch(grid: Grid) -> Sketch:
    """Every edge of the grid's cell along its first-draft path."""
    drafter = _Drafter(grid)
    wires = tuple(drafter.wire(e) for e in grid.graph.edges)
    widest = {True: 0.0, False: 0.0}
    for (track, _), offset in drafter.tracks.items():
        if track.run in (Run.GUTTER, Run.CHANNEL):
            widest[track.run.vertical] = max(widest[track.run.vertical], abs(offset))
    return Sketch(wires, gutters=widest[True], channels=widest[False])


def stream_of(grid: Grid, node_id: str) -> str:
    """The stream a wire from ``node_id`` carries (the pipe style colours each): the state whose
    value leaves it, old or new; else an input or a gate layer, a stream of its own."""
    g, node = grid.graph, grid.graph.node(node_id)
    if node.kind == "state-in":
        return node.state
    for state, ops in grid.conveyors.items():
        if node_id in ops:
            return state
    writes = [c for c in g.consumers[node_id] if g.node(c).kind == "state-out"]
    if writes:
        return g.node(writes[0]).state
    gate = node.kind == "layer" and is_gate(g, node_id)
    return node_id if node.kind == "input" or gate else ""


def streams(graph: CellGraph) -> tuple[str, ...]:
    """The streams in the order their colours are given: states, inputs, then gates."""
    gates = [n.id for n in graph.of_kind("layer") if is_gate(graph, n.id)]
    return (*graph.states, *(n.id for n in graph.of_kind("input")), *gates)


class _Drafter:
    """Draws the first-draft paths, giving each source its own track wherever paths gather."""

    def __init__(self, grid: Grid) -> None:
        self.grid, self.m, self.g = grid, grid.m, grid.graph
        self.tracks: dict[tuple[Track, str], float] = {}
        self.lines = [set(ops) | {n.id for n in self.g.states[state]} for state, ops in grid.conveyors.items()]

    def track(self, run: Run, at: float, src: str) -> float:
        """The offset of ``src``'s own track in the run at ``at``: 0, +t, -t, +2t, ..."""
        key = (Track(run, at), src)
        if key not in self.tracks:
            k = sum(1 for (t, _) in self.tracks if t == key[0])
            self.tracks[key] = (k + 1) // 2 * self.m.track * (1 if k % 2 else -1)
        return self.tracks[key]

    def gutter_track(self, x: float, src: str) -> float:
        """``x`` moved onto ``src``'s track in the gutter there."""
        return x + self.track(Run.GUTTER, round(x), src)

    def wire(self, edge: Edge) -> Wire:
        grid = self.grid
        src, dst = grid.shape[edge.src], grid.shape[edge.dst]
        dst_node = self.g.node(edge.dst)
        diagonal = dst_node.kind == "layer" and edge.port >= len(dst_node.inputs)
        if dst.kind == "layer" and not diagonal:
            points = self.into_layer_bottom(src, dst)
        elif diagonal:
            x = grid.X(grid.cell[dst.node][1] - 0.5)
            points = self.into_side(src, dst, x - self.track(Run.SIDE_IN, x, src.node))
        elif dst.shape == "junction":
            points = self.into_junction(src, dst)
        elif dst.kind == "state-out":
            points = self.out_right(src, dst)
        elif dst.kind == "output":
            points = self.out_top(src, dst)
        else:
            points = self.into_op(src, dst)
        if grid.blocked(points, src.node, dst.node):
            points = self.safe(src, dst, diagonal)
        points = simplify(points)
        if src.kind == "input" and len(points) > 2 and abs(points[1].y - points[0].y) < 1e-9:
            # an input first rises into the module: nothing runs along the labels below it
            lift = grid.module.bottom - self.m.pad / 2 - self.track(Run.INPUTS, 0.0, src.node)
            points = [points[0], Point(points[0].x, lift), Point(points[1].x, lift), *points[2:]]
        return Wire(
            edge.id,
            edge.kind,
            edge.src,
            edge.dst,
            tuple(simplify(points)),
            dst.shape != "junction",
            stream=stream_of(grid, edge.src),
            lane=any(edge.src in line and edge.dst in line for line in self.lines),
            diagonal=diagonal,
        )

    def safe(self, src: Shape, dst: Shape, diagonal: bool) -> list[Point]:
        """A route that cannot cross a node: out to the gutter beside the source, along the channel
        between rows next to the destination, down or up the gutter beside it, and in."""
        s, b, m, grid = src.box, dst.box, self.m, self.grid
        if src.shape in ("terminal", "junction"):
            start = Point(s.x, s.y)
            g1 = grid.gutter(grid.X(-1), 1) if src.kind == "state-in" else s.x
        else:
            start = Point(s.right, s.y)
            g1 = grid.gutter(s.x, 1)
        g1 = self.gutter_track(g1, src.node) if src.kind != "input" else g1
        if dst.kind == "output":
            y = self.channel(grid.Y(0) - m.row / 2, src.node)
            return [start, Point(g1, start.y), Point(g1, y), Point(b.x, y), Point(b.x, b.y)]
        if dst.kind == "state-out":
            g2 = self.gutter_track(grid.gutter(grid.X(grid.max_col), 1), src.node)
            y = self.channel(b.y - m.row / 2, src.node)
            return [start, Point(g1, start.y), Point(g1, y), Point(g2, y), Point(g2, b.y), Point(b.x, b.y)]
        if dst.shape == "junction":
            y = b.y - m.track * JUNCTION_RISE
            return [start, Point(g1, start.y), Point(g1, y), Point(b.x, y), Point(b.x, b.y)]
        if dst.kind == "layer" and not diagonal:
            y = self.channel(b.y + m.row / 2, src.node)
            return [start, Point(g1, start.y), Point(g1, y), Point(b.x, y), Point(b.x, b.bottom)]
        g2 = self.gutter_track(grid.gutter(b.x, -1), src.node)
        y = self.channel(b.y - m.row / 2, src.node)
        return [start, Point(g1, start.y), Point(g1, y), Point(g2, y), Point(g2, b.y), Point(b.left, b.y)]

    def channel(self, y: float, src: str) -> float:
        """``y`` moved onto ``src``'s track in the channel between rows there."""
        return y + self.track(Run.CHANNEL, round(y), src)

    def start(self, src: Shape, toward: Point) -> Point:
        """Where a wire leaves its source, heading toward ``toward``."""
        b = src.box
        if src.shape in ("terminal", "junction"):
            return Point(b.x, b.y)
        if toward.y < b.top:
            return Point(b.x, b.top)
        if toward.y > b.bottom:
            return Point(b.x, b.bottom)
        return Point(b.right if toward.x >= b.x else b.left, b.y)

    def above(self, s: Shape) -> float:
        """The y of the source's own track just above its row, where a value leaving a top turns."""
        return s.box.top - self.m.track - self.track(Run.ABOVE, s.box.y, s.node)

    def above_lines(self, s: Shape) -> bool:
        """Whether ``s`` stands above the top lines (what leaves the cell state, drawn above its line)."""
        return s.box.y < self.grid.Y(0) - 1e-6

    def into_layer_bottom(self, src: Shape, dst: Shape) -> list[Point]:
        b, s, grid = dst.box, src.box, self.grid
        end = Point(b.x, b.bottom)
        if src.shape == "junction":
            return [Point(s.x, s.y), Point(b.x, s.y), end]
        if src.kind == "input":  # up into the module, along a channel of its own, up into the layer
            y = grid.module.bottom - self.m.pad / 2 - self.track(Run.INPUTS, 0.0, src.node)
            return [Point(s.x, s.y), Point(s.x, y), Point(b.x, y), end]
        # from above or beside: to a gutter (the first one, for a state entering on the left),
        # down below the layers, across, up
        y = (grid.Y(grid.rows.layers) + grid.Y(grid.rows.bottom)) / 2
        y += self.track(Run.BELOW_LAYERS, 0.0, src.node)
        if src.shape == "terminal":
            gutter = grid.X(-0.5) - self.m.track * ENTRY_OUT - self.track(Run.ENTRY, 0.0, src.node)
            return [Point(s.x, s.y), Point(gutter, s.y), Point(gutter, y), Point(b.x, y), end]
        gutter = self.gutter_track(s.x + grid.pitch / 2, src.node)
        return [Point(s.right, s.y), Point(gutter, s.y), Point(gutter, y), Point(b.x, y), end]

    def into_side(self, src: Shape, dst: Shape, gutter: float) -> list[Point]:
        """Along the source's row to a gutter left of ``dst``, then to its left side; when something
        stands in that row, drop into the channel below the row first and run along it."""
        s, b, grid = src.box, dst.box, self.grid
        start = Point(s.x, s.y)
        if src.shape not in ("terminal", "junction"):
            if b.y < s.top:  # a value goes up: leave from the top and turn just above the source
                y = self.above(src)
                if grid.row_clear(y, s.x, gutter, src.node, dst.node):
                    return [Point(s.x, s.top), Point(s.x, y), Point(gutter, y), Point(gutter, b.y), Point(b.left, b.y)]
            start = Point(s.right if gutter > s.x else s.left, s.y)
        if grid.row_clear(s.y, start.x, gutter, src.node, dst.node):
            return [start, Point(gutter, s.y), Point(gutter, b.y), Point(b.left, b.y)]
        a, z = Point(min(start.x, gutter), s.y), Point(max(start.x, gutter), s.y)
        first = min(o.box.x for o in grid.occupants if o.node not in (src.node, dst.node) and o.box.crossed_by(a, z))
        drop = first - grid.pitch / 2  # the gutter before the first thing in the way
        channel = s.y + self.m.row / 2 + self.track(Run.ALONG, s.y, src.node) * (1 if b.y > s.y else -1)
        return [
            start,
            Point(drop, s.y),
            Point(drop, channel),
            Point(gutter, channel),
            Point(gutter, b.y),
            Point(b.left, b.y),
        ]

    def into_junction(self, src: Shape, dst: Shape) -> list[Point]:
        s, j = src.box, dst.box
        if src.kind == "input":
            if abs(s.x - j.x) < 1e-6:
                return [Point(s.x, s.y), Point(j.x, j.y)]
            first_junction = self.grid.shape[self.g.consumers[src.node][0]].box
            y = max(first_junction.y, j.y) + self.m.track
            return [Point(s.x, s.y), Point(s.x, y), Point(j.x, y), Point(j.x, j.y)]
        if src.kind == "state-in":
            if abs(s.y - j.y) < 1e-6:
                return [Point(s.x, s.y), Point(j.x, j.y)]
            gutter = j.x - self.m.track * 2
            return [Point(s.x, s.y), Point(gutter, s.y), Point(gutter, j.y), Point(j.x, j.y)]
        gutter = min(self.gutter_track(s.x + self.grid.pitch / 2, src.node), j.x)
        return [Point(s.right, s.y), Point(gutter, s.y), Point(gutter, j.y), Point(j.x, j.y)]

    def out_right(self, src: Shape, dst: Shape) -> list[Point]:
        s, e, grid = src.box, dst.box, self.grid
        if abs(s.y - e.y) < 1e-6:
            return [self.start(src, Point(e.x, e.y)), Point(e.x, e.y)]
        shown = [grid.out_x[o] for o in self.g.consumers[src.node] if o in grid.out_x]
        if shown and self.above_lines(src) and src.shape != "box":  # out to the output's line, down it
            return [Point(s.right, s.y), Point(shown[0], s.y), Point(shown[0], e.y), Point(e.x, e.y)]
        if src.shape == "box" and e.y < s.top and grid.column_clear(s.x, s.top, e.y, src.node):
            return [Point(s.x, s.top), Point(s.x, e.y), Point(e.x, e.y)]  # up to a line above, and out
        if src.shape == "box":  # a layer's value leaves from its top, then turns right and down
            y = self.above(src)
            gutter = self.gutter_track(s.x + grid.pitch / 2, src.node)
            gutter = shown[0] if shown else gutter  # down the line that rises to the output: one fork
            return [Point(s.x, s.top), Point(s.x, y), Point(gutter, y), Point(gutter, e.y), Point(e.x, e.y)]
        if grid.column_clear(s.x, s.y, e.y, src.node):
            return [self.start(src, Point(s.x, e.y)), Point(s.x, e.y), Point(e.x, e.y)]
        gutter = self.gutter_track(s.x + grid.pitch / 2, src.node)
        return [Point(s.right, s.y), Point(gutter, s.y), Point(gutter, e.y), Point(e.x, e.y)]

    def out_top(self, src: Shape, dst: Shape) -> list[Point]:
        e, grid = dst.box, self.grid
        outs = [n for n in self.g.consumers[src.node] if self.g.node(n).kind == "state-out"]
        state_y = grid.shape[outs[0]].box.y if outs else src.box.y
        if state_y != src.box.y and not self.above_lines(src):  # follow the state out, fork up at the edge
            path = self.out_right(src, grid.shape[outs[0]])
            lane_y = path[-1].y
            return path[:-1] + [Point(e.x, lane_y), Point(e.x, e.y)]
        s = src.box
        start = self.start(src, Point(e.x, s.y))
        if src.shape != "terminal":
            start = Point(s.right, s.y)
        return [start, Point(e.x, s.y), Point(e.x, e.y)]

    def into_op(self, src: Shape, dst: Shape) -> list[Point]:
        s, b, grid = src.box, dst.box, self.grid
        if src.shape == "terminal" and src.kind == "input":
            gutter = self.gutter_track(b.x - grid.pitch / 2, src.node)
            y = grid.module.bottom - self.m.pad / 2
            return [Point(s.x, s.y), Point(s.x, y), Point(gutter, y), Point(gutter, b.y), Point(b.left, b.y)]
        if abs(s.y - b.y) < 1e-6 and grid.row_clear(s.y, s.x, b.x, src.node, dst.node):
            a = Point(s.x, s.y) if src.shape == "terminal" else Point(s.right if b.x > s.x else s.left, s.y)
            return [a, Point(b.left if b.x > s.x else b.right, b.y)]
        if abs(s.x - b.x) < 1e-6 and grid.column_clear(s.x, s.y, b.y, src.node, dst.node):
            return [Point(s.x, s.top), Point(b.x, b.bottom)] if s.y > b.y else [Point(s.x, s.bottom), Point(b.x, b.top)]
        if dst.node in grid.conveyor and s.y > b.y and src.node not in grid.conveyor:
            # an op on a top line takes the line from the left: anything else comes up into its bottom,
            # along a channel of its own just below the line (never along the line's own track)
            y = b.bottom + self.m.track + self.track(Run.UNDER, round(b.y), src.node)
            start = Point(s.x, s.y) if src.shape == "terminal" else Point(s.x, s.top)
            route = [start, Point(s.x, y), Point(b.x, y), Point(b.x, b.bottom)]
            if not grid.blocked(route, src.node, dst.node):
                return route
        if (
            s.x < b.x
            and s.y > b.y
            and grid.column_clear(s.x, s.y, b.y, src.node)
            and grid.row_clear(b.y, s.x, b.x, src.node, dst.node)
        ):  # up, then into its left side
            start = Point(s.x, s.y) if src.shape == "terminal" else Point(s.x, s.top)
            return [start, Point(s.x, b.y), Point(b.left, b.y)]
        if (
            s.x < b.x
            and s.y < b.y
            and grid.row_clear(s.y, s.x, b.x, src.node)
            and grid.column_clear(b.x, s.y, b.y, src.node, dst.node)
        ):  # along, then down into its top
            start = Point(s.x, s.y) if src.shape == "terminal" else Point(s.right, s.y)
            return [start, Point(b.x, s.y), Point(b.x, b.top)]
        return self.into_side(src, dst, self.gutter_track(b.x - grid.pitch / 2, src.node))
