"""Stacks of cells, as PyTorch's multi-layer and bidirectional modules build them: each layer runs
over the whole sequence before the next reads its outputs; a second direction runs backward in time
and its outputs are joined to the forward ones, step by step."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ..errors import DataError
from ..spec.graph import CellGraph
from .params import LayerParams
from .run import run


@dataclasses.dataclass(frozen=True, eq=False)
class Stack:
    """``cells[layer][direction]`` with its parameters ``params[layer][direction]``; direction 0
    runs forward in time, direction 1 (when there is one) backward."""

    kind: str  #: what the layers are, for captions: LSTM, GRU, RNN
    cells: tuple[tuple[CellGraph, ...], ...]
    params: tuple[tuple[Mapping[str, LayerParams], ...], ...]
    #: How the module it came from takes its input: (B, T, features) when True, (T, B, features)
    #: when False; None when that could not be read (a state dict says nothing of it).
    batch_first: bool | None = None

    @property
    def layers(self) -> int:
        return len(self.cells)

    @property
    def directions(self) -> int:
        return len(self.cells[0])


@dataclasses.dataclass(frozen=True, eq=False)
class StackResult:
    """``outputs`` (T, B, directions x hidden) of the last layer, or (B, T, ...) for a batch-first
    run; ``state`` maps each state's name to its final values shaped (layers x directions, B,
    hidden), in PyTorch's order (layer by layer, forward then reverse); ``by_layer`` holds every
    layer's outputs, shaped as ``outputs``."""

    outputs: np.ndarray
    state: Mapping[str, np.ndarray]
    by_layer: tuple[np.ndarray, ...]


def run_stack(
    stack: Stack, x: np.ndarray, state: Mapping[str, np.ndarray] | None = None, *, batch_first: bool | None = None
) -> StackResult:
    """Run ``stack`` over ``x`` shaped as the module it came from takes it: (B, T, features) when it
    is ``batch_first``, else (T, B, features). ``batch_first`` overrides the stack's own setting; when
    neither says (a stack read from a state dict), time comes first, as PyTorch's default. Outputs
    come back the same way round. ``state`` gives initial states shaped (layers x directions, B,
    hidden), as PyTorch's ``h_0`` and ``c_0``; zeros otherwise."""
    if not isinstance(stack, Stack):
        raise TypeError(f"stack must be a Stack (from stack_from_torch), not {type(stack).__name__}")
    if state is not None and not isinstance(state, Mapping):
        raise TypeError(f"state must be a mapping of initial states by name, not {type(state).__name__}")
    if batch_first is None:
        batch_first = bool(stack.batch_first)
    elif not isinstance(batch_first, bool):
        raise TypeError(f"batch_first must be True, False or None, not {batch_first!r}")
    x = np.asarray(x)
    if x.ndim != 3:
        layout = "(B, T, features)" if batch_first else "(T, B, features)"
        raise DataError(f"input has shape {x.shape}, expected three axes", name="x", fix=f"give {layout}")
    if batch_first:
        x = x.transpose(1, 0, 2)
    rows = stack.layers * stack.directions
    for name, value in (state or {}).items():
        if np.shape(value)[:1] != (rows,):
            raise DataError(
                f"initial state has shape {np.shape(value)}, expected ({rows}, B, hidden)",
                name=name,
                fix="give one row per layer and direction, as PyTorch's h_0",
            )
    finals: dict[str, list[np.ndarray]] = {}
    by_layer = []
    for k in range(stack.layers):
        outs = []
        for d in range(stack.directions):
            row = k * stack.directions + d
            start = {name: np.asarray(v)[row] for name, v in (state or {}).items()}
            seq = x[::-1] if d else x
            result = run(stack.cells[k][d], seq, stack.params[k][d], state=start or None)
            outs.append(result.outputs[::-1] if d else result.outputs)
            for name, value in result.state.items():
                finals.setdefault(name, []).append(value)
        x = np.concatenate(outs, axis=-1)
        by_layer.append(x)
    if batch_first:
        by_layer = [layer.transpose(1, 0, 2) for layer in by_layer]
    return StackResult(by_layer[-1], {name: np.stack(v) for name, v in finals.items()}, tuple(by_layer))
