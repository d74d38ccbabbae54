"""GIF and MP4 frames from the executor's values."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import lstmviz
from lstmviz import DataError
from lstmviz.layout.views import layout_view
from lstmviz.motion.animation import animation
from lstmviz.motion.timeline import build_timeline
from lstmviz.motion.video import MIN_WIDTH, frames
from lstmviz.sizing import metrics_for
from lstmviz.style import load_style


def _frames(name: str, style: str, x: np.ndarray) -> tuple[list, object]:
    """The frames of ``name``'s animation on ``x``, and its timeline, one per beat."""
    cell = lstmviz.load(name)
    trace = lstmviz.run(cell, x, trace=True).trace
    sheet, m = load_style(style), metrics_for(load_style(style))
    timeline = build_timeline(cell, trace)
    moving = animation(cell, lambda _: layout_view(cell, "cell", metrics=m), timeline, sheet, m, "")  # never spread
    shows = list(moving.cues)
    return list(frames(moving.figure_at(), shows, timeline.duration, fps=1 / timeline.beat)), timeline


@pytest.mark.slow
def test_gif_has_a_frame_per_beat_and_is_at_least_1000_px_wide(tmp_path):
    from PIL import Image

    lstmviz.animate("gru", tmp_path / "g.gif", steps=2)
    gif = Image.open(tmp_path / "g.gif")
    timeline = build_timeline(lstmviz.load("gru"), lstmviz.run("gru", np.zeros((2, 1, 3)), trace=True).trace)
    beats = round(timeline.duration / timeline.beat)
    assert 0.5 * beats <= gif.n_frames <= beats  # Pillow merges frames that do not change
    assert gif.size[0] >= MIN_WIDTH == 1000  # a strip's 7 px cell is 10 px or more
    lstmviz.animate("gru", tmp_path / "w.gif", steps=1, width=1500)
    assert Image.open(tmp_path / "w.gif").size[0] == 1500


def test_frames_show_the_trace_values_the_step_playing_and_valves_at_their_openings():
    x = np.random.default_rng(1).standard_normal((2, 1, 3))
    trace = lstmviz.run("lstm", x, trace=True).trace
    scenes, timeline = _frames("lstm", "pipe", x)
    last = scenes[-1]  # the end of step 1: every value of the step on show
    data = [(g.css, dict(g.data)) for g in last.groups]
    valves = {d["node"]: float(d["opening"]) for css, d in data if css == "valve-opening"}
    assert valves["fc"] == pytest.approx(float(np.mean(trace["f"][1, 0])), rel=1e-3)
    strips = {d["node"]: g for g in last.groups if g.css == "strip" for d in [dict(g.data)]}
    assert {"x", "f", "c", "h"} <= set(strips)
    values = [r.data for r in strips["f"].items if getattr(r, "data", ())]
    np.testing.assert_array_equal([float(dict(v)["value"]) for v in values], trace["f"][1, 0])
    counters = [d["step"] for css, d in data if css == "counter"]
    assert counters == ["1"]  # t = 1, in the GIF too
    # while the forget step plays, the output gate is drawn faded and the forget gate is not
    forget = next(p for p in timeline.phases if p.name == "forget" and p.step == 0)
    k = int((forget.start + forget.end) / 2 / timeline.beat)
    css = {dict(g.data).get("node"): g.css for g in scenes[k].groups if g.css.startswith("node")}
    assert "faded" in css["o"] and "faded" not in css["f"]
    captions = [dict(g.data)["phase"] for g in scenes[k].groups if g.css == "caption"]
    assert captions == ["forget"]
    later = int((forget.start + timeline.step_length + forget.end + timeline.step_length) / 2 / timeline.beat)
    assert [dict(g.data)["phase"] for g in scenes[later].groups if g.css == "caption"] == ["forget"]  # each step


def test_valves_move_in_the_frames():
    """Each valve's gate bar follows its gate from step to step, in the frames as in the SVG."""
    x = np.random.default_rng(2).standard_normal((3, 1, 3)) * 3
    scenes, timeline = _frames("lstm", "pipe", x)
    heights = {}
    for k, scene in enumerate(scenes):
        for g in scene.groups:
            if g.css == "valve-opening" and dict(g.data)["node"] == "fc":
                water, plate = g.items
                heights[dict(g.data)["step"]] = (plate.w * plate.h) / (water.w * water.h)
    trace = lstmviz.run("lstm", x, trace=True).trace
    for t, shut in heights.items():
        assert shut == pytest.approx(1 - float(np.mean(trace["f"][int(t), 0])), abs=1e-2)
    assert len(set(round(v, 3) for v in heights.values())) == 3


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("ffmpeg") is None and not os.environ.get("CI"), reason="ffmpeg is not installed")
def test_mp4(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "lstmviz.cli",
            "animate",
            "lstm",
            "-T",
            "2",
            "--style",
            "pipe",
            "-o",
            tmp_path / "a.mp4",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no progress bar when stderr is not a terminal
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,nb_frames", "-of", "csv", tmp_path / "a.mp4"],
        capture_output=True,
        text=True,
    )
    codec, frames_ = probe.stdout.strip().split(",")[1:3]
    assert codec == "h264" and int(frames_) > 10


def test_mp4_without_ffmpeg_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(DataError, match="MP4 output needs ffmpeg, which is not installed"):
        lstmviz.animate("rnn", tmp_path / "a.mp4", steps=1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
@pytest.mark.parametrize("style", ["colah", "pipe"])
def test_every_built_in_animates_in_both_styles_to_all_four_formats(tmp_path, name, style):
    """Each cell through each writer; the videos small and sparse (their full size and frame rate are
    checked on the LSTM, in test_gif_has_a_frame_per_beat_and_is_at_least_1000_px_wide)."""
    for suffix in ("svg", "html", "gif", "mp4"):
        if suffix == "mp4" and shutil.which("ffmpeg") is None and not os.environ.get("CI"):
            continue
        video = {"fps": 2, "width": 400} if suffix in ("gif", "mp4") else {}
        lstmviz.animate(name, tmp_path / f"a.{suffix}", steps=1, style=style, **video)
        assert (tmp_path / f"a.{suffix}").stat().st_size > 1000


def test_the_chain_view_animates_its_middle_module():
    svg = lstmviz.animate("lstm", steps=2, view="chain")
    assert 'class="strip anim show' in svg and "A-1" in svg


@pytest.mark.slow
def test_the_chain_gif_hands_the_state_over(tmp_path):
    cell = lstmviz.load("lstm")
    trace = lstmviz.run(cell, np.zeros((1, 1, 3)), trace=True).trace
    sheet, m = load_style("colah"), metrics_for(load_style("colah"))
    timeline = build_timeline(cell, trace)
    moving = animation(cell, lambda _: layout_view(cell, "chain", metrics=m), timeline, sheet, m, "")  # never spread
    shows = list(moving.cues)
    hand = next(p for p in timeline.phases if p.name == "hand-over")
    module = next(s.box for s in moving.stage.layout.shapes if s.node == "A+1")
    scenes = list(frames(moving.figure_at(), shows, timeline.duration, fps=20))
    late = scenes[int(hand.end * 20) - 1]  # the end of the hand-over: the states are in the next module
    moving = [g for g in late.groups if g.css == "handing-over"]
    assert {dict(g.data)["node"] for g in moving} == {"c", "h"}
    assert all(module.left <= g.items[0].x + 10 <= module.right for g in moving)
    # the outer modules are faded, with their names, as in the animated SVG; the middle one is not
    modules = [(dict(g.data).get("node"), "faded" in g.css.split()) for g in late.groups if "module" in g.css]
    assert {node for node, faded in modules if faded} == {"A-1", "A+1"}
    assert {node for node, faded in modules if not faded} == {None}  # the middle module, the layout's own


@pytest.mark.slow
def test_each_gif_frame_is_the_frame_drawn_whole(tmp_path):
    """The GIF's frames are put together from pictures drawn once; each must look like its frame
    drawn whole by matplotlib (what frames() gives), up to the GIF's 255 colours."""
    from PIL import Image

    from lstmviz.motion.video import _raster

    x = np.random.default_rng(4).standard_normal((1, 1, 3))
    cell = lstmviz.load("lstm")
    trace = lstmviz.run(cell, x, trace=True).trace
    sheet, m = load_style("pipe"), metrics_for(load_style("pipe"))
    timeline = build_timeline(cell, trace)
    moving = animation(cell, lambda _: layout_view(cell, "cell", metrics=m), timeline, sheet, m, "")  # never spread
    shows = list(moving.cues)
    fps = 1 / timeline.beat
    from lstmviz.motion.video import write_video

    write_video(moving.figure_at(), shows, timeline.duration, tmp_path / "a.gif", fmt="gif", fps=fps)
    gif = Image.open(tmp_path / "a.gif")
    whole = list(frames(moving.figure_at(), shows, timeline.duration, fps=fps))
    assert gif.n_frames == len(whole)
    for k in (2, len(whole) // 2, len(whole) - 1):
        gif.seek(k)
        made = np.asarray(gif.convert("RGB"), dtype=float)
        drawn_whole = _raster(whole[k], gif.size)[..., :3].astype(float)
        assert np.abs(made - drawn_whole).mean() < 2.0, k


@pytest.mark.parametrize("room", ["enough", "too little"])
def test_cues_drawn_side_by_side_are_the_cues_drawn_alone(monkeypatch, room):
    """The cues are drawn many to a sheet: each picture, and where it goes, is the one drawn alone,
    pixel for pixel; a sheet where a cue reached past the room it was given (here: rooms a third
    the size its items need) is drawn again a cue at a time, and is the same too."""
    import lstmviz.motion.video as video

    x = np.random.default_rng(5).standard_normal((2, 1, 3))
    cell = lstmviz.load("gru")
    trace = lstmviz.run(cell, x, trace=True).trace
    sheet, m = load_style("colah"), metrics_for(load_style("colah"))
    timeline = build_timeline(cell, trace)
    moving = animation(cell, lambda _: layout_view(cell, "cell", metrics=m), timeline, sheet, m, "")
    cues, first = list(moving.cues), moving.figure_at()(0.0)
    assert any(cue.path for cue in cues) and any(not cue.path for cue in cues)  # both kinds
    scale = MIN_WIDTH / first.width
    size = (MIN_WIDTH, round(first.height * scale))
    if room == "too little":
        extent = video._extent
        monkeypatch.setattr(video, "_extent", lambda items: tuple(v / 3 for v in extent(items)))
    alone = []
    monkeypatch.setattr(video, "_picture", _counted(video._picture, alone))
    together = video._pictures(cues, first, size, scale)
    assert len(alone) == (len(cues) if room == "too little" else 0)  # drawn again only where it must be
    for c, cue in enumerate(cues):
        x0, y0, picture = video._picture(cue, first, size, scale)
        x1, y1, same = together[c]
        assert (x0, y0) == (x1, y1) and picture.shape == same.shape and (picture == same).all(), c


def _counted(function, calls: list):  # type: ignore[no-untyped-def]
    def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(args)
        return function(*args)

    return counted
