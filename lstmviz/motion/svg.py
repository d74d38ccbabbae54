"""A self-contained animated SVG: the static figure, and over it the executor's real values.

CSS animations only (no script). The figure dims all but the walk-through step playing (one fade
per group of things lit together, repeating every time step); each cue (a value's strip beside its
line, the caption, the time counter, a valve's opening, a state handed over) shows for its time.
Every cell carries its exact value (``data-value``) and a tooltip. The animation loops over the
time steps of the timeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..drawing.scene import Group, Scene, rounded_corners
from ..drawing.svg import to_svg
from ..layout.geometry import Point
from .overlay import Cue

DIM = 0.22  # the opacity of what the playing step does not light
FADE = 0.12  # seconds a fade takes


def animated_svg(
    scene: Scene,
    cues: Sequence[Cue],
    duration: float,
    *,
    fades: Sequence[tuple[float, float, frozenset[str]]] = (),
    period: float | None = None,
    fade_period: float | None = None,
) -> str:
    """``scene`` with ``cues`` animated over it, looping every ``duration`` seconds; a cue within
    one ``period`` (a time step) shares the keyframes of the same cue in the first. ``fades`` are
    (start, end, ids dimmed) over one ``fade_period`` that repeats (by default ``period``; the whole
    loop when the steps do not all dim alike): what they name dims."""
    total = duration
    fade_period = fade_period or period or total
    css = [
        f".anim {{ animation-duration: {total:.3f}s; animation-iteration-count: infinite; }}",
        f".dim {{ animation-duration: {fade_period:.3f}s; animation-iteration-count: infinite;"
        " animation-timing-function: linear; }",
        f".every {{ animation-duration: {period or total:.3f}s; animation-iteration-count: infinite; }}",
        ".show { animation-timing-function: step-end; opacity: 0; }",
        ".travel { animation-timing-function: linear; opacity: 0; offset-rotate: 0deg; }",
    ]
    dims = [ids for _, _, ids in fades]
    patterns: dict[tuple[bool, ...], str] = {}
    groups = []
    for group in scene.groups:
        data = dict(group.data)
        key = data.get("node") or data.get("edge") or data.get("owner") or ("module" if group.css == "module" else "")
        pattern = tuple(key in d for d in dims) if key and ":" not in key else ()
        if any(pattern):
            name = patterns.setdefault(pattern, f"d{len(patterns)}")
            group = dataclasses.replace(group, css=f"{group.css} dim {name}")
        groups.append(group)
    for pattern, name in patterns.items():
        frames = []
        for (start, end, _), dimmed in zip(fades, pattern):
            opacity = DIM if dimmed else 1
            a = _pct(start + min(FADE, (end - start) / 2), fade_period)
            b = _pct(end, fade_period)
            frames.append(f"{a}%, {b}% {{opacity: {opacity}}}")
        opening = DIM if pattern[0] else 1
        css.append(f"@keyframes {name} {{ 0% {{opacity: {opening}}} {' '.join(frames)} }}")
        css.append(f".{name} {{ animation-name: {name}; }}")
    # a cue within one time step is timed as the same cue in the first step, and delayed by its
    # step: cues of every step share their keyframes (and travelling cues their paths)
    timings: dict[tuple[str, float, float], str] = {}
    paths: dict[str, str] = {}
    delays: dict[float, str] = {}
    for cue in cues:
        data = cue.group.data + (("start", f"{cue.start:.3f}"), ("end", f"{cue.end:.3f}"))
        if not cue.path and cue.start <= 0 and cue.end >= total:  # always on show
            groups.append(Group(cue.group.css, data, cue.group.items))
            continue
        step = period or total
        offset = step * int(cue.start / step + 1e-9) if not cue.every else 0.0
        if cue.end > offset + step + 1e-6:
            offset = 0.0
        kind = "travel" if cue.path else "show"
        timing = (kind, round(cue.start - offset, 3), round(cue.end - offset, 3), cue.every)
        if timing not in timings:
            name = timings[timing] = f"{kind[0]}{len(timings)}"
            css.append(_keyframes(name, kind, timing[1], timing[2], cue.every or total))
        classes = [cue.group.css, "every" if cue.every else "anim", kind, timings[timing]]
        if offset:
            if offset not in delays:
                delays[offset] = f"k{len(delays)}"
                css.append(f".{delays[offset]} {{ animation-delay: {offset:.3f}s; }}")
            classes.append(delays[offset])
        if cue.path:
            d = _path(list(cue.path))
            if d not in paths:
                paths[d] = f"p{len(paths)}"
                css.append(f".{paths[d]} {{ offset-path: path('{d}'); }}")
            classes.append(paths[d])
        groups.append(Group(" ".join(classes), data, cue.group.items))
    return to_svg(dataclasses.replace(scene, groups=tuple(groups)), css="\n".join(css))


def _keyframes(name: str, kind: str, start: float, end: float, total: float) -> str:
    """Keyframes that show a cue from ``start`` to ``end`` of a loop ``total`` long, or (``travel``)
    move it along its path meanwhile."""
    a, b = _pct(start, total), _pct(end - (1e-3 if kind == "show" else 0), total)
    if kind == "show":
        body = f"0% {{opacity: 0}} {a}% {{opacity: 1}} {b}% {{opacity: 0}}"
    else:
        before, gone = _pct(max(0.0, start - 0.01), total), _pct(min(total, end + 0.01), total)
        body = (
            f"0%, {before}% {{opacity: 0; offset-distance: 0%}} {a}% {{opacity: 1; offset-distance: 0%}} "
            f"{b}% {{opacity: 1; offset-distance: 100%}} {gone}%, 100% {{opacity: 0; offset-distance: 100%}}"
        )
    return f"@keyframes {name} {{ {body} }}\n.{name} {{ animation-name: {name}; }}"


def _pct(seconds: float, total: float) -> str:
    return f"{max(0.0, min(100.0, 100.0 * seconds / total)):.3f}"


def _path(points: list[Point]) -> str:
    d = [f"M{points[0].x:g},{points[0].y:g}"]
    for a, corner, b in rounded_corners(points, 4.0):
        d.append(f"L{a.x:g},{a.y:g} Q{corner.x:g},{corner.y:g} {b.x:g},{b.y:g}")
    d.append(f"L{points[-1].x:g},{points[-1].y:g}")
    return " ".join(d)
