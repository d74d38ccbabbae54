"""What the benchmark scripts share: timing a call the same way everywhere, and measuring an older
commit beside the working tree (checked out in a temporary worktree, measured in a process of its
own that imports that tree's lstmviz)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` calls, in seconds (the least disturbed by the rest of the machine)."""
    fn()  # warm up: caches, lazy initialisation, the plan
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


@contextlib.contextmanager
def checked_out(rev: str) -> Iterator[Path]:
    """The commit ``rev`` in a temporary worktree, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), rev], check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)


def measured_in(script: str, root: Path, *args: str) -> Any:
    """What ``script --root ROOT ARGS`` prints as JSON: a measurement of the tree at ``root`` in a
    process of its own."""
    command = [sys.executable, script, "--root", str(root), *args]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def use_tree(root: Path) -> None:
    """Import lstmviz from the tree at ``root``: it goes first on the path, and ``lstmviz.styles``
    is that tree's ``styles/`` (an editable install maps the package to the working tree's, which an
    older tree's code may not read)."""
    sys.path.insert(0, str(root))
    spec = importlib.util.spec_from_file_location(
        "lstmviz.styles", root / "styles" / "__init__.py", submodule_search_locations=[str(root / "styles")]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lstmviz.styles"] = module
    spec.loader.exec_module(module)
