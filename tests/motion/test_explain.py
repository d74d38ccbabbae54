"""lstmviz explain: Phi's small animations, their numbers read back from the SVG and the GIF written."""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import lstmviz
from lstmviz.motion.colour import diverging
from tests.support import run_cli

SVG = "{http://www.w3.org/2000/svg}"


def vectors(svg: str) -> list[tuple[str, float, list[float], list[str]]]:
    """Each vector shown: its name, when it appears, its values and the numbers written in its cells."""
    out = []
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if (g.get("class") or "").startswith("vector"):
            rects = g.findall(f"{SVG}rect")
            for r in rects:
                assert r.get("fill") == diverging(float(r.get("data-value")))  # the animations' colour scale
            numbers = ["".join(t.itertext()) for t in g.findall(f"{SVG}text")[:-1]]
            out.append(
                (g.get("data-name"), float(g.get("data-start")), [float(r.get("data-value")) for r in rects], numbers)
            )
    return out


@pytest.mark.parametrize("what,f", [("sigmoid", lambda v: 1 / (1 + math.exp(-v))), ("tanh", math.tanh)])
def test_squashing(what, f):
    (_, t_in, x, shown), (name, t_out, y, written) = vectors(lstmviz.explain(what))
    assert t_in < t_out and name in ("\\sigma(x)", "\\tanh(x)")
    np.testing.assert_allclose(y, [f(v) for v in x])
    assert min(x) < -3 and max(x) > 3  # values far out, squashed into the range
    low = 0 if what == "sigmoid" else -1
    assert all(low < v < 1 for v in y)
    assert written == [f"{v:.2f}" for v in y] and shown == [f"{v:.2f}" for v in x]


def test_concatenation_keeps_every_value_in_order():
    (_, t0, h, _), (_, t1, x, _), (name, t2, both, _) = vectors(lstmviz.explain("concat"))
    assert both == h + x and name == "[h_{t-1}, x_t]" and t0 == t1 < t2


def test_pointwise_multiplication():
    (_, _, gate, _), (_, _, value, _), (_, _, product, _) = vectors(lstmviz.explain("pointwise"))
    np.testing.assert_allclose(product, np.multiply(gate, value))
    assert 0.0 in gate and 1.0 in gate  # a shut unit and an open one


def test_values_travel_to_the_op_and_out():
    svg = lstmviz.explain("sigmoid")
    travelling = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if (g.get("class") or "").startswith("travelling")]
    assert len(travelling) == 14  # each of the 7 values in, and out
    assert "offset-path: path(" in svg and "<script" not in svg


@pytest.mark.slow
def test_gif_and_the_cli(tmp_path):
    from PIL import Image

    out = run_cli("explain", "tanh", "-o", tmp_path / "t.gif")
    assert out.returncode == 0, out.stderr
    gif = Image.open(tmp_path / "t.gif")
    assert gif.size[0] >= 1000 and gif.n_frames > 10
    bad = run_cli("explain", "softmax", "-o", tmp_path / "s.svg")
    assert bad.returncode == 2 and "softmax" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run_cli("explain", "tanh", "-o", tmp_path / "s.pdf")
    assert wrong.returncode == 2 and len(wrong.stderr.splitlines()) == 1 and not (tmp_path / "s.pdf").exists()
