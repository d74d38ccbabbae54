"""The command line with PyTorch models: from-torch, and run on a saved model, as PyTorch runs it."""

import numpy as np
import pytest

from tests.support import run_cli

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A bidirectional two-layer LSTM (batch_first), as a state_dict file, with an input and its outputs."""
    folder = tmp_path_factory.mktemp("torch")
    torch.manual_seed(0)
    module = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    torch.save(module.state_dict(), folder / "model.pt")
    x = torch.randn(2, 6, 3)  # (B, T, features)
    np.save(folder / "x.npy", x.numpy())
    with torch.no_grad():
        out, (h, c) = module(x)
    return folder, module, out.numpy(), h.numpy()


@pytest.mark.slow
def test_from_torch_writes_one_layer_s_cell_and_weights_that_run_as_pytorch(saved):
    folder, module, _, _ = saved
    out = run_cli(
        "from-torch", folder / "model.pt", "-o", folder / "l1r.toml", "--params", folder / "l1r.npz",
        "--layer", "1", "--direction", "reverse",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "wrote" in out.stdout and (folder / "l1r.toml").exists() and (folder / "l1r.npz").exists()
    x = np.random.default_rng(0).standard_normal((5, 1, 8)).astype("float32")
    np.save(folder / "x8.npy", x)
    ran = run_cli(
        "run", folder / "l1r.toml", "--params", folder / "l1r.npz", "--input", folder / "x8.npy", "-o", folder / "r.npz"
    )
    assert ran.returncode == 0, ran.stderr
    # PyTorch's layer 1, reverse direction, run alone on the same input (forward in its own time)
    w = {k: v for k, v in module.state_dict().items() if k.endswith("_l1_reverse")}
    cell = torch.nn.LSTM(8, 4)
    cell.load_state_dict({k.replace("_l1_reverse", "_l0"): v for k, v in w.items()})
    with torch.no_grad():
        want, _ = cell(torch.from_numpy(x))
    assert np.abs(np.load(folder / "r.npz")["outputs"] - want.numpy()).max() <= 1e-5


@pytest.mark.slow
def test_run_takes_a_saved_model_and_batch_first_input(saved):
    folder, _, want, h = saved
    out = run_cli("run", folder / "model.pt", "--input", folder / "x.npy", "--batch-first", "-o", folder / "o.npz")
    assert out.returncode == 0, out.stderr
    assert "2 layer(s) of LSTM, 2 direction(s); 6 steps, batch 2, outputs (6, 2, 8)" in out.stdout
    got = np.load(folder / "o.npz")
    assert got["outputs"].shape == want.shape == (2, 6, 8)  # written back batch first, as given
    assert np.abs(got["outputs"] - want).max() <= 1e-5 and np.abs(got["state.h"] - h).max() <= 1e-5


@pytest.mark.slow
def test_a_state_dict_does_not_say_so_a_three_axis_input_is_not_guessed(saved):
    folder, _, want, _ = saved
    out = run_cli("run", folder / "model.pt", "--input", folder / "x.npy", "-o", folder / "t.npz")
    assert out.returncode == 2 and out.stdout == "" and not (folder / "t.npz").exists()
    assert out.stderr.count("\n") == 1 and "give --batch-first or --time-major" in out.stderr, out.stderr
    out = run_cli("run", folder / "model.pt", "--input", folder / "x.npy", "--time-major", "-o", folder / "t.npz")
    assert out.returncode == 0 and "2 steps, batch 6" in out.stdout  # (T, B, features), as asked
    assert np.load(folder / "t.npz")["outputs"].shape == (2, 6, 8)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_a_batch_first_module_saved_whole_runs_to_pytorch_s_numbers(tmp_path, kind):
    """torch.save(model) of a batch_first module, and x shaped as the module takes it (B, T, F):
    no flag is needed, the outputs and the final states of the whole batch are PyTorch's."""
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(3, 4, num_layers=2, batch_first=True).double()
    torch.save(module, tmp_path / "whole.pt")
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    np.save(tmp_path / "x.npy", x.numpy())
    with torch.no_grad():
        want, final = module(x)
    h = (final[0] if kind == "LSTM" else final).numpy()
    out = run_cli("run", tmp_path / "whole.pt", "--input", tmp_path / "x.npy", "-o", tmp_path / "o.npz")
    assert out.returncode == 0, out.stderr
    assert "5 steps, batch 2, outputs (5, 2, 4)" in out.stdout
    got = np.load(tmp_path / "o.npz")
    assert got["outputs"].shape == (2, 5, 4) and np.abs(got["outputs"] - want.numpy()).max() <= 1e-12
    assert np.abs(got["state.h"] - h).max() <= 1e-12
    printed = out.stdout.split("final h (layers x directions, batch, hidden) = ")[1].split("final")[0].split("wrote")[0]
    shown = np.array([float(v) for v in printed.replace("[", " ").replace("]", " ").split()])
    assert shown.size == h.size and np.abs(shown - h.ravel()).max() <= 1e-4  # every sequence of the batch


@pytest.mark.slow
def test_a_stack_is_drawn_whole(saved):
    folder, *_ = saved
    out = run_cli("from-torch", folder / "model.pt", "-o", folder / "stack.svg")
    assert out.returncode == 0, out.stderr
    assert "2 layer(s) of LSTM in 2 direction(s)" in out.stdout
    svg = (folder / "stack.svg").read_text()
    assert svg.count('class="module-name"') == 2 * 2 * 3  # layers x directions x steps
    assert "layer 1, reverse" in svg


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["from-torch", "{d}/model.pt", "-o", "{d}/c.toml"], "holds 2 layers, in both directions, one cell each"),
        (["from-torch", "{d}/model.pt", "-o", "{d}/c.toml", "--layer", "5"], "has no layer 5; pick a layer"),
        (["from-torch", "{d}/x.npy", "-o", "{d}/c.toml"], "x.npy': is not a file saved with torch.save"),
        (["from-torch", "{d}/model.pt", "-o", "{d}/c.txt"], "is neither a .toml nor a figure"),
        (["run", "lstm", "--params", "{d}/model.pt"], "is a PyTorch file, not an .npz of parameters; convert it first: "
         "lstmviz from-torch"),
        (["run", "{d}/model.pt", "--dim", "hidden=3"], "'--dim': does not go with a PyTorch model"),
        (["run", "{d}/model.pt", "--input", "{d}/x8.npy", "--batch-first"], "not (B, T, features)"),
    ],
)  # fmt: skip
def test_refusals_name_the_file_and_the_fix(saved, args, expected):
    folder, *_ = saved
    np.save(folder / "x8.npy", np.zeros((5, 8), dtype="float32"))
    out = run_cli(*[a.format(d=folder) for a in args])
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and expected in out.stderr, out.stderr
    assert not (folder / "c.toml").exists()


def test_run_saved_is_the_command_s_run_from_python(saved):
    """What `lstmviz run model.pt --input x.npy` does, from Python: the state_dict does not say how
    its input is laid out, so the caller does; outputs and final states are PyTorch's."""
    import lstmviz.api as api
    from lstmviz.errors import DataError

    folder, _, want, h = saved
    with pytest.raises(DataError, match="does not say whether"):
        api.run_saved(folder / "model.pt", folder / "x.npy")
    ran = api.run_saved(folder / "model.pt", folder / "x.npy", batch_first=True)
    assert ran.batch_first and ran.x.shape == (6, 2, 3)  # turned to (T, B, features)
    np.testing.assert_allclose(ran.result.outputs.transpose(1, 0, 2), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ran.result.state["h"], h, rtol=1e-5, atol=1e-6)
