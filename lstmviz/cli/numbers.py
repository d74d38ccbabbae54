"""The commands about a cell and its numbers: list, check, show, run, from-torch."""

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
    npz,
    parse_dims,
    path_option,
    seed_option,
    steps_option,
    style_option,
    width_option,
    write_and_say,
)  # fmt: skip


@main.command("list")
def list_cells() -> None:
    """List the built-in cells."""
    width = max(map(len, api.BUILTINS))
    for name in api.BUILTINS:
        click.echo(f"{name:<{width}}  {api.load(name).description}")


@main.command()
@click.argument("spec")
@one_line_errors
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
@path_option("-o", "--output", help="Write the TOML here.")
@one_line_errors
def show(spec: str, output: Path | None) -> None:
    """Print SPEC in canonical TOML form (equation-form specs come out as [[node]] tables)."""
    check_outputs(output, inputs=[spec])
    cell = api.load(spec)
    if output is None:
        click.echo(api.dump_spec(cell), nl=False)
    else:
        api.save_spec(cell, output)


@main.command()
@click.argument("spec")
@steps_option(
    low=1,
    high=100_000,
    default=None,
    help="Run on this many steps of seeded random input (default 5 without --input; longer: give --input).",
)
@click.option(
    "--batch", "-B", type=click.IntRange(min=1), default=1, show_default=True, help="Batch size of the random input."
)
@data_options
@dims_option
@click.option(
    "--dtype",
    type=click.Choice(["float32", "float64"]),
    default=None,
    help="Arithmetic precision (default: that of --input, float32 for random input).",
)
@seed_option()
@path_option("-o", "--output", help="Write inputs, outputs, final states and the trace of every node to this .npz.")
@path_option("--save-params", help="Write the parameters used to this .npz.")
@click.option("--plan", "show_plan", is_flag=True, help="Also print how the executor compiled the cell.")
@click.option(
    "--batch-first/--time-major",
    default=None,
    help="--input is shaped (B, T, features), as PyTorch's batch_first, or (T, B, features). Default: a "
    "PyTorch module's own setting; time-major for a spec. A state_dict cannot say: give one for a 3-axis input.",
)
@one_line_errors
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

    if output is not None and save_params is not None and output.resolve() == save_params.resolve():
        raise DataError("is given as both -o and --save-params", name=str(output), fix="give two files")
    check_outputs(output, save_params, inputs=[spec, input_path, params_path])
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
    given_dims = parse_dims(dims, cell)
    if input_path is not None:
        x = api.read_input(input_path, cell, bool(batch_first))
    else:
        dtype = dtype or "float32"
        T = 5 if steps is None else steps
        x = api.random_input(cell, T, batch, seed=seed, dims=given_dims, dtype=dtype, trace=output is not None)
    params = api.load_params(params_path) if params_path is not None else None
    try:
        result = api.run(cell, x, params, trace=output is not None, dtype=dtype, dims=given_dims, seed=seed)
    except DataError as err:  # name the parameter file when the parameters are what does not fit
        learning = {n.id for n in api.learned(cell)}
        raise (err.located(params_path) if params_path and err.name in learning else err) from None
    if show_plan:
        click.echo(api.compile(cell).describe())
    _summarise(cell.name, result)
    files = {}
    if output is not None:
        files[output] = npz(_run_arrays(x, result), compressed=True)
    if save_params is not None:
        files[save_params] = npz(api.flat_params(result.params))
    write_and_say(files)


@main.command("from-torch")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path), metavar="MODEL | FILE.py:NAME")
@path_option(
    "-o",
    "--output",
    required=True,
    help="A .toml (the cell of one layer and direction), or a figure (.svg, .png, .pdf): "
    "the cell, or the whole stack of a module with several layers or directions.",
)
@path_option("--params", "params_path", help="Also write the layer's weights to this .npz (for --params of run).")
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
@click.option("--input-size", type=click.IntRange(min=1), default=None, help="With FILE.py:NAME: the input's size.")
@click.option("--hidden-size", type=click.IntRange(min=1), default=None, help="With FILE.py:NAME: the state's size.")
@path_option("--svg", "svg_path", help="With FILE.py:NAME: also draw the traced cell here.")
@style_option
@width_option()
@one_line_errors
def from_torch(
    model: Path,
    output: Path,
    params_path: Path | None,
    layer: int | None,
    direction: str,
    prefix: str | None,
    input_size: int | None,
    hidden_size: int | None,
    svg_path: Path | None,
    style: str,
    width: str | None,
) -> None:
    """Take the cell and weights of a PyTorch model saved with torch.save (a state_dict, or a
    whole nn.RNN, nn.LSTM, nn.GRU or Cell; read without running anything in the file).

    Or trace your own cell from its code: FILE.py:NAME names an nn.Module class (built with
    input_size= and hidden_size=) or a function returning a module, whose forward(x, state) returns
    the new state. This RUNS YOUR FILE, as python does; give only a file you trust."""
    if str(model).endswith(".py") or ".py:" in str(model):
        return _trace_file(str(model), output, params_path, input_size, hidden_size, svg_path, style, width)
    if input_size is not None or hidden_size is not None or svg_path is not None:
        raise DataError("--input-size, --hidden-size and --svg go with FILE.py:NAME", name=str(model), fix="drop them")
    check_outputs(output, params_path, inputs=[model])
    if params_path is not None and output.resolve() == params_path.resolve():
        raise DataError("is given as both -o and --params", name=str(output), fix="give two files")
    figure = output.suffix.lower() in (".svg", ".png", ".pdf")
    if not figure and output.suffix.lower() != ".toml":
        raise DataError("is neither a .toml nor a figure", name=str(output), fix="write to cell.toml or stack.svg")
    if figure and layer is None and params_path is None:
        stack = api.stack_from_torch(model, prefix=prefix)
        if stack.layers > 1 or stack.directions > 1:
            api.render_stack(stack, output, style=style, width=width)
            click.echo(f"wrote {output}: {stack.layers} layer(s) of {stack.kind} in {stack.directions} direction(s)")
            return
    cell, params = api.from_torch(model, layer=layer, direction=direction, prefix=prefix)
    files: dict[Path, Any] = {}
    if figure:
        import tempfile

        with tempfile.TemporaryDirectory() as work:  # drawn first, then written with the weights, or neither
            drawn = Path(work) / f"cell{output.suffix.lower()}"
            api.render(cell, drawn, style=style, width=width)
            files[output] = drawn.read_bytes()
    else:
        files[output] = api.dump_spec(cell).encode("utf-8")
    if params_path is not None:
        files[params_path] = npz(api.flat_params(params))
    write_and_say(files)


def _trace_file(
    reference: str,
    output: Path,
    params_path: Path | None,
    input_size: int | None,
    hidden_size: int | None,
    svg_path: Path | None,
    style: str,
    width: str | None,
) -> None:
    """from-torch FILE.py:NAME: the module traced into a cell (.toml), its weights, its figure."""
    if input_size is None or hidden_size is None:
        raise DataError("needs --input-size and --hidden-size", name=reference, fix="give both (e.g. 3 and 4)")
    file = Path(reference.rpartition(":")[0] or reference)
    check_outputs(output, params_path, svg_path, inputs=[file])
    if output.suffix.lower() != ".toml":
        raise DataError("is not a .toml: the traced cell is written as a spec", name=str(output), fix="-o cell.toml")
    cell, params = api.trace_file(reference, input_size=input_size, hidden_size=hidden_size)
    files: dict[Path, Any] = {output: api.dump_spec(cell).encode("utf-8")}
    if params_path is not None:
        files[params_path] = npz(api.flat_params(params))
    if svg_path is not None:
        files[svg_path] = str(api.render(cell, style=style, width=width)).encode("utf-8")
    write_and_say(files)


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
    """Run every layer and direction of a saved PyTorch model over the input, as PyTorch does, and
    write its input and output shaped as the module takes them."""
    ran = api.run_saved(model, input_path, steps=steps, batch=batch, batch_first=batch_first, dtype=dtype, seed=seed)
    stack, x, result = ran.stack, ran.x, ran.result
    what = f"{model}: {stack.layers} layer(s) of {stack.kind}, {stack.directions} direction(s);"
    _echo_run(what, result.outputs, result.state, shape="(layers x directions, batch, hidden)")
    if output is not None:
        outputs = result.outputs.transpose(1, 0, 2) if ran.batch_first else result.outputs
        arrays = {"input.x": x.transpose(1, 0, 2) if ran.batch_first else x, "outputs": outputs}
        arrays.update({f"state.{k}": v for k, v in result.state.items()})
        write_and_say({output: npz(arrays, compressed=True)})


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
