"""Gradient flow through time: the numbers are the backward pass's, the picture shows the
vanishing gradient, and the command writes each format."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image

import lstmviz
from lstmviz.learn.flow import gradient_flow
from lstmviz.learn.train import backprop, init_model, train
from tests.support import run_cli


def test_the_flow_is_the_norm_of_each_states_gradient():
    model = init_model(lstmviz.load("lstm"), "copy", hidden=6)
    flow = gradient_flow(model, 9, batch=4, seed=3)
    _, grads, _ = backprop(model, model.task.batch(4, 9, seed=3))
    want = np.linalg.norm(grads.nodes["c"], axis=-1).mean(-1)
    np.testing.assert_allclose(flow.states["C_t"], want)
    assert set(flow.states) == {"h_t", "C_t"} and set(flow.gates) == {"f_t", "i_t", r"\tilde{C}_t", "o_t"}
    # the loss is at the last step only: every earlier step's gradient comes through the states
    assert flow.states["h_t"][-1] > flow.states["h_t"][0] > 0


@pytest.mark.slow
def test_trained_gated_cells_carry_the_gradient_back_a_plain_rnn_loses_it():
    """The seeds' point, measured: after learning the copy task, the loss at step 60 still reaches
    step 0 in an LSTM and a GRU, while in a plain RNN it has vanished by many orders of magnitude."""
    reach = {}
    for name in ("rnn", "lstm", "gru"):
        model, _ = train(lstmviz.load(name), "copy")
        flow = gradient_flow(model, 60)
        h = flow.states["h_t"]
        reach[name] = h[0] / h[-1]
    assert reach["rnn"] < 1e-20
    assert reach["lstm"] > 1e6 * reach["rnn"] and reach["gru"] > 1e6 * reach["rnn"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_the_command_draws_the_chart(tmp_path, fmt):
    out = tmp_path / f"flow.{fmt}"
    run = run_cli("gradients", "rnn", "lstm", "--untrained", "--steps", "30", "-o", out)
    assert run.returncode == 0, run.stderr
    if fmt == "svg":
        text = out.read_text()
        assert "rnn" in text and "lstm" in text and "as initialised" in text
        png = tmp_path / "flow.png"
        subprocess.run(["rsvg-convert", out, "-o", png], check=True)
        out = png
    if fmt in ("svg", "png"):
        picture = np.asarray(Image.open(out).convert("L"))
        assert picture.shape[1] > 600 and (picture < 128).mean() > 0.01  # lines and text were drawn
    else:
        assert out.read_bytes().startswith(b"%PDF")


def test_each_cell_says_how_its_training_went_off_a_terminal_and_on_the_chart(tmp_path):
    """One line a cell as it is trained (run_cli's stderr is no terminal: no progress bar), and
    the chart says the same under each cell's layers."""
    run = run_cli("gradients", "rnn", "lstm", "--task", "count", "--steps", "20", "-o", tmp_path / "flow.svg")
    assert run.returncode == 0, run.stderr
    said = run.stdout.splitlines()
    assert [line.split(":")[0] for line in said] == ["rnn", "lstm", f"wrote {tmp_path}/flow.svg"]
    assert all("accuracy" in line and "learnt" in line for line in said[:2]), said
    assert run.stderr == ""  # no bar off a terminal
    chart = (tmp_path / "flow.svg").read_text()
    assert chart.count("accuracy") >= 2


def test_a_chart_in_an_unknown_format_is_one_clear_line(tmp_path):
    run = run_cli("gradients", "rnn", "-o", tmp_path / "flow.gif")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1 and "svg" in run.stderr
    assert not (tmp_path / "flow.gif").exists() and run.stdout == ""  # refused before training
