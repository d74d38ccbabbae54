"""The matplotlib backend: the same scene drawn into an Axes, for PNG, PDF and figures with plots.

Scene units are pixels at 100 per inch; text sizes become points. matplotlib is imported only
here, and only when this backend is used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from .. import mathtext
from ..errors import DataError
from ..spec.limits import MAX_LATEX
from .scene import Ellipse, Line, Polygon, Rect, Scene, Text, rounded_corners, with_arrowhead

PX_PER_INCH = 100.0


def draw(scene: Scene, ax: Any, *, latex: bool = False, pt: float | None = None) -> None:
    """Draw the scene into ``ax`` (y pointing down), and fit the axes to it. ``pt`` is points per
    scene unit, for line weights and text; by default as the scene is scaled to fit the axes, so
    that the figure keeps its proportions at any size."""
    from matplotlib import patches
    from matplotlib.path import Path as MplPath

    if pt is None:
        box = ax.get_position()
        w_in, h_in = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
        pt = 72.0 * min(w_in / scene.width, h_in / scene.height)
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    ax.set_aspect("equal")
    ax.set_axis_off()
    add = ax.add_artist  # as add_patch, but leaving the data limits alone: they are set above
    if scene.background != "none":
        add(
            patches.Rectangle((0, 0), scene.width, scene.height, facecolor=scene.background, edgecolor="none", zorder=0)
        )
    z = 1
    for group in scene.groups:
        z += 1
        for item in group.items:
            gid = dict(group.data).get("node") or dict(group.data).get("edge")
            common = {"zorder": z, "gid": gid}
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
                _set_in_runs(ax, item, pt, {**common, "zorder": z + 1})
            elif isinstance(item, Text):
                ax.text(
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

    fig = figure(scene, width_in=width_in, latex=fmt == "pgf")
    transparent = scene.background == "none"
    out = io.BytesIO()
    if fmt != "pgf":
        from .pdffonts import for_print

        with for_print():
            fig.savefig(out, format=fmt, dpi=dpi, transparent=transparent)
        return out.getvalue()
    import matplotlib
    from matplotlib.backends.backend_pgf import LatexError

    check_latex()
    # The document's own fonts; amsmath for \\operatorname and \\text, which labels may use.
    settings = {"pgf.texsystem": "pdflatex", "pgf.rcfonts": False, "pgf.preamble": r"\usepackage{amsmath}"}
    try:
        with matplotlib.rc_context(settings):
            fig.savefig(out, format="pgf", backend="pgf", transparent=transparent)
    except LatexError as err:  # a label LaTeX cannot typeset: its message, not LaTeX's whole log
        first = (str(err).strip().splitlines() or ["LaTeX failed"])[0]
        raise DataError(f"LaTeX could not typeset a label: {first}", name="pgf", fix="check the labels") from None
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


def _set_in_runs(ax: Any, text: Text, pt: float, common: dict[str, Any]) -> None:
    """Text that is not math written out (a port's x_t) run by run, as the SVG sets it: each run at
    its own size and baseline, scripts ``text.script`` of the size and 0.3 of it lowered or raised."""
    sizes = [text.size * (text.script if r.shift else 1.0) for r in text.runs]
    total = sum(mathtext.width(r.text, size) for r, size in zip(text.runs, sizes))
    x = text.x - {"start": 0.0, "middle": total / 2, "end": total}[text.anchor]
    for run, size in zip(text.runs, sizes):
        ax.text(
            x,
            text.y - 0.3 * text.size * run.shift,
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


_LATEX = {"σ": r"$\sigma$", "×": r"$\times$", "−": "$-$", "⊙": r"$\odot$", "·": r"$\cdot$"}


def _latex(text: Text) -> str:
    """Text for LaTeX itself to typeset: math labels as written, in math mode; words and symbols
    escaped or spelled as LaTeX."""
    if text.source and any(c in text.source for c in "_^\\"):
        problem = mathtext.problem(text.source, max_length=MAX_LATEX)
        if problem:  # specs are checked when loaded; this guards scenes built some other way
            raise DataError(f"{problem}, and is not handed to LaTeX", name=text.source[:40])
        return "$" + re.sub(r"(?<!\\)([#$&%])", r"\\\1", text.source) + "$"
    plain = "".join(r.text for r in text.runs)
    special = {c: "\\" + c for c in "&%$#_{}"} | {
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "\\": r"\textbackslash{}",
    }
    return "".join(_LATEX.get(ch) or special.get(ch, ch) for ch in plain).replace("$$", "")


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
