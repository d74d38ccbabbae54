"""The ``lstmviz`` command. It parses options and calls the public API; it imports nothing heavy at
start-up (matplotlib, graphviz and PyTorch are imported by the API when a command needs them).

The commands live by what they do: ``numbers`` (list, check, show, run, from-torch), ``figures``
(render, figures, steps, animate, explain), ``learning`` (train, gradients, explore) and ``gallery``;
the options they share are declared once, in ``options``.
"""

from __future__ import annotations

from . import figures, gallery, learning, numbers  # noqa: F401 - each registers its commands with main
from .group import main
from .options import TASKS

__all__ = ["TASKS", "main"]
