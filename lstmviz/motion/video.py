"""GIF and MP4: the timeline drawn frame by frame with the matplotlib backend.

Each frame is the stage's scene, dimmed but for the walk-through step playing, with the cues on
show at that moment (a travelling cue at its place along its line); GIF is written by
matplotlib's Pillow writer, MP4 by its ffmpeg writer.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from ..drawing.scene import Group, Rect, Scene, build_scene
from ..errors import DataError
from ..layout.geometry import Point
from ..style import Style
from .overlay import Cue, Stage, faded
from .timeline import Timeline

#: The narrowest a GIF or MP4 is drawn by default, in pixels: a cell of a strip stays big enough to see.
MIN_WIDTH = 1000


def dimmed(stage: Stage, style: Style, timeline: Timeline) -> Callable[[float], Scene]:
    """The figure at each moment: dimmed but for the walk-through step playing (each drawn once)."""
    scenes: dict[str, Scene] = {}

    def at(seconds: float) -> Scene:
        phase = timeline.phase(seconds)
        if phase.name not in scenes:
            scenes[phase.name] = build_scene(dataclasses.replace(stage.layout, faded=faded(stage.layout, phase)), style)
        return scenes[phase.name]

    return at


def frames(figure: Callable[[float], Scene], cues: list[Cue], duration: float, *, fps: float) -> Iterator[Scene]:
    """The scenes of the animation, ``fps`` a second, one loop ``duration`` seconds long:
    ``figure(seconds)`` under the cues on show."""
    count = max(1, round(duration * fps))
    for f in range(count):
        seconds = (f + 0.5) / fps
        scene = figure(seconds)
        shown = []
        for cue in cues:
            if not cue.start <= seconds < cue.end:
                continue
            if cue.path:
                at = _along(cue.path, (seconds - cue.start) / (cue.end - cue.start))
                shown.append(Group(cue.group.css, cue.group.data, tuple(_moved(i, at) for i in cue.group.items)))
            else:
                shown.append(cue.group)
        yield Scene(scene.width, scene.height, scene.background, scene.groups + tuple(shown))


def _along(path: tuple[Point, ...], f: float) -> Point:
    """The point ``f`` (0 to 1) of the way along ``path``."""
    pieces = list(zip(path, path[1:]))
    lengths = [math.hypot(b.x - a.x, b.y - a.y) for a, b in pieces]
    left = f * sum(lengths)
    for (a, b), length in zip(pieces, lengths):
        if left <= length and length:
            g = left / length
            return Point(a.x + (b.x - a.x) * g, a.y + (b.y - a.y) * g)
        left -= length
    return path[-1]


def _moved(item: Rect, at: Point) -> Rect:  # travelling cues are cells
    return dataclasses.replace(item, x=item.x + at.x, y=item.y + at.y)


def write_video(
    scenes: list[Scene],
    path: str | Path,
    *,
    fmt: str,
    fps: float,
    width: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write scenes as a GIF (Pillow) or an MP4 (ffmpeg), ``width`` pixels wide (by default at least
    :data:`MIN_WIDTH`), whole or not at all."""
    import matplotlib.animation as animation

    from ..drawing.mpl import PX_PER_INCH, draw, figure
    from ..files import temporary_beside

    if fmt == "mp4" and shutil.which("ffmpeg") is None:
        raise DataError(
            "MP4 output needs ffmpeg, which is not installed",
            name=str(path),
            fix="install it (Debian: apt-get install ffmpeg), or write a .gif",
        )
    fig = figure(scenes[0])
    ax = fig.axes[0]
    pixels = width or max(MIN_WIDTH, scenes[0].width)
    dpi = PX_PER_INCH * pixels / scenes[0].width
    if fmt == "gif":
        writer = animation.PillowWriter(fps=fps)
    else:  # H.264 in yuv420p plays everywhere, and needs even sides
        even = ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"]
        writer = animation.FFMpegWriter(fps=fps, codec="libx264", extra_args=even)
    with temporary_beside(path, suffix=f".{fmt}") as (_, tmp):
        writer.setup(fig, str(tmp), dpi=dpi)
        try:
            for k, scene in enumerate(scenes):
                ax.clear()
                draw(scene, ax)
                writer.grab_frame()
                if progress:
                    progress(k + 1, len(scenes))
        except BaseException:  # stopped or failed: end ffmpeg now rather than finish a file no one wants
            encoder = getattr(writer, "_proc", None)
            if encoder is not None:
                encoder.kill()
                encoder.wait()
            raise
        writer.finish()
