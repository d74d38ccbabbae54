"""``python -m lstmviz.cli`` is the ``lstmviz`` command."""

from . import main

main()
