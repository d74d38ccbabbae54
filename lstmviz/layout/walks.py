"""Walks on the board's grid of tracks: the grid points a wire passes, in order, as (column, row).
What the board reads of one: its straight runs, its edges and the headings of its lines at each
point."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Unit steps: right, down, left, up (the index is a heading).
STEPS = ((1, 0), (0, 1), (-1, 0), (0, -1))
HEADING = {step: h for h, step in enumerate(STEPS)}  #: a unit step -> its heading


def straight_runs(walk: Sequence[tuple[int, int]]) -> Iterable[tuple[int, tuple[int, int], tuple[int, int]]]:
    """The walk's straight runs, each as its axis (0 across, 1 down) and its grid points with the
    smaller coordinates first and last."""
    k = 0
    while k + 1 < len(walk):
        step = (walk[k + 1][0] - walk[k][0], walk[k + 1][1] - walk[k][1])
        end = k + 1
        while end + 1 < len(walk) and (walk[end + 1][0] - walk[end][0], walk[end + 1][1] - walk[end][1]) == step:
            end += 1
        yield (0 if step[1] == 0 else 1, *sorted((walk[k], walk[end])))
        k = end


def run_length(first: tuple[int, int], last: tuple[int, int]) -> int:
    """The grid steps between two points of one run."""
    return last[0] - first[0] + last[1] - first[1]


def edge_of(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int, int]:
    """The edge between neighbouring grid points ``a`` and ``b``: (axis, column, row) of its first point."""
    if a[1] == b[1]:
        return (0, min(a[0], b[0]), a[1])
    return (1, a[0], min(a[1], b[1]))


#: The headings of a line passing straight through a point, across or down.
STRAIGHT = ({0, 2}, {1, 3})


def walk_headings(walk: Sequence[tuple[int, int]]) -> list[set[int]]:
    """By grid point of ``walk``, the headings of the lines leaving it along the walk (the way back
    and the way on)."""
    out: list[set[int]] = [set() for _ in walk]
    for k in range(len(walk) - 1):
        (i0, j0), (i1, j1) = walk[k], walk[k + 1]
        out[k].add(HEADING[(i1 - i0, j1 - j0)])
        out[k + 1].add(HEADING[(i0 - i1, j0 - j1)])
    return out
