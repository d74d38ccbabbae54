"""The animated SVG: real values from the executor, readable back, in evaluation order, looping."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import lstmviz
from lstmviz.motion.colour import diverging
from lstmviz.motion.timeline import build_timeline

SVG = "{http://www.w3.org/2000/svg}"


def strips(svg: str):
    root = ET.fromstring(svg)
    for g in root.iter(f"{SVG}g"):
        if "strip" in (g.get("class") or ""):
            yield (
                g.get("data-node"),
                int(g.get("data-step")),
                [float(r.get("data-value")) for r in g.iter(f"{SVG}rect")],
            )


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_the_numbers_shown_are_the_traces(name):
    x = np.random.default_rng(3).standard_normal((5, 1, 3))
    svg = lstmviz.animate(name, x=x)
    trace = lstmviz.run(name, x, trace=True).trace
    seen = list(strips(svg))
    assert seen and {step for _, step, _ in seen} == set(range(5))
    for node, step, values in seen:
        np.testing.assert_array_equal(values, trace[node][step, 0, : len(values)])


def test_strips_appear_in_evaluation_order_and_the_animation_loops():
    svg = lstmviz.animate("lstm", steps=2)
    cell = lstmviz.load("lstm")
    starts = {}
    for k, (node, step, _) in enumerate(strips(svg)):
        starts[(node, step)] = float(re.search(rf"@keyframes s{k} {{ 0% {{opacity: 0}} ([0-9.]+)%", svg).group(1))
    order = [n for n in cell.order if (n, 0) in starts]
    assert [starts[(n, 0)] for n in order] == sorted(starts[(n, 0)] for n in order)
    assert all(starts[(n, 1)] > starts[(m, 0)] for n in order for m in order)
    assert "animation-iteration-count: infinite" in svg and "<script" not in svg


def test_gates_read_zero_to_one_and_tanh_minus_one_to_one():
    svg = lstmviz.animate("lstm", steps=3)
    for node, _, values in strips(svg):
        if node in ("f", "i", "o"):
            assert all(0 <= v <= 1 for v in values)
        if node in ("g", "tanh_c"):
            assert all(-1 <= v <= 1 for v in values)


def test_nan_and_infinity_are_shown_as_such():
    x = np.zeros((2, 1, 3))
    x[0, 0, 0], x[1, 0, 1] = np.nan, np.inf
    with pytest.warns(lstmviz.NonFiniteWarning, match="NaN at step 0, first in input 'x'"):
        svg = lstmviz.animate("rnn", x=x)
    values = {v for node, _, vs in strips(svg) if node == "x" for v in vs}
    assert any(np.isnan(v) for v in values) and np.inf in values
    assert "x[0] at t=0: NaN" in svg and diverging(float("nan")) == "#9e9e9e"


def test_a_window_of_a_long_sequence():
    x = np.random.default_rng(0).standard_normal((500, 1, 3))
    svg = lstmviz.animate("gru", x=x, window=(490, 494))
    assert {step for _, step, _ in strips(svg)} == {490, 491, 492, 493}
    with pytest.raises(lstmviz.DataError, match="window 490:600 is outside the 500 steps"):
        build_timeline(lstmviz.load("gru"), lstmviz.run("gru", x, trace=True).trace, window=(490, 600))


def test_diverging_colours():
    assert diverging(0.0) == "#ffffff"
    assert diverging(50.0) == "#08306b" and diverging(-50.0) == "#67000d"  # Blues' and Reds' darkest

    def chroma(hex_colour: str) -> int:
        rgb = [int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)]
        return max(rgb) - min(rgb)

    # a gate's typical values read as colours, not grey (a plain mix toward white gave 0.68 a chroma of about 60)
    assert all(chroma(diverging(v)) >= 80 for v in (0.5, 0.68, 0.9, -0.5, -0.68))
    darker = [sum(int(diverging(v)[k : k + 2], 16) for k in (1, 3, 5)) for v in (0.1, 0.3, 0.5, 0.7, 0.9)]
    assert darker == sorted(darker, reverse=True)  # gate values in [0, 1] stay distinct, in order


def test_size_and_the_cli(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "lstmviz.cli", "animate", "lstm", "-T", "8", "-o", tmp_path / "a.svg"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "a.svg").stat().st_size < 300_000  # the target for T=8, hidden size 4
    bad = subprocess.run(
        [sys.executable, "-m", "lstmviz.cli", "animate", "lstm", "-o", tmp_path / "a.avi"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "unknown animation format 'avi'" in bad.stderr


def test_valves_open_with_their_gates_in_the_pipe_style():
    x = np.random.default_rng(5).standard_normal((3, 1, 3))
    svg = lstmviz.animate("lstm", x=x, style="pipe")
    trace = lstmviz.run("lstm", x, trace=True).trace
    root = ET.fromstring(svg)
    found = {}
    for g in root.iter(f"{SVG}g"):
        if "valve-opening" in (g.get("class") or ""):
            found.setdefault(g.get("data-node"), []).append(float(g.get("data-opening")))
    assert set(found) == {"fc", "ig", "h"}
    gate = {"fc": "f", "ig": "i", "h": "o"}
    for valve, openings in found.items():
        expected = [float(np.mean(trace[gate[valve]][t, 0])) for t in range(3)]
        np.testing.assert_allclose(openings, expected, rtol=1e-3)
    assert "valve-opening" not in lstmviz.animate("lstm", x=x, style="colah")


def test_the_cli_takes_the_view(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "lstmviz.cli", "animate", "gru", "--view", "chain", "-T", "2", "-o", tmp_path / "c.svg"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "A-1" in (tmp_path / "c.svg").read_text()  # the chain's outer modules are there
