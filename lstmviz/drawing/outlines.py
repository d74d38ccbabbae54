"""Labels in a user's own matplotlib figure that never become Type 3 fonts.

A figure saved by the user is written with the user's rcParams, and matplotlib's default embeds
text as Type 3 fonts, which publishers refuse. The font type of a PDF or PostScript file is read
from the global ``pdf.fonttype`` (``ps.fonttype``) when the file is finished, for every font in it,
so one artist cannot ask for TrueType alone. Our labels therefore stay text where the file embeds
TrueType (``fonttype`` 42), and are drawn as the glyphs' outlines where it would embed Type 3, or
always when asked: the same shapes in the same places, and no font of ours in the file.
"""

from __future__ import annotations

import functools
from typing import Any

#: The setting that decides the fonts a renderer's file embeds, by the renderer's class name.
FONTTYPE = {"RendererPdf": "pdf.fonttype", "RendererPS": "ps.fonttype"}
TRUETYPE = 42


def label(ax: Any, x: float, y: float, text: str, *, outlined: bool = False, **kwargs: Any) -> Any:
    """A text artist added to ``ax`` as ``ax.text`` would add it, drawn as outlines where a PDF or
    PostScript file would otherwise embed it as Type 3 (always, with ``outlined``)."""
    artist = _label_class()(x, y, text, transform=ax.transData, clip_on=False, **kwargs)  # as ax.text sets it
    artist.outlined = outlined
    ax.add_artist(artist)
    return artist


@functools.cache
def _label_class() -> type:
    from matplotlib.text import Text

    class Label(Text):
        """A label of a figure of ours: text, or its outlines where text would be a Type 3 font."""

        outlined = False

        def draw(self, renderer: Any) -> None:
            if self.outlined or _type3(renderer):
                renderer = _Outlining(renderer)
            super().draw(renderer)

    return Label


def _type3(renderer: Any) -> bool:
    """Whether text drawn by ``renderer`` would be embedded as a Type 3 font."""
    import matplotlib

    inner = getattr(renderer, "_renderer", renderer)  # the PDF renderer inside a MixedModeRenderer
    key = FONTTYPE.get(type(inner).__name__)
    return key is not None and matplotlib.rcParams[key] != TRUETYPE


class _Outlining:
    """A renderer that draws text as paths (the glyphs' outlines) and is otherwise the one it wraps."""

    def __init__(self, renderer: Any) -> None:
        self._wrapped = renderer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:  # fmt: skip
        self._wrapped._draw_text_as_path(gc, x, y, s, prop, angle, ismath, mtext)
