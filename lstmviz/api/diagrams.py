"""The API's still figures: a cell drawn to a file or returned, into a matplotlib Axes, its
walk-through, a stack of layers, the posts' figures."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import arguments as args
from ..display import Drawn
from ..errors import SpecError
from ..sizing import metrics_for, sized, text_scaled
from ..spec.graph import CellGraph
from .cells import drawable, load


def render(
    cell: str | Path | CellGraph,
    output: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
    *,
    view: str = "cell",
    focus: str | None = None,
    style: str | Path = "colah",
    labels: str = "notation",
    fmt: str | None = None,
    width: str | float | None = None,
    openings: Mapping[str, float] | None = None,
    transparent: bool = False,
    font: str | None = None,
    font_size: str | float | None = None,
) -> str | None:
    """Draw a cell. With ``output``, write the file (its suffix picks SVG, PNG, PDF, or DOT for
    Graphviz) and return None; without, return the SVG (or DOT) text. ``output`` may be a list of
    files in several formats: the figure is laid out once and written to each, all or none.
    ``view`` is one of ``lstmviz.layout.views.VIEWS``: cell, focus (with ``focus``, a step such as
    ``"forget"`` or a node id: the rest faded), build (the same: the rest not drawn yet), chain,
    legend, the valve vocabulary's pipe, valve and t-joint, rolled, unrolled, ... ``labels`` picks a
    label set the spec carries (``notation``, ``plain``, ``pytorch`` for the built-ins). ``width``
    sets the printed width: ``"8cm"``, ``"600px"``, ``"3in"`` or a number of pixels. ``openings``
    sets how far each valve of the pipe style is open (node id to 0..1; half open when not given).
    ``transparent`` drops the background; ``font`` is sans, serif or cm (Computer Modern, to match
    LaTeX); ``font_size`` (``"8pt"``) is the labels' size in points at the printed width (by
    default, with a ``width``, no label under 7 pt, so subscripts stay at about 5 pt). A ``.pgf``
    output is typeset by LaTeX in the document's own font."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    if isinstance(output, list | tuple):
        for k, path in enumerate(output):
            args.path(path, f"output[{k}]")
    else:
        args.path(output, "output", optional=True)
    args.figure(
        style=style,
        labels=labels,
        width=width,
        font=font,
        font_size=font_size,
        transparent=transparent,
        view=view,
        focus=focus,
        fmt=fmt,
    )
    args.mapping(openings, "openings")
    from ..drawing.dot import to_dot
    from ..pipeline import STILL, Figure, emit, encode, figure, format_of

    outputs = [output] if output is None or isinstance(output, str | os.PathLike) else list(output)
    if len(outputs) > 1 and any(not isinstance(p, str | os.PathLike) for p in outputs):
        raise TypeError(f"output must be a path or a list of paths, not {output!r}")
    kinds = [format_of(path, fmt, STILL) for path in outputs]  # each refused before any is drawn or written
    _refuse_unwritable([path for path, kind in zip(outputs, kinds) if path is not None], kinds)
    graph = drawable(cell).relabelled(labels)
    scene = figure(graph, view=view, focus=focus, style=style, width=width, font_size=font_size,
                   transparent=transparent, font=font, openings=openings)  # fmt: skip
    still = Figure(scene, width, dot=lambda: to_dot(graph), what=f"{graph.name} {view}")
    if len(outputs) == 1:
        return emit(still, outputs[0], fmt)
    from ..files import write_all

    write_all({Path(path): encode(still, kind) for path, kind in zip(outputs, kinds)})
    return None


def _refuse_unwritable(outputs: Sequence[str | os.PathLike], kinds: Sequence[str]) -> None:
    """Refuse, in one line, an output whose place cannot be written, or that needs a LaTeX this
    machine lacks: with several outputs, none is written unless all can be."""
    from ..drawing.mpl import check_latex
    from ..files import check_target

    for path, kind in zip(outputs, kinds):
        if kind == "pgf":
            check_latex()
        check_target(path)


def render_stack(
    stack: Any,
    output: str | Path | None = None,
    *,
    style: str | Path = "colah",
    fmt: str | None = None,
    width: str | float | None = None,
    steps: int = 3,
    transparent: bool = False,
    font: str | None = None,
) -> str | None:
    """Draw a stack of layers (:func:`lstmviz.stack_from_torch`) unrolled over ``steps`` steps:
    a row of modules per layer and direction, the two directions' outputs joined (merging lines are
    concatenation, as in colah's notation). Output as :func:`render`."""
    from ..execute.stack import Stack

    if not isinstance(stack, Stack):
        raise TypeError(f"stack must be a Stack (from stack_from_torch), not {type(stack).__name__}")
    args.path(output, "output", optional=True)
    args.figure(style=style, width=width, font=font, transparent=transparent, fmt=fmt)
    args.integer(steps, "steps", low=1, high=12)
    from ..drawing.scene import build_scene
    from ..layout.stack import layout_stack
    from ..pipeline import Figure, emit, sheet

    dressed = sheet(style, transparent=transparent, font=font)
    layout = layout_stack(stack.kind, stack.layers, stack.directions, metrics_for(dressed), steps=steps)
    return emit(Figure(build_scene(layout, dressed), width, what=f"stacked {stack.kind}"), output, fmt)


def draw(
    cell: str | Path | CellGraph,
    ax: Any,
    *,
    view: str = "cell",
    focus: str | None = None,
    style: str | Path = "colah",
    labels: str = "notation",
    scale: float = 1.0,
    font_size: str | float | None = None,
    outline_text: bool = False,
) -> Drawn:
    """Draw a cell into an existing matplotlib Axes, so it can sit beside a plot in one figure. The
    figure is scaled to fit the Axes, lines and text with it; as for a printed figure, labels stay at
    least 7 pt (the layout makes room for them), or ``font_size`` (``"8pt"``) when given. ``scale``
    makes all text that many times bigger again (1.5 for a slide).

    Returns the artists by node and edge id (:class:`~lstmviz.display.Drawn`). Saved as PDF or
    PostScript, the labels stay text in TrueType when the file embeds TrueType (``pdf.fonttype``
    42) and are drawn as outlines where it would embed Type 3, matplotlib's default, which
    publishers refuse; ``outline_text`` draws them as outlines always."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.axes(ax)
    args.figure(style=style, labels=labels, font_size=font_size, view=view, focus=focus)
    args.number(scale, "scale", low=0.25, high=4)
    args.flag(outline_text, "outline_text")

    from ..drawing.mpl import draw as draw_scene
    from ..drawing.scene import build_scene
    from ..layout.views import layout_view
    from ..style import load_style

    graph = drawable(cell).relabelled(labels)
    sheet = text_scaled(load_style(style), scale)

    def lay_out(sheet: Any) -> Any:
        return layout_view(graph, view, focus=focus, metrics=metrics_for(sheet))

    box = ax.get_position()
    w_in, h_in = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
    natural = lay_out(sheet)
    fits = min(w_in, h_in * natural.width / natural.height)  # the width it is drawn at, in inches
    sheet, layout = sized(sheet, lay_out, f"{fits:.4f}in", font_size, attempts=5)
    return draw_scene(build_scene(layout, sheet), ax, outlined=outline_text, cell=graph.name)


def steps_of(cell: str | Path | CellGraph, *, labels: str = "notation") -> dict[str, list[str]]:
    """The cell's walk-through, in order: each step's name (as ``walk_through`` and ``render(view="focus",
    focus=name)`` take it) with the LaTeX equations that step explains (:func:`steps` draws them)."""
    from ..spec.roles import roles

    return {step.name: list(step.equations) for step in roles(load(cell).relabelled(labels)).steps}


def steps(
    cell: str | Path | CellGraph,
    *,
    style: str | Path = "colah",
    labels: str = "notation",
    width: str | float | None = None,
    transparent: bool = False,
    font: str | None = None,
    font_size: str | float | None = None,
) -> Any:
    """The cell's walk-through in memory, as :func:`walk_through` draws it: a sequence of steps,
    each with its name, equations and SVG figure, that a notebook shows one under another;
    ``.save(folder | "x.pdf" | "x.tex")`` writes it."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.figure(style=style, labels=labels, width=width, font=font, font_size=font_size, transparent=transparent)
    from ..display import Step, Steps
    from ..pipeline import Figure, emit, frames
    from ..spec.roles import roles

    graph = drawable(cell).relabelled(labels)
    walk = roles(graph).steps
    scenes = frames(graph, [step.name for step in walk], style=style, width=width, font_size=font_size,
                    transparent=transparent, font=font)  # fmt: skip
    options = {"style": style, "labels": labels, "width": width, "transparent": transparent, "font": font}
    return Steps(
        drawable(cell),
        tuple(
            Step(step.name, step.equations, emit(Figure(scene, width, what=f"{graph.name} step {step.name}"), None))
            for step, scene in zip(walk, scenes)
        ),
        functools.partial(walk_through, cell, **options, font_size=font_size),
    )


def walk_through(
    cell: str | Path | CellGraph,
    output: str | Path,
    *,
    style: str | Path = "colah",
    labels: str = "notation",
    fmt: str = "svg",
    width: str | float | None = None,
    transparent: bool = False,
    font: str | None = None,
    font_size: str | float | None = None,
) -> list[Path]:
    """The cell's walk-through, one focus figure per step, every frame the same size (``font_size``
    as :func:`render` takes it), written to
    ``output``: a folder (numbered ``.svg`` or ``.png`` files, by ``fmt``), one multi-page ``.pdf``,
    or a ``.tex`` file for Beamer (beside a multi-page PDF that its overlays pick pages from).
    Returns the files written."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.path(output, "output")
    args.figure(
        style=style, labels=labels, width=width, font=font, font_size=font_size, transparent=transparent, fmt=fmt
    )

    from ..errors import Choice
    from ..files import check_target, inside, refuse_overlap, write_all
    from ..pipeline import Figure, encode, frames
    from ..spec.roles import roles

    output = Path(output)
    graph = drawable(cell).relabelled(labels)
    names = [step.name for step in roles(graph).steps]

    def drawn() -> list[Any]:
        return frames(graph, names, style=style, width=width, font_size=font_size, transparent=transparent, font=font)

    if output.suffix in (".pdf", ".tex"):
        from ..drawing.mpl import pages

        pdf = output.with_suffix(".pdf")
        for path in {pdf, output}:
            check_target(path)  # both refused before anything is drawn, or neither
        scenes = drawn()
        width_in = Figure(scenes[0], width).width_in
        if output.suffix == ".pdf":
            write_all({pdf: pages(scenes, width_in=width_in)})
            return [pdf]
        overlays = "\n".join(
            f"\\includegraphics<{k}>[page={k},width=\\linewidth]{{{pdf.stem}}}%" for k in range(1, len(scenes) + 1)
        )
        tex = (
            f"% The walk-through of {graph.name!r}, made by lstmviz: one overlay per step\n"
            f"% ({', '.join(names)}). \\input this file inside a Beamer frame.\n{overlays}\n"
        )
        write_all({pdf: pages(scenes, width_in=width_in), output: tex.encode("utf-8")})  # both, or neither
        return [pdf, output]

    Choice("format", ("svg", "png")).check(fmt, name="fmt")
    if output.exists() and not output.is_dir():
        raise SpecError("is a file, not a folder", name=str(output), fix="give a folder, a .pdf or a .tex")
    refuse_overlap(output, [p for p in (cell, style) if isinstance(p, str | os.PathLike)])
    scenes = drawn()
    paths = [output / f"{graph.name}-{k}-{name}.{fmt}" for k, name in enumerate(names, 1)]
    for path in paths:
        if output.is_dir():
            check_target(path)  # every frame's place refused before any is encoded (a planted link too)
        inside(output, path.name)
    files = {path: encode(Figure(scene, width), fmt) for path, scene in zip(paths, scenes)}  # all before any is written
    write_all(files, folder=output)
    return paths


def figures(
    post: str,
    output: str | Path,
    *,
    fmt: str = "svg",
    width: str | float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Every figure of a seed post (``"colah"``: "Understanding LSTM Networks"; ``"pipe"``: Shi Yan's
    "Understanding LSTM and its diagrams"), drawn in its style into the folder ``output``, one file
    each (``fmt`` svg, png or pdf); ``progress`` is called with (figures done, figures). Returns the
    files written. :data:`lstmviz.figures.POSTS` lists them, each with the command that draws it."""
    args.text(post, "post")
    args.path(output, "output")
    args.figure(width=width, fmt=fmt)
    args.callback(progress, "progress")
    from ..errors import Choice
    from ..figures import POSTS
    from ..files import check_target, write_all
    from ..pipeline import Figure, encode, figure

    style, entries = POSTS[Choice("post", tuple(POSTS)).check(post, name="post")]
    Choice("format", ("svg", "png", "pdf")).check(fmt, name="format")
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise SpecError("is a file, not a folder", name=str(output), fix="give a folder for the figures")
    paths = [output / f"{figure.name}.{fmt}" for figure in entries]
    if output.is_dir():
        for path in paths:  # every target refused before any figure is drawn
            check_target(path)
    files = {}
    for k, (path, entry) in enumerate(zip(paths, entries)):
        scene = figure(
            drawable(entry.spec), view=entry.view, focus=entry.focus, style=entry.style or style, width=width
        )
        files[path] = encode(Figure(scene, width), fmt)
        if progress is not None:
            progress(k + 1, len(entries))
    write_all(files, folder=output)  # all of them, or (on any failure) none
    return paths
