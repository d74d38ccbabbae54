"""Labels, the cell layout's last stage: each name where it is read, clear of the wires routed
before it, and each bias as a short line of its own in the styles that draw biases as inputs."""

from __future__ import annotations

import dataclasses

from ..mathtext import CAP_HEIGHT, MIDLINE
from .geometry import Box, Dot, Label, Point, Wire, band, direction
from .grid import Grid, bias_reach
from .metrics import Metrics

#: How far an arrowhead reaches either side of its line, as a share of its length.
ARROW_HALF_WIDTH = 0.55
#: The room an arrowhead takes each way, as a share of its length.
HEAD_ROOM = 1.2
#: Labels apart by this share of their size at least, not to be read as one.
APART = 0.25
#: A label centred over its shape: its baseline this many of its sizes above the shape's top.
OVER = 1.2
#: A layer's label is tried this many tracks further out, one at a time, where none is clear nearby.
FURTHER = 3
#: A bias's line keeps this many wires' widths clear of lines and labels, either side.
BIAS_BAND = 4


@dataclasses.dataclass(frozen=True)
class Labelled:
    """The labels, the biases' lines (none unless the style draws biases as inputs), and how many
    labels found no clear place."""

    labels: tuple[Label, ...]
    biases: tuple[Wire, ...]
    crowded: int


def label(grid: Grid, wires: tuple[Wire, ...], dots: tuple[Dot, ...]) -> Labelled:
    """The names of the cell's terminals and layers placed among ``wires``, then its biases."""
    labels, crowded = _names(grid, wires, dots)
    named = _biases(grid, wires, dots, labels) if grid.m.bias_inputs else []  # where the labels left room
    return Labelled(tuple(labels + [lab for _, lab in named]), tuple(w for w, _ in named), crowded)


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
            + sum(box.overlaps(o, gap=APART * label.size) for o in others)  # apart: not read as one
        )

    counted = []
    for option in options:
        n = clashes(option)
        if n == 0:
            return option, False
        counted.append(n)
    return options[counted.index(min(counted))], True


def _names(grid: Grid, wires: tuple[Wire, ...], dots: tuple[Dot, ...]) -> tuple[list[Label], int]:
    """Labels where they are read: at the ends of the lines entering and leaving the module, and
    beside each layer's output; each at the first candidate place that is clear of the rest
    (of shapes, junction dots, and wires as thick as they are drawn)."""
    m = grid.m
    f, out, crowded = m.font, [], 0
    segments = [(a, b) for w in wires if not w.lane for a, b in zip(w.points, w.points[1:])]
    solid = _obstacles(grid, wires, dots)
    solid += [band(a, b, m.lane_width) for w in wires if w.lane for a, b in zip(w.points, w.points[1:])]
    for shape in grid.shapes:
        node = grid.graph.node(shape.node)
        b = shape.box
        if not node.label or node.kind in ("op", "concat"):
            continue
        on_top = node.state in grid.conveyors
        gap = (m.lane_width if on_top else m.wire_width) / 2 + m.label_gap
        drop = Label(node.id, node.label, 0, 0, "start", f).box().bottom  # a subscript hangs down
        above, below = b.y - gap - drop, b.y + gap + f * CAP_HEIGHT
        if node.kind == "state-in":
            candidates = [(b.x, above, "start"), (b.x, below, "start")]
        elif node.kind == "state-out":
            candidates = [
                (b.x - m.arrow - m.arrow_clear, above, "end"),  # clear of the arrowhead
                (b.x - m.arrow - m.arrow_clear, below, "end"),
                (b.x + m.label_margin, b.y + f * MIDLINE, "start"),  # or beyond its tip
            ]
        elif node.kind == "input":
            candidates = [(b.x - m.terminal_gap, b.y, "end"), (b.x + m.terminal_gap, b.y, "start")]
        elif node.kind == "output":  # beside the line, below its arrowhead
            beside = m.wire_width / 2 + m.label_gap
            candidates = [(b.x + beside, b.y + m.arrow + f, "start"), (b.x - beside, b.y + m.arrow + f, "end")]
        else:
            candidates = _beside_layer(node.id, node.label, b, m)
        size = f * m.layer_label if node.kind == "layer" else f
        options = [Label(node.id, node.label, x, y, anchor, size) for x, y, anchor in candidates]
        # a pixel more than half a wire: width() may err by one
        best, clash = place(options, segments, solid, out, clearance=m.wire_width / 2 + m.label_clearance)
        if clash and node.kind == "layer":  # no room: the same places, a fifth smaller
            options = [dataclasses.replace(o, size=o.size * m.crowded_label) for o in options]
            best, clash = place(options, segments, solid, out, clearance=m.wire_width / 2 + m.label_clearance)
        crowded += clash
        out.append(best)
    return out, crowded


def _beside_layer(node_id: str, text: str, b: Box, m: Metrics) -> list[tuple[float, float, str]]:
    """Where a layer's label may stand: beside the line leaving its top, else beside the box; and
    each of those one, two and three tracks further out, for a layer the router has surrounded
    with lines (a label beyond them still sits by its box: nothing else is nearer)."""
    size = m.font * m.layer_label
    hangs = Label(node_id, text, 0, 0, "start", size).box().bottom  # its subscript
    beside = m.arrow * ARROW_HALF_WIDTH + m.nudge  # clear of an arrowhead, should the line end just above
    near = [
        (b.x - beside, b.top - m.label_gap - hangs, "end"),
        (b.x + beside, b.top - m.label_gap - hangs, "start"),
        (b.left - m.label_gap, b.y + size * MIDLINE, "end"),
        (b.right + m.label_gap, b.y + size * MIDLINE, "start"),
        (b.left - m.label_gap, b.top - m.label_gap, "end"),
        (b.right + m.label_gap, b.top - m.label_gap, "start"),
        (b.left - m.label_gap, b.bottom + size, "end"),
        (b.right + m.label_gap, b.bottom + size, "start"),
        (b.x, b.bottom + size + m.nudge, "middle"),
        (b.x, b.top - size * OVER, "middle"),
    ]
    candidates = list(near)
    for k in range(1, FURTHER + 1):
        out_by = {"end": (-m.track * k, 0.0), "start": (m.track * k, 0.0)}
        candidates += [
            (
                x + out_by.get(a, (0.0, 0.0))[0],
                y + (0.0 if a in out_by else m.track * k * (1 if y > b.y else -1)),
                a,
            )
            for x, y, a in near
        ]
    return candidates


def _biases(
    grid: Grid, wires: tuple[Wire, ...], dots: tuple[Dot, ...], labels: list[Label]
) -> list[tuple[Wire, Label]]:
    """A short line into each layer with a bias, named b_0, b_1, ... in layer order at its open
    end: from the layer's right or left side, down into its top or up into its bottom, the first
    where the line crosses nothing and its name finds a clear place (a shorter line where a long
    one finds none). A layer with no such side keeps its "+b"."""
    m, out = grid.m, []
    f = m.font * m.bias_label
    segments = [(a, b) for w in wires for a, b in zip(w.points, w.points[1:])]
    solid = _obstacles(grid, wires, dots)
    ends = {(round(w.points[-1].x, 2), round(w.points[-1].y, 2)) for w in wires}
    ends |= {(round(w.points[0].x, 2), round(w.points[0].y, 2)) for w in wires}
    for k, node in enumerate(n for n in grid.graph.of_kind("layer") if n.bias):
        b, name = grid.shape[node.id].box, f"b_{{{k}}}" if len(str(k)) > 1 else f"b_{k}"
        sides = [
            side
            for r in (bias_reach(m), m.arrow + m.arrow_clear)
            for side in (
                (Point(b.right + r, b.y), Point(b.right, b.y)),
                (Point(b.left - r, b.y), Point(b.left, b.y)),
                (Point(b.right - m.bias_inset, b.top - r), Point(b.right - m.bias_inset, b.top)),
                (Point(b.left + m.bias_inset, b.top - r), Point(b.left + m.bias_inset, b.top)),
                (Point(b.right - m.bias_inset, b.bottom + r), Point(b.right - m.bias_inset, b.bottom)),
                (Point(b.left + m.bias_inset, b.bottom + r), Point(b.left + m.bias_inset, b.bottom)),
            )
        ]
        for start, end in sides:
            if (round(end.x, 2), round(end.y, 2)) in ends or grid.blocked([start, end], node.id):
                continue
            room = band(start, end, m.wire_width * BIAS_BAND)
            named = labels + [lab for _, lab in out]
            if any(room.crossed_by(a, z) for a, z in segments) or any(room.overlaps(lab.box()) for lab in named):
                continue
            wire = Wire(f"{node.id}.bias", "bias", "", node.id, (start, end))
            options = [Label(node.id, name, x, y, anchor, f) for x, y, anchor in _bias_name_places(wire, f, m)]
            head = _heads([wire], m.arrow)
            clearance = m.wire_width / 2 + m.label_clearance
            best, crowded = place(options, segments + [(start, end)], solid + head, named, clearance)
            if not crowded:
                segments.append((start, end))
                solid += head
                out.append((wire, best))
                break
    return out


def _obstacles(grid: Grid, wires: tuple[Wire, ...], dots: tuple[Dot, ...]) -> list[Box]:
    """What a label must keep clear of besides lines: the shapes, the junction dots, the arrowheads."""
    solid = [s.box for s in grid.occupants] + [Box(d.at.x, d.at.y, grid.m.dot_room, grid.m.dot_room) for d in dots]
    return solid + _heads(wires, grid.m.arrow)


def _bias_name_places(wire: Wire, f: float, m: Metrics) -> list[tuple[float, float, str]]:
    """Where a bias's name may stand, best first: (x, baseline, anchor) at the open end ``p`` of
    its line, beyond the end, else beside it."""
    p, q = wire.points
    beside = m.arrow * ARROW_HALF_WIDTH + m.nudge
    if p.y == q.y:  # from a side
        anchor, dx = ("start", m.label_gap) if p.x > q.x else ("end", -m.label_gap)
        return [
            (p.x + dx, p.y + f * MIDLINE, anchor),
            (p.x, p.y - beside - m.label_gap, "middle"),
            (p.x, p.y + f + beside, "middle"),
        ]
    if p.y < q.y:  # from above
        return [(p.x, p.y - m.arrow_clear, "middle"), (p.x + beside, p.y + f, "start"), (p.x - beside, p.y + f, "end")]
    return [(p.x, p.y + f + m.nudge, "middle"), (p.x + beside, p.y, "start"), (p.x - beside, p.y, "end")]  # from below


def _heads(wires: tuple[Wire, ...] | list[Wire], arrow: float) -> list[Box]:
    """The room each arrowhead takes at the end of its line (as long as ``arrow``, as wide again)."""
    out = []
    for w in wires:
        if w.arrow and len(w.points) >= 2:
            tip, before = w.points[-1], w.points[-2]
            dx, dy = direction(before, tip)
            out.append(Box(tip.x - dx * arrow / 2, tip.y - dy * arrow / 2, arrow * HEAD_ROOM, arrow * HEAD_ROOM))
    return out
