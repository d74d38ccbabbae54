"""Taking weights from PyTorch into built-in cells: ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` (any
number of layers, either direction), ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell``, given as
modules, as their ``state_dict()``, or as a file saved with ``torch.save``.

PyTorch is optional: it is imported only here, and only when called. A file is read with
``torch.load(weights_only=True)``, so that nothing in it runs as code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import arguments as args
from .cells import builtin
from .errors import DataError
from .execute.params import LayerParams
from .execute.stack import Stack
from .spec.graph import CellGraph

#: For each module type: the built-in cell, and the layers its stacked gate rows feed, in order.
_GATES = {
    "RNN": ("rnn", ("h",)),
    "LSTM": ("lstm", ("i", "f", "g", "o")),
    "GRU": ("gru-pytorch", ("r", "z", "n")),
}
_KIND_OF_ROWS = {1: "RNN", 4: "LSTM", 3: "GRU"}  # gate rows per hidden unit -> the module type
_DIRECTIONS = ("forward", "reverse")
_FIX = "save the module or its state_dict() with torch.save, from an nn.RNN, nn.LSTM or nn.GRU (or their Cell)"


@dataclasses.dataclass(frozen=True, eq=False)
class TorchWeights:
    """The recurrent weights of one PyTorch module, by their state-dict names without a prefix
    (``weight_ih_l0``, ``bias_hh_l1_reverse``; ``weight_ih`` for a Cell)."""

    kind: str  #: RNN, LSTM or GRU
    layers: int
    directions: int
    arrays: Mapping[str, np.ndarray]
    source: str  #: what they were read from, for messages
    #: The module's own ``batch_first``; None when what was read cannot say (a state dict, a Cell).
    batch_first: bool | None = None

    def key(self, name: str, layer: int, direction: int) -> str:
        if self.is_cell:
            return name
        return f"{name}_l{layer}" + ("_reverse" if direction else "")

    @property
    def is_cell(self) -> bool:
        return "weight_ih" in self.arrays


def from_torch(
    module: Any, *, layer: int | None = None, direction: str = "forward", prefix: str | None = None
) -> tuple[CellGraph, dict[str, LayerParams]]:
    """The built-in cell matching a PyTorch recurrent module, with its dims set from the module,
    and the module's weights as that cell's parameters.

    ``module`` is an ``nn.RNN``/``nn.LSTM``/``nn.GRU``, one of their Cells, a ``state_dict()``
    of one (``prefix`` picks one among several in a bigger model's), or the path of a file saved
    with ``torch.save``. A module of several layers or two directions is one cell per layer and
    direction: pick one with ``layer`` and ``direction`` (``"forward"``/``"reverse"``), or take
    all of them with :func:`stack_from_torch`, which keeps the module's ``batch_first``. The one
    cell returned here runs as :func:`lstmviz.run` does, on (T, B, features), or on (B, T, features)
    with ``lstmviz.run(..., batch_first=True)``.
    """
    args.integer(layer, "layer", low=0, high=10_000, optional=True)
    args.text(direction, "direction")
    args.text(prefix, "prefix", optional=True)
    w = _weights(module, prefix)
    if layer is None:
        if w.layers > 1 or w.directions > 1:
            both = ", in both directions" if w.directions > 1 else ""
            raise DataError(
                f"holds {w.layers} layer{'s' if w.layers > 1 else ''}{both}, one cell each",
                name=w.source,
                fix="pick one with --layer N --direction forward|reverse (layer=, direction=), "
                "or draw them all as a stack (-o stack.svg, render_stack)",
            )
        layer = 0
    if not 0 <= layer < w.layers:
        raise DataError(f"has no layer {layer}", name=w.source, fix=f"pick a layer from 0 to {w.layers - 1}")
    if direction not in _DIRECTIONS[: w.directions]:
        choices = " or ".join(repr(d) for d in _DIRECTIONS[: w.directions])
        raise DataError(f"has no direction {direction!r}", name=w.source, fix=f"pick {choices}")
    return _cell(w, layer, _DIRECTIONS.index(direction))


def stack_from_torch(module: Any, *, prefix: str | None = None) -> Stack:
    """Every layer and direction of a PyTorch recurrent module (as :func:`from_torch` takes it),
    as a :class:`~lstmviz.execute.stack.Stack` that :func:`~lstmviz.execute.stack.run_stack` runs
    layer by layer as PyTorch does, and :func:`lstmviz.render_stack` draws. The stack keeps the
    module's ``batch_first`` (a module, or a file of a whole module), so that ``run_stack`` reads the
    input the way the module does; a state dict cannot say (``batch_first`` is None: time first, as
    PyTorch's default, unless ``run_stack`` is told)."""
    args.text(prefix, "prefix", optional=True)
    w = _weights(module, prefix)
    cells = tuple(tuple(_cell(w, k, d) for d in range(w.directions)) for k in range(w.layers))
    return Stack(
        kind=w.kind,
        cells=tuple(tuple(c for c, _ in row) for row in cells),
        params=tuple(tuple(p for _, p in row) for row in cells),
        batch_first=w.batch_first,
    )


def _cell(w: TorchWeights, layer: int, direction: int) -> tuple[CellGraph, dict[str, LayerParams]]:
    """The built-in cell of one layer and direction, with its weights."""
    name, gates = _GATES[w.kind]
    w_ih, w_hh = w.arrays[w.key("weight_ih", layer, direction)], w.arrays[w.key("weight_hh", layer, direction)]
    hidden, size_in = w_hh.shape[1], w_ih.shape[1]
    zeros = np.zeros(len(gates) * hidden, dtype=w_ih.dtype)
    b_ih = np.split(w.arrays.get(w.key("bias_ih", layer, direction), zeros), len(gates))
    b_hh = np.split(w.arrays.get(w.key("bias_hh", layer, direction), zeros), len(gates))
    rows_ih, rows_hh = np.split(w_ih, len(gates)), np.split(w_hh, len(gates))
    params = {}
    for k, gate in enumerate(gates):
        if w.kind == "GRU" and gate == "n":  # reset is applied after the recurrent product: two layers
            params["xn"] = LayerParams(rows_ih[k], b_ih[k])
            params["hn"] = LayerParams(rows_hh[k], b_hh[k])
        else:  # the cell's layers read [h_{t-1}, x_t]
            params[gate] = LayerParams(np.concatenate([rows_hh[k], rows_ih[k]], axis=1), b_ih[k] + b_hh[k])
    return builtin(name).with_dims(input=size_in, hidden=hidden), params


# -- reading ---------------------------------------------------------------------------------------
def _torch() -> Any:
    """PyTorch, imported when a model is read; its absence is one line with the fix."""
    try:
        import torch
    except ImportError:
        raise DataError(
            "reading a PyTorch model needs PyTorch, which is not installed",
            name="torch",
            fix="pip install 'lstmviz[torch]'",
        ) from None
    return torch


def _weights(given: Any, prefix: str | None) -> TorchWeights:
    """The weights of a module, a state dict, or a file holding either."""
    if isinstance(given, (str, Path)):
        loaded = _load(Path(given))
        if not isinstance(loaded, Mapping):  # a whole module, saved with torch.save(module)
            return _from_module(loaded, prefix, source=str(given))
        return _from_state(loaded, prefix, str(given))
    torch = _torch()

    if isinstance(given, torch.nn.Module):
        return _from_module(given, prefix)
    if isinstance(given, Mapping):
        return _from_state(given, prefix, "state_dict")
    raise DataError(f"{type(given).__name__} is not supported", name="from_torch", fix=_FIX)


def _from_module(module: Any, prefix: str | None, source: str | None = None) -> TorchWeights:
    """A module's weights, with its own settings (``batch_first``); ``source`` names it in messages
    (by default its type)."""
    torch = _torch()

    kinds = {getattr(torch.nn, k): k for k in _GATES} | {getattr(torch.nn, f"{k}Cell"): k for k in _GATES}
    kind = kinds.get(type(module))
    name = source or type(module).__name__
    if kind is None:  # a bigger model: its recurrent parts, by their state-dict names
        return _from_state(module.state_dict(), prefix, name)
    if getattr(module, "proj_size", 0):
        raise DataError("has projections (proj_size), which no built-in cell has", name=name, fix="use proj_size=0")
    if kind == "RNN" and module.nonlinearity != "tanh":
        raise DataError(
            f"nonlinearity {module.nonlinearity!r} has no built-in cell", name=name, fix="use nonlinearity='tanh'"
        )
    weights = _from_state(module.state_dict(), None, name, kind=kind)
    return dataclasses.replace(weights, batch_first=getattr(module, "batch_first", None))


def _from_state(state: Mapping[str, Any], prefix: str | None, source: str, kind: str | None = None) -> TorchWeights:
    """The one recurrent module's weights in a state dict (the one under ``prefix`` when several
    are); its type read from how many gate rows it has per hidden unit."""
    found = sorted({k[: -len(m.group(0))] for k in state if (m := re.search(r"weight_ih(_l0)?$", k))})
    if prefix is not None:
        want = prefix if not prefix or prefix.endswith(".") else prefix + "."
        if want not in found:
            raise DataError(f"has no recurrent module {prefix!r}", name=source, fix=_choices(found))
        found = [want]
    if not found:
        raise DataError("holds no recurrent weights (no weight_ih_l0 or weight_ih)", name=source, fix=_FIX)
    if len(found) > 1:
        raise DataError("holds several recurrent modules", name=source, fix=_choices(found))
    start = found[0]
    arrays = {}
    for key, value in state.items():
        if key.startswith(start) and "." not in key[len(start) :]:
            arrays[key[len(start) :]] = _array(value, source, key)
    if "weight_hr_l0" in arrays:
        raise DataError("has projections (proj_size), which no built-in cell has", name=source, fix="use proj_size=0")
    return _checked(arrays, source, kind)


def _checked(arrays: dict[str, np.ndarray], source: str, kind: str | None) -> TorchWeights:
    """The weights' shapes checked against each other, and the module type they make."""
    cell = "weight_ih" in arrays
    layers = 1 if cell else 1 + max(int(m.group(1)) for k in arrays if (m := re.fullmatch(r"weight_ih_l(\d+)", k)))
    directions = 2 if "weight_ih_l0_reverse" in arrays else 1
    w = TorchWeights("", layers, directions, arrays, source)
    first_ih, first_hh = arrays.get(w.key("weight_ih", 0, 0)), arrays.get(w.key("weight_hh", 0, 0))
    if first_ih is None or first_hh is None or first_ih.ndim != 2 or first_hh.ndim != 2:
        raise DataError("has no two-dimensional weight_ih and weight_hh", name=source, fix=_FIX)
    hidden = first_hh.shape[1]
    rows = first_ih.shape[0] // max(hidden, 1)
    kind = kind or _KIND_OF_ROWS.get(rows)
    if kind is None or rows * hidden != first_ih.shape[0]:
        raise DataError(f"has {first_ih.shape[0]} gate rows for hidden size {hidden}", name=source, fix=_FIX)
    gates = len(_GATES[kind][1])
    for k in range(layers):
        for d in range(directions):
            size_in = first_ih.shape[1] if k == 0 else hidden * directions
            expected = {
                "weight_ih": (gates * hidden, size_in),
                "weight_hh": (gates * hidden, hidden),
                "bias_ih": (gates * hidden,),
                "bias_hh": (gates * hidden,),
            }
            for name, shape in expected.items():
                key = w.key(name, k, d)
                if key not in arrays and name.startswith("bias"):
                    continue  # bias=False
                if key not in arrays or arrays[key].shape != shape:
                    got = "missing" if key not in arrays else f"shaped {arrays[key].shape}"
                    raise DataError(f"{key} is {got}, expected {shape}", name=source, fix=_FIX)
    return dataclasses.replace(w, kind=kind)


def _array(value: Any, source: str, key: str) -> np.ndarray:
    torch = _torch()

    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise DataError(f"{key} is not a floating-point tensor", name=source, fix=_FIX)
    return value.detach().cpu().numpy().copy()


def _load(path: Path) -> Any:
    """What a file saved with ``torch.save`` holds: a state dict, or a whole module of the supported
    types. Read with ``weights_only=True``: nothing in the file runs."""
    import pickle

    torch = _torch()

    allowed = [getattr(torch.nn, k) for k in _GATES] + [getattr(torch.nn, f"{k}Cell") for k in _GATES]
    try:
        with torch.serialization.safe_globals(allowed):
            loaded = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise DataError("no such file", name=str(path), fix="check the path") from None
    except pickle.UnpicklingError as err:
        what = re.search(r"GLOBAL ([\w.]+)", str(err))
        if what is None:
            raise DataError("is not a file saved with torch.save", name=str(path), fix=_FIX) from None
        raise DataError(
            f"holds a {what.group(1)}, which is not read (loading it would run code)",
            name=str(path),
            fix="save the model's state_dict() instead: torch.save(model.state_dict(), path)",
        ) from None
    except Exception as err:  # noqa: BLE001 - torch's reader fails in many ways on a file that is not its own
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"is not a file saved with torch.save ({first[:120]})", name=str(path), fix=_FIX) from None
    if isinstance(loaded, torch.nn.Module):
        return loaded
    if not isinstance(loaded, Mapping):
        raise DataError(f"holds a {type(loaded).__name__}, not a state dict", name=str(path), fix=_FIX)
    return loaded


def _choices(found: list[str]) -> str:
    names = ", ".join(repr(p.rstrip(".")) for p in found) or "none"
    return f"pick one with --prefix (prefix=): {names}"
