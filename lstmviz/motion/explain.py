"""The small animations of Michael Phi's "Illustrated Guide to LSTM's and GRU's": a vector's values
squashed by sigmoid or tanh, two vectors concatenated, a gate multiplied into a value, one unit at
a time, on the same colour scale and with the same cues as the cell animations.

Each is a scene (the shapes that stay) and cues (the values, arriving, travelling, leaving), so
the animated SVG and the GIF/MP4 writers draw them as they draw a cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..drawing.scene import Ellipse, Group, Item, Line, Rect, Scene, Text
from ..layout.geometry import Point
from ..mathtext import Run, runs
from ..style import Style
from .colour import diverging
from .overlay import Cue

#: What ``lstmviz explain`` shows.
EXPLAINED = ("sigmoid", "tanh", "concat", "pointwise")
DURATION = 6.0  # seconds a loop
CELL_W, CELL_H = 46.0, 20.0
WIDTH, HEIGHT = 640.0, 330.0

_SQUASH: dict[str, tuple[str, Callable[[float], float], str]] = {
    "sigmoid": (
        "σ",
        lambda v: 1 / (1 + math.exp(-v)),
        "sigmoid squashes every value into (0, 1): a gate's 0 shuts, 1 opens",
    ),
    "tanh": ("tanh", math.tanh, "tanh squashes every value into (\u22121, 1): the cell's values stay in range"),
}
INPUT = (-4.0, -1.5, -0.4, 0.0, 0.6, 2.0, 5.0)
GATE = (0.95, 0.1, 0.5, 1.0, 0.0)
VALUE = (1.8, -1.4, 0.8, -0.6, 1.2)
STATE, X = (0.7, -1.2, 0.3), (1.5, -0.4)


def explain(kind: str, style: Style) -> tuple[Scene, list[Cue], float]:
    """The scene, the cues and the loop's length of the animation ``kind`` (one of :data:`EXPLAINED`)."""
    if kind in _SQUASH:
        symbol, f, title = _SQUASH[kind]
        return _squash(symbol, f, title, kind == "sigmoid", style)
    if kind == "concat":
        return _concat(style)
    return _pointwise(style)


def _squash(
    symbol: str, f: Callable[[float], float], title: str, unit: bool, style: Style
) -> tuple[Scene, list[Cue], float]:
    """A column of values through the op, out squashed; beside it the curve, each value a dot on it."""
    op = Point(250, 175)
    items = _wire(Point(100, op.y), Point(op.x - 26, op.y), style) + _wire(
        Point(op.x + 26, op.y), Point(380, op.y), style
    )
    items += _op(op, symbol, style)
    outputs = tuple(f(v) for v in INPUT)
    cues = _column(INPUT, Point(70, op.y), "x", 0.0, DURATION, style)
    cues += _through(INPUT, Point(70, op.y), op, 0.6, 1.8, style)
    cues += _through(outputs, Point(410, op.y), op, 1.8, 3.0, style, leaving=True)
    label = "\\sigma(x)" if symbol == "σ" else "\\tanh(x)"
    cues += _column(outputs, Point(410, op.y), label, 3.0, DURATION, style)
    # the curve: x from -5 to 5 across, f(x) up
    left, right, top, bottom = 490.0, 620.0, op.y - 60, op.y + 60
    lo = 0.0 if unit else -1.0

    def at(x: float, y: float) -> Point:
        return Point(left + (x + 5) / 10 * (right - left), bottom - (y - lo) / (1 - lo) * (bottom - top))

    axis = "#888888"
    items += [
        Line((at(-5, 0 if unit else 0), at(5, 0 if unit else 0)), axis, 1, 0, 0),
        Line((at(0, lo), at(0, 1)), axis, 1, 0, 0),
        Line(tuple(at(k / 10 - 5, f(k / 10 - 5)) for k in range(101)), style.wire.color, 2, 0, 0),
        Text(left - 4, at(0, 1).y + 4, (Run("1"),), "end", 10, axis, style.text.family),
        Text(left - 4, at(0, lo).y + 4, (Run("0" if unit else "\u22121"),), "end", 10, axis, style.text.family),
        Text(at(5, lo).x, at(5, lo).y + 14, (Run("x"),), "end", 10, axis, style.text.family),
    ]
    dots = tuple(
        Ellipse(at(v, y).x, at(v, y).y, 3.5, 3.5, diverging(y), "#333333", 0.8) for v, y in zip(INPUT, outputs)
    )
    cues.append(Cue(Group("curve-dots", (), dots), 3.0, DURATION))
    return _scene(items, title, style), cues, DURATION


def _concat(style: Style) -> tuple[Scene, list[Cue], float]:
    """h_{t-1} and x_t meet at a junction and leave as one vector: [h_{t-1}, x_t]."""
    join = Point(300, 175)
    h_at, x_at, out_at = Point(90, 115), Point(90, 245), Point(470, 175)
    items: list[Item] = [
        Line((Point(h_at.x + 40, h_at.y), Point(join.x, h_at.y), join), style.wire.color, 2, 0, 0),
        Line((Point(x_at.x + 40, x_at.y), Point(join.x, x_at.y), join), style.wire.color, 2, 0, 0),
        Line((join, Point(out_at.x - 40, join.y)), style.wire.color, 2, 0, 8),
        Ellipse(join.x, join.y, 4, 4, style.wire.color, "none", 0),
    ]
    both = STATE + X
    cues = _column(STATE, h_at, "h_{t-1}", 0.0, DURATION, style) + _column(X, x_at, "x_t", 0.0, DURATION, style)
    cues += _through(STATE, h_at, join, 0.6, 1.8, style) + _through(X, x_at, join, 0.6, 1.8, style)
    cues += _through(both, out_at, join, 1.8, 3.0, style, leaving=True)
    cues += _column(both, out_at, "[h_{t-1}, x_t]", 3.0, DURATION, style)
    title = "concatenation stacks two vectors into one: every value kept, in order"
    return _scene(items, title, style), cues, DURATION


def _pointwise(style: Style) -> tuple[Scene, list[Cue], float]:
    """A gate's values times a vector's, unit by unit: 0 blocks a value, 1 lets it through."""
    op = Point(300, 190)
    gate_at, value_at, out_at = Point(90, 122), Point(90, 262), Point(480, 190)
    items = _wire(Point(gate_at.x + 30, gate_at.y), Point(op.x, gate_at.y), style, Point(op.x, op.y - 18))
    items += _wire(Point(value_at.x + 30, value_at.y), Point(op.x, value_at.y), style, Point(op.x, op.y + 18))
    items += _wire(Point(op.x + 18, op.y), Point(out_at.x - 30, op.y), style)
    items += _op(op, "×", style)
    product = tuple(g * v for g, v in zip(GATE, VALUE))
    cues = _column(GATE, gate_at, "f_t", 0.0, DURATION, style) + _column(
        VALUE, value_at, "C_{t-1}", 0.0, DURATION, style
    )
    cues += _through(GATE, gate_at, op, 0.6, 1.8, style) + _through(VALUE, value_at, op, 0.6, 1.8, style)
    cues += _through(product, out_at, op, 1.8, 3.0, style, leaving=True)
    cues += _column(product, out_at, "f_t \\odot C_{t-1}", 3.0, DURATION, style)
    title = "pointwise \u00d7: each gate value scales its own unit (0 blocks, 1 lets through)"
    return _scene(items, title, style), cues, DURATION


def _wire(a: Point, b: Point, style: Style, c: Point | None = None) -> list[Item]:
    """A line from a to b (and on to c), with an arrowhead at its end."""
    points = (a, b) if c is None else (a, b, c)
    return [Line(points, style.wire.color, style.wire.width, style.wire.corner_radius, style.wire.arrow)]


def _op(at: Point, symbol: str, style: Style) -> list[Item]:
    """A pointwise op as colah draws it: a pink circle (an ellipse for a word) with its symbol."""
    rx = 26.0 if len(symbol) > 1 else 18.0
    return [
        Ellipse(at.x, at.y, rx, 18, style.op.fill, style.op.stroke, style.op.stroke_width),
        Text(at.x, at.y + 5, (Run(symbol),), "middle", 15, style.op.text, style.text.family),
    ]


def _cell(v: float, x: float, y: float, data: tuple[tuple[str, str], ...]) -> list[Item]:
    """A value's cell, centred on (x, y), with its number."""
    ink = "#ffffff" if abs(math.tanh(v)) > 0.55 else "#1a1a1a"
    return [
        Rect(x - CELL_W / 2, y - CELL_H / 2, CELL_W, CELL_H, 0, diverging(v), "#333333", 0.6, data, f"{v:.4g}"),
        Text(x, y + 4, (Run(f"{v:.2f}"),), "middle", 11, ink, "DejaVu Sans, sans-serif"),
    ]


def _column(values: tuple[float, ...], at: Point, name: str, start: float, end: float, style: Style) -> list[Cue]:
    """A vector as a column of cells centred on ``at``, its name above, on show from start to end."""
    items: list[Item] = []
    top = at.y - len(values) * CELL_H / 2
    for k, v in enumerate(values):
        items += _cell(v, at.x, top + (k + 0.5) * CELL_H, (("value", repr(v)), ("unit", str(k))))
    items.append(Text(at.x, top - 8, runs(name), "middle", 14, style.text.color, style.text.math_family, name))
    return [Cue(Group("vector", (("name", name),), tuple(items)), start, end)]


def _through(
    values: tuple[float, ...],
    column: Point,
    op: Point,
    start: float,
    end: float,
    style: Style,
    *,
    leaving: bool = False,
) -> list[Cue]:
    """Each value of a column travelling to the op (or, ``leaving``, from the op to its place)."""
    top = column.y - len(values) * CELL_H / 2
    out = []
    for k, v in enumerate(values):
        place = Point(column.x + (CELL_W / 2 + 4) * (-1 if leaving else 1), top + (k + 0.5) * CELL_H)
        path = (op, place) if leaving else (place, op)
        cell = Rect(-9, -6, 18, 12, 0, diverging(v), "#ff7f0e", 0.8)
        out.append(Cue(Group("travelling", (("unit", str(k)),), (cell,)), start, end, path))
    return out


def _scene(items: list[Item], title: str, style: Style) -> Scene:
    caption = Text(24, 34, (Run(title),), "start", 14, style.text.color, style.text.family)
    background = style.canvas.background
    return Scene(WIDTH, HEIGHT, background, (Group("figure", (), tuple(items)), Group("caption", (), (caption,))))
