"""What the gallery draws for an entry: one job per figure (a view or walk-through step in a style,
as SVG, PNG and PDF) or player, each knowing its files and the key that says when to redraw it."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path

from .. import api
from ..errors import LstmvizError
from ..files import inside
from ..spec.graph import CellGraph
from ..spec.tomlfile import dump_spec
from .entries import Entry

#: The gallery's two visual languages, drawn in every view.
STYLES = ("colah", "pipe")
#: The other style sheets, for the cell alone: dark ones for slides, print for paper.
MORE_STYLES = ("dark", "pipe-dark", "print")
#: Updates the gallery trains an explorer's cell for (seeded: every build draws the same model).
EXPLORER_UPDATES = 500
#: Formats every figure is offered in.
FIGURE_FORMATS = ("svg", "png", "pdf")


@dataclasses.dataclass(frozen=True)
class Job:
    """One thing to draw for an entry: a figure (a view, or a focus step, in a style), its player, or
    its explorer (the cell trained on ``task``, its neurons reading an example)."""

    path: Path  #: the entry's file, named when drawing fails
    graph: CellGraph
    style: str
    view: str  #: cell, chain, ordered, focus, player (the animation) or explorer
    stem: str  #: where it goes, relative to the site and without suffix: "lstm/lstm-colah-cell"
    focus: str | None = None
    task: str | None = None

    @property
    def files(self) -> tuple[str, ...]:
        suffixes = ("html",) if self.view in ("player", "explorer") else FIGURE_FORMATS
        return tuple(f"{self.stem}.{s}" for s in suffixes)

    def key(self, code: str) -> str:
        """Changes whenever the job's output could: the code, the cell, the style, the view."""
        text = "\0".join([code, _spec_text(self.graph), self.style, self.view, self.focus or "", self.task or ""])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=256)
def _spec_text(graph: CellGraph) -> str:
    """The cell's canonical TOML, written once per cell rather than once for each of its ~20 jobs."""
    return dump_spec(graph)


def jobs_for(entry: Entry) -> list[Job]:
    """Everything drawn for an entry, in the order the page shows it."""
    out = []
    for style in STYLES:
        stem = f"{entry.slug}/{entry.slug}-{style}"
        for view in ("cell", "chain", "ordered"):
            out.append(Job(entry.path, entry.graph, style, view, f"{stem}-{view}"))
        for k, name in enumerate(api.steps_of(entry.graph), 1):
            out.append(Job(entry.path, entry.graph, style, "focus", f"{stem}-step{k}-{name}", focus=name))
        out.append(Job(entry.path, entry.graph, style, "player", f"{stem}-player"))
    for style in MORE_STYLES:
        out.append(Job(entry.path, entry.graph, style, "cell", f"{entry.slug}/{entry.slug}-{style}-cell"))
    if entry.learn:
        stem = f"{entry.slug}/{entry.slug}-explorer-{entry.learn}"
        out.append(Job(entry.path, entry.graph, STYLES[0], "explorer", stem, task=entry.learn))
    return out


def draw_job(job: Job, root: Path) -> None:
    """Draw one job's files under ``root`` (run in a worker process)."""
    try:
        paths = [inside(root, name) for name in job.files]  # names come from the entry: none may lead out
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        if job.view == "player":
            api.animate(job.graph, paths[0], style=job.style, steps=4)
            return
        if job.view == "explorer":  # trained past the task's need (until > 1), so its neurons are clear
            model, _ = api.train(job.graph, job.task, hidden=8, updates=EXPLORER_UPDATES, until=1.1)
            api.explore(model, paths[0], best=3)
            return
        api.render(job.graph, paths, view=job.view, focus=job.focus, style=job.style)
    except LstmvizError as err:
        raise err.located(job.path) from None
    except Exception as err:  # a bug of ours, reported against the entry that found it
        what = f"{job.view} view" + (f" ({job.focus})" if job.focus else "")
        raise LstmvizError(
            f"drawing the {what} in the {job.style} style failed: {type(err).__name__}: {err}",
            file=job.path,
            fix="please report this with the entry attached",
        ) from err
