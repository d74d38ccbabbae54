"""The ``lstmviz`` command. It calls the public API only, and imports nothing heavy at start-up."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api
from .cells import BUILTINS, builtin
from .errors import DataError, LstmvizError, NonFiniteWarning
from .signals import exit_on_termination

F = TypeVar("F", bound=Callable[..., Any])


def _one_line_errors(fn: F) -> F:
    """Bad input becomes one line on stderr and exit status 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's own, of several lines; ours say where
                warnings.simplefilter("always", NonFiniteWarning)
                warnings.showwarning = _warning_line
                return fn(*args, **kwargs)
        except LstmvizError as err:
            click.echo(f"lstmviz: error: {err.one_line()}", err=True)
            sys.exit(2)
        except BrokenPipeError:  # the reader went away (| head): stop quietly, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            click.echo(f"lstmviz: error: {where}{err.strerror or err}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _warning_line(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
    """A warning as one line on stderr, as errors are (not Python's two, with a source line)."""
    click.echo(f"lstmviz: warning: {message}", err=True)


def _path_option(
    *names: str,
    help: str,  # noqa: A002 - click's name
    kind: str = "file",
    default: str | None = None,
    required: bool = False,
    multiple: bool = False,
) -> Callable[[F], F]:
    """An option naming a ``file``, a ``folder`` or ``either`` (``multiple``: given once or more); a
    default is shown in --help."""
    return click.option(
        *names,
        type=click.Path(dir_okay=kind != "file", file_okay=kind != "folder", path_type=Path),
        default=Path(default) if default is not None else None,
        show_default=default is not None,
        required=required,
        multiple=multiple,
        help=help,
    )


def _data_options(fn: F) -> F:
    """The options that give a cell its numbers: an input file and a parameter file."""
    fn = _path_option(
        "--params", "params_path", help=".npz of parameters (keys like f.weight, f.bias); seeded random otherwise."
    )(fn)
    return _path_option(
        "--input", "input_path", help=".npy shaped (T, B, features) or (T, features); .npz with one array per input."
    )(fn)


#: click's "no arguments: show the help" (click 8.2 and later), which is not a mistake to report.
_NO_ARGS: type[Exception] = getattr(click.exceptions, "NoArgsIsHelpError", type("_Never", (Exception,), {}))


class _OneLineGroup(click.Group):
    """Click's own errors (a bad option value, a missing argument) in the shape of every other
    error: one line on stderr, exit status 2, with where to read more."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except _NO_ARGS as err:  # 'lstmviz' alone: the help, as click shows it
            err.show()
            sys.exit(err.exit_code)
        except click.UsageError as err:
            hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
            click.echo(f"lstmviz: error: {err.format_message()}{hint}", err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            click.echo(f"lstmviz: error: {err.format_message()}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:  # Ctrl-C
            click.echo("lstmviz: interrupted", err=True)
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lstmviz")
def main() -> None:
    """Diagrams and numbers from one description of a recurrent cell."""
    exit_on_termination()


@main.command("list")
def list_cells() -> None:
    """List the built-in cells."""
    width = max(map(len, BUILTINS))
    for name in BUILTINS:
        click.echo(f"{name:<{width}}  {builtin(name).description}")


@main.command()
@click.argument("spec")
@_one_line_errors
def check(spec: str) -> None:
    """Validate SPEC (a built-in name or a .toml file) and summarise it."""
    cell = api.load(spec)
    kinds = {k: [n.id for n in cell.of_kind(k)] for k in ("input", "layer", "op", "output")}
    click.echo(
        f"ok: {spec}: cell {cell.name!r}, {len(cell.nodes)} nodes, {len(cell.edges)} edges; "
        f"inputs {', '.join(kinds['input'])}; states {', '.join(cell.states) or 'none'}; "
        f"layers {', '.join(kinds['layer'])}; outputs {', '.join(kinds['output'])}"
    )


@main.command()
@click.argument("spec")
@_path_option("-o", "--output", help="Write the TOML here.")
@_one_line_errors
def show(spec: str, output: Path | None) -> None:
    """Print SPEC in canonical TOML form (equation-form specs come out as [[node]] tables)."""
    from .spec.tomlfile import dump_spec, save_spec

    _check_outputs(output, inputs=[spec])
    cell = api.load(spec)
    if output is None:
        click.echo(dump_spec(cell), nl=False)
    else:
        save_spec(cell, output)


@main.command()
@click.argument("spec")
@click.option(
    "--steps",
    "-T",
    type=click.IntRange(min=1, max=100_000),
    default=None,
    help="Run on this many steps of seeded random input (default 5 without --input; longer: give --input).",
)
@click.option(
    "--batch", "-B", type=click.IntRange(min=1), default=1, show_default=True, help="Batch size of the random input."
)
@_data_options
@click.option("--dim", "dims", multiple=True, metavar="NAME=N", help="Set a dim, e.g. --dim hidden=16.")
@click.option(
    "--dtype",
    type=click.Choice(["float32", "float64"]),
    default=None,
    help="Arithmetic precision (default: that of --input, float32 for random input).",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the random input and parameters."
)
@_path_option("-o", "--output", help="Write inputs, outputs, final states and the trace of every node to this .npz.")
@_path_option("--save-params", help="Write the parameters used to this .npz.")
@click.option("--plan", "show_plan", is_flag=True, help="Also print how the executor compiled the cell.")
@click.option(
    "--batch-first/--time-major",
    default=None,
    help="--input is shaped (B, T, features), as PyTorch's batch_first, or (T, B, features). Default: a "
    "PyTorch module's own setting; time-major for a spec. A state_dict cannot say: give one for a 3-axis input.",
)
@_one_line_errors
def run(
    spec: str,
    steps: int | None,
    batch: int,
    input_path: Path | None,
    params_path: Path | None,
    dims: tuple[str, ...],
    dtype: str | None,
    seed: int,
    output: Path | None,
    save_params: Path | None,
    show_plan: bool,
    batch_first: bool | None,
) -> None:
    """Run SPEC (a built-in name, a .toml file, or a PyTorch model saved with torch.save, every
    layer and direction of it, as PyTorch runs them) on real numbers and print what it computes."""

    from .execute.params import flat_params, load_params

    if output is not None and save_params is not None and output.resolve() == save_params.resolve():
        raise DataError("is given as both -o and --save-params", name=str(output), fix="give two files")
    _check_outputs(output, save_params, inputs=[spec, input_path, params_path])
    if input_path is not None and steps is not None:
        raise DataError("give --input or --steps, not both", name="--steps")
    if Path(spec).suffix.lower() in (".pt", ".pth"):
        given = {"--params": params_path, "--dim": dims, "--save-params": save_params, "--plan": show_plan}
        extra = next((name for name, value in given.items() if value), None)
        if extra:
            raise DataError("does not go with a PyTorch model, which has its own weights and sizes", name=extra)
        _run_torch(Path(spec), input_path, steps, batch, batch_first, dtype, seed, output)
        return
    cell = api.load(spec)
    given_dims = _parse_dims(dims, cell)
    if input_path is not None:
        x = _read_input(input_path, cell, bool(batch_first))
    else:
        dtype = dtype or "float32"
        T = 5 if steps is None else steps
        x = api.random_input(cell, T, batch, seed=seed, dims=given_dims, dtype=dtype, trace=output is not None)
    params = load_params(params_path) if params_path is not None else None
    try:
        result = api.run(cell, x, params, trace=output is not None, dtype=dtype, dims=given_dims, seed=seed)
    except DataError as err:  # name the parameter file when the parameters are what does not fit
        layers = {n.id for n in cell.of_kind("layer")}
        raise (err.located(params_path) if params_path and err.name in layers else err) from None
    if show_plan:
        from .execute.plan import compile as compile_plan

        click.echo(compile_plan(cell).describe())
    _summarise(cell.name, result)
    files = {}
    if output is not None:
        files[output] = _npz(_run_arrays(x, result), compressed=True)
    if save_params is not None:
        files[save_params] = _npz(flat_params(result.params))
    _write_all(files)


def _figure_options(fn: F) -> F:
    """The options every figure command takes: style, label set, printed width, font, background."""
    options = [
        click.option(
            "--style",
            default="colah",
            show_default=True,
            help="colah, dark, print, pipe, pipe-dark, or the path of a style .toml.",
        ),
        click.option(
            "--labels",
            default="notation",
            show_default=True,
            help="Label set: notation (f_t, C_t), plain (words), pytorch (i, f, g, o), or one the spec names.",
        ),
        click.option("--width", default=None, help="Printed width: 8cm, 600px, 3in ..."),
        click.option("--font", default=None, help="sans, serif, or cm (Computer Modern, to match LaTeX)."),
        click.option(
            "--font-size",
            default=None,
            help="Labels' size in points at the printed width, e.g. 8pt (with --width, at least 7pt by default).",
        ),
        click.option("--transparent", is_flag=True, help="No background."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@main.command()
@click.argument("spec")
@_path_option(
    "-o",
    "--output",
    required=True,
    multiple=True,
    help="The figure to write: .svg, .png, .pdf, .pgf (for LaTeX), or .dot (the graph, for Graphviz). "
    "Give it again for more formats of the same figure (-o cell.svg -o cell.pdf): laid out once.",
)
@click.option(
    "--view",
    default="cell",
    show_default=True,
    help="What to draw: cell, focus, ordered, chain, equations, cell-state, unit, legend, gate, rolled, "
    "unrolled, short-term, long-term.",
)
@click.option(
    "--focus",
    default=None,
    help="With --view focus: a step (forget, input, output, state, ...) or a node id; join several with +.",
)
@_figure_options
@_one_line_errors
def render(spec: str, output: tuple[Path, ...], view: str, focus: str | None, **figure: Any) -> None:
    """Draw SPEC (a built-in name or a .toml file) as a figure."""
    _check_outputs(*output, inputs=[spec, figure["style"]])
    api.render(spec, output, view=view, focus=focus, **figure)
    click.echo(f"wrote {', '.join(map(str, output))}")


@main.command("from-torch")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@_path_option(
    "-o",
    "--output",
    required=True,
    help="A .toml (the cell of one layer and direction), or a figure (.svg, .png, .pdf): "
    "the cell, or the whole stack of a module with several layers or directions.",
)
@_path_option("--params", "params_path", help="Also write the layer's weights to this .npz (for --params of run).")
@click.option("--layer", type=click.IntRange(min=0), default=None, help="Which layer of a multi-layer module.")
@click.option(
    "--direction",
    type=click.Choice(["forward", "reverse"]),
    default="forward",
    show_default=True,
    help="Which direction of a bidirectional module.",
)
@click.option(
    "--prefix", default=None, help="Which recurrent module of a bigger model's state_dict (e.g. encoder.rnn)."
)
@click.option("--style", default="colah", show_default=True, help="The figure's style.")
@click.option("--width", default=None, help="The figure's printed width: 8cm, 600px, 3in ...")
@_one_line_errors
def from_torch(
    model: Path,
    output: Path,
    params_path: Path | None,
    layer: int | None,
    direction: str,
    prefix: str | None,
    style: str,
    width: str | None,
) -> None:
    """Take the cell and weights of a PyTorch model saved with torch.save (a state_dict, or a
    whole nn.RNN, nn.LSTM, nn.GRU or Cell; read without running anything in the file)."""
    from .execute.params import flat_params
    from .torch_interop import from_torch as take
    from .torch_interop import stack_from_torch

    _check_outputs(output, params_path, inputs=[model])
    if params_path is not None and output.resolve() == params_path.resolve():
        raise DataError("is given as both -o and --params", name=str(output), fix="give two files")
    figure = output.suffix.lower() in (".svg", ".png", ".pdf")
    if not figure and output.suffix.lower() != ".toml":
        raise DataError("is neither a .toml nor a figure", name=str(output), fix="write to cell.toml or stack.svg")
    if figure and layer is None and params_path is None:
        stack = stack_from_torch(model, prefix=prefix)
        if stack.layers > 1 or stack.directions > 1:
            api.render_stack(stack, output, style=style, width=width)
            click.echo(f"wrote {output}: {stack.layers} layer(s) of {stack.kind} in {stack.directions} direction(s)")
            return
    cell, params = take(model, layer=layer, direction=direction, prefix=prefix)
    files: dict[Path, Any] = {}
    if figure:
        import tempfile

        with tempfile.TemporaryDirectory() as work:  # drawn first, then written with the weights, or neither
            drawn = Path(work) / f"cell{output.suffix.lower()}"
            api.render(cell, drawn, style=style, width=width)
            files[output] = drawn.read_bytes()
    else:
        from .spec.tomlfile import dump_spec

        files[output] = dump_spec(cell).encode("utf-8")
    if params_path is not None:
        files[params_path] = _npz(flat_params(params))
    _write_all(files)


@main.command()
@click.argument("post", type=click.Choice(["colah", "pipe"]))
@_path_option("-o", "--output", kind="either", required=True, help="The folder to write the figures into.")
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "png", "pdf"]), default="svg", show_default=True, help="Their format."
)
@click.option("--width", default=None, help="Printed width of each: 8cm, 600px, 3in ...")
@_one_line_errors
def figures(post: str, output: Path, fmt: str, width: str | None) -> None:
    """Draw every figure of a seed post: colah ("Understanding LSTM Networks") or pipe (Shi Yan's
    "Understanding LSTM and its diagrams"), one file each, named as in the README's table."""
    with _progress("figures") as advance:
        paths = api.figures(post, output, fmt=fmt, width=width, progress=advance)
    for path in paths:
        click.echo(f"wrote {path}")


@main.command()
@click.argument("spec")
@_path_option(
    "-o",
    "--output",
    kind="either",
    required=True,
    help="A folder (numbered figures), a .pdf (one page per step) or a .tex (Beamer overlays).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "png"]),
    default="svg",
    show_default=True,
    help="The figures' format, when writing to a folder.",
)
@_figure_options
@_one_line_errors
def steps(spec: str, output: Path, fmt: str, **figure: Any) -> None:
    """Write SPEC's walk-through: one focus figure per step, every frame the same size."""
    if output.suffix in (".pdf", ".tex"):  # else a folder, which the walk-through checks itself
        _check_outputs(output, output.with_suffix(".pdf"), inputs=[spec, figure["style"]])
    for path in api.walk_through(spec, output, fmt=fmt, **figure):
        click.echo(f"wrote {path}")


#: The toy tasks, named here so that --help needs no import of the training code.
TASKS = ("copy", "count", "memorise", "parity", "adding")


_video_width = click.option(
    "--width",
    type=click.IntRange(min=200, max=8000),
    default=None,
    help="Pixels wide, for .gif and .mp4 (default: the figure's width, at least 1000).",
)


@main.command()
@click.argument("spec")
@_path_option(
    "-o",
    "--output",
    required=True,
    help="The animation to write: .svg (self-contained, CSS, loops), .html (a player), .gif or .mp4.",
)
@click.option(
    "--steps",
    "-T",
    type=click.IntRange(min=1, max=10_000),
    default=None,
    help="Time steps of seeded random input (without --input): 4; with a model, of its task: the task's length.",
)
@_data_options
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
@click.option(
    "--task",
    type=click.Choice(TASKS),
    default=None,
    help="The task whose loss --backward follows, for a cell as initialised (default: copy).",
)
@click.option("--dim", "dims", multiple=True, metavar="NAME=N", help="Set a dim, e.g. --dim hidden=32.")
@click.option(
    "--units",
    default=None,
    metavar="START:STOP|LIST",
    help="Which units of each vector to show: 0:16, or a list 0,3,7 (default: the first 16).",
)
@click.option("--style", default="colah", show_default=True, help="A style name or the path of a style .toml.")
@click.option("--view", default=None, help="cell, ordered, or chain (default: cell; chain with --backward).")
@click.option("--labels", default="notation", show_default=True, help="Label set.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--fps",
    type=click.FloatRange(min=0.5, max=60),
    default=None,
    help="Frames a second, for .gif and .mp4 (default: one frame per node lighting up).",
)
@_video_width
@_one_line_errors
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
    from .execute.params import load_params
    from .motion.timeline import parse_units

    _check_outputs(output, inputs=[spec, input_path, params_path, style])
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
    from .learn.train import load_model

    cell: Any = load_model(spec) if is_model else api.drawable(spec)
    graph = cell.graph if is_model else cell
    x = _read_input(input_path, graph) if input_path is not None else None  # checked as run checks it
    params = load_params(params_path) if params_path is not None else None
    span = None
    if window is not None:
        start, _, stop = window.partition(":")
        if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in (start, stop)):
            raise DataError(f"--window {window!r} is not START:STOP", name="--window", fix="write e.g. --window 0:8")
        span = (int(start), int(stop))
    notes: list[str] = []
    with _progress("rendering frames") as advance:
        api.animate(
            cell,
            output,
            x=x,
            params=params,
            steps=steps,
            window=span,
            units=parse_units(units) if units is not None else None,
            dims=_parse_dims(dims, graph) or None,
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
@_path_option("-o", "--output", required=True, help="The animation to write: .svg, .gif or .mp4.")
@click.option("--style", default="colah", show_default=True, help="A style name or the path of a style .toml.")
@_video_width
@_one_line_errors
def explain(what: str, output: Path, style: str, width: int | None) -> None:
    """Animate one idea of the cell, as Michael Phi's guide does: values squashed by sigmoid or tanh,
    two vectors concatenated, or a gate multiplied into a vector, unit by unit."""
    _check_outputs(output, inputs=[style])
    with _progress("rendering frames") as advance:
        api.explain(what, output, style=style, width=width, progress=advance)
    click.echo(f"wrote {output}")


@main.command()
@click.argument("spec")
@click.option("--task", type=click.Choice(TASKS), default="count", show_default=True, help="The toy task to learn.")
@_path_option("-o", "--output", required=True, help="The trained model to write (.npz).")
@click.option("--hidden", type=click.IntRange(1, 1024), default=16, show_default=True, help="Units of the cell.")
@click.option(
    "--updates", type=click.IntRange(1, 1_000_000), default=None, help="Most Adam updates (the task's budget)."
)
@click.option("--length", type=click.IntRange(2, 10_000), default=None, help="Steps of each training sequence.")
@click.option(
    "--until", type=click.FloatRange(0, 2), default=None, help="Stop at this held-out score (above 1: never)."
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@_one_line_errors
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
    _check_outputs(output, inputs=[spec])
    if output.suffix.lower() != ".npz":
        raise DataError("a model is written as .npz", name=str(output), fix="name the output model.npz")
    with _progress(f"training on {task}") as advance:
        model, history = api.train(
            spec, task, output, hidden=hidden, updates=updates, length=length, until=until, seed=seed, progress=advance
        )
    done, score = history.scores[-1]
    learnt = "learnt" if score >= model.task.needs else f"not learnt yet (it needs {model.task.needs:g})"
    click.echo(f"{model.task.score_means} {score:.3f} after {done} updates: {learnt}")
    click.echo(f"wrote {output}")


@main.command()
@click.argument("specs", nargs=-1, required=True)
@_path_option(
    "-o",
    "--output",
    required=True,
    help="The chart to write: .svg, .png or .pdf; or .html, one cell's backward sweep in the animation player.",
)
@click.option(
    "--task", type=click.Choice(TASKS), default="copy", show_default=True, help="The task whose loss flows back."
)
@click.option("--steps", "-T", type=click.IntRange(2, 10_000), default=100, show_default=True, help="Sequence length.")
@click.option("--untrained", is_flag=True, help="Measure the cells as initialised, not after training on the task.")
@click.option("--hidden", type=click.IntRange(1, 1024), default=16, show_default=True, help="Units of each cell.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@_one_line_errors
def gradients(
    specs: tuple[str, ...], output: Path, task: str, steps: int, untrained: bool, hidden: int, seed: int
) -> None:
    """Plot how much of a loss at the last step reaches each earlier step, ‖∂L/∂h_t‖ against t, for
    several cells on one chart: the vanishing-gradient problem, and each layer's share. As .html,
    play one cell's backward sweep over the last steps, gradient by gradient."""
    _check_outputs(output, inputs=list(specs))
    with _progress("training the cells" if not untrained else "measuring") as advance:
        api.gradients(
            specs, output, task=task, steps=steps, trained=not untrained, hidden=hidden, seed=seed, progress=advance
        )
    click.echo(f"wrote {output}")


@main.command()
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@_path_option("-o", "--output", required=True, help="The explorer page to write (.html).")
@click.option("--text", default=None, help="What the cell reads, in its task's symbols (default: an example).")
@click.option("--neurons", default=None, metavar="LIST", help="Neurons shown at first, e.g. 0,3,7 (default: all).")
@_one_line_errors
def explore(model: Path, output: Path, text: str | None, neurons: str | None) -> None:
    """Write a neuron explorer: MODEL (from 'lstmviz train') reads a sequence, and under each symbol
    each neuron's states and gates are coloured; sort neurons by what they track."""
    from .motion.timeline import parse_units

    _check_outputs(output, inputs=[model])
    if output.suffix.lower() not in (".html", ".htm"):
        raise DataError("the explorer is a web page", name=str(output), fix="name the output explorer.html")
    api.explore(model, output, text=text, neurons=parse_units(neurons, "--neurons") if neurons is not None else None)
    click.echo(f"wrote {output}")


@main.group()
def gallery() -> None:
    """Build the gallery website from gallery/, preview it, or start a gallery of your own."""


@gallery.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_one_line_errors
def gallery_init(folder: Path) -> None:
    """Start a gallery of your own in FOLDER (new or empty): the site's template and a starter entry."""
    from .gallery.start import init_gallery

    for path in init_gallery(folder):
        click.echo(f"wrote {path}")
    click.echo(
        f"next: lstmviz gallery build {folder} -o {folder}-site   (then lstmviz gallery serve -d {folder}-site)"
    )


@gallery.command("build")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@_path_option(
    "-o",
    "--output",
    kind="folder",
    default="site",
    help="The folder to build into (replaced whole, and only when the build succeeds).",
)
@_path_option(
    "--source",
    kind="folder",
    default="gallery",
    help="The folder of entries (one spec with a [gallery] table each) and the site template.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes drawing at once (default: CPUs)."
)
@_one_line_errors
def gallery_build(folder: Path | None, output: Path, source: Path, jobs: int | None) -> None:
    """Build the site from FOLDER (the gallery's entries and template, as 'gallery init' makes it;
    or --source, by default gallery/): every entry in every style and view, its equations, spec and
    animation.

    Figures that have not changed since the last build into the same folder are kept."""
    from .gallery import build

    if folder is not None:
        if click.get_current_context().get_parameter_source("source") != click.core.ParameterSource.DEFAULT:
            raise DataError("give the entries' folder once, as FOLDER or as --source", name="--source")
        source = folder

    with _progress("drawing") as advance:
        report = build(source, output, workers=jobs, progress=advance)
    click.echo(
        f"built {report.output}/index.html: {_count(report.entries, 'entry', 'entries')}, "
        f"{_count(report.drawn, 'figure')} drawn, {report.reused} kept, {report.seconds:.1f} s"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    """``n`` things, in the singular or plural as ``n`` asks."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


@gallery.command("serve")
@_path_option("-d", "--dir", "folder", kind="folder", default="site", help="The built site to serve.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option(
    "--watch", is_flag=True, help="Build first, then rebuild whenever a file in --source changes; open pages reload."
)
@_path_option("--source", kind="folder", default="gallery", help="With --watch: the gallery's entries and template.")
@_one_line_errors
def gallery_serve(folder: Path, port: int, watch: bool, source: Path) -> None:
    """Serve a built site on localhost for a preview (Ctrl-C stops it)."""
    import threading

    from .gallery import build, serve

    stop = threading.Event()
    if watch:
        from .gallery.watch import sources
        from .gallery.watch import watch as rebuild_on_change

        before = sources(source)  # an edit made from now on is a change to rebuild for
        with _progress("drawing") as advance:
            build(source, folder, progress=advance)
        args = (source, folder)
        kwargs = {"stop": stop, "report": lambda line: click.echo(f"lstmviz: {line}", err=True), "since": before}
        threading.Thread(target=rebuild_on_change, args=args, kwargs=kwargs, daemon=True).start()
    try:
        serve(
            folder,
            port=port,
            ready=lambda url: click.echo(f"serving {folder} at {url} (Ctrl-C to stop)"),
            live=watch,  # open pages reload themselves after each rebuild
        )
    finally:
        stop.set()


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr while frames render; silent when stderr is not a terminal."""
    bar = None

    def advance(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _check_outputs(*outputs: Path | None, inputs: list[str | Path | None]) -> None:
    """Fail before any work when an output could not be written, would replace something that is
    not a regular file, or is one of the command's inputs (the spec, a style, an input array)."""
    from .files import check_target, refuse_inputs

    for path in outputs:
        if path is not None:
            check_target(path)
    refuse_inputs(outputs, inputs)


def _parse_dims(dims: tuple[str, ...], cell: Any) -> dict[str, int]:
    """``--dim NAME=N`` options, each a dim the cell's sizes use, with a whole number in range."""
    from .spec.limits import MAX_DIM
    from .spec.sizes import terms

    used = dict.fromkeys(t for n in cell.nodes for t in terms(n.size) if not t.isdigit())
    out = {}
    for item in dims:
        name, _, value = (part.strip() for part in item.partition("="))
        if name not in used:
            raise DataError(f"the cell has no dim {name!r}", name=f"--dim {item}", fix=f"its dims: {', '.join(used)}")
        if not (value.isascii() and value.isdigit() and len(value) <= 7 and 1 <= int(value) <= MAX_DIM):
            raise DataError(
                f"is not NAME=N with N from 1 to {MAX_DIM:,}", name=f"--dim {item}", fix="write e.g. --dim hidden=16"
            )
        out[name] = int(value)
    return out


def _run_torch(
    model: Path,
    input_path: Path | None,
    steps: int | None,
    batch: int,
    batch_first: bool | None,
    dtype: str | None,
    seed: int,
    output: Path | None,
) -> None:
    """Run every layer and direction of a saved PyTorch model over the input, as PyTorch does: the
    input shaped as the module takes it (its own batch_first, unless overridden), and so the output."""
    import numpy as np

    from .execute.stack import run_stack
    from .torch_interop import stack_from_torch

    stack = stack_from_torch(model)
    first = stack.cells[0][0]
    if batch_first is None:
        batch_first = stack.batch_first
    if input_path is not None:
        x = _read_input(input_path, first, batch_first, source=model)["x"]
        if dtype is not None:
            x = x.astype(dtype)
    else:
        size = first.default_dims["input"]
        x = np.random.default_rng(seed).standard_normal((5 if steps is None else steps, batch, size))
        x = x.astype(dtype or next(iter(stack.params[0][0].values())).weight.dtype)  # as the model's weights
    result = run_stack(stack, x, batch_first=False)  # _read_input gave (T, B, features)
    what = f"{model}: {stack.layers} layer(s) of {stack.kind}, {stack.directions} direction(s);"
    _echo_run(what, result.outputs, result.state, shape="(layers x directions, batch, hidden)")
    if output is not None:
        outputs = result.outputs.transpose(1, 0, 2) if batch_first else result.outputs
        arrays = {"input.x": x.transpose(1, 0, 2) if batch_first else x, "outputs": outputs}
        arrays.update({f"state.{k}": v for k, v in result.state.items()})
        _write_all({output: _npz(arrays, compressed=True)})


def _read_input(path: Path, cell: Any, batch_first: bool | None = False, source: Path | None = None) -> Any:
    """The input arrays by name, shaped (T, B, features): a (T, features) array is one sequence; with
    ``batch_first``, arrays are (B, T, features) and are turned to (T, B, features). ``None``: the
    model ``source`` could not say which, so a three-axis array is refused rather than guessed."""
    import numpy as np

    names = [n.id for n in cell.of_kind("input")]
    from .files import read_arrays

    loaded = read_arrays(path, "an .npy or .npz of input arrays")
    if isinstance(loaded, np.ndarray):
        if len(names) != 1:
            raise DataError(
                f"the cell has inputs {', '.join(names)}", name=str(path), fix="give an .npz with one array per input"
            )
        arrays = {names[0]: loaded}
    else:
        arrays = dict(loaded)  # type: ignore[call-overload]
    if batch_first is None:
        for k, v in arrays.items():
            if v.ndim == 3:
                raise DataError(
                    f"{k} is shaped {v.shape}, and {source} (a state_dict) does not say whether its input is "
                    "(B, T, features) or (T, B, features)",
                    name=str(path),
                    fix="give --batch-first or --time-major",
                )
    elif batch_first:
        for k, v in arrays.items():
            if v.ndim != 3:
                raise DataError(
                    f"{k} has shape {v.shape}, not (B, T, features)", name=str(path), fix="drop --batch-first"
                )
        return {k: v.transpose(1, 0, 2) for k, v in arrays.items()}
    return {k: (v[:, None, :] if v.ndim == 2 else v) for k, v in arrays.items()}


def _summarise(name: str, result: Any) -> None:
    _echo_run(f"{name}:", result.outputs, result.state, shape="(batch, size)")


def _echo_run(what: str, outputs: Any, finals: dict[str, Any], *, shape: str) -> None:
    """A run in a few lines: its shape, the first ten steps' outputs (of the first sequence of the
    batch, when there are several) and the final states of the whole batch (shaped as ``shape`` says)."""
    import numpy as np

    T, B = outputs.shape[:2]
    with np.printoptions(precision=4, suppress=True, linewidth=100, threshold=64, edgeitems=4):
        click.echo(f"{what} {T} steps, batch {B}, outputs {outputs.shape} {outputs.dtype}")
        first = " (first sequence)" if B > 1 else ""
        for t in range(min(T, 10)):
            click.echo(f"  y[{t}]{first} = {outputs[t, 0]}")
        if T > 10:
            click.echo(f"  ... ({T - 10} more steps)")
        for name, value in finals.items():
            shown = "\n    ".join(line.rstrip() for line in str(value if B > 1 else value[..., 0, :]).splitlines())
            click.echo(f"  final {name}{' ' + shape if B > 1 else ''} = {shown}")


def _run_arrays(x: Any, result: Any) -> dict[str, Any]:
    """What ``run -o`` keeps of a run: its inputs, outputs, final states and the trace of every node."""
    arrays = {f"input.{k}": v for k, v in x.items()}
    arrays["outputs"] = result.outputs
    arrays.update({f"state.{k}": v for k, v in result.state.items()})
    arrays.update({f"trace.{k}": v for k, v in result.trace.values.items()})
    return arrays


def _npz(arrays: dict[str, Any], *, compressed: bool = False) -> Callable[[Any], None]:
    """What writes ``arrays`` as an .npz to a binary file."""
    import numpy as np

    save = np.savez_compressed if compressed else np.savez
    return lambda fh: save(fh, **arrays)


def _write_all(files: dict[Path, Any]) -> None:
    """Write a command's files all or none, and say so."""
    from .files import write_all

    write_all(files)
    for path in files:
        click.echo(f"wrote {path}")


if __name__ == "__main__":
    main()
