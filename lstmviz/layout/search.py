"""The router's search: the cheapest way for one wire across a :class:`~.routing.Board`, from a
free port of its source (or a branch off a line already carrying its value, so fan-out shares a
bus) to a free side of its destination, or merging into a concatenation's line. The price of a
way is its length, plus :data:`~.routing.BEND` for each bend and :data:`~.routing.CROSS` for each
crossing; the board says where a wire may go.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections.abc import Iterable, Iterator, Sequence

from .geometry import Point
from .routing import BEND, CROSS, EPS, Board, GridPoint, Port
from .walks import HEADING

#: A way this many times as long as the straight one, with this many bends, is given up on: no
#: reader follows it (the caller tries again with more room).
LONGEST, BENDS = 3, 12
#: How near its end a line carries no branch (its last stub, where an arrowhead goes), in pixels.
LAST_STUB = 12.0
#: How a search's start is reached: along a port's stub (its points), or by a branch off a line of
#: the net (the line, and the point the branch leaves it at: the line up to there is found only for
#: the start the way is found from).
Lead = list[Point] | tuple[Sequence[Point], Point]


def route(
    board: Board,
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
    begin, goals, joins = _ends(board, net, starts, ends, tree, own, merge)
    if not begin or not (goals or joins):
        return None
    return _search(board, net, begin, goals, joins)


def _search(
    board: Board,
    net: str,
    begin: dict[tuple[int, int, int], tuple[float, Lead]],
    goals: dict[GridPoint, list[Port]],
    joins: dict[GridPoint, int],
) -> list[Point] | None:
    """The cheapest way from ``begin`` to a goal or a join (A*, its guess the distance to the
    targets' bounding box and the bends it takes to get there), or None past the limit. The
    innermost loop of every figure: a state is one number, (i * rows + j) * 4 + heading; the
    board's flat tables and the guess's are read into locals, and an ordinary wire's track is
    checked in place."""
    xs, ys, halo = board.xs, board.ys, board.halo
    node_at, across, down, open_ = board.node_at, board.across, board.down, board.open
    nx, n = len(xs), len(ys)
    heappush, heappop, inf = heapq.heappush, heapq.heappop, float("inf")
    guess = _guesses(xs, ys, [(xs[i], ys[j]) for i, j in [*goals, *joins]])
    gx, gy, sx, sy, bends = guess.x, guess.y, guess.side_x, guess.side_y, _BENDS
    ordinary = board.ordinary(net)  # a wire's marks say all; a pipe's need a look about
    goal_at, join_at, meet_at, step_x, step_y = _flat(board, goals, joins)
    looked: dict[int, bool] = {}  # a pipe's edges looked at (the board holds still during a search)
    best = [inf] * (nx * n * 4)  # the cheapest way found to each state
    came: dict[object, object] = {}
    ends: dict[object, float] = {}  # the same for a way in: ("in", port, point) or ("join", point)
    heap: list[tuple[float, float, int, object]] = []
    tie = itertools.count()
    for (i, j, h), (cost, _) in begin.items():
        key = (i * n + j) * 4 + h
        best[key], came[key] = cost, None
        heappush(heap, (cost + guess(i, j, h), cost, next(tie), key))
    # give up past LONGEST and BENDS rather than search the whole grid
    limit = LONGEST * min(guess.far(i, j) for i, j, _ in begin) + BENDS * BEND
    while heap:
        bound, cost, _, key = heappop(heap)
        if bound > limit:
            return None
        if type(key) is tuple:  # a way in: done
            return _path(board, came[key], came, begin, key[-1])
        if cost > best[key]:
            continue
        p, h = key >> 2, key & 3
        i, j = divmod(p, n)
        for port in goal_at.get(p, ()):
            if h != port.out:  # (else it would have to turn back)
                done = cost + (BEND if h != (port.out + 2) % 4 else 0.0)
                _end(heap, ends, came, ("in", port, port.at), done, key, tie)
        here = node_at[p]
        crossing = here is not None and (len(here) > 1 or net not in here)  # another net's line passes here
        for nh in (h,) if crossing else _TURNS[h]:
            if nh == 0:
                if i + 1 == nx:
                    continue
                ni, nj, q, length, marks = i + 1, j, p + n, step_x[i], across[p]
            elif nh == 1:
                if j + 1 == n:
                    continue
                ni, nj, q, length, marks = i, j + 1, p + 1, step_y[j], down[p]
            elif nh == 2:
                if i == 0:
                    continue
                ni, nj, q, length, marks = i - 1, j, p - n, step_x[i - 1], across[p - n]
            else:
                if j == 0:
                    continue
                ni, nj, q, length, marks = i, j - 1, p - 1, step_y[j - 1], down[p - 1]
            new = cost + length + (BEND if nh != h else 0.0)
            free = not marks or (len(marks) == 1 and net in marks) if ordinary else None  # None: look
            if join_at and join_at.get(q, nh & 1) != nh & 1:  # meets the line across it: a merge
                if free or (free is None and _pipe_free(board, net, looked, p, q, ni, nj)):
                    _end(heap, ends, came, ("join", Point(xs[ni], ys[nj])), new, key, tie)
            room = open_[q]
            if not room:
                continue
            nkey = q * 4 + nh
            if new >= best[nkey] - 1e-9:  # no better, even before a crossing's price
                continue
            if not free and (free is not None or not _pipe_free(board, net, looked, p, q, ni, nj)):
                continue
            if room == 2 and net not in halo[(ni, nj)]:
                continue
            there = node_at[q]
            if there is not None and (len(there) > 1 or net not in there):  # another net's line: only straight across
                way = {1, 3} if nh & 1 == 0 else {0, 2}
                if q in meet_at or any(v != way for m, v in there.items() if m != net):
                    continue
                new += CROSS
            if new < best[nkey] - 1e-9:
                best[nkey], came[nkey] = new, key
                heappush(heap, (new + (gx[ni] + gy[nj] + bends[sx[ni] + sy[nj]][nh]), new, next(tie), nkey))
    return None


def _flat(
    board: Board, goals: dict[GridPoint, list[Port]], joins: dict[GridPoint, int]
) -> tuple[dict[int, list[Port]], dict[int, int], set[int], list[float], list[float]]:
    """What the search reads by grid point number: the goals' ports, the joins' ways, the meeting
    points; and the length of each step right from a column and down from a row."""
    xs, ys, n = board.xs, board.ys, len(board.ys)
    return (
        {i * n + j: ports for (i, j), ports in goals.items()},
        {i * n + j: way for (i, j), way in joins.items()},
        {i * n + j for i, j in board.meet},
        [xs[i + 1] - xs[i] for i in range(len(xs) - 1)],
        [ys[j + 1] - ys[j] for j in range(n - 1)],
    )


def _pipe_free(board: Board, net: str, looked: dict[int, bool], p: int, q: int, ni: int, nj: int) -> bool:
    """Whether a pipe of ``net`` may run from grid point number ``p`` to ``q`` (at (ni, nj)), looked
    at once a search: :meth:`~.routing.Board.edge_free`."""
    n = len(board.ys)
    edge = min(p, q) * 2 + (p // n == ni)  # the edge's first grid point and its axis
    found = looked.get(edge)
    if found is None:
        found = looked[edge] = board.edge_free(net, divmod(p, n), (ni, nj))
    return found


def _end(heap: list, ends: dict, came: dict, key: tuple, cost: float, before: int, tie: Iterator[int]) -> None:  # type: ignore[type-arg]
    """Offer a way in (into a port, or joining a line) at ``cost``, reached from state ``before``."""
    if cost < ends.get(key, float("inf")):
        ends[key], came[key] = cost, before
        heapq.heappush(heap, (cost, cost, next(tie), key))


#: The headings a wire may take next, by the one it has: any but back the way it came.
_TURNS = tuple(tuple(nh for nh in range(4) if nh != (h + 2) % 4) for h in range(4))


def _bends(need_x: int, need_y: int) -> tuple[float, ...]:
    """By heading, the bends (as their price) a wire still needs to reach a box it must go
    ``need_x`` (0 right, 2 left, -1 neither) and ``need_y`` (1 down, 3 up, -1 neither) to reach."""
    if need_x >= 0 and need_y >= 0:  # both ways: a bend at least, two unless heading one of them
        return tuple(BEND if h in (need_x, need_y) else 2 * BEND for h in range(4))
    need = max(need_x, need_y)
    if need < 0:
        return (0.0,) * 4
    # heading there: none; across: one; turning back takes two
    return tuple(0.0 if h == need else 2 * BEND if h == (need + 2) % 4 else BEND for h in range(4))


_LEFT, _RIGHT, _ABOVE, _BELOW = 1, 2, 3, 6  # the codes of Guess.side_x and side_y, which sum to an index
#: :func:`_bends` for every side of the box a grid point may be on, indexed by the sum of
#: :attr:`Guess.side_x` and :attr:`Guess.side_y`.
_BENDS = tuple(_bends(need_x, need_y) for need_y in (-1, 1, 3) for need_x in (-1, 0, 2))


@dataclasses.dataclass(frozen=True)
class Guess:
    """The search's guess of what a way from grid point (i, j) to the targets' bounding box costs,
    never too much: the distance, ``x[i] + y[j]``, and the bends a wire heading ``h`` still needs,
    ``_BENDS[side_x[i] + side_y[j]][h]`` (a table, as the search reads it)."""

    x: list[float]  #: by column, how far it is from the box across
    y: list[float]  #: by row, how far it is from the box up or down
    side_x: list[int]  #: by column, 0 inside the box's columns, 1 left of it, 2 right of it
    side_y: list[int]  #: by row, 0 inside the box's rows, 3 above it, 6 below it

    def far(self, i: int, j: int) -> float:
        """The distance alone."""
        return self.x[i] + self.y[j]

    def __call__(self, i: int, j: int, h: int) -> float:
        return self.x[i] + self.y[j] + _BENDS[self.side_x[i] + self.side_y[j]][h]


def _guesses(xs: Sequence[float], ys: Sequence[float], targets: Sequence[tuple[float, float]]) -> Guess:
    """The guess towards ``targets`` on the grid of ``xs`` and ``ys``."""
    x0, x1 = min(t[0] for t in targets), max(t[0] for t in targets)
    y0, y1 = min(t[1] for t in targets), max(t[1] for t in targets)
    return Guess(
        [max(x0 - x, 0.0, x - x1) for x in xs],
        [max(y0 - y, 0.0, y - y1) for y in ys],
        [_LEFT if x < x0 else _RIGHT if x > x1 else 0 for x in xs],
        [_ABOVE if y < y0 else _BELOW if y > y1 else 0 for y in ys],
    )


def _ends(
    board: Board,
    net: str,
    starts: Sequence[Port],
    ends: Sequence[Port],
    tree: Sequence[Sequence[Point]],
    own: tuple[str, ...],
    merge: tuple[str, Sequence[Sequence[Point]]] | None,
) -> tuple[dict[tuple[int, int, int], tuple[float, Lead]], dict[GridPoint, list[Port]], dict[GridPoint, int]]:  # noqa: E501
    """Where a search of :meth:`route` may begin (a free port's stub, or a branch off ``tree``,
    with its cost and the points before it), the grid points it may end at (before a free port of
    ``ends``), and the points on ``merge``'s lines it may join, with the way each line runs."""
    begin: dict[tuple[int, int, int], tuple[float, Lead]] = {}
    for port in starts:
        lead = [port.at, port.beyond]
        if _stub_free(board, net, lead, own):
            begin[(board.i_at(port.beyond.x), board.j_at(port.beyond.y), port.out)] = (port.cost, lead)
    for wire in tree:
        for key, here in _branches(board, net, wire):
            begin.setdefault(key, (0.5, (wire, here)))
    goals: dict[tuple[int, int], list[Port]] = {}
    for port in ends:
        if _stub_free(board, net, [port.at, port.beyond], own):
            goals.setdefault((board.i_at(port.beyond.x), board.j_at(port.beyond.y)), []).append(port)
    joins: dict[tuple[int, int], int] = {}  # grid points on a line to merge into -> the way it runs
    for wire in merge[1] if merge else ():
        for (i, j, h), _ in _branches(board, merge[0], wire):
            if not board.others(merge[0], (i, j)) and (i, j) not in board.meet:
                joins[(i, j)] = h % 2
    return begin, goals, joins


def _path(board: Board, key, came, begin, end: Point) -> list[Point]:  # type: ignore[no-untyped-def]
    """The wire's points: its start, the search's trail back from ``key``, and ``end``."""
    n = len(board.ys)
    cells = []
    at = key
    while at is not None:
        cells.append(divmod(at // 4, n) + (at % 4,))
        at = came[at]
    cells.reverse()
    lead = begin[cells[0]][1]
    head = _prefix(*lead) if type(lead) is tuple else lead  # a branch: the line it leaves, up to there
    points = list(head) + [Point(board.xs[i], board.ys[j]) for i, j, _ in cells] + [end]
    return _corners([board.snap(p) for p in points])


def _stub_free(board: Board, net: str, points: Sequence[Point], own: tuple[str, ...]) -> bool:
    """Whether the straight piece from a port (``points[0]``) out to where the search starts or
    ends is clear: no other net on it or beside it, no shape but the port's own, its far end
    outside every shape."""
    walk = board.walk(points)
    if walk is None:
        return False
    for k, at in enumerate(walk):
        if k and not board.edge_free(net, walk[k - 1], at):
            return False
        if board.solid.get(at) not in (None, *own) or (k == len(walk) - 1 and at in board.solid):
            return False
        if board.others(net, at) and not (k == 0 and at in board.meet and net in board.meet[at]):
            return False
    return True


def _branches(board: Board, net: str, wire: Sequence[Point]) -> Iterable[tuple[tuple[int, int, int], Point]]:
    """Places a new wire may leave ``wire`` (a line of its net): grid points along it outside every
    shape and clear of other nets, short of its last stub, with the way the line runs there, and
    the point itself."""
    walk = board.walk(wire)
    end = wire[-1] if wire else None
    for k, at in enumerate(walk[1:-1] if walk else (), start=1):
        here = Point(board.xs[at[0]], board.ys[at[1]])
        if at in board.solid or board.others(net, at) or _dist(here, end) < LAST_STUB:  # not in its last stub
            continue
        i0, j0 = walk[k - 1]
        yield (at[0], at[1], HEADING[(at[0] - i0, at[1] - j0)]), here


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
