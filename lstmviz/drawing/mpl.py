"""The matplotlib backend: the same scene drawn into an Axes, for PNG, PDF and figures with plots.

Scene units are pixels at 100 per inch; text sizes become points. matplotlib is imported only
here, and only when this backend is used.
"""

from __future__ import annotations

import contextlib
import functools
import re
import types
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from .. import mathtext
from ..display import Drawn
from ..errors import DataError, MissingGlyphWarning
from ..spec.limits import MAX_LATEX
from . import outlines
from .scene import Ellipse, Item, Line, Polygon, Rect, Scene, Text, rounded_corners, with_arrowhead

PX_PER_INCH = 100.0


def draw(
    scene: Scene, ax: Any, *, latex: bool = False, pt: float | None = None, outlined: bool = False, cell: str = ""
) -> Drawn:
    """Draw the scene into ``ax`` (y pointing down), and fit the axes to it. ``pt`` is points per
    scene unit, for line weights and text; by default as the scene is scaled to fit the axes, so
    that the figure keeps its proportions at any size. Text is drawn as outlines where a PDF would
    embed it as Type 3 (:mod:`.outlines`), or always with ``outlined``. Returns the artists by id
    (those of ``cell``)."""
    from matplotlib import patches

    if pt is None:
        box = ax.get_position()
        w_in, h_in = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
        pt = 72.0 * min(w_in / scene.width, h_in / scene.height)
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    drawn: dict[str, dict[str, list[Any]]] = {"node": {}, "edge": {}, "label": {}}
    kinds: dict[str, str] = {}
    mine: list[Any] = []

    def add(artist: Any) -> Any:  # as add_patch, but leaving the data limits alone: they are set above
        mine.append(ax.add_artist(artist))
        return artist

    def text(x: float, y: float, s: str, **kwargs: Any) -> None:
        mine.append(outlines.label(ax, x, y, s, outlined=outlined, **kwargs))

    if scene.background != "none":
        add(
            patches.Rectangle((0, 0), scene.width, scene.height, facecolor=scene.background, edgecolor="none", zorder=0)
        )
    z = 1
    for group in scene.groups:
        z += 1
        data = dict(group.data)
        kind = next((k for k in ("node", "edge") if k in data), "")
        gid = data.get("node") or data.get("edge")
        owner = gid or data.get("owner", "")
        if kind:  # every node and edge, even one with nothing drawn (a junction), so ids always resolve
            drawn[kind].setdefault(owner, [])
        if kind == "node" and group.css.startswith("node "):
            kinds[owner] = group.css.split()[1]  # "node layer faded": a layer (a module is no node's)
        for k, item in enumerate(group.items):
            before = len(mine)
            common = {"zorder": z, "gid": gid}
            _item(item, add, text, pt, common, latex)
            into = "label" if k >= len(group.items) - group.labels else kind
            if into and owner:
                drawn[into].setdefault(owner, []).extend(mine[before:])
    by_id = {k: types.MappingProxyType({i: tuple(a) for i, a in v.items()}) for k, v in drawn.items()}
    extent = (0.0, scene.width, scene.height, 0.0)
    return Drawn(cell, ax, by_id["node"], by_id["edge"], by_id["label"], types.MappingProxyType(kinds), extent)


def _item(
    item: Item, add: Callable[[Any], Any], text: Callable[..., None], pt: float, common: dict[str, Any], latex: bool
) -> None:
    """One primitive of the scene as matplotlib artists, given to ``add`` (patches) or ``text``."""
    from matplotlib import patches
    from matplotlib.path import Path as MplPath

    z = common["zorder"]
    if isinstance(item, Rect):
        add(
            patches.FancyBboxPatch(
                (item.x, item.y),
                item.w,
                item.h,
                boxstyle=f"round,pad=0,rounding_size={item.radius}",
                facecolor=_c(item.fill),
                edgecolor=_c(item.stroke),
                linewidth=item.width * pt,
                **common,
            )
        )
    elif isinstance(item, Ellipse):
        add(
            patches.Ellipse(
                (item.x, item.y),
                2 * item.rx,
                2 * item.ry,
                facecolor=_c(item.fill),
                edgecolor=_c(item.stroke),
                linewidth=item.width * pt,
                **common,
            )
        )
    elif isinstance(item, Line):
        verts, codes, head = _line(item)
        add(
            patches.PathPatch(
                MplPath(verts, codes),
                facecolor="none",
                edgecolor=_c(item.color),
                linewidth=item.width * pt,
                capstyle="butt",
                joinstyle="round",
                linestyle=(0, tuple(d / item.width for d in item.dash)) if item.dash else "solid",
                **common,
            )
        )
        if head:
            add(patches.Polygon(head, closed=True, facecolor=_c(item.color), edgecolor="none", **common))
    elif isinstance(item, Polygon):
        add(
            patches.Polygon(
                [(p.x, p.y) for p in item.points],
                closed=True,
                facecolor=_c(item.fill),
                edgecolor=_c(item.stroke),
                linewidth=item.width * pt,
                **common,
            )
        )
    elif isinstance(item, Text) and not item.source and any(r.shift for r in item.runs) and not latex:
        _set_in_runs(text, item, pt, {**common, "zorder": z + 1})
    elif isinstance(item, Text):
        text(
            item.x,
            item.y,
            _latex(item) if latex else _mathtext(item),
            ha={"start": "left", "middle": "center", "end": "right"}[item.anchor],
            va="baseline",
            fontsize=item.size * pt,
            color=_c(item.color),
            family=_family(item.family),
            math_fontfamily=_math_fonts(item.family),
            **{**common, "zorder": z + 1},
        )


def figure(scene: Scene, *, width_in: float | None = None, latex: bool = False) -> Any:
    """A matplotlib Figure holding the scene, ``width_in`` inches wide (its natural size if None).

    With ``latex``, text is written for LaTeX to typeset (the PGF backend) rather than mathtext.
    """
    from matplotlib.figure import Figure

    scale = (width_in * PX_PER_INCH / scene.width) if width_in else 1.0
    fig = Figure(figsize=(scene.width / PX_PER_INCH * scale, scene.height / PX_PER_INCH * scale))
    draw(scene, fig.add_axes((0, 0, 1, 1)), latex=latex, pt=72.0 / PX_PER_INCH * scale)
    return fig


def encode(scene: Scene, *, fmt: str, width_in: float | None = None, dpi: float = 200) -> bytes:
    """The scene as the bytes of a PNG, PDF or PGF file."""
    import io

    transparent = scene.background == "none"
    out = io.BytesIO()
    if fmt == "png":  # the whole picture is in memory (RGBA), and copied as it is encoded
        from ..memory import require_memory

        inches = width_in if width_in is not None else scene.width / PX_PER_INCH
        w, h = inches * dpi, inches * dpi * scene.height / scene.width
        require_memory(
            int(w * h * 4 * 3),
            f"the PNG ({w:,.0f} x {h:,.0f} pixels)",
            name="png",
            fix="draw it narrower (--width), or as .svg or .pdf, which have no pixels",
        )
    if fmt != "pgf":
        from .pdffonts import for_print

        with glyphs_told(scene):
            fig = figure(scene, width_in=width_in)
            with for_print():
                fig.savefig(out, format=fmt, dpi=dpi, transparent=transparent)
        return out.getvalue()
    fig = figure(scene, width_in=width_in, latex=True)
    import matplotlib
    from matplotlib.backends.backend_pgf import LatexError

    check_latex()
    # The document's own fonts; amsmath for \\operatorname and \\text, which labels may use.
    settings = {"pgf.texsystem": "pdflatex", "pgf.rcfonts": False, "pgf.preamble": r"\usepackage{amsmath}"}
    try:
        with matplotlib.rc_context(settings):
            fig.savefig(out, format="pgf", backend="pgf", transparent=transparent)
    except (LatexError, ValueError) as err:  # LaTeX's own failure: which label, not its whole log
        text = str(err)
        if not isinstance(err, LatexError) and not text.startswith("Error measuring"):
            raise
        label = re.search(r"\$(.*?)\$\}?\s*$", text.splitlines()[0]) if text.strip() else None
        raise DataError(
            f"LaTeX could not typeset {'a label' if label is None else 'the label ' + repr(label.group(1))}",
            name="pgf",
            fix="check the labels, or draw an .svg, .png or .pdf",
        ) from None
    return out.getvalue()


def pages(scenes: list[Scene], *, width_in: float | None = None) -> Callable[[BinaryIO], None]:
    """What writes several scenes as the pages of one PDF, to a binary file (for ``write_atomic``)."""
    from matplotlib.backends.backend_pdf import PdfPages

    from .pdffonts import for_print

    def write(fh: BinaryIO) -> None:
        with for_print(), PdfPages(fh) as pdf:
            for scene in scenes:
                pdf.savefig(figure(scene, width_in=width_in), transparent=scene.background == "none")

    return write


#: The labels whose missing glyphs were told already: once in a process (a notebook, the several formats
#: of one figure, every frame of a video), as Python's "once" would, were it not reset by each catch.
_TOLD: set[tuple[str, str]] = set()


@contextlib.contextmanager
def glyphs_told(scene: Scene) -> Iterator[None]:
    """While matplotlib draws ``scene``: instead of its own notes on missing glyphs (one for each
    character, each time it is drawn, some as log lines outside any warning), one warning for each
    label that has such characters, naming the label and them."""
    import logging
    import warnings

    missing: set[str] = set()

    def note(record: logging.LogRecord) -> bool:
        found = re.search(r"does not have a glyph for .*\[U\+([0-9a-fA-F]+)\]", record.getMessage())
        if found:
            missing.add(chr(int(found.group(1), 16)))
        return found is None

    log = logging.getLogger("matplotlib.mathtext")
    log.addFilter(note)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        log.removeFilter(note)
    for caught_one in caught:
        found = re.match(r"Glyph (\d+) .*missing from font", str(caught_one.message))
        if found:
            missing.add(chr(int(found.group(1))))
        else:  # anything else is passed on as it came
            warnings.warn_explicit(caught_one.message, caught_one.category, caught_one.filename, caught_one.lineno)
    for label in _labels(scene):
        chars = "".join(sorted({c for c in label if c in missing}))
        if chars and (label, chars) not in _TOLD:
            _TOLD.add((label, chars))
            warnings.warn(
                f"label {label!r}: no font of the figure has {chars!r}, drawn as empty boxes (an .svg leaves "
                "the choice of font to the viewer)",
                MissingGlyphWarning,
                stacklevel=3,
            )


def _labels(scene: Scene) -> list[str]:
    """Every text of ``scene``, as written (a math label's source)."""
    return [
        item.source or "".join(r.text for r in item.runs)
        for group in scene.groups
        for item in group.items
        if isinstance(item, Text)
    ]


def check_latex() -> None:
    """PGF output is typeset by LaTeX: say so in one line when there is none."""
    import shutil

    from ..errors import DataError

    if shutil.which("pdflatex") is None:
        raise DataError(
            "PGF output needs LaTeX to measure its text, and pdflatex is not installed",
            name="pgf",
            fix="install TeX Live (Debian: apt-get install texlive-latex-base texlive-pictures)",
        )


def _line(line: Line) -> tuple[list[tuple[float, float]], list[int], list[tuple[float, float]] | None]:
    from matplotlib.path import Path as MplPath

    points, head = with_arrowhead(line)
    verts = [(points[0].x, points[0].y)]
    codes = [MplPath.MOVETO]
    for a, corner, b in rounded_corners(points, line.radius):
        verts += [(a.x, a.y), (corner.x, corner.y), (b.x, b.y)]
        codes += [MplPath.LINETO, MplPath.CURVE3, MplPath.CURVE3]
    verts.append((points[-1].x, points[-1].y))
    codes.append(MplPath.LINETO)
    return verts, codes, [(p.x, p.y) for p in head] if head else None


def _set_in_runs(write: Callable[..., None], text: Text, pt: float, common: dict[str, Any]) -> None:
    """Text that is not math written out (a port's x_t) run by run, as the SVG sets it: each run at
    its own size and baseline, scripts ``text.script`` of the size and 0.3 of it lowered or raised."""
    sizes = [text.size * (text.script if r.shift else 1.0) for r in text.runs]
    total = sum(mathtext.width(r.text, size) for r, size in zip(text.runs, sizes))
    x = text.x - {"start": 0.0, "middle": total / 2, "end": total}[text.anchor]
    for run, size in zip(text.runs, sizes):
        write(
            x,
            text.y - mathtext.SCRIPT_SHIFT * text.size * run.shift,
            run.text,
            ha="left",
            va="baseline",
            fontsize=size * pt,
            color=_c(text.color),
            family=_family(text.family),
            style="italic" if run.italic else "normal",
            **common,
        )
        x += mathtext.width(run.text, size)


def _mathtext(text: Text) -> str:
    """A math label as matplotlib mathtext (as written, when mathtext can read it, or built from its
    runs when it has no markup: x0); other text as is."""
    if text.source and any(c in text.source for c in "_^\\") and _readable(f"${text.source}$"):
        return f"${text.source}$"
    if text.source and any(r.italic for r in text.runs):  # plain math (x0, h): italic letters, as the SVG
        built = _from_runs(text)
        if built and _readable(built):
            return built
    return "".join(r.text for r in text.runs).replace("$", r"\$")


def _from_runs(text: Text) -> str:
    """Mathtext setting ``text``'s runs as the SVG does: italic runs as math letters, the others
    upright, scripts lowered or raised; "" when a run holds a character mathtext would read as markup."""
    groups: list[tuple[int, str]] = []  # runs of one shift together: h_{t-1} is one subscript
    for run in text.runs:
        if not all(ch.isalnum() or ch in "+−-=′', ." for ch in run.text):
            return ""
        body = run.text.replace(" ", r"\ ")
        body = body if run.italic else rf"\mathrm{{{body}}}"
        if groups and groups[-1][0] == run.shift:
            groups[-1] = (run.shift, groups[-1][1] + body)
        else:
            groups.append((run.shift, body))
    return "$" + "".join({0: b, -1: f"_{{{b}}}", 1: f"^{{{b}}}"}[shift] for shift, b in groups) + "$"


@functools.lru_cache(maxsize=1024)
def _readable(mathtext: str) -> bool:
    """Whether matplotlib's mathtext reads ``mathtext`` (asked once per label: parsing is slow)."""
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(mathtext)
    except ValueError:
        return False
    return True


_LATEX = {"σ": r"$\sigma$", "×": r"$\times$", "−": "$-$", "⊙": r"$\odot$", "·": r"$\cdot$", "÷": r"$\div$"}


def _latex(text: Text) -> str:
    """Text for LaTeX itself to typeset: math labels as written, in math mode; words and symbols
    escaped or spelled as LaTeX."""
    if text.source and any(c in text.source for c in "_^\\"):
        problem = mathtext.problem(text.source, max_length=MAX_LATEX) or mathtext.latex_problem(text.source)
        if problem:  # measured here, before LaTeX sees it: its own error would be a page of log
            raise DataError(
                f"label {problem}", name=text.source[:40], fix="write it for LaTeX, or draw an .svg, .png or .pdf"
            )
        return "$" + re.sub(r"(?<!\\)([#$&%])", r"\\\1", text.source) + "$"
    plain = "".join(r.text for r in text.runs)
    other = next((c for c in plain if not (c.isascii() or c in _LATEX or _latin(c))), None)
    if other is not None:
        raise DataError(
            f"label holds {other!r}, which LaTeX cannot typeset without packages",
            name=plain[:40],
            fix="write it for LaTeX, or draw an .svg, .png or .pdf",
        )
    special = {c: "\\" + c for c in "&%$#_{}"} | {
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "\\": r"\textbackslash{}",
    }
    return "".join(_LATEX.get(ch) or special.get(ch, ch) for ch in plain).replace("$$", "")


def _latin(ch: str) -> bool:
    """Whether pdflatex sets ``ch`` in text as it is (a Latin letter: é, ü, ß)."""
    import unicodedata

    return unicodedata.name(ch, "").startswith("LATIN")


def _math_fonts(family: str) -> str:
    """The mathtext font set nearest ``family``: Computer Modern, DejaVu Serif or DejaVu Sans (the SVG
    sets math in the same family, letters italic)."""
    if "cmr10" in family:
        return "cm"
    return "dejavuserif" if "serif" in family.split(",")[0].lower() else "dejavusans"


def _family(family: str) -> list[str]:
    """The families of a CSS-style list that matplotlib has, then a generic one (no warnings)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    names = [f.strip().strip("'\"") for f in family.split(",")]
    generic = [n for n in names if n in ("serif", "sans-serif", "monospace")] or ["sans-serif"]
    return [n for n in names if n in known] + generic


def _c(colour: str) -> str:
    return "none" if colour == "none" else colour
