"""GIF and MP4: the timeline drawn frame by frame with the matplotlib backend.

Each frame is the stage's scene, dimmed but for the walk-through step playing, with the cues on
show at that moment (a travelling cue at its place along its line); GIF is written by Pillow,
MP4 by ffmpeg.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ..drawing.scene import Ellipse, Group, Item, Rect, Scene, Text
from ..errors import DataError
from ..layout.geometry import Point
from ..mathtext import width as text_width
from ..words import count
from .overlay import Cue

#: The narrowest a GIF or MP4 is drawn by default, in pixels: a cell of a strip stays big enough to see.
MIN_WIDTH = 1000
#: Pixels left clear between cues drawn side by side on one sheet, wider than a space between words:
#: a cue that reaches past the room it was given paints them, and its sheet is drawn again.
SHEET_GAP = 12
#: A sheet of cues is this many times the figure across and down: fewer, bigger drawings.
SHEET = 2
#: A GIF's palette is made from about this many of its frames, evenly spaced: as true to the LSTM's
#: frames as twice as many (a mean error of 1.85 levels), in half the time.
PALETTE_SAMPLE = 6


def frames(figure: Callable[[float], Scene], cues: list[Cue], duration: float, *, fps: float) -> Iterator[Scene]:
    """The scenes of the animation, ``fps`` a second, one loop ``duration`` seconds long:
    ``figure(seconds)`` under the cues on show (what :func:`write_video` draws, as scenes)."""
    for seconds in _times(duration, fps):
        scene = figure(seconds)
        shown = []
        for cue in cues:
            if not cue.on(seconds):
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


def _times(duration: float, fps: float) -> list[float]:
    """The moment each frame shows: the middle of its 1/fps."""
    return [(f + 0.5) / fps for f in range(max(1, round(duration * fps)))]


def write_video(
    figure: Callable[[float], Scene],
    cues: list[Cue],
    duration: float,
    path: str | Path,
    *,
    fmt: str,
    fps: float,
    width: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the animation (``figure(seconds)`` under the cues on show, as :func:`frames` has it) as
    a GIF (Pillow) or an MP4 (ffmpeg), ``width`` pixels wide (by default at least
    :data:`MIN_WIDTH`), whole or not at all.

    Each figure (one per walk-through step) and each cue is drawn by matplotlib once, and each frame
    is put together from those pictures, so a frame costs a few array copies rather than a drawing."""
    from ..files import temporary_beside

    if fmt == "mp4" and shutil.which("ffmpeg") is None:
        raise DataError(
            "MP4 output needs ffmpeg, which is not installed",
            name=str(path),
            fix="install it (Debian: apt-get install ffmpeg), or write a .gif",
        )
    times = _times(duration, fps)
    first = figure(times[0])
    scale = (width or max(MIN_WIDTH, first.width)) / first.width
    size = (round(first.width * scale), round(first.height * scale))
    _check_memory(figure, times, size, fmt, path)
    figures: dict[int, np.ndarray] = {}
    pictures = _pictures(cues, first, size, scale)  # cue -> its picture, cropped, and where
    # the encoder writes in a private folder, copied beside ``path`` once whole: should this process
    # be stopped while ffmpeg starts (before it can be stopped too), what ffmpeg goes on to write
    # lands in a folder already removed, never beside the user's file
    from ..drawing.mpl import glyphs_told

    with (
        temporary_beside(path, suffix=f".{fmt}") as (fh, _),
        tempfile.TemporaryDirectory() as work,
        glyphs_told(first),
    ):
        video = Path(work) / f"video.{fmt}"
        with _encoder(video, fmt, size, fps) as write:
            for k, seconds in enumerate(times):
                scene = figure(seconds)
                if id(scene) not in figures:
                    figures[id(scene)] = np.ascontiguousarray(_raster(scene, size)[..., :3])  # copied each frame
                frame = figures[id(scene)].copy()
                for c, cue in enumerate(cues):
                    if not cue.on(seconds):
                        continue
                    x, y, picture = pictures[c]
                    if cue.path:  # drawn around the origin, moved along its line
                        at = _along(cue.path, (seconds - cue.start) / (cue.end - cue.start))
                        x, y = x + round(at.x * scale), y + round(at.y * scale)
                    _over(frame, picture, x, y)
                write(frame)
                if progress:
                    progress(k + 1, len(times))
        with video.open("rb") as made:
            shutil.copyfileobj(made, fh)


def _check_memory(
    figure: Callable[[float], Scene], times: list[float], size: tuple[int, int], fmt: str, path: str | Path
) -> None:
    """Refuse, before drawing, a video whose pictures would not fit in memory: each figure kept as
    RGB, matplotlib's canvas (RGBA, twice while copied) and, for a GIF, every frame (RGB, then its
    palette picture) until Pillow writes them at the end."""
    from ..memory import require_memory

    pixels = size[0] * size[1]
    figures = len({id(figure(seconds)) for seconds in times})  # built once each, not drawn yet
    need = pixels * (3 * figures + 8 + (4 * len(times) if fmt == "gif" else 3))
    require_memory(
        need,
        f"the {fmt.upper()} ({count(len(times), 'frame')} of {size[0]} x {size[1]} pixels, {count(figures, 'figure')})",
        name=str(path),
        fix="draw it narrower (--width, width=) or with fewer frames a second (--fps, fps=)",
    )


def _raster(scene: Scene, size: tuple[int, int]) -> np.ndarray:
    """The scene drawn by matplotlib at ``size`` pixels: (height, width, RGBA), straight alpha."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ..drawing.mpl import PX_PER_INCH, figure

    fig = figure(scene)
    if scene.background == "none":
        fig.patch.set_alpha(0)
    fig.set_dpi(PX_PER_INCH * size[0] / scene.width)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())[: size[1], : size[0]]
    out = np.zeros((size[1], size[0], 4), dtype=np.uint8)
    out[: rgba.shape[0], : rgba.shape[1]] = rgba
    return out


def _pictures(
    cues: list[Cue], first: Scene, size: tuple[int, int], scale: float
) -> dict[int, tuple[int, int, np.ndarray]]:
    """Every cue's picture, as :func:`_picture` makes it, the cues drawn side by side on sheets
    :data:`SHEET` times the figure's size: each sheet one matplotlib drawing, cut into its cues'
    pictures (a drawing costs far more than its pixels). A cue is moved onto its sheet by whole
    pixels from where :func:`_picture` draws it, so it is drawn the same; a sheet where a cue
    reached past the room it was given is drawn again, a cue at a time."""
    out: dict[int, tuple[int, int, np.ndarray]] = {}
    placed = [_placed(cue, first) for cue in cues]
    room_for = (size[0] * SHEET, size[1] * SHEET)
    # grown by whole pixels, so that its pixels fall as the figure's do (matplotlib counts rows up)
    sheet_size = (first.width * SHEET, first.height + (SHEET - 1) * size[1] * first.width / size[0])
    for sheet in _sheets([_extent(items) for _, items in placed], room_for, scale):
        groups = []
        for c, (sx, sy), _ in sheet:
            group, shift = cues[c].group, Point(sx / scale, sy / scale)
            groups.append(Group(group.css, group.data, tuple(_moved(i, shift) for i in placed[c][1])))
        rgba = _raster(Scene(*sheet_size, "none", tuple(groups)), room_for)
        room = np.zeros(rgba.shape[:2], dtype=bool)
        for _, _, (left, top, right, bottom) in sheet:
            room[top:bottom, left:right] = True
        if rgba[..., 3][~room].any():  # a cue reached past its room: each alone
            out.update({c: _picture(cues[c], first, size, scale) for c, _, _ in sheet})
            continue
        for c, (sx, sy), (left, top, right, bottom) in sheet:
            x, y, crop = _cropped(rgba[top:bottom, left:right])
            middle = placed[c][0]
            out[c] = (left + x - sx - round(middle.x * scale), top + y - sy - round(middle.y * scale), crop)
    return out


def _placed(cue: Cue, first: Scene) -> tuple[Point, tuple[Item, ...]]:
    """Where :func:`_picture` draws a cue: a travelling cue around the middle of the canvas (and that
    point), any other in its place."""
    if not cue.path:
        return Point(0, 0), cue.group.items
    middle = Point(first.width / 2, first.height / 2)
    return middle, tuple(_moved(i, middle) for i in cue.group.items)


def _extent(items: tuple[Item, ...]) -> tuple[float, float, float, float]:
    """What ``items`` cover, (left, top, right, bottom), generously: a text's width is estimated."""
    xs: list[float] = []
    ys: list[float] = []
    for item in items:
        if isinstance(item, Text):
            w = text_width("".join(r.text for r in item.runs), item.size) * 1.25 + item.size
            left = item.x - {"start": 0.0, "middle": w / 2, "end": w}[item.anchor]
            xs += [left - item.size, left + w + item.size]
            ys += [item.y - 1.5 * item.size, item.y + item.size]
            continue
        if isinstance(item, Rect):
            corners = [Point(item.x, item.y), Point(item.x + item.w, item.y + item.h)]
        elif isinstance(item, Ellipse):
            corners = [Point(item.x - item.rx, item.y - item.ry), Point(item.x + item.rx, item.y + item.ry)]
        else:
            corners = list(item.points)
        reach = item.width + getattr(item, "arrow", 0.0) + 2
        xs += [p.x + d for p in corners for d in (-reach, reach)]
        ys += [p.y + d for p in corners for d in (-reach, reach)]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def _sheets(
    extents: list[tuple[float, float, float, float]], size: tuple[int, int], scale: float
) -> list[list[tuple[int, tuple[int, int], tuple[int, int, int, int]]]]:
    """The cues laid out on sheets of ``size`` pixels in rows, the tallest first: for each, its
    number, the move in whole pixels that puts it in its room, and the room (left, top, right,
    bottom, in pixels). A cue too big for a sheet has one of its own, unmoved."""
    sheets: list[list[tuple[int, tuple[int, int], tuple[int, int, int, int]]]] = [[]]
    x = y = row = SHEET_GAP
    for c in sorted(range(len(extents)), key=lambda c: extents[c][1] - extents[c][3]):
        x0, y0, x1, y1 = extents[c]
        left, top, right, bottom = (
            math.floor(x0 * scale),
            math.floor(y0 * scale),
            math.ceil(x1 * scale),
            math.ceil(y1 * scale),
        )
        w, h = right - left, bottom - top
        if w + 2 * SHEET_GAP > size[0] or h + 2 * SHEET_GAP > size[1]:
            sheets.insert(0, [(c, (0, 0), (0, 0, size[0], size[1]))])
            continue
        if x + w + SHEET_GAP > size[0]:  # a new row
            x, y, row = SHEET_GAP, row + SHEET_GAP, row + SHEET_GAP
        if y + h + SHEET_GAP > size[1]:  # a new sheet
            sheets.append([])
            x = y = row = SHEET_GAP
        sheets[-1].append((c, (x - left, y - top), (x, y, x + w, y + h)))
        x, row = x + w + SHEET_GAP, max(row, y + h)
    return [s for s in sheets if s]


def _cropped(rgba: np.ndarray) -> tuple[int, int, np.ndarray]:
    """The part of ``rgba`` something is drawn on, and where it starts: (x, y, RGBA)."""
    ys, xs = np.nonzero(rgba[..., 3])
    if not len(xs):
        return 0, 0, rgba[:0, :0]
    top, left = ys.min(), xs.min()
    return int(left), int(top), rgba[top : ys.max() + 1, left : xs.max() + 1]


def _picture(cue: Cue, first: Scene, size: tuple[int, int], scale: float) -> tuple[int, int, np.ndarray]:
    """A cue drawn alone on a clear canvas, cropped to what it covers: (x, y, RGBA) in pixels. A
    travelling cue is drawn around the middle of the canvas and placed by its offset from there."""
    middle, items = _placed(cue, first)
    rgba = _raster(Scene(first.width, first.height, "none", (Group(cue.group.css, cue.group.data, items),)), size)
    left, top, crop = _cropped(rgba)
    return left - round(middle.x * scale), top - round(middle.y * scale), crop


def _over(frame: np.ndarray, picture: np.ndarray, x: int, y: int) -> None:
    """Lay an RGBA picture over an RGB frame with its top left at (x, y), clipped to the frame."""
    h, w = picture.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, frame.shape[1]), min(y + h, frame.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    part = picture[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)
    alpha = part[..., 3:] / 255.0
    under = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (part[..., :3] * alpha + under * (1 - alpha) + 0.5).astype(np.uint8)


@contextlib.contextmanager
def _encoder(path: Path, fmt: str, size: tuple[int, int], fps: float) -> Iterator[Callable[[np.ndarray], None]]:
    """A function taking frames (RGB arrays) for a GIF (Pillow, written at the end) or an MP4 (ffmpeg,
    fed as they come: H.264 in yuv420p, which plays everywhere and needs even sides); ffmpeg is
    stopped at once if the frames stop coming."""
    if fmt == "gif":
        from PIL import Image

        frames: list[np.ndarray] = []
        yield frames.append
        # one palette for every frame (from a sample of them), so each frame after the first is
        # stored as the part that changed
        sample = Image.fromarray(np.concatenate(frames[:: max(1, len(frames) // PALETTE_SAMPLE)], axis=0))
        palette = sample.quantize(255, dither=Image.Dither.NONE)
        pictures = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
        pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=round(1000 / fps), loop=0)
        return
    command = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    command += ["-s", f"{size[0]}x{size[1]}", "-r", f"{fps:g}", "-i", "-", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"]
    command += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4", str(path)]
    encoder: subprocess.Popen | None = None
    try:
        encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        yield lambda frame: encoder.stdin.write(np.ascontiguousarray(frame).tobytes())
        encoder.stdin.close()
        if encoder.wait() != 0:
            raise DataError(
                f"ffmpeg could not write the video: {encoder.stderr.read().decode(errors='replace').strip()[:200]}",
                name=str(path),
                fix="check that ffmpeg has libx264, or write a .gif",
            )
    except BaseException:
        if encoder is not None:
            encoder.kill()
            encoder.wait()
        raise
