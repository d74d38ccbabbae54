"""The one error a user sees for bad input: where it is, what is wrong, how to fix it."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path


class LstmvizError(ValueError):
    """Input that lstmviz cannot accept: a spec, an array, a parameter file, an option.

    ``str(err)`` is one line: ``file:line: 'name': what is wrong; fix``. The parts are kept
    apart so that a loader which knows the file can add it to an error raised by code that
    only knew the node.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        fix: str | None = None,
        file: str | Path | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.name = name
        self.fix = fix
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(self.one_line())

    def __reduce__(self) -> tuple[object, tuple[str]]:
        """Pickle every part (errors cross from the gallery's worker processes whole)."""
        rebuild = functools.partial(type(self), name=self.name, fix=self.fix, file=self.file, line=self.line)
        return rebuild, (self.message,)

    def one_line(self) -> str:
        """The error as a single line, for a terminal or a log."""
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        what = f"{self.name!r}: " if self.name else ""
        fix = f"; {self.fix}" if self.fix else ""
        return " ".join(f"{where}{what}{self.message}{fix}".split())

    def located(self, file: str | Path | None, line: int | None = None) -> LstmvizError:
        """A copy of this error that names ``file`` (and ``line`` when this one has none)."""
        return type(self)(
            self.message,
            name=self.name,
            fix=self.fix,
            file=file if file is not None else self.file,
            line=self.line or line,
        )


class SpecError(LstmvizError):
    """A cell spec that is malformed or does not describe a valid cell."""


class DataError(LstmvizError):
    """Arrays, parameters or files given to run a cell that do not fit it."""


@dataclasses.dataclass(frozen=True)
class Choice:
    """Validates one user-facing choice against its known values, with one message shape."""

    what: str
    options: tuple[str, ...]

    def check(self, value: object, *, name: str | None = None) -> str:
        if value in self.options:
            return str(value)
        raise SpecError(
            f"unknown {self.what} {value!r} (must be one of {', '.join(self.options)})",
            name=name,
        )


class NonFiniteWarning(UserWarning):
    """A run met NaN or infinity: in its inputs, or in a value it computed. The message names the
    first step and node, so the cause can be found (an input of 1e300 in float32, a log of zero)."""


class MissingGlyphWarning(UserWarning):
    """A label holds characters that no font of a PNG, PDF or video has: they are drawn as empty boxes."""
