"""Tracks of their own for wires the cell's arrangement could not give one.

The cell view draws its wires along the paths colah's figures use (:mod:`.cell`). For cells no one
has drawn, some of those paths meet: two wires of different values on one track, or so close they
read as one, or a line ending on another where the reader sees a junction. A :class:`Board` holds
the wires on a grid of tracks (every coordinate a wire, a port or a shape uses, and lines a track
apart in between); the paths that fit are kept, and each one that does not is routed again by a
shortest-path search over the grid (length, plus a price for each bend and crossing), from its
source (or a point of a line already carrying its value, so fan-out shares a bus) to a free side
of its destination.

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
import heapq
from collections.abc import Iterable, Sequence

from .geometry import Box, Point

GridPoint = tuple[int, int]  #: (column, row) of the grid of tracks

#: Unit steps: right, down, left, up (the index is a heading).
STEPS = ((1, 0), (0, 1), (-1, 0), (0, -1))
BEND = 24.0  # what a bend costs, in pixels of length: colah's lines turn seldom
CROSS = 14.0  # what a crossing costs
EPS = 0.011  # coordinates this close are one (wires are rounded to hundredths of a pixel)


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
        self.meet = {(self._i(p.x), self._j(p.y)): nets for p, nets in (meet or {}).items()}
        self.halo: dict[tuple[int, int], frozenset[str]] = {}  # grid points about a meeting point -> its nets
        reach = wire * 1.5
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

    # -- the grid ----------------------------------------------------------------------------------
    def _i(self, x: float) -> int:
        i = bisect.bisect_left(self.xs, x - EPS)
        if i >= len(self.xs) or abs(self.xs[i] - x) > EPS:
            raise KeyError(x)
        return i

    def _j(self, y: float) -> int:
        j = bisect.bisect_left(self.ys, y - EPS)
        if j >= len(self.ys) or abs(self.ys[j] - y) > EPS:
            raise KeyError(y)
        return j

    def on_grid(self, p: Point) -> bool:
        try:
            self._i(p.x), self._j(p.y)
        except KeyError:
            return False
        return True

    def _walk(self, points: Sequence[Point]) -> list[tuple[int, int]] | None:
        """The grid points a polyline passes, in order (None if it leaves the grid or is not orthogonal)."""
        try:
            at = [(self._i(p.x), self._j(p.y)) for p in points]
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

    def _reach(self, net: str) -> float:
        """How close a parallel line of another net may come to ``net``'s, centre to centre."""
        return self.widths.get(net, self.wire) / 2 + self.wire * 1.0

    # -- what may go where -------------------------------------------------------------------------
    def _edge_free(self, net: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
        key = (0, min(a[0], b[0]), a[1]) if a[1] == b[1] else (1, a[0], min(a[1], b[1]))
        marks = self.edges.get(key)
        if marks and (len(marks) > 1 or net not in marks):
            return False
        reach = self._reach(net)
        if reach <= self.wire * 1.5:  # an ordinary wire: the marks of the lines about are enough
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
        beside = self._beside_stops(net, w / 2 + widest / 2 + 0.5)  # nothing ends or turns beside it
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

    def _others(self, net: str, at: tuple[int, int]) -> dict[str, set[int]]:
        here = self.nodes.get(at)
        if not here or (len(here) == 1 and net in here):
            return {}
        return {n: h for n, h in here.items() if n != net}

    def _may_pass(self, net: str, at: tuple[int, int], headings: set[int]) -> bool:
        """Whether ``net`` may touch grid point ``at`` with lines leaving it along ``headings``: only
        straight across lines of other nets that pass straight, or at a meeting point it may use."""
        if at in self.halo and net not in self.halo[at]:
            return False  # at or beside a concatenation's point: only its own lines meet there
        others = self._others(net, at)
        if not others:
            return True
        if at in self.meet:
            return net in self.meet[at] and all(n in self.meet[at] for n in others)
        if headings not in ({0, 2}, {1, 3}):
            return False
        return all(h in ({0, 2}, {1, 3}) and h != headings for h in others.values())

    def fits(self, net: str, points: Sequence[Point], ends: tuple[str, ...]) -> bool:
        """Whether a wire of ``net`` along ``points`` keeps every rule with what the board holds
        (it may run inside the shapes of ``ends``, its own source and destination)."""
        walk = self._walk(points)
        if walk is None or len(walk) < 2:
            return walk is not None
        for k, at in enumerate(walk):
            if self.solid.get(at) not in (None, *ends):
                return False
            if k and not self._edge_free(net, walk[k - 1], at):
                return False
            if not self._may_pass(net, at, _headings(walk, k)):
                return False
        return all(self.on.get(near, set()) <= {net} for k in self._stops(walk) for near in self._around(net, walk[k]))

    def _stops(self, walk: Sequence[tuple[int, int]]) -> Iterable[int]:
        """Where a walk ends or turns, away from a concatenation's point (where lines do meet)."""
        for k, at in enumerate(walk):
            if at in self.halo:
                continue
            if k in (0, len(walk) - 1) or _headings(walk, k) not in ({0, 2}, {1, 3}):
                yield k

    def _around(self, net: str, at: tuple[int, int], reach: float | None = None) -> Iterable[tuple[int, int]]:
        """The grid points near enough to ``at`` that another net's line there would touch ``net``'s
        end or corner at ``at`` (the reader would see a junction); or those within ``reach``."""
        if reach is None:
            reach = (self.widths.get(net, self.wire) + self.wire) / 2 + 0.5
        x, y = self.xs[at[0]], self.ys[at[1]]
        for i in range(bisect.bisect_right(self.xs, x - reach), bisect.bisect_left(self.xs, x + reach)):
            for j in range(bisect.bisect_right(self.ys, y - reach), bisect.bisect_left(self.ys, y + reach)):
                yield (i, j)

    def add(self, net: str, points: Sequence[Point], width: float | None = None) -> None:
        """Put a wire of ``net`` on the board (its points on the grid), with the room it keeps."""
        if width is not None:
            self.widths[net] = max(width, self.widths.get(net, 0.0))
            self.widest = max(self.widest, self.widths[net])
        self._beside.clear()
        walk = self._walk(points) or []
        on_line = set(walk)
        reach = self._reach(net)
        for k, at in enumerate(walk):
            self.nodes.setdefault(at, {}).setdefault(net, set()).update(_headings(walk, k))
            self.on.setdefault(at, set()).add(net)
            if k:
                key = _edge(walk[k - 1], at)
                self.lines.setdefault(key, set()).add(net)
                for near in self._near(*key, reach):
                    self.edges.setdefault(near, set()).add(net)
                # beside the line, others may only cross it: an end or a turn there would touch it
                through = {1, 3} if key[0] else {0, 2}
                for axis, i, j in self._near(*key, reach):
                    for end in ((i, j), (i + 1, j) if axis == 0 else (i, j + 1)):
                        if end not in on_line:
                            self.nodes.setdefault(end, {}).setdefault(net, set()).update(through)
        for k in self._stops(walk):  # about an end or a corner, others may not even cross
            self.stops.setdefault(walk[k], set()).add(net)
            for near in self._around(net, walk[k]):
                self.nodes.setdefault(near, {}).setdefault(net, set()).update(range(4))

    # -- routing -----------------------------------------------------------------------------------
    def route(
        self,
        net: str,
        starts: Sequence[Port],
        ends: Sequence[Port],
        tree: Sequence[Sequence[Point]] = (),
        own: tuple[str, ...] = (),
        merge: tuple[str, Sequence[Sequence[Point]]] | None = None,
    ) -> list[Point] | None:
        """The cheapest wire of ``net`` from one of ``starts`` (or a branch off a line of ``tree``,
        the wires already carrying the value, which it then follows from their start) to one of
        ``ends``; None when there is none. ``own`` names the shapes at its two ends. ``merge`` (a
        concatenation's net and its lines) lets the wire end by joining one of those lines from the
        side, as colah's lines merge into [h, x]."""
        begin, goals, joins = self._ends(net, starts, ends, tree, own, merge)
        if not begin or not (goals or joins):
            return None
        return self._search(net, begin, goals, joins)

    def _search(
        self,
        net: str,
        begin: dict[tuple[int, int, int], tuple[float, list[Point]]],
        goals: dict[GridPoint, list[Port]],
        joins: dict[GridPoint, int],
    ) -> list[Point] | None:
        """The cheapest way from ``begin`` to a goal or a join (A*, the distance to the targets'
        bounding box its guess), or None past the limit. The innermost loop of every figure: the
        board's tables are read into locals, and an ordinary wire's track is checked in place."""
        xs, ys, solid, halo, meet = self.xs, self.ys, self.solid, self.halo, self.meet
        nodes, edges = self.nodes, self.edges
        heappush, heappop, inf = heapq.heappush, heapq.heappop, float("inf")
        targets = [(xs[i], ys[j]) for i, j in [*goals, *joins]]
        a = self.area
        i0, i1 = bisect.bisect_left(xs, a.left), bisect.bisect_right(xs, a.right)  # the grid inside the area
        j0, j1 = bisect.bisect_left(ys, a.top), bisect.bisect_right(ys, a.bottom)
        x0, x1 = min(t[0] for t in targets), max(t[0] for t in targets)
        y0, y1 = min(t[1] for t in targets), max(t[1] for t in targets)
        ordinary = self._reach(net) <= self.wire * 1.5  # a wire's marks say all; a pipe's need a look about

        def guess(i: int, j: int) -> float:  # the distance to the targets' bounding box: never too much
            x, y = xs[i], ys[j]
            return max(x0 - x, 0.0, x - x1) + max(y0 - y, 0.0, y - y1)

        def free(i: int, j: int, ni: int, nj: int, nh: int) -> bool:  # as _edge_free, its common case inline
            if not ordinary:
                return self._edge_free(net, (i, j), (ni, nj))
            marks = edges.get((0, min(i, ni), j) if nh % 2 == 0 else (1, i, min(j, nj)))
            return not (marks and (len(marks) > 1 or net not in marks))

        best: dict[object, float] = {}
        came: dict[object, object] = {}
        heap: list[tuple[float, float, int, object]] = []
        tie = 0
        for key, (cost, _) in begin.items():
            best[key], came[key] = cost, None
            heappush(heap, (cost + guess(key[0], key[1]), cost, tie, key))
            tie += 1
        # a way three times as long as the straight one, with a dozen bends, is no way a reader follows:
        # give up there rather than search the whole grid (the caller tries again with more room)
        limit = 3 * min(guess(i, j) for i, j, _ in begin) + 12 * BEND
        while heap:
            bound, cost, _, key = heappop(heap)
            if bound > limit:
                return None
            if cost > best.get(key, inf):
                continue
            if isinstance(key[0], Port):  # a way in: done
                return self._path(came[key], came, begin, key[0].at)
            if key[0] == "join":
                return self._path(came[key], came, begin, Point(xs[key[1]], ys[key[2]]))
            i, j, h = key
            for port in goals.get((i, j), ()):
                inward = (port.out + 2) % 4
                if h == port.out:
                    continue  # it would have to turn back
                done = cost + (BEND if h != inward else 0.0)
                gkey = (port, i, j)
                if done < best.get(gkey, inf):
                    best[gkey], came[gkey] = done, key
                    heappush(heap, (done, done, tie, gkey))
                    tie += 1
            here = nodes.get((i, j))
            crossing = bool(here) and (len(here) > 1 or net not in here)  # another net's line passes here
            back = (h + 2) % 4
            for nh in range(4):
                if nh == back or (crossing and nh != h):
                    continue
                di, dj = STEPS[nh]
                ni, nj = i + di, j + dj
                if joins.get((ni, nj), nh % 2) != nh % 2 and free(i, j, ni, nj, nh):
                    jkey = ("join", ni, nj)  # meets the line across it: a merge
                    done = cost + abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j]) + (BEND if nh != h else 0)
                    if done < best.get(jkey, inf):
                        best[jkey], came[jkey] = done, key
                        heappush(heap, (done, done, tie, jkey))
                        tie += 1
                if not (i0 <= ni < i1 and j0 <= nj < j1) or (ni, nj) in solid:
                    continue
                nkey = (ni, nj, nh)
                new = cost + abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j]) + (BEND if nh != h else 0.0)
                if new >= best.get(nkey, inf) - 1e-9:  # no better, even before a crossing's price
                    continue
                if not free(i, j, ni, nj, nh):
                    continue
                if (ni, nj) in halo and net not in halo[(ni, nj)]:
                    continue
                there = nodes.get((ni, nj))
                if there and (len(there) > 1 or net not in there):  # another net's line: only straight across
                    across = {1, 3} if nh % 2 == 0 else {0, 2}
                    if (ni, nj) in meet or any(v != across for n, v in there.items() if n != net):
                        continue
                    new += CROSS
                if new < best.get(nkey, inf) - 1e-9:
                    best[nkey], came[nkey] = new, key
                    heappush(heap, (new + guess(ni, nj), new, tie, nkey))
                    tie += 1
        return None

    def _ends(
        self,
        net: str,
        starts: Sequence[Port],
        ends: Sequence[Port],
        tree: Sequence[Sequence[Point]],
        own: tuple[str, ...],
        merge: tuple[str, Sequence[Sequence[Point]]] | None,
    ) -> tuple[dict[tuple[int, int, int], tuple[float, list[Point]]], dict[GridPoint, list[Port]], dict[GridPoint, int]]:  # noqa: E501
        """Where a search of :meth:`route` may begin (a free port's stub, or a branch off ``tree``,
        with its cost and the points before it), the grid points it may end at (before a free port of
        ``ends``), and the points on ``merge``'s lines it may join, with the way each line runs."""
        begin: dict[tuple[int, int, int], tuple[float, list[Point]]] = {}
        for port in starts:
            lead = [port.at, port.beyond]
            if self._stub_free(net, lead, own):
                begin[(self._i(port.beyond.x), self._j(port.beyond.y), port.out)] = (port.cost, lead)
        for wire in tree:
            for key, prefix in self._branches(net, wire):
                begin.setdefault(key, (0.5, prefix))
        goals: dict[tuple[int, int], list[Port]] = {}
        for port in ends:
            if self._stub_free(net, [port.at, port.beyond], own):
                goals.setdefault((self._i(port.beyond.x), self._j(port.beyond.y)), []).append(port)
        joins: dict[tuple[int, int], int] = {}  # grid points on a line to merge into -> the way it runs
        for wire in merge[1] if merge else ():
            for (i, j, h), _ in self._branches(merge[0], wire):
                if not self._others(merge[0], (i, j)) and (i, j) not in self.meet:
                    joins[(i, j)] = h % 2
        return begin, goals, joins

    def _path(self, key, came, begin, end: Point) -> list[Point]:  # type: ignore[no-untyped-def]
        """The wire's points: its start, the search's trail back from ``key``, and ``end``."""
        cells = []
        at = key
        while at is not None:
            cells.append(at)
            at = came[at]
        cells.reverse()
        head = begin[cells[0]][1]
        points = list(head) + [Point(self.xs[i], self.ys[j]) for i, j, _ in cells] + [end]
        return _corners([self.snap(p) for p in points])

    def allow_meeting(self, at: Point, nets: Iterable[str]) -> None:
        """Let lines of ``nets`` meet at ``at`` (where a wire merges into a concatenation's line)."""
        key = (self._i(at.x), self._j(at.y))
        self.meet[key] = self.meet.get(key, frozenset()) | frozenset(nets)

    def snap(self, p: Point) -> Point:
        """The grid point at ``p`` (coordinates within :data:`EPS` are one)."""
        return Point(self.xs[self._i(p.x)], self.ys[self._j(p.y)])

    def _stub_free(self, net: str, points: Sequence[Point], own: tuple[str, ...]) -> bool:
        """Whether the straight piece from a port (``points[0]``) out to where the search starts or
        ends is clear: no other net on it or beside it, no shape but the port's own, its far end
        outside every shape."""
        walk = self._walk(points)
        if walk is None:
            return False
        for k, at in enumerate(walk):
            if k and not self._edge_free(net, walk[k - 1], at):
                return False
            if self.solid.get(at) not in (None, *own) or (k == len(walk) - 1 and at in self.solid):
                return False
            if self._others(net, at) and not (k == 0 and at in self.meet and net in self.meet[at]):
                return False
        return True

    def _branches(self, net: str, wire: Sequence[Point]) -> Iterable[tuple[tuple[int, int, int], list[Point]]]:
        """Places a new wire may leave ``wire`` (a line of its net): grid points along it outside every
        shape and clear of other nets, short of its last stub, with the way the line runs there."""
        walk = self._walk(wire)
        end = wire[-1] if wire else None
        for k, at in enumerate(walk[1:-1] if walk else (), start=1):
            here = Point(self.xs[at[0]], self.ys[at[1]])
            if at in self.solid or self._others(net, at) or _dist(here, end) < 12:  # not in its last stub
                continue
            i0, j0 = walk[k - 1]
            yield (at[0], at[1], STEPS.index((at[0] - i0, at[1] - j0))), _prefix(wire, here)


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


def _edge(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int, int]:
    if a[1] == b[1]:
        return (0, min(a[0], b[0]), a[1])
    return (1, a[0], min(a[1], b[1]))


def _headings(walk: Sequence[tuple[int, int]], k: int) -> set[int]:
    """The headings of the lines leaving grid point ``walk[k]`` along the walk."""
    out = set()
    for n in (k - 1, k + 1):
        if 0 <= n < len(walk):
            d = (walk[n][0] - walk[k][0], walk[n][1] - walk[k][1])
            out.add(STEPS.index(d))
    return out


def _prefix(points: Sequence[Point], stop: Point) -> list[Point]:
    """The polyline ``points`` up to ``stop``, a point on it."""
    out = [points[0]]
    for a, b in zip(points, points[1:]):
        if (
            min(a.x, b.x) - EPS <= stop.x <= max(a.x, b.x) + EPS
            and min(a.y, b.y) - EPS <= stop.y <= max(a.y, b.y) + EPS
        ):
            out.append(stop)
            return out
        out.append(b)
    return out


def _corners(points: list[Point]) -> list[Point]:
    """Only the points where the line turns (and its ends)."""
    out: list[Point] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (a.x == b.x == p.x) or (a.y == b.y == p.y):
                out[-1] = p
                continue
        out.append(p)
    return out


def _dist(a: Point, b: Point) -> float:
    return abs(a.x - b.x) + abs(a.y - b.y)
