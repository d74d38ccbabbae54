"""GIF and MP4 frames from the executor's values."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import lstmviz
from lstmviz import DataError
from lstmviz.api import metrics_for
from lstmviz.layout.views import layout_view
from lstmviz.motion.timeline import build_timeline
from lstmviz.motion.video import frames
from lstmviz.style import load_style


def test_gif_has_a_frame_per_beat_and_the_figure_size(tmp_path):
    from PIL import Image

    lstmviz.animate("gru", tmp_path / "g.gif", steps=2)
    gif = Image.open(tmp_path / "g.gif")
    timeline = build_timeline(lstmviz.load("gru"), lstmviz.run("gru", np.zeros((2, 1, 3)), trace=True).trace)
    beats = round(timeline.duration / timeline.beat)
    assert 0.5 * beats <= gif.n_frames <= beats  # Pillow merges frames that do not change
    width = layout_view(lstmviz.load("gru"), "cell", metrics=metrics_for(load_style("colah"))).width
    assert abs(gif.size[0] - width) <= 1


def test_frames_show_the_trace_values_with_valves_at_their_openings():
    cell = lstmviz.load("lstm")
    x = np.random.default_rng(1).standard_normal((2, 1, 3))
    trace = lstmviz.run(cell, x, trace=True).trace
    style = load_style("pipe")
    layout = layout_view(cell, "cell", metrics=metrics_for(style))
    timeline = build_timeline(cell, trace)
    last = list(frames(layout, style, timeline, fps=1 / timeline.beat))[-1]  # the end of step 1
    valves = {dict(g.data)["node"]: float(dict(g.data)["opening"]) for g in last.groups if "opening" in dict(g.data)}
    assert valves["fc"] == pytest.approx(float(np.mean(trace["f"][1, 0])), rel=1e-3)
    strip_nodes = {dict(g.data)["node"] for g in last.groups if g.css == "strip"}
    assert {"x", "f", "c", "h"} <= strip_nodes


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


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
@pytest.mark.parametrize("style", ["colah", "pipe"])
def test_every_built_in_animates_in_both_styles_to_all_four_formats(tmp_path, name, style):
    for suffix in ("svg", "html", "gif", "mp4"):
        if suffix == "mp4" and shutil.which("ffmpeg") is None and not os.environ.get("CI"):
            continue
        lstmviz.animate(name, tmp_path / f"a.{suffix}", steps=1, style=style)
        assert (tmp_path / f"a.{suffix}").stat().st_size > 1000


def test_the_chain_view_animates_its_middle_module():
    svg = lstmviz.animate("lstm", steps=2, view="chain")
    assert 'class="strip anim show' in svg and "A-1" in svg
