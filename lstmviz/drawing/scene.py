"""A layout and a style become a scene: backend-neutral primitives grouped by node and edge id.

Both backends (SVG, matplotlib) draw the same scene, so a figure looks the same in each.
"""

from __future__ import annotations

import dataclasses
import math

from ..layout.geometry import Layout, Point
from ..mathtext import Run, runs
from ..style import Style


@dataclasses.dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    radius: float
    fill: str
    stroke: str
    width: float


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
    """An orthogonal polyline with rounded corners, ending in an arrowhead of size ``arrow`` (0: none)."""

    points: tuple[Point, ...]
    color: str
    width: float
    radius: float
    arrow: float


@dataclasses.dataclass(frozen=True)
class Text:
    """Text made of runs on a baseline at (x, y); ``source`` keeps a math label as written, for a
    backend that typesets math itself."""

    x: float
    y: float
    runs: tuple[Run, ...]
    anchor: str
    size: float
    color: str
    family: str
    source: str = ""


Item = Rect | Ellipse | Line | Text


@dataclasses.dataclass(frozen=True)
class Group:
    """Primitives of one node or edge: ``css`` is its class list, ``data`` its data attributes,
    ``opacity`` below 1 when the figure fades it (the focus view)."""

    css: str
    data: tuple[tuple[str, str], ...]
    items: tuple[Item, ...]
    opacity: float = 1.0


@dataclasses.dataclass(frozen=True)
class Scene:
    width: float
    height: float
    background: str
    groups: tuple[Group, ...]


def build_scene(layout: Layout, style: Style) -> Scene:
    """The scene that draws ``layout`` in ``style``: modules at the back, then wires, then shapes."""
    s, t = style, style.text

    def faded(*ids: str) -> float:
        return s.focus.faded_opacity if any(i in layout.faded for i in ids) else 1.0

    groups = []
    modules = [(None, layout.module)] if layout.module is not None else []
    modules += [(shape, shape.box) for shape in layout.shapes if shape.shape == "module"]
    for shape, b in modules:
        items: list[Item] = [
            Rect(b.left, b.top, b.w, b.h, s.module.corner_radius, s.module.fill, s.module.stroke, s.module.stroke_width)
        ]
        if shape is not None and shape.symbol:
            items.append(Text(b.x, b.y + b.h * 0.15, (Run(shape.symbol),), "middle", b.h * 0.42, t.color, t.family))
        data = (("node", shape.node),) if shape is not None else ()
        groups.append(Group("module", data, tuple(items)))
    for wire in layout.wires:
        arrow = s.wire.arrow if wire.arrow else 0.0
        groups.append(
            Group(
                f"edge {wire.kind}",
                (("edge", wire.edge), ("src", wire.src), ("dst", wire.dst)),
                (Line(wire.points, s.wire.color, s.wire.width, s.wire.corner_radius, arrow),),
                faded(wire.edge),
            )
        )
    for dot in layout.dots:
        groups.append(
            Group(
                "junction",
                (("node", dot.node),),
                (Ellipse(dot.at.x, dot.at.y, s.wire.dot, s.wire.dot, s.wire.color, "none", 0),),
                faded(dot.node),
            )
        )
    labels_of: dict[str, list[Text]] = {}
    for label in layout.labels:
        labels_of.setdefault(label.owner, []).append(
            Text(
                label.x,
                label.y,
                runs(label.text),
                label.anchor,
                label.size * t.label_size / 13.0,
                t.color,
                t.math_family,
                label.text,
            )
        )
    for shape in layout.shapes:
        if shape.shape == "module":
            continue
        b = shape.box
        items = []
        if shape.shape == "box":
            items.append(Rect(b.left, b.top, b.w, b.h, 0, s.layer.fill, s.layer.stroke, s.layer.stroke_width))
        elif shape.shape in ("circle", "ellipse"):
            items.append(Ellipse(b.x, b.y, b.w / 2, b.h / 2, s.op.fill, s.op.stroke, s.op.stroke_width))
        elif shape.shape == "port":
            fill = s.terminal.input_fill if shape.kind == "input" else s.terminal.output_fill
            items.append(Ellipse(b.x, b.y, b.w / 2, b.h / 2, fill, s.terminal.stroke, s.terminal.stroke_width))
        if shape.symbol and shape.shape == "port":
            items.append(
                Text(
                    b.x,
                    b.y + t.label_size * 0.3,
                    runs(shape.symbol),
                    "middle",
                    t.label_size,
                    t.color,
                    t.math_family,
                    shape.symbol,
                )
            )
        elif shape.symbol:
            colour = s.layer.text if shape.shape == "box" else s.op.text
            items.append(
                Text(b.x, b.y + t.symbol_size * 0.36, (Run(shape.symbol),), "middle", t.symbol_size, colour, t.family)
            )
        items.extend(labels_of.pop(shape.node, []))
        # every node has its group, even one with nothing to draw (a junction), so ids always resolve
        groups.append(Group(f"node {shape.kind}", (("node", shape.node),), tuple(items), faded(shape.node)))
    for owner, texts in labels_of.items():  # labels of no node: equations, legend captions
        groups.append(Group("label", (("owner", owner),), tuple(texts)))
    return Scene(layout.width, layout.height, s.canvas.background, tuple(groups))


def with_arrowhead(line: Line) -> tuple[list[Point], list[Point] | None]:
    """The line's points, its end pulled back under the arrowhead, and the arrowhead's triangle."""
    points = list(line.points)
    if not line.arrow:
        return points, None
    tip, before = points[-1], points[-2]
    ux, uy = _unit(before, tip)
    half = line.arrow * 0.55
    base = Point(tip.x - ux * line.arrow, tip.y - uy * line.arrow)
    points[-1] = Point(tip.x - ux * line.arrow * 0.8, tip.y - uy * line.arrow * 0.8)
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
