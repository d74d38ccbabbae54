"""The backward pass: against PyTorch's autograd (built-ins, their torch modules) and finite
differences (every op, random graphs)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lstmviz
from lstmviz.execute.params import LayerParams, node_sizes
from lstmviz.learn import backward
from tests.support import evaluate_step, normalised_graphs, valid_graphs

RNG = np.random.default_rng(7)


def _problem(graph, T=6, B=3, seed=0):
    """float64 inputs, parameters, initial states and the weights of a linear loss on the outputs
    and final states: L = Σ y·R + Σ final·S."""
    rng = np.random.default_rng(seed)
    dims = dict(graph.default_dims)
    sizes = node_sizes(graph, dims)
    params = lstmviz.init_params(graph, dims, seed=seed, dtype=np.float64)
    for n in graph.nodes:  # a normalisation's gain and bias start at ones and zeros: draw them, to test them
        if n.op == "layernorm":
            params[n.id] = LayerParams(rng.uniform(0.5, 1.5, sizes[n.id]), rng.standard_normal(sizes[n.id]))
    xs = {n.id: rng.standard_normal((T, B, sizes[n.id])) for n in graph.of_kind("input")}
    state = {name: rng.standard_normal((B, sizes[pair[0].id])) * 0.5 for name, pair in graph.states.items()}
    out = sum(sizes[o.id] for o in graph.of_kind("output"))
    R = rng.standard_normal((T, B, out))
    S = {name: rng.standard_normal(v.shape) for name, v in state.items()}
    return xs, params, state, R, S


def _ours(graph, xs, params, state, R, S):
    result = lstmviz.run(graph, xs, params, state=state, trace=True, dtype="float64")
    loss = float((result.outputs * R).sum() + sum((result.state[k] * S[k]).sum() for k in S))
    return loss, backward(graph, result, R, S)


def _torch_run(graph, xs, params, state):
    """The graph evaluated node by node in torch, for its autograd: (outputs (T, B, out), finals)."""
    unary = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "identity": lambda a: a,
        "one-minus": lambda a: 1 - a,
        "exp": torch.exp,
        "log": torch.log,
        "softplus": lambda a: torch.logaddexp(torch.zeros_like(a), a),
        "abs": torch.abs,
        "hardsigmoid": torch.nn.functional.hardsigmoid,
    }
    binary = {
        "mul": torch.mul,
        "add": torch.add,
        "sub": torch.sub,
        "div": torch.div,
        "max": torch.maximum,
        "min": torch.minimum,
    }

    def pre(n, v):
        p = params[n.id]
        out = v[n.inputs[0]] @ p["weight"].T + (p["bias"] if n.bias else 0)
        for d in n.diagonal:
            out = out + p[f"diagonal.{d}"] * v[d]
        return out

    def norm(n, a):
        p = params[n.id]
        return torch.nn.functional.layer_norm(a, (a.shape[-1],), p["weight"], p["bias"], eps=1e-5)

    now = dict(state)
    outs = []
    for t in range(next(iter(xs.values())).shape[0]):
        v = evaluate_step(graph, {k: a[t] for k, a in xs.items()}, now, pre=pre, unary=unary, binary=binary, norm=norm,
                          concat=lambda parts: torch.cat(parts, dim=-1), full_like=torch.full_like)  # fmt: skip
        outs.append(torch.cat([v[o.id] for o in graph.of_kind("output")], dim=-1))
        now = {name: v[pair[1].id] for name, pair in graph.states.items()}
    return torch.stack(outs), now


def _leaf(a):
    return torch.tensor(np.asarray(a, np.float64), requires_grad=True)


def _close(ours, theirs, what):
    theirs = np.asarray(theirs)
    scale = max(1.0, float(np.abs(theirs).max(initial=0)))
    assert np.abs(ours - theirs).max(initial=0) <= 1e-9 * scale, what


#: Ba et al.'s layer-normalised LSTM (each gate's pre-activation and the cell state normalised).
LN_LSTM = """
hx = concat(h_prev, x)
f = sigmoid(layernorm(linear(hx, bias=false)))
i = sigmoid(layernorm(linear(hx, bias=false)))
g = tanh(layernorm(linear(hx, bias=false)))
o = sigmoid(layernorm(linear(hx, bias=false)))
c = f * c_prev + i * g
h = o * tanh(layernorm(c))
"""


@pytest.mark.parametrize("name", [*lstmviz.BUILTINS, "layer-normalised lstm"])
def test_every_builtin_matches_torch_autograd_in_float64(name):
    if name in lstmviz.BUILTINS:
        graph = lstmviz.load(name)
    else:
        graph = lstmviz.from_equations(LN_LSTM, states={"h": "hidden", "c": "hidden"}, dims={"input": 3, "hidden": 5})
    xs, params, state, R, S = _problem(graph)
    loss, grads = _ours(graph, xs, params, state, R, S)
    tx = {k: _leaf(v) for k, v in xs.items()}
    ts = {k: _leaf(v) for k, v in state.items()}
    tp = {
        layer: {
            "weight": _leaf(p.weight),
            **({"bias": _leaf(p.bias)} if p.bias is not None else {}),
            **{f"diagonal.{d}": _leaf(w) for d, w in p.diagonal.items()},
        }
        for layer, p in params.items()
    }
    out, final = _torch_run(graph, tx, tp, ts)
    torch_loss = (out * torch.tensor(R)).sum() + sum((final[k] * torch.tensor(S[k])).sum() for k in S)
    torch_loss.backward()
    assert abs(loss - torch_loss.item()) <= 1e-9 * max(1, abs(loss))
    for layer, p in tp.items():
        _close(grads.params[layer].weight, p["weight"].grad, f"{layer}.weight")
        if "bias" in p:
            _close(grads.params[layer].bias, p["bias"].grad, f"{layer}.bias")
        else:
            assert grads.params[layer].bias is None
        for d, w in grads.params[layer].diagonal.items():
            _close(w, p[f"diagonal.{d}"].grad, f"{layer}.diagonal.{d}")
    for k, v in tx.items():
        _close(grads.inputs[k], v.grad, f"input {k}")
    for k, v in ts.items():
        _close(grads.initial[k], v.grad, f"initial {k}")


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_torch_modules_agree_in_every_direction(kind):
    """nn.LSTM/GRU/RNN through from_torch: the gradients with respect to the inputs and initial
    states agree, and so does every directional derivative of the weights (from_torch is linear,
    so ⟨∇_torch, V⟩ = ⟨∇_ours, from_torch(V)⟩ for any direction V in torch's weights)."""
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(3, 5).double()
    graph, params = lstmviz.from_torch(module)
    T, B = 7, 2
    x = RNG.standard_normal((T, B, 3))
    h0 = RNG.standard_normal((1, B, 5))
    R = RNG.standard_normal((T, B, 5))
    tx, th = _leaf(x), _leaf(h0)
    if kind == "LSTM":
        c0 = RNG.standard_normal((1, B, 5))
        tc = _leaf(c0)
        out, _ = module(tx, (th, tc))
        state = {"h": h0[0], "c": c0[0]}
    else:
        out, _ = module(tx, th)
        state = {"h": h0[0]}
    (out * torch.tensor(R)).sum().backward()
    result = lstmviz.run(graph, x, params, state=state, trace=True, dtype="float64")
    grads = backward(graph, result, R)
    _close(grads.inputs["x"], tx.grad, "x")
    _close(grads.initial["h"], th.grad[0], "h0")
    if kind == "LSTM":
        _close(grads.initial["c"], tc.grad[0], "c0")
    for seed in range(3):
        rng = np.random.default_rng(seed)
        direction = {k: rng.standard_normal(tuple(v.shape)) for k, v in module.state_dict().items()}
        theirs = sum(float((p.grad.numpy() * direction[k]).sum()) for k, p in module.named_parameters())
        _, mapped = lstmviz.from_torch({k: torch.tensor(v) for k, v in direction.items()})
        ours = sum(_dot(grads.params[layer], p) for layer, p in mapped.items())
        assert abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))


def _dot(a, b) -> float:
    total = float((a.weight * b.weight).sum())
    if a.bias is not None:
        total += float((a.bias * b.bias).sum())
    return total + sum(float((a.diagonal[d] * b.diagonal[d]).sum()) for d in a.diagonal)


#: Every op, in a cell where its gradient flows through time: a is signed, c in (-1, 1), b in (0.5, 1.5).
OP_FORMULAS = {
    "sigmoid": "sigmoid(a)",
    "tanh": "tanh(a)",
    "relu": "relu(a)",
    "identity": "identity(a)",
    "one-minus": "1 - c",
    "exp": "exp(c)",
    "log": "log(b)",
    "softplus": "softplus(a)",
    "abs": "abs(a)",
    "hardsigmoid": "hardsigmoid(a)",
    "mul": "a * c",
    "add": "a + c",
    "sub": "a - c",
    "div": "a / b",
    "max": "max(a, c)",
    "min": "min(a, c)",
    "layernorm": "layernorm(a)",
    "constant-mul": "0.5 * a",
    "constant-sub": "2 - a",
    "constant-div": "2 / b",
    "constant-max": "max(a, 0)",
    "constant-min": "min(0.3, a)",
}


def _fd_check(graph, T=4, B=2, seed=0, probes=6):
    """Central differences at a few random coordinates of every parameter, input and initial state."""
    xs, params, state, R, S = _problem(graph, T=T, B=B, seed=seed)

    def loss() -> float:
        return _ours_loss(graph, xs, params, state, R, S)

    _, grads = _ours(graph, xs, params, state, R, S)
    arrays = [(f"{k}.weight", p.weight, grads.params[k].weight) for k, p in params.items()]
    arrays += [(f"{k}.bias", p.bias, grads.params[k].bias) for k, p in params.items() if p.bias is not None]
    arrays += [(f"{k}.{d}", w, grads.params[k].diagonal[d]) for k, p in params.items() for d, w in p.diagonal.items()]
    arrays += [(f"input {k}", v, grads.inputs[k]) for k, v in xs.items()]
    arrays += [(f"initial {k}", v, grads.initial[k]) for k, v in state.items()]
    rng = np.random.default_rng(seed)
    for what, value, grad in arrays:
        for _ in range(probes):
            at = tuple(int(rng.integers(n)) for n in value.shape)
            keep, eps = value[at], 1e-6
            value[at] = keep + eps
            up = loss()
            value[at] = keep - eps
            down = loss()
            value[at] = keep
            numeric = (up - down) / (2 * eps)
            assert abs(grad[at] - numeric) <= 1e-5 * max(1.0, abs(numeric)), (what, at, grad[at], numeric)


def _ours_loss(graph, xs, params, state, R, S) -> float:
    result = lstmviz.run(graph, xs, params, state=state, dtype="float64")
    return float((result.outputs * R).sum() + sum((result.state[k] * S[k]).sum() for k in S))


@pytest.mark.parametrize("op", OP_FORMULAS)
def test_every_op_matches_finite_differences(op):
    helpers = {"a": "linear(h_prev, x)", "c": "tanh(linear(h_prev, x))", "b": "sigmoid(linear(h_prev, x)) + 0.5"}
    used = [f"{k} = {v}\n" for k, v in helpers.items() if re.search(rf"\b{k}\b", OP_FORMULAS[op])]
    graph = lstmviz.from_equations(
        "".join(used) + f"u = {OP_FORMULAS[op]}\nh = tanh(linear(u, x))\n", states={"h": "hidden"}
    )
    assert any(n.kind == "op" for n in graph.nodes) or op == "identity"
    _fd_check(graph)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(valid_graphs(), st.integers(0, 2**16))
def test_random_graphs_match_finite_differences(graph, seed):
    _random_fd_check(graph, seed)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(normalised_graphs(), st.integers(0, 2**16))
def test_random_graphs_with_a_layer_normalisation_match_finite_differences(graph, seed):
    _random_fd_check(graph, seed)


def _random_fd_check(graph, seed) -> None:
    """:func:`_fd_check` of a random cell, where its values stay finite and moderate and away from a kink."""
    xs, params, state, R, S = _problem(graph, T=3, B=2, seed=seed)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", lstmviz.NonFiniteWarning)
        result = lstmviz.run(graph, xs, params, state=state, trace=True, dtype="float64")
    assume(all(np.isfinite(v).all() and np.abs(v).max(initial=0) < 1e3 for v in result.trace.values.values()))
    assume(not _near_a_kink(graph, result))
    _fd_check(graph, T=3, B=2, seed=seed, probes=2)


def _near_a_kink(graph, result) -> bool:
    """Whether a relu, abs, max or min sits within reach of a finite difference of its kink, where
    the two sides' slopes differ and no difference quotient is the derivative."""
    v, params = result.trace.values, result.params

    def near(gap) -> bool:
        gap = np.abs(gap)
        return bool(((gap < 1e-4) & (gap > 0)).any())

    for n in graph.nodes:
        if n.kind == "op" and n.op in ("relu", "abs") and near(v[n.inputs[0]]):
            return True
        if n.kind == "op" and n.op in ("max", "min"):
            b = v[n.inputs[-1]] if n.constant is None else n.constant
            if near(v[n.inputs[0]] - b):
                return True
        if n.kind == "layer" and n.activation == "relu":
            p = params[n.id]
            pre = v[n.inputs[0]] @ p.weight.T + (p.bias if p.bias is not None else 0)
            if near(pre + sum(p.diagonal[d] * v[d] for d in n.diagonal)):
                return True
    return False


def test_a_run_without_a_trace_is_refused():
    graph = lstmviz.load("rnn")
    result = lstmviz.run(graph, np.zeros((2, 1, graph.default_dims["input"])))
    with pytest.raises(lstmviz.DataError, match="trace=True"):
        backward(graph, result, np.zeros_like(result.outputs))
