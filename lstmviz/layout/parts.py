"""Views of part of a cell, drawn on the cell view's geometry so that a cell looks the same in
each: the focus (one step lit, the rest faded), the build (only the named steps drawn, as Shi
Yan's post builds the cell up), the cell state's line, and the closed unit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..errors import SpecError
from ..mathtext import MIDLINE, width
from ..spec.graph import CellGraph
from ..spec.roles import around, equations, roles
from .cell import layout_cell
from .geometry import Box, Label, Layout, Point, Shape, Wire, on_segment, parting
from .metrics import Metrics


def layout_focus(graph: CellGraph, focus: str | None, m: Metrics) -> Layout:
    """The cell with one node or step in focus (or several, joined by "+": "input+state"), everything
    else faded, the step's equations beside it."""
    keep = _focused(graph, focus)
    base = layout_cell(graph, m)
    everything = {n.id for n in graph.nodes} | {e.id for e in graph.edges}
    lines = roles(graph).on_lines  # off the top line, no bold arrow into a faded node (the state step's to tanh)
    off_line = {e.id for e in graph.edges if e.id in keep and e.src in lines and e.dst not in keep | lines}
    faded = _faded(base, everything - keep | off_line)
    shown = with_equations(
        dataclasses.replace(base, wires=_lit_from_fork(base.wires, faded)), equations(graph, keep), m
    )
    return dataclasses.replace(shown, faded=faded)  # faded parts keep their labels, faded with them


def _lit_from_fork(wires: Sequence[Wire], faded: frozenset[str]) -> tuple[Wire, ...]:
    """Each lit line of a faded source drawn lit only from where it leaves the faded lines of that
    source: colah's output step fades the top line from + to the fork down into tanh."""
    out = []
    for w in wires:
        if w.edge not in faded and w.src in faded:
            forks = [parting(w.points, f.points) for f in wires if f.src == w.src and f.edge in faded]
            at = max((p for p in forks if p is not None), key=lambda p: _along(w.points, p), default=None)
            if at is not None and at != w.points[0]:
                w = dataclasses.replace(w, points=_from(w.points, at))
        out.append(w)
    return tuple(out)


def _along(points: Sequence[Point], at: Point) -> float:
    """How far along the polyline ``points`` the point ``at`` (on it) lies."""
    total = 0.0
    for a, b in zip(points, points[1:]):
        if on_segment(at, a, b):
            return total + abs(at.x - a.x) + abs(at.y - a.y)
        total += abs(b.x - a.x) + abs(b.y - a.y)
    return total


def _from(points: Sequence[Point], at: Point) -> tuple[Point, ...]:
    """The polyline ``points`` from ``at`` (on it) on."""
    for k, (a, b) in enumerate(zip(points, points[1:])):
        if on_segment(at, a, b):
            return (at, *points[k + 1 :]) if at != b else tuple(points[k + 1 :])
    return tuple(points)


def layout_build(graph: CellGraph, focus: str | None, m: Metrics) -> Layout:
    """The cell built up as Shi Yan's post builds it: the memory pipe along the top and the named
    steps or nodes (as the focus view takes them), in their places, and nothing else drawn yet."""
    base = layout_cell(graph, m)
    keep = _focused(graph, focus, "build") | _top_line(base)
    shown = {s.node for s in base.shapes if s.node in keep}
    wires = tuple(
        w for w in base.wires if (w.edge in keep and {w.src, w.dst} <= shown) or (w.kind == "bias" and w.dst in shown)
    )

    def passes(w: Wire, at: Point) -> bool:
        return any(on_segment(at, a, b) for a, b in zip(w.points, w.points[1:]))

    named = keep | {w.edge for w in wires}  # a bias's name belongs to its line
    return dataclasses.replace(
        base,
        shapes=tuple(s for s in base.shapes if s.node in shown),
        wires=wires,  # a dot where two of the lines drawn still part
        dots=tuple(d for d in base.dots if sum(w.src == d.node and passes(w, d.at) for w in wires) >= 2),
        labels=tuple(lab for lab in base.labels if lab.owner in named),
    )


def _focused(graph: CellGraph, focus: str | None, view: str = "focus") -> frozenset[str]:
    """The ids a focus names: steps or nodes (with the lines into and out of each), joined by "+"."""
    known = roles(graph).step_shows
    if focus is None:
        raise SpecError(
            f"the {view} view needs --focus", name="focus", fix=f"name a step ({', '.join(known)}) or a node id"
        )
    keep: frozenset[str] = frozenset()
    for part in focus.split("+"):  # several steps or nodes at once: "input+state"
        if part in known:
            keep |= known[part]
        elif part in graph.by_id:
            keep |= around(graph, part)
        else:
            raise SpecError(
                f"is neither a step nor a node of {graph.name!r}",
                name=part,
                fix=f"steps: {', '.join(known)} (join several with +)",
            )
    return keep


def layout_unit(graph: CellGraph, m: Metrics) -> Layout:
    """The cell as a closed unit, only what goes in and comes out: the first figure of Shi Yan's post
    (the inputs x_t, h_{t-1}, C_{t-1}; the outputs h_t, C_t)."""
    base = layout_cell(graph, m)
    module = base.module
    assert module is not None
    ends = {s.node for s in base.shapes if s.shape == "terminal"}
    wires = []
    for w in base.wires:
        if w.src in ends:
            wires.append(dataclasses.replace(w, points=_cut(w.points, module)))
        elif w.dst in ends:
            cut = _cut(w.points[::-1], module)[::-1]
            wires.append(dataclasses.replace(w, points=cut))
    name = graph.name.split("-")[0].upper()
    unit = Shape(graph.name, "module", "module", module, name)
    shapes = tuple(s for s in base.shapes if s.node in ends) + (unit,)
    labels = tuple(lab for lab in base.labels if lab.owner in ends)
    renewed = frozenset(s.node for s in base.shapes if s.form == "lane-sum")  # C_t leaves green, as Shi Yan draws it
    return dataclasses.replace(
        base, module=None, shapes=shapes, wires=tuple(wires), dots=(), labels=labels, renewed=renewed
    )


def _cut(points: tuple[Point, ...], box: Box) -> tuple[Point, ...]:
    """An orthogonal line from outside ``box``, up to where it first enters it."""
    out = [points[0]]
    for a, b in zip(points, points[1:]):
        inside = box.left < b.x < box.right and box.top < b.y < box.bottom
        if not inside:
            out.append(b)
            continue
        if a.y == b.y:  # across a side
            out.append(Point(box.left if a.x <= box.left else box.right, b.y))
        else:  # across the top or the bottom
            out.append(Point(b.x, box.top if a.y <= box.top else box.bottom))
        break
    return tuple(out)


def layout_state_line(graph: CellGraph, m: Metrics) -> Layout:
    """colah's cell-state figure: the line along the top of the module (the conveyor belt, with its
    ops) in black, the rest of the cell faded."""
    base = layout_cell(graph, m)
    keep = _top_line(base)
    everything = {n.id for n in graph.nodes} | {e.id for e in graph.edges}
    labels = tuple(lab for lab in base.labels if lab.owner in keep)
    return dataclasses.replace(base, labels=labels, faded=_faded(base, everything - keep))


def _top_line(base: Layout) -> set[str]:
    """The ids along the top line (the cell state's conveyor, the memory pipe): its lines and ops."""
    lane = [w for w in base.wires if w.lane]
    top = lane[0].stream if lane else ""
    return {i for w in lane if w.stream == top for i in (w.edge, w.src, w.dst)}


def _faded(base: Layout, ids: set[str]) -> frozenset[str]:
    """``ids`` faded with what belongs to them (a layer's bias line), and the module's outline."""
    return frozenset(ids) | {w.edge for w in base.wires if w.kind == "bias" and w.dst in ids} | {"module"}


def with_equations(base: Layout, shown: Sequence[str], m: Metrics) -> Layout:
    """``base`` with the equations ``shown`` set to the right of it, centred on the module as colah
    sets them."""
    size, spacing = m.equation_font, m.equation_font * m.equation_leading
    middle = base.module.y if base.module else base.height / 2
    x, y = base.width, middle - spacing * (len(shown) - 1) / 2 + size * MIDLINE
    right = base.width
    labels = list(base.labels)
    lhs = [width(eq.split("=")[0], size) if "=" in eq else 0.0 for eq in shown]  # aligned on "="
    for eq, left in zip(shown, lhs):
        start = x + max(lhs) - left
        labels.append(Label("equation", eq, start, y, "start", size))
        right = max(right, start + width(eq, size) + m.pad)
        y += spacing
    return dataclasses.replace(base, width=right, labels=tuple(labels))
