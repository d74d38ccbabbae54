"""What a drawn SVG shows, read back from the file alone, and what a reader could misread in it.

The layout has rules of its own for keeping wires apart; this module does not use them. It parses
the SVG (edges carry data-src, data-dst and data-edge; nodes data-node), measures the labels with
the fonts they name (matplotlib's DejaVu files), and reports every defect the issue "Any cell drawn
right" names:

- two wires of different values on one track, or parallel with less than half a wire's width of
  background between them, for longer than a crossing;
- a line that ends or turns on a line of another value (a junction the figure does not have),
  except where values are joined: lines into a concatenation (or a renaming) meet at its point or
  merge into its line, and its line leaves from there;
- a wire through a shape that is not its source or destination; shapes that overlap; a line
  crossing another within its arrowhead's length and two widths of the box it enters (which line
  enters?);
- a label over another label, a shape it does not belong to, a junction dot or a wire; anything
  off the canvas; an op drawn as an empty circle; a label that shows an id lstmviz made up;
- in an animation, a value's strip (its cells and its name) over a label, a shape, a dot, a wire
  or another strip of the same time step, or off the canvas.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import xml.etree.ElementTree as ET
from itertools import combinations

SVG = "{http://www.w3.org/2000/svg}"
#: The ids lstmviz's builder makes up for the parts of an equation no one named: a layer after its
#: activation (``identity_layer_2``), an op after itself and what it reads (``mul_a_b``), a
#: concatenation (``cat_h_prev_x``). Handles for the code; a reader must never see one.
MADE_UP = re.compile(
    r"(?:identity|sigmoid|tanh|relu)_layer(?:_\d+)?"
    r"|(?:cat|mul|add|sub|div|max|min|one_minus|tanh|sigmoid|hardsigmoid|relu|exp|log|softplus|abs|identity)_\w+"
)


@dataclasses.dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, o: Rect, gap: float = 0.0) -> bool:
        return (
            self.left - gap < o.right
            and o.left - gap < self.right
            and self.top - gap < o.bottom
            and o.top - gap < self.bottom
        )

    def hit_by(self, a: tuple[float, float], b: tuple[float, float], half: float = 0.0) -> bool:
        """Whether segment a-b, drawn ``half`` wide on each side, passes through the inside."""
        (x1, y1), (x2, y2) = a, b
        return (
            min(x1, x2) - half < self.right
            and max(x1, x2) + half > self.left
            and min(y1, y2) - half < self.bottom
            and max(y1, y2) + half > self.top
        )


@dataclasses.dataclass(frozen=True)
class Line:
    edge: str
    src: str
    dst: str
    points: tuple[tuple[float, float], ...]
    width: float
    classes: str


@dataclasses.dataclass(frozen=True)
class Drawn:
    width: float
    height: float
    lines: tuple[Line, ...]
    shapes: dict[str, Rect]  # node -> its shape's outline (layers, ops)
    empty_ops: tuple[str, ...]  # ops drawn as a circle with nothing in it
    points: frozenset[str]  # nodes drawn as a point (concatenations, renamings)
    dots: tuple[tuple[float, float], ...]
    labels: tuple[tuple[str, str, Rect], ...]  # (owner, text, box)
    valves: dict[str, tuple[str, str]]  # node -> (gate node, side of its handle)
    arrows: tuple[tuple[str, Rect], ...] = ()  # (edge, the box around its arrowhead)
    strips: tuple[Strip, ...] = ()  # an animation's value strips
    boxes: frozenset[str] = frozenset()  # nodes drawn as a box (layers)


@dataclasses.dataclass(frozen=True)
class Strip:
    """A value's strip in an animation: its node, time step, the cells' outlines and values, and the
    box of its name."""

    node: str
    step: int
    cells: tuple[Rect, ...]
    values: tuple[float, ...]
    units: tuple[int, ...]
    name: Rect
    numbers: tuple[str, ...]  # the numbers written in its cells, if any
    size: float  # its name's font size
    sweep: str = "forward"  # or "backward": the cells hold the gradient of the loss

    @property
    def box(self) -> Rect:
        boxes = [*self.cells, self.name]
        return Rect(
            min(b.left for b in boxes),
            min(b.top for b in boxes),
            max(b.right for b in boxes),
            max(b.bottom for b in boxes),
        )


def read(svg: str) -> Drawn:
    """The wires, shapes, dots and labels of a figure drawn by lstmviz's SVG backend."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split(","))
    lines, shapes, empty, points, dots, labels, valves, arrows, strips = [], {}, [], set(), [], [], {}, [], []
    boxes = set()
    # the chain's faded copies of the module's inside (under an outer "A") repeat what is checked
    ghosts = {
        g.get("data-node") for g in root.iter(f"{SVG}g") if "ghost" in g.get("class", "").split() and g.get("data-node")
    }
    for g in root.iter(f"{SVG}g"):
        cls = g.get("class", "")
        if "ghost" in cls.split() or g.get("data-node") in ghosts:
            continue
        if cls.startswith("strip"):
            strips.append(_strip(g))
            continue
        if cls.startswith("edge"):
            paths = g.findall(f"{SVG}path")
            if not paths:
                continue
            pts = _polyline(paths[0].get("d"))
            arrow = g.find(f"{SVG}polygon")
            if arrow is not None:  # the line ends at the arrowhead's tip
                corners = [tuple(float(v) for v in p.split(",")) for p in arrow.get("points").split()]
                tip = corners[0]
                pts = _clean(pts[:-1] + [tip])
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                arrows.append((g.get("data-edge"), Rect(min(xs), min(ys), max(xs), max(ys))))
            w = max(float(p.get("stroke-width")) for p in paths)
            lines.append(Line(g.get("data-edge"), g.get("data-src"), g.get("data-dst"), tuple(pts), w, cls))
        elif cls.startswith("junction"):
            for e in g.findall(f"{SVG}ellipse"):
                dots.append((float(e.get("cx")), float(e.get("cy"))))
        elif cls.startswith("node"):
            node = g.get("data-node")
            outline = _outline(g)
            if outline is not None and "module" not in cls:
                shapes[node] = outline
                if "node layer" in cls:
                    boxes.add(node)
                symbol = g.find(f"{SVG}text")
                circle = g.find(f"{SVG}ellipse") is not None and g.find(f"{SVG}polygon") is None
                if "node op" in cls and circle and (symbol is None or not "".join(symbol.itertext()).strip()):
                    empty.append(node)
            elif outline is None and ("node op" in cls or "node concat" in cls):
                points.add(node)
            if g.get("data-gate") is not None:
                valves[node] = (g.get("data-gate"), g.get("data-handle"))
            for text in g.findall(f"{SVG}text"):
                if "Serif" in text.get("font-family", ""):  # a math label (symbols are sans)
                    labels.append((node, "".join(text.itertext()), _text_box(text)))
    return Drawn(
        width,
        height,
        tuple(lines),
        shapes,
        tuple(empty),
        frozenset(points),
        tuple(dots),
        tuple(labels),
        valves,
        tuple(arrows),
        tuple(strips),
        frozenset(boxes),
    )


def _strip(g) -> Strip:  # type: ignore[no-untyped-def]
    rects = g.findall(f"{SVG}rect")
    cells = []
    for rect in rects:
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        cells.append(Rect(x, y, x + w, y + h))
    texts = g.findall(f"{SVG}text")
    return Strip(
        g.get("data-node"),
        int(g.get("data-step")),
        tuple(cells),
        tuple(float(r.get("data-value")) for r in rects),
        tuple(int(r.get("data-unit")) for r in rects),
        _text_box(texts[-1]),  # the name comes last
        tuple("".join(t.itertext()) for t in texts[:-1]),
        float(texts[-1].get("font-size")),
        g.get("data-sweep") or "forward",
    )


def _outline(g) -> Rect | None:  # type: ignore[no-untyped-def]
    """The box around everything a node draws (a T-joint's stem and a valve's handle included)."""
    boxes = []
    for rect in g.findall(f"{SVG}rect"):
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        boxes.append(Rect(x, y, x + w, y + h))
    for ellipse in g.findall(f"{SVG}ellipse"):
        cx, cy, rx, ry = (float(ellipse.get(k)) for k in ("cx", "cy", "rx", "ry"))
        boxes.append(Rect(cx - rx, cy - ry, cx + rx, cy + ry))
    for poly in g.findall(f"{SVG}polygon"):  # a valve's wedges
        xy = [tuple(float(v) for v in p.split(",")) for p in poly.get("points").split()]
        boxes.append(Rect(min(x for x, _ in xy), min(y for _, y in xy), max(x for x, _ in xy), max(y for _, y in xy)))
    if not boxes:
        return None
    return Rect(
        min(b.left for b in boxes), min(b.top for b in boxes), max(b.right for b in boxes), max(b.bottom for b in boxes)
    )


def _polyline(d: str) -> list[tuple[float, float]]:
    """The corners of a path of M, L and Q (a rounded corner: its control point is the corner)."""
    out: list[tuple[float, float]] = []
    for cmd, args in re.findall(r"([MLQ])([^MLQ]*)", d):
        nums = [float(v) for v in re.findall(r"-?[0-9.]+(?:e-?[0-9]+)?", args)]
        if cmd in "ML":
            out.append((nums[0], nums[1]))
        else:
            out[-1] = (nums[0], nums[1])  # the curve's start becomes the corner
            out.append((nums[2], nums[3]))
    return _clean(out)


def _clean(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.02 and abs(out[-1][1] - p[1]) < 0.02:
            continue
        if len(out) >= 2 and _straight(out[-2], out[-1], p):
            out[-1] = p
            continue
        out.append(p)
    return out


def _straight(a, b, c) -> bool:  # type: ignore[no-untyped-def]
    return (abs(a[0] - b[0]) < 0.02 and abs(b[0] - c[0]) < 0.02) or (
        abs(a[1] - b[1]) < 0.02 and abs(b[1] - c[1]) < 0.02
    )


@functools.lru_cache(maxsize=4)
def _font(family: str, style: str = "normal"):  # type: ignore[no-untyped-def]
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    return FT2Font(font_manager.findfont(font_manager.FontProperties(family=family, style=style)))


def _advance(text: str, size: float, family: str, style: str = "normal") -> tuple[float, float, float]:
    """Width, ascent and descent of ``text`` at ``size`` px in the font ``family`` names first."""
    font = _font(family, style)
    font.set_size(size, 72)  # at 72 dpi a point is a pixel
    font.set_text(text, 0.0)
    w, h = font.get_width_height()
    descent = font.get_descent()
    return w / 64.0, (h - descent) / 64.0, descent / 64.0


def _text_box(text) -> Rect:  # type: ignore[no-untyped-def]
    """The room a label's text takes, measured run by run with its font."""
    family = text.get("font-family").split(",")[0].strip()
    size = float(text.get("font-size"))
    x, y = float(text.get("x")), float(text.get("y"))
    runs = [(text.text or "", size, 0.0, "normal")] if (text.text or "").strip() else []
    dy = 0.0
    for span in text.findall(f"{SVG}tspan"):
        dy += float(span.get("dy", 0))
        runs.append((span.text or "", float(span.get("font-size", size)), dy, span.get("font-style", "normal")))
    width, top, bottom = 0.0, y, y
    for content, s, shift, style in runs:
        w, ascent, descent = _advance(content, s, family, style)
        width += w
        top, bottom = min(top, y + shift - ascent), max(bottom, y + shift + descent)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
    return Rect(left, top, left + width, bottom)


# -- what a reader could misread ------------------------------------------------------------------
def defects(d: Drawn, graph=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Every defect of the drawn figure, one line each (empty when a reader can trust it); with the
    cell's ``graph``, also operands of a difference or a quotient on the wrong sides."""
    out: list[str] = [] if graph is None else _operands(d, graph)
    solid = d.shapes
    joined = _joined(d)
    extents = {id(line): _extent(line) for line in d.lines}
    for a, b in combinations(d.lines, 2):
        if a.src == b.src:
            continue  # one value may fan out along a shared bus
        if not extents[id(a)].overlaps(extents[id(b)], gap=a.width + b.width):
            continue  # too far apart to run together or touch (each test's reach is less)
        problem = _together(a, b) or _touching(a, b, joined)
        if problem:
            out.append(f"{a.edge} and {b.edge}: {problem}")
    for line in d.lines:
        for p, q in zip(line.points, line.points[1:]):
            for node, box in solid.items():
                inner = Rect(box.left + 1, box.top + 1, box.right - 1, box.bottom - 1)
                if node not in (line.src, line.dst) and inner.hit_by(p, q):
                    out.append(f"{line.edge} runs through {node}")
        for x, y in line.points:
            if not (-0.5 <= x <= d.width + 0.5 and -0.5 <= y <= d.height + 0.5):
                out.append(f"{line.edge} leaves the canvas")
    out += _crossed_inputs(d)
    for (n1, b1), (n2, b2) in combinations(solid.items(), 2):
        if b1.overlaps(b2, gap=2):
            out.append(f"shapes {n1} and {n2} overlap")
    for node in d.empty_ops:
        out.append(f"{node} is drawn as an empty circle")
    ids = set(solid) | {line.src for line in d.lines} | {line.dst for line in d.lines}
    made_up = {i: i.replace("_", "") for i in ids if i and MADE_UP.fullmatch(i)}  # as shown: _ is a subscript
    for owner, text, _ in d.labels:
        shown = [i for i, seen in made_up.items() if seen in text.replace(" ", "")]
        if shown:
            out.append(f"label {text!r} of {owner} shows the made-up id {shown[0]!r}")
    for k, (owner, text, box) in enumerate(d.labels):
        name = f"label {text!r} of {owner}"
        if box.left < -0.5 or box.top < -0.5 or box.right > d.width + 0.5 or box.bottom > d.height + 0.5:
            out.append(f"{name} is off the canvas")
        for node, shape in solid.items():
            if node != owner and box.overlaps(shape):
                out.append(f"{name} covers {node}")
        for line in d.lines:
            if any(box.hit_by(p, q, line.width / 2) for p, q in zip(line.points, line.points[1:])):
                out.append(f"{name} lies on {line.edge}")
                break
        for x, y in d.dots:
            if box.overlaps(Rect(x - 3, y - 3, x + 3, y + 3)):
                out.append(f"{name} covers a junction dot")
        for edge, head in d.arrows:
            if box.overlaps(head):
                out.append(f"{name} covers the arrowhead of {edge}")
        for other, other_text, other_box in d.labels[k + 1 :]:
            if box.overlaps(other_box):
                out.append(f"{name} and label {other_text!r} of {other} overlap")
    for k, strip in enumerate(d.strips):
        out += [f"the strip of {strip.node} at t={strip.step} {problem}" for problem in _strip_defects(d, strip, k)]
    return out


#: By op, how its first operand's line must come in beside its second's: a difference's minuend
#: further left (``a - b`` read left to right), a quotient's numerator higher (a fraction).
READ_AS = {"sub": (0, "left of"), "div": (1, "above")}


def _operands(d: Drawn, graph) -> list[str]:  # type: ignore[no-untyped-def]
    """Differences and quotients whose operands come in on the wrong sides: each line of the first
    operand into such an op against the nearest line of the second (a chain draws one per module)."""
    out = []
    for node in graph.nodes:
        if node.kind != "op" or node.op not in READ_AS or len(node.inputs) != 2 or len(set(node.inputs)) < 2:
            continue
        axis, how = READ_AS[node.op]
        first, second = ([ln.points[-1] for ln in d.lines if ln.dst == node.id and ln.src == i] for i in node.inputs)
        for a in first:
            if not second:
                break
            b = min(second, key=lambda q: abs(q[0] - a[0]) + abs(q[1] - a[1]))
            if not a[axis] < b[axis] - 1.0:
                out.append(f"{node.id}: {node.inputs[0]} does not come in {how} {node.inputs[1]}")
    return out


def _crossed_inputs(d: Drawn) -> list[str]:
    """Lines of other values crossing a line into a box near the box: within its arrowhead's
    length and two of its widths of the tip."""
    heads = dict(d.arrows)
    out = []
    for line in d.lines:
        if line.dst not in d.boxes or "diagonal" in line.classes or len(line.points) < 2:
            continue
        p, tip = line.points[-2], line.points[-1]
        head = heads.get(line.edge)
        reach = max(head.right - head.left, head.bottom - head.top) if head else 0.0
        reach += 2 * line.width
        along = 0 if p[1] == tip[1] else 1  # the axis the last piece runs along
        for other in d.lines:
            if other.src == line.src:
                continue
            for r, s in _segments(other):
                if abs(r[along] - s[along]) < 0.02:  # across the last piece, at one coordinate
                    at = r[along]
                    lo, hi = sorted((r[1 - along], s[1 - along]))
                    far = abs(at - tip[along])
                    if lo < tip[1 - along] < hi and min(p[along], tip[along]) < at < max(p[along], tip[along]):
                        if far < reach:
                            out.append(f"{other.edge} crosses {line.edge} {far:.0f} px from {line.dst}")
    return out


def _strip_defects(d: Drawn, strip: Strip, k: int) -> list[str]:
    """What a value's strip covers: ``k`` is its place among the figure's strips."""
    out = []
    for part, box in [("name", strip.name)] + [(f"cell {i}", c) for i, c in enumerate(strip.cells)]:
        if box.left < -0.5 or box.top < -0.5 or box.right > d.width + 0.5 or box.bottom > d.height + 0.5:
            out.append(f"({part}) is off the canvas")
        for node, shape in d.shapes.items():
            if box.overlaps(shape):
                out.append(f"({part}) covers {node}")
        for owner, text, label in d.labels:
            if box.overlaps(label):
                out.append(f"({part}) covers label {text!r} of {owner}")
        for line in d.lines:
            if any(box.hit_by(p, q, line.width / 2) for p, q in zip(line.points, line.points[1:])):
                out.append(f"({part}) lies on {line.edge}")
        for x, y in d.dots:
            if box.overlaps(Rect(x - 3, y - 3, x + 3, y + 3)):
                out.append(f"({part}) covers a junction dot")
    for other in d.strips[k + 1 :]:
        if (other.step, other.sweep) == (strip.step, strip.sweep) and strip.box.overlaps(other.box):
            out.append(f"covers the strip of {other.node}")
    return out


def _joined(d: Drawn) -> dict[str, set[str]]:
    """For each node drawn as a point: the sources whose lines may meet there (its inputs and itself)."""
    out: dict[str, set[str]] = {}
    for line in d.lines:
        if line.dst in d.points:
            out.setdefault(line.dst, {line.dst}).add(line.src)
    return out


def _extent(line: Line) -> Rect:
    """The box around a line's points (its width not counted)."""
    xs, ys = [p[0] for p in line.points], [p[1] for p in line.points]
    return Rect(min(xs), min(ys), max(xs), max(ys))


def _segments(line: Line):  # type: ignore[no-untyped-def]
    return [(p, q) for p, q in zip(line.points, line.points[1:]) if p != q]


def _together(a: Line, b: Line) -> str:
    """Whether the two lines run along one track, or side by side too close, for longer than a crossing."""
    need = (a.width + b.width) / 2 + min(a.width, b.width) / 2  # half a wire of background between
    crossing = max(a.width, b.width) + 1.0
    for p, q in _segments(a):
        for r, s in _segments(b):
            for along, across in ((0, 1), (1, 0)):
                if abs(p[across] - q[across]) < 0.02 and abs(r[across] - s[across]) < 0.02:
                    gap = abs(p[across] - r[across])
                    lo = max(min(p[along], q[along]), min(r[along], s[along]))
                    hi = min(max(p[along], q[along]), max(r[along], s[along]))
                    if hi - lo > crossing and gap < need - 0.05:
                        return "share a track" if gap < 0.5 else f"run {gap:.1f} px apart"
    return ""


def _touching(a: Line, b: Line, joined: dict[str, set[str]]) -> str:
    """Whether an end or a corner of one line lies on the other (a junction that is not there)."""
    for one, other in ((a, b), (b, a)):
        for k, p in enumerate(one.points):
            for r, s in _segments(other):
                if not _on(p, r, s, (one.width + other.width) / 2):
                    continue
                if _legit(one, other, joined):
                    continue
                what = "ends" if k in (0, len(one.points) - 1) else "turns"
                return f"{one.edge} {what} on {other.edge} at ({p[0]:.0f}, {p[1]:.0f})"
    return ""


def _legit(one: Line, other: Line, joined: dict[str, set[str]]) -> bool:
    """Lines that join values may meet: into a concatenation's point (or merging into its line), and
    its line leaving from there."""
    for node, members in joined.items():
        if one.src in members and other.src in members and node in (one.dst, one.src, other.dst, other.src):
            return True
    return False


def _on(p, r, s, reach: float) -> bool:  # type: ignore[no-untyped-def]
    x0, x1 = sorted((r[0], s[0]))
    y0, y1 = sorted((r[1], s[1]))
    return x0 - reach < p[0] < x1 + reach and y0 - reach < p[1] < y1 + reach


def crossings(d: Drawn) -> int:
    """How many times lines of different values cross."""
    count = 0
    for a, b in combinations(d.lines, 2):
        if a.src == b.src:
            continue
        for p, q in _segments(a):
            for r, s in _segments(b):
                h1, h2 = abs(p[1] - q[1]) < 0.02, abs(r[1] - s[1]) < 0.02
                if h1 == h2:
                    continue
                (hp, hq), (vr, vs) = ((p, q), (r, s)) if h1 else ((r, s), (p, q))
                if min(hp[0], hq[0]) < vr[0] < max(hp[0], hq[0]) and min(vr[1], vs[1]) < hp[1] < max(vr[1], vs[1]):
                    count += 1
    return count
