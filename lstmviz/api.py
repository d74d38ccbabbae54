"""The public face of lstmviz: what users, the CLI and the gallery call."""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import arguments as args
from .cells import BUILTINS, builtin
from .errors import DataError, SpecError
from .execute import run as _run
from .sizing import dpi_for, inches, metrics_for, sized, text_scaled
from .spec.graph import CellGraph
from .spec.tomlfile import read_spec


def load(cell: str | Path | CellGraph) -> CellGraph:
    """A cell by built-in name (``"lstm"``) or spec path (``"my_cell.toml"``)."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    if isinstance(cell, CellGraph):
        return cell
    if isinstance(cell, str) and cell in BUILTINS:
        return builtin(cell)
    path = Path(cell)
    if path.suffix == "" and not path.exists():
        raise SpecError(
            "is neither a built-in cell nor a file",
            name=str(cell),
            fix=f"use one of {', '.join(BUILTINS)}, or the path of a .toml spec",
        )
    return read_spec(path)


def drawable(cell: str | Path | CellGraph) -> CellGraph:
    """A cell (see :func:`load`) that is small enough to draw: a larger figure is unreadable, and
    laying it out would take long; the refusal names the spec's file."""
    from .spec.limits import MAX_DRAWN_NODES

    graph = load(cell)
    if len(graph.nodes) > MAX_DRAWN_NODES:
        raise SpecError(
            f"has {len(graph.nodes):,} nodes, more than a figure can show legibly (at most {MAX_DRAWN_NODES})",
            name=graph.name,
            fix="draw a smaller cell; lstmviz still checks and runs this one",
            file=None if isinstance(cell, CellGraph) or str(cell) in BUILTINS else cell,
        )
    return graph


def run(
    cell: str | Path | CellGraph,
    x: np.ndarray | Mapping[str, np.ndarray],
    params: Mapping[str, Any] | None = None,
    *,
    trace: bool = False,
    batch_first: bool = False,
    **options: Any,
) -> _run.Result:
    """Run a cell (a graph, a built-in name or a spec path) over ``x`` shaped (T, B, input size),
    or (B, T, input size) with ``batch_first`` (as PyTorch's option: outputs and trace come back
    the same way round).

    See :func:`lstmviz.execute.run.run` for ``state``, ``dtype``, ``dims`` and ``seed``.
    """
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.mapping(params, "params")
    args.flag(trace, "trace")
    args.flag(batch_first, "batch_first")
    args.run_options(options)
    if not batch_first:
        return _run.run(load(cell), x, params, trace=trace, **options)
    import dataclasses

    def swap(a: np.ndarray) -> np.ndarray:
        if np.ndim(a) != 3:
            raise DataError(f"input has shape {np.shape(a)}, not (B, T, features)", name="x", fix="drop batch_first")
        return np.swapaxes(a, 0, 1)

    given = {k: swap(v) for k, v in x.items()} if isinstance(x, Mapping) else swap(x)
    result = _run.run(load(cell), given, params, trace=trace, **options)
    traced = None if result.trace is None else _run.Trace({k: swap(v) for k, v in result.trace.values.items()})
    return dataclasses.replace(
        result,
        outputs=swap(result.outputs),
        by_output={k: swap(v) for k, v in result.by_output.items()},
        trace=traced,
    )


def random_input(
    cell: str | Path | CellGraph,
    steps: int,
    batch: int = 1,
    *,
    seed: int = 0,
    dims: Mapping[str, int] | None = None,
    dtype: Any = "float32",
    trace: bool = True,
) -> dict[str, np.ndarray]:
    """Seeded standard-normal input for every input of a cell, shaped (steps, batch, size), once the
    run it is for (with a ``trace``, as animations need, or not) is known to fit in memory."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.integer(steps, "steps", low=1)
    args.integer(batch, "batch", low=1)
    args.integer(seed, "seed", low=0)
    args.dims(dims)
    dtype = args.dtype(dtype)
    args.flag(trace, "trace")
    from .execute.run import check_memory
    from .spec import sizes

    graph = load(cell)
    merged = {**graph.default_dims, **(dims or {})}
    check_memory(graph, merged, steps, batch, dtype, trace=trace)
    rng = np.random.default_rng(seed)
    return {
        n.id: rng.standard_normal((steps, batch, sizes.resolve(n.size, merged))).astype(dtype)
        for n in graph.of_kind("input")
    }


#: Output formats by file suffix.
FORMATS = ("svg", "png", "pdf", "pgf", "dot")


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
    ``view`` is one of cell, focus (with ``focus``, a step such as ``"forget"`` or a node id),
    chain, legend, rolled, unrolled. ``labels`` picks a label set the spec carries (``notation``, ``plain``, ``pytorch``
    for the built-ins). ``width`` sets the printed width: ``"8cm"``, ``"600px"``, ``"3in"`` or a
    number of pixels. ``openings`` sets how far each valve of the pipe style is open (node id to
    0..1; half open when not given). ``transparent`` drops the background; ``font`` is sans, serif
    or cm (Computer Modern, to match LaTeX); ``font_size`` (``"8pt"``) is the labels' size in points
    at the printed width (by default, with a ``width``, no label under 7 pt, so subscripts stay at
    about 5 pt). A ``.pgf`` output is typeset by LaTeX in the document's own font."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    if isinstance(output, list | tuple):
        for k, path in enumerate(output):
            args.path(path, f"output[{k}]")
    else:
        args.path(output, "output", optional=True)
    args.figure(style=style, labels=labels, width=width, font=font, font_size=font_size, transparent=transparent,
                view=view, focus=focus, fmt=fmt)
    args.mapping(openings, "openings")
    from .drawing.dot import to_dot

    outputs = [output] if output is None or isinstance(output, str | os.PathLike) else list(output)
    if len(outputs) > 1 and any(not isinstance(p, str | os.PathLike) for p in outputs):
        raise TypeError(f"output must be a path or a list of paths, not {output!r}")
    _refuse_unwritable([path for path in outputs if path is not None], fmt)  # before any is drawn or written
    graph = drawable(cell).relabelled(labels)
    scene = _scene(graph, view, focus, style, width, font_size, transparent, font, openings)
    dot = lambda: to_dot(graph)  # noqa: E731 - the Graphviz text, made only when asked for
    if output is None or len(outputs) == 1:
        return _emit(scene, outputs[0], fmt, width, dot=dot)
    from .files import write_all

    write_all({Path(path): _encode(scene, _format(path, fmt, dot=True), width, dot) for path in outputs})
    return None


def _scene(
    graph: CellGraph,
    view: str,
    focus: str | None,
    style: str | Path,
    width: str | float | None,
    font_size: str | float | None,
    transparent: bool = False,
    font: str | None = None,
    openings: Mapping[str, float] | None = None,
) -> Any:
    """One figure of ``graph``: laid out in ``view`` and dressed in ``style``, its text sized for the
    printed ``width`` (see :func:`sized`)."""
    from .drawing.scene import build_scene
    from .layout.views import layout_view
    from .style import adjusted, load_style

    sheet = adjusted(load_style(style), transparent=transparent, font=font)

    def lay_out(sheet: Any) -> Any:
        return layout_view(graph, view, focus=focus, metrics=metrics_for(sheet))

    sheet, layout = sized(sheet, lay_out, width, font_size)
    return build_scene(layout, sheet, openings=openings)


def _emit(
    scene: Any, output: str | Path | None, fmt: str | None, width: str | float | None, dot: Any = None
) -> str | None:
    """Write ``scene`` to ``output`` in ``fmt`` (from its suffix when None), or return it as SVG
    text when there is no ``output``; ``dot`` makes the Graphviz text, for a figure that has one."""
    fmt = _format(output, fmt, dot=dot is not None)
    if output is None:
        if fmt == "dot":
            return dot()
        if fmt != "svg":
            raise SpecError(f"{fmt} output needs a file", name="output", fix="pass output='figure.png'")
        from .display import SVG
        from .drawing.svg import to_svg

        return SVG(to_svg(scene, width_in=inches(width, scene.width) if width is not None else None))
    from .files import write_atomic

    write_atomic(output, _encode(scene, fmt, width, dot))
    return None


def _encode(scene: Any, fmt: str, width: str | float | None, dot: Any = None) -> bytes:
    """The bytes of ``scene``'s file in ``fmt`` (svg, png, pdf, pgf; dot through ``dot``)."""
    if fmt == "dot":
        return dot().encode("utf-8")
    width_in = inches(width, scene.width) if width is not None else None
    if fmt == "svg":
        from .drawing.svg import to_svg

        return to_svg(scene, width_in=width_in).encode("utf-8")
    from .drawing.mpl import encode

    return encode(scene, fmt=fmt, width_in=width_in, dpi=dpi_for(width))


def _format(output: str | Path | None, fmt: str | None, *, dot: bool) -> str:
    """The format ``output`` is written in: ``fmt``, else its suffix (SVG text without an output),
    refused in one line unless known (DOT only for a figure that has a graph)."""
    from .errors import Choice

    if fmt is None:
        fmt = Path(output).suffix.lstrip(".").lower() if output is not None else "svg"
    Choice("format", FORMATS if dot else tuple(f for f in FORMATS if f != "dot")).check(
        fmt, name=str(output) if output is not None else "fmt"
    )
    return fmt


def _refuse_unwritable(outputs: Sequence[str | os.PathLike], fmt: str | None) -> None:
    """Refuse, in one line, an output whose format is unknown, whose place cannot be written, or
    that needs a LaTeX this machine lacks: with several outputs, none is written unless all can be."""
    from .drawing.mpl import check_latex
    from .files import check_target

    for path in outputs:
        if _format(path, fmt, dot=True) == "pgf":
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
    from .execute.stack import Stack

    if not isinstance(stack, Stack):
        raise TypeError(f"stack must be a Stack (from stack_from_torch), not {type(stack).__name__}")
    args.path(output, "output", optional=True)
    args.figure(style=style, width=width, font=font, transparent=transparent, fmt=fmt)
    args.integer(steps, "steps", low=1, high=12)
    from .drawing.scene import build_scene
    from .layout.stack import layout_stack
    from .style import adjusted, load_style

    sheet = adjusted(load_style(style), transparent=transparent, font=font)
    layout = layout_stack(stack.kind, stack.layers, stack.directions, metrics_for(sheet), steps=steps)
    return _emit(build_scene(layout, sheet), output, fmt, width)


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
) -> None:
    """Draw a cell into an existing matplotlib Axes, so it can sit beside a plot in one figure. The
    figure is scaled to fit the Axes, lines and text with it; as for a printed figure, labels stay at
    least 7 pt (the layout makes room for them), or ``font_size`` (``"8pt"``) when given. ``scale``
    makes all text that many times bigger again (1.5 for a slide)."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.axes(ax)
    args.figure(style=style, labels=labels, font_size=font_size, view=view, focus=focus)
    args.number(scale, "scale", low=0.25, high=4)

    from .drawing.mpl import draw as draw_scene
    from .drawing.scene import build_scene
    from .layout.views import layout_view
    from .style import load_style

    graph = drawable(cell).relabelled(labels)
    sheet = text_scaled(load_style(style), scale)

    def lay_out(sheet: Any) -> Any:
        return layout_view(graph, view, focus=focus, metrics=metrics_for(sheet))

    box = ax.get_position()
    w_in, h_in = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
    natural = lay_out(sheet)
    fits = min(w_in, h_in * natural.width / natural.height)  # the width it is drawn at, in inches
    sheet, layout = sized(sheet, lay_out, f"{fits:.4f}in", font_size, attempts=5)
    draw_scene(build_scene(layout, sheet), ax)


def steps_of(cell: str | Path | CellGraph, *, labels: str = "notation") -> dict[str, list[str]]:
    """The cell's walk-through, in order: each step's name (as ``walk_through`` and ``render(view="focus",
    focus=name)`` take it) with the LaTeX equations that step explains (:func:`steps` draws them)."""
    from .spec.roles import roles

    return {step.name: list(step.equations) for step in roles(load(cell).relabelled(labels)).steps}


def _walk_scenes(
    graph: CellGraph,
    style: str | Path,
    width: str | float | None,
    transparent: bool,
    font: str | None,
    font_size: str | float | None,
) -> tuple[list[str], list[Any]]:
    """The walk-through's step names and one scene per step, every frame the same size."""
    import dataclasses

    from .drawing.scene import build_scene
    from .layout.views import layout_view
    from .spec.roles import roles
    from .style import adjusted, load_style

    sheet = adjusted(load_style(style), transparent=transparent, font=font)
    names = [step.name for step in roles(graph).steps]

    def widest(sheet: Any) -> Any:
        frames = [layout_view(graph, "focus", focus=name, metrics=metrics_for(sheet)) for name in names]
        return max(frames, key=lambda lay: lay.width)

    sheet, _ = sized(sheet, widest, width, font_size)
    layouts = [layout_view(graph, "focus", focus=name, metrics=metrics_for(sheet)) for name in names]
    w, h = max(lay.width for lay in layouts), max(lay.height for lay in layouts)
    return names, [build_scene(dataclasses.replace(lay, width=w, height=h), sheet) for lay in layouts]


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
    from .display import SVG, Step, Steps
    from .drawing.svg import to_svg
    from .spec.roles import roles

    graph = drawable(cell).relabelled(labels)
    names, scenes = _walk_scenes(graph, style, width, transparent, font, font_size)
    width_in = inches(width, scenes[0].width) if width is not None else None
    options = {"style": style, "labels": labels, "width": width, "transparent": transparent, "font": font}
    return Steps(
        drawable(cell),
        tuple(
            Step(name, step.equations, SVG(to_svg(scene, width_in=width_in)))
            for name, step, scene in zip(names, roles(graph).steps, scenes)
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
    args.figure(style=style, labels=labels, width=width, font=font, font_size=font_size, transparent=transparent,
                fmt=fmt)

    from .errors import Choice
    from .files import check_target, inside, refuse_overlap, write_all

    output = Path(output)
    graph = drawable(cell).relabelled(labels)
    if output.suffix in (".pdf", ".tex"):
        from .drawing.mpl import pages

        pdf = output.with_suffix(".pdf")
        for path in {pdf, output}:
            check_target(path)  # both refused before anything is drawn, or neither
        names, scenes = _walk_scenes(graph, style, width, transparent, font, font_size)
        width_in = inches(width, scenes[0].width) if width is not None else None
        if output.suffix == ".pdf":
            write_all({pdf: pages(scenes, width_in=width_in)})
            return [pdf]
        frames = "\n".join(
            f"\\includegraphics<{k}>[page={k},width=\\linewidth]{{{pdf.stem}}}%" for k in range(1, len(scenes) + 1)
        )
        tex = (
            f"% The walk-through of {graph.name!r}, made by lstmviz: one overlay per step\n"
            f"% ({', '.join(names)}). \\input this file inside a Beamer frame.\n{frames}\n"
        )
        write_all({pdf: pages(scenes, width_in=width_in), output: tex.encode("utf-8")})  # both, or neither
        return [pdf, output]

    Choice("format", ("svg", "png")).check(fmt, name="fmt")
    if output.exists() and not output.is_dir():
        raise SpecError("is a file, not a folder", name=str(output), fix="give a folder, a .pdf or a .tex")
    refuse_overlap(output, [p for p in (cell, style) if isinstance(p, str | os.PathLike)])
    names, scenes = _walk_scenes(graph, style, width, transparent, font, font_size)
    paths = [output / f"{graph.name}-{k}-{name}.{fmt}" for k, name in enumerate(names, 1)]
    for path in paths:
        if output.is_dir():
            check_target(path)  # every frame's place refused before any is encoded (a planted link too)
        inside(output, path.name)
    files = {path: _encode(scene, fmt, width) for path, scene in zip(paths, scenes)}  # all before any is written
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
    from .errors import Choice
    from .figures import POSTS
    from .files import check_target, write_all

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
    for k, (path, figure) in enumerate(zip(paths, entries)):
        graph = drawable(figure.spec)
        scene = _scene(graph, figure.view, figure.focus, style, width, None)
        files[path] = _encode(scene, fmt, width)
        if progress is not None:
            progress(k + 1, len(entries))
    write_all(files, folder=output)  # all of them, or (on any failure) none
    return paths


def explain(
    what: str,
    output: str | Path | None = None,
    *,
    style: str | Path = "colah",
    fps: float = 10.0,
    width: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> str | None:
    """One of Michael Phi's small animations (``what``: sigmoid, tanh, concat or pointwise): values
    squashed, concatenated or multiplied, unit by unit, on the animations' colour scale. Writes an
    animated SVG, a GIF or an MP4 to ``output`` (by its suffix), or returns the SVG."""
    args.text(what, "what")
    args.path(output, "output", optional=True)
    args.figure(style=style)
    args.number(fps, "fps", low=0.5, high=60)
    args.number(width, "width", low=200, high=8000, optional=True)
    args.callback(progress, "progress")
    from .errors import Choice
    from .motion.explain import EXPLAINED
    from .motion.explain import explain as build
    from .motion.svg import animated_svg
    from .style import load_style

    Choice("animation", EXPLAINED).check(what, name="what")
    fmt = Path(output).suffix.lstrip(".").lower() if output is not None else "svg"
    Choice("format", ("svg", "gif", "mp4")).check(fmt, name=str(output))
    scene, cues, duration = build(what, load_style(style))
    if fmt != "svg":
        from .motion.video import write_video

        write_video(lambda _: scene, cues, duration, output, fmt=fmt, fps=fps, width=width, progress=progress)
        return None
    from .display import SVG

    text = SVG(animated_svg(scene, cues, duration))
    if output is None:
        return text
    from .files import write_atomic

    write_atomic(output, text.encode("utf-8"))
    return None


def animate(
    cell: str | Path | CellGraph | Any,
    output: str | Path | None = None,
    *,
    x: np.ndarray | Mapping[str, np.ndarray] | None = None,
    params: Mapping[str, Any] | None = None,
    steps: int | None = None,
    window: tuple[int, int] | None = None,
    units: Sequence[int] | None = None,
    dims: Mapping[str, int] | None = None,
    style: str | Path = "colah",
    view: str | None = None,
    labels: str = "notation",
    seed: int = 0,
    fps: float | None = None,
    width: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    fmt: str | None = None,
    notes: list[str] | None = None,
    backward: bool = False,
    task: str | None = None,
) -> str | None:
    """Animate a cell on real numbers: run it (on ``x``, or ``steps`` of seeded random input,
    4 by default) with a trace and play each time step as the walk-through tells it: the inputs
    arrive, each step computes its values (each value's strip of cells appears beside its line)
    while the rest dims, and the states pass on. Writes an animated SVG (``.svg``), a
    self-contained HTML player (``.html``), a GIF or an MP4 (``fps`` frames a second, by default one
    per beat; ``width`` pixels wide, by default at least 1000; ``progress`` is called with (frames
    done, frames)) to ``output``; without one, returns the animated SVG (or with ``fmt="html"``
    the player), which a notebook shows playing. ``window`` (start, stop) picks the steps shown
    (by default the first 8), ``units`` the units of each vector (by default the first 16;
    ``dims`` sets sizes, as ``{"hidden": 32}``); what a default leaves out is appended to
    ``notes`` and written under the figure. ``view`` is cell, ordered or chain (the values play in
    the middle module).

    ``cell`` may be a trained model (what :func:`train` returns, or its ``.npz``): its weights run
    on a sequence of its task. ``backward=True`` adds the backward sweep: after the forward steps
    the same steps play backward, last first, each value's strip showing the gradient of the
    task's loss with respect to it (∂L/∂h_t) on its own colour scale, and the states' gradients
    pass back to the step before; a plain cell is used as initialised, on ``task`` (copy by
    default). The sweep shows the last 8 steps of the sequence (``steps``: by default the task's
    length), in the chain view unless ``view`` says otherwise."""
    args.path(output, "output", optional=True)
    args.mapping(params, "params")
    args.integer(steps, "steps", low=1, high=10_000, optional=True)
    args.window(window)
    if units is not None:
        from .motion.timeline import checked_units

        units = checked_units(units)
    args.dims(dims)
    args.figure(style=style, labels=labels, view=view, fmt=fmt)
    args.integer(seed, "seed", low=0)
    args.number(fps, "fps", low=0.5, high=60, optional=True)
    args.number(width, "width", low=200, high=8000, optional=True)
    args.callback(progress, "progress")
    if notes is not None and not isinstance(notes, list):
        raise TypeError(f"notes must be a list to append to, not {type(notes).__name__}")
    args.flag(backward, "backward")
    args.text(task, "task", optional=True)
    from .drawing.scene import build_scene
    from .errors import Choice
    from .layout.views import layout_view
    from .motion.overlay import cues, stage
    from .motion.svg import animated_svg
    from .motion.timeline import build_timeline
    from .style import load_style

    model = _model(cell, task, dims, seed) if backward or task is not None or _is_model(cell) else None
    if fmt is None:
        fmt = Path(output).suffix.lstrip(".").lower() if output is not None else "svg"
    Choice("animation format", ("svg", "html", "gif", "mp4")).check(fmt, name=str(output) if output else "fmt")
    if output is None and fmt in ("gif", "mp4"):
        raise SpecError(f"{fmt} output needs a file", name="output", fix="pass output='animation.gif'")
    view = view or ("chain" if backward else "cell")
    Choice("animation view", ("cell", "ordered", "chain")).check(view, name="view")
    gradients = None
    if model is None:
        graph = drawable(cell)
        given = random_input(graph, steps or 4, seed=seed, dims=dims, dtype="float64") if x is None else x
        result = run(graph, given, params, trace=True, seed=seed, dims=dims)
    else:
        from .learn.train import backprop

        if x is not None or params is not None:
            raise SpecError(
                "a model (or backward=True, or a task) runs the task's own sequences with the model's weights",
                name="x" if x is not None else "params",
                fix="leave out x and params (or animate the cell's spec alone)",
            )
        graph = drawable(model.graph)
        batch = model.task.batch(1, steps, seed=seed)
        ran = model.run(batch.x)
        result = ran[0]
        gradients = backprop(model, batch, ran)[1].nodes if backward else None
    sheet = load_style(style)
    shown, m = graph.relabelled(labels), metrics_for(sheet)
    timeline = build_timeline(graph, result.trace, window=window, units=units, gradients=gradients)
    if notes is not None:
        notes.extend(timeline.notes)

    def spread(k: float) -> Any:  # room between rows and columns for the values' strips
        return layout_view(shown, view, metrics=dataclasses.replace(m, column=m.column * k, row=m.row * k))

    where = stage(shown, spread, timeline, sheet, m)
    shows = cues(where, timeline, sheet)
    if fmt in ("gif", "mp4"):
        from .motion.video import dimmed, write_video

        rate = fps or 1 / timeline.beat  # by default a frame for each beat
        write_video(
            dimmed(where, sheet, timeline),
            shows,
            timeline.duration,
            output,
            fmt=fmt,
            fps=rate,
            width=width,
            progress=progress,
        )
        return None
    from .display import HTML, SVG
    from .motion.overlay import faded

    if timeline.sweeps:  # forward and backward steps dim differently: each phase once, over the loop
        phases, fade_period = timeline.phases, timeline.duration
    else:  # every step dims as the first
        phases, fade_period = [p for p in timeline.phases if p.step == timeline.steps[0]], timeline.step_length
    fades = [(p.start, p.end, faded(where.layout, p)) for p in phases]
    scene = build_scene(where.layout, sheet)
    text = SVG(
        animated_svg(scene, shows, timeline.duration, fades=fades, period=timeline.step_length, fade_period=fade_period)
    )
    if fmt == "html":
        from .motion.player import html_player

        text = HTML(html_player(text, timeline, graph.title or graph.name))
    if output is None:
        return text
    from .files import write_atomic

    write_atomic(output, text.encode("utf-8"))
    return None


def _is_model(cell: Any) -> bool:
    """Whether ``cell`` is a trained model or names its ``.npz``."""
    from .learn.train import Model

    return isinstance(cell, Model) or (isinstance(cell, (str, Path)) and str(cell).lower().endswith(".npz"))


def _model(cell: Any, task: str | None, dims: Mapping[str, int] | None, seed: int) -> Any:
    """The model ``cell`` is or names, or the cell as initialised for ``task`` (copy by default)."""
    from .learn.train import Model, init_model, load_model

    if _is_model(cell):
        if dims:
            raise SpecError("a trained model has its own sizes", name="dims", fix="leave out dims")
        return cell if isinstance(cell, Model) else load_model(cell)
    return init_model(load(cell), task or "copy", hidden=(dims or {}).get("hidden", 16), seed=seed)


def train(
    cell: str | Path | CellGraph,
    task: str = "count",
    output: str | Path | None = None,
    *,
    hidden: int = 16,
    updates: int | None = None,
    length: int | None = None,
    seed: int = 0,
    until: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Any, Any]:
    """Train a cell on a toy task in NumPy (``task``: copy, count, memorise, parity or adding):
    BPTT, Adam and gradient clipping, seeded, stopping once the task is learnt (``until`` a score)
    or after ``updates`` (the task's budget). Returns the :class:`~lstmviz.learn.train.Model`
    (``model.score``, ``model.run``) and its :class:`~lstmviz.learn.train.History`; writes the model to ``output``
    (``.npz``: parameters, readout, spec and task) when given."""
    args.named_or_path(cell, "cell", also=(CellGraph,))
    args.text(task, "task")
    args.path(output, "output", optional=True)
    args.integer(hidden, "hidden", low=1, high=1024)
    args.integer(updates, "updates", low=1, high=1_000_000, optional=True)
    args.integer(length, "length", low=2, high=10_000, optional=True)
    args.integer(seed, "seed", low=0)
    args.number(until, "until", low=0, high=2, optional=True)
    args.callback(progress, "progress")
    from .learn.train import save_model
    from .learn.train import train as fit

    model, history = fit(
        load(cell), task, hidden=hidden, updates=updates, length=length, seed=seed, until=until, progress=progress
    )
    if output is not None:
        save_model(model, output)
    return model, history


def gradients(
    cells: Sequence[str | Path | CellGraph],
    output: str | Path | None = None,
    *,
    task: str = "copy",
    steps: int = 100,
    trained: bool = True,
    hidden: int = 16,
    seed: int = 0,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """The vanishing-gradient picture: for each cell, ‖∂L/∂h_t‖ (each state's, and the error
    reaching each layer) against t, for a loss at the last of ``steps`` steps of ``task``. Each
    cell is first trained on the task at its usual length (``trained=False``: as initialised).
    Writes an SVG, PNG or PDF chart to ``output`` (by its suffix, or ``fmt``); without one returns
    the :class:`~lstmviz.learn.flow.Flow` of each cell. An ``.html`` output (one cell) is instead
    the animation player's backward sweep through the chain view, over the last steps."""
    cells = args.cells(cells, also=(CellGraph,))
    args.path(output, "output", optional=True)
    args.text(task, "task")
    args.integer(steps, "steps", low=2, high=10_000)
    args.flag(trained, "trained")
    args.integer(hidden, "hidden", low=1, high=1024)
    args.integer(seed, "seed", low=0)
    args.text(fmt, "fmt", optional=True)
    args.callback(progress, "progress")
    from .errors import Choice
    from .learn.flow import flow_figure, gradient_flow
    from .learn.train import init_model
    from .learn.train import train as fit

    if output is not None or fmt is not None:  # before any training: a bad name fails at once
        fmt = fmt or (Path(output).suffix.lstrip(".").lower() if output is not None else "")
        Choice("chart format", ("svg", "png", "pdf", "html")).check(fmt, name=str(output) if output else "fmt")
        if fmt == "html" and len(cells) != 1:
            raise SpecError(
                f"an .html backward sweep plays one cell, not {len(cells)}",
                name=str(output) if output else "fmt",
                fix="give one cell, or write the chart of them all as .svg, .png or .pdf",
            )
    graphs = [load(c) for c in cells]
    flows = []
    for k, graph in enumerate(graphs):
        if trained:
            done = k / len(graphs)
            tick = (lambda d, n: progress(round((done + d / n / len(graphs)) * 1000), 1000)) if progress else None
            model, _ = fit(graph, task, hidden=hidden, seed=seed, progress=tick)
        else:
            model = init_model(graph, task, hidden=hidden, seed=seed)
        if fmt == "html":
            return animate(model, output, backward=True, steps=steps, seed=seed, fmt="html")
        flows.append(gradient_flow(model, steps, seed=seed))
    if fmt is None:
        return flows
    when = "after training on it" if trained else "as initialised"
    data = flow_figure(flows, fmt, title=f"How much of the loss at step {steps} reaches step t ({task} task, {when})")
    if output is None:
        return data
    from .files import write_atomic

    write_atomic(output, data)
    return None


def explore(
    model: Any,
    output: str | Path | None = None,
    *,
    text: str | None = None,
    neurons: Sequence[int] | None = None,
    best: int | None = None,
) -> str | None:
    """The neuron explorer (after Edwin Chen's): a trained model (the first of what :func:`train`
    returns, or its ``.npz``) reads ``text`` (by default a sequence of its task), and under each symbol every
    neuron's states and gates are coloured on the diverging scale, sortable by how well each tracks
    a feature of the task; ``neurons`` (or the ``best`` few trackers of the task's first feature) are
    shown at first. Writes one offline HTML page to ``output``, or returns it."""
    from .learn.train import Model

    if not isinstance(model, Model):
        args.path(model, "model")
    args.path(output, "output", optional=True)
    args.text(text, "text", optional=True)
    if neurons is not None:
        from .motion.timeline import checked_units

        neurons = checked_units(neurons, "neurons")
    args.integer(best, "best", low=1, high=1024, optional=True)
    from .display import HTML
    from .learn.explorer import explorer_html
    from .learn.train import Model, load_model

    if not isinstance(model, Model):
        model = load_model(model)
    page = HTML(explorer_html(model, model.task.example if text is None else text, neurons=neurons, best=best))
    if output is None:
        return page
    from .files import write_atomic

    write_atomic(output, page.encode("utf-8"))
    return None


def _show_cells_in_jupyter() -> None:
    """In an IPython kernel, a CellGraph shows itself as its diagram: IPython's SVG formatter is told
    to draw it with :func:`render`. Registered here, so that the spec knows nothing of drawing."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.display_formatter.formatters["image/svg+xml"].for_type(CellGraph, lambda graph: render(graph))


_show_cells_in_jupyter()
