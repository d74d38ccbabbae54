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
        (torch.nn.LSTM(3, 4, num_layers=2), "holds 2 layers, one cell each; pick one with --layer"),
        (torch.nn.GRU(3, 4, bidirectional=True), "in both directions"),
        (torch.nn.LSTM(3, 4, proj_size=2), "projections"),
        (torch.nn.RNN(3, 4, nonlinearity="relu"), "nonlinearity 'relu'"),
        (torch.nn.Linear(3, 4), "no recurrent weights"),
    ],
)
def test_unsupported_modules_are_refused_clearly(module, message):
    with pytest.raises(DataError, match=message):
        lstmviz.from_torch(module)


# -- stacks: several layers, two directions ----------------------------------------------------------
def torch_run(module, x, initial, batch_first):
    with torch.no_grad():
        given = x.transpose(0, 1) if batch_first else x
        out, final = module(given, initial) if initial is not None else module(given)
    return (out.transpose(0, 1) if batch_first else out), final


@settings(max_examples=30, deadline=None)
@given(
    kind=st.sampled_from(list(MODULES)),
    layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    hidden=st.integers(1, 6),
    T=st.integers(1, 8),
    B=st.integers(1, 3),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    batch_first=st.booleans(),
    bias=st.booleans(),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_stacks_run_layer_by_layer_as_pytorch_does(
    kind, layers, bidirectional, hidden, T, B, dtype, batch_first, bias, with_state, seed
):
    torch.manual_seed(seed)
    module = MODULES[kind](
        4, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias
    ).to(dtype)
    rows = layers * (2 if bidirectional else 1)
    x = torch.randn(T, B, 4, dtype=dtype)
    h0, c0 = torch.randn(rows, B, hidden, dtype=dtype), torch.randn(rows, B, hidden, dtype=dtype)
    initial = ((h0, c0) if kind == "LSTM" else h0) if with_state else None
    out, final = torch_run(module, x, initial, batch_first)
    state = None
    if with_state:
        state = {"h": h0.numpy(), **({"c": c0.numpy()} if kind == "LSTM" else {})}
    xs = x.transpose(0, 1).numpy() if batch_first else x.numpy()
    result = lstmviz.run_stack(lstmviz.stack_from_torch(module), xs, state, batch_first=batch_first)
    tol = TOLERANCE[dtype]
    expected = out.transpose(0, 1) if batch_first else out
    assert result.outputs.shape == expected.shape and np.abs(result.outputs - expected.numpy()).max() <= tol
    h_final = final[0] if kind == "LSTM" else final
    assert np.abs(result.state["h"] - h_final.numpy()).max() <= tol
    if kind == "LSTM":
        assert np.abs(result.state["c"] - final[1].numpy()).max() <= tol


@pytest.mark.parametrize("kind", list(MODULES))
@pytest.mark.parametrize("how", ["module", "whole file"])
def test_a_batch_first_module_is_read_batch_first_without_being_told(tmp_path, kind, how):
    """The module says how it takes its input: the stack listens (no batch_first= given), and the
    outputs come back (B, T, features), equal to PyTorch's; final states for the whole batch."""
    torch.manual_seed(3)
    module = MODULES[kind](3, 4, num_layers=2, bidirectional=True, batch_first=True).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)  # (B, T, features), as the module takes it
    with torch.no_grad():
        out, final = module(x)
    given = module
    if how == "whole file":
        torch.save(module, tmp_path / "whole.pt")
        given = tmp_path / "whole.pt"
    stack = lstmviz.stack_from_torch(given)
    assert stack.batch_first is True
    result = lstmviz.run_stack(stack, x.numpy())
    assert result.outputs.shape == (2, 5, 8) and all(layer.shape == (2, 5, 8) for layer in result.by_layer)
    assert np.abs(result.outputs - out.numpy()).max() <= 1e-12
    h_final = final[0] if kind == "LSTM" else final
    assert result.state["h"].shape == (4, 2, 4) and np.abs(result.state["h"] - h_final.numpy()).max() <= 1e-12
    # told otherwise, it reads time first, as asked
    assert lstmviz.run_stack(stack, x.numpy(), batch_first=False).outputs.shape == (2, 5, 8)
    assert np.abs(lstmviz.run_stack(stack, x.numpy(), batch_first=False).outputs - out.numpy()).max() > 1e-3


def test_a_state_dict_cannot_say_and_runs_time_first_as_pytorch_s_default():
    module = torch.nn.GRU(3, 4, batch_first=True)
    assert lstmviz.stack_from_torch(module.state_dict()).batch_first is None
    assert lstmviz.stack_from_torch(torch.nn.GRU(3, 4)).batch_first is False
    assert lstmviz.run_stack(lstmviz.stack_from_torch(module.state_dict()), np.zeros((5, 2, 3))).outputs.shape == (
        5, 2, 4,
    )  # fmt: skip


def test_one_layer_and_direction_is_the_cell_the_stack_runs():
    torch.manual_seed(1)
    module = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True).double()
    cell, params = lstmviz.from_torch(module, layer=1, direction="reverse")
    assert cell.default_dims == {"input": 10, "hidden": 5}  # layer 1 reads both directions of layer 0
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    stack = lstmviz.run_stack(lstmviz.stack_from_torch(module), x.numpy())
    below = stack.by_layer[0]
    alone = lstmviz.run(cell, below[::-1], params)
    assert np.abs(alone.outputs[::-1] - stack.outputs[:, :, 5:]).max() <= 1e-12
    with pytest.raises(DataError, match="has no layer 2; pick a layer from 0 to 1"):
        lstmviz.from_torch(module, layer=2)
    with pytest.raises(DataError, match="has no direction 'reverse'"):
        lstmviz.from_torch(torch.nn.GRU(3, 4, num_layers=2), layer=0, direction="reverse")


@pytest.mark.parametrize("kind", MODULES)
def test_cells_match_their_module_cells(kind):
    torch.manual_seed(2)
    module = getattr(torch.nn, f"{kind}Cell")(3, 4).double()
    cell, params = lstmviz.from_torch(module)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    h = torch.zeros(2, 4, dtype=torch.float64)
    c = torch.zeros(2, 4, dtype=torch.float64)
    outs = []
    with torch.no_grad():
        for t in range(5):
            if kind == "LSTM":
                h, c = module(x[t], (h, c))
            else:
                h = module(x[t], h)
            outs.append(h)
    result = lstmviz.run(cell, x.numpy(), params)
    assert np.abs(result.outputs - torch.stack(outs).numpy()).max() <= 1e-12


# -- files saved with torch.save ------------------------------------------------------------------
class Model(torch.nn.Module):
    """A user's model with a recurrent part and more."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = torch.nn.GRU(3, 4, num_layers=2)
        self.head = torch.nn.Linear(4, 2)


def test_state_dicts_and_files_give_the_module_weights(tmp_path):
    torch.manual_seed(3)
    module = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    torch.save(module.state_dict(), tmp_path / "sd.pt")
    torch.save(module, tmp_path / "whole.pt")
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype("float32")
    want = lstmviz.run_stack(lstmviz.stack_from_torch(module), x).outputs
    for source in (module.state_dict(), tmp_path / "sd.pt", str(tmp_path / "whole.pt")):
        assert np.array_equal(lstmviz.run_stack(lstmviz.stack_from_torch(source), x).outputs, want)
    model = Model()
    torch.save(model.state_dict(), tmp_path / "model.pt")
    stack = lstmviz.stack_from_torch(tmp_path / "model.pt")  # the one recurrent part, found by its names
    assert (stack.kind, stack.layers, stack.directions) == ("GRU", 2, 1)
    assert lstmviz.stack_from_torch(model, prefix="encoder").layers == 2
    with pytest.raises(DataError, match="has no recurrent module 'decoder'; pick one with --prefix .*'encoder'"):
        lstmviz.stack_from_torch(model, prefix="decoder")
    both = {
        **{f"a.{k}": v for k, v in module.state_dict().items()},
        **{f"b.{k}": v for k, v in model.state_dict().items()},
    }
    with pytest.raises(DataError, match="several recurrent modules; pick one with --prefix .*'a', 'b.encoder'"):
        lstmviz.stack_from_torch(both)


class Payload:
    """An object whose unpickling would run code: what a malicious .pt holds."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        import pathlib

        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def test_nothing_in_a_file_runs_as_code(tmp_path):
    marker = tmp_path / "ran"
    torch.save({"weight_ih_l0": Payload(str(marker))}, tmp_path / "evil.pt")
    with pytest.raises(DataError, match="is not read \\(loading it would run code\\); save the model's state_dict"):
        lstmviz.from_torch(tmp_path / "evil.pt")
    assert not marker.exists()
    torch.save(Model(), tmp_path / "model.pt")  # a whole module of the user's own class: code, too
    with pytest.raises(DataError, match="holds a .*Model, which is not read"):
        lstmviz.from_torch(tmp_path / "model.pt")


def test_run_takes_batch_first_input_as_pytorch_does():
    torch.manual_seed(4)
    module = torch.nn.LSTM(3, 5, batch_first=True).double()
    x = torch.randn(2, 7, 3, dtype=torch.float64)  # (B, T, features)
    with torch.no_grad():
        out, _ = module(x)
    cell, params = lstmviz.from_torch(module)
    result = lstmviz.run(cell, x.numpy(), params, batch_first=True, trace=True)
    assert result.outputs.shape == (2, 7, 5) and np.abs(result.outputs - out.numpy()).max() <= 1e-12
    assert result.trace["f"].shape == (2, 7, 5)  # the trace comes back batch first too
    with pytest.raises(DataError, match=r"not \(B, T, features\)"):
        lstmviz.run(cell, x.numpy()[0], params, batch_first=True)
