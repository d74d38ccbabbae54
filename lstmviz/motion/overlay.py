"""What an animation draws over its figure, as scene groups with the time each is on show (cues):
the value strips beside their lines, the caption (time step, the walk-through step playing, its
equations), the colour key, the valves' openings and the states handed over to the next step.

Every format draws the same cues: the animated SVG gives each a CSS animation, GIF and MP4 draw
the ones on show in each frame. The stage is the figure grown by a band below it for the caption
and the key; the strips are placed by :func:`lstmviz.layout.strips.place_strips`.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable

from ..drawing.scene import Group, Item, Rect, Text, side_entered, valve
from ..layout.geometry import Layout, Point
from ..layout.metrics import Metrics
from ..layout.strips import Strip, place_strips
from ..mathtext import Run, readable, runs, width
from ..spec.graph import CellGraph
from ..style import Style
from .colour import diverging
from .timeline import Event, Phase, Timeline, scientific

KEY_VALUES = tuple(v / 2 for v in range(-4, 5))  # the colour key's cells: -2 to 2
KEY_CELL = (12.0, 0.6)  # a key cell's side: at least so many pixels, and so many ems of the caption
SPREADS = (1.0, 1.25, 1.5, 1.8, 2.2, 2.7, 3.2)  # how far a figure is spread, at most, to make room for its strips


@dataclasses.dataclass(frozen=True)
class Cue:
    """``group`` is on show from ``start`` to ``end`` seconds into the loop (or, with ``every``, into
    each stretch of ``every`` seconds: the same in each time step); a cue with a ``path`` travels
    along it in that time (its items drawn around the origin)."""

    group: Group
    start: float
    end: float
    path: tuple[Point, ...] = ()
    every: float = 0.0

    def on(self, seconds: float) -> bool:
        """Whether the cue is on show ``seconds`` into the loop."""
        return self.start <= (seconds % self.every if self.every else seconds) < self.end


@dataclasses.dataclass(frozen=True)
class Stage:
    """The figure the animation plays on: ``layout`` (its canvas grown by the caption band, which
    starts at ``band``) and where each node's strip goes."""

    layout: Layout
    strips: dict[str, Strip]
    band: float
    font: float


def stage(
    graph: CellGraph, layout_for: Callable[[float], Layout], timeline: Timeline, style: Style, m: Metrics
) -> Stage:
    """Strips placed for every value the timeline shows, and room below for the caption.
    ``layout_for(spread)`` lays the figure out with its rows and columns ``spread`` times as far
    apart as usual: the figure is spread until every strip finds a place clear of everything and
    nearer its own line than any other (else the least spread with the fewest clashes). ``m`` says
    how thick lines are drawn."""
    from ..spec import latex

    font = style.text.label_size * 0.85
    sizes: dict[str, int] = {}
    for e in timeline.events:
        sizes[e.node] = max(sizes.get(e.node, 0), len(e.units))
    names = {}
    for node_id in sizes:
        node = graph.node(node_id)
        names[node_id] = node.label or _short(latex.expression(graph, node), font)
    # with a backward sweep, room for the longer name a gradient's strip has (∂L/∂h_t)
    room = {n: _gradient_name(name) for n, name in names.items()} if timeline.sweeps else names
    tried = []
    for spread in SPREADS:
        layout = layout_for(spread)
        placed = place_strips(layout, sizes, room, font=font, wire_width=m.wire_width, lane_width=m.lane_width)
        tried.append((sum(s.clashes for s in placed), sum(s.ambiguous for s in placed), spread, layout, placed))
        if not tried[-1][0] and not tried[-1][1]:
            break
    _, _, _, layout, placed = min(tried, key=lambda t: t[:3])  # else the fewest clashes, then the least spread
    strips = {s.node: s for s in placed}
    if timeline.sweeps:  # the values' strips are named by the values' own names
        strips = {n: dataclasses.replace(s, name=dataclasses.replace(s.name, text=names[n])) for n, s in strips.items()}
    line = font * 1.9
    titles = [_title(p) for p in timeline.phases]
    key = max(_key_width(font, title, ticks) for title, ticks, _ in _keys(timeline))
    first_row = 24 + width("t = 0000", font * 1.2) + 12 + max(width(t, font) for t in titles) + 30 + key
    caption_w = max(
        [width(eq, font * 1.15) for p in timeline.phases for eq in p.equations]
        + [width(n, font * 0.85) for n in timeline.notes]
        + [0.0]
    )
    needed = max(first_row + 24, 24 + caption_w + 24)
    lines = 1 + max((len(p.equations) for p in timeline.phases), default=0) + bool(timeline.notes)
    band_h = max(lines * line, _key_cell(font) + 2.5 * font) + 12
    grown = dataclasses.replace(layout, width=max(layout.width, needed), height=layout.height + band_h)
    return Stage(grown, strips, layout.height, font)


def cues(stage: Stage, timeline: Timeline, style: Style) -> list[Cue]:
    """Everything the animation shows over its figure, and when."""
    out = [Cue(_key(stage, style, title, ticks), start, end) for title, ticks, (start, end) in _keys(timeline)]
    if timeline.notes:
        y = stage.layout.height - 10
        note = Text(24, y, (_run("; ".join(timeline.notes)),), "start", stage.font * 0.85, "#555555", style.text.family)
        out.append(Cue(Group("note", (), (note,)), 0.0, timeline.duration))
    for k, t in enumerate(timeline.steps):
        at = k * timeline.step_length
        out.append(Cue(_counter(stage, t, timeline.sweep(k), style), at, at + timeline.step_length))
    for phase in timeline.phases:
        if timeline.sweeps:  # a backward sweep's captions give each step's own gradients
            out.append(Cue(_caption(stage, phase, style), phase.start, phase.end))
        elif phase.step == timeline.steps[0]:  # every step tells its phases alike: one caption each, repeating
            out.append(Cue(_caption(stage, phase, style), phase.start, phase.end, every=timeline.step_length))
    for e in timeline.events:
        strip = stage.strips.get(e.node)
        if strip is not None:
            out.append(Cue(_strip(strip, e, style, _colour_scale(timeline, e.sweep)), e.start, e.end))
    if style.vocabulary.gate_product == "valve":
        shapes = {s.node: s for s in stage.layout.shapes}
        for t, node, opening, since, until in timeline.openings:
            shape = shapes.get(node)
            if shape is None:
                continue
            b = shape.box
            water, gate = valve(b.x, b.y, b.w / 2, opening, handle=side_entered(stage.layout, shape), style=style)[-2:]
            data = (("node", node), ("step", str(t)), ("opening", f"{opening:.4g}"))
            out.append(Cue(Group("valve-opening", data, (water, gate)), since, until))
    out += _travels(stage, timeline)
    out += _hand_over(stage, timeline)
    out += _hand_back(stage, timeline)
    return out


def faded(layout: Layout, phase: Phase) -> frozenset[str]:
    """The ids that dim while ``phase`` plays: every node and edge it does not light (the chain's
    faded copies stay as they are)."""
    ids = {s.node for s in layout.shapes} | {w.edge for w in layout.wires} | {d.node for d in layout.dots}
    ids |= {lab.owner for lab in layout.labels}
    bias = {w.edge for w in layout.wires if w.kind == "bias" and w.dst in phase.lit}
    return frozenset(i for i in ids - phase.lit - bias if ":" not in i) | layout.faded


def _strip(strip: Strip, event: Event, style: Style, scale: float = 1.0) -> Group:
    """A value's strip at one step (or, in the backward sweep, its gradient's, coloured on
    ``scale``): a cell per unit (with its number, when there is room) and its name."""
    items: list[Item] = []
    backward = event.sweep == "backward"
    name = dataclasses.replace(strip.name, text=_gradient_name(strip.name.text)) if backward else strip.name
    for k, (v, unit) in enumerate(zip(event.value, event.units)):
        b = strip.cell(k)
        text = _number(v)
        items.append(
            Rect(
                b.left,
                b.top,
                b.w,
                b.h,
                0,
                diverging(v, scale),
                "#333333",
                0.5,
                (("value", repr(v)), ("unit", str(unit))),
                f"{readable(name.text)}[{unit}] at t={event.step}: {text}",
            )
        )
        if strip.numbered:
            ink = "#ffffff" if abs(math.tanh(v / scale)) > 0.55 else "#1a1a1a"
            shown, size = _compact(v) if backward else _number(v, 2), b.h * 0.72
            if backward:  # a power of ten takes more room than two decimals: smaller, to fit its cell
                size = min(size, size * b.w * 0.92 / max(width(shown, size), 1e-9))
            items.append(Text(b.x, b.y + size * 0.36, (_run(shown),), "middle", size, ink, style.text.family))
    items.append(
        Text(
            name.x, name.y, runs(name.text), name.anchor, name.size, style.text.color, style.text.math_family, name.text
        )
    )
    data = (("node", strip.node), ("step", str(event.step)), ("name", readable(name.text)), ("sweep", event.sweep))
    return Group("strip", data, tuple(items))


def _gradient_name(name: str) -> str:
    """The name of a value's gradient: ∂L/∂h_t, ∂L/∂(f_t ⊙ C_{t−1})."""
    return f"∂L/∂{name}" if not _terms(name)[1:] else f"∂L/∂({name})"


def _colour_scale(timeline: Timeline, sweep: str) -> float:
    """The colour scale of a sweep's numbers: 1 for values; for gradients, the largest shown is
    as dark as a value of 2."""
    return (timeline.gradient_scale / 2 or 1.0) if sweep == "backward" else 1.0


def _caption(stage: Stage, phase: Phase, style: Style) -> Group:
    """The phase's name and its equations, under the figure."""
    f = stage.font
    x, y = 24 + width("t = 0000", f * 1.2) + 12, stage.band + 8 + f * 1.2
    items: list[Item] = [Text(x, y, (_run(_title(phase)),), "start", f, style.text.color, style.text.family)]
    for eq in phase.equations:
        y += f * 1.9
        items.append(Text(24, y, runs(eq), "start", f * 1.15, style.text.color, style.text.math_family, eq))
    return Group("caption", (("phase", phase.name),), tuple(items))


def _short(expression: str, font: float, ems: float = 7.0) -> str:
    """An unlabelled value's name: its expression, with the longest innermost brackets' insides cut
    to "…" until it is at most ``ems`` wide (``L1 + (…)``), then, if still too wide, its last terms
    (``0.5 ⊙ s_t …``), so a strip's name fits beside it."""
    while width(expression, font) > ems * font:
        groups = [m for m in re.finditer(r"\(([^()]*)\)", expression) if m.group(1) != "…"]
        if not groups:
            break
        longest = max(groups, key=lambda m: len(m.group(1)))
        expression = expression[: longest.start()] + "(…)" + expression[longest.end() :]
    terms = _terms(expression)  # operand, operator, operand, ...: cut after an operator
    for keep in range(len(terms) - 1, 1, -2):
        if width(" ".join(terms), font) <= ems * font:
            break
        terms = terms[:keep] + ["…"]
    return " ".join(terms)


def _terms(expression: str) -> list[str]:
    """The expression split at its spaces outside any brackets or braces (``f_t``, ``\\odot``, ...)."""
    terms, depth, start = [], 0, 0
    for at, char in enumerate(expression):
        depth += (char in "([{") - (char in ")]}")
        if char == " " and depth == 0:
            terms.append(expression[start:at])
            start = at + 1
    return [t for t in [*terms, expression[start:]] if t]


def _title(phase: Phase) -> str:
    """What the caption calls a phase."""
    if phase.name == "gradient":
        return "backward: the gradient of the loss arrives"
    if phase.name == "hand-back":
        return "backward: the gradients pass back to the step before"
    if phase.sweep == "backward":
        return f"backward through step {phase.of - phase.index} of {phase.of - 2}: {phase.name}"
    if phase.name == "inputs":
        return "the inputs arrive"
    if phase.name == "hand-over":
        return "the states pass on to the next step"
    return f"step {phase.index - 1} of {phase.of - 2}: {phase.name}"


def _key_width(font: float, title: str, ticks: tuple[str, str, str]) -> float:
    return len(KEY_VALUES) * _key_cell(font) + _overhang(font, ticks) + 6 + width(title, font * 0.85)


def _overhang(font: float, ticks: tuple[str, str, str]) -> float:
    """How far the last tick's text reaches past the key's cells, beyond the 12 px it may."""
    return max(0.0, width(ticks[-1], font * 0.85) / 2 - _key_cell(font) / 2 - 12)


def _keys(timeline: Timeline) -> list[tuple[str, tuple[str, str, str], tuple[float, float]]]:
    """The colour keys and when each shows: (title, tick labels, (start, end)); the gradients'
    key, on their own scale, while the backward sweep plays."""
    values = ("value", ("−2", "0", "+2"))
    if not timeline.sweeps:
        return [(*values, (0.0, timeline.duration))]
    turn = timeline.sweeps.index("backward") * timeline.step_length
    top = scientific(2 * _colour_scale(timeline, "backward"))
    gradients = ("gradient", (f"−{top}", "0", f"+{top}"))
    return [(*values, (0.0, turn)), (*gradients, (turn, timeline.duration))]


def _key_cell(font: float) -> float:
    return max(KEY_CELL[0], KEY_CELL[1] * font)


def _counter(stage: Stage, t: int, sweep: str, style: Style) -> Group:
    """t = ... at the band's left."""
    f = stage.font
    text = Text(
        24,
        stage.band + 8 + f * 1.2,
        (Run("t", italic=True), Run(f" = {t}")),
        "start",
        f * 1.2,
        style.text.color,
        style.text.math_family,
        f"t = {t}",
    )
    return Group("counter", (("step", str(t)), ("sweep", sweep)), (text,))


def _key(stage: Stage, style: Style, title: str, ticks: tuple[str, str, str]) -> Group:
    """A colour scale's key at the band's right: cells from -2 to 2 (on its scale), ``ticks`` under
    the ends and the middle, ``title`` before it."""
    f = stage.font
    cell = _key_cell(f)
    right = stage.layout.width - 24 - _overhang(f, ticks)
    left = right - len(KEY_VALUES) * cell
    top = stage.band + 8
    items: list[Item] = []
    for k, v in enumerate(KEY_VALUES):
        items.append(Rect(left + k * cell, top, cell, cell, 0, diverging(v), "#333333", 0.5, (("value", repr(v)),)))
    for v, label in zip((-2.0, 0.0, 2.0), ticks):
        x = left + (KEY_VALUES.index(v) + 0.5) * cell
        items.append(
            Text(x, top + cell + f * 1.05, runs(label), "middle", f * 0.85, style.text.color, style.text.family, label)
        )
    items.append(Text(left - 6, top + cell * 0.8, (_run(title),), "end", f * 0.85, style.text.color, style.text.family))
    return Group("key", (("scale", title),), tuple(items))


def _travels(stage: Stage, timeline: Timeline) -> list[Cue]:
    """A value's first cells riding each line that leaves its node, in the beat after it is
    computed; in the backward sweep, its gradient's riding back along each line into its node."""
    leaving: dict[str, list] = {}
    entering: dict[str, list] = {}
    for w in stage.layout.wires:
        if w.kind != "ghost":
            leaving.setdefault(w.src, []).append(w)
            entering.setdefault(w.dst, []).append(w)
    out = []
    for e in timeline.events:
        back = e.sweep == "backward"
        for wire in (entering if back else leaving).get(e.node, []):
            data = (("edge", wire.edge), ("step", str(e.step)), ("sweep", e.sweep))
            path = wire.points[::-1] if back else wire.points
            cells = _mini(e.value, _colour_scale(timeline, e.sweep))
            out.append(Cue(Group("travelling", data, cells), e.start, e.start + timeline.beat * 0.9, path))
    return out


def _mini(value: tuple[float, ...], scale: float = 1.0) -> tuple[Item, ...]:
    """A vector's first four cells, small, around the origin: what travels along a line."""
    shown = value[:4]
    return tuple(
        Rect((i - len(shown) / 2) * 5, -2.5, 5, 5, 0, diverging(v, scale), "#ff7f0e", 0.7) for i, v in enumerate(shown)
    )


def _hand_over(stage: Stage, timeline: Timeline) -> list[Cue]:
    """During each step's hand-over, each new state travels along its line out of the module (in
    the chain view, on into the next module); in the backward sweep, as the gradient arrives, each
    state's gradient comes back the same way."""
    layout = stage.layout
    paths = {}
    for state_out in (s.node for s in layout.shapes if s.kind == "state-out"):
        wire = next(w for w in layout.wires if w.dst == state_out)
        path = list(wire.points[-2:])
        for w in layout.wires:
            if w.src == state_out or w.edge == f"{state_out}->":
                path += list(w.points)
        ghost = [
            w for w in layout.wires if w.edge.startswith("A+1:") and w.src == f"A+1:{_state_in(layout, state_out)}"
        ]
        if ghost:
            path += list(ghost[0].points)
        paths[wire.src] = tuple(_dedupe(path))
    return _travelling(timeline, paths, ("hand-over", "gradient"), "handing-over", reverse_backward=True)


def _hand_back(stage: Stage, timeline: Timeline) -> list[Cue]:
    """During each backward step's hand-back, each state's gradient travels back out of the module
    along the line its previous value came in by (in the chain view, on into the module before)."""
    layout = stage.layout
    paths = {}
    for state_in in (s.node for s in layout.shapes if s.kind == "state-in"):
        wire = next((w for w in layout.wires if w.src == state_in), None)
        if wire is None:
            continue
        path = list(wire.points[1::-1])
        state_out = _state_out(layout, state_in)
        for w in layout.wires:
            if w.edge.startswith("A-1:") and w.dst == f"A-1:{state_out}":
                path += list(w.points[::-1])
        paths[state_in] = tuple(_dedupe(path))
    return _travelling(timeline, paths, ("hand-back",), "handing-back", reverse_backward=False)


def _travelling(
    timeline: Timeline,
    paths: dict[str, tuple[Point, ...]],
    phases: tuple[str, ...],
    css: str,
    *,
    reverse_backward: bool,
) -> list[Cue]:
    """For each phase named in ``phases`` and each node's path: the node's numbers of that phase's
    step and sweep, as small cells travelling the path (backward in the backward sweep, with
    ``reverse_backward``)."""
    values = {(e.step, e.sweep, e.node): e.value for e in timeline.events}
    out = []
    for phase in timeline.phases:
        if phase.name not in phases:
            continue
        back = reverse_backward and phase.sweep == "backward"
        for node, path in paths.items():
            data = (("node", node), ("step", str(phase.step)), ("sweep", phase.sweep))
            cells = _mini(values.get((phase.step, phase.sweep, node), ()), _colour_scale(timeline, phase.sweep))
            out.append(Cue(Group(css, data, cells), phase.start, phase.end, path[::-1] if back else path))
    return out


def _state_in(layout: Layout, state_out: str) -> str:
    """The state-in that the state-out ``state_out`` becomes at the next step (same row)."""
    return _same_row(layout, state_out, "state-in")


def _state_out(layout: Layout, state_in: str) -> str:
    """The state-out that became the state-in ``state_in`` (same row)."""
    return _same_row(layout, state_in, "state-out")


def _same_row(layout: Layout, node: str, kind: str) -> str:
    """The node of ``kind`` nearest ``node``'s row."""
    ys = {s.node: s.box.y for s in layout.shapes if s.kind == kind}
    y = next(s.box.y for s in layout.shapes if s.node == node)
    return min(ys, key=lambda n: abs(ys[n] - y), default="")


def _dedupe(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        if not out or (abs(p.x - out[-1].x) > 1e-6 or abs(p.y - out[-1].y) > 1e-6):
            out.append(p)
    return out


def _number(v: float, digits: int = 4) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+inf" if v > 0 else "\u2212inf"
    return f"{v:.{digits}f}" if digits == 2 else f"{v:.{digits}g}"


def _compact(v: float) -> str:
    """A gradient's number in a strip's cell: one digit and its power of ten (−3e−4)."""
    if not math.isfinite(v) or v == 0:
        return _number(v)
    mantissa, exponent = f"{v:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}".replace("-", "\u2212")


def _run(text: str):  # type: ignore[no-untyped-def]
    from ..mathtext import Run

    return Run(text)
