"""Numbers from files: a cell's input arrays read from ``.npy``/``.npz``, and a saved PyTorch
model run whole on them, as the command line's ``run`` does."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from .. import arguments as args
from ..errors import DataError
from ..spec.graph import CellGraph


def read_input(
    path: str | Path, cell: CellGraph, batch_first: bool | None = False, *, source: str | Path | None = None
) -> dict[str, np.ndarray]:
    """The input arrays of ``cell`` in ``path`` (an ``.npy`` for a cell of one input, else an
    ``.npz`` of one array per input), by name and shaped (T, B, features): a (T, features) array is
    one sequence; with ``batch_first``, arrays are (B, T, features) and are turned to (T, B,
    features). ``None``: the model ``source`` could not say which, so a three-axis array is
    refused rather than guessed."""
    from ..files import read_arrays

    args.path(path, "path")
    names = [n.id for n in cell.of_kind("input")]
    loaded = read_arrays(path, "an .npy or .npz of input arrays")
    if isinstance(loaded, np.ndarray):
        if len(names) != 1:
            raise DataError(
                f"the cell has inputs {', '.join(names)}", name=str(path), fix="give an .npz with one array per input"
            )
        arrays = {names[0]: loaded}
    else:
        arrays = dict(loaded)  # type: ignore[call-overload]
    if batch_first is None:
        for k, v in arrays.items():
            if v.ndim == 3:
                raise DataError(
                    f"{k} is shaped {v.shape}, and {source} (a state_dict) does not say whether its input is "
                    "(B, T, features) or (T, B, features)",
                    name=str(path),
                    fix="give --batch-first or --time-major",
                )
    elif batch_first:
        for k, v in arrays.items():
            if v.ndim != 3:
                raise DataError(
                    f"{k} has shape {v.shape}, not (B, T, features)", name=str(path), fix="drop --batch-first"
                )
        return {k: v.transpose(1, 0, 2) for k, v in arrays.items()}
    return {k: (v[:, None, :] if v.ndim == 2 else v) for k, v in arrays.items()}


@dataclasses.dataclass(frozen=True)
class SavedRun:
    """A saved model run whole: its stack of cells, the input it ran on and what it gave, both
    (T, B, features) and (layers x directions, B, hidden) for the states, and whether the model
    takes its input batch first (as its outputs are then written)."""

    stack: Any
    x: np.ndarray
    result: Any
    batch_first: bool


def run_saved(
    model: str | Path,
    input: str | Path | None = None,
    *,
    steps: int | None = None,
    batch: int = 1,
    batch_first: bool | None = None,
    dtype: str | None = None,
    seed: int = 0,
) -> SavedRun:
    """Run every layer and direction of a PyTorch model saved with ``torch.save`` over the arrays
    in ``input`` (see :func:`read_input`), or over ``steps`` (5) of seeded random input, as PyTorch
    runs it: the input shaped as the module takes it (its own ``batch_first``, unless given)."""
    from ..execute.stack import run_stack
    from ..torch_interop import stack_from_torch

    args.path(model, "model")
    args.path(input, "input", optional=True)
    args.integer(steps, "steps", low=1, high=10_000, optional=True)
    args.integer(batch, "batch", low=1, high=10_000)
    args.integer(seed, "seed", low=0)
    if input is not None and steps is not None:
        raise DataError("give an input or a number of steps, not both", name="steps")
    stack = stack_from_torch(model)
    first = stack.cells[0][0]
    if batch_first is None:
        batch_first = stack.batch_first
    if input is not None:
        x = read_input(input, first, batch_first, source=model)["x"]
        if dtype is not None:
            x = x.astype(dtype)
    else:
        size = first.default_dims["input"]
        x = np.random.default_rng(seed).standard_normal((5 if steps is None else steps, batch, size))
        x = x.astype(dtype or next(iter(stack.params[0][0].values())).weight.dtype)  # as the model's weights
    return SavedRun(stack, x, run_stack(stack, x, batch_first=False), bool(batch_first))
