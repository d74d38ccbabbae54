"""The API's animations: a cell played on real values (or a trained model, with its backward
sweep), and the small explanatory animations."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import arguments as args
from ..errors import SpecError
from ..sizing import metrics_for
from ..spec.graph import CellGraph
from .cells import drawable, load, random_input, run


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
    from ..errors import Choice
    from ..motion.animation import Clip
    from ..motion.explain import EXPLAINED
    from ..motion.explain import explain as build
    from ..pipeline import emit
    from ..style import load_style

    Choice("animation", EXPLAINED).check(what, name="what")
    scene, cues, duration = build(what, load_style(style))
    return emit(Clip(scene, tuple(cues), duration), output, fps=fps, width=width, progress=progress)


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
        from ..motion.timeline import checked_units

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
    from ..errors import Choice
    from ..layout.views import layout_view
    from ..motion.animation import animation
    from ..motion.timeline import build_timeline
    from ..pipeline import MOVING, emit, format_of
    from ..style import load_style

    model = _model(cell, task, dims, seed) if backward or task is not None or _is_model(cell) else None
    fmt = format_of(output, fmt, MOVING, moving=True)  # refused before anything runs
    view = view or ("chain" if backward else "cell")
    Choice("animation view", ("cell", "ordered", "chain")).check(view, name="view")
    graph, result, gradients = _ran(cell, model, x, params, steps, seed, dims, backward)
    sheet = load_style(style)
    shown = graph.relabelled(labels)
    timeline = build_timeline(graph, result.trace, window=window, units=units, gradients=gradients)
    if notes is not None:
        notes.extend(timeline.notes)
    title = graph.title or graph.name
    moving = animation(shown, lambda m: layout_view(shown, view, metrics=m), timeline, sheet, metrics_for(sheet), title)
    return emit(moving, output, fmt, fps=fps, width=width, progress=progress)

def _ran(
    cell: Any, model: Any, x: Any, params: Any, steps: int | None, seed: int, dims: Any, backward: bool
) -> tuple[CellGraph, Any, Mapping[str, np.ndarray] | None]:
    """What an animation plays: the cell, its run with a trace, and (``backward``) the gradients of
    the task's loss; a ``model`` runs on a sequence of its task with its own weights."""
    if model is None:
        graph = drawable(cell)
        given = random_input(graph, steps or 4, seed=seed, dims=dims, dtype="float64") if x is None else x
        return graph, run(graph, given, params, trace=True, seed=seed, dims=dims), None
    from ..learn.train import backprop

    if x is not None or params is not None:
        raise SpecError(
            "a model (or backward=True, or a task) runs the task's own sequences with the model's weights",
            name="x" if x is not None else "params",
            fix="leave out x and params (or animate the cell's spec alone)",
        )
    batch = model.task.batch(1, steps, seed=seed)
    ran = model.run(batch.x)
    return drawable(model.graph), ran[0], backprop(model, batch, ran)[1].nodes if backward else None

def _is_model(cell: Any) -> bool:
    """Whether ``cell`` is a trained model or names its ``.npz``."""
    from ..learn.train import Model

    return isinstance(cell, Model) or (isinstance(cell, (str, Path)) and str(cell).lower().endswith(".npz"))

def _model(cell: Any, task: str | None, dims: Mapping[str, int] | None, seed: int) -> Any:
    """The model ``cell`` is or names, or the cell as initialised for ``task`` (copy by default)."""
    from ..learn.train import Model, init_model, load_model

    if _is_model(cell):
        if dims:
            raise SpecError("a trained model has its own sizes", name="dims", fix="leave out dims")
        return cell if isinstance(cell, Model) else load_model(cell)
    return init_model(load(cell), task or "copy", hidden=(dims or {}).get("hidden", 16), seed=seed)


def parse_units(text: str, name: str = "--units") -> tuple[int, ...]:
    """Units written as ``START:STOP`` or a list ``0,3,7``, as ``animate(units=...)`` and
    ``explore(neurons=...)`` take them; refused in one line naming ``name`` (imported when asked for)."""
    from ..motion.timeline import parse_units as parse

    return parse(text, name)
