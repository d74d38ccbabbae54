"""Checks at the door of the Python API: each argument of the type it must be and within its range,
before any work starts. A wrong type is a TypeError naming the argument (as Python's own are); a
wrong value is lstmviz's DataError (a ValueError) naming it, with the fix."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .errors import DataError


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__


def integer(value: object, name: str, *, low: int, high: int | None = None, optional: bool = False) -> int | None:
    """A whole number from ``low`` to ``high`` (None: when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {_kind(value)}")
    if value < low or (high is not None and value > high):
        span = f"from {low:,} to {high:,}" if high is not None else f"{low:,} or more"
        shown = f"{value:,}" if abs(value) < 10**30 else f"a number of {len(str(abs(value)))} digits"
        raise DataError(f"{shown} is not {span}", name=name, fix=f"give {name} {span}")
    return value


def number(value: object, name: str, *, low: float, high: float, optional: bool = False) -> float | None:
    """A finite real number from ``low`` to ``high`` (None: when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {_kind(value)}")
    if isinstance(value, int) and abs(value) > 10**30:
        value = math.copysign(math.inf, value)
    if not (math.isfinite(value) and low <= value <= high):
        raise DataError(f"{value!r:.30} is not from {low:g} to {high:g}", name=name, fix=f"give {name} in that range")
    return float(value)


def flag(value: object, name: str) -> bool:
    """True or False (a number or a string is refused rather than read for its truth)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {_kind(value)}")
    return value


def text(value: object, name: str, *, optional: bool = False) -> str | None:
    """A string (None: when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {_kind(value)}")
    return value


def path(value: object, name: str, *, optional: bool = False) -> Path | None:
    """The path of a file or folder: a string or an ``os.PathLike`` (None: when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{name} must be a path (a string or a pathlib.Path), not {_kind(value)}")
    if isinstance(value, str) and not value.strip():
        raise DataError("is an empty path", name=name, fix=f"give {name} a file name")
    return fits(Path(value), name)


#: The longest file name (one part of a path) and the longest path, in bytes, that Linux takes.
NAME_MAX, PATH_MAX = 255, 4095


def fits(given: Path, name: str) -> Path:
    """``given``, refused in one line when the file system could not hold a name that long (the
    system would say so only as an OSError, from wherever the path is first used)."""
    raw = os.fsencode(given)
    if len(raw) > PATH_MAX or any(len(part) > NAME_MAX for part in raw.split(b"/")):
        raise DataError(
            f"is a path too long for the file system ({len(raw):,} bytes)",
            name=f"{name}: {str(given)[:40]}...",
            fix=f"give names of at most {NAME_MAX} bytes",
        )
    return given


def named_or_path(value: object, name: str, *, also: tuple[type, ...] = ()) -> Any:
    """A name (a built-in cell's, a style's), a path, or one of the types in ``also``."""
    if isinstance(value, (str, os.PathLike, *also)):
        if isinstance(value, str) and not value.strip():
            raise DataError("is empty", name=name, fix=f"give {name} a name or a path")
        if isinstance(value, str | os.PathLike):
            fits(Path(value), name)
        return value
    kinds = ", ".join(["a name", "a path", *(f"a {t.__name__}" for t in also)])
    raise TypeError(f"{name} must be {kinds}, not {_kind(value)}")


def mapping(value: object, name: str, *, optional: bool = True) -> Mapping[Any, Any] | None:
    """A mapping (a dict) (None: when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping (a dict), not {_kind(value)}")
    return value


def dims(value: object, name: str = "dims") -> Mapping[str, int] | None:
    """Dim sizes by name, as ``{"hidden": 16}``: each a whole number from 1 to the spec's limit."""
    from .spec.limits import MAX_DIM

    given = mapping(value, name)
    for key, size in (given or {}).items():
        text(key, f"a key of {name}")
        integer(size, f"{name}[{key!r:.40}]", low=1, high=MAX_DIM)
    return given


def callback(value: object, name: str) -> Callable[..., Any] | None:
    """A function to call, or None."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a function (or None), not {_kind(value)}")
    return value


def size(value: object, name: str) -> object:
    """A length or font size: a number, a string with a unit (checked where it is read), or None."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
        raise TypeError(f"{name} must be a number or a string such as '8cm', not {_kind(value)}")
    return value


def figure(
    *,
    style: object = "colah",
    labels: object = "notation",
    width: object = None,
    font: object = None,
    font_size: object = None,
    transparent: object = False,
    view: object = "cell",
    focus: object = None,
    fmt: object = None,
) -> None:
    """The options every figure takes, as :func:`lstmviz.render` names them."""
    named_or_path(style, "style")
    text(labels, "labels")
    text(view, "view", optional=True)
    text(focus, "focus", optional=True)
    text(fmt, "fmt", optional=True)
    text(font, "font", optional=True)
    size(width, "width")
    size(font_size, "font_size")
    flag(transparent, "transparent")


def dtype(value: object, name: str = "dtype", *, optional: bool = False) -> Any:
    """float32 or float64, by any name NumPy gives them (None: when ``optional``)."""
    import numpy as np

    if value is None and optional:
        return None
    if value is None or isinstance(value, bool | int | float | Mapping):
        raise TypeError(f"{name} must be float32 or float64, not {_kind(value)}")
    try:
        resolved = np.dtype(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be float32 or float64, not {value!r:.40}") from None
    if resolved not in (np.float32, np.float64):
        raise DataError(f"dtype {resolved} is not supported", name=name, fix="use float32 or float64")
    return resolved


def graph(value: object, name: str = "graph") -> Any:
    """A :class:`~lstmviz.spec.graph.CellGraph` (what :func:`lstmviz.load` returns)."""
    from .spec.graph import CellGraph

    if not isinstance(value, CellGraph):
        raise TypeError(f"{name} must be a CellGraph (lstmviz.load('lstm')), not {_kind(value)}")
    return value


def cells(value: object, *, also: tuple[type, ...]) -> list[Any]:
    """A cell given alone, or a non-empty list of them (a string is one cell, not its letters)."""
    if isinstance(value, (str, os.PathLike, *also)):
        value = [value]
    if not isinstance(value, list | tuple) or not value:
        raise TypeError(f"cells must be a cell or a list of cells, not {value!r:.60}")
    for k, one in enumerate(value):
        named_or_path(one, f"cells[{k}]", also=also)
    return list(value)


def run_options(options: Mapping[str, Any]) -> None:
    """The keywords :func:`run` passes on to the executor, checked at the door."""
    known = ("state", "dtype", "dims", "seed")
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise TypeError(f"run() got an unexpected keyword argument {unknown[0]!r} (it takes {', '.join(known)})")
    mapping(options.get("state"), "state")
    dims(options.get("dims"))
    dtype(options.get("dtype"), optional=True)
    integer(options.get("seed", 0), "seed", low=0)


def axes(ax: Any) -> None:
    """Refuse, naming it, an ``ax`` that is not a matplotlib Axes."""
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (fig.add_subplot()), not {type(ax).__name__}")


def window(window: Any) -> None:
    """Refuse, naming it, a ``window`` that is not two whole numbers, start before stop."""
    if window is None:
        return
    if not (isinstance(window, tuple | list) and len(window) == 2):
        raise TypeError(f"window must be (start, stop), not {window!r:.60}")
    start = integer(window[0], "window start", low=0)
    stop = integer(window[1], "window stop", low=1)
    if stop <= start:  # type: ignore[operator]
        raise DataError(f"{window!r} stops before it starts", name="window", fix="give (start, stop), e.g. (0, 8)")
