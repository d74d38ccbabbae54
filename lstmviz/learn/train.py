"""Training a cell on a task in NumPy: a readout on the cell's outputs, a loss, Adam, clipping.

A :class:`Model` is a cell with its parameters and a readout layer (logits for a task with
classes, one number for a regression); a cell that cannot read the task's symbols as they are (an
input sized by another dim, as a residual cell's, or several inputs) reads them through a learned
linear embedding per input. Training draws seeded batches, runs the cell with a trace,
backpropagates through time (:mod:`.backward`), clips the gradient's global norm and takes an Adam
step; the same seed gives the same model.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..execute.params import LayerParams, flat_params, init_params, learned, nest_params, node_sizes
from ..execute.run import Result, run
from ..spec.graph import CellGraph
from ..spec.tomlfile import dump_spec, parse_spec
from .backward import Gradients, backward
from .tasks import ADDING_TOLERANCE, Batch, Task, task

Progress = Callable[[int, int], None]


@dataclasses.dataclass(frozen=True, eq=False)
class Model:
    """A trained cell: its graph and dims, its parameters, the readout on its outputs, its task and,
    by input id, the embeddings the task's symbols reach the cell's inputs through (none when the
    cell's one input reads them as they are)."""

    graph: CellGraph
    dims: Mapping[str, int]
    params: Mapping[str, LayerParams]
    readout: LayerParams
    task: Task
    embed: Mapping[str, LayerParams] = dataclasses.field(default_factory=dict)

    def run(self, x: np.ndarray, *, trace: bool = True) -> tuple[Result, np.ndarray]:
        """The cell's run on ``x`` (T, B, inputs) and the readout's answers: logits (T, B, classes)
        or numbers (T, B)."""
        result = run(self.graph, self.inputs(x), self.params, trace=trace, dtype="float64", dims=self.dims)
        return result, _read(self.readout, result.outputs, self.task)

    def inputs(self, x: np.ndarray) -> np.ndarray | dict[str, np.ndarray]:
        """What the cell reads for the task's ``x``: ``x`` itself, or by input id its embedding."""
        return {i: x @ e.weight.T + e.bias for i, e in self.embed.items()} if self.embed else x

    def score(self, batch: Batch) -> float:
        """The task's score on ``batch``: accuracy, or the share of sums close enough."""
        _, answer = self.run(batch.x, trace=False)
        return score(self.task, answer, batch)


def _read(readout: LayerParams, outputs: np.ndarray, task: Task) -> np.ndarray:
    answer = outputs @ readout.weight.T + readout.bias
    return answer if task.classes else answer[..., 0]


def score(task: Task, answer: np.ndarray, batch: Batch) -> float:
    """Accuracy on the scored steps, or for a regression the share of answers within tolerance."""
    right = answer.argmax(-1) == batch.y if task.classes else np.abs(answer - batch.y) < ADDING_TOLERANCE
    return float(right[batch.scored].mean())


def loss_and_gradient(task: Task, answer: np.ndarray, batch: Batch) -> tuple[float, np.ndarray]:
    """Mean loss over the masked steps (cross-entropy, or half the squared error) and its gradient
    with respect to the readout's answers."""
    n = max(int(batch.mask.sum()), 1)
    if not task.classes:
        error = (answer - batch.y) * batch.mask
        return float((error**2).sum() / (2 * n)), error / n
    shifted = answer - answer.max(-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    picked = np.take_along_axis(log_p, batch.y[..., None], -1)[..., 0]
    grad = np.exp(log_p)
    np.put_along_axis(grad, batch.y[..., None], np.take_along_axis(grad, batch.y[..., None], -1) - 1, -1)
    return float(-(picked * batch.mask).sum() / n), grad * batch.mask[..., None] / n


class Adam:
    """Adam (Kingma & Ba) over a list of arrays, updated in place."""

    def __init__(self, arrays: list[np.ndarray], lr: float, betas: tuple[float, float] = (0.9, 0.999)) -> None:
        self.arrays, self.lr, self.betas = arrays, lr, betas
        self.m = [np.zeros_like(a) for a in arrays]
        self.v = [np.zeros_like(a) for a in arrays]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        """One update from ``grads`` (in the order of the arrays)."""
        self.t += 1
        b1, b2 = self.betas
        step, root = self.lr / (1 - b1**self.t), np.sqrt(1 - b2**self.t)
        for a, g, m, v in zip(self.arrays, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            a -= step * m / (np.sqrt(v) / root + 1e-8)  # m̂ / (√v̂ + ε), as the paper and PyTorch have it


def clip(grads: list[np.ndarray], most: float) -> float:
    """Scale ``grads`` in place so that their global norm is at most ``most``; the norm before."""
    norm = float(np.sqrt(sum(float((g * g).sum()) for g in grads)))
    if norm > most:
        for g in grads:
            g *= most / norm
    return norm


@dataclasses.dataclass(frozen=True)
class History:
    """What training did: the loss at each update and the score on held-out sequences as it went;
    the updates it was allowed and the score it was to stop at (None: the task's)."""

    losses: tuple[float, ...]
    scores: tuple[tuple[int, float], ...]
    budget: int = 0
    until: float | None = None


def outcome(model: Model, history: History, *, short: bool = False) -> str:
    """How training went, in a line: the held-out score, whether the task is learnt, and when
    training stopped (early, once learnt or at ``until``, or with its updates spent); ``short``,
    the score and whether it is learnt."""
    done, score = history.scores[-1]
    means, needs = model.task.score_means, model.task.needs
    if short:
        return f"{means} {score:.3f}: " + ("learnt" if score >= needs else "not learnt")
    if done < history.budget:  # stopped early
        why = "learnt" if score >= needs else f"reached --until {history.until:g}"
        return f"{means} {score:.3f}: {why} at update {done} of {history.budget}, so training stopped there"
    learnt = "learnt" if score >= needs else f"not learnt (it needs {needs:g})"
    return f"{means} {score:.3f} after {done} updates: {learnt}"


def init_model(graph: CellGraph, task_name: str, *, hidden: int = 16, seed: int = 0) -> Model:
    """An untrained model: the cell's seeded parameters (its own inputs sized for the task, else an
    embedding for each input), and a readout."""
    the_task = task(task_name)
    dims = {**graph.default_dims, "input": the_task.input_size, "hidden": hidden}
    params = init_params(graph, dims, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed)
    sizes = node_sizes(graph, dims)
    inputs = [n.id for n in graph.of_kind("input")]
    embed = {}
    if len(inputs) > 1 or sizes[inputs[0]] != the_task.input_size:  # the symbols through a layer of their own
        bound = 1 / np.sqrt(the_task.input_size)
        for i in inputs:
            weight = rng.uniform(-bound, bound, (sizes[i], the_task.input_size))
            embed[i] = LayerParams(weight, np.zeros(sizes[i]))
    model = Model(graph, dims, params, LayerParams(np.zeros((0, 0)), None), the_task, embed)  # readout below
    out_size = run(graph, model.inputs(np.zeros((1, 1, the_task.input_size))), params, dims=dims).outputs.shape[-1]
    bound = 1 / np.sqrt(out_size)
    weight = rng.uniform(-bound, bound, (the_task.classes or 1, out_size))
    return dataclasses.replace(model, readout=LayerParams(weight, np.zeros(the_task.classes or 1)))


def train(
    graph: CellGraph,
    task_name: str,
    *,
    hidden: int = 16,
    updates: int | None = None,
    batch: int = 64,
    length: int | None = None,
    lr: float = 0.003,
    clip_norm: float = 1.0,
    seed: int = 0,
    until: float | None = None,
    progress: Progress | None = None,
) -> tuple[Model, History]:
    """Train ``graph`` on a task with ``updates`` Adam steps (the task's budget if None) of ``batch``
    sequences; stops early once the score on 256 held-out sequences reaches ``until`` (by default
    what the task needs; above 1, never), and then calls ``progress`` with every update done."""
    model = init_model(graph, task_name, hidden=hidden, seed=seed)
    the_task = model.task
    updates = updates or the_task.budget
    adam = Adam(_arrays(model), lr)
    rng = np.random.default_rng(seed)
    held_out = the_task.batch(256, length, seed=seed + 10_000)
    losses: list[float] = []
    scores: list[tuple[int, float]] = []
    for k in range(updates):
        loss, _, grads_of = backprop(model, the_task.batch(batch, length, rng))
        losses.append(loss)
        grads = _arrays(grads_of)
        clip(grads, clip_norm)
        adam.step(grads)
        if progress:
            progress(k + 1, updates)
        if (k + 1) % 50 == 0 or k + 1 == updates:
            scores.append((k + 1, model.score(held_out)))
            if scores[-1][1] >= (the_task.needs if until is None else until):
                if progress:  # learnt early: nothing is left to do, so the bar ends full
                    progress(updates, updates)
                break
    return model, History(tuple(losses), tuple(scores), updates, until)


def _arrays(model: Model) -> list[np.ndarray]:
    """Every trainable array, in a fixed order: the cell's layers (and normalisations), the readout, the embeddings."""
    layers = [*(model.params[n.id] for n in learned(model.graph)), model.readout, *model.embed.values()]
    return [a for p in layers for a in (p.weight, *(() if p.bias is None else (p.bias,)), *p.diagonal.values())]


def backprop(
    model: Model, batch: Batch, ran: tuple[Result, np.ndarray] | None = None
) -> tuple[float, Gradients, Model]:
    """The model's loss on ``batch``; the cell's gradients (every node's at every step included);
    and the gradient of every trainable array, shaped as the model (its cell's layers, readout and
    embeddings). ``ran`` is the model's traced run on ``batch``, if already made."""
    result, answer = ran or model.run(batch.x)
    loss, d_answer = loss_and_gradient(model.task, answer, batch)
    if not model.task.classes:
        d_answer = d_answer[..., None]
    cell = backward(model.graph, result, d_answer @ model.readout.weight)
    embed = {i: _dense(cell.inputs[i], batch.x) for i in model.embed}
    readout = _dense(d_answer, result.outputs)
    return loss, cell, dataclasses.replace(model, params=cell.params, readout=readout, embed=embed)


def _dense(d_out: np.ndarray, given: np.ndarray) -> LayerParams:
    """The gradient of a dense layer's weight and bias, from its output's gradient and its input."""
    flat, given = d_out.reshape(-1, d_out.shape[-1]), given.reshape(-1, given.shape[-1])
    return LayerParams(flat.T @ given, flat.sum(0))


def save_model(model: Model, path: str | Path) -> None:
    """Write a model to one ``.npz``: the cell's parameters (``layer.weight``…), the readout
    (``readout.weight``, ``readout.bias``) and, as text, the cell's spec, its dims and the task."""
    from ..files import write_atomic

    outer = {"readout": model.readout, **{f"embed:{i}": e for i, e in model.embed.items()}}
    arrays = {**flat_params(model.params), **flat_params(outer, prefix="lstmviz.")}
    arrays["lstmviz.spec"] = np.array(dump_spec(model.graph))
    arrays["lstmviz.meta"] = np.array(json.dumps({"task": model.task.name, "dims": dict(model.dims)}))
    write_atomic(path, lambda fh: np.savez(fh, **arrays))


def load_model(path: str | Path) -> Model:
    """A model written by :func:`save_model`."""
    from ..files import read_arrays

    flat = read_arrays(path, "a model .npz (as lstmviz train writes one)")
    if not isinstance(flat, dict) or "lstmviz.spec" not in flat or "lstmviz.meta" not in flat:
        raise DataError(
            "holds parameters but no trained model",
            name=str(path),
            fix="make one with: lstmviz train CELL -o model.npz",
        )
    meta = json.loads(str(flat.pop("lstmviz.meta")))
    graph = parse_spec(str(flat.pop("lstmviz.spec")))
    outer = nest_params({k.removeprefix("lstmviz."): flat.pop(k) for k in list(flat) if k.startswith("lstmviz.")})
    embed = {k.removeprefix("embed:"): v for k, v in outer.items() if k.startswith("embed:")}
    return Model(graph, meta["dims"], nest_params(flat), outer["readout"], task(meta["task"]), embed)
