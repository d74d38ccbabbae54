"""The SVG backend: a scene drawn with svgwrite, as real text and groups a browser or CSS can find.

Each node is a ``<g class="node KIND" data-node="ID">``, each edge a ``<g class="edge KIND"
data-edge="ID">``; text stays text, with sub- and superscripts as ``<tspan>``s.
"""

from __future__ import annotations

import svgwrite

from ..layout.geometry import Point
from ..mathtext import SCRIPT_SHIFT
from .scene import Ellipse, Line, Polygon, Rect, Scene, Text, rounded_corners, with_arrowhead


def to_svg(scene: Scene, *, width_in: float | None = None, css: str = "") -> str:
    """The scene as a standalone SVG document; ``width_in`` sets its printed width in inches, ``css``
    is a style sheet the document carries (an animation's keyframes)."""
    if width_in is None:
        size = (f"{_n(scene.width)}px", f"{_n(scene.height)}px")
    else:
        size = (f"{_n(width_in)}in", f"{_n(width_in * scene.height / scene.width)}in")
    dwg = svgwrite.Drawing(size=size, profile="full", debug=False)
    dwg.viewbox(0, 0, scene.width, scene.height)
    if scene.background != "none":
        dwg.add(dwg.rect((0, 0), (scene.width, scene.height), fill=scene.background, class_="background"))
    for group in scene.groups:
        g = dwg.g(class_=group.css, **{f"data-{k}": v for k, v in group.data})
        for item in group.items:
            for element in _draw(dwg, item):
                g.add(element)
        dwg.add(g)
    if css:
        dwg.add(dwg.style(css))
    return dwg.tostring()


def _draw(dwg: svgwrite.Drawing, item):  # type: ignore[no-untyped-def]
    if isinstance(item, Rect):
        rect = dwg.rect(
            (_n(item.x), _n(item.y)),
            (_n(item.w), _n(item.h)),
            rx=_n(item.radius),
            fill=item.fill,
            stroke=item.stroke,
            stroke_width=_n(item.width),
            **{f"data-{k}": v for k, v in item.data},
        )
        if item.title:
            rect.set_desc(title=item.title)
        yield rect
    elif isinstance(item, Ellipse):
        yield dwg.ellipse(
            (_n(item.x), _n(item.y)),
            (_n(item.rx), _n(item.ry)),
            fill=item.fill,
            stroke=item.stroke,
            stroke_width=_n(item.width),
        )
    elif isinstance(item, Line):
        yield from _line(dwg, item)
    elif isinstance(item, Polygon):
        yield dwg.polygon(
            [(_n(p.x), _n(p.y)) for p in item.points],
            fill=item.fill,
            stroke=item.stroke,
            stroke_width=_n(item.width),
            stroke_linejoin="round",
        )
    elif isinstance(item, Text):
        yield _text(dwg, item)


def _line(dwg: svgwrite.Drawing, line: Line):  # type: ignore[no-untyped-def]
    points, head = with_arrowhead(line)
    path = dwg.path(
        d=rounded_path(points, line.radius),
        fill="none",
        stroke=line.color,
        stroke_width=_n(line.width),
        stroke_linejoin="round",
    )
    if line.dash:
        path["stroke-dasharray"] = ",".join(str(_n(d)) for d in line.dash)
    yield path
    if head:
        yield dwg.polygon([(_n(p.x), _n(p.y)) for p in head], fill=line.color, class_="arrow")


def rounded_path(points: list[Point], radius: float) -> str:
    """SVG path data for an orthogonal polyline whose corners are rounded with ``radius``."""
    d = [f"M{_n(points[0].x)},{_n(points[0].y)}"]
    for a, corner, b in rounded_corners(points, radius):
        d.append(f"L{_n(a.x)},{_n(a.y)} Q{_n(corner.x)},{_n(corner.y)} {_n(b.x)},{_n(b.y)}")
    d.append(f"L{_n(points[-1].x)},{_n(points[-1].y)}")
    return " ".join(d)


def _text(dwg: svgwrite.Drawing, text: Text):  # type: ignore[no-untyped-def]
    element = dwg.text(
        "",
        insert=(_n(text.x), _n(text.y)),
        text_anchor=text.anchor,
        font_size=_n(text.size),
        font_family=text.family,
        fill=text.color,
    )
    element["xml:space"] = "preserve"  # a space after a subscript is part of the label
    shift = 0
    for run in text.runs:
        dy = (run.shift - shift) * -SCRIPT_SHIFT * text.size
        attrs = {"dy": [_n(dy)]} if dy else {}
        if run.shift:
            attrs["font_size"] = _n(text.size * text.script)
        if run.italic:
            attrs["font_style"] = "italic"
        element.add(dwg.tspan(run.text, **attrs))
        shift = run.shift
    return element


def _n(value: float) -> float:
    """Numbers rounded for a stable, compact file."""
    return round(float(value), 2) + 0.0
