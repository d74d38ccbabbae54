"""SVG output: well-formed, every node and edge findable by id, real text, labels escaped, golden."""

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import lstmviz
from lstmviz.style import builtin_styles
from tests.goldens import builtin_golden

SVG = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)


@pytest.mark.parametrize("style", builtin_styles())
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_every_node_and_edge_is_a_group_with_its_id(name, style):
    cell = lstmviz.load(name)
    root = parse(lstmviz.render(cell, style=style))
    groups = root.findall(f".//{SVG}g")
    nodes = {g.get("data-node"): g.get("class") for g in groups if g.get("data-node") and "node" in g.get("class")}
    # every edge of the graph; a layer's bias, drawn as an input of its own in the pipe style, is no edge
    edges = {g.get("data-edge"): g.get("class") for g in groups if g.get("data-edge") and "bias" not in g.get("class")}
    assert nodes == {n.id: f"node {n.kind}" for n in cell.nodes}
    diagonal = {e.id for e in cell.edges if e.port >= len(cell.node(e.dst).inputs) and cell.node(e.dst).kind == "layer"}
    assert edges == {e.id: f"edge {e.kind}" + (" diagonal" if e.id in diagonal else "") for e in cell.edges}
    assert bool(diagonal) == (name == "lstm-peephole")  # peepholes are the built-ins' diagonal weights


def test_text_is_text_with_subscripts():
    root = parse(lstmviz.render("lstm"))
    label = next(g for g in root.iter(f"{SVG}g") if g.get("data-node") == "c_prev")
    text = label.find(f"{SVG}text")
    spans = text.findall(f"{SVG}tspan")
    assert [s.text for s in spans] == ["C", "t", "−1"]  # the letters italic, as TeX sets math
    assert [s.get("font-style") for s in spans] == ["italic", "italic", None]
    assert float(spans[1].get("dy")) > 0 and spans[1].get("font-size") == spans[2].get("font-size")
    assert spans[2].get("dy") is None  # the subscript goes on at the same height
    g = next(g for g in root.iter(f"{SVG}g") if g.get("data-node") == "g")
    assert "".join(g.itertext()).startswith("tanh") and "C̃" in "".join(g.itertext())


def test_labels_are_escaped():
    b = lstmviz.CellBuilder("evil")
    x = b.input("x", label='<script>alert("x")</script> & co')
    b.output(b.layer(x, activation="tanh", label="a<b"), label="]]>")
    svg = lstmviz.render(b.build())
    assert "<script>" not in svg
    root = parse(svg)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert '<script>alert("x")</script> & co' in texts and "a<b" in texts and "]]>" in texts


@pytest.mark.parametrize("style", ["colah", "pipe"])
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_golden_svg(name, style):
    """Each built-in in the colah and the pipe-and-valve style, byte for byte. These files were
    reviewed as pictures (rasterised and compared with the seed figures and VISUALS.md); a change
    to them must be reviewed the same way."""
    golden = builtin_golden(name, style)
    assert lstmviz.render(name, style=style) == golden.read_text(), f"{golden} differs: python -m tests.goldens"


@pytest.mark.skipif(
    shutil.which("rsvg-convert") is None and not os.environ.get("CI"),
    reason="rsvg-convert (Debian librsvg2-bin) is not installed; CI installs it",
)
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_librsvg_draws_it(tmp_path, name):
    lstmviz.render(name, tmp_path / "c.svg")
    out = subprocess.run(["rsvg-convert", tmp_path / "c.svg", "-o", tmp_path / "c.png"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_width_sets_the_printed_size():
    root = parse(lstmviz.render("lstm", width="8cm"))
    assert root.get("width") == f"{round(8 / 2.54, 2)}in"
    assert root.get("viewBox").startswith("0,0,") or root.get("viewBox").startswith("0 0 ")


def test_dot_export_needs_no_graphviz_and_graphviz_reads_it(tmp_path):
    lstmviz.render("lstm", tmp_path / "c.dot")
    text = (tmp_path / "c.dot").read_text()
    assert text.startswith("digraph lstm {") and "hx -> f [arrowhead=normal style=bold]" in text
    assert 'label="Ct−1"' in text  # labels as plain text
    if shutil.which("dot"):
        out = subprocess.run(["dot", "-Tsvg", tmp_path / "c.dot"], capture_output=True, text=True)
        assert out.returncode == 0 and "<svg" in out.stdout, out.stderr


@pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"),
    reason="Graphviz's dot (Debian graphviz) is not installed; CI installs it",
)
def test_dot_quotes_ids_that_are_dot_keywords(tmp_path):
    """Nodes called node, edge or subgraph broke the hand-written DOT; dot reads them now."""
    b = lstmviz.CellBuilder("graph")
    x = b.input("node")
    b.output(b.layer(x, activation="tanh", id="edge"), "subgraph")
    lstmviz.render(b.build(), tmp_path / "k.dot")
    out = subprocess.run(["dot", "-Tsvg", tmp_path / "k.dot"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    titles = re.findall(r"<title>([^<]*)</title>", out.stdout)
    assert {"node", "edge", "subgraph", "node&#45;&gt;edge"} <= set(titles)


def test_dot_quotes_labels():
    b = lstmviz.CellBuilder("q")
    x = b.input("x", label='a "quoted" label')
    b.output(x)
    assert r'label="a \"quoted\" label"' in lstmviz.render(b.build(), fmt="dot")
