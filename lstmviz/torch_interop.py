"""Taking weights from PyTorch modules (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``) into built-in cells.

PyTorch is optional: it is imported only here, and only when called.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .cells import builtin
from .errors import DataError
from .execute.params import LayerParams
from .spec.graph import CellGraph

#: For each module type: the built-in cell, and the layers its stacked gate rows feed, in order.
_GATES = {
    "RNN": ("rnn", ("h",)),
    "LSTM": ("lstm", ("i", "f", "g", "o")),
    "GRU": ("gru-pytorch", ("r", "z", "n")),
}


def from_torch(module: Any) -> tuple[CellGraph, dict[str, LayerParams]]:
    """The built-in cell matching a single-layer, unidirectional ``nn.RNN``/``nn.LSTM``/``nn.GRU``,
    with its dims set from the module, and the module's weights as that cell's parameters.

    ``batch_first`` modules work too; their inputs must be transposed to (T, B, features) for
    :func:`lstmviz.run`.
    """
    import torch

    kind = next((k for k in _GATES if type(module) is getattr(torch.nn, k)), None)
    if kind is None:
        raise DataError(
            f"{type(module).__name__} is not supported", name="from_torch", fix="pass a torch.nn.RNN, nn.LSTM or nn.GRU"
        )
    if module.num_layers != 1 or module.bidirectional or getattr(module, "proj_size", 0):
        raise DataError(
            "only single-layer, unidirectional modules without projections are supported",
            name=kind,
            fix="take one layer and direction at a time",
        )
    if kind == "RNN" and module.nonlinearity != "tanh":
        raise DataError(
            f"nonlinearity {module.nonlinearity!r} has no built-in cell", name=kind, fix="use nonlinearity='tanh'"
        )
    name, gates = _GATES[kind]
    w = {k: v.detach().cpu().numpy().copy() for k, v in module.named_parameters()}
    hidden, size_in = module.hidden_size, module.input_size
    zeros = np.zeros(len(gates) * hidden, dtype=w["weight_ih_l0"].dtype)
    w_ih = np.split(w["weight_ih_l0"], len(gates))
    w_hh = np.split(w["weight_hh_l0"], len(gates))
    b_ih = np.split(w.get("bias_ih_l0", zeros), len(gates))
    b_hh = np.split(w.get("bias_hh_l0", zeros), len(gates))
    params = {}
    for k, gate in enumerate(gates):
        if kind == "GRU" and gate == "n":  # reset is applied after the recurrent product: two layers
            params["xn"] = LayerParams(w_ih[k], b_ih[k])
            params["hn"] = LayerParams(w_hh[k], b_hh[k])
        else:  # the cell's layers read [h_{t-1}, x_t]
            params[gate] = LayerParams(np.concatenate([w_hh[k], w_ih[k]], axis=1), b_ih[k] + b_hh[k])
    return builtin(name).with_dims(input=size_in, hidden=hidden), params
