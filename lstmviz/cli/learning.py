"""The commands that learn: train, gradients, explore."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..errors import DataError
from .group import main, one_line_errors
from .options import check_outputs, hidden_option, path_option, progress, seed_option, steps_option, task_option


@main.command()
@click.argument("spec")
@task_option(default="count", help="The toy task to learn.")
@path_option("-o", "--output", required=True, help="The trained model to write (.npz).")
@hidden_option()
@click.option(
    "--updates", type=click.IntRange(1, 1_000_000), default=None, help="Most Adam updates (the task's budget)."
)
@click.option("--length", type=click.IntRange(2, 10_000), default=None, help="Steps of each training sequence.")
@click.option(
    "--until", type=click.FloatRange(0, 2), default=None, help="Stop at this held-out score (above 1: never)."
)
@seed_option("Seed of the task's sequences and the initial weights.")
@one_line_errors
def train(
    spec: str,
    task: str,
    output: Path,
    hidden: int,
    updates: int | None,
    length: int | None,
    until: float | None,
    seed: int,
) -> None:
    """Train SPEC on a toy task in NumPy (backpropagation through time, Adam, clipping) and write
    the model, to read with 'lstmviz explore'."""
    check_outputs(output, inputs=[spec])
    if output.suffix.lower() != ".npz":
        raise DataError("a model is written as .npz", name=str(output), fix="name the output model.npz")
    with progress(f"training on {task}") as advance:
        model, history = api.train(
            spec, task, output, hidden=hidden, updates=updates, length=length, until=until, seed=seed, progress=advance
        )
    click.echo(api.outcome(model, history))  # stopped early, it says why: the progress bar ends full
    click.echo(f"wrote {output}")


@main.command()
@click.argument("specs", nargs=-1, required=True)
@path_option(
    "-o",
    "--output",
    required=True,
    help="The chart to write: .svg, .png or .pdf; or .html, one cell's backward sweep in the animation player.",
)
@task_option(default="copy", help="The task whose loss flows back.")
@steps_option(low=2, high=10_000, default=100, help="Sequence length.")
@click.option("--untrained", is_flag=True, help="Measure the cells as initialised, not after training on the task.")
@hidden_option("Units of each cell.")
@seed_option("Seed of the task's sequences and the initial weights.")
@one_line_errors
def gradients(
    specs: tuple[str, ...], output: Path, task: str, steps: int, untrained: bool, hidden: int, seed: int
) -> None:
    """Plot how much of a loss at the last step reaches each earlier step, ‖∂L/∂h_t‖ against t, for
    several cells on one chart: the vanishing-gradient problem, and each layer's share. As .html,
    play one cell's backward sweep over the last steps, gradient by gradient."""
    check_outputs(output, inputs=list(specs))
    held: list[str] = []  # a line a cell, how its training went: at once off a terminal, else after the bar
    report = held.append if sys.stderr.isatty() else click.echo
    with progress("training the cells" if not untrained else "measuring") as advance:
        api.gradients(
            specs,
            output,
            task=task,
            steps=steps,
            trained=not untrained,
            hidden=hidden,
            seed=seed,
            progress=advance,
            report=report,
        )
    for line in held:
        click.echo(line)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@path_option("-o", "--output", required=True, help="The explorer page to write (.html).")
@click.option("--text", default=None, help="What the cell reads, in its task's symbols (default: an example).")
@click.option("--neurons", default=None, metavar="LIST", help="Neurons shown at first, e.g. 0,3,7 (default: all).")
@one_line_errors
def explore(model: Path, output: Path, text: str | None, neurons: str | None) -> None:
    """Write a neuron explorer: MODEL (from 'lstmviz train') reads a sequence, and under each symbol
    each neuron's states and gates are coloured; sort neurons by what they track."""
    check_outputs(output, inputs=[model])
    if output.suffix.lower() not in (".html", ".htm"):
        raise DataError("the explorer is a web page", name=str(output), fix="name the output explorer.html")
    shown = api.parse_units(neurons, "--neurons") if neurons is not None else None
    api.explore(model, output, text=text, neurons=shown)
    click.echo(f"wrote {output}")
