"""Backpropagation through time for any cell graph, from the trace of a forward run.

The forward run records every node's value at every step (a :class:`~lstmviz.execute.run.Trace`);
the backward pass walks the steps from last to first and, inside a step, the nodes in reverse
evaluation order, turning the gradient of each value into gradients of what it read. Derivatives
are written in terms of the recorded values (a sigmoid's from its output, ``y (1 - y)``), so no
value is recomputed. Weight gradients are summed over all steps at the end, in one product each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import numpy as np

from .. import arguments as args
from ..errors import DataError
from ..execute.kernels import PARTIALS, layernorm_gradient, normalised
from ..execute.params import LayerParams, learned
from ..execute.run import Result
from ..spec.graph import CellGraph, Node


@dataclasses.dataclass(frozen=True, eq=False)
class Gradients:
    """Gradients of a loss: ``params`` by layer and layer normalisation (shaped as the parameters),
    ``inputs`` by input id (T, B, n), ``initial`` by state name (B, n); ``nodes``, the loss's total derivative with
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
    from ..execute.run import Result

    args.graph(graph)
    if not isinstance(result, Result):
        raise TypeError(f"result must be what lstmviz.run returns, not {type(result).__name__}")
    args.mapping(d_state, "d_state")
    if result.trace is None:
        raise DataError("the run has no trace", name=graph.name, fix="run with trace=True")
    values = result.trace.values
    dy = _by_output(graph, result, d_outputs)
    T, B = next(iter(values.values())).shape[:2]
    dtype = next(iter(values.values())).dtype
    order = [graph.node(n) for n in reversed(graph.order) if graph.node(n).kind not in ("output", "state-out")]
    grads = {n.id: np.zeros((T, B, values[n.id].shape[-1]), dtype) for n in order}
    for out_id, g in dy.items():  # every step's share from the outputs, at once
        grads[graph.node(out_id).inputs[0]] += g
    carry = {name: _given(d_state, name, (B, values[i.id].shape[-1]), dtype) for name, (i, _) in graph.states.items()}
    body = _Body(graph, order, values, result.params, grads)
    for t in range(T - 1, -1, -1):
        for name, (_, node_out) in graph.states.items():
            grads[node_out.inputs[0]][t] += carry[name]
        for step in body.steps:
            step(t)
        carry = {name: grads[pair[0].id][t] for name, pair in graph.states.items()}
    pre, learning = body.pre, {n.id for n in learned(graph)}
    return Gradients(
        params={
            n.id: _layer_grads(n, pre[n.id], values) if n.kind == "layer" else _normalisation_grads(n, grads, values)
            for n in order
            if n.id in learning
        },
        inputs={n.id: grads[n.id] for n in graph.of_kind("input")},
        initial=dict(carry),
        nodes=grads,
        layers=pre,
    )


Step = Callable[[int], object]


class _Body:
    """The body of the backward loop, as the forward's is: one small function per node, bound to
    arrays made before the loop. Each op's partial derivatives (and each layer's activation
    derivative) are computed for all steps at once from the trace, so a step only multiplies and adds."""

    def __init__(
        self,
        graph: CellGraph,
        order: list[Node],
        values: Mapping[str, np.ndarray],
        params: Mapping[str, LayerParams],
        grads: dict[str, np.ndarray],
    ) -> None:
        self.values, self.grads, self.params = values, grads, params
        self.pre: dict[str, np.ndarray] = {}
        self.steps: list[Step] = []
        for node in order:
            if node.kind == "layer":
                self._layer(node)
            elif node.kind == "concat":
                self._concat(node)
            elif node.op == "layernorm":
                self._normalisation(node)
            elif node.kind == "op":
                self._op(node)

    def _layer(self, node: Node) -> None:
        """act(W·source + b + Σ w_d ⊙ d): the pre-activation's gradient (the value's times the
        activation's derivative) goes back to the source through W and to each diagonal input
        through its vector."""
        g = self.grads[node.id]
        pre = self.pre[node.id] = np.zeros_like(g)
        (slope,) = PARTIALS[node.activation](self.values[node.id], None)
        slope = np.broadcast_to(slope, g.shape)
        self.steps.append(lambda t: np.multiply(g[t], slope[t], out=pre[t]))
        weight = self.params[node.id].weight.astype(g.dtype, copy=False)
        into = self.grads[node.inputs[0]]
        tmp = np.empty(into.shape[1:], g.dtype)
        self.steps.append(lambda t: np.add(into[t], np.matmul(pre[t], weight, out=tmp), out=into[t]))
        for d in node.diagonal:
            self.steps.append(self._add_times(self.grads[d], pre, self.params[node.id].diagonal[d], timed=False))

    def _normalisation(self, node: Node) -> None:
        """Layer normalisation: its operand gets the gradient through the gain and the normalising,
        in which each feature moves every other's value (through their mean and variance)."""
        a, g, into = self.values[node.inputs[0]], self.grads[node.id], self.grads[node.inputs[0]]
        weight = self.params[node.id].weight.astype(g.dtype, copy=False)
        self.steps.append(lambda t: np.add(into[t], layernorm_gradient(g[t], a[t], weight, -1), out=into[t]))

    def _concat(self, node: Node) -> None:
        g, at = self.grads[node.id], 0
        for part in node.inputs:
            n = self.values[part].shape[-1]
            into, piece = self.grads[part], g[..., at : at + n]
            self.steps.append(lambda t, into=into, piece=piece: np.add(into[t], piece[t], out=into[t]))
            at += n

    def _op(self, node: Node) -> None:
        """A pointwise op: each vector operand gets the value's gradient times the op's partial."""
        y = self.values[node.id]
        operands: list[np.ndarray | float] = [self.values[i] for i in node.inputs]
        if node.constant is not None:
            operands.insert(node.constant_at, node.constant)
        with np.errstate(all="ignore"):  # a log of 0, a division by 0: infinite, as the forward was
            partials = PARTIALS[node.op](y, *operands)
        vector = [k for k in range(len(operands)) if node.constant is None or k != node.constant_at]
        g = self.grads[node.id]
        for k, source in zip(vector, node.inputs):
            into, partial = self.grads[source], partials[k]
            if np.ndim(partial) == 0 and partial in (1.0, -1.0):
                combine = np.add if partial == 1.0 else np.subtract
                self.steps.append(lambda t, into=into, combine=combine: combine(into[t], g[t], out=into[t]))
            else:
                self.steps.append(self._add_times(into, g, partial, timed=np.ndim(partial) > 0))

    @staticmethod
    def _add_times(into: np.ndarray, g: np.ndarray, factor: np.ndarray | float, *, timed: bool) -> Step:
        """into[t] += g[t] * factor (factor[t] when ``timed``)."""
        tmp = np.empty(g.shape[1:], g.dtype)
        if timed:
            return lambda t: np.add(into[t], np.multiply(g[t], factor[t], out=tmp), out=into[t])
        return lambda t: np.add(into[t], np.multiply(g[t], factor, out=tmp), out=into[t])


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


def _layer_grads(node: Node, d_pre: np.ndarray, values: Mapping[str, np.ndarray]) -> LayerParams:
    """A layer's parameter gradients, summed over steps and batch."""
    flat = d_pre.reshape(-1, d_pre.shape[-1])
    source = values[node.inputs[0]]
    return LayerParams(
        weight=flat.T @ source.reshape(-1, source.shape[-1]),
        bias=flat.sum(axis=0) if node.bias else None,
        diagonal={d: (d_pre * values[d]).sum(axis=(0, 1)) for d in node.diagonal},
    )


def _normalisation_grads(node: Node, grads: Mapping[str, np.ndarray], values: Mapping[str, np.ndarray]) -> LayerParams:
    """Layer normalisation's gain and bias gradients, summed over steps and batch."""
    g = grads[node.id]
    hat, _ = normalised(values[node.inputs[0]], -1)
    return LayerParams(weight=(g * hat).sum(axis=(0, 1)), bias=g.sum(axis=(0, 1)))
