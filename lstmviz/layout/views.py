"""The views of a cell besides the plain module: focus, chain, legend, and the simple RNN figures.

Each returns a :class:`Layout`; the focus and chain views start from the cell view's geometry, so
a cell looks the same in every view.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from ..errors import Choice, SpecError
from ..mathtext import width
from ..spec import latex
from ..spec.graph import CellGraph, Node
from ..spec.vocab import is_identifier
from .cell import layout_cell, place
from .geometry import Box, Dot, Label, Layout, Point, Shape, Wire
from .metrics import Metrics

VIEWS = ("cell", "focus", "ordered", "chain", "legend", "rolled", "unrolled")
VIEW = Choice("view", VIEWS)


def layout_view(
    graph: CellGraph, view: str = "cell", *, focus: str | None = None, metrics: Metrics | None = None
) -> Layout:
    """The geometry of one view of ``graph``."""
    m = metrics or Metrics()
    VIEW.check(view, name="view")
    if view != "focus" and focus is not None:
        raise SpecError("--focus goes with --view focus", name="focus", fix="add --view focus, or drop --focus")
    if view == "cell":
        return layout_cell(graph, m)
    if view == "focus":
        return layout_focus(graph, focus, m)
    if view == "ordered":
        return layout_ordered(graph, m)
    if view == "chain":
        return layout_chain(graph, m)
    if view == "legend":
        return layout_legend(m)
    return layout_rolled(m) if view == "rolled" else layout_unrolled(m)


# -- focus ---------------------------------------------------------------------------------------
def steps(graph: CellGraph) -> dict[str, frozenset[str]]:
    """The cell's walk-through steps, by name (see :func:`_steps`; a copy the caller may change)."""
    return dict(_steps(graph))


@functools.lru_cache(maxsize=16)
def _steps(graph: CellGraph) -> dict[str, frozenset[str]]:
    """The cell's walk-through steps, by name: the spec's own ``[steps]`` in its order when it has
    them, else derived (:func:`_derive`) and put in the order their values can be computed.

    Every layer and op is computed in exactly one step, so no equation is told twice: the first
    step that names it, and an op no step names joins the step that computes its last operand. A
    step lights its nodes, the lines into and out of them, and the inputs and states it reads; not
    the nodes of other steps."""
    owner: dict[str, str] = {}  # layer or op -> the step that computes it
    listed: dict[str, set[str]] = {}  # the spec's steps: what else each names (a state, an output)
    if graph.steps:  # the spec names and orders its steps
        for name, ids in graph.steps:
            listed[name] = {n for n in ids if not _computed(graph, n)}
            owner.update({n: name for n in ids if _computed(graph, n) and n not in owner})
        named = list(listed)
    else:
        named = _derive(graph, owner)
    for node_id in graph.order:  # ops no step names: with the last value they read
        if _computed(graph, node_id) and node_id not in owner:
            sources = [owner[s] for s in graph.node(node_id).reads if s in owner]
            if not named:
                named.append(node_id)
            owner[node_id] = max(sources, key=named.index) if sources else named[0]
    order = named if graph.steps else _computation_order(graph, named, owner)
    members: dict[str, set[str]] = {name: set() for name in order}
    for node_id, name in owner.items():
        members[name] |= _around(graph, node_id)
    for name, ids in listed.items():
        members[name] |= {i for n in ids for i in _around(graph, n)}
    return {name: frozenset(members[name]) for name in order}


def _derive(graph: CellGraph, owner: dict[str, str]) -> list[str]:
    """Steps as "Understanding LSTM Networks" tells them: one a layer not taken yet, with the ops it
    drives off the top line and what else feeds them; then ``state``, the top line's ops. Fills
    ``owner`` and returns the steps' names."""
    from .cell import _conveyor

    state, ops = _conveyor(graph)
    named: list[str] = []
    for layer in graph.of_kind("layer"):
        if layer.id in owner:
            continue
        name = _step_name(layer)
        name = name if name not in named else layer.id
        named.append(name)
        todo = [layer.id]
        while todo:
            node_id = todo.pop()
            if node_id in owner:
                continue
            owner[node_id] = name
            for c in graph.consumers[node_id]:
                if graph.node(c).kind == "op" and c not in ops and c not in owner:
                    todo.append(c)
                    # what else feeds the op: a layer, or an op off the top line
                    todo += [s for s in graph.node(c).inputs if _computed(graph, s) and s not in ops and s not in owner]
    if ops:
        named.append("state")
        owner.update({op: "state" for op in ops})
    return named


def _computed(graph: CellGraph, node_id: str) -> bool:
    return graph.node(node_id).kind in ("layer", "op")


def _computation_order(graph: CellGraph, named: list[str], owner: dict[str, str]) -> list[str]:
    """The steps so that each comes after the steps whose values it reads (the given order where
    that leaves a choice). Steps that read each other's values become one (the first of them), and
    ``owner`` says so."""
    needs = {name: set() for name in named}
    for node_id, name in owner.items():
        for r in graph.node(node_id).reads:
            for s in graph.node(r).inputs if graph.node(r).kind == "concat" else (r,):
                if s in owner and owner[s] != name:
                    needs[name].add(owner[s])
    out: list[str] = []
    left = list(named)
    while left:
        ready = next((n for n in left if needs[n] <= set(out)), None)
        if ready is None:  # a cycle: the first step takes in the steps it waits for
            ready = left[0]
            for other in needs[ready] - set(out):
                left.remove(other)
                needs[ready] |= needs.pop(other)
                for node_id, name in owner.items():
                    if name == other:
                        owner[node_id] = ready
                for wants in needs.values():
                    if other in wants:
                        wants.discard(other)
                        wants.add(ready)
            needs[ready].discard(ready)
            continue
        out.append(ready)
        left.remove(ready)
    return out


def _step_name(layer: Node) -> str:
    """A step's name: the first word of its layer's role ("forget" gate) when that is a plain name
    (step names become file names), else the layer's id."""
    word = layer.role.split()[0] if layer.role.strip() else ""
    return word if is_identifier(word) else layer.id


def _around(graph: CellGraph, node_id: str) -> frozenset[str]:
    """A node, the lines into and out of it, the inputs and states it reads (through a
    concatenation too) and the outputs it writes; never another layer or op, which is another
    step's to show."""
    ids = {node_id}
    for e in graph.edges:
        if e.dst == node_id or e.src == node_id:
            ids.add(e.id)
            if e.dst == node_id and not _computed(graph, e.src):
                ids.add(e.src)
            if graph.node(e.dst).kind in ("state-out", "output"):
                ids.add(e.dst)
            if graph.node(e.src).kind == "concat":
                ids |= {x.id for x in graph.edges if x.dst == e.src}
                ids |= {i for i in graph.node(e.src).inputs if not _computed(graph, i)}
    return frozenset(ids)


def layout_focus(graph: CellGraph, focus: str | None, m: Metrics) -> Layout:
    """The cell with one node or step in focus, everything else faded, the step's equations beside it."""
    known = steps(graph)
    if focus is None:
        raise SpecError(
            "the focus view needs --focus", name="focus", fix=f"name a step ({', '.join(known)}) or a node id"
        )
    if focus in known:
        keep = known[focus]
    elif focus in graph.by_id:
        keep = _around(graph, focus)
    else:
        raise SpecError(f"is neither a step nor a node of {graph.name!r}", name=focus, fix=f"steps: {', '.join(known)}")
    base = layout_cell(graph, m)
    everything = {n.id for n in graph.nodes} | {e.id for e in graph.edges}
    labels = [lab for lab in base.labels if lab.owner in keep or graph.node(lab.owner).kind not in ("layer",)]
    x = base.width
    y = base.module.top + m.font * 1.5 if base.module else m.pad + m.font
    right = base.width
    for eq in equations(graph, keep):
        labels.append(Label("equation", eq, x, y, "start", m.font * 1.15))
        right = max(right, x + width(eq, m.font * 1.15) + m.pad)
        y += m.font * 2.2
    return dataclasses.replace(base, width=right, labels=tuple(labels), faded=frozenset(everything - keep))


def equations(graph: CellGraph, ids: frozenset[str]) -> list[str]:
    """The equations of the nodes in ``ids``: the spec's own (matched by label) where it has one,
    else written from the graph: a labelled layer always, a labelled op when the spec gives none
    of its paper's equations."""
    by_lhs = {eq.split("=")[0].strip(): eq for eq in graph.latex if "=" in eq}
    out = []
    for node in graph.nodes:
        if node.id not in ids or node.kind not in ("layer", "op"):
            continue
        if node.label in by_lhs:
            eq = by_lhs[node.label]
        elif node.label and (node.kind == "layer" or not graph.latex):
            eq = latex.equation(graph, node)
        else:
            continue
        if eq not in out:
            out.append(eq)
    return out


# -- ordered ---------------------------------------------------------------------------------------
def layout_ordered(graph: CellGraph, m: Metrics) -> Layout:
    """The cell with the order of evaluation visible: the values that exist when the step starts
    (inputs, last step's states) drawn dashed, those computed during the step solid, and each layer
    and op numbered by the round in which it can be computed (everything it reads is ready)."""
    old = frozenset(e.id for e in graph.edges if graph.node(e.src).kind in ("input", "state-in"))
    rounds: dict[str, int] = {}
    for node_id in graph.order:
        node = graph.node(node_id)
        before = [rounds.get(r, 0) for r in node.reads]
        rounds[node_id] = max(before, default=0) + (1 if node.kind in ("layer", "op") else 0)
    for _ in range(4):  # widen the figure until every number finds a clear place
        base = layout_cell(graph, m)
        labels, crowded = list(base.labels), False
        segments = [(a, b) for w in base.wires for a, b in zip(w.points, w.points[1:])]
        solid = [s.box for s in base.shapes if s.shape in ("box", "circle", "ellipse")]
        size = m.font * 0.7
        for shape in base.shapes:
            if shape.kind in ("layer", "op") and shape.shape != "junction":  # a renaming has no number
                b, text = shape.box, str(rounds[shape.node])
                corners = [
                    (b.right + 2, b.bottom + size, "start"),
                    (b.right + 2, b.top - 2, "start"),
                    (b.left - 2, b.bottom + size, "end"),
                    (b.left - 2, b.top - 2, "end"),
                    (b.right + 2, b.y + size * 0.35, "start"),
                    (b.left - 2, b.y + size * 0.35, "end"),
                    (b.right + size, b.bottom + size * 1.6, "start"),
                    (b.left - size, b.top - size, "end"),
                    (b.right + size, b.top - size, "start"),
                    (b.left - size, b.bottom + size * 1.6, "end"),
                    (b.x, b.top - size * 1.8, "middle"),
                    (b.x, b.bottom + size * 2.2, "middle"),
                ]
                options = [Label(f"round-{shape.node}", text, x, y, anchor, size) for x, y, anchor in corners]
                label, clash = place(options, segments, solid, labels)
                labels.append(label)
                crowded |= clash
        if not crowded:
            break
        m = dataclasses.replace(m, column=m.column * 1.25, row=m.row * 1.2)
    return dataclasses.replace(base, labels=tuple(labels), dashed=old)


# -- chain ---------------------------------------------------------------------------------------
def layout_chain(graph: CellGraph, m: Metrics) -> Layout:
    """Three modules side by side: the middle one in detail, the outer ones as boxes labelled A;
    x_{t-1}, x_t, x_{t+1} below in circles, h_{t-1}, h_t, h_{t+1} above."""
    base = layout_cell(graph, m)
    module = base.module
    assert module is not None
    r = m.font * 1.25  # a port circle's radius
    dx = module.w + m.lead  # the middle module starts one module and one lead from the left
    dy = r * 2 + m.pad  # room above for the output circles

    def shift(p: Point) -> Point:
        return Point(p.x + dx, p.y + dy)

    middle = Box(module.x + dx, module.y + dy, module.w, module.h)
    shapes, wires, dots = [], [], [Dot(d.node, shift(d.at)) for d in base.dots]
    ports_in = {s.node: s for s in base.shapes if s.kind == "input"}
    ports_out = {s.node: s for s in base.shapes if s.kind == "output"}
    for s in base.shapes:
        if s.node in ports_in or s.node in ports_out:
            continue
        shapes.append(dataclasses.replace(s, box=Box(s.box.x + dx, s.box.y + dy, s.box.w, s.box.h)))
    for w in base.wires:
        points = [shift(p) for p in w.points]
        if w.src in ports_in:  # starts at the circle's top
            points[0] = Point(points[0].x, points[0].y - r)
        if w.dst in ports_out:  # ends at the circle's bottom
            points[-1] = Point(points[-1].x, points[-1].y + r)
        wires.append(dataclasses.replace(w, points=tuple(points)))
    for k, offset in ((-1, -dx), (0, 0.0), (1, dx)):
        if k:
            shapes.append(
                Shape(
                    f"A{'-' if k < 0 else '+'}1",
                    "module",
                    "module",
                    Box(middle.x + offset, middle.y, middle.w, middle.h),
                    "A",
                )
            )
        for kind, ports in (("input", ports_in), ("output", ports_out)):
            for node_id, s in ports.items():
                at = Point(s.box.x + dx + offset, s.box.y + dy)
                port = _step_id(node_id, k)
                label = shift_time(graph.node(node_id).label, k)
                shapes.append(Shape(port, kind, "port", Box(at.x, at.y, 2 * r, 2 * r), label))
                if k and kind == "input":
                    line = (Point(at.x, at.y - r), Point(at.x, middle.bottom))
                    wires.append(Wire(f"{port}->A", "transfer", port, f"A{k:+d}", line))
                elif k:
                    line = (Point(at.x, middle.top), Point(at.x, at.y + r))
                    wires.append(Wire(f"A->{port}", "transfer", f"A{k:+d}", port, line))
    for s in base.shapes:  # the states flow in from the left of the chain and out to its right
        if s.kind == "state-in":
            y = s.box.y + dy
            wires.append(Wire(f"{s.node}<-", "transfer", "", "A-1", (Point(m.pad, y), Point(middle.left - dx, y))))
        elif s.kind == "state-out":
            y = s.box.y + dy
            end = middle.right + dx + m.lead
            wires.append(Wire(f"{s.node}->", "transfer", "A+1", "", (Point(middle.right + dx, y), Point(end, y))))
    width_ = middle.right + dx + m.lead + m.pad
    height = base.height + dy
    return Layout(width_, height, middle, tuple(shapes), tuple(wires), tuple(dots), ())


def shift_time(label: str, k: int) -> str:
    """A label moved ``k`` steps in time: ``x_t`` -> ``x_{t+1}``, ``h_{t-1}`` -> ``h_{t-2}``."""
    if not k:
        return label

    def move(match: re.Match[str]) -> str:
        offset = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1) + k
        return "_{t" + (f"{offset:+d}" if offset else "") + "}"

    return re.sub(r"_\{?t(?:([+-])(\d+))?\}?(?![A-Za-z0-9])", move, label)


def _step_id(node_id: str, k: int) -> str:
    return node_id if not k else f"{node_id}{'-' if k < 0 else '+'}{abs(k)}"


# -- the notation key ------------------------------------------------------------------------------
def layout_legend(m: Metrics) -> Layout:
    """The key of the colah notation: layer, pointwise op, vector transfer, concatenate, copy."""
    captions = ["Neural Network Layer", "Pointwise Operation", "Vector Transfer", "Concatenate", "Copy"]
    gap = max([m.column * 1.9] + [width(c, m.font) + m.pad for c in captions])
    y = m.pad + m.row
    x = [m.pad + gap / 2 + k * gap for k in range(5)]
    half = gap * 0.3
    shapes = [
        Shape("layer", "layer", "box", Box(x[0], y, m.box_w, m.box_h)),
        Shape("op", "op", "circle", Box(x[1], y, 2 * m.op_r, 2 * m.op_r)),
    ]
    wires = [
        Wire("transfer", "transfer", "", "", (Point(x[2] - half, y), Point(x[2] + half, y))),
        Wire(
            "concat-a",
            "concat",
            "",
            "",
            (Point(x[3] - half, y - 12), Point(x[3] - 8, y - 12), Point(x[3] - 8, y)),
            False,
        ),
        Wire(
            "concat-b",
            "concat",
            "",
            "",
            (Point(x[3] - half, y + 12), Point(x[3] - 8, y + 12), Point(x[3] - 8, y)),
            False,
        ),
        Wire("concat", "transfer", "", "", (Point(x[3] - 8, y), Point(x[3] + half, y))),
        Wire(
            "copy-a",
            "copy",
            "",
            "",
            (Point(x[4] - half, y), Point(x[4], y), Point(x[4], y - 12), Point(x[4] + half, y - 12)),
        ),
        Wire(
            "copy-b",
            "copy",
            "",
            "",
            (Point(x[4] - half, y), Point(x[4], y), Point(x[4], y + 12), Point(x[4] + half, y + 12)),
        ),
    ]
    labels = [Label(f"legend-{k}", text, x[k], y + m.row * 1.1, "middle", m.font) for k, text in enumerate(captions)]
    dots = [Dot("copy", Point(x[4], y))]
    return Layout(
        x[-1] + gap / 2 + m.pad, y + m.row * 1.1 + m.pad, None, tuple(shapes), tuple(wires), tuple(dots), tuple(labels)
    )


# -- the simple RNN figures ------------------------------------------------------------------------
def _unit(name: str, at: Point, size: float, r: float, x_label: str, h_label: str) -> tuple[list[Shape], list[Wire]]:
    """One module A with its input below and its output above."""
    box = Box(at.x, at.y, size, size)
    x_port = Point(at.x, box.bottom + r * 2.6)
    h_port = Point(at.x, box.top - r * 2.6)
    shapes = [
        Shape(name, "module", "module", box, "A"),
        Shape(f"{name}.x", "input", "port", Box(x_port.x, x_port.y, 2 * r, 2 * r), x_label),
        Shape(f"{name}.h", "output", "port", Box(h_port.x, h_port.y, 2 * r, 2 * r), h_label),
    ]
    wires = [
        Wire(f"{name}.x->{name}", "transfer", f"{name}.x", name, (Point(at.x, x_port.y - r), Point(at.x, box.bottom))),
        Wire(f"{name}->{name}.h", "transfer", name, f"{name}.h", (Point(at.x, box.top), Point(at.x, h_port.y + r))),
    ]
    return shapes, wires


def layout_rolled(m: Metrics) -> Layout:
    """A module A with a loop: its state goes back into itself at the next step."""
    size, r = m.row * 2, m.font * 1.25
    at = Point(m.pad + size, m.pad + r * 2 + r * 2.6 + size / 2)
    shapes, wires = _unit("A", at, size, r, "x_t", "h_t")
    right = at.x + size / 2
    loop = (
        Point(right, at.y + size / 6),
        Point(right + size / 2.5, at.y + size / 6),
        Point(right + size / 2.5, at.y - size / 6),
        Point(right, at.y - size / 6),
    )
    wires.append(Wire("A->A", "transfer", "A", "A", loop))
    height = at.y + size / 2 + r * 2.6 + r + m.pad
    return Layout(right + size / 2.5 + m.pad * 2, height, None, tuple(shapes), tuple(wires), (), ())


def layout_unrolled(m: Metrics) -> Layout:
    """The rolled module, "=", and the chain it stands for: A -> A -> A -> ... -> A."""
    rolled = layout_rolled(m)
    size, r = m.row * 2, m.font * 1.25
    y = rolled.shapes[0].box.y
    shapes, wires = list(rolled.shapes), list(rolled.wires)
    labels = [Label("equals", "=", rolled.width + m.pad / 2, y + m.font * 0.4, "middle", m.font * 2)]
    x = rolled.width + m.pad * 2 + size / 2
    names = ["0", "1", "2", "t"]
    for k, t in enumerate(names):
        if t == "t":
            labels.append(Label("dots", "...", x - size * 0.15, y + m.font * 0.4, "middle", m.font * 1.6))
            x += size * 0.7
        unit_shapes, unit_wires = _unit(f"A{t}", Point(x, y), size, r, f"x_{t}", f"h_{t}")
        shapes += unit_shapes
        wires += unit_wires
        if k + 1 < len(names):
            end = x + size / 2 + size * (0.5 if names[k + 1] != "t" else 0.35)
            wires.append(
                Wire(
                    f"A{t}->A{names[k + 1]}",
                    "transfer",
                    f"A{t}",
                    f"A{names[k + 1]}",
                    (Point(x + size / 2, y), Point(end, y)),
                )
            )
            x = end + size / 2
    return Layout(x + size / 2 + m.pad, rolled.height, None, tuple(shapes), tuple(wires), (), tuple(labels))
