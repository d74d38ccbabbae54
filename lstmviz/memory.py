"""How much memory this machine has, and refusing work that would need more than its share, before
anything is allocated: a run, a PNG, a video. One message shape for all of them."""

from __future__ import annotations

import os

from .errors import DataError

#: The share of this machine's memory a run may ask for; beyond it is a typo in a dim, not a model.
MEMORY_SHARE = 0.5


def require_memory(need: int, what: str, *, name: str, fix: str) -> None:
    """Refuse, before allocating it, work that would take more than :data:`MEMORY_SHARE` of this
    machine's memory (``need`` bytes, for ``what``)."""
    limit = int(_memory() * MEMORY_SHARE)
    if need > limit:
        raise DataError(
            f"{what} would need about {_gib(need)}, more than {_gib(limit)}, half this machine's memory",
            name=name,
            fix=fix,
        )


def _memory() -> int:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # no sysconf: assume a small machine
        return 8 << 30


def _gib(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.1f} MiB"
