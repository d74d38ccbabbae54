"""Every view of a cell, by name (:func:`layout_view`): the ordered view here; the chain in
:mod:`.chain`, the views of part of a cell in :mod:`.parts`, the diagrams that are not of a cell in
:mod:`.diagrams`.

Each returns a :class:`Layout`; the views of a cell start from the cell view's geometry, so a cell
looks the same in every view.
"""

from __future__ import annotations

import dataclasses

from ..errors import Choice, SpecError
from ..mathtext import MIDLINE
from ..spec.graph import CellGraph
from ..spec.roles import equations
from .cell import layout_cell
from .chain import layout_chain
from .diagrams import SYMBOLS, layout_dependency, layout_gate, layout_legend, layout_rolled, layout_unrolled
from .geometry import Label, Layout
from .labels import place
from .metrics import Metrics
from .parts import layout_build, layout_focus, layout_state_line, layout_unit, with_equations

#: The ordered view widens its figure (columns, rows) by these shares, at most this many times,
#: until every round number finds a clear place.
ROUND_ROOM, ROUND_ATTEMPTS = (1.25, 1.2), 4
#: Where a round number is tried off its shape, in the number's sizes: off a corner below (its
#: baseline), centred above and centred below.
_OFF_BELOW, _ABOVE, _BELOW = 1.6, 1.8, 2.2

VIEWS = (
    "cell",
    "focus",
    "build",
    "ordered",
    "conventional",
    "chain",
    "equations",
    "cell-state",
    "unit",
    "legend",
    "pipe",
    "valve",
    "t-joint",
    "gate",
    "rolled",
    "unrolled",
    "short-term",
    "long-term",
)
VIEW = Choice("view", VIEWS)


def layout_view(
    graph: CellGraph, view: str = "cell", *, focus: str | None = None, metrics: Metrics | None = None
) -> Layout:
    """The geometry of one view of ``graph``."""
    m = metrics or Metrics()
    VIEW.check(view, name="view")
    if view not in ("focus", "build") and focus is not None:
        raise SpecError("--focus goes with --view focus", name="focus", fix="add --view focus, or drop --focus")
    if view == "cell":
        return layout_cell(graph, m)
    if view == "focus":
        return layout_focus(graph, focus, m)
    if view == "build":
        return layout_build(graph, focus, m)
    if view == "ordered":
        return layout_ordered(graph, m)
    if view == "conventional":  # the ordered view with the cell state's line through the middle
        return layout_ordered(graph, dataclasses.replace(m, line_in_middle=True))
    if view == "chain":
        return layout_chain(graph, m)
    if view == "equations":
        return with_equations(layout_cell(graph, m), equations(graph, frozenset(graph.by_id)), m)
    if view == "cell-state":
        return layout_state_line(graph, m)
    if view == "unit":
        return layout_unit(graph, m)
    if view in SYMBOLS:
        return layout_legend(m, SYMBOLS[view])
    if view in ("short-term", "long-term"):
        return layout_dependency(m, long=view == "long-term")
    return {"legend": layout_legend, "gate": layout_gate, "rolled": layout_rolled, "unrolled": layout_unrolled}[view](m)


# -- ordered ---------------------------------------------------------------------------------------
def layout_ordered(graph: CellGraph, m: Metrics) -> Layout:
    """The cell with the order of evaluation visible: the values that exist when the step starts
    (inputs, last step's states) drawn dashed, those computed during the step solid, and each layer
    and op numbered by the round in which it can be computed (everything it reads is ready)."""
    ready = {n.id for n in graph.nodes if n.kind in ("input", "state-in")}
    for node_id in graph.order:  # a concatenation or renaming of old values is old too: [h_{t-1}, x_t]
        node = graph.node(node_id)
        renaming = node.kind == "op" and node.op == "identity" and node.constant is None
        if (node.kind == "concat" or renaming) and all(i in ready for i in node.inputs):
            ready.add(node_id)
    old = frozenset(e.id for e in graph.edges if e.src in ready)
    rounds: dict[str, int] = {}
    for node_id in graph.order:
        node = graph.node(node_id)
        before = [rounds.get(r, 0) for r in node.reads]
        rounds[node_id] = max(before, default=0) + (1 if node.kind in ("layer", "op") else 0)
    for _ in range(ROUND_ATTEMPTS):  # widen the figure until every number finds a clear place
        base = layout_cell(graph, m)
        labels, crowded = list(base.labels), False
        segments = [(a, b) for w in base.wires for a, b in zip(w.points, w.points[1:])]
        solid = [s.box for s in base.shapes if s.shape in ("box", "circle", "ellipse")]
        size, gap = m.font * m.round_label, m.round_gap
        for shape in base.shapes:
            if shape.kind in ("layer", "op") and shape.shape != "junction":  # a renaming has no number
                b, text = shape.box, str(rounds[shape.node])
                corners = [  # beside a corner, beside the middle, off a corner, above, below (in sizes)
                    (b.right + gap, b.bottom + size, "start"),
                    (b.right + gap, b.top - gap, "start"),
                    (b.left - gap, b.bottom + size, "end"),
                    (b.left - gap, b.top - gap, "end"),
                    (b.right + gap, b.y + size * MIDLINE, "start"),
                    (b.left - gap, b.y + size * MIDLINE, "end"),
                    (b.right + size, b.bottom + size * _OFF_BELOW, "start"),
                    (b.left - size, b.top - size, "end"),
                    (b.right + size, b.top - size, "start"),
                    (b.left - size, b.bottom + size * _OFF_BELOW, "end"),
                    (b.x, b.top - size * _ABOVE, "middle"),
                    (b.x, b.bottom + size * _BELOW, "middle"),
                ]
                # then the same places a little further out, clear of a line that runs close by
                out = {"start": size, "end": -size, "middle": 0.0}
                corners += [(x + out[a], y + (size if y > b.y else -size), a) for x, y, a in corners]
                options = [Label(f"round-{shape.node}", text, x, y, anchor, size) for x, y, anchor in corners]
                label, clash = place(options, segments, solid, labels)
                labels.append(label)
                crowded |= clash
        if not crowded:
            break
        m = dataclasses.replace(m, column=m.column * ROUND_ROOM[0], row=m.row * ROUND_ROOM[1])
    return dataclasses.replace(base, labels=tuple(labels), dashed=old)
