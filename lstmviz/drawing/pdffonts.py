"""Fonts in the PDFs we write: TrueType (Type 42), subset without their layout tables.

Publishers' PDF checks (IEEE PDF eXpress, ACM) accept TrueType fonts and reject matplotlib's
default, Type 3. matplotlib subsets each font with fontTools for every file, and most of that time
went to reading the layout tables (GSUB, GPOS, GDEF, MATH, kern: ligatures, kerning pairs, math
spacing), which no PDF reader uses: text in a PDF is glyphs placed already. Leaving them out makes
a PDF about 40% faster to write and a little smaller, with the same glyphs in the same places.

A subset once made is kept (the last :data:`KEPT` of them, by font and glyphs): the figures of one
cell share their labels' glyphs, and a gallery writes a PDF of each view of each cell.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import io
import logging
import types
from collections.abc import Callable, Iterator
from typing import Any

#: Tables the subset fonts leave out: shaping and kerning, used before text is placed.
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "BASE", "JSTF", "kern")

#: matplotlib settings for a PDF to hand to a publisher.
PUBLISHER = {"pdf.fonttype": 42, "ps.fonttype": 42}

#: Font subsets kept, at most (each a few tens of kilobytes).
KEPT = 256

_LEAN = contextvars.ContextVar("lstmviz_lean_fonts", default=False)
_SUBSETS: collections.OrderedDict[tuple[Any, ...], tuple[bytes, dict[Any, Any]]] = collections.OrderedDict()


@contextlib.contextmanager
def for_print() -> Iterator[None]:
    """matplotlib's settings while writing a PDF to print: TrueType fonts, subset lean (in this
    thread only; other users of matplotlib in the process get its usual subsets)."""
    import matplotlib

    _install()
    token = _LEAN.set(True)
    fonttools = logging.getLogger("fontTools")
    level = fonttools.level
    # fontTools' notes on the fonts it reads (Computer Modern's dates "seem very low") are not the
    # user's to act on, and without logging set up Python printed them on stderr
    fonttools.setLevel(max(level, logging.ERROR))
    try:
        with matplotlib.rc_context(PUBLISHER):
            yield
    finally:
        fonttools.setLevel(level)
        _LEAN.reset(token)


class _Subsetting(types.ModuleType):
    """fontTools.subset as matplotlib's PDF backend sees it: the same module, but the fonts it
    loads lose their layout tables while :func:`for_print` is in effect (before the subsetter
    reads them, as it does even for tables it is told to drop)."""

    def __init__(self, real: types.ModuleType) -> None:
        super().__init__(real.__name__, real.__doc__)
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def load_font(self, *args: Any, **kwargs: Any) -> Any:
        font = self.real.load_font(*args, **kwargs)
        if _LEAN.get():
            for tag in LAYOUT_TABLES:
                if tag in font:
                    del font[tag]
        return font


def _install() -> None:
    """Put :class:`_Subsetting` where matplotlib's font subsetting (``_backend_pdf_ps``, private)
    looks for fontTools.subset; where a matplotlib version looks elsewhere, its subsets stay whole."""
    from matplotlib.backends import _backend_pdf_ps

    real = getattr(_backend_pdf_ps, "subset", None)
    if isinstance(real, types.ModuleType) and not isinstance(real, _Subsetting) and hasattr(real, "load_font"):
        _backend_pdf_ps.subset = _Subsetting(real)
    made = getattr(_backend_pdf_ps, "get_glyphs_subset", None)
    results = getattr(_backend_pdf_ps, "SubsetResults", None)
    as_file = getattr(_backend_pdf_ps, "font_as_file", None)
    if callable(made) and not hasattr(made, "made") and hasattr(results, "_as_cm") and callable(as_file):
        _backend_pdf_ps.get_glyphs_subset = _kept(made, results, as_file)


def _kept(made: Callable[..., Any], results: Any, as_file: Callable[[Any], io.BytesIO]) -> Callable[..., Any]:
    """matplotlib's get_glyphs_subset, its subsets kept while :func:`for_print` is in effect: a
    subset asked for again is the font saved the first time, read back (no table is decoded, so
    it is saved again byte for byte), not the whole font read and subset once more."""

    def get_glyphs_subset(fontfile: Any, glyphs: Any) -> Any:
        if not _LEAN.get():
            return made(fontfile, glyphs)
        from fontTools.ttLib import TTFont

        key = (fontfile, getattr(fontfile, "face_index", 0), frozenset(glyphs))
        kept = _SUBSETS.get(key)
        if kept is None:
            with made(fontfile, glyphs) as subset:
                kept = _SUBSETS[key] = (as_file(subset.font).getvalue(), dict(subset.glyph_index_map))
            while len(_SUBSETS) > KEPT:
                _SUBSETS.popitem(last=False)
        else:
            _SUBSETS.move_to_end(key)
        return results(TTFont(io.BytesIO(kept[0])), dict(kept[1]))._as_cm()

    get_glyphs_subset.made = made  # type: ignore[attr-defined]
    return get_glyphs_subset
