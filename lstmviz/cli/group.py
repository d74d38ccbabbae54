"""The ``lstmviz`` command group: click's and lstmviz's errors as one line and exit status 2."""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import LstmvizError, NonFiniteWarning
from ..signals import exit_on_termination

#: A command function, as the decorators take and return it.
F = TypeVar("F", bound=Callable[..., Any])


def one_line_errors(fn: F) -> F:
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
