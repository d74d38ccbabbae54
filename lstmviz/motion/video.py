"""GIF and MP4: the timeline drawn frame by frame with the matplotlib backend.

Each frame is the figure's scene (valves at the step's openings) plus a strip of cells for every
value on show; GIF is written by matplotlib's Pillow writer, MP4 by its ffmpeg writer.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from ..drawing.scene import Group, Rect, Scene, build_scene
from ..errors import DataError
from ..layout.geometry import Layout
from ..style import Style
from .colour import diverging
from .svg import CELL
from .timeline import Timeline


def frames(layout: Layout, style: Style, timeline: Timeline, *, fps: float, max_cells: int = 8) -> Iterator[Scene]:
    """The scenes of the animation, ``fps`` a second, one loop."""
    shapes = {s.node: s for s in layout.shapes}
    count = max(1, round(timeline.duration * fps))
    for f in range(count):
        seconds = f / fps
        events = timeline.visible(seconds)
        openings = {
            e.node: timeline.opening(e.step, e.node) for e in events if timeline.opening(e.step, e.node) is not None
        }
        scene = build_scene(layout, style, openings=openings)
        strips = []
        for e in events:
            b = shapes[e.node].box
            x0 = b.right + 3 if b.w else b.x + 4
            y0 = b.top - CELL - 2 if b.h else b.y + 4
            cells = tuple(
                Rect(x0 + i * CELL, y0, CELL, CELL, 0, diverging(v), "#333333", 0.4)
                for i, v in enumerate(e.value[:max_cells])
            )
            strips.append(Group("strip", (("node", e.node), ("step", str(e.step))), cells))
        yield Scene(scene.width, scene.height, scene.background, scene.groups + tuple(strips))


def write_video(
    scenes: list[Scene], path: str | Path, *, fmt: str, fps: float, progress: Callable[[int, int], None] | None = None
) -> None:
    """Write scenes as a GIF (Pillow) or an MP4 (ffmpeg), whole or not at all."""
    import matplotlib.animation as animation

    from ..drawing.mpl import draw, figure
    from ..files import temporary_beside

    if fmt == "mp4" and shutil.which("ffmpeg") is None:
        raise DataError(
            "MP4 output needs ffmpeg, which is not installed",
            name=str(path),
            fix="install it (Debian: apt-get install ffmpeg), or write a .gif",
        )
    fig = figure(scenes[0])
    ax = fig.axes[0]
    if fmt == "gif":
        writer = animation.PillowWriter(fps=fps)
    else:  # H.264 in yuv420p plays everywhere, and needs even sides
        even = ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"]
        writer = animation.FFMpegWriter(fps=fps, codec="libx264", extra_args=even)
    with temporary_beside(path, suffix=f".{fmt}") as (_, tmp):
        writer.setup(fig, str(tmp), dpi=100)
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
