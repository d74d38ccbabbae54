"""The timeline of an animation: when each node lights up and what value it holds, from a Trace.

Each time step plays as the walk-through tells the cell: first the inputs arrive, then each step
of the walk-through (forget, input, state, output for the LSTM) computes its nodes, one beat each,
while the rest of the cell dims; last the states hand over to the next step. Given the gradients
of a loss, the same steps then play backward (the backward sweep): last step first, the gradient
arriving from the loss and the later step, each walk-through step in reverse, and the states'
gradients handed back to the earlier step. The same timeline feeds every output format.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import DataError
from ..spec.graph import CellGraph
from ..spec.limits import MAX_UNITS

#: Kinds of node that light up (a concat is a junction, a sink shows its source's value).
SHOWN = ("input", "state-in", "layer", "op")
#: How many steps and units are shown when none are chosen.
DEFAULT_STEPS, DEFAULT_UNITS = 8, 16


@dataclasses.dataclass(frozen=True)
class Event:
    """Node ``node`` holds ``value`` (its batch-0 vector, at ``units``) from ``start`` to ``end``."""

    step: int
    node: str
    start: float
    end: float
    value: tuple[float, ...]
    units: tuple[int, ...]
    size: int  # the whole vector's length
    sweep: str = "forward"  # or "backward": the value is the loss's gradient with respect to the node's value


@dataclasses.dataclass(frozen=True)
class Phase:
    """A part of a time step: ``name`` ("inputs", a walk-through step, "hand-over"), when it plays,
    the nodes and edges it lights (the rest dims) and the equations it computes (in the backward
    sweep, the equations it differentiates, or the norms of the states' gradients)."""

    step: int
    name: str
    start: float
    end: float
    lit: frozenset[str]
    equations: tuple[str, ...]
    index: int  # its place among the step's phases, from 1
    of: int
    sweep: str = "forward"


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Events and phases in time order; ``beat`` seconds per node, ``step_length`` per time step.

    ``openings`` holds, for each product with a gate (a valve in the pipe style), how far its gate
    is open at each step: the mean of the gate's vector, 0 (shut) to 1 (open), from its gate's beat
    until the next step's.
    ``notes`` say what was left out (steps or units beyond a limit), for the user to hear.
    ``sweeps`` says, for each entry of ``steps``, whether it plays forward or backward (empty: all
    forward); ``gradient_scale`` is the size of the largest gradient shown, the gradients' colour scale.
    """

    events: tuple[Event, ...]
    phases: tuple[Phase, ...]
    steps: tuple[int, ...]
    beat: float
    step_length: float
    openings: tuple[tuple[int, str, float, float, float], ...] = ()  # (step, product, opening, from, until)
    notes: tuple[str, ...] = ()
    sweeps: tuple[str, ...] = ()
    gradient_scale: float = 0.0

    def sweep(self, k: int) -> str:
        """Whether the ``k``-th step of the loop plays forward or backward."""
        return self.sweeps[k] if self.sweeps else "forward"

    def phase(self, seconds: float) -> Phase:
        """The phase playing ``seconds`` into the loop."""
        return next((p for p in self.phases if p.start <= seconds < p.end), self.phases[-1])

    @property
    def duration(self) -> float:
        """The length of one loop of the animation, in seconds."""
        return self.step_length * len(self.steps)


def parse_units(text: str, name: str = "--units") -> tuple[int, ...]:
    """``"0:16"`` (a range), ``"3,5,9"`` (a list) or ``"4"`` (one unit) as unit indices (``name``
    is the option that gave them, for the error): at most :data:`MAX_UNITS`, each once, measured
    before any range is built."""
    text = text.strip()

    def number(part: str) -> int | None:
        part = part.strip()
        return int(part) if part.isascii() and part.isdigit() and len(part) <= 9 else None

    picked: tuple[int, ...] = ()
    if ":" in text:
        start, _, stop = text.partition(":")
        first, last = (number(start) if start.strip() else 0), number(stop)
        if first is not None and last is not None and 0 < last - first <= MAX_UNITS:
            picked = tuple(range(first, last))
    elif len(text) <= 10 * MAX_UNITS:
        values = [number(part) for part in text.split(",")]
        picked = () if None in values else tuple(v for v in values if v is not None)
    if not picked or len(picked) > MAX_UNITS or len(set(picked)) != len(picked):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise DataError(
            f"{shown!r} is not a range or a list of at most {MAX_UNITS:,} units",
            name=name,
            fix=f"write e.g. {name} 0:16 or {name} 0,3,7 (each unit once, from 0)",
        )
    return picked


def checked_units(units: Sequence[int], name: str = "units") -> tuple[int, ...]:
    """``units`` given in Python (a range, a list or a tuple of unit indices), checked before it is
    read whole: at most :data:`MAX_UNITS`, whole numbers from 0, each once."""
    if isinstance(units, str | bytes) or not isinstance(units, Sequence):
        raise TypeError(f"{name} must be a sequence of unit indices (a range, list or tuple), not {units!r:.60}")
    try:
        count = len(units)
    except OverflowError:  # a range longer than the machine can count
        count = MAX_UNITS + 1
    if not 1 <= count <= MAX_UNITS:
        raise DataError(f"{count:,} units", name=name, fix=f"show from 1 to {MAX_UNITS:,} units, e.g. range(16)")
    picked = tuple(units)
    if not all(isinstance(u, int | np.integer) and not isinstance(u, bool) for u in picked):
        raise TypeError(f"{name} must hold whole numbers, not {picked!r:.60}")
    if min(picked) < 0 or len(set(picked)) != len(picked):
        raise DataError("has a unit below 0 or a unit twice", name=name, fix="give each unit once, from 0")
    return tuple(int(u) for u in picked)


def build_timeline(
    graph: CellGraph,
    trace: dict[str, np.ndarray] | object,
    *,
    window: tuple[int, int] | None = None,
    units: Sequence[int] | None = None,
    beat: float = 0.35,
    batch: int = 0,
    gradients: Mapping[str, np.ndarray] | None = None,
) -> Timeline:
    """The events of ``trace`` (a Trace, or node id -> (T, B, n) arrays) for steps ``window`` (start,
    stop; by default the first :data:`DEFAULT_STEPS`, or with gradients the last) and ``units`` of
    each vector (by default the first :data:`DEFAULT_UNITS`); what a default leaves out is in the
    timeline's ``notes``. With ``gradients`` (node id -> (T, B, n), a loss's gradient with respect
    to each node's value, as :func:`lstmviz.learn.backward.backward` gives them) the steps then
    play again backward, last first, showing the gradients."""
    from ..spec.roles import roles

    values = getattr(trace, "values", trace)
    shown = [n for n in graph.order if graph.node(n).kind in SHOWN]
    (start, stop), units, notes = _chosen(values, shown, window, units, backward=gradients is not None)
    computed = {n for n in shown if graph.node(n).kind in ("layer", "op")}
    arriving = [n for n in shown if n not in computed]
    leaving = {n.id for n in graph.nodes if n.kind in ("state-out", "output")}
    told = roles(graph)
    walk = [(step.name, [n for n in shown if n in step.shows and n in computed], step.shows) for step in told.steps]
    inputs = frozenset(arriving) | {e.id for e in graph.edges if e.src in arriving}
    outputs = frozenset(leaving | {e.id for e in graph.edges if e.dst in leaving})
    forward = [("inputs", arriving, inputs), *walk, ("hand-over", [], outputs)]
    # backward: the gradient arrives where the step's values left, each walk-through step gives
    # it back in reverse, and the gradients of the inputs and the states are handed back
    back = [
        ("gradient", [], outputs),
        *((n, nodes[::-1], lit) for n, nodes, lit in walk[::-1]),
        ("hand-back", arriving, inputs),
    ]
    beats = {  # a beat for each node computed and one more; two for the values arriving or leaving
        sweep: [2.0 if name in _ENDS else len(nodes) + 1.0 for name, nodes, _ in parts]
        for sweep, parts in (("forward", forward), ("backward", back))
    }
    step_length = beat * sum(beats["forward"])  # the same backward: the same phases in reverse
    played = [(t, "forward") for t in range(start, stop)]
    if gradients is not None:
        played += [(t, "backward") for t in reversed(range(start, stop))]
    states = _state_names(graph)
    events, phases, openings = [], [], []
    for k, (t, sweep) in enumerate(played):
        at, step_end = k * step_length, (k + 1) * step_length
        source = values if sweep == "forward" else gradients
        lit_at: dict[str, float] = {}
        parts = forward if sweep == "forward" else back
        for index, ((name, nodes, lit), length) in enumerate(zip(parts, beats[sweep]), 1):
            if name in ("inputs", "hand-over"):
                eqs: tuple[str, ...] = ()
            elif name in ("gradient", "hand-back"):
                eqs = _norms(source, states, t, batch, name == "hand-back")
            else:
                eqs = told.step_equations[name]
            phases.append(Phase(t, name, at, at + length * beat, lit, eqs, index, len(forward), sweep))
            for i, node_id in enumerate(nodes):
                lit_at[node_id] = at + (0 if name in ("inputs", "hand-back") else (i + 1) * beat)
            at += length * beat
        for node_id in shown:
            if node_id not in source:
                continue
            vector = np.asarray(source[node_id][t, batch], dtype=np.float64)
            picked = tuple(u for u in units if u < vector.size)
            value = tuple(float(vector[u]) for u in picked)
            events.append(Event(t, node_id, lit_at[node_id], step_end, value, picked, int(vector.size), sweep))
        # a valve opens as its gate says, and in the backward sweep holds that opening for the step:
        # the gradient passes through it as much
        for product, valve in told.products.items():
            g = np.asarray(values[valve.gate][t, batch], dtype=np.float64)
            opening = float(np.clip(np.nanmean(g), 0.0, 1.0)) if g.size else 0.5
            at_gate = lit_at.get(valve.gate, k * step_length) if sweep == "forward" else k * step_length
            openings.append((t, product, opening, at_gate))
    events.sort(key=lambda e: (e.start, shown.index(e.node)))
    shown_gradients = [abs(v) for e in events if e.sweep == "backward" for v in e.value if math.isfinite(v)]
    # a valve holds its opening until its gate's next value
    openings.sort(key=lambda o: (o[1], o[3]))
    openings = [
        (*o, nxt[3] if nxt is not None and nxt[1] == o[1] else step_length * len(played))
        for o, nxt in zip(openings, [*openings[1:], None])
    ]
    return Timeline(
        tuple(events),
        tuple(phases),
        tuple(t for t, _ in played),
        beat,
        step_length,
        tuple(openings),
        tuple(notes),
        tuple(sweep for _, sweep in played) if gradients is not None else (),
        max(shown_gradients, default=0.0),
    )


def _chosen(
    values: Mapping[str, np.ndarray],
    shown: list[str],
    window: tuple[int, int] | None,
    units: Sequence[int] | None,
    *,
    backward: bool,
) -> tuple[tuple[int, int], tuple[int, ...], list[str]]:
    """The steps (start, stop) and units a timeline shows, and notes on what a default left out:
    by default the first :data:`DEFAULT_STEPS` steps (the last, for a ``backward`` sweep) and the
    first :data:`DEFAULT_UNITS` units; a window or unit beyond the run is refused in one line."""
    T = next(iter(values.values())).shape[0]
    notes = []
    if window is None:
        window = (0, min(T, DEFAULT_STEPS)) if not backward else (max(0, T - DEFAULT_STEPS), T)
        if T > DEFAULT_STEPS:
            notes.append(f"showing steps {window[0]}:{window[1]} of {T}; --window START:STOP shows others")
    start, stop = window
    if not 0 <= start < stop <= T:
        raise DataError(
            f"window {start}:{stop} is outside the {T} steps run", name="window", fix=f"choose steps within 0:{T}"
        )
    widest = max(values[n].shape[2] for n in shown)
    if units is None:
        units = range(min(widest, DEFAULT_UNITS))
        if widest > DEFAULT_UNITS:
            notes.append(f"showing units 0:{DEFAULT_UNITS} of {widest}; --units 0:{widest} (or a list) shows others")
    else:
        missing = [u for u in units if u >= widest]
        if missing:
            raise DataError(
                f"unit {missing[0]} is beyond the widest vector ({widest} units)",
                name="units",
                fix=f"choose units within 0:{widest}",
            )
    return (start, stop), tuple(units), notes


#: The phases that open and close a time step: the values arrive and leave (forward), the gradient
#: arrives and is handed back (backward).
_ENDS = ("inputs", "hand-over", "gradient", "hand-back")


def _state_names(graph: CellGraph) -> list[tuple[str, str, str, str]]:
    """Each recurrent state as its new value's node and math name, and its previous value's."""
    out = []
    for name, (node_in, node_out) in graph.states.items():
        producer = graph.node(node_out.inputs[0])
        out.append((producer.id, node_out.label or producer.label or name, node_in.id, node_in.label or f"{name}_prev"))
    return out


def _norms(gradients: Mapping[str, np.ndarray], states: list, t: int, batch: int, previous: bool) -> tuple[str, ...]:
    """‖∂L/∂h_t‖ for each state's new value at step ``t`` (``previous``: ‖∂L/∂h_{t−1}‖, the gradient
    handed back to the step before), as caption lines: how much of the loss reaches that far back."""
    lines = []
    for new, new_label, old, old_label in states:
        node, label = (old, old_label) if previous else (new, new_label)
        if node in gradients:
            norm = float(np.linalg.norm(gradients[node][t, batch]))
            lines.append(f"‖∂L/∂{label}‖ = {scientific(norm)}")
    return tuple(lines)


def scientific(value: float, digits: int = 2) -> str:
    """``value`` as a math label in scientific notation with ``digits`` significant digits
    (``2.1·10^{−3}``; plainly written between 0.01 and 1000)."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("+∞" if value > 0 else "−∞")
    if value == 0 or 0.01 <= abs(value) < 1000:
        return f"{value:.{digits}g}".replace("-", "−")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa.replace('-', '−')}·10^{{{int(exponent):d}}}".replace("{-", "{−")
