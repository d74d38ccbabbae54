"""lstmviz against PyTorch: the same numbers from the same weights."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmviz
from lstmviz import DataError

torch = pytest.importorskip("torch")

TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}
MODULES = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}


def compare(kind, input_size, hidden, T, B, dtype, batch_first, bias, seed, with_state):
    torch.manual_seed(seed)
    module = MODULES[kind](input_size, hidden, batch_first=batch_first, bias=bias).to(dtype)
    x = torch.randn(T, B, input_size, dtype=dtype) * 2
    h0 = torch.randn(1, B, hidden, dtype=dtype)
    c0 = torch.randn(1, B, hidden, dtype=dtype)
    initial = (h0, c0) if kind == "LSTM" else h0
    with torch.no_grad():
        given = x.transpose(0, 1) if batch_first else x
        out, final = module(given, initial) if with_state else module(given)
        if batch_first:
            out = out.transpose(0, 1)
    cell, params = lstmviz.from_torch(module)
    state = None
    if with_state:
        state = {"h": h0[0].numpy(), **({"c": c0[0].numpy()} if kind == "LSTM" else {})}
    result = lstmviz.run(cell, x.numpy(), params, state=state)
    tol = TOLERANCE[dtype]
    assert result.outputs.dtype == x.numpy().dtype
    assert np.abs(result.outputs - out.numpy()).max() <= tol
    h_final = final[0] if kind == "LSTM" else final
    assert np.abs(result.state["h"] - h_final[0].numpy()).max() <= tol
    if kind == "LSTM":
        assert np.abs(result.state["c"] - final[1][0].numpy()).max() <= tol


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("kind", MODULES)
def test_matches_pytorch(kind, dtype, batch_first):
    compare(kind, 5, 7, T=12, B=3, dtype=dtype, batch_first=batch_first, bias=True, seed=0, with_state=True)


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(list(MODULES)),
    input_size=st.integers(1, 9),
    hidden=st.integers(1, 12),
    T=st.integers(1, 20),
    B=st.integers(1, 4),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    batch_first=st.booleans(),
    bias=st.booleans(),
    seed=st.integers(0, 2**16),
    with_state=st.booleans(),
)
def test_random_modules_match_pytorch(kind, input_size, hidden, T, B, dtype, batch_first, bias, seed, with_state):
    compare(kind, input_size, hidden, T, B, dtype, batch_first, bias, seed, with_state)


def test_from_torch_returns_the_built_in_cell_with_the_module_dims():
    cell, params = lstmviz.from_torch(torch.nn.GRU(6, 10))
    assert cell.name == "gru-pytorch"
    assert cell.default_dims == {"input": 6, "hidden": 10}
    assert set(params) == {"r", "z", "xn", "hn"}
    assert params["r"].weight.shape == (10, 16)


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (torch.nn.LSTM(3, 4, num_layers=2), "single-layer"),
        (torch.nn.GRU(3, 4, bidirectional=True), "unidirectional"),
        (torch.nn.LSTM(3, 4, proj_size=2), "projections"),
        (torch.nn.RNN(3, 4, nonlinearity="relu"), "nonlinearity 'relu'"),
        (torch.nn.Linear(3, 4), "Linear is not supported"),
    ],
)
def test_unsupported_modules_are_refused_clearly(module, message):
    with pytest.raises(DataError, match=message):
        lstmviz.from_torch(module)
