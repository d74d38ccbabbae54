"""An animation of a cell on real values, ready to write: its figure staged for the values' strips,
what shows over it and when, and what dims while each walk-through step plays, decided here once
for the animated SVG, the HTML player and the video alike."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

from ..drawing.scene import Scene, build_scene
from ..layout.geometry import Layout
from ..layout.metrics import Metrics
from ..spec.graph import CellGraph
from ..style import Style
from .overlay import Cue, Stage, cues, faded, stage
from .timeline import Phase, Timeline


@dataclasses.dataclass(frozen=True)
class Dimming:
    """What dims while each phase of the loop plays (everything its step does not light), and the
    stretch the fades repeat over: a time step when every step dims alike, else the whole loop (a
    backward sweep lights each step's values in reverse)."""

    phases: tuple[Phase, ...]
    dimmed: tuple[frozenset[str], ...]  #: by phase
    period: float

    def spans(self) -> tuple[tuple[float, float, frozenset[str]], ...]:
        """(start, end, ids dimmed) of the phases in the first ``period``, which then repeats."""
        return tuple((p.start, p.end, ids) for p, ids in zip(self.phases, self.dimmed) if p.end <= self.period + 1e-9)

    def at(self, seconds: float) -> frozenset[str]:
        """What is dimmed ``seconds`` into the loop (the last phase's after the loop's end)."""
        k = next((k for k, p in enumerate(self.phases) if p.start <= seconds < p.end), len(self.phases) - 1)
        return self.dimmed[k]


def dimming(layout: Layout, timeline: Timeline) -> Dimming:
    """What dims while each of ``timeline``'s phases plays over ``layout``."""
    by_lit: dict[frozenset[str], frozenset[str]] = {}
    for p in timeline.phases:  # the phases of every step light alike: each worked out once
        if p.lit not in by_lit:
            by_lit[p.lit] = faded(layout, p)
    dimmed = tuple(by_lit[p.lit] for p in timeline.phases)
    return Dimming(tuple(timeline.phases), dimmed, timeline.duration if timeline.sweeps else timeline.step_length)


class _Video:
    """What an animation and a clip share: a video made of their figures at each moment."""

    cues: tuple[Cue, ...]
    duration: float
    fps: float

    def figure_at(self) -> Callable[[float], Scene]:
        raise NotImplementedError

    def video(
        self,
        output: str | Path,
        *,
        fmt: str,
        fps: float | None = None,
        width: float | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Write a GIF or an MP4, ``fps`` frames a second (by default :attr:`fps`), whole or not at all."""
        from .video import write_video

        rate = fps or self.fps
        write_video(
            self.figure_at(), list(self.cues), self.duration, output, fmt=fmt, fps=rate, width=width, progress=progress
        )


@dataclasses.dataclass(frozen=True)
class Animation(_Video):
    """A staged figure, the cues over it and its dimming: everything each format draws from."""

    stage: Stage
    style: Style
    timeline: Timeline
    cues: tuple[Cue, ...]
    dimming: Dimming
    title: str

    def svg(self) -> str:
        """The self-contained animated SVG (CSS animations, no script)."""
        from .svg import animated_svg

        t = self.timeline
        return animated_svg(
            build_scene(self.stage.layout, self.style),
            self.cues,
            t.duration,
            fades=self.dimming.spans(),
            period=t.step_length,
            fade_period=self.dimming.period,
        )

    def html(self) -> str:
        """A page that plays the animated SVG, with controls."""
        from .player import html_player

        layout = self.stage.layout
        return html_player(self.svg(), self.timeline, self.title, layout.width, layout.height)

    def figure_at(self) -> Callable[[float], Scene]:
        """The figure at each moment, dimmed as :attr:`dimming` says (each dimming drawn once)."""

        @functools.cache
        def drawn(dimmed: frozenset[str]) -> Scene:
            return build_scene(dataclasses.replace(self.stage.layout, faded=dimmed), self.style)

        return lambda seconds: drawn(self.dimming.at(seconds))

    @property
    def duration(self) -> float:
        return self.timeline.duration

    @property
    def fps(self) -> float:
        """A video's frames a second unless told: one a beat."""
        return 1 / self.timeline.beat


@dataclasses.dataclass(frozen=True)
class Clip(_Video):
    """A figure that stays as it is and the cues over it, looping every ``duration`` seconds: one
    of the explainers of a single operation, with no cell, no steps and nothing dimmed."""

    scene: Scene
    cues: tuple[Cue, ...]
    duration: float

    def svg(self) -> str:
        """The self-contained animated SVG."""
        from .svg import animated_svg

        return animated_svg(self.scene, self.cues, self.duration)

    def figure_at(self) -> Callable[[float], Scene]:
        """The figure at each moment: always the same."""
        scene = self.scene
        return lambda seconds: scene

    @property
    def fps(self) -> float:
        """A video's frames a second unless told."""
        return 10.0


def animation(
    graph: CellGraph, lay_out: Callable[[Metrics], Layout], timeline: Timeline, style: Style, m: Metrics, title: str
) -> Animation:
    """``timeline`` played over ``graph`` as ``lay_out(metrics)`` draws it, spread (rows and columns
    further apart than ``m`` sets them) until every value's strip finds a clear place."""

    def spread(k: float) -> Layout:
        return lay_out(dataclasses.replace(m, column=m.column * k, row=m.row * k))

    where = stage(graph, spread, timeline, style, m)
    shows = tuple(cues(where, timeline, style))
    return Animation(where, style, timeline, shows, dimming(where.layout, timeline), title)
