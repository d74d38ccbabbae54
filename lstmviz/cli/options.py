"""What the commands share: their options (each declared once, here) and the few steps every
command takes around the API: a progress bar, outputs checked first, files written all or none."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from .. import api
from ..errors import DataError
from .group import F


def path_option(
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


def data_options(fn: F) -> F:
    """The options that give a cell its numbers: an input file and a parameter file."""
    fn = path_option(
        "--params", "params_path", help=".npz of parameters (keys like f.weight, f.bias); seeded random otherwise."
    )(fn)
    return path_option(
        "--input", "input_path", help=".npy shaped (T, B, features) or (T, features); .npz with one array per input."
    )(fn)


def seed_option(help: str = "Seed of the random input and parameters.") -> Callable[[F], F]:  # noqa: A002
    """--seed: every random choice of the command starts from it."""
    return click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help=help)


def dims_option(fn: F) -> F:
    """--dim NAME=N, given once per dim (see :func:`parse_dims`)."""
    return click.option("--dim", "dims", multiple=True, metavar="NAME=N", help="Set a dim, e.g. --dim hidden=16.")(fn)


def steps_option(*, low: int, high: int, default: int | None, help: str) -> Callable[[F], F]:  # noqa: A002
    """--steps / -T: how many time steps, from ``low`` to ``high``."""
    return click.option(
        "--steps", "-T", type=click.IntRange(low, high), default=default, show_default=default is not None, help=help
    )


def task_option(*, default: str | None, help: str) -> Callable[[F], F]:  # noqa: A002
    """--task: one of the toy tasks (:data:`TASKS`)."""
    shown = default is not None
    return click.option("--task", type=click.Choice(TASKS), default=default, show_default=shown, help=help)


def hidden_option(help: str = "Units of the cell.") -> Callable[[F], F]:  # noqa: A002
    """--hidden: units of a cell trained on a task."""
    return click.option("--hidden", type=click.IntRange(1, 1024), default=16, show_default=True, help=help)


style_option = click.option(
    "--style",
    default="colah",
    show_default=True,
    help="colah, dark, print, pipe, pipe-dark, or the path of a style .toml.",
)
labels_option = click.option(
    "--labels",
    default="notation",
    show_default=True,
    help="Label set: notation (f_t, C_t), plain (words), pytorch (i, f, g, o), or one the spec names.",
)


def width_option(*, pixels: bool = False) -> Callable[[F], F]:
    """--width: a figure's printed width with its unit, or (``pixels``) a video's width in pixels."""
    kind: dict[str, Any] = {"help": "Printed width: 8cm, 600px, 3in ..."}
    if pixels:
        kind = {
            "type": click.IntRange(min=200, max=8000),
            "help": "Pixels wide, for .gif and .mp4 (default: the figure's width, at least 1000).",
        }
    return click.option("--width", default=None, **kind)


def view_option(*, default: str | None, help: str) -> Callable[[F], F]:  # noqa: A002
    """--view: which picture of the cell (the views a command can draw, as ``help`` lists them)."""
    return click.option("--view", default=default, show_default=default is not None, help=help)


def format_option(choices: tuple[str, ...], help: str) -> Callable[[F], F]:  # noqa: A002
    """--format: the files' format, where a folder's name cannot say it."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True, help=help)


def figure_options(fn: F) -> F:
    """The options every figure command takes: style, label set, printed width, font, background."""
    options = [
        style_option,
        labels_option,
        width_option(),
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


#: The toy tasks, named here so that --help needs no import of the training code.
TASKS = ("copy", "count", "memorise", "parity", "adding")


@contextlib.contextmanager
def progress(label: str) -> Iterator[Callable[[int, int], None]]:
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


def check_outputs(*outputs: Path | None, inputs: list[str | Path | None]) -> None:
    """Fail before any work when an output could not be written, would replace something that is
    not a regular file, or is one of the command's inputs (the spec, a style, an input array)."""
    from ..files import check_target, refuse_inputs

    for path in outputs:
        if path is not None:
            check_target(path)
    refuse_inputs(outputs, inputs)


def parse_dims(dims: tuple[str, ...], cell: Any) -> dict[str, int]:
    """``--dim NAME=N`` options, each a dim the cell's sizes use, with a whole number in range."""
    used, MAX_DIM = api.dim_names(cell), api.MAX_DIM
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


def npz(arrays: dict[str, Any], *, compressed: bool = False) -> Callable[[Any], None]:
    """What writes ``arrays`` as an .npz to a binary file."""
    import numpy as np

    save = np.savez_compressed if compressed else np.savez
    return lambda fh: save(fh, **arrays)


def write_and_say(files: dict[Path, Any]) -> None:
    """Write a command's files all or none, and say so."""
    from ..files import write_all

    write_all(files)
    for path in files:
        click.echo(f"wrote {path}")
