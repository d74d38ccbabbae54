"""A self-contained animated SVG: the static figure, and over it the executor's real values.

CSS animations only (no script): each node's vector appears beside it, as a strip of cells
coloured by value, when the node is evaluated, and stays until its time step ends; meanwhile a
small strip of its first values travels along each line leaving it. Every cell carries its exact
value (``data-value``) and a tooltip. The animation loops over the time steps of the timeline.
"""

from __future__ import annotations

import math

import svgwrite

from ..drawing.scene import Scene, rounded_corners, side_entered, valve
from ..drawing.svg import to_svg
from ..layout.geometry import Layout, Point
from ..style import Style
from .colour import diverging
from .timeline import Timeline

CELL = 7.0  # a strip cell's size, in pixels


def animated_svg(
    scene: Scene, layout: Layout, timeline: Timeline, style: Style, *, max_cells: int = 8, accent: str = "#ff7f0e"
) -> str:
    """The scene with the timeline's values animated over it; in a style that draws valves, each
    valve opens as far as its gate does at each step."""
    dwg = svgwrite.Drawing(debug=False)
    shapes = {s.node: s for s in layout.shapes}
    out_wires: dict[str, list] = {}
    for w in layout.wires:
        out_wires.setdefault(w.src, []).append(w)
    total = timeline.duration
    css = [
        f".anim {{ animation-duration: {total:.3f}s; animation-iteration-count: infinite; }}",
        ".show { animation-timing-function: step-end; opacity: 0; }",
        ".travel { animation-timing-function: linear; opacity: 0; offset-rotate: 0deg; }",
    ]
    layer = dwg.g(class_="animation")
    for k, event in enumerate(timeline.events):
        step_end = (timeline.steps.index(event.step) + 1) * timeline.step_length
        a, b = _pct(event.start, total), _pct(step_end - 1e-3, total)
        css.append(f"@keyframes s{k} {{ 0% {{opacity: 0}} {a}% {{opacity: 1}} {b}% {{opacity: 0}} }}")
        css.append(f".s{k} {{ animation-name: s{k}; }}")
        shape = shapes[event.node]
        strip = dwg.g(class_=f"strip anim show s{k}", **{"data-node": event.node, "data-step": str(event.step)})
        x0 = shape.box.right + 3 if shape.box.w else shape.box.x + 4
        y0 = shape.box.top - CELL - 2 if shape.box.h else shape.box.y + 4
        for i, value in enumerate(event.value[:max_cells]):
            cell = dwg.rect(
                (round(x0 + i * CELL, 2), round(y0, 2)),
                (CELL, CELL),
                fill=diverging(value),
                stroke="#333333",
                stroke_width=0.4,
                **{"data-value": repr(value)},
            )
            cell.set_desc(title=f"{event.node}[{i}] at t={event.step}: {_fmt(value)}")
            strip.add(cell)
        if len(event.value) > max_cells:
            strip.add(
                dwg.text(
                    f"…{len(event.value)}",
                    insert=(round(x0 + max_cells * CELL + 2, 2), round(y0 + CELL, 2)),
                    font_size=7,
                    fill="#333333",
                )
            )
        layer.add(strip)
        opening = timeline.opening(event.step, event.node)
        if opening is not None and style.vocabulary.gate_product == "valve":
            b = shape.box
            water, gate = valve(b.x, b.y, b.w / 2, opening, handle=side_entered(layout, shape), style=style)[-2:]
            g = dwg.g(
                class_=f"valve-opening anim show s{k}", **{"data-node": event.node, "data-opening": f"{opening:.4g}"}
            )
            for item in (water, gate):
                g.add(
                    dwg.rect((round(item.x, 2), round(item.y, 2)), (round(item.w, 2), round(item.h, 2)), fill=item.fill)
                )
            layer.add(g)
        for j, wire in enumerate(out_wires.get(event.node, [])):
            name = f"t{k}_{j}"
            c = _pct(event.start + timeline.beat * 0.9, total)
            gone = _pct(event.start + timeline.beat * 0.9 + 0.01, total)
            before = _pct(max(0.0, event.start - 0.01), total)
            css.append(
                f"@keyframes {name} {{ 0%, {before}% {{opacity: 0; offset-distance: 0%}} {a}% {{opacity: 1; "
                f"offset-distance: 0%}} {c}% {{opacity: 1; offset-distance: 100%}} "
                f"{gone}%, 100% {{opacity: 0; offset-distance: 100%}} }}"
            )
            path = _path(list(wire.points))
            css.append(f".{name} {{ animation-name: {name}; offset-path: path('{path}'); }}")
            # the vector itself travels: a small strip of its first values, riding the line
            moving = dwg.g(class_=f"travelling anim travel {name}", **{"data-edge": wire.edge})
            shown = event.value[:4]
            for i, value in enumerate(shown):
                moving.add(
                    dwg.rect(
                        (round((i - len(shown) / 2) * 4.5, 2), -2.25),
                        (4.5, 4.5),
                        fill=diverging(value),
                        stroke=accent,
                        stroke_width=0.6,
                    )
                )
            layer.add(moving)
    layer.add(dwg.style("\n".join(css)))
    static = to_svg(scene)
    return static.replace("</svg>", layer.tostring() + "</svg>")


def _pct(seconds: float, total: float) -> str:
    return f"{max(0.0, min(100.0, 100.0 * seconds / total)):.3f}"


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def _path(points: list[Point]) -> str:
    d = [f"M{points[0].x:g},{points[0].y:g}"]
    for a, corner, b in rounded_corners(points, 4.0):
        d.append(f"L{a.x:g},{a.y:g} Q{corner.x:g},{corner.y:g} {b.x:g},{b.y:g}")
    d.append(f"L{points[-1].x:g},{points[-1].y:g}")
    return " ".join(d)
