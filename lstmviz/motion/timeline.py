"""The timeline of an animation: when each node lights up and what value it holds, from a Trace.

Within a time step, nodes light up in evaluation order, one beat each; their values then travel
along the lines to their consumers. Across steps, the states leave on the right and come back on
the left as the next step's inputs. The same timeline feeds every output format.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import DataError
from ..spec.graph import CellGraph

#: Kinds of node that light up (a concat is a junction, a sink shows its source's value).
SHOWN = ("input", "state-in", "layer", "op")


@dataclasses.dataclass(frozen=True)
class Event:
    """Node ``node`` holds ``value`` (its batch-0 vector) from ``start`` to the end of its step."""

    step: int
    node: str
    start: float
    value: tuple[float, ...]


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Events in time order; ``beat`` seconds per node, ``step_length`` seconds per time step.

    ``openings`` holds, for each product with a gate (a valve in the pipe style), how far its gate
    is open at each step: the mean of the gate's vector, 0 (shut) to 1 (open).
    """

    events: tuple[Event, ...]
    steps: tuple[int, ...]
    beat: float
    step_length: float
    openings: tuple[tuple[int, str, float], ...] = ()

    def visible(self, seconds: float) -> list[Event]:
        """The events on show ``seconds`` into the loop: started, in the step now playing."""
        k = min(len(self.steps) - 1, int(seconds // self.step_length))
        return [e for e in self.events if e.step == self.steps[k] and e.start <= seconds]

    def opening(self, step: int, node: str) -> float | None:
        """How far the valve ``node`` is open at ``step`` (None if it is no valve)."""
        return next((v for t, n, v in self.openings if t == step and n == node), None)

    @property
    def duration(self) -> float:
        """The length of one loop of the animation, in seconds."""
        return self.step_length * len(self.steps)


def build_timeline(
    graph: CellGraph,
    trace: dict[str, np.ndarray] | object,
    *,
    window: tuple[int, int] | None = None,
    beat: float = 0.35,
    batch: int = 0,
) -> Timeline:
    """The events of ``trace`` (a Trace, or node id -> (T, B, n) arrays) for steps ``window`` (start,
    stop); long sequences are shown as a window, never all at once."""
    values = getattr(trace, "values", trace)
    T = next(iter(values.values())).shape[0]
    start, stop = window if window is not None else (0, min(T, 8))
    if not 0 <= start < stop <= T:
        raise DataError(
            f"window {start}:{stop} is outside the {T} steps run", name="window", fix=f"choose steps within 0:{T}"
        )
    order = [n for n in graph.order if graph.node(n).kind in SHOWN]
    step_length = beat * (len(order) + 2)
    events = []
    for k, t in enumerate(range(start, stop)):
        for i, node_id in enumerate(order):
            vector = np.asarray(values[node_id][t, batch], dtype=np.float64)
            events.append(Event(t, node_id, k * step_length + i * beat, tuple(float(v) for v in vector)))
    from ..spec.ranges import gate_of

    openings = []
    for node in graph.of_kind("op"):
        gate = gate_of(graph, node.id)
        gates = [gate] if gate else []
        for t in range(start, stop):
            if gates:
                gate = np.asarray(values[gates[0]][t, batch], dtype=np.float64)
                openings.append((t, node.id, float(np.clip(np.nanmean(gate), 0.0, 1.0)) if gate.size else 0.5))
    return Timeline(tuple(events), tuple(range(start, stop)), beat, step_length, tuple(openings))
