"""Backpropagation through time for any cell graph, from the trace of a forward run.

The forward run records every node's value at every step (a :class:`~lstmviz.execute.run.Trace`);
the backward pass walks the steps from last to first and, inside a step, the nodes in reverse
evaluation order, turning the gradient of each value into gradients of what it read. Derivatives
are written in terms of the recorded values (a sigmoid's from its output, ``y (1 - y)``), so no
value is recomputed. Weight gradients are summed over all steps at the end, in one product each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ..errors import DataError
from ..execute.params import LayerParams
from ..execute.run import Result
from ..spec.graph import CellGraph, Node


@dataclasses.dataclass(frozen=True, eq=False)
class Gradients:
    """Gradients of a loss: ``params`` by layer (shaped as the parameters), ``inputs`` by input id
    (T, B, n), ``initial`` by state name (B, n); ``nodes``, the loss's total derivative with
    respect to every node's value at every step (T, B, n), the flow of the gradient through time;
    and ``layers``, each layer's pre-activation gradient (T, B, m), the error that reaches its weights."""

    params: Mapping[str, LayerParams]
    inputs: Mapping[str, np.ndarray]
    initial: Mapping[str, np.ndarray]
    nodes: Mapping[str, np.ndarray]
    layers: Mapping[str, np.ndarray]


def backward(
    graph: CellGraph,
    result: Result,
    d_outputs: np.ndarray | Mapping[str, np.ndarray],
    d_state: Mapping[str, np.ndarray] | None = None,
) -> Gradients:
    """Gradients of a loss through all steps of ``result`` (a run made with ``trace=True``).

    ``d_outputs`` is the loss's gradient with respect to the outputs, shaped like
    ``result.outputs`` (or by output id, like ``result.by_output``); ``d_state`` optionally
    gives its gradient with respect to the final states, by name.
    """
    if result.trace is None:
        raise DataError("the run has no trace", name=graph.name, fix="run with trace=True")
    values = result.trace.values
    dy = _by_output(graph, result, d_outputs)
    T, B = next(iter(dy.values())).shape[:2] if dy else next(iter(values.values())).shape[:2]
    dtype = next(iter(values.values())).dtype
    order = [graph.node(n) for n in reversed(graph.order) if graph.node(n).kind not in ("output", "state-out")]
    grads = {n.id: np.zeros((T, B, values[n.id].shape[-1]), dtype) for n in order}
    carry = {name: _given(d_state, name, (B, values[i.id].shape[-1]), dtype) for name, (i, _) in graph.states.items()}
    pre = {n.id: np.zeros((T, B, values[n.id].shape[-1]), dtype) for n in order if n.kind == "layer"}
    for t in range(T - 1, -1, -1):
        now = {k: v[t] for k, v in grads.items()}
        for out_id, g in dy.items():
            now[graph.node(out_id).inputs[0]] += g[t]
        for name, (_, node_out) in graph.states.items():
            now[node_out.inputs[0]] += carry[name]
        for node in order:
            g = now[node.id]
            if node.kind == "layer":
                _layer(node, g, t, values, result.params[node.id], now, pre[node.id])
            elif node.kind == "concat":
                _concat(node, g, values, now)
            elif node.kind == "op":
                _op(node, g, t, values, now)
        carry = {name: now[pair[0].id] for name, pair in graph.states.items()}
    return Gradients(
        params={n.id: _layer_grads(n, pre[n.id], values) for n in order if n.kind == "layer"},
        inputs={n.id: grads[n.id] for n in graph.of_kind("input")},
        initial=dict(carry),
        nodes=grads,
        layers=pre,
    )


def _by_output(
    graph: CellGraph, result: Result, d_outputs: np.ndarray | Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The outputs' gradients by output id, each (T, B, n), checked against the outputs' shapes."""
    if isinstance(d_outputs, Mapping):
        given = {k: np.asarray(v) for k, v in d_outputs.items()}
    else:
        d_outputs = np.asarray(d_outputs)
        if d_outputs.shape != result.outputs.shape:
            raise DataError(
                f"the outputs' gradient has shape {d_outputs.shape}; the outputs have {result.outputs.shape}",
                name=graph.name,
            )
        sizes = [v.shape[-1] for v in result.by_output.values()]
        parts = np.split(d_outputs, np.cumsum(sizes)[:-1], axis=-1)
        given = dict(zip(result.by_output, parts))
    for name, g in given.items():
        if name not in result.by_output or g.shape != result.by_output[name].shape:
            raise DataError(f"a gradient for {name!r} that is not an output of this shape", name=graph.name)
    return given


def _given(d_state: Mapping[str, np.ndarray] | None, name: str, shape: tuple[int, int], dtype: np.dtype) -> np.ndarray:
    value = (d_state or {}).get(name)
    if value is None:
        return np.zeros(shape, dtype)
    if np.shape(value) != shape:
        raise DataError(f"the final state's gradient has shape {np.shape(value)}, expected {shape}", name=name)
    return np.asarray(value, dtype)


#: Each activation's derivative, from its output y.
_FROM_OUTPUT = {
    "sigmoid": lambda y: y * (1 - y),
    "tanh": lambda y: 1 - y * y,
    "relu": lambda y: (y > 0).astype(y.dtype),
    "identity": lambda y: np.ones_like(y),
}


def _layer(
    node: Node, g: np.ndarray, t: int, values: Mapping[str, np.ndarray], params: LayerParams, now: dict, pre: np.ndarray
) -> None:
    """act(W·source + b + Σ w_d ⊙ d): the pre-activation's gradient, kept for the weights, goes back
    to the source through W and to each diagonal input through its vector."""
    d_pre = g * _FROM_OUTPUT[node.activation](values[node.id][t])
    pre[t] = d_pre
    now[node.inputs[0]] += d_pre @ params.weight
    for d in node.diagonal:
        now[d] += d_pre * params.diagonal[d]


def _layer_grads(node: Node, d_pre: np.ndarray, values: Mapping[str, np.ndarray]) -> LayerParams:
    """A layer's parameter gradients, summed over steps and batch."""
    flat = d_pre.reshape(-1, d_pre.shape[-1])
    source = values[node.inputs[0]]
    return LayerParams(
        weight=flat.T @ source.reshape(-1, source.shape[-1]),
        bias=flat.sum(axis=0) if node.bias else None,
        diagonal={d: (d_pre * values[d]).sum(axis=(0, 1)) for d in node.diagonal},
    )


def _concat(node: Node, g: np.ndarray, values: Mapping[str, np.ndarray], now: dict) -> None:
    at = 0
    for part in node.inputs:
        n = values[part].shape[-1]
        now[part] += g[:, at : at + n]
        at += n


def _op(node: Node, g: np.ndarray, t: int, values: Mapping[str, np.ndarray], now: dict) -> None:
    """A pointwise op: each vector operand gets ``g`` times the op's partial derivative."""
    y = values[node.id][t]
    operands = [values[i][t] for i in node.inputs]
    if node.constant is not None:
        operands.insert(node.constant_at, np.asarray(node.constant, y.dtype))
    partials = _PARTIALS[node.op](y, *operands)
    vector = [k for k in range(len(operands)) if node.constant is None or k != node.constant_at]
    for k, source in zip(vector, node.inputs):
        now[source] += g * partials[k]


def _extreme(y: np.ndarray, a: np.ndarray, b: np.ndarray, a_wins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """max or min: the winning operand takes the gradient; a tie shares it evenly, as PyTorch does."""
    tie = (a == b).astype(y.dtype) * 0.5
    da = a_wins.astype(y.dtype) + tie
    return da, (1 - a_wins.astype(y.dtype)) - tie


_PARTIALS = {
    "sigmoid": lambda y, a: (y * (1 - y),),
    "tanh": lambda y, a: (1 - y * y,),
    "relu": lambda y, a: ((a > 0).astype(y.dtype),),
    "identity": lambda y, a: (1.0,),
    "one-minus": lambda y, a: (-1.0,),
    "exp": lambda y, a: (y,),
    "log": lambda y, a: (1 / a,),
    "softplus": lambda y, a: (-np.expm1(-y),),  # sigmoid(a) = 1 - exp(-softplus(a))
    "abs": lambda y, a: (np.sign(a),),
    "mul": lambda y, a, b: (b, a),
    "add": lambda y, a, b: (1.0, 1.0),
    "sub": lambda y, a, b: (1.0, -1.0),
    "div": lambda y, a, b: (1 / b, -y / b),
    "max": lambda y, a, b: _extreme(y, a, b, a > b),
    "min": lambda y, a, b: _extreme(y, a, b, a < b),
}
