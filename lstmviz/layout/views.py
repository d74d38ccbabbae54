"""Every view of a cell, by name (:func:`layout_view`): the ordered view and the chain here; the
views of part of a cell in :mod:`.parts`, the diagrams that are not of a cell in :mod:`.diagrams`.

Each returns a :class:`Layout`; the views of a cell start from the cell view's geometry, so a cell
looks the same in every view.
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import Choice, SpecError
from ..mathtext import MIDLINE
from ..spec.graph import CellGraph
from ..spec.roles import equations
from .cell import layout_cell
from .diagrams import SYMBOLS, layout_dependency, layout_gate, layout_legend, layout_rolled, layout_unrolled
from .geometry import Box, Dot, Label, Layout, Point, Shape, Wire
from .labels import place
from .metrics import Metrics
from .parts import layout_build, layout_focus, layout_state_line, layout_unit, with_equations

#: The ordered view widens its figure (columns, rows) by these shares, at most this many times,
#: until every round number finds a clear place.
ROUND_ROOM, ROUND_ATTEMPTS = (1.25, 1.2), 4
#: Where a round number is tried off its shape, in the number's sizes: off a corner below (its
#: baseline), centred above and centred below.
_OFF_BELOW, _ABOVE, _BELOW = 1.6, 1.8, 2.2

VIEWS = (
    "cell",
    "focus",
    "build",
    "ordered",
    "chain",
    "equations",
    "cell-state",
    "unit",
    "legend",
    "pipe",
    "valve",
    "t-joint",
    "gate",
    "rolled",
    "unrolled",
    "short-term",
    "long-term",
)
VIEW = Choice("view", VIEWS)


def layout_view(
    graph: CellGraph, view: str = "cell", *, focus: str | None = None, metrics: Metrics | None = None
) -> Layout:
    """The geometry of one view of ``graph``."""
    m = metrics or Metrics()
    VIEW.check(view, name="view")
    if view not in ("focus", "build") and focus is not None:
        raise SpecError("--focus goes with --view focus", name="focus", fix="add --view focus, or drop --focus")
    if view == "cell":
        return layout_cell(graph, m)
    if view == "focus":
        return layout_focus(graph, focus, m)
    if view == "build":
        return layout_build(graph, focus, m)
    if view == "ordered":
        return layout_ordered(graph, m)
    if view == "chain":
        return layout_chain(graph, m)
    if view == "equations":
        return with_equations(layout_cell(graph, m), equations(graph, frozenset(graph.by_id)), m)
    if view == "cell-state":
        return layout_state_line(graph, m)
    if view == "unit":
        return layout_unit(graph, m)
    if view in SYMBOLS:
        return layout_legend(m, SYMBOLS[view])
    if view in ("short-term", "long-term"):
        return layout_dependency(m, long=view == "long-term")
    return {"legend": layout_legend, "gate": layout_gate, "rolled": layout_rolled, "unrolled": layout_unrolled}[view](m)


# -- ordered ---------------------------------------------------------------------------------------
def layout_ordered(graph: CellGraph, m: Metrics) -> Layout:
    """The cell with the order of evaluation visible: the values that exist when the step starts
    (inputs, last step's states) drawn dashed, those computed during the step solid, and each layer
    and op numbered by the round in which it can be computed (everything it reads is ready)."""
    ready = {n.id for n in graph.nodes if n.kind in ("input", "state-in")}
    for node_id in graph.order:  # a concatenation or renaming of old values is old too: [h_{t-1}, x_t]
        node = graph.node(node_id)
        renaming = node.kind == "op" and node.op == "identity" and node.constant is None
        if (node.kind == "concat" or renaming) and all(i in ready for i in node.inputs):
            ready.add(node_id)
    old = frozenset(e.id for e in graph.edges if e.src in ready)
    rounds: dict[str, int] = {}
    for node_id in graph.order:
        node = graph.node(node_id)
        before = [rounds.get(r, 0) for r in node.reads]
        rounds[node_id] = max(before, default=0) + (1 if node.kind in ("layer", "op") else 0)
    for _ in range(ROUND_ATTEMPTS):  # widen the figure until every number finds a clear place
        base = layout_cell(graph, m)
        labels, crowded = list(base.labels), False
        segments = [(a, b) for w in base.wires for a, b in zip(w.points, w.points[1:])]
        solid = [s.box for s in base.shapes if s.shape in ("box", "circle", "ellipse")]
        size, gap = m.font * m.round_label, m.round_gap
        for shape in base.shapes:
            if shape.kind in ("layer", "op") and shape.shape != "junction":  # a renaming has no number
                b, text = shape.box, str(rounds[shape.node])
                corners = [  # beside a corner, beside the middle, off a corner, above, below (in sizes)
                    (b.right + gap, b.bottom + size, "start"),
                    (b.right + gap, b.top - gap, "start"),
                    (b.left - gap, b.bottom + size, "end"),
                    (b.left - gap, b.top - gap, "end"),
                    (b.right + gap, b.y + size * MIDLINE, "start"),
                    (b.left - gap, b.y + size * MIDLINE, "end"),
                    (b.right + size, b.bottom + size * _OFF_BELOW, "start"),
                    (b.left - size, b.top - size, "end"),
                    (b.right + size, b.top - size, "start"),
                    (b.left - size, b.bottom + size * _OFF_BELOW, "end"),
                    (b.x, b.top - size * _ABOVE, "middle"),
                    (b.x, b.bottom + size * _BELOW, "middle"),
                ]
                # then the same places a little further out, clear of a line that runs close by
                out = {"start": size, "end": -size, "middle": 0.0}
                corners += [(x + out[a], y + (size if y > b.y else -size), a) for x, y, a in corners]
                options = [Label(f"round-{shape.node}", text, x, y, anchor, size) for x, y, anchor in corners]
                label, clash = place(options, segments, solid, labels)
                labels.append(label)
                crowded |= clash
        if not crowded:
            break
        m = dataclasses.replace(m, column=m.column * ROUND_ROOM[0], row=m.row * ROUND_ROOM[1])
    return dataclasses.replace(base, labels=tuple(labels), dashed=old)


# -- chain ---------------------------------------------------------------------------------------
def layout_chain(graph: CellGraph, m: Metrics) -> Layout:
    """Three modules side by side: the middle one in detail, the outer ones labelled A over a faded
    copy of the inside (as colah draws them); x_{t-1}, x_t, x_{t+1} below in circles, h_{t-1}, h_t,
    h_{t+1} above, as far from the module as in the post. Every module is at least as big as the
    LSTM's, as in the post, where the simple RNN's module is the LSTM's size with one layer in it."""
    base = _at_least(layout_cell(graph, m), m.column * m.chain_module, m.chain_aspect)
    module = base.module
    assert module is not None
    r = m.port_r
    out_y, in_y = module.top - m.chain_above * r, module.bottom + m.chain_below * r  # the circles' centres
    dx = module.w + m.lead  # the middle module starts one module and one lead from the left
    dy = m.pad + r - out_y  # the output circles' tops at the canvas's top margin

    middle = module.moved(dx, dy)
    shapes, wires, dots = [], [], [Dot(d.node, d.at.moved(dx, dy)) for d in base.dots]
    ports_in = {s.node: s for s in base.shapes if s.kind == "input"}
    ports_out = {s.node: s for s in base.shapes if s.kind == "output"}
    inside = [s for s in base.shapes if s.node not in ports_in and s.node not in ports_out]
    for s in inside:
        shapes.append(dataclasses.replace(s, box=s.box.moved(dx, dy)))
    for w in base.wires:
        points = [p.moved(dx, dy) for p in w.points]
        if w.src in ports_in:  # starts at the circle's top
            points[0] = Point(points[0].x, in_y + dy - r)
        if w.dst in ports_out:  # ends at the circle's bottom
            points[-1] = Point(points[-1].x, out_y + dy + r)
        wires.append(dataclasses.replace(w, points=tuple(points)))
    ghosts: set[str] = set()
    for k, offset in ((-1, -dx), (0, 0.0), (1, dx)):
        if k:
            name = f"A{k:+d}"
            box = Box(middle.x + offset, middle.y, middle.w, middle.h)
            shapes.append(Shape(name, "module", "module", box, "A"))
            ghost = _ghost(f"{name}:", base, module, dx + offset, dy)
            shapes += ghost.shapes
            wires += ghost.wires
            dots += ghost.dots
            ghosts |= {s.node for s in ghost.shapes} | {w.edge for w in ghost.wires} | {d.node for d in ghost.dots}
        for kind, ports in (("input", ports_in), ("output", ports_out)):
            for node_id, s in ports.items():
                at = Point(s.box.x + dx + offset, (in_y if kind == "input" else out_y) + dy)
                port = _step_id(node_id, k)
                label = shift_time(graph.node(node_id).label, k)
                shapes.append(Shape(port, kind, "port", Box(at.x, at.y, 2 * r, 2 * r), label))
                if k and kind == "input":
                    line = (Point(at.x, at.y - r), Point(at.x, middle.bottom))
                    wires.append(Wire(f"{port}->A", "transfer", port, f"A{k:+d}", line))
                elif k:
                    line = (Point(at.x, middle.top), Point(at.x, at.y + r))
                    wires.append(Wire(f"A->{port}", "transfer", f"A{k:+d}", port, line))
    for s in base.shapes:  # the states flow in from the left of the chain and out to its right
        if s.kind == "state-in":
            y = s.box.y + dy
            wires.append(Wire(f"{s.node}<-", "transfer", "", "A-1", (Point(m.pad, y), Point(middle.left - dx, y))))
        elif s.kind == "state-out":
            y = s.box.y + dy
            end = middle.right + dx + m.lead
            wires.append(Wire(f"{s.node}->", "transfer", "A+1", "", (Point(middle.right + dx, y), Point(end, y))))
    width_ = middle.right + dx + m.lead + m.pad
    height = in_y + dy + r + m.pad
    return Layout(
        width_,
        height,
        middle,
        tuple(shapes),
        tuple(wires),
        tuple(dots),
        (),
        faded=frozenset(ghosts),
        streams=base.streams,
    )


def _at_least(base: Layout, width: float, aspect: float) -> Layout:
    """``base`` with its module grown to ``width`` (and ``aspect`` times as high) if it is smaller,
    what is inside it centred, moved right so that the module's left side stays where it was; the
    states' lines run on to its new sides."""
    module = base.module
    assert module is not None
    w = max(module.w, width)
    h = max(module.h, w * aspect)
    if (w, h) == (module.w, module.h):
        return base
    dx = (w - module.w) / 2
    grown = Box(module.x + dx, module.y, w, h)

    kinds = {s.node: s.kind for s in base.shapes}
    wires = []
    for wire in base.wires:
        points = [p.moved(dx, 0) for p in wire.points]
        if kinds.get(wire.src) == "state-in":
            points[0] = Point(wire.points[0].x, points[0].y)  # from where it came in, to the new side
        if kinds.get(wire.dst) == "state-out":
            points[-1] = Point(points[-1].x + dx, points[-1].y)
        wires.append(dataclasses.replace(wire, points=tuple(points)))
    shapes = [dataclasses.replace(s, box=s.box.moved(dx, 0)) for s in base.shapes]
    dots = [Dot(d.node, d.at.moved(dx, 0)) for d in base.dots]
    return dataclasses.replace(base, module=grown, shapes=tuple(shapes), wires=tuple(wires), dots=tuple(dots))


def _ghost(prefix: str, base: Layout, module: Box, dx: float, dy: float) -> Layout:
    """The inside of ``base``'s module moved by (dx, dy), every id prefixed, its shapes and wires of
    kind ``ghost`` (the wires cut at the module's outline): what colah draws faded under an outer
    module's "A"."""

    def inside(p: Point) -> Point:
        return Point(min(max(p.x, module.left), module.right), min(max(p.y, module.top), module.bottom))

    shapes = tuple(
        dataclasses.replace(s, node=prefix + s.node, kind="ghost", box=s.box.moved(dx, dy))
        for s in base.shapes
        if s.shape not in ("terminal", "port")
    )
    wires = []
    for w in base.wires:
        points = tuple(inside(p).moved(dx, dy) for p in w.points)
        if len(set(points)) < 2:
            continue
        wires.append(
            dataclasses.replace(
                w,
                edge=prefix + w.edge,
                kind="ghost",
                src=prefix + w.src,
                dst=prefix + w.dst,
                points=points,
                arrow=w.arrow and inside(w.points[-1]) == w.points[-1],  # none where it was cut
            )
        )
    dots = tuple(Dot(prefix + d.node, d.at.moved(dx, dy)) for d in base.dots)
    return Layout(base.width, base.height, None, shapes, tuple(wires), dots, ())


def shift_time(label: str, k: int) -> str:
    """A label moved ``k`` steps in time: ``x_t`` -> ``x_{t+1}``, ``h_{t-1}`` -> ``h_{t-2}``."""
    if not k:
        return label

    def move(match: re.Match[str]) -> str:
        offset = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1) + k
        return "_{t" + (f"{offset:+d}" if offset else "") + "}"

    return re.sub(r"_\{?t(?:([+-])(\d+))?\}?(?![A-Za-z0-9])", move, label)


def _step_id(node_id: str, k: int) -> str:
    return node_id if not k else f"{node_id}{'-' if k < 0 else '+'}{abs(k)}"
