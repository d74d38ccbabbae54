"""``python -m lstmviz`` is the ``lstmviz`` command."""

from .cli import main

main()
