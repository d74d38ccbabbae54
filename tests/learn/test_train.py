"""Training in NumPy: each task learnt within its stated budget, Adam and the loss as PyTorch has
them, seeded runs repeat, models round-trip through their file."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from click.testing import CliRunner

import lstmviz
from lstmviz.cli import main
from lstmviz.learn.tasks import TASKS, task
from lstmviz.learn.train import (
    Adam,
    backprop,
    clip,
    init_model,
    load_model,
    loss_and_gradient,
    save_model,
    train,
)


@pytest.mark.slow
@pytest.mark.parametrize("name", TASKS)
def test_an_lstm_learns_every_task_within_its_budget(name):
    """The score each task needs (accuracy on the steps whose answer is certain, or for the adding
    problem the share of sums within 0.1), on 256 held-out sequences, within the task's budget."""
    the_task = task(name)
    model, history = train(lstmviz.load("lstm"), name)
    done, score = history.scores[-1]
    assert score >= the_task.needs and done <= the_task.budget, (score, done)
    fresh = the_task.batch(512, seed=123)  # sequences training never saw
    assert model.score(fresh) >= the_task.needs - 0.03


@pytest.mark.slow
@pytest.mark.parametrize("cell", ["gru", "mgu", "lstm-peephole", "lstm-coupled", "gru-pytorch"])
def test_other_built_ins_learn_the_memoriser(cell):
    model, history = train(lstmviz.load(cell), "memorise")
    assert history.scores[-1][1] >= task("memorise").needs


@pytest.mark.slow
def test_a_cell_of_ones_own_learns_too():
    """Any spec trains: here a minimal gated cell written as equations, with a one-minus and a max."""
    cell = lstmviz.from_equations(
        "z = sigmoid(linear(h_prev, x))\nn = max(linear(h_prev, x), -1)\nh = z * h_prev + (1 - z) * tanh(n)\n",
        states={"h": "hidden"},
    )
    _, history = train(cell, "parity")
    assert history.scores[-1][1] >= task("parity").needs


RESIDUAL = "h = tanh(linear(h_prev, x)) + x\n"  # its input is added to the state: sized by hidden
TWO = "h = tanh(linear(h_prev, x, u))\n"  # two inputs


def cells_that_read_through_an_embedding():
    return {
        "residual": lstmviz.from_equations(RESIDUAL, states={"h": "hidden"}, inputs={"x": "hidden"}),
        "two inputs": lstmviz.from_equations(TWO, states={"h": "hidden"}, inputs={"x": "input", "u": "input"}),
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["residual", "two inputs"])
def test_a_cell_that_cannot_read_the_symbols_as_they_are_learns_through_an_embedding(name, tmp_path):
    """Any spec trains: an input sized by another dim, or several inputs, each read the task's
    symbols through a learned linear layer of its own."""
    cell = cells_that_read_through_an_embedding()[name]
    model, history = train(cell, "parity", hidden=8)
    assert history.scores[-1][1] >= task("parity").needs
    assert set(model.embed) == {n.id for n in cell.of_kind("input")}
    assert all(e.weight.shape == (8 if name == "residual" else 2, 2) for e in model.embed.values())
    save_model(model, tmp_path / "m.npz")
    back, batch = load_model(tmp_path / "m.npz"), model.task.batch(3, seed=1)
    assert np.array_equal(model.run(batch.x)[1], back.run(batch.x)[1])
    assert init_model(lstmviz.load("lstm"), "parity").embed == {}  # a cell that reads them as they are


@pytest.mark.parametrize("name", ["residual", "two inputs"])
def test_the_embeddings_gradients_are_the_losss_slopes(name):
    """Central differences of the loss in every embedding weight and bias (float64)."""
    model = init_model(cells_that_read_through_an_embedding()[name], "parity", hidden=3, seed=2)
    batch = model.task.batch(4, 6, seed=5)

    def loss() -> float:
        return loss_and_gradient(model.task, model.run(batch.x, trace=False)[1], batch)[0]

    _, _, grads = backprop(model, batch)
    for i, e in model.embed.items():
        for array, slope in ((e.weight, grads.embed[i].weight), (e.bias, grads.embed[i].bias)):
            numeric = np.zeros_like(array)
            for k in np.ndindex(array.shape):
                keep = array[k]
                array[k] = keep + 1e-6
                up = loss()
                array[k] = keep - 1e-6
                numeric[k] = (up - loss()) / 2e-6
                array[k] = keep
            np.testing.assert_allclose(slope, numeric, rtol=1e-5, atol=1e-9)


@pytest.mark.slow
def test_a_plain_rnn_does_not_remember_the_first_symbol():
    """The long-term dependency the seeds are about: the copy task over 40 steps, the same budget."""
    _, history = train(lstmviz.load("rnn"), "copy", length=40, updates=600)
    assert max(score for _, score in history.scores) < 0.6  # chance is 0.25; an LSTM gets there


def test_the_same_seed_gives_the_same_model():
    a, _ = train(lstmviz.load("gru"), "parity", updates=60, until=2)
    b, _ = train(lstmviz.load("gru"), "parity", updates=60, until=2)
    c, _ = train(lstmviz.load("gru"), "parity", updates=60, until=2, seed=1)
    assert all(np.array_equal(a.params[k].weight, b.params[k].weight) for k in a.params)
    assert not np.array_equal(a.params["z"].weight, c.params["z"].weight)


def test_adam_takes_the_steps_torch_takes():
    rng = np.random.default_rng(0)
    ours = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in ours]
    adam, reference = Adam(ours, lr=0.01), torch.optim.Adam(theirs, lr=0.01)
    for _ in range(5):
        grads = [rng.standard_normal(a.shape) for a in ours]
        adam.step(grads)
        for t, g in zip(theirs, grads):
            t.grad = torch.tensor(g)
        reference.step()
    for a, t in zip(ours, theirs):
        np.testing.assert_allclose(a, t.detach().numpy(), rtol=1e-7, atol=1e-10)


def test_clipping_scales_to_the_global_norm():
    grads = [np.full(4, 3.0), np.full(9, 4.0 / 3)]  # norm sqrt(36 + 16) = sqrt(52)
    assert clip(grads, 1.0) == pytest.approx(np.sqrt(52))
    assert np.sqrt(sum((g**2).sum() for g in grads)) == pytest.approx(1.0)
    small = [np.full(2, 0.1)]
    clip(small, 1.0)
    assert np.allclose(small[0], 0.1)


def test_the_loss_is_torchs_cross_entropy_on_the_masked_steps():
    the_task = task("count")
    batch = the_task.batch(5)
    answer = np.random.default_rng(0).standard_normal((*batch.y.shape, 3))
    loss, grad = loss_and_gradient(the_task, answer, batch)
    logits = torch.tensor(answer, requires_grad=True)
    picked = torch.tensor(batch.mask)
    reference = torch.nn.functional.cross_entropy(logits[picked], torch.tensor(batch.y)[picked])
    reference.backward()
    assert loss == pytest.approx(reference.item(), rel=1e-12)
    np.testing.assert_allclose(grad, logits.grad.numpy(), atol=1e-12)


def test_the_adding_problem_is_half_the_squared_error():
    the_task = task("adding")
    batch = the_task.batch(4)
    answer = np.zeros(batch.y.shape)
    loss, grad = loss_and_gradient(the_task, answer, batch)
    assert loss == pytest.approx((batch.y[-1] ** 2).sum() / 2 / 4)
    assert np.array_equal(grad[:-1], np.zeros_like(grad[:-1]))


def test_tasks_mean_what_they_say():
    count = task("count").batch(3, 11, seed=4)
    for k, tokens in enumerate(count.tokens):
        text = "".join(tokens)
        n = text.count("a")
        assert text.startswith("a" * n + "b" * n + "$")
        scored = [tokens[t + 1] for t in range(11) if count.scored[t, k]]
        assert scored == ["b"] * (n - 1) + ["$"]  # from the first b on, the rest is certain
    memo = task("memorise").batch(2, 30, seed=1)
    for k, tokens in enumerate(memo.tokens):
        depth = np.cumsum([(t == "[") - (t == "]") for t in tokens])
        assert set(depth) <= {0, 1} and np.array_equal(memo.y[:, k], depth)
    adding = task("adding").batch(3, 9, seed=2)
    assert np.allclose(adding.y[-1], (adding.x[..., 0] * adding.x[..., 1]).sum(0))
    assert (adding.x[..., 1].sum(0) == 2).all()


def test_a_model_round_trips_through_its_file(tmp_path):
    model = init_model(lstmviz.load("lstm-peephole"), "adding", hidden=5)
    save_model(model, tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.graph == model.graph and back.task is model.task and dict(back.dims) == dict(model.dims)
    batch = model.task.batch(3)
    assert np.array_equal(model.run(batch.x)[1], back.run(batch.x)[1])


def test_a_parameter_file_is_not_a_model(tmp_path):
    lstmviz.save_params(lstmviz.init_params(lstmviz.load("rnn")), tmp_path / "p.npz")
    with pytest.raises(lstmviz.DataError, match="no trained model.*lstmviz train"):
        load_model(tmp_path / "p.npz")


def test_text_a_person_types_is_read_or_refused_clearly():
    x, tokens = task("count").encode("aab")
    assert x.shape == (3, 1, 3) and tokens == ("a", "a", "b")
    x, tokens = task("adding").encode("0.5 0.25* 1*")
    assert np.array_equal(x[:, 0], [[0.5, 0], [0.25, 1], [1, 1]])
    with pytest.raises(lstmviz.DataError, match="reads only a b \\$, not 'x'"):
        task("count").encode("axb")
    with pytest.raises(lstmviz.DataError, match="'seven' is not a number"):
        task("adding").encode("0.1 seven")


def test_the_command_line_offers_every_task():
    """The CLI names the tasks itself (its start-up imports no training code): the same list."""
    from lstmviz.cli import TASKS as OFFERED

    assert OFFERED == tuple(TASKS)


def test_training_that_stops_early_ends_its_progress_full():
    """A task learnt before the budget is spent stops there, and the bar ends at the budget (it
    ended at 68% in the CLI), not where the updates stopped."""
    calls = []
    _, history = train(lstmviz.load("gru"), "parity", updates=200, until=0, progress=lambda d, n: calls.append((d, n)))
    assert history.scores[-1][0] == 50  # the first held-out score, at update 50, reaches 0
    assert calls[-2:] == [(50, 200), (200, 200)]


def test_the_cli_says_where_training_stopped(tmp_path):
    out = CliRunner().invoke(
        main, ["train", "gru", "--task", "parity", "--updates", "200", "--until", "0", "-o", str(tmp_path / "m.npz")]
    )
    assert out.exit_code == 0, out.output
    assert "reached --until 0 at update 50 of 200, so training stopped there" in out.output
