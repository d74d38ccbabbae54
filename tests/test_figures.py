"""The posts' figures, one command each: every figure is written, and each is measured against the
proportions of the original (colah's PNGs, measured in styles/colah.toml) within a tolerance.

Measured on the reference PNGs (../shared/reference/colah), relative to the module's width:
LSTM3-chain: module 236 x 146 px, wires 3 px, arrowheads 13 px, layer boxes 26 x 16 px, op circles
16 px, x/h circles 36 px, the top line 30 px below the module's top, the bottom line 24 px above its
bottom. RNN-unrolled: modules 104 x 64 px, 168 px apart; circles 47-50 px; the A's capitals 16 of
RNN-rolled's 31 px module height. LSTM3-focus-*: module
233 px; labels ~14.5 px; equations ~17 px; faded parts 10% of their colour, 90% the module's green.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import lstmviz
from lstmviz.cli import main
from lstmviz.figures import POSTS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> dict[str, dict[str, ET.Element]]:
    """Every figure of both posts, written by the one command each post has."""
    out = {}
    for post in POSTS:
        folder = tmp_path_factory.mktemp(post)
        result = CliRunner().invoke(main, ["figures", post, "-o", str(folder)])
        assert result.exit_code == 0, result.output
        out[post] = {p.stem: ET.parse(p).getroot() for p in Path(folder).glob("*.svg")}
    return out


def groups(root: ET.Element, css: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if css in (g.get("class") or "").split()]


def module(root: ET.Element, k: int = 0) -> tuple[float, float, float, float]:
    """x, y, width, height of the k-th module drawn (the detailed one first)."""
    rect = groups(root, "module")[k].find(f"{SVG}rect")
    return tuple(float(rect.get(a)) for a in ("x", "y", "width", "height"))  # type: ignore[return-value]


def near(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance


def test_each_post_writes_every_figure_once(drawn):
    for post, (_, figures) in POSTS.items():
        assert set(drawn[post]) == {f.name for f in figures}
    # colah's 16; Shi Yan's 13 diagrams, the last his redraw's four steps, and the key
    assert len(POSTS["colah"][1]) == 16 and len(POSTS["pipe"][1]) == 12 + 4 + 1


def test_every_figure_has_its_command():
    for post, (style, figures) in POSTS.items():
        for figure in figures:
            command = figure.command(style)
            assert command.startswith(f"lstmviz render {figure.spec} --view {figure.view}")
            assert ("--style pipe" in command) == ((figure.style or style) == "pipe")
    assert all(f.spec == "lstm-peephole" for f in POSTS["pipe"][1])  # his cell: valves' networks read C


def test_lstm_chain_has_colahs_arrowheads_and_no_fork_dots(drawn):
    """Counted on LSTM3-chain.png: inside the module an arrowhead only on each gate's line into its
    product and on the line into the sum; none into a layer, along or off the top line, into or out
    of the tanh, or on the value a gate multiplies; no dot where a line forks."""
    root = drawn["colah"]["lstm-chain"]
    lit = [g for g in groups(root, "edge") if "ghost" not in g.get("class")]
    headed = {g.get("data-edge") for g in lit if g.find(f"{SVG}polygon") is not None}
    assert {"f->fc", "i->ig", "ig->c", "o->h"} <= headed
    assert not headed & {"hx->f", "hx->i", "hx->g", "hx->o", "c_prev->fc", "fc->c", "g->ig", "c->tanh_c", "tanh_c->h"}
    assert not [g for g in groups(root, "junction") if "ghost" not in g.get("class")]
    pipe = drawn["pipe"]["complete"]  # Shi Yan's figures keep every arrowhead and dot
    piped = {g.get("data-edge") for g in groups(pipe, "edge") if g.find(f"{SVG}polygon") is not None}
    assert {"hx->f", "g->ig"} <= piped
    assert groups(pipe, "junction")


def test_lstm_chain_has_colah_proportions(drawn):
    root = drawn["colah"]["lstm-chain"]
    x, y, w, h = module(root)
    assert near(h / w, 146 / 236, 0.04)  # the module: 0.62 high for its width
    widths = [float(p.get("stroke-width")) for g in groups(root, "edge") for p in g.findall(f"{SVG}path")]
    assert near(max(widths) / w, 3.1 / 236, 0.003)  # wires 1.3% of the module's width
    lengths = []
    for head in (g.find(f"{SVG}polygon") for g in groups(root, "edge")):
        if head is not None:
            (tx, ty), (bx, by) = (tuple(map(float, p.split(","))) for p in head.get("points").split()[:2])
            lengths.append(max(abs(tx - bx), abs(ty - by)))
    assert near(max(lengths) / w, 13 / 236, 0.012)  # arrowheads 13 px long (shorter between stacked ops)
    port = groups(root, "input")[0].find(f"{SVG}ellipse")
    assert near(2 * float(port.get("rx")) / w, 36 / 236, 0.02)  # x_t's circle, 15% of the module
    layer = next(g for g in groups(root, "layer") if "ghost" not in g.get("class")).find(f"{SVG}rect")
    assert near(float(layer.get("width")) / w, 26 / 236, 0.015)
    assert near(float(layer.get("height")) / w, 16 / 236, 0.015)
    op = next(g for g in groups(root, "op") if g.get("data-node") == "fc").find(f"{SVG}ellipse")
    assert near(2 * float(op.get("rx")) / w, 16 / 236, 0.015)
    top_line = next(g for g in groups(root, "edge") if g.get("data-edge") == "c_prev->fc")
    line_y = float(re.findall(r"[0-9.]+", top_line.find(f"{SVG}path").get("d"))[1])
    assert near((line_y - y) / h, 30 / 146, 0.05)  # the conveyor belt near the top


def test_lstm_chain_outer_modules_show_a_faded_inside_under_a(drawn):
    root = drawn["colah"]["lstm-chain"]
    ghosts = groups(root, "ghost")
    assert ghosts and all("faded" in g.get("class") for g in ghosts)
    names = [g for g in groups(root, "module-name")]
    assert [n.get("data-node") for n in names] == ["A-1", "A+1"]
    order = list(root.iter(f"{SVG}g"))
    assert order.index(names[0]) > max(order.index(g) for g in ghosts)  # A over the faded inside
    _, top, _, _ = module(root)
    circles = [float(e.get("cy")) - float(e.get("ry")) for g in groups(root, "output") for e in g.iter(f"{SVG}ellipse")]
    assert min(circles) < top and min(circles) <= 30  # no empty band above the outputs


def test_simple_rnn_chain_is_wired_as_colah_draws_it(drawn):
    """LSTM3-SimpleRNN.png: h runs through the module's upper third and curves down to meet x_t below
    the tanh; x_t's circle touches the module's left side, h_t's its right side."""
    root = drawn["colah"]["simple-rnn-chain"]
    x, y, w, h = module(root)
    entering = next(g for g in groups(root, "edge") if g.get("data-edge") == "h_prev->hx")
    line_y = float(re.findall(r"[0-9.]+", entering.find(f"{SVG}path").get("d"))[1])
    assert (line_y - y) / h < 0.4  # in the upper third (colah's: 0.29)
    tanh = next(g for g in groups(root, "layer") if "ghost" not in g.get("class")).find(f"{SVG}rect")
    assert float(tanh.get("y")) > line_y  # the tanh below the line
    (x_in,) = [e for g in groups(root, "input") if g.get("data-node") == "x" for e in g.iter(f"{SVG}ellipse")]
    (h_out,) = [e for g in groups(root, "output") if g.get("data-node") == "y" for e in g.iter(f"{SVG}ellipse")]
    assert near(float(x_in.get("cx")) - float(x_in.get("rx")), x, 1.0)
    assert near(float(h_out.get("cx")) + float(h_out.get("rx")), x + w, 1.0)


def test_pipe_chain_is_legible_at_1000_px(drawn):
    """The pipe cell is wide (valves, biases); its chain draws the outer modules narrow, without the
    faded copy, so that the middle one's symbols stay at least 8 px high in a figure 1000 px wide."""
    root = drawn["pipe"]["building-block"]
    _, _, middle, _ = module(root)
    assert [module(root, k)[2] / middle for k in (1, 2)] == [pytest.approx(0.4, abs=1e-3)] * 2
    assert not groups(root, "ghost")
    scale = 1000 / float(root.get("viewBox").split(",")[2])
    symbols = [float(t.get("font-size")) for g in groups(root, "layer") for t in g.iter(f"{SVG}text")]
    assert symbols and min(symbols) * scale >= 8
    ports = [float(t.get("font-size")) for g in groups(root, "input") for t in g.iter(f"{SVG}text")]
    assert min(ports) * scale >= 10


def test_conventional_diagram_has_the_cell_in_the_middle(drawn):
    """Shi Yan's conventional diagram: the memory's line through the middle, the networks that feed
    it below, the output valve's, which waits for the new memory C_t (solid), above; old values dashed."""
    root = drawn["pipe"]["conventional"]
    line = next(g for g in groups(root, "edge") if g.get("data-edge") == "fc->c").find(f"{SVG}path")
    line_y = float(re.findall(r"[0-9.]+", line.get("d"))[1])
    box = {g.get("data-node"): g.find(f"{SVG}rect") for g in groups(root, "layer")}
    top = {name: float(rect.get("y")) for name, rect in box.items()}
    assert top["o"] + float(box["o"].get("height")) < line_y < min(top[n] for n in ("f", "i", "g"))
    _, y, _, h = module(root)
    assert near((line_y - y) / h, 0.5, 0.15)  # through the middle of the module
    dashed = {
        g.get("data-edge")
        for g in groups(root, "edge")
        if any(p.get("stroke-dasharray") for p in g.findall(f"{SVG}path"))
    }
    assert {"c_prev->f", "c_prev->i", "hx->o"} <= dashed and "c->o" not in dashed


@pytest.mark.parametrize("name", ["rnn-rolled", "rnn-unrolled"])
def test_rnn_figures_have_colah_proportions(drawn, name):
    root = drawn["colah"][name]
    x, y, w, h = module(root)
    assert near(h / w, 64 / 104, 0.05)  # wider than tall, as colah's A
    port = groups(root, "input")[0].find(f"{SVG}ellipse")
    assert near(2 * float(port.get("rx")) / w, 48 / 104, 0.05)
    a = groups(root, "module-name")[0].find(f"{SVG}text")
    assert near(float(a.get("font-size")) * 0.729 / h, 16 / 31, 0.05)  # DejaVu Sans's capitals: 0.729 em
    if name == "rnn-unrolled":
        lefts = sorted(module(root, k)[0] for k in range(len(groups(root, "module"))))
        assert near((lefts[2] - lefts[1]) / w, 168 / 104, 0.1)  # modules 1.6 widths apart
        assert any("".join(g.itertext()) == "..." for g in root.iter(f"{SVG}g"))
    else:
        loop = next(g for g in groups(root, "edge") if g.get("data-edge") == "A->A")
        ys = [float(v) for v in re.findall(r"[0-9.]+", loop.find(f"{SVG}path").get("d"))[1::2]]
        assert min(ys) < y  # the loop goes over the top, as colah draws it


@pytest.mark.parametrize(
    ("name", "lit"), [("short-term-dependencies", "x0 x1 h3"), ("long-term-dependencies", "x0 x1 ht+1")]
)
def test_dependency_figures_light_the_inputs_and_the_output_that_needs_them(drawn, name, lit):
    root = drawn["colah"][name]
    ports = groups(root, "input") + groups(root, "output")
    shown = {"".join(g.itertext()) for g in ports if "faded" not in g.get("class")}
    assert shown == set(lit.split()) and len(ports) == 10


def test_focus_figures_fade_toward_the_module_and_set_equations_beside_it(drawn):
    for step in ("forget", "input", "state", "output"):
        root = drawn["colah"][f"focus-{step}"]
        x, y, w, h = module(root)
        faded = groups(root, "faded")
        assert faded and not any(g.get("opacity") for g in root.iter(f"{SVG}g"))
        line = next(g for g in faded if (g.get("class") or "").startswith("edge")).find(f"{SVG}path").get("stroke")
        r, gr, b = (int(line[k : k + 2], 16) for k in (1, 3, 5))
        assert near(r, 0xCB, 8) and near(gr, 0xDE, 8) and near(b, 0xBD, 8)  # colah's #cbdebd
        equations = [g for g in root.iter(f"{SVG}g") if g.get("data-owner") == "equation"]
        texts = [t for g in equations for t in g.findall(f"{SVG}text")]
        middle = sum(float(t.get("y")) for t in texts) / len(texts)
        assert near(middle, y + h / 2, float(texts[0].get("font-size")))  # centred on the module
        assert near(float(texts[0].get("font-size")) / w, 17 / 233, 0.015)  # twice what it was
        assert any(s.get("font-style") == "italic" for t in texts for s in t.findall(f"{SVG}tspan"))


@pytest.mark.parametrize("name", ["variant-peepholes", "variant-coupled", "variant-gru"])
def test_variants_set_every_equation_beside_the_cell(drawn, name):
    spec = {"variant-peepholes": "lstm-peephole", "variant-coupled": "lstm-coupled", "variant-gru": "gru"}[name]
    root = drawn["colah"][name]
    equations = [g for g in root.iter(f"{SVG}g") if g.get("data-owner") == "equation"]
    assert len([t for g in equations for t in g.findall(f"{SVG}text")]) == len(lstmviz.load(spec).latex)
    assert not groups(root, "faded")


def test_cell_state_and_gate_figures(drawn):
    root = drawn["colah"]["cell-state"]
    lit = {g.get("data-edge") for g in groups(root, "edge") if "faded" not in g.get("class")}
    assert lit == {"c_prev->fc", "fc->c", "c->c_next"}
    gate = drawn["colah"]["gate"]
    assert [g.get("data-node") for g in groups(gate, "node")] == ["gate", "product"]
    notation = drawn["colah"]["notation"]
    captions = ["".join(g.itertext()) for g in groups(notation, "label")]
    assert captions == ["Neural Network Layer", "Pointwise Operation", "Vector Transfer", "Concatenate", "Copy"]


def test_pipe_figures(drawn):
    pipe = drawn["pipe"]
    unit = pipe["unit"]
    assert not groups(unit, "layer") and not groups(unit, "op")  # only what goes in and comes out
    assert {g.get("data-node") for g in groups(unit, "node") if "module" not in g.get("class")} == {
        "x", "h_prev", "c_prev", "h_next", "c_next", "y"
    }  # fmt: skip
    paint = {  # the colours of the memory's line in and out: C_t leaves green, new memory
        g.get("data-src"): {(p.get("fill"), p.get("stroke")) for p in g.iter() if p.get("fill") or p.get("stroke")}
        for g in groups(unit, "edge")
        if g.get("data-src") in ("c_prev", "c")
    }
    assert paint["c"] and paint["c_prev"] and paint["c"] != paint["c_prev"]
    complete = pipe["complete"]
    biases = [g for g in groups(complete, "edge") if "bias" in g.get("class").split()]
    texts = ["".join(t.itertext()) for t in complete.iter(f"{SVG}text")]
    names = sorted(t for t in texts if re.fullmatch(r"b[0-9]", t))
    # every layer's bias is an input of its own, b_0 .. b_3, as Shi Yan's text has it; none keeps "+b"
    plus = [g for g in groups(complete, "layer") if "+b" in "".join(g.itertext())]
    assert len(biases) == 4 and not plus and names == ["b0", "b1", "b2", "b3"]
    assert {g.get("data-dst") for g in biases} == {"f", "i", "g", "o"}
    peepholes = [
        g for g in groups(complete, "edge") if g.get("data-src") in ("c_prev", "c") and "diagonal" in g.get("class")
    ]
    assert len(peepholes) == 3  # each valve's network reads the memory too
    colours = {
        g.get("data-src"): g.find(f"{SVG}path").get("stroke")
        for g in groups(complete, "edge")
        if g.get("data-src") in ("x", "f", "i", "o")
    }
    assert len(set(colours.values())) == 4  # x_t and each gate's wire in a colour of its own
    ordered = pipe["complete"]  # the conventional diagram redrawn in pipe symbols, old values dashed
    dashed = {
        g.get("data-edge")
        for g in groups(ordered, "edge")
        if any(p.get("stroke-dasharray") for p in g.findall(f"{SVG}path"))
    }
    assert {"x->hx", "h_prev->hx", "hx->f", "hx->i", "hx->g", "hx->o", "c_prev->fc"} <= dashed  # every old value
    assert not dashed & {"f->fc", "fc->c", "c->c_next"}
    layers = {name: {g.get("data-node") for g in groups(pipe[name], "layer")} for name in pipe}
    ops = {name: {g.get("data-node") for g in groups(pipe[name], "op")} for name in pipe}
    # the post builds the cell up: the pipe and one valve's network at a time, then the whole
    assert layers["forget-valve"] == {"f"} and layers["new-memory-valve"] == {"i", "g"}
    # a dot only where two of the lines drawn part: C_{t-1}'s, into the pipe and into the network
    assert [g.get("data-node") for g in groups(pipe["forget-valve"], "junction")] == ["c_prev"]
    assert layers["output-valve"] == {"o"} and not layers["two-valves"] and ops["two-valves"] >= {"fc", "ig"}
    assert all(len(groups(pipe[name], "node")) == (name != "pipe") for name in ("pipe", "valve", "t-joint"))
    circle = next(g for g in groups(pipe["building-block"], "input") if g.find(f"{SVG}ellipse") is not None)
    text = circle.find(f"{SVG}text")
    width = float(pipe["building-block"].get("viewBox").split(",")[2])
    assert float(text.get("font-size")) * 1000 / width >= 9  # x_t legible with the chain 1000 px wide
    valves = {name: [g for g in pipe[name].iter(f"{SVG}g") if g.get("data-gate")] for name in pipe}
    assert not valves["conventional"] and len(valves["complete"]) == 3  # colah's ×, then his valves
    legend = ["".join(g.itertext()) for g in groups(pipe["pipe-legend"], "label")]
    assert legend[:3] == ["Pipe (memory)", "Valve", "T-joint"]
    assert groups(pipe["pipe-legend"], "op")  # the valve and the joint drawn as they are in the figures


def test_figures_refuses_a_file_and_an_unknown_post(tmp_path):
    path = tmp_path / "figure.svg"
    path.write_text("x")
    result = CliRunner().invoke(main, ["figures", "colah", "-o", str(path)])
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["figures", "shi", "-o", str(tmp_path)])
    assert result.exit_code == 2


@pytest.mark.parametrize("name", [f.name for f in POSTS["colah"][1]])
def test_every_colah_figure_keeps_his_line_weight_against_his_shapes(drawn, name):
    """In every figure of the post: lines as heavy against the layer boxes and circles as colah's
    (3 px wires, 26 px boxes, 16 px op circles, 36-48 px x/h circles), arrowheads no longer than his."""
    root = drawn["colah"][name]
    wires = {
        float(p.get("stroke-width"))
        for g in groups(root, "edge")
        if "ghost" not in g.get("class")
        for p in g.findall(f"{SVG}path")
    }
    assert len(wires) == 1  # one weight for every line
    wire = wires.pop()
    boxes = [g.find(f"{SVG}rect") for g in groups(root, "layer") if "ghost" not in g.get("class")]
    for box in boxes:
        assert near(wire / float(box.get("height")), 3 / 16, 0.04)
    ops = [g.find(f"{SVG}ellipse") for g in groups(root, "op") if "ghost" not in g.get("class")]
    for op in ops:
        assert near(2 * float(op.get("ry")) / wire, 16 / 3, 1.2) or float(op.get("rx")) > float(op.get("ry"))
    ports = [g.find(f"{SVG}ellipse") for g in groups(root, "input") + groups(root, "output")]
    ports = [p for p in ports if p is not None]  # circles (the chain's, the RNN's), not line ends
    for port in ports:
        assert 36 / 3.3 - 1 <= 2 * float(port.get("rx")) / wire <= 48 / 3.3 + 1
    for g in groups(root, "edge"):
        head = g.find(f"{SVG}polygon")
        if head is not None:
            (tx, ty), (bx, by) = (tuple(map(float, p.split(","))) for p in head.get("points").split()[:2])
            assert max(abs(tx - bx), abs(ty - by)) <= wire * 13 / 3 + 0.5
    assert boxes or ops or ports
