"""The API's learning: a cell trained on a toy task, its gradient flow, the neuron explorer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import arguments as args
from ..errors import SpecError
from ..spec.graph import CellGraph
from .animations import animate
from .cells import load


def train(
    cell: str | Path | CellGraph,
    task: str = "count",
    output: str | Path | None = None,
    *,
    hidden: int = 16,
    updates: int | None = None,
    length: int | None = None,
    seed: int = 0,
    until: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Any, Any]:
    """Train a cell on a toy task in NumPy (``task``: copy, count, memorise, parity or adding):
    BPTT, Adam and gradient clipping, seeded, stopping once the task is learnt (``until`` a score)
    or after ``updates`` (the task's budget). Returns the :class:`~lstmviz.learn.train.Model`
    (``model.score``, ``model.run``) and its :class:`~lstmviz.learn.train.History`; writes the model to ``output``
    (``.npz``: parameters, readout, spec and task) when given."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.text(task, "task")
    args.path(output, "output", optional=True)
    args.integer(hidden, "hidden", low=1, high=1024)
    args.integer(updates, "updates", low=1, high=1_000_000, optional=True)
    args.integer(length, "length", low=2, high=10_000, optional=True)
    args.integer(seed, "seed", low=0)
    args.number(until, "until", low=0, high=2, optional=True)
    args.callback(progress, "progress")
    from ..learn.train import save_model
    from ..learn.train import train as fit

    model, history = fit(
        load(cell), task, hidden=hidden, updates=updates, length=length, seed=seed, until=until, progress=progress
    )
    if output is not None:
        save_model(model, output)
    return model, history


def gradients(
    cells: Sequence[str | Path | CellGraph],
    output: str | Path | None = None,
    *,
    task: str = "copy",
    steps: int = 100,
    trained: bool = True,
    hidden: int = 16,
    seed: int = 0,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    report: Callable[[str], None] | None = None,
) -> Any:
    """The vanishing-gradient picture: for each cell, ‖∂L/∂h_t‖ (each state's, and the error
    reaching each layer) against t, for a loss at the last of ``steps`` steps of ``task``. Each
    cell is first trained on the task at its usual length (``trained=False``: as initialised), and
    ``report`` is told in a line how that went (its score, whether it learnt the task).
    Writes an SVG, PNG or PDF chart to ``output`` (by its suffix, or ``fmt``); without one returns
    the :class:`~lstmviz.learn.flow.Flow` of each cell. An ``.html`` output (one cell) is instead
    the animation player's backward sweep through the chain view, over the last steps."""
    cells = args.cells(cells, also=(CellGraph,))
    args.path(output, "output", optional=True)
    args.text(task, "task")
    args.integer(steps, "steps", low=2, high=10_000)
    args.flag(trained, "trained")
    args.integer(hidden, "hidden", low=1, high=1024)
    args.integer(seed, "seed", low=0)
    args.text(fmt, "fmt", optional=True)
    args.callback(progress, "progress")
    args.callback(report, "report")
    from ..errors import Choice
    from ..learn.flow import flow_figure, gradient_flow
    from ..learn.train import init_model, outcome
    from ..learn.train import train as fit

    if output is not None or fmt is not None:  # before any training: a bad name fails at once
        fmt = fmt or (Path(output).suffix.lstrip(".").lower() if output is not None else "")
        Choice("chart format", ("svg", "png", "pdf", "html")).check(fmt, name=str(output) if output else "fmt")
        if fmt == "html" and len(cells) != 1:
            raise SpecError(
                f"an .html backward sweep plays one cell, not {len(cells)}",
                name=str(output) if output else "fmt",
                fix="give one cell, or write the chart of them all as .svg, .png or .pdf",
            )
    graphs = [load(c) for c in cells]
    flows = []
    for k, graph in enumerate(graphs):
        if trained:
            done = k / len(graphs)
            tick = (lambda d, n: progress(round((done + d / n / len(graphs)) * 1000), 1000)) if progress else None
            model, history = fit(graph, task, hidden=hidden, seed=seed, progress=tick)
            said = outcome(model, history, short=True)
            if report:
                report(f"{graph.name}: {outcome(model, history)}")
        else:
            model, said = init_model(graph, task, hidden=hidden, seed=seed), ""
        if fmt == "html":
            return animate(model, output, backward=True, steps=steps, seed=seed, fmt="html")
        flows.append(gradient_flow(model, steps, seed=seed, trained=said))
    if fmt is None:
        return flows
    when = "after training on it" if trained else "as initialised"
    data = flow_figure(flows, fmt, title=f"How much of the loss at step {steps} reaches step t ({task} task, {when})")
    if output is None:
        return data
    from ..files import write_atomic

    write_atomic(output, data)
    return None


def explore(
    model: Any,
    output: str | Path | None = None,
    *,
    text: str | None = None,
    neurons: Sequence[int] | None = None,
    best: int | None = None,
) -> str | None:
    """The neuron explorer (after Edwin Chen's): a trained model (the first of what :func:`train`
    returns, or its ``.npz``) reads ``text`` (by default a sequence of its task), and under each symbol every
    neuron's states and gates are coloured on the diverging scale, sortable by how well each tracks
    a feature of the task; ``neurons`` (or the ``best`` few trackers of the task's first feature) are
    shown at first. Writes one offline HTML page to ``output``, or returns it."""
    from ..learn.train import Model

    if not isinstance(model, Model):
        args.path(model, "model")
    args.path(output, "output", optional=True)
    args.text(text, "text", optional=True)
    if neurons is not None:
        from ..motion.timeline import checked_units

        neurons = checked_units(neurons, "neurons")
    args.integer(best, "best", low=1, high=1024, optional=True)
    from ..display import HTML
    from ..learn.explorer import explorer_html
    from ..learn.train import Model, load_model

    if not isinstance(model, Model):
        model = load_model(model)
    page = HTML(explorer_html(model, model.task.example if text is None else text, neurons=neurons, best=best))
    if output is None:
        return page
    from ..files import write_atomic

    write_atomic(output, page.encode("utf-8"))
    return None


def load_model(path: str | Path) -> Any:
    """A model that :func:`train` wrote (``.npz``), to animate or explore (imported when asked for)."""
    from ..learn.train import load_model as read

    return read(path)
