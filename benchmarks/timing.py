"""What the benchmark scripts share: timing a call the same way everywhere."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` calls, in seconds (the least disturbed by the rest of the machine)."""
    fn()  # warm up: caches, lazy initialisation, the plan
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
