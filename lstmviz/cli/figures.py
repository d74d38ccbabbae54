"""The commands that draw: render, figures, steps, animate, explain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import api
from ..errors import DataError
from .group import main, one_line_errors
from .options import (
    check_outputs,
    data_options,
    dims_option,
    figure_options,
    format_option,
    labels_option,
    parse_dims,
    path_option,
    progress,
    seed_option,
    steps_option,
    style_option,
    task_option,
    view_option,
    width_option,
)  # fmt: skip


@main.command()
@click.argument("spec")
@path_option(
    "-o",
    "--output",
    required=True,
    multiple=True,
    help="The figure to write: .svg, .png, .pdf, .pgf (for LaTeX), or .dot (the graph, for Graphviz). "
    "Give it again for more formats of the same figure (-o cell.svg -o cell.pdf): laid out once.",
)
@view_option(
    default="cell",
    help="What to draw: cell, focus, build, ordered, conventional, chain, equations, cell-state, unit, legend, "
    "pipe, valve, t-joint, gate, rolled, unrolled, short-term, long-term.",
)
@click.option(
    "--focus",
    default=None,
    help="With --view focus or build: a step (forget, input, output, state, ...) or a node id; join several "
    "with +.",
)
@figure_options
@one_line_errors
def render(spec: str, output: tuple[Path, ...], view: str, focus: str | None, **figure: Any) -> None:
    """Draw SPEC (a built-in name or a .toml file) as a figure."""
    check_outputs(*output, inputs=[spec, figure["style"]])
    api.render(spec, output, view=view, focus=focus, **figure)
    click.echo(f"wrote {', '.join(map(str, output))}")


@main.command()
@click.argument("post", type=click.Choice(["colah", "pipe"]))
@path_option("-o", "--output", kind="either", required=True, help="The folder to write the figures into.")
@format_option(("svg", "png", "pdf"), "Their format.")
@width_option()
@one_line_errors
def figures(post: str, output: Path, fmt: str, width: str | None) -> None:
    """Draw every figure of a seed post: colah ("Understanding LSTM Networks") or pipe (Shi Yan's
    "Understanding LSTM and its diagrams"), one file each, named as in the README's table."""
    with progress("figures") as advance:
        paths = api.figures(post, output, fmt=fmt, width=width, progress=advance)
    for path in paths:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("spec")
@path_option(
    "-o",
    "--output",
    kind="either",
    required=True,
    help="A folder (numbered figures), a .pdf (one page per step) or a .tex (Beamer overlays).",
)
@format_option(("svg", "png"), "The figures' format, when writing to a folder.")
@figure_options
@one_line_errors
def steps(spec: str, output: Path, fmt: str, **figure: Any) -> None:
    """Write SPEC's walk-through: one focus figure per step, every frame the same size."""
    if output.suffix in (".pdf", ".tex"):  # else a folder, which the walk-through checks itself
        check_outputs(output, output.with_suffix(".pdf"), inputs=[spec, figure["style"]])
    for path in api.walk_through(spec, output, fmt=fmt, **figure):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("spec")
@path_option(
    "-o",
    "--output",
    required=True,
    help="The animation to write: .svg (self-contained, CSS, loops), .html (a player), .gif or .mp4.",
)
@steps_option(
    low=1,
    high=10_000,
    default=None,
    help="Time steps of seeded random input (without --input): 4; with a model, of its task: the task's length.",
)
@data_options
@click.option(
    "--window",
    default=None,
    metavar="START:STOP",
    help="Which time steps to show (default: the first 8; with --backward the last 8).",
)
@click.option(
    "--backward",
    is_flag=True,
    help="Then play the backward sweep: each value's gradient of the task's loss, last step first (chain view).",
)
@task_option(default=None, help="The task whose loss --backward follows, for a cell as initialised (default: copy).")
@dims_option
@click.option(
    "--units",
    default=None,
    metavar="START:STOP|LIST",
    help="Which units of each vector to show: 0:16, or a list 0,3,7 (default: the first 16).",
)
@style_option
@view_option(default=None, help="cell, ordered, or chain (default: cell; chain with --backward).")
@labels_option
@seed_option()
@click.option(
    "--fps",
    type=click.FloatRange(min=0.5, max=60),
    default=None,
    help="Frames a second, for .gif and .mp4 (default: one frame per node lighting up).",
)
@width_option(pixels=True)
@one_line_errors
def animate(
    spec: str,
    output: Path,
    steps: int | None,
    input_path: Path | None,
    params_path: Path | None,
    window: str | None,
    backward: bool,
    task: str | None,
    dims: tuple[str, ...],
    units: str | None,
    style: str,
    view: str | None,
    labels: str,
    seed: int,
    fps: float | None,
    width: int | None,
) -> None:
    """Animate SPEC (or a model .npz that lstmviz train wrote) on real numbers, step by step as the
    walk-through tells it: each value's strip appears beside its line as it is computed, while the
    rest of the cell dims. With --backward the steps then play backward, showing the gradients."""
    check_outputs(output, inputs=[spec, input_path, params_path, style])
    is_model = spec.lower().endswith(".npz")
    if (is_model or backward or task) and (input_path or params_path):
        given = "--input" if input_path else "--params"
        raise DataError(
            f"a model, --backward or --task runs the task's own sequences; {given} does not apply",
            name=given,
            fix=f"leave out {given} (train the cell with lstmviz train to animate trained weights)",
        )
    if is_model and task:
        raise DataError(
            "a model was trained on its own task; --task does not apply",
            name="--task",
            fix="leave out --task, or animate the cell's spec with --task",
        )
    cell: Any = api.load_model(spec) if is_model else api.drawable(spec)
    graph = cell.graph if is_model else cell
    x = api.read_input(input_path, graph) if input_path is not None else None  # checked as run checks it
    params = api.load_params(params_path) if params_path is not None else None
    span = None
    if window is not None:
        start, _, stop = window.partition(":")
        if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in (start, stop)):
            raise DataError(f"--window {window!r} is not START:STOP", name="--window", fix="write e.g. --window 0:8")
        span = (int(start), int(stop))
    notes: list[str] = []
    with progress("rendering frames") as advance:
        api.animate(
            cell,
            output,
            x=x,
            params=params,
            steps=steps,
            window=span,
            units=api.parse_units(units) if units is not None else None,
            dims=parse_dims(dims, graph) or None,
            style=style,
            labels=labels,
            seed=seed,
            fps=fps,
            width=width,
            progress=advance,
            view=view,
            notes=notes,
            backward=backward,
            task=task,
        )
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("what", type=click.Choice(["sigmoid", "tanh", "concat", "pointwise"]))
@path_option("-o", "--output", required=True, help="The animation to write: .svg, .gif or .mp4.")
@style_option
@width_option(pixels=True)
@one_line_errors
def explain(what: str, output: Path, style: str, width: int | None) -> None:
    """Animate one idea of the cell, as Michael Phi's guide does: values squashed by sigmoid or tanh,
    two vectors concatenated, or a gate multiplied into a vector, unit by unit."""
    check_outputs(output, inputs=[style])
    with progress("rendering frames") as advance:
        api.explain(what, output, style=style, width=width, progress=advance)
    click.echo(f"wrote {output}")
