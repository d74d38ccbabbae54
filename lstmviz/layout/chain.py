"""The chain view: three modules side by side, the middle one in detail, as colah draws the
repeating module of an RNN; and the time shift of its labels (``x_t`` -> ``x_{t+1}``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from ..spec.graph import CellGraph
from .cell import layout_cell
from .geometry import Box, Dot, Layout, Point, Shape, Wire, band, fork_dots, simplify
from .metrics import Metrics
from .routing import EPS


def layout_chain(graph: CellGraph, m: Metrics) -> Layout:
    """Three modules side by side: the middle one in detail, the outer ones labelled A over a faded
    copy of the inside (as colah draws them); x_{t-1}, x_t, x_{t+1} below in circles, h_{t-1}, h_t,
    h_{t+1} above, as far from the module as in the post. Every module is at least as big as the
    LSTM's, as in the post, where the simple RNN's module is the LSTM's size with one layer in it."""
    base = _at_least(layout_cell(graph, m), m)
    module = base.module
    assert module is not None
    r = m.port_r
    out_y, in_y = module.top - m.chain_above * r, module.bottom + m.chain_below * r  # the circles' centres
    step = 2 * r + m.port_gap  # between circles side by side
    most = max(sum(s.kind == kind for s in base.shapes) for kind in ("input", "output"))
    side = max(module.w * m.chain_side, most * step - m.port_gap)  # the outer modules' width: room for the circles
    dx = side + m.lead  # the middle module starts one outer module and one lead from the left
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
    offset = (middle.w + side) / 2 + m.lead  # from the middle module's centre to an outer one's
    for k in (-1, 0, 1):
        box = Box(middle.x + k * offset, middle.y, side, middle.h) if k else middle
        if k:
            name = f"A{k:+d}"
            shapes.append(Shape(name, "module", "module", box, "A"))
            if m.chain_side >= 1:  # a faded copy of the inside, where it fits
                ghost = _ghost(f"{name}:", base, module, box.left - module.left, dy)
                shapes += ghost.shapes
                wires += ghost.wires
                dots += ghost.dots
                ghosts |= {s.node for s in ghost.shapes} | {w.edge for w in ghost.wires} | {d.node for d in ghost.dots}
        for kind, ports in (("input", ports_in), ("output", ports_out)):
            # where each stands in the middle module, in proportion, apart and inside a narrower one
            xs = [box.left + (s.box.x + dx - middle.left) * box.w / middle.w for s in ports.values()]
            if box.w < middle.w:
                xs = _spread(xs, box.left + r, box.right - r, step)
            for (node_id, s), x in zip(ports.items(), xs):
                at = Point(x, (in_y if kind == "input" else out_y) + dy)
                port = _step_id(node_id, k)
                label = shift_time(graph.node(node_id).label, k)
                shapes.append(Shape(port, kind, "port", Box(at.x, at.y, 2 * r, 2 * r), label))
                if k and kind == "input":
                    line = (Point(at.x, at.y - r), Point(at.x, middle.bottom))
                    wires.append(Wire(f"{port}->A", "transfer", port, f"A{k:+d}", line))
                elif k:
                    line = (Point(at.x, middle.top), Point(at.x, at.y + r))
                    wires.append(Wire(f"A->{port}", "transfer", f"A{k:+d}", port, line))
    first, last = middle.left - m.lead - side, middle.right + m.lead + side  # the chain's outer sides
    for s in base.shapes:  # the states flow in from the left of the chain and out to its right
        if s.kind == "state-in":
            y = s.box.y + dy
            wires.append(Wire(f"{s.node}<-", "transfer", "", "A-1", (Point(m.pad, y), Point(first, y))))
        elif s.kind == "state-out":
            y = s.box.y + dy
            wires.append(Wire(f"{s.node}->", "transfer", "A+1", "", (Point(last, y), Point(last + m.lead, y))))
    width_ = last + m.lead + m.pad
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


def _spread(xs: list[float], lo: float, hi: float, step: float) -> list[float]:
    """``xs`` kept in their order, each at least ``step`` from the next, all within ``lo``..``hi``
    where they fit (moved as little as that takes)."""
    order = sorted(range(len(xs)), key=lambda k: xs[k])
    out = dict.fromkeys(order, 0.0)
    last = lo - step
    for k in order:  # apart, left to right, from ``lo``
        last = out[k] = max(xs[k], last + step)
    last = hi + step
    for k in reversed(order):  # and back inside ``hi``, right to left
        last = out[k] = min(out[k], last - step)
    return [out[k] for k in range(len(xs))]


def _at_least(base: Layout, m: Metrics) -> Layout:
    """``base`` with its module grown to the chain's least size if it is smaller, what is inside it
    centred, moved right so that the module's left side stays where it was; the states' lines run
    on to its new sides, and the inputs and outputs move out to its sides, where colah's simple RNN
    takes x_t in and gives h_t out (:func:`_to_sides`)."""
    module = base.module
    assert module is not None
    w = max(module.w, m.column * m.chain_module)
    h = max(module.h, w * m.chain_aspect)
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
    grown_layout = dataclasses.replace(base, module=grown, shapes=tuple(shapes), wires=tuple(wires))
    return _to_sides(grown_layout, m)


def _to_sides(layout: Layout, m: Metrics) -> Layout:
    """The inputs moved left until their circles touch the module's left side, the outputs right
    until theirs touch its right side, each line bent to reach its old path where the bend crosses
    nothing (else that port stays where it was); the fork dots found again."""
    module = layout.module
    assert module is not None
    step = 2 * m.port_r + m.port_gap
    shapes, wires = {s.node: s for s in layout.shapes}, list(layout.wires)
    ins = sorted((s for s in layout.shapes if s.kind == "input"), key=lambda s: s.box.x)
    outs = sorted((s for s in layout.shapes if s.kind == "output"), key=lambda s: -s.box.x)
    x = module.left + m.port_r  # each as far out as the one before it (moved or not) leaves room
    for port in ins:
        _move_port(port, x, shapes, wires, m)
        x = shapes[port.node].box.x + step
    x = module.right - m.port_r
    for port in outs:
        _move_port(port, x, shapes, wires, m)
        x = shapes[port.node].box.x - step
    return dataclasses.replace(layout, shapes=tuple(shapes.values()), wires=tuple(wires), dots=fork_dots(wires))


def _move_port(port: Shape, x: float, shapes: dict[str, Shape], wires: list[Wire], m: Metrics) -> None:
    """``port`` moved to ``x`` (only outward, left for an input and right for an output, and at least
    a circle's radius) if every line it starts or ends can bend there clear of the shapes and of
    other sources' lines."""
    outward = port.box.x - x if port.kind == "input" else x - port.box.x
    if outward < m.port_r:  # not worth a bend: a jog shorter than a circle's radius reads as a slip
        return
    mine = [k for k, w in enumerate(wires) if port.node in (w.src, w.dst)]
    others = [w for w in wires if port.node not in (w.src, w.dst) and w.src != _source(port, wires)]
    bent = {}
    for k in mine:
        path = _bent(wires[k].points, port.kind == "output", x, others, shapes.values(), m)
        if path is None:
            return
        bent[k] = path
    for k, path in bent.items():
        wires[k] = dataclasses.replace(wires[k], points=path)
    shapes[port.node] = dataclasses.replace(port, box=dataclasses.replace(port.box, x=x))


def _source(port: Shape, wires: list[Wire]) -> str:
    """The node whose value the port's lines carry: the input itself, or what feeds an output."""
    return port.node if port.kind == "input" else next(w.src for w in wires if w.dst == port.node)


def _bent(
    points: tuple[Point, ...], at_end: bool, x: float, others: list[Wire], shapes: Iterable[Shape], m: Metrics
) -> tuple[Point, ...] | None:
    """``points`` with the vertical run at its port (its start, or its end when ``at_end``) moved to
    ``x``, joined to the old run by the highest (for an input) or lowest (for an output) level that
    crosses nothing, one track a try; None when none is clear."""
    pts = list(reversed(points) if at_end else points)
    port, turn = pts[0], pts[1]
    tries = max(0, int(abs(port.y - turn.y) // m.track))
    for k in range(tries):
        y = turn.y + (k * m.track if port.y > turn.y else -k * m.track)
        path = [Point(x, port.y), Point(x, y), Point(port.x, y), *pts[1:]]
        new = list(zip(path, path[1:]))[:2]  # the new vertical and the bend; the rest was there
        if not any(_meets(a, b, w.points, _apart(w, m)) for a, b in new for w in others) and not any(
            s.box.crossed_by(a, b) for a, b in new for s in shapes if s.shape in ("box", "circle", "ellipse")
        ):
            path = simplify(path)
            return tuple(reversed(path) if at_end else path)
    return None


def _apart(wire: Wire, m: Metrics) -> float:
    """How far a new line must stay from ``wire``: a track, and half the more a top line is wider."""
    return m.track - EPS + ((m.lane_width - m.wire_width) / 2 if wire.lane else 0.0)


def _meets(a: Point, b: Point, line: tuple[Point, ...], gap: float) -> bool:
    """Whether the segment a-b comes within ``gap`` of the polyline ``line``."""
    return any(band(a, b).overlaps(band(c, d), gap) for c, d in zip(line, line[1:]))


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
