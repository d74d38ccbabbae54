"""A layout and a style become a scene: backend-neutral primitives grouped by node and edge id.

Both backends (SVG, matplotlib) draw the same scene, so a figure looks the same in each.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from ..layout.geometry import Layout, Point, Shape, on_segment
from ..mathtext import SCRIPT_SCALE, Run, runs
from ..mathtext import width as text_width
from ..style import Style


@dataclasses.dataclass(frozen=True)
class Rect:
    """A rectangle by its top left corner; ``data`` and ``title`` (a tooltip) go into the SVG, where a
    page or a test can read them (an animation's cell carries its exact value)."""

    x: float
    y: float
    w: float
    h: float
    radius: float
    fill: str
    stroke: str
    width: float
    data: tuple[tuple[str, str], ...] = ()
    title: str = ""


@dataclasses.dataclass(frozen=True)
class Ellipse:
    x: float
    y: float
    rx: float
    ry: float
    fill: str
    stroke: str
    width: float


@dataclasses.dataclass(frozen=True)
class Line:
    """An orthogonal polyline with rounded corners, ending in an arrowhead of size ``arrow`` (0: none);
    ``dash`` is a dash pattern (empty: solid)."""

    points: tuple[Point, ...]
    color: str
    width: float
    radius: float
    arrow: float
    dash: tuple[float, ...] = ()


@dataclasses.dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    fill: str
    stroke: str
    width: float


@dataclasses.dataclass(frozen=True)
class Text:
    """Text made of runs on a baseline at (x, y); ``source`` keeps a math label as written, for a
    backend that typesets math itself; ``script`` is the size of sub- and superscripts."""

    x: float
    y: float
    runs: tuple[Run, ...]
    anchor: str
    size: float
    color: str
    family: str
    source: str = ""
    script: float = SCRIPT_SCALE


Item = Rect | Ellipse | Line | Polygon | Text


@dataclasses.dataclass(frozen=True)
class Group:
    """Primitives of one node or edge: ``css`` is its class list ("faded" among them when the focus
    view fades it: its colours are washed already), ``data`` its data attributes."""

    css: str
    data: tuple[tuple[str, str], ...]
    items: tuple[Item, ...]
    labels: int = 0  # the last this many items are the node's label, text beside it (not its symbol)


@dataclasses.dataclass(frozen=True)
class Scene:
    width: float
    height: float
    background: str
    groups: tuple[Group, ...]


def build_scene(layout: Layout, style: Style, *, openings: Mapping[str, float] | None = None) -> Scene:
    """The scene that draws ``layout`` in ``style``: modules at the back, then wires, then shapes.

    ``openings`` sets how far each valve is open, by node id, from 0 (shut) to 1 (open); a valve
    not named is drawn half open. The animation drives them from the executor's values.
    """
    group = _grouper(style)
    groups, names = _modules(layout, style, group)
    groups += _wires(layout, style, group)
    groups += _dots(layout, style, group)
    labels_of = _label_texts(layout, style.text)
    for shape in layout.shapes:
        if shape.shape == "module":
            continue
        items, data = _shape_items(shape, layout, style, openings)
        texts = labels_of.pop(shape.node, [])
        # every node has its group, even one with nothing to draw (a junction), so ids always resolve
        made = group(f"node {shape.kind}", data, (*items, *texts), shape.node in layout.faded)
        groups.append(dataclasses.replace(made, labels=len(texts)))
    for owner, texts in labels_of.items():  # labels of no node: equations, legend captions
        groups.append(Group("label", (("owner", owner),), tuple(texts), len(texts)))
    return Scene(layout.width, layout.height, style.canvas.background, tuple(groups + names))


_Grouper = Callable[[str, tuple[tuple[str, str], ...], tuple[Item, ...], bool], Group]


def _grouper(s: Style) -> _Grouper:
    """What makes one group; a faded one has every colour washed toward the module's (one fade, once)."""
    wash = s.focus.wash or s.module.fill

    def group(css: str, data: tuple[tuple[str, str], ...], items: tuple[Item, ...], faded: bool) -> Group:
        if not faded:
            return Group(css, data, items)
        return Group(f"{css} faded", data, tuple(_washed(i, wash, s.focus.faded_opacity) for i in items))

    return group


def _modules(layout: Layout, s: Style, group: _Grouper) -> tuple[list[Group], list[Group]]:
    """The module (a chain's modules too) at the back, and their names, drawn over everything."""
    groups, names = [], []
    modules = [(None, layout.module)] if layout.module is not None else []
    modules += [(shape, shape.box) for shape in layout.shapes if shape.shape == "module"]
    for shape, b in modules:
        items: tuple[Item, ...] = (
            Rect(
                b.left, b.top, b.w, b.h, s.module.corner_radius, s.module.fill, s.module.stroke, s.module.stroke_width
            ),
        )
        data = (("node", shape.node),) if shape is not None else ()
        dim = "module" in layout.faded or (shape is not None and shape.node in layout.faded)  # a chain's outer one
        groups.append(group("module", data, items, dim))
        if shape is not None and shape.symbol:  # its name over whatever is drawn inside it
            size = 0.7 * min(b.h, 137.0)  # colah's A: its capitals half a small module's height (16 of 31 px)
            size = min(size, size * b.w * 0.4 / max(text_width(shape.symbol, size), 1e-9))  # a word fits
            name = Text(b.x, b.y + size * 0.36, (Run(shape.symbol),), "middle", size, s.text.color, s.text.family)
            names.append(group("module-name", data, (name,), dim))
    return groups, names


def _wires(layout: Layout, s: Style, group: _Grouper) -> list[Group]:
    """Every wire, lit lines over faded ones."""
    streams = list(dict.fromkeys([*layout.streams, *(w.stream for w in layout.wires if w.stream)]))
    new_values = {sh.node for sh in layout.shapes if sh.form == "lane-sum"} | layout.renewed
    piped = {w.stream for w in layout.wires if w.lane} if s.vocabulary.lane == "pipe" else set()
    headless = _headless(layout) if s.wire.heads == "gates" else set()
    return [
        group(
            f"edge {wire.kind} diagonal" if wire.diagonal else f"edge {wire.kind}",
            (("edge", wire.edge), ("src", wire.src), ("dst", wire.dst)),
            _wire_items(
                dataclasses.replace(wire, arrow=False) if wire.edge in headless else wire,
                s,
                streams,
                wire.src in new_values,
                wire.edge in layout.dashed,
                wire.stream in piped,
            ),
            wire.edge in layout.faded,
        )
        for wire in sorted(layout.wires, key=lambda w: w.edge not in layout.faded)
    ]


def _headless(layout: Layout) -> set[str]:
    """The lines colah draws without an arrowhead (the style's ``heads = "gates"``): into a layer,
    along or off the top line, and the value a gate product gates; a gate's line into its product,
    a line into a sum off the top line and every line out of the cell keep theirs."""
    shapes = {sh.node: sh for sh in layout.shapes}
    on_top = {n for w in layout.wires if w.lane for n in (w.src, w.dst)}
    out = set()
    for w in layout.wires:
        dst = shapes.get(w.dst)
        if dst is None or dst.kind not in ("layer", "op"):
            continue  # out of the cell, into a circle of the chain
        gated = dst.form == "gate-product" and dst.gate not in ("", w.src)
        if dst.kind == "layer" or w.lane or w.src in on_top or gated:
            out.add(w.edge)
    return out


def _dots(layout: Layout, s: Style, group: _Grouper) -> list[Group]:
    """The junction dots where a line forks (none in a style that draws none); a focus figure
    leaves those on lit lines lit."""
    if s.wire.dots == "none":
        return []
    lit_dots = _lit_dots(layout)
    return [
        group(
            "junction",
            (("node", dot.node),),
            (Ellipse(dot.at.x, dot.at.y, s.wire.dot, s.wire.dot, s.wire.color, "none", 0),),
            dot.node in layout.faded or ("module" in layout.faded and dot not in lit_dots),
        )
        for dot in layout.dots
    ]


def _label_texts(layout: Layout, t: Any) -> dict[str, list[Text]]:
    """Each label as text, by the node (or caption) it belongs to: math in the math font, words upright."""
    labels_of: dict[str, list[Text]] = {}
    for label in layout.labels:
        if label.math:
            text = Text(
                label.x, label.y, runs(label.text), label.anchor, label.size, t.color, t.math_family, label.text
            )
        else:  # words (a caption) and signs, upright in the text font
            text = Text(label.x, label.y, (Run(label.text),), label.anchor, label.size, t.color, t.family)
        labels_of.setdefault(label.owner, []).append(text)
    return labels_of


def _shape_items(
    shape: Shape, layout: Layout, s: Style, openings: Mapping[str, float] | None
) -> tuple[list[Item], tuple[tuple[str, str], ...]]:
    """What draws one node (a valve, a tee, a layer's box, an op's circle, a port) with its symbol,
    and its group's data."""
    t, b = s.text, shape.box
    items: list[Item] = []
    drawn_as = {"gate-product": s.vocabulary.gate_product, "lane-sum": s.vocabulary.lane_sum}.get(shape.form)
    data: tuple[tuple[str, str], ...] = (("node", shape.node),)
    if drawn_as == "valve":
        opening = min(1.0, max(0.0, (openings or {}).get(shape.node, 0.5)))
        handle = side_entered(layout, shape)
        items.extend(valve(b.x, b.y, b.w / 2, opening, handle=handle, style=s))
        data += (("opening", f"{opening:.3g}"), ("gate", shape.gate), ("handle", handle))
    elif drawn_as == "tee":
        items.extend(tee(b.x, b.y, b.w / 2, s, stem=b.h / 2))  # within its box
    elif shape.shape == "box":
        items.append(Rect(b.left, b.top, b.w, b.h, 0, s.layer.fill, s.layer.stroke, s.layer.stroke_width))
        drawn_in = any(w.dst == shape.node and w.kind == "bias" for w in layout.wires)
        if s.vocabulary.layer == "network" and shape.form != "no-bias" and not drawn_in:  # "+b": a bias
            plus_b = Text(
                b.right - 2, b.bottom - 3, runs("+b"), "end", t.symbol_size * 0.65, s.layer.text, t.math_family, "+b"
            )
            items.append(plus_b)
    elif shape.shape in ("circle", "ellipse"):
        items.append(Ellipse(b.x, b.y, b.w / 2, b.h / 2, s.op.fill, s.op.stroke, s.op.stroke_width))
    elif shape.shape == "port":
        fill = s.terminal.input_fill if shape.kind == "input" else s.terminal.output_fill
        items.append(Ellipse(b.x, b.y, b.w / 2, b.h / 2, fill, s.terminal.stroke, s.terminal.stroke_width))
    if shape.symbol and shape.shape == "port":  # x_t in its circle, as big as the circle allows
        size = b.h * s.terminal.text_scale
        upright = tuple(dataclasses.replace(r, italic=False) for r in runs(shape.symbol))  # as colah's
        wide = sum(text_width(r.text, size * (0.5 if r.shift else 1.0)) for r in upright)
        size = min(size, size * b.w * 0.8 / max(wide, 1e-9))  # and small scripts, as his
        items.append(Text(b.x, b.y + size * 0.3, upright, "middle", size, t.color, t.family, script=0.5))
    elif shape.symbol and not drawn_as or drawn_as == "circle":
        colour = s.layer.text if shape.shape == "box" else s.op.text
        network = shape.shape == "box" and s.vocabulary.layer == "network"
        # the symbol fits its shape (a word in a circle, tanh in an ellipse, text grown for print)
        room = {"circle": b.w - 4, "ellipse": b.w * 0.75}.get(shape.shape, b.w - (14 if network else 6))
        tall = b.h * (0.8 if shape.shape == "ellipse" else 0.72)  # and its height (colah's: 0.79, 0.70)
        size = min(t.symbol_size, tall, t.symbol_size * room / max(text_width(shape.symbol, t.symbol_size), 1e-9))
        symbol = Text(b.x - (5 if network else 0), b.y + size * 0.36, (Run(shape.symbol),), "middle", size, colour,
                      t.family)  # fmt: skip
        items.append(symbol)
    return items, data


def _lit_dots(layout: Layout) -> set:  # type: ignore[type-arg]
    """The junction dots a focus figure leaves lit: those on a lit line (a dot washed out on a black
    line would read as a gap in it)."""
    out = set()
    for dot in layout.dots:
        lit = [w for w in layout.wires if w.src == dot.node and w.edge not in layout.faded]
        if any(any(on_segment(dot.at, a, b) for a, b in zip(w.points, w.points[1:])) for w in lit):
            out.add(dot)
    return out


def _washed(item: Item, wash: str, keep: float) -> Item:
    """``item`` with every colour mixed toward ``wash``, keeping ``keep`` of its own."""
    changes = {
        name: mix(getattr(item, name), wash, keep)
        for name in ("fill", "stroke", "color")
        if hasattr(item, name) and getattr(item, name) != "none"
    }
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]


def mix(colour: str, toward: str, keep: float) -> str:
    """The colour ``keep`` of the way from ``toward`` to ``colour`` (1: ``colour`` itself)."""
    a, b = _rgb(colour), _rgb(toward)
    return "#" + "".join(f"{round(keep * p + (1 - keep) * q):02x}" for p, q in zip(a, b))


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    if len(h) in (3, 4):
        h = "".join(c * 2 for c in h[:3])
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _wire_items(  # type: ignore[no-untyped-def]
    wire, s: Style, streams: list[str], new_value: bool, dashed: bool, piped: bool
) -> tuple[Item, ...]:
    """A line, in its stream's colour, or (the top line in the pipe vocabulary) a pipe of water; a
    line drawing from a pipe carries its water's colour."""
    arrow = s.wire.arrow if wire.arrow else 0.0
    dash = (s.wire.width * 2.5, s.wire.width * 1.8) if dashed else ()
    if wire.lane and s.vocabulary.lane == "pipe":
        water = s.streams.new_water if new_value else s.streams.water
        wall = s.streams.pipe_width
        inner = wall - 2 * max(1.5, wall * 0.18)
        return (
            Line(wire.points, s.streams.pipe_wall, wall, s.wire.corner_radius, 0.0, dash),
            Line(wire.points, water, inner, s.wire.corner_radius, arrow and inner * 0.9),
        )
    colour = s.wire.color
    if wire.stream and s.streams.colors:
        colour = s.streams.colors[streams.index(wire.stream) % len(s.streams.colors)]
        colour = s.streams.water if piped else colour
        colour = s.streams.new_water if new_value else colour
    line = Line(wire.points, colour, s.wire.width, s.wire.corner_radius, arrow, dash)
    if not wire.diagonal or s.wire.peephole == "line":
        return (line,)
    # elementwise (diagonal) weights: a small ⊙ on the line just before it enters the layer
    tip, before = wire.points[-1], wire.points[-2]
    ux, uy = _unit(before, tip)
    r = s.wire.width * 1.5
    back = min(arrow + r + 1.0, _length(before, tip) * 0.6)
    at = Point(tip.x - ux * back, tip.y - uy * back)
    return (
        line,
        Ellipse(at.x, at.y, r, r, s.canvas.background, colour, s.wire.width * 0.5),
        Ellipse(at.x, at.y, r * 0.35, r * 0.35, colour, "none", 0.0),
    )


def side_entered(layout: Layout, shape: Shape) -> str:
    """The side of ``shape`` where the line of its gate comes in: there the valve has its handle."""
    b = shape.box
    for w in layout.wires:
        if w.dst == shape.node and w.src == shape.gate and len(w.points) >= 2:
            end = w.points[-1]
            return min(
                ("bottom", abs(end.y - b.bottom)),
                ("top", abs(end.y - b.top)),
                ("left", abs(end.x - b.left)),
                ("right", abs(end.x - b.right)),
                key=lambda side: side[1],
            )[0]
    return "bottom"


#: The way the stream flows through a valve, and the way to its handle, by the handle's side.
_VALVE_AXES = {
    "bottom": ((1, 0), (0, 1)),
    "top": ((1, 0), (0, -1)),
    "left": ((0, -1), (-1, 0)),
    "right": ((0, -1), (1, 0)),
}


def valve(x: float, y: float, r: float, opening: float, *, handle: str, style: Style) -> list[Item]:
    """A gate valve at (x, y): its body (two wedges meeting in the middle), a stem and handle on
    the ``handle`` side (where the gate's line comes in), across the flow, the water through it,
    and the gate, which closes from the stem's side as ``opening`` goes from 1 (open) to 0 (shut)."""
    s = style.streams
    (fx, fy), (nx, ny) = _VALVE_AXES[handle]

    def at(u: float, v: float) -> Point:  # u along the flow, v across it (negative: the stem's side)
        return Point(x + u * fx - v * nx, y + u * fy - v * ny)

    def rect(u0: float, v0: float, u1: float, v1: float, fill: str) -> Rect:
        a, b = at(u0, v0), at(u1, v1)
        return Rect(min(a.x, b.x), min(a.y, b.y), abs(a.x - b.x), abs(a.y - b.y), 0, fill, "none", 0)

    half, long = r * 0.66, r  # the whole valve stays inside its node's box, which the layout keeps clear
    inner = half * 0.62
    return [
        Line((at(0, -half), at(0, -r * 0.95)), style.op.stroke, 1.6, 0, 0),
        Line((at(-r * 0.45, -r * 0.95), at(r * 0.45, -r * 0.95)), style.op.stroke, 2.4, 0, 0),
        Polygon((at(-long, -half), at(-long, half), at(0, 0)), s.valve, style.op.stroke, 1.0),
        Polygon((at(long, -half), at(long, half), at(0, 0)), s.valve, style.op.stroke, 1.0),
        rect(-r * 0.32, -inner, r * 0.32, inner, s.water),
        rect(-r * 0.32, -inner, r * 0.32, -inner + 2 * inner * (1 - opening), style.op.stroke),
    ]


def tee(x: float, y: float, r: float, style: Style, stem: float | None = None) -> list[Item]:
    """A T-joint at (x, y), ``2 r`` long: the pipe runs through, a side pipe ``stem`` long (``r`` unless
    given) joins from below."""
    s = style.streams
    stem = r if stem is None else stem
    w = s.pipe_width
    inner = w - 2 * max(1.5, w * 0.18)
    return [
        Rect(x - r, y - w / 2, r * 2, w, 2, s.pipe_wall, "none", 0),
        Rect(x - w / 2, y, w, stem, 2, s.pipe_wall, "none", 0),
        Rect(x - r, y - inner / 2, r * 2, inner, 0, s.new_water, "none", 0),
        Rect(x - inner / 2, y, inner, stem - (w - inner) / 2, 0, s.new_water, "none", 0),
    ]


def with_arrowhead(line: Line) -> tuple[list[Point], list[Point] | None]:
    """The line's points, its end pulled back under the arrowhead, and the arrowhead's triangle (no
    longer than 0.7 of the last straight piece, so a short line between two ops keeps a stem)."""
    points = list(line.points)
    if not line.arrow:
        return points, None
    tip, before = points[-1], points[-2]
    ux, uy = _unit(before, tip)
    arrow = min(line.arrow, 0.7 * _length(before, tip))
    half = arrow * 0.55
    base = Point(tip.x - ux * arrow, tip.y - uy * arrow)
    points[-1] = Point(tip.x - ux * arrow * 0.8, tip.y - uy * arrow * 0.8)
    return points, [tip, Point(base.x - uy * half, base.y + ux * half), Point(base.x + uy * half, base.y - ux * half)]


def rounded_corners(points: list[Point], radius: float) -> list[tuple[Point, Point, Point]]:
    """For each corner of an orthogonal polyline: where the curve starts, the corner, where it ends."""
    out = []
    for prev, corner, nxt in zip(points, points[1:], points[2:]):
        r = min(radius, _length(prev, corner) / 2, _length(corner, nxt) / 2)
        ax, ay = _unit(prev, corner)
        bx, by = _unit(corner, nxt)
        out.append((Point(corner.x - ax * r, corner.y - ay * r), corner, Point(corner.x + bx * r, corner.y + by * r)))
    return out


def _unit(a: Point, b: Point) -> tuple[float, float]:
    length = _length(a, b) or 1.0
    return (b.x - a.x) / length, (b.y - a.y) / length


def _length(a: Point, b: Point) -> float:
    return math.hypot(b.x - a.x, b.y - a.y)
