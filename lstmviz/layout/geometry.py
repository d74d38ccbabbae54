"""What a layout computes: shapes, wires, junction dots and labels, in pixels, with no colours.

Every item keeps the id of the node or edge it draws, so a backend, a stylesheet or a test can
find it.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True)
class Point:
    x: float
    y: float

    def moved(self, dx: float, dy: float) -> Point:
        return Point(self.x + dx, self.y + dy)


@dataclasses.dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle by its centre and size."""

    x: float
    y: float
    w: float
    h: float

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    @property
    def left(self) -> float:
        return self.x - self.w / 2

    @property
    def right(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y - self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """Whether the two rectangles come closer than ``gap``."""
        return (
            self.left - gap < other.right
            and other.left - gap < self.right
            and self.top - gap < other.bottom
            and other.top - gap < self.bottom
        )

    def crossed_by(self, a: Point, b: Point, inset: float = 1.0) -> bool:
        """Whether the axis-parallel segment a-b passes through the inside of the rectangle."""
        left, right, top, bottom = self.left + inset, self.right - inset, self.top + inset, self.bottom - inset
        if abs(a.y - b.y) < 1e-9:
            return top < a.y < bottom and min(a.x, b.x) < right and max(a.x, b.x) > left
        if abs(a.x - b.x) < 1e-9:
            return left < a.x < right and min(a.y, b.y) < bottom and max(a.y, b.y) > top
        raise ValueError("wires are orthogonal")


@dataclasses.dataclass(frozen=True)
class Shape:
    """A node's drawn shape: ``box`` (a layer), ``circle`` or ``ellipse`` (a pointwise op),
    ``junction`` (where lines join: a concat), ``terminal`` (where a line enters or leaves),
    ``port`` (a vector shown as a circle with its label, as x_t and h_t in the chain figure),
    ``module`` (a whole module drawn as a plain box, its ``symbol`` set large).

    ``form`` says what the node does in the picture, for styles that draw it their own way:
    ``gate-product`` (a product with a gate: a valve in the pipe style), ``lane-sum`` (a sum on
    the top line: a T-joint where a side pipe merges), ``no-bias`` (a layer without a bias: the
    pipe style's network shows no "+b"). ``gate`` names the operand of a gate product that is the
    gate (the valve's handle is on the side its line comes in).
    """

    node: str
    kind: str
    shape: str
    box: Box
    symbol: str = ""
    form: str = ""
    gate: str = ""


@dataclasses.dataclass(frozen=True)
class Wire:
    """An edge drawn as an orthogonal polyline from its source to its destination.

    ``stream`` names the state whose value the line carries ("" for others), and ``lane`` is true
    when the line runs along the top line, so a style can draw state streams in their own colours
    and the top line as a pipe. ``diagonal`` marks a value that enters a layer through elementwise
    (diagonal) weights, as a peephole does, which is drawn apart from a full matrix's input.
    """

    edge: str
    kind: str
    src: str
    dst: str
    points: tuple[Point, ...]
    arrow: bool = True
    stream: str = ""
    lane: bool = False
    diagonal: bool = False


@dataclasses.dataclass(frozen=True)
class Dot:
    """A junction dot where a copied line forks."""

    node: str
    at: Point


_DESCENDERS = frozenset("gjpqyβγζημξρφχψ(),[]{}|")  # letters that reach below the baseline


@dataclasses.dataclass(frozen=True)
class Label:
    """A math label: ``anchor`` is start, middle or end; (x, y) is the baseline's anchor point.
    ``math`` False: plain words or a sign (a caption, "="), set upright in the text font."""

    owner: str
    text: str
    x: float
    y: float
    anchor: str
    size: float
    math: bool = True

    def box(self) -> Box:
        """The room the label takes, estimated from its text: a subscript hangs below the baseline,
        a superscript stands above the capitals."""
        from ..mathtext import CAP_HEIGHT, DESCENT, FOOT, SCRIPT_SCALE, SCRIPT_SHIFT, runs, width

        w = width(self.text, self.size)
        left = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        accented = any(unicodedata.combining(ch) for run in runs(self.text) for ch in run.text)  # C̃: a tilde
        top, bottom = self.y - (1.0 if accented else CAP_HEIGHT) * self.size, self.y + DESCENT * self.size
        for run in runs(self.text):
            if run.shift:  # a script is shifted (as the backends shift it), and smaller
                base = self.y - run.shift * SCRIPT_SHIFT * self.size
                hangs = DESCENT if any(ch in _DESCENDERS for ch in run.text) else FOOT
                top = min(top, base - CAP_HEIGHT * SCRIPT_SCALE * self.size)
                bottom = max(bottom, base + hangs * SCRIPT_SCALE * self.size)
        return Box(left + w / 2, (top + bottom) / 2, w, bottom - top)


@dataclasses.dataclass(frozen=True)
class Layout:
    """A whole figure's geometry: the canvas size, the detailed module's outline (None when the
    figure has none), and what is drawn. ``faded`` holds the ids of nodes and edges drawn faded (the
    focus view, where it also holds "module": the module's outline fades too; the chain's faded
    copies), ``dashed`` the ids of edges drawn dashed (the ordered view: values that exist before the
    step starts); shapes of shape ``module`` are further modules, drawn as plain boxes."""

    width: float
    height: float
    module: Box | None
    shapes: tuple[Shape, ...]
    wires: tuple[Wire, ...]
    dots: tuple[Dot, ...]
    labels: tuple[Label, ...]
    faded: frozenset[str] = frozenset()
    dashed: frozenset[str] = frozenset()
    streams: tuple[str, ...] = ()  # the wires' streams in the order a style's colours go to them
    #: ops whose value is new memory though not drawn (the closed unit's C_t, a T-joint's sum inside
    #: it): their lines are drawn as the style draws new memory, as the lane-sum shapes' lines are
    renewed: frozenset[str] = frozenset()


def simplify(points: list[Point]) -> list[Point]:
    """Round to hundredths of a pixel; drop repeated points and points inside a straight run."""
    out: list[Point] = []
    for p in (Point(round(p.x, 2), round(p.y, 2)) for p in points):
        if out and abs(out[-1].x - p.x) < 1e-9 and abs(out[-1].y - p.y) < 1e-9:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a.x - b.x) < 1e-9 and abs(b.x - p.x) < 1e-9) or (abs(a.y - b.y) < 1e-9 and abs(b.y - p.y) < 1e-9):
                out[-1] = p
                continue
        out.append(p)
    return out


def direction(a: Point, b: Point) -> tuple[int, int]:
    """The unit step from ``a`` toward ``b`` along each axis (-1, 0 or 1)."""
    return ((b.x > a.x) - (b.x < a.x), (b.y > a.y) - (b.y < a.y))


def parting(p: Sequence[Point], q: Sequence[Point]) -> Point | None:
    """Where two polylines that start together part ways (None if they start apart): a fork."""
    if p[0] != q[0]:
        return None
    at = p[0]
    i = j = 1
    while i < len(p) and j < len(q):
        if direction(at, p[i]) != direction(at, q[j]):
            return at
        at = p[i] if _manhattan(at, p[i]) <= _manhattan(at, q[j]) else q[j]
        if at == p[i]:
            i += 1
        if at == q[j]:
            j += 1
    return at


def _manhattan(a: Point, b: Point) -> float:
    return abs(a.x - b.x) + abs(a.y - b.y)


#: Points this close are one where a point is tested against a line (wires are rounded to hundredths).
ON = 0.01


def on_segment(p: Point, a: Point, b: Point) -> bool:
    """Whether ``p`` lies on the orthogonal segment from ``a`` to ``b``."""
    return min(a.x, b.x) - ON <= p.x <= max(a.x, b.x) + ON and min(a.y, b.y) - ON <= p.y <= max(a.y, b.y) + ON


def band(a: Point, b: Point, thick: float = 0.0) -> Box:
    """The room an orthogonal segment drawn ``thick`` takes."""
    return Box((a.x + b.x) / 2, (a.y + b.y) / 2, abs(a.x - b.x) + thick, abs(a.y - b.y) + thick)


def fork_dots(wires: Sequence[Wire]) -> tuple[Dot, ...]:
    """A dot wherever two wires of one source part ways away from the source itself."""
    by_src: dict[str, list[Wire]] = {}
    for w in wires:
        by_src.setdefault(w.src, []).append(w)
    out: dict[tuple[float, float], Dot] = {}
    for src, group in by_src.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                fork = parting(a.points, b.points)
                if fork is not None and fork != a.points[0]:
                    out.setdefault((round(fork.x, 3), round(fork.y, 3)), Dot(src, fork))
    return tuple(out.values())
