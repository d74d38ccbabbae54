"""The gallery website: every cell in ``gallery/`` drawn in every style and view, with its equations,
its spec and its animation. ``build`` writes the site; ``serve`` previews it on localhost."""

from .build import Report, build
from .entries import Entry, load_entries
from .serve import serve

__all__ = ["Entry", "Report", "build", "load_entries", "serve"]
