"""The router's search: the cheapest way for one wire across a :class:`~.routing.Board`, from a
free port of its source (or a branch off a line already carrying its value, so fan-out shares a
bus) to a free side of its destination, or merging into a concatenation's line. The price of a
way is its length, plus :data:`~.routing.BEND` for each bend and :data:`~.routing.CROSS` for each
crossing; the board says where a wire may go.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Sequence

from .geometry import Point
from .routing import BEND, CROSS, EPS, HEADING, STEPS, Board, GridPoint, Port

#: A way this many times as long as the straight one, with this many bends, is given up on: no
#: reader follows it (the caller tries again with more room).
LONGEST, BENDS = 3, 12
#: How near its end a line carries no branch (its last stub, where an arrowhead goes), in pixels.
LAST_STUB = 12.0


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
    begin: dict[tuple[int, int, int], tuple[float, list[Point]]],
    goals: dict[GridPoint, list[Port]],
    joins: dict[GridPoint, int],
) -> list[Point] | None:
    """The cheapest way from ``begin`` to a goal or a join (A*, its guess the distance to the
    targets' bounding box and the bends it takes to get there), or None past the limit. The
    innermost loop of every figure: the board's tables are read into locals, and an ordinary
    wire's track is checked in place."""
    xs, ys, solid, halo, meet = board.xs, board.ys, board.solid, board.halo, board.meet
    nodes, edges = board.nodes, board.edges
    heappush, heappop, inf = heapq.heappush, heapq.heappop, float("inf")
    targets = [(xs[i], ys[j]) for i, j in [*goals, *joins]]
    a = board.area
    i0, i1 = bisect.bisect_left(xs, a.left), bisect.bisect_right(xs, a.right)  # the grid inside the area
    j0, j1 = bisect.bisect_left(ys, a.top), bisect.bisect_right(ys, a.bottom)
    far, guess = _guesses(xs, ys, targets)
    ordinary = board.reach(net) <= board.wire * 1.5  # a wire's marks say all; a pipe's need a look about

    def free(i: int, j: int, ni: int, nj: int, nh: int) -> bool:  # as edge_free, its common case inline
        if not ordinary:
            return board.edge_free(net, (i, j), (ni, nj))
        marks = edges.get((0, min(i, ni), j) if nh % 2 == 0 else (1, i, min(j, nj)))
        return not (marks and (len(marks) > 1 or net not in marks))

    best: dict[object, float] = {}
    came: dict[object, object] = {}
    heap: list[tuple[float, float, int, object]] = []
    tie = 0
    for key, (cost, _) in begin.items():
        best[key], came[key] = cost, None
        heappush(heap, (cost + guess(*key), cost, tie, key))
        tie += 1
    # give up past LONGEST and BENDS rather than search the whole grid
    limit = LONGEST * min(far(i, j) for i, j, _ in begin) + BENDS * BEND
    while heap:
        bound, cost, _, key = heappop(heap)
        if bound > limit:
            return None
        if cost > best.get(key, inf):
            continue
        if isinstance(key[0], Port):  # a way in: done
            return _path(board, came[key], came, begin, key[0].at)
        if key[0] == "join":
            return _path(board, came[key], came, begin, Point(xs[key[1]], ys[key[2]]))
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
                heappush(heap, (new + guess(ni, nj, nh), new, tie, nkey))
                tie += 1
    return None


def _guesses(
    xs: Sequence[float], ys: Sequence[float], targets: Sequence[tuple[float, float]]
) -> tuple[Callable[[int, int], float], Callable[[int, int, int], float]]:
    """How far grid point (i, j) is from the targets' bounding box, and that distance with the
    bends a wire heading ``h`` there still needs: the search's guesses, never too much."""
    x0, x1 = min(t[0] for t in targets), max(t[0] for t in targets)
    y0, y1 = min(t[1] for t in targets), max(t[1] for t in targets)

    def far(i: int, j: int) -> float:  # the distance
        x, y = xs[i], ys[j]
        return max(x0 - x, 0.0, x - x1) + max(y0 - y, 0.0, y - y1)

    def guess(i: int, j: int, h: int) -> float:  # and the bends
        x, y = xs[i], ys[j]
        across = 0 if x < x0 else 2 if x > x1 else -1  # the heading that brings it over the box, if any
        down = 1 if y < y0 else 3 if y > y1 else -1
        dist = max(x0 - x, 0.0, x - x1) + max(y0 - y, 0.0, y - y1)
        if across >= 0 and down >= 0:  # both ways: a bend at least, two unless heading one of them
            return dist + (BEND if h in (across, down) else 2 * BEND)
        need = max(across, down)
        if need < 0 or h == need:
            return dist
        return dist + (2 * BEND if h == (need + 2) % 4 else BEND)  # turning back takes two

    return far, guess


def _ends(
    board: Board,
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
        if _stub_free(board, net, lead, own):
            begin[(board.i_at(port.beyond.x), board.j_at(port.beyond.y), port.out)] = (port.cost, lead)
    for wire in tree:
        for key, prefix in _branches(board, net, wire):
            begin.setdefault(key, (0.5, prefix))
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
    cells = []
    at = key
    while at is not None:
        cells.append(at)
        at = came[at]
    cells.reverse()
    head = begin[cells[0]][1]
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


def _branches(board: Board, net: str, wire: Sequence[Point]) -> Iterable[tuple[tuple[int, int, int], list[Point]]]:
    """Places a new wire may leave ``wire`` (a line of its net): grid points along it outside every
    shape and clear of other nets, short of its last stub, with the way the line runs there."""
    walk = board.walk(wire)
    end = wire[-1] if wire else None
    for k, at in enumerate(walk[1:-1] if walk else (), start=1):
        here = Point(board.xs[at[0]], board.ys[at[1]])
        if at in board.solid or board.others(net, at) or _dist(here, end) < LAST_STUB:  # not in its last stub
            continue
        i0, j0 = walk[k - 1]
        yield (at[0], at[1], HEADING[(at[0] - i0, at[1] - j0)]), _prefix(wire, here)


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
