"""The timeline of an animation: when each node lights up and what value it holds, from a Trace.

Each time step plays as the walk-through tells the cell: first the inputs arrive, then each step
of the walk-through (forget, input, state, output for the LSTM) computes its nodes, one beat each,
while the rest of the cell dims; last the states hand over to the next step. The same timeline
feeds every output format.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ..errors import DataError
from ..spec.graph import CellGraph

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


@dataclasses.dataclass(frozen=True)
class Phase:
    """A part of a time step: ``name`` ("inputs", a walk-through step, "hand-over"), when it plays,
    the nodes and edges it lights (the rest dims) and the equations it computes."""

    step: int
    name: str
    start: float
    end: float
    lit: frozenset[str]
    equations: tuple[str, ...]
    index: int  # its place among the step's phases, from 1
    of: int


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Events and phases in time order; ``beat`` seconds per node, ``step_length`` per time step.

    ``openings`` holds, for each product with a gate (a valve in the pipe style), how far its gate
    is open at each step: the mean of the gate's vector, 0 (shut) to 1 (open), from its gate's beat
    until the next step's.
    ``notes`` say what was left out (steps or units beyond a limit), for the user to hear.
    """

    events: tuple[Event, ...]
    phases: tuple[Phase, ...]
    steps: tuple[int, ...]
    beat: float
    step_length: float
    openings: tuple[tuple[int, str, float, float, float], ...] = ()  # (step, product, opening, from, until)
    notes: tuple[str, ...] = ()

    def phase(self, seconds: float) -> Phase:
        """The phase playing ``seconds`` into the loop."""
        return next((p for p in self.phases if p.start <= seconds < p.end), self.phases[-1])

    @property
    def duration(self) -> float:
        """The length of one loop of the animation, in seconds."""
        return self.step_length * len(self.steps)


def parse_units(text: str, name: str = "--units") -> tuple[int, ...]:
    """``"0:16"`` (a range), ``"3,5,9"`` (a list) or ``"4"`` (one unit) as unit indices (``name``
    is the option that gave them, for the error)."""
    text = text.strip()
    try:
        if ":" in text:
            start, _, stop = text.partition(":")
            picked = tuple(range(int(start or 0), int(stop)))
        else:
            picked = tuple(int(part) for part in text.split(","))
    except ValueError:
        picked = ()
    if not picked or min(picked) < 0 or len(picked) > 4096 or len(set(picked)) != len(picked):
        raise DataError(
            f"{name} {text!r} is not a range or a list of units",
            name=name,
            fix=f"write e.g. {name} 0:16 or {name} 0,3,7 (each unit once, from 0)",
        )
    return picked


def build_timeline(
    graph: CellGraph,
    trace: dict[str, np.ndarray] | object,
    *,
    window: tuple[int, int] | None = None,
    units: Sequence[int] | None = None,
    beat: float = 0.35,
    batch: int = 0,
) -> Timeline:
    """The events of ``trace`` (a Trace, or node id -> (T, B, n) arrays) for steps ``window`` (start,
    stop; by default the first :data:`DEFAULT_STEPS`) and ``units`` of each vector (by default the
    first :data:`DEFAULT_UNITS`); what a default leaves out is in the timeline's ``notes``."""
    from ..layout.views import steps as walk_steps

    values = getattr(trace, "values", trace)
    T = next(iter(values.values())).shape[0]
    notes = []
    if window is None:
        window = (0, min(T, DEFAULT_STEPS))
        if T > DEFAULT_STEPS:
            notes.append(f"showing steps 0:{DEFAULT_STEPS} of {T}; --window START:STOP shows others")
    start, stop = window
    if not 0 <= start < stop <= T:
        raise DataError(
            f"window {start}:{stop} is outside the {T} steps run", name="window", fix=f"choose steps within 0:{T}"
        )
    shown = [n for n in graph.order if graph.node(n).kind in SHOWN]
    sizes = {n: values[n].shape[2] for n in shown}
    widest = max(sizes.values())
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
    units = tuple(units)
    walk = walk_steps(graph)
    computed = {n for n in shown if graph.node(n).kind in ("layer", "op")}
    parts: list[tuple[str, list[str], frozenset[str]]] = []
    arriving = [n for n in shown if n not in computed]
    around = {e.id for e in graph.edges if e.src in arriving}
    parts.append(("inputs", arriving, frozenset(arriving) | around))
    for name, members in walk.items():
        parts.append((name, [n for n in shown if n in members and n in computed], members))
    leaving = {n.id for n in graph.nodes if n.kind in ("state-out", "output")}
    parts.append(("hand-over", [], frozenset(leaving | {e.id for e in graph.edges if e.dst in leaving})))
    beats = [2.0 if name in ("inputs", "hand-over") else len(nodes) + 1.0 for name, nodes, _ in parts]
    step_length = beat * sum(beats)
    events, phases, openings = [], [], []
    from ..layout.views import equations
    from ..spec.ranges import gate_of

    gates = {n.id: gate_of(graph, n.id) for n in graph.of_kind("op")}
    for k, t in enumerate(range(start, stop)):
        at, step_end = k * step_length, (k + 1) * step_length
        lit_at: dict[str, float] = {}
        for index, ((name, nodes, lit), length) in enumerate(zip(parts, beats), 1):
            eqs = tuple(equations(graph, lit)) if name not in ("inputs", "hand-over") else ()
            phases.append(Phase(t, name, at, at + length * beat, lit, eqs, index, len(parts)))
            for i, node_id in enumerate(nodes):
                lit_at[node_id] = at + (0 if name == "inputs" else (i + 1) * beat)
            at += length * beat
        for node_id in shown:
            vector = np.asarray(values[node_id][t, batch], dtype=np.float64)
            picked = tuple(u for u in units if u < vector.size)
            events.append(
                Event(
                    t,
                    node_id,
                    lit_at[node_id],
                    step_end,
                    tuple(float(vector[u]) for u in picked),
                    picked,
                    int(vector.size),
                )
            )
        for product, gate in gates.items():
            if gate:
                g = np.asarray(values[gate][t, batch], dtype=np.float64)
                opening = float(np.clip(np.nanmean(g), 0.0, 1.0)) if g.size else 0.5
                openings.append((t, product, opening, lit_at.get(gate, k * step_length)))
    events.sort(key=lambda e: (e.start, shown.index(e.node)))
    # a valve holds its opening until its gate's next value
    openings.sort(key=lambda o: (o[1], o[3]))
    openings = [
        (*o, nxt[3] if nxt is not None and nxt[1] == o[1] else step_length * (stop - start))
        for o, nxt in zip(openings, [*openings[1:], None])
    ]
    return Timeline(
        tuple(events), tuple(phases), tuple(range(start, stop)), beat, step_length, tuple(openings), tuple(notes)
    )
