"""One figure pipeline: a cell laid out in a view and dressed in a style, its text sized for the
printed width (:func:`figure`, :func:`frames`), and one table of writers by format (:data:`WRITERS`)
through which every figure and animation is written to a file or returned (:func:`emit`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .display import HTML, SVG
from .drawing.scene import Scene, build_scene
from .errors import Choice, SpecError
from .layout.views import layout_view
from .motion.animation import Animation, Clip
from .sizing import dpi_for, inches, metrics_for, sized
from .spec.graph import CellGraph
from .style import Style, adjusted, load_style

#: What moves: an animation of a cell on its values, or a clip of one operation.
Moving = Animation | Clip


def sheet(style: str | Path, *, transparent: bool = False, font: str | None = None) -> Style:
    """A style by name or path, without its background (``transparent``) or in another ``font``."""
    return adjusted(load_style(style), transparent=transparent, font=font)


def figure(
    graph: CellGraph,
    *,
    view: str = "cell",
    focus: str | None = None,
    style: str | Path = "colah",
    width: str | float | None = None,
    font_size: str | float | None = None,
    transparent: bool = False,
    font: str | None = None,
    openings: Mapping[str, float] | None = None,
) -> Scene:
    """``graph`` laid out in ``view`` and dressed in ``style``, its text sized for the printed
    ``width`` (see :func:`lstmviz.sizing.sized`)."""
    dressed = sheet(style, transparent=transparent, font=font)

    def lay_out(s: Style) -> Any:
        return layout_view(graph, view, focus=focus, metrics=metrics_for(s))

    dressed, layout = sized(dressed, lay_out, width, font_size)
    return build_scene(layout, dressed, openings=openings)


def frames(
    graph: CellGraph,
    focuses: list[str],
    *,
    style: str | Path = "colah",
    width: str | float | None = None,
    font_size: str | float | None = None,
    transparent: bool = False,
    font: str | None = None,
) -> list[Scene]:
    """One focus figure of ``graph`` per name in ``focuses`` (a walk-through), every frame the same
    size, the text sized so the widest fits the printed ``width``."""
    dressed = sheet(style, transparent=transparent, font=font)

    def widest(s: Style) -> Any:
        laid_out = [layout_view(graph, "focus", focus=f, metrics=metrics_for(s)) for f in focuses]
        return max(laid_out, key=lambda a: a.width)

    dressed, _ = sized(dressed, widest, width, font_size)
    layouts = [layout_view(graph, "focus", focus=f, metrics=metrics_for(dressed)) for f in focuses]
    w, h = max(a.width for a in layouts), max(a.height for a in layouts)
    return [build_scene(dataclasses.replace(a, width=w, height=h), dressed) for a in layouts]


@dataclasses.dataclass(frozen=True)
class Figure:
    """A still figure to write: its scene, the printed width asked for, and, for a cell, its graph's
    Graphviz text (made only when asked for)."""

    scene: Scene
    width: str | float | None = None
    dot: Callable[[], str] | None = None
    what: str = ""  # what it shows ("lstm cell"), for the repr of the text returned

    @property
    def width_in(self) -> float | None:
        return inches(self.width, self.scene.width) if self.width is not None else None


def _svg(still: Figure) -> str:
    from .drawing.svg import to_svg

    return to_svg(still.scene, width_in=still.width_in)


def _matplotlib(fmt: str) -> Callable[[Figure], bytes]:
    def encode(still: Figure) -> bytes:
        from .drawing.mpl import encode

        return encode(still.scene, fmt=fmt, width_in=still.width_in, dpi=dpi_for(still.width))

    return encode


def _dot(still: Figure) -> str:
    assert still.dot is not None
    return still.dot()


@dataclasses.dataclass(frozen=True)
class Writer:
    """How one format is made, from a still figure, an animation, or both. A text format is
    returned without a file, wrapped by ``shown`` (so a notebook displays it); the rest need one.
    A video is written by the animation itself, frame by frame, whole or not at all."""

    still: Callable[[Figure], str | bytes] | None = None
    moving: Callable[[Moving], str] | None = None
    shown: Callable[[str], Any] | None = None
    video: bool = False


WRITERS: dict[str, Writer] = {
    "svg": Writer(still=_svg, moving=lambda moving: moving.svg(), shown=SVG),
    "png": Writer(still=_matplotlib("png")),
    "pdf": Writer(still=_matplotlib("pdf")),
    "pgf": Writer(still=_matplotlib("pgf")),
    "dot": Writer(still=_dot, shown=str),
    "html": Writer(moving=lambda moving: moving.html(), shown=HTML),  # an animation of a cell's
    "gif": Writer(video=True),
    "mp4": Writer(video=True),
}


#: The formats of a still figure (DOT only for a cell's), and of an animation.
STILL = tuple(f for f, w in WRITERS.items() if w.still)
MOVING = tuple(f for f, w in WRITERS.items() if w.moving or w.video)


def formats(thing: Figure | Moving) -> tuple[str, ...]:
    """The formats ``thing`` can be written in (DOT only for a figure that has a graph, the HTML
    player only for an animation of a cell, which has steps to go through)."""
    if isinstance(thing, Animation):
        return MOVING
    if isinstance(thing, Clip):
        return tuple(f for f in MOVING if f != "html")
    return tuple(f for f in STILL if f != "dot" or thing.dot is not None)


def format_of(output: str | Path | None, fmt: str | None, choices: tuple[str, ...], *, moving: bool = False) -> str:
    """The format ``output`` is written in: ``fmt``, else its suffix (SVG without an output),
    refused in one line unless one of ``choices`` (an animation's when ``moving``), or when it
    cannot be returned as text without an output. Checked before anything is drawn."""
    if fmt is None:
        fmt = Path(output).suffix.lstrip(".").lower() if output is not None else "svg"
    what = "animation format" if moving else "format"
    Choice(what, choices).check(fmt, name=str(output) if output is not None else "fmt")
    if output is None and WRITERS[fmt].shown is None:
        example = "animation.gif" if moving else "figure.png"
        raise SpecError(f"{fmt} output needs a file", name="output", fix=f"pass output='{example}'")
    return fmt


def made(thing: Figure | Moving, fmt: str) -> str | bytes:
    """``thing`` in ``fmt``: text for SVG, DOT and HTML, bytes for the rest (not a video's:
    :meth:`Animation.video` writes those)."""
    writer = WRITERS[fmt]
    return writer.moving(thing) if isinstance(thing, Animation | Clip) else writer.still(thing)  # type: ignore[misc, arg-type]


def encode(thing: Figure | Moving, fmt: str) -> bytes:
    """The bytes of ``thing``'s file in ``fmt``."""
    out = made(thing, fmt)
    return out.encode("utf-8") if isinstance(out, str) else out


def emit(
    thing: Figure | Moving,
    output: str | Path | None,
    fmt: str | None = None,
    *,
    fps: float | None = None,
    width: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Write ``thing`` to ``output`` in ``fmt`` (by default its suffix's) and return None; without an
    output, return it as text (SVG, DOT or, for an animation, HTML), which a notebook displays.
    ``fps``, ``width`` (pixels) and ``progress`` are a video's."""
    moving = isinstance(thing, Animation | Clip)
    fmt = format_of(output, fmt, formats(thing), moving=moving)
    writer = WRITERS[fmt]
    if output is None:
        shown = writer.shown(made(thing, fmt))  # type: ignore[misc]
        what = (
            thing.what
            if isinstance(thing, Figure)
            else f"{thing.title}, animated"
            if isinstance(thing, Animation)
            else ""
        )
        return shown.titled(what) if what and hasattr(shown, "titled") else shown
    if writer.video:
        thing.video(output, fmt=fmt, fps=fps, width=width, progress=progress)  # type: ignore[union-attr]
        return None
    from .files import write_atomic

    write_atomic(output, encode(thing, fmt))
    return None
