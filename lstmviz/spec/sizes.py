"""Vector sizes in a spec: a whole number, a dim name (``hidden``), or a sum (``hidden+input``).

Sizes stay symbolic in the graph so one spec serves every width; they become numbers only when
the executor is given dims.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from ..errors import SpecError
from .limits import MAX_DIM, MAX_LABEL
from .vocab import is_identifier

Size = int | str
#: Characters of a size written as text (a sum of dims).
MAX_SIZE_TEXT = MAX_LABEL
#: The dims a spec gets when it names none: small, so that figures and examples stay readable.
DEFAULT_DIMS = {"input": 3, "hidden": 4}
Terms = tuple[str, ...]


def terms(size: Size, *, name: str | None = None) -> Terms:
    """The parts of a size expression, each a dim name or a positive whole number."""
    if isinstance(size, bool) or not isinstance(size, int | str):
        raise SpecError(
            f"size {size!r} is neither a number nor a dim name", name=name, fix='write e.g. size = "hidden"'
        )
    try:
        return _terms(size)
    except SpecError as err:
        raise SpecError(err.message, name=name, fix=err.fix) from None


@functools.lru_cache(maxsize=1024)
def _terms(size: Size) -> Terms:
    if isinstance(size, int):
        if not 1 <= size <= MAX_DIM:
            raise SpecError(f"size {size} is not from 1 to {MAX_DIM:,}", fix="give a size of 1 or more")
        return (str(size),)
    if len(size) > MAX_SIZE_TEXT:
        raise SpecError(f"size of {len(size):,} characters", fix=f"write a size of at most {MAX_SIZE_TEXT} characters")
    parts = tuple(p.strip() for p in size.split("+"))
    for part in parts:
        if not (is_identifier(part) or is_count(part)):
            raise SpecError(
                f"size {size!r} is not a dim name, a number from 1 to {MAX_DIM:,} or a sum of them",
                fix='write e.g. size = "hidden" or size = 16',
            )
    return parts


def is_count(text: str) -> bool:
    """Whether ``text`` is a whole number from 1 to :data:`MAX_DIM` in ASCII digits (``"²"`` and
    ``"٣"`` are digits to Python, not to a spec), measured before it is converted."""
    return text.isascii() and text.isdigit() and len(text) <= len(str(MAX_DIM)) and 1 <= int(text) <= MAX_DIM


def check_dim(name: object, value: object) -> None:
    """Refuse a dim that is not a plain name with a whole number from 1 to :data:`MAX_DIM`."""
    if not is_identifier(name):
        raise SpecError("is not a valid dim name", name=str(name), fix="use letters, digits and underscores")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DIM:
        raise SpecError(f"dim has value {value!r}", name=str(name), fix=f"give a whole number from 1 to {MAX_DIM:,}")


def join(parts: Iterable[Size]) -> Size:
    """The size of several vectors laid end to end (a concatenation)."""
    return "+".join(t for p in parts for t in terms(p))


def same(a: Size, b: Size) -> bool:
    """Whether two sizes are the same for every choice of dims."""
    return terms(a) == terms(b)


def resolve(size: Size, dims: Mapping[str, int]) -> int:
    """The number a size stands for, given the dims."""
    total = 0
    for part in terms(size):
        if is_count(part):
            total += int(part)
        elif part in dims:
            total += dims[part]
        else:
            raise SpecError(
                f"size uses dim {part!r}, which has no value",
                name=part,
                fix=f"give it one (dims: {', '.join(dims) or 'none'})",
            )
    return total
