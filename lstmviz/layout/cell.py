"""The cell view: one module laid out in the arrangement of "Understanding LSTM Networks", in
three stages over frozen data: place (:mod:`.grid`: rows, columns, lanes and shapes), route
(:mod:`.sketch`, the paths colah's figures use, then :mod:`.untangle`, a track of its own for
each wire) and label (:mod:`.labels`). Wires are orthogonal; lines of one source share their path
until they fork, lines of different sources get their own tracks.
"""

from __future__ import annotations

import dataclasses
import functools

from ..spec.graph import CellGraph
from .geometry import Dot, Layout, fork_dots
from .grid import Grid, place
from .labels import Labelled, label
from .metrics import Metrics
from .sketch import Sketch, sketch, streams
from .untangle import Untangled, untangle

#: How many times a cell is laid out, at most, with more room each time a wire or label finds no clear place.
ATTEMPTS = 5
#: How much more room each time (of the row and column spacing), at least.
MORE_ROOM = 1.25
#: Layouts kept (a walk-through draws one cell once per step).
KEPT = 16


def layout_cell(graph: CellGraph, metrics: Metrics | None = None) -> Layout:
    """The geometry of ``graph`` drawn as one module.

    Rows and columns start at the style's spacing and widen when the wires between them need more
    tracks than fit (one track per source), so that no wire runs through a node, or when a label
    finds no place clear of wires and other labels. Layouts are immutable, and the last few are
    kept: a walk-through draws the same cell once per step.
    """
    return _layout_cell(graph, metrics or Metrics())


@functools.lru_cache(maxsize=KEPT)
def _layout_cell(graph: CellGraph, m: Metrics) -> Layout:
    """The cell drawn with more room each time a wire or label finds no clear place; the attempt with
    the fewest wires left off their own track (then the fewest crowded labels) when none is clean:
    more room is not always better for the router. Where the first draft's tracks need more room
    than the spacing gives, the wires are not routed at that spacing (the attempt would be redone)."""
    best: tuple[tuple[int, int], Layout] | None = None
    widened = routed_at = 0  # spacings widened for the first draft's sake, and laid out whole
    start: tuple[float, float] | None = None  # this attempt's row and column spacing, before the draft's widening
    while routed_at < ATTEMPTS:
        grid = place(graph, m)
        drafted = sketch(grid)
        row, column = _room_needed(grid, drafted)
        start = start or (m.row, grid.pitch)
        if (row > m.row or column > grid.pitch) and widened < ATTEMPTS:  # the first draft's tracks do not
            widened += 1  # fit: its wires are routed with that room, not routed here and then again
            m = dataclasses.replace(m, row=max(m.row, row), column=max(m.column, column))
            continue
        routed_at += 1
        routed = untangle(grid, drafted.wires)
        dots = fork_dots(routed.wires)
        named = label(grid, routed.wires, dots)
        layout = _assemble(grid, routed, dots, named)
        score = (routed.unrouted, named.crowded)
        if best is None or score <= best[0]:  # of equals, the later: it has the room asked for
            best = (score, layout)
        if named.crowded or routed.unrouted:  # a label or a wire found no clear place: give everything more
            row, column = max(row, start[0] * MORE_ROOM), max(column, start[1] * MORE_ROOM)  # room than it had
            if row <= m.row and column <= grid.pitch:  # (the draft's widening gave that much already)
                row, column = m.row * MORE_ROOM, grid.pitch * MORE_ROOM
        if row <= m.row and column <= grid.pitch:
            break
        m = dataclasses.replace(m, row=max(m.row, row), column=max(m.column, column))
        start = None
    assert best is not None
    return best[1]


def _assemble(grid: Grid, routed: Untangled, dots: tuple[Dot, ...], named: Labelled) -> Layout:
    """The stages' results as one figure, with room around them."""
    m = grid.m
    width = max([grid.module.right + m.lead + m.pad] + [lab.box().right + m.pad for lab in named.labels])
    height = grid.module.bottom + m.lead + m.pad
    wires = routed.wires + named.biases
    return Layout(width, height, grid.module, grid.shapes, wires, dots, named.labels, streams=streams(grid.graph))


def _room_needed(grid: Grid, drafted: Sketch) -> tuple[float, float]:
    """The row and column spacing that would give every track the first draft used room beside the shapes."""
    m = grid.m
    tallest = max(m.box_h, 2 * m.op_r, m.ellipse_h)
    widest = max([m.box_w, m.ellipse_w] + [s.box.w for s in grid.occupants])
    return 2 * (drafted.channels + tallest / 2 + m.shape_gap), widest + 2 * (drafted.gutters + m.shape_gap)
