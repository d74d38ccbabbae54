"""Where an animation shows each value: a strip of cells, one per unit, beside the value's own
output line, with the value's name, placed clear of the figure's shapes, lines and labels and of
the other strips.

A strip is a grid of cells, a row of up to :data:`COLUMNS` or a narrower block. Small vectors
(:data:`NUMBERED` units or fewer) get wide cells with room for their numbers. Each strip is tried
beside every straight piece of each line leaving its node, on either side, close or a little off,
at many places along it, in each shape, its name on any side of its cells; the strips with the
fewest free places are placed first, then each moves to its best place given the others while
that helps. Among places equally clear, the nearest its node wins.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

from .geometry import Box, Label, Layout, Point, Wire
from .metrics import Metrics

COLUMNS = 8  # cells a row at most: a longer vector wraps onto further rows
NUMBERED = 4  # a vector this short has its numbers in its cells
CELL = (7.0, 0.45)  # a plain cell's side: at least so many pixels, and at least so many ems of the names
WIDE = ((21.0, 1.45), (10.0, 0.7))  # a numbered cell's width and height, likewise
NAME_GAP = 3.0  # between a strip's name and its cells
ALONG = tuple(k / 10 for k in range(11))  # where along a straight piece of line a strip is tried
OPTION = ("left", "top", "columns", "where", "tie-break")  # the columns of a place tried, in an array
CLASH = 16  # a clash (covering something) costs more than standing nearer another node's line
OUTSIDE = 4  # standing outside the figure counts as this many clashes
NEAR = 4  # the tie-break's price of each pixel off its own line (against a pixel further along)
PER_CLASH = 100_000  # a place's clashes weigh this much more than its tie-break
MOVES = 4  # rounds in which each strip moves to its best place given the others, at most
BESIDE = 2.5  # a strip's least room from its line's edge
FURTHER = (0.0, 8.0, 16.0, 26.0, 40.0)  # and the further distances tried past that
APART = 4.0  # between two strips
CLEAR = 1.0  # from a line's edge, a strip keeps a pixel more
OUTLINE = 1.0  # how thick a module's outline is, as a line to keep clear of
DOT = 6.0  # a junction's dot
ROOM = 1.5  # around the shapes, labels and dots; and either side of a strip's name
NEARER = 0.5  # how much nearer another node's line must be to read as its strip
TOO_SHORT = 1.0  # a line's piece shorter than this carries no strip
#: A name's baseline from the cells' middle (beside them), or from their top and bottom edges
#: (above, below), in the name's font sizes.
NAME_MIDDLE, NAME_ABOVE, NAME_BELOW = 0.3, 0.3, 0.8


@dataclasses.dataclass(frozen=True)
class Strip:
    """The cells of ``node``'s value: ``units`` of them from (``x``, ``y``), the top left, in rows of
    ``columns``, each ``cell_w`` by ``cell_h``; ``name`` its label (the value's name); ``clashes``
    how many things it could not keep clear of (0 when it found a free place); ``ambiguous`` when
    another node's line is nearer it than its own."""

    node: str
    units: int
    x: float
    y: float
    columns: int
    cell_w: float
    cell_h: float
    name: Label
    clashes: int = 0
    ambiguous: bool = False

    @property
    def numbered(self) -> bool:
        """Whether the cells are wide enough to show their numbers."""
        return self.units <= NUMBERED

    @property
    def rows(self) -> int:
        return math.ceil(self.units / self.columns)

    def cell(self, k: int) -> Box:
        """The ``k``-th cell (unit), row by row."""
        row, col = divmod(k, self.columns)
        return Box(self.x + (col + 0.5) * self.cell_w, self.y + (row + 0.5) * self.cell_h, self.cell_w, self.cell_h)

    @property
    def cells_box(self) -> Box:
        """The room the cells take."""
        w, h = self.columns * self.cell_w, self.rows * self.cell_h
        return Box(self.x + w / 2, self.y + h / 2, w, h)

    @property
    def box(self) -> Box:
        """The room the strip takes: its cells and its name."""
        return _union(self.cells_box, self.name.box())


def place_strips(
    layout: Layout,
    units: Mapping[str, int],
    names: Mapping[str, str],
    *,
    font: float = Metrics.symbol_font,
    wire_width: float = Metrics.wire_width,
    lane_width: float = Metrics.lane_width,
) -> tuple[Strip, ...]:
    """A strip for each node of ``units`` (node id -> how many cells), named by ``names``, beside
    the lines leaving the node in ``layout``; none covers another, and each keeps clear of the
    layout's shapes, lines (arrowheads and modules' outlines too), junction dots and labels, stays
    on the canvas and, second to that, is nearer its own line than any other node's, where it can
    (``clashes`` and ``ambiguous`` say where it could not). Lines are drawn ``wire_width`` thick,
    those along the top line ``lane_width`` (a pipe is thicker)."""
    wires: dict[str, list[Wire]] = {}
    for w in layout.wires:
        if w.kind != "ghost":
            wires.setdefault(w.src, []).append(w)
    thick = {w.edge: lane_width if w.lane else wire_width for w in layout.wires}
    ends, centres, obstacles = _obstacles(layout, thick)

    options: dict[str, np.ndarray] = {}  # node -> (left, top, columns, where, tie-break) of each place tried
    static: dict[str, np.ndarray] = {}
    boxes: dict[str, np.ndarray] = {}
    cells: dict[str, tuple[float, float]] = {}
    for node, n in units.items():
        if not wires.get(node) or n <= 0:
            continue
        cells[node] = cw, ch = cell_size(n, font)
        opts = _options(n, wires[node], cw, ch, thick)
        b = _boxes(opts, n, cw, ch, names.get(node, node), font)
        outside = (b[:, 0] < 0) | (b[:, 1] < 0) | (b[:, 2] > layout.width) | (b[:, 3] > layout.height)
        # nearer its own line than any other node's (else it reads as theirs), and near it
        # (the cells are the same wherever the name stands: measured once for each place of them)
        mine = np.array([src == node for src, _ in ends])
        theirs = np.array([src and node not in (src, dst) for src, dst in ends], dtype=bool)  # not into it
        cells_at = _cells(opts[:: len(WHERE)], n, cw, ch)
        own = np.repeat(_distances(cells_at, centres[mine]).min(axis=1), len(WHERE))
        other = np.repeat(_distances(cells_at, centres[theirs]).min(axis=1, initial=np.inf), len(WHERE))
        static[node] = CLASH * (_hits(b, obstacles) + OUTSIDE * outside) + (other < own - NEARER)
        opts[:, 4] += NEAR * own
        options[node], boxes[node] = opts, b

    def costs(node: str, others: dict[str, int]) -> np.ndarray:
        """Each option's clashes given the places ``others`` chose; among equals, the tie-break: how far
        along and how far off its lines, and whether another node's line is nearer."""
        clashes = static[node].copy()
        if others:
            theirs = np.array([boxes[n][k] for n, k in others.items() if n != node]).reshape(-1, 4)
            clashes += CLASH * _hits(boxes[node], _grown(theirs, APART))
        return clashes * PER_CLASH + options[node][:, 4]

    order = sorted(options, key=lambda node: int((static[node] == 0).sum()))  # fewest free places first
    chosen: dict[str, int] = {}
    for node in order:
        chosen[node] = int(np.argmin(costs(node, chosen)))
    for _ in range(MOVES):  # each moves to its best place given the others, while that helps
        moved = False
        for node in order:
            c = costs(node, chosen)
            best = int(np.argmin(c))
            if c[best] // PER_CLASH < c[chosen[node]] // PER_CLASH:
                chosen[node], moved = best, True
        if not moved:
            break
    out = []
    for node in units:
        if node in chosen:
            left, top, columns, where, _ = options[node][chosen[node]]
            cw, ch = cells[node]
            strip = _strip(
                node, units[node], left, top, int(columns), cw, ch, names.get(node, node), font, WHERE[int(where)]
            )
            cost = int(costs(node, chosen)[chosen[node]] // PER_CLASH)
            out.append(dataclasses.replace(strip, clashes=cost // CLASH, ambiguous=bool(cost % CLASH)))
    return tuple(out)


def _obstacles(layout: Layout, thick: Mapping[str, float]) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    """What a strip must keep clear of, as boxes (left, top, right, bottom): every line's segment
    (``thick`` by edge; the modules' outlines too) and a pixel more, the shapes, labels and
    junction dots; with each segment's (source, destination) and its own box, to tell whose line
    a strip is nearest."""
    lines = [(a, b, thick[w.edge]) for w in layout.wires for a, b in zip(w.points, w.points[1:]) if a != b]
    for m in [layout.module, *(s.box for s in layout.shapes if s.shape == "module")]:
        if m is not None:  # a module's outline is a line too
            corners = [Point(m.left, m.top), Point(m.right, m.top), Point(m.right, m.bottom), Point(m.left, m.bottom)]
            lines += [(a, b, OUTLINE) for a, b in zip(corners, corners[1:] + corners[:1])]
    # each line as the box it covers, and a pixel more
    ends = [(w.src, w.dst) for w in layout.wires for a, b in zip(w.points, w.points[1:]) if a != b]
    ends += [("", "")] * (len(lines) - len(ends))  # the modules' outlines
    centres = np.array([[min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)] for a, b, _ in lines])
    segments = np.array(
        [
            [min(a.x, b.x) - r, min(a.y, b.y) - r, max(a.x, b.x) + r, max(a.y, b.y) + r]
            for a, b, w in lines
            for r in [w / 2 + CLEAR]
        ]
    ).reshape(-1, 4)
    solid = [s.box for s in layout.shapes if s.shape != "module"] + [lab.box() for lab in layout.labels]
    solid += [Box(d.at.x, d.at.y, DOT, DOT) for d in layout.dots]
    solid_boxes = _grown(np.array([_edges(b) for b in solid]).reshape(-1, 4), ROOM)
    return ends, centres, np.concatenate([segments, solid_boxes])


WHERE = ("before", "after", "above", "below")  # where a strip's name may stand


def cell_size(n: int, font: float) -> tuple[float, float]:
    """The width and height of each cell of an ``n``-unit strip named at ``font`` pixels: wide enough
    for a number when there are few."""
    if n <= NUMBERED:
        (w, w_em), (h, h_em) = WIDE
        return max(w, w_em * font), max(h, h_em * font)
    side = max(CELL[0], CELL[1] * font)
    return side, side


def _options(n: int, wires: list[Wire], cw: float, ch: float, thick: Mapping[str, float]) -> np.ndarray:
    """Every place tried for a strip of ``n`` cells beside ``wires`` (drawn as ``thick`` as it says):
    rows of (left, top, columns, where its name is (an index of :data:`WHERE`), how far along its
    lines)."""
    widest = min(n, COLUMNS)
    shapes = sorted({widest, math.ceil(widest / 2), 1 if n <= COLUMNS else 2}, reverse=True)
    along, further = np.asarray(ALONG), np.asarray(FURTHER)
    out = []
    for wire in wires:
        off = thick[wire.edge] / 2 + BESIDE + further  # close beside the line, or off it
        travelled = 0.0
        for a, b in zip(wire.points, wire.points[1:]):
            length = math.hypot(b.x - a.x, b.y - a.y)
            if length < TOO_SHORT:
                continue
            px, py = (a.x + (b.x - a.x) * along)[:, None], (a.y + (b.y - a.y) * along)[:, None]  # by place along
            for columns in shapes:
                w, h = columns * cw, math.ceil(n / columns) * ch
                if a.y == b.y:  # above or below it, centred on p
                    left = np.broadcast_to(px - w / 2, (len(ALONG), len(FURTHER)))
                    sides = ((left, py - off - h), (left, py + off))
                else:  # left or right of it, centred on p
                    top = np.broadcast_to(py - h / 2, (len(ALONG), len(FURTHER)))
                    sides = ((px - off - w, top), (px + off, top))
                # rows by place along, distance off, side, then where the name is
                block = np.empty((len(ALONG), len(FURTHER), len(sides), len(WHERE), len(OPTION)))
                for k, (left_, top_) in enumerate(sides):
                    block[:, :, k, :, 0] = left_[..., None]
                    block[:, :, k, :, 1] = top_[..., None]
                block[..., 2] = columns
                block[..., 3] = np.arange(len(WHERE))
                block[..., 4] = (travelled + along * length)[:, None, None, None]
                out.append(block.reshape(-1, len(OPTION)))
            travelled += length
    return np.concatenate(out) if out else np.empty((0, len(OPTION)))


def _cells(options: np.ndarray, n: int, cw: float, ch: float) -> np.ndarray:
    """The room (left, top, right, bottom) the cells of each place in ``options`` take."""
    left, top, columns = options[:, 0], options[:, 1], options[:, 2]
    return np.stack([left, top, left + columns * cw, top + np.ceil(n / columns) * ch], axis=1)


def _distances(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(boxes, others): how far apart each pair of boxes is (0 where they meet)."""
    b, o = boxes[:, None, :], others[None, :, :]
    dx = np.maximum(np.maximum(b[..., 0] - o[..., 2], o[..., 0] - b[..., 2]), 0)
    dy = np.maximum(np.maximum(b[..., 1] - o[..., 3], o[..., 1] - b[..., 3]), 0)
    return np.hypot(dx, dy)


def _boxes(options: np.ndarray, n: int, cw: float, ch: float, name: str, font: float) -> np.ndarray:
    """The room (left, top, right, bottom) each place in ``options`` takes: its cells and its name."""
    left, top, columns, where = options[:, 0], options[:, 1], options[:, 2], options[:, 3].astype(int)
    w, h = columns * cw, np.ceil(n / columns) * ch
    cells = _cells(options, n, cw, ch)
    named = np.empty_like(cells)
    for k, spot in enumerate(WHERE):  # the name's box, measured once, moved to each place
        label = _strip("", n, 0.0, 0.0, 1, cw, ch, name, font, spot).name
        box = label.box()
        mine = where == k
        x, y = _name_at(spot, left[mine], top[mine], w[mine], h[mine], font)
        named[mine] = np.stack(  # widened a little: the box is estimated from the text, not measured
            [
                x + box.left - label.x - ROOM,
                y + box.top - label.y,
                x + box.right - label.x + ROOM,
                y + box.bottom - label.y,
            ],
            axis=1,
        )
    return np.concatenate([np.minimum(cells[:, :2], named[:, :2]), np.maximum(cells[:, 2:], named[:, 2:])], axis=1)


def _name_at(where: str, left, top, w, h, font: float):  # type: ignore[no-untyped-def]
    """Where a strip's name stands (x, baseline), for cells at (left, top), ``w`` by ``h``."""
    return {
        "before": (left - NAME_GAP, top + h / 2 + font * NAME_MIDDLE),
        "after": (left + w + NAME_GAP, top + h / 2 + font * NAME_MIDDLE),
        "above": (left + w / 2, top - NAME_GAP - font * NAME_ABOVE),
        "below": (left + w / 2, top + h + NAME_GAP + font * NAME_BELOW),
    }[where]


def _strip(
    node: str, n: int, left: float, top: float, columns: int, cw: float, ch: float, name: str, font: float, where: str
) -> Strip:
    """A strip with its cells at (left, top) and its name ``where`` they are: before (left of) them,
    after, above or below."""
    w, h = columns * cw, math.ceil(n / columns) * ch
    x, y = _name_at(where, left, top, w, h, font)
    anchor = {"before": "end", "after": "start"}.get(where, "middle")
    return Strip(node, n, left, top, columns, cw, ch, Label(f"strip:{node}", name, x, y, anchor, font))


def _hits(boxes: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """How many of the obstacles (left, top, right, bottom) each box's inside meets."""
    b, o = boxes[:, None, :], obstacles[None, :, :]
    meets = (b[..., 0] < o[..., 2]) & (o[..., 0] < b[..., 2]) & (b[..., 1] < o[..., 3]) & (o[..., 1] < b[..., 3])
    return np.count_nonzero(meets, axis=1)


def _grown(boxes: np.ndarray, by: float) -> np.ndarray:
    return boxes + np.array([-by, -by, by, by])


def _edges(box: Box) -> tuple[float, float, float, float]:
    return box.left, box.top, box.right, box.bottom


def _union(a: Box, b: Box) -> Box:
    left, top = min(a.left, b.left), min(a.top, b.top)
    right, bottom = max(a.right, b.right), max(a.bottom, b.bottom)
    return Box((left + right) / 2, (top + bottom) / 2, right - left, bottom - top)
