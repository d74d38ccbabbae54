"""The router's search guesses never more than a way costs, so the way it finds is the cheapest."""

from __future__ import annotations

import heapq

from hypothesis import given, settings
from hypothesis import strategies as st

from lstmviz.layout.routing import BEND
from lstmviz.layout.search import _guesses
from lstmviz.layout.walks import STEPS


def cheapest(xs, ys, start, targets):
    """Dijkstra over (i, j, heading) on an empty grid: length plus BEND at each turn."""
    goal = {(i, j) for i, j in targets}
    best = {start: 0.0}
    heap = [(0.0, start)]
    while heap:
        cost, (i, j, h) = heapq.heappop(heap)
        if (i, j) in goal:
            return cost
        if cost > best[(i, j, h)]:
            continue
        for nh, (di, dj) in enumerate(STEPS):
            if nh == (h + 2) % 4:
                continue
            ni, nj = i + di, j + dj
            if 0 <= ni < len(xs) and 0 <= nj < len(ys):
                new = cost + abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j]) + (BEND if nh != h else 0.0)
                if new < best.get((ni, nj, nh), float("inf")):
                    best[(ni, nj, nh)] = new
                    heapq.heappush(heap, (new, (ni, nj, nh)))
    raise AssertionError("no way")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(1, 40), min_size=2, max_size=9),
    st.lists(st.floats(1, 40), min_size=2, max_size=9),
    st.data(),
)
def test_the_guess_is_never_more_than_the_cheapest_way(dx, dy, data):
    xs = [sum(dx[:k]) for k in range(len(dx))]
    ys = [sum(dy[:k]) for k in range(len(dy))]
    point = st.tuples(st.integers(0, len(xs) - 1), st.integers(0, len(ys) - 1))
    targets = data.draw(st.lists(point, min_size=1, max_size=3))
    i, j = data.draw(point)
    h = data.draw(st.integers(0, 3))
    guess = _guesses(xs, ys, [(xs[a], ys[b]) for a, b in targets])
    way = cheapest(xs, ys, (i, j, h), targets)
    assert guess.far(i, j) <= guess(i, j, h) <= way + 1e-9


def test_the_guess_counts_the_bends_a_way_needs():
    xs, ys = [0.0, 10.0, 20.0], [0.0, 10.0, 20.0]
    guess = _guesses(xs, ys, [(20.0, 20.0)])
    far = guess.far
    assert guess(0, 0, 0) == far(0, 0) + BEND  # heading right, the target below right: one bend
    assert guess(0, 0, 2) == far(0, 0) + 2 * BEND  # heading away: two
    assert guess(2, 0, 1) == far(2, 0)  # straight down onto it: none
    assert guess(2, 0, 3) == far(2, 0) + 2 * BEND  # straight away from it: turning back takes two
