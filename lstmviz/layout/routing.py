"""The board wires are routed on: a grid of tracks and what occupies it.

The cell view first draws its wires along the paths colah's figures use (:mod:`.sketch`). For
cells no one has drawn, some of those paths meet: two wires of different values on one track, or
so close they read as one, or a line ending on another where the reader sees a junction. A
:class:`Board` holds the wires on a grid of tracks (every coordinate a wire, a port or a shape
uses, and lines a track apart in between); the paths that fit are kept (:mod:`.untangle`), and
each one that does not is routed again by :mod:`.search`.

The rules a wire of one value (a *net*) keeps with the lines of every other net:

- no stretch of track in common, nor a parallel one closer than the two lines' widths plus half a
  wire's width (a pipe is wide: wires keep clear of its edge, not its centre line);
- lines meet only where both pass straight across each other (a crossing); a bend or an end on
  another line would read as a junction, and junctions mean the same value or a concatenation;
- no line through a shape that is not its own end, nor closer to one than ``gap``.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Sequence

from .geometry import Box, Point
from .walks import STEPS, STRAIGHT, edge_of, run_length, straight_runs, walk_headings

GridPoint = tuple[int, int]  #: (column, row) of the grid of tracks

BEND = 24.0  # what a bend costs, in pixels of length: colah's lines turn seldom
CROSS = 14.0  # what a crossing costs
SIDE_WAY = 60.0  # what leaving a layer by a side costs (its value leaves from its top in colah's figures)
EPS = 0.011  # coordinates this close are one (wires are rounded to hundredths of a pixel)
#: How close, in wires' widths, an ordinary wire's line reaches (half its own width and a width
#: clear); no line but its own comes this near a meeting point.
ORDINARY = 1.5
#: Lines nearer than their half widths and this touch, in pixels.
TOUCH = 0.5


@dataclasses.dataclass(frozen=True)
class Port:
    """Where a wire may leave or enter a shape: ``at`` on its outline, ``out`` the heading away from
    the shape, ``stub`` how long the straight piece outside it must be (room for an arrowhead)."""

    at: Point
    out: int
    stub: float
    cost: float = 0.0  # what choosing this port costs: a side colah's figures seldom use costs more

    @property
    def beyond(self) -> Point:
        dx, dy = STEPS[self.out]
        return Point(self.at.x + dx * self.stub, self.at.y + dy * self.stub)


@dataclasses.dataclass(frozen=True)
class Solid:
    """A shape wires must keep out of, unless it is their own end."""

    node: str
    box: Box


class Board:
    """The grid of tracks over ``area`` and what occupies it.

    ``width(net)`` is how thick a net's line is drawn, ``wire`` the ordinary wire's width; ``meet``
    holds points where lines of different nets may end together (a concatenation's junction), with
    the nets allowed there.
    """

    def __init__(
        self,
        area: Box,
        solids: Sequence[Solid],
        coordinates: Iterable[Point],
        *,
        track: float,
        wire: float,
        gap: float,
        meet: dict[Point, frozenset[str]] | None = None,
    ) -> None:
        self.area, self.wire, self.gap = area, wire, gap
        points = list(coordinates) + list(meet or {})
        self.xs = _tracks([p.x for p in points], area.left, area.right, track)
        self.ys = _tracks([p.y for p in points], area.top, area.bottom, track)
        self.edges: dict[tuple[int, int, int], set[str]] = {}  # (axis, i, j) -> nets on or beside it
        self.lines: dict[tuple[int, int, int], set[str]] = {}  # (axis, i, j) -> nets on it
        self.nodes: dict[tuple[int, int], dict[str, set[int]]] = {}  # grid point -> net -> headings out of it
        self.solid: dict[tuple[int, int], str] = {}  # grid point -> the shape it lies in
        self.on: dict[tuple[int, int], set[str]] = {}  # grid point -> nets whose lines pass it
        self.stops: dict[tuple[int, int], set[str]] = {}  # grid point -> nets whose lines end or turn there
        self.meet = {(self.i_at(p.x), self.j_at(p.y)): nets for p, nets in (meet or {}).items()}
        self.halo: dict[tuple[int, int], frozenset[str]] = {}  # grid points about a meeting point -> its nets
        reach = wire * ORDINARY
        for p, nets in (meet or {}).items():
            for i in range(bisect.bisect_right(self.xs, p.x - reach), bisect.bisect_left(self.xs, p.x + reach)):
                for j in range(bisect.bisect_right(self.ys, p.y - reach), bisect.bisect_left(self.ys, p.y + reach)):
                    self.halo[(i, j)] = self.halo.get((i, j), frozenset()) | nets
        self.widths: dict[str, float] = {}
        self.widest = 0.0  # the widest of ``widths``, kept as they grow
        self._beside: dict[tuple[str, float], set[tuple[int, int]]] = {}  # see _beside_stops
        for s in solids:
            b = s.box
            for i in range(bisect.bisect_left(self.xs, b.left - gap), bisect.bisect_right(self.xs, b.right + gap)):
                for j in range(bisect.bisect_left(self.ys, b.top - gap), bisect.bisect_right(self.ys, b.bottom + gap)):
                    self.solid[(i, j)] = s.node
        # The same, flat, for the search: grid point (i, j) is number i * len(ys) + j.
        size = len(self.xs) * len(self.ys)
        self.node_at: list[dict[str, set[int]] | None] = [None] * size  # the ``nodes`` entry there
        self.across: list[set[str] | None] = [None] * size  # the ``edges`` entry of the edge to (i + 1, j)
        self.down: list[set[str] | None] = [None] * size  # the ``edges`` entry of the edge to (i, j + 1)
        #: 0 where no wire may go (outside ``area``, in a shape's room), 2 about a meeting point
        #: (only its nets), 1 elsewhere
        self.open = bytearray(size)
        n = len(self.ys)
        i0, i1 = bisect.bisect_left(self.xs, area.left), bisect.bisect_right(self.xs, area.right)
        j0, j1 = bisect.bisect_left(self.ys, area.top), bisect.bisect_right(self.ys, area.bottom)
        for i in range(i0, i1):
            self.open[i * n + j0 : i * n + j1] = b"\x01" * (j1 - j0)
        for i, j in self.solid:
            self.open[i * n + j] = 0
        for i, j in self.halo:
            if self.open[i * n + j]:
                self.open[i * n + j] = 2

    # -- the grid ----------------------------------------------------------------------------------
    def i_at(self, x: float) -> int:
        i = bisect.bisect_left(self.xs, x - EPS)
        if i >= len(self.xs) or abs(self.xs[i] - x) > EPS:
            raise KeyError(x)
        return i

    def j_at(self, y: float) -> int:
        j = bisect.bisect_left(self.ys, y - EPS)
        if j >= len(self.ys) or abs(self.ys[j] - y) > EPS:
            raise KeyError(y)
        return j

    def walk(self, points: Sequence[Point]) -> list[tuple[int, int]] | None:
        """The grid points a polyline passes, in order (None if it leaves the grid or is not orthogonal)."""
        try:
            at = [(self.i_at(p.x), self.j_at(p.y)) for p in points]
        except KeyError:
            return None
        out = [at[0]]
        for (i0, j0), (i1, j1) in zip(at, at[1:]):
            if i0 != i1 and j0 != j1:
                return None
            di, dj = (i1 > i0) - (i1 < i0), (j1 > j0) - (j1 < j0)
            while (i0, j0) != (i1, j1):
                i0, j0 = i0 + di, j0 + dj
                out.append((i0, j0))
        return out

    def _near(self, axis: int, i: int, j: int, reach: float) -> Iterable[tuple[int, int, int]]:
        """The edges parallel to edge (axis, i, j), itself included, closer to it than ``reach``."""
        if axis == 0:  # horizontal: neighbours above and below
            y = self.ys[j]
            lo, hi = bisect.bisect_right(self.ys, y - reach), bisect.bisect_left(self.ys, y + reach)
            return ((0, i, k) for k in range(lo, hi))
        x = self.xs[i]
        lo, hi = bisect.bisect_right(self.xs, x - reach), bisect.bisect_left(self.xs, x + reach)
        return ((1, k, j) for k in range(lo, hi))

    def ordinary(self, net: str) -> bool:
        """Whether ``net`` is drawn no thicker than an ordinary wire (a pipe is thicker)."""
        return self.reach(net) <= self.wire * ORDINARY

    def reach(self, net: str) -> float:
        """How close a parallel line of another net may come to ``net``'s, centre to centre."""
        return self.widths.get(net, self.wire) / 2 + self.wire * 1.0

    # -- what may go where -------------------------------------------------------------------------
    def edge_free(self, net: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
        key = (0, min(a[0], b[0]), a[1]) if a[1] == b[1] else (1, a[0], min(a[1], b[1]))
        marks = self.edges.get(key)
        if marks and (len(marks) > 1 or net not in marks):
            return False
        if self.ordinary(net):  # the marks of the lines about are enough
            return True
        # a pipe: every line beside it as far as the two lines' widths and half the narrower one
        w = self.widths.get(net, self.wire)
        widest = max(w, self.widest)
        at = self.ys[key[2]] if key[0] == 0 else self.xs[key[1]]
        for near in self._near(*key, w / 2 + widest):
            others = self.lines.get(near)
            if not others:
                continue
            gap = abs((self.ys[near[2]] if key[0] == 0 else self.xs[near[1]]) - at)
            for other in others:
                v = self.widths.get(other, self.wire)
                if other != net and gap < (w + v) / 2 + min(w, v) / 2 - EPS:
                    return False
        beside = self._beside_stops(net, w / 2 + widest / 2 + TOUCH)  # nothing ends or turns beside it
        return key[1:] not in beside and ((key[1] + 1, key[2]) if key[0] == 0 else (key[1], key[2] + 1)) not in beside

    def _beside_stops(self, net: str, reach: float) -> set[tuple[int, int]]:
        """The grid points whose :meth:`_around` within ``reach`` holds a point where a line of
        another net ends or turns: found once from the few such points, kept until a wire is added."""
        found = self._beside.get((net, reach))
        if found is None:
            found = set()
            xs, ys = self.xs, self.ys
            for (i, j), nets in self.stops.items():
                if len(nets) == 1 and net in nets:
                    continue
                # candidates a little wider, then each kept only if _around from it reaches (i, j)
                cols = range(
                    bisect.bisect_left(xs, xs[i] - reach - 1e-6), bisect.bisect_right(xs, xs[i] + reach + 1e-6)
                )
                rows = range(
                    bisect.bisect_left(ys, ys[j] - reach - 1e-6), bisect.bisect_right(ys, ys[j] + reach + 1e-6)
                )
                cols = [
                    a
                    for a in cols
                    if bisect.bisect_right(xs, xs[a] - reach) <= i < bisect.bisect_left(xs, xs[a] + reach)
                ]
                rows = [
                    b
                    for b in rows
                    if bisect.bisect_right(ys, ys[b] - reach) <= j < bisect.bisect_left(ys, ys[b] + reach)
                ]
                found.update((a, b) for a in cols for b in rows)
            self._beside[(net, reach)] = found
        return found

    def others(self, net: str, at: tuple[int, int]) -> dict[str, set[int]]:
        here = self.nodes.get(at)
        if not here or (len(here) == 1 and net in here):
            return {}
        return {n: h for n, h in here.items() if n != net}

    def _may_pass(self, net: str, at: tuple[int, int], headings: set[int]) -> bool:
        """Whether ``net`` may touch grid point ``at`` with lines leaving it along ``headings``: only
        straight across lines of other nets that pass straight, or at a meeting point it may use."""
        if at in self.halo and net not in self.halo[at]:
            return False  # at or beside a concatenation's point: only its own lines meet there
        others = self.others(net, at)
        if not others:
            return True
        if at in self.meet:
            return net in self.meet[at] and all(n in self.meet[at] for n in others)
        if headings not in STRAIGHT:
            return False
        return all(h in STRAIGHT and h != headings for h in others.values())

    def fits(self, net: str, points: Sequence[Point], ends: tuple[str, ...]) -> bool:
        """Whether a wire of ``net`` along ``points`` keeps every rule with what the board holds
        (it may run inside the shapes of ``ends``, its own source and destination)."""
        walk = self.walk(points)
        if walk is None or len(walk) < 2:
            return walk is not None
        heads = walk_headings(walk)
        solid = self.solid
        for k, at in enumerate(walk):
            if solid.get(at) not in (None, *ends):
                return False
            if k and not self.edge_free(net, walk[k - 1], at):
                return False
            if not self._may_pass(net, at, heads[k]):
                return False
        stops = self._stops(walk, heads)
        return all(self.on.get(near, set()) <= {net} for k in stops for near in self._around(net, walk[k]))

    def _stops(self, walk: Sequence[tuple[int, int]], heads: Sequence[set[int]]) -> Iterable[int]:
        """Where a walk ends or turns, away from a concatenation's point (where lines do meet);
        ``heads`` the walk's :func:`~.walks.walk_headings`."""
        last, halo = len(walk) - 1, self.halo
        for k, at in enumerate(walk):
            if at in halo:
                continue
            if k == 0 or k == last or heads[k] not in STRAIGHT:
                yield k

    def _around(self, net: str, at: tuple[int, int], reach: float | None = None) -> Iterable[tuple[int, int]]:
        """The grid points near enough to ``at`` that another net's line there would touch ``net``'s
        end or corner at ``at`` (the reader would see a junction); or those within ``reach``."""
        if reach is None:
            reach = (self.widths.get(net, self.wire) + self.wire) / 2 + TOUCH
        x, y = self.xs[at[0]], self.ys[at[1]]
        for i in range(bisect.bisect_right(self.xs, x - reach), bisect.bisect_left(self.xs, x + reach)):
            for j in range(bisect.bisect_right(self.ys, y - reach), bisect.bisect_left(self.ys, y + reach)):
                yield (i, j)

    def add(self, net: str, points: Sequence[Point], width: float | None = None, *, uncrossed: bool = False) -> None:
        """Put a wire of ``net`` on the board (its points on the grid), with the room it keeps;
        ``uncrossed``, no line may cross it (a box's way in: which line would enter?). Written for
        speed (every wire of every attempt is added): the tables are filled in place."""
        if width is not None:
            self.widen(net, width)
        self._beside.clear()
        walk = self.walk(points) or []
        on_line = set(walk)
        reach = self.reach(net)
        heads = walk_headings(walk)
        node, on, lines = self._node, self.on, self.lines
        for k, at in enumerate(walk):
            node(at).setdefault(net, set()).update(heads[k])
            on.setdefault(at, set()).add(net)
            if k:
                lines.setdefault(edge_of(walk[k - 1], at), set()).add(net)
        n, edges, nodes = len(self.ys), self.edges, self.nodes
        for axis, first, last in straight_runs(walk):  # each straight run, and the parallel lines near it
            across = [(i, j) for _, i, j in self._near(axis, *first, reach)]
            through = {1, 3} if axis else {0, 2}  # beside the line, others may only cross it:
            steps = run_length(first, last)  # an end or a turn there would touch it
            flat = self.down if axis else self.across
            for step in range(steps + 1):
                for i, j in across:
                    at = (i + step, j) if axis == 0 else (i, j + step)
                    if step < steps:
                        key = (axis, *at)
                        marks = edges.get(key)
                        if marks is None:
                            marks = edges[key] = flat[at[0] * n + at[1]] = set()
                        marks.add(net)
                    if at not in on_line:
                        here = nodes.get(at)
                        if here is None:
                            here = node(at)
                        mine = here.get(net)
                        if mine is None:
                            here[net] = set(through)
                        else:
                            mine.update(through)
        for k in range(len(walk)) if uncrossed else self._stops(walk, heads):  # about an end or a corner
            self.stops.setdefault(walk[k], set()).add(net)  # too, others may not even cross
            for near in self._around(net, walk[k]):
                node(near).setdefault(net, set()).update(range(4))

    def widen(self, net: str, width: float) -> None:
        """Let ``net`` be drawn ``width`` wide at least (a search then keeps a pipe's room)."""
        self.widths[net] = max(width, self.widths.get(net, 0.0))
        self.widest = max(self.widest, self.widths[net])
        self._beside.clear()

    def _node(self, at: tuple[int, int]) -> dict[str, set[int]]:
        """The nets at grid point ``at`` and their headings out of it (made empty if none yet)."""
        here = self.nodes.get(at)
        if here is None:
            here = self.nodes[at] = {}
            self.node_at[at[0] * len(self.ys) + at[1]] = here
        return here

    def allow_meeting(self, at: Point, nets: Iterable[str]) -> None:
        """Let lines of ``nets`` meet at ``at`` (where a wire merges into a concatenation's line)."""
        key = (self.i_at(at.x), self.j_at(at.y))
        self.meet[key] = self.meet.get(key, frozenset()) | frozenset(nets)

    def snap(self, p: Point) -> Point:
        """The grid point at ``p`` (coordinates within :data:`EPS` are one)."""
        return Point(self.xs[self.i_at(p.x)], self.ys[self.j_at(p.y)])


def _tracks(required: list[float], lo: float, hi: float, track: float) -> list[float]:
    """Every required coordinate, and lines a track apart between ``lo`` and ``hi`` where no
    required one is within half a track."""
    fixed: list[float] = []
    for v in sorted(required):
        if not fixed or v - fixed[-1] > EPS:
            fixed.append(v)
    out = list(fixed)
    v = lo
    while v <= hi:
        k = bisect.bisect_left(fixed, v)
        if all(abs(v - fixed[n]) >= track / 2 for n in (k - 1, k) if 0 <= n < len(fixed)):
            out.append(v)
        v += track
    return sorted(out)
