"""The drawn figures, read back from their SVG alone (tests/drawn.py), hold what a reader trusts:
no two values on one track, no line ending on another, nothing through a node, labels clear."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import lstmviz
from lstmviz.drawing.scene import build_scene
from lstmviz.drawing.svg import to_svg
from lstmviz.layout.views import layout_view
from lstmviz.sizing import metrics_for
from lstmviz.spec.builder import CellBuilder
from lstmviz.style import load_style
from tests import drawn
from tests.support import random_graphs

GALLERY = sorted(Path(__file__).resolve().parents[2].joinpath("gallery").glob("*.toml"))
FIGURES = [(style, view) for style in ("colah", "pipe") for view in ("cell", "chain")]

#: Crossings of lines of different values in each built-in's cell figure (colah, pipe) before the
#: layout routed wires on tracks of their own: a figure may keep as many, or fewer.
CROSSINGS = {
    "rnn": (0, 0),
    "lstm": (1, 1),
    "lstm-peephole": (2, 2),
    "lstm-coupled": (2, 2),
    "gru": (2, 2),
    "gru-pytorch": (12, 9),
    "mgu": (4, 4),
}

#: Random cells (of the 500 below) drawn with a defect: none since a layer's one way in (below it)
#: is kept for its input before any other line is placed (5 when the router was written, then 1).
RANDOM_DEFECTS_AT_MOST = 0


def svg_of(graph, style: str, view: str) -> str:  # type: ignore[no-untyped-def]
    sheet = load_style(style)
    return to_svg(build_scene(layout_view(graph, view, metrics=metrics_for(sheet)), sheet))


@pytest.mark.parametrize("style,view", FIGURES)
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_builtin_figures_have_no_defect(name: str, style: str, view: str) -> None:
    graph = lstmviz.load(name)
    d = drawn.read(svg_of(graph, style, view))
    assert drawn.defects(d, graph) == []
    if view == "cell":
        assert drawn.crossings(d) <= CROSSINGS[name][style == "pipe"]


@pytest.mark.parametrize("style,view", FIGURES)
@pytest.mark.parametrize("path", GALLERY, ids=lambda p: p.stem)
def test_gallery_figures_have_no_defect(path: Path, style: str, view: str) -> None:
    graph = lstmviz.load(path)
    assert drawn.defects(drawn.read(svg_of(graph, style, view)), graph) == []


#: Cells written from papers' equations, with parts no equation names (tests/layout/papers).
PAPERS = sorted((Path(__file__).parent / "papers").glob("*.toml"))


@pytest.mark.parametrize("style,view", FIGURES)
@pytest.mark.parametrize("path", PAPERS, ids=lambda p: p.stem)
def test_cells_written_from_papers_have_no_defect(path: Path, style: str, view: str) -> None:
    graph = lstmviz.load(path)
    assert drawn.defects(drawn.read(svg_of(graph, style, view)), graph) == []


RANDOM = 500  # random valid cells, drawn in ten slices so that the workers share them
SLICES = 10


@pytest.mark.slow
def test_the_random_sample_holds_cells_of_one_to_four_states() -> None:
    assert {len(g.states) for g in random_graphs(RANDOM)} == {1, 2, 3, 4}


@pytest.mark.slow
@pytest.mark.parametrize("part", range(SLICES))
def test_random_cells_are_drawn_without_defects(part: int) -> None:
    """500 random valid cells with 1-4 states, colah and pipe, cell and chain views (a tenth here)."""
    graphs = random_graphs(RANDOM)
    bad = {}
    for k in range(part, len(graphs), SLICES):
        for style, view in FIGURES:
            found = drawn.defects(drawn.read(svg_of(graphs[k], style, view)), graphs[k])
            if found:
                bad.setdefault(k, f"{style} {view}: {found[0]}")
    assert len(bad) <= RANDOM_DEFECTS_AT_MOST, "\n".join(f"cell {k}: {v}" for k, v in bad.items())


#: Random cells that hypothesis 6.155 draws for the test above (its sample depends on hypothesis's
#: version, and CI's fresh install, 6.170, draws none of these) and that are drawn with a defect, as the
#: checker finds it: known layout defects, kept so that the fix of each is seen (a case drawn clean
#: fails here until it is moved to the cells once drawn with a defect, below).
KNOWN_DEFECTS = {
    "random-157": ("pipe", "cell", "cat_x0_s0_prev_s1_prev->L0 and s0_prev->cat_L0_s0_prev_s1_prev: share a track"),
    # found by the strips' random test while its sample was random (a pipe starts beside a wire under
    # its product); the same before this drawing's router work, at d31f609
    "random-p0p3": ("pipe", "cell", "P0->P3 and s0_prev->P3: P0->P3 ends on s0_prev->P3 at (161, 112)"),
}
KNOWN = Path(__file__).parent / "known_defects"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(KNOWN_DEFECTS))
def test_known_defects_of_random_cells_are_still_there(name: str) -> None:
    style, view, defect = KNOWN_DEFECTS[name]
    graph = lstmviz.load(KNOWN / f"{name}.toml")
    found = drawn.defects(drawn.read(svg_of(graph, style, view)))
    if defect not in found:
        pytest.fail(f"{name}: no longer drawn with '{defect}' (found {found}): move it to once_defective/")
    pytest.xfail(f"known layout defect: {defect}")


#: Cells once drawn with a defect (random-308 and -309: a state's label on another state's line),
#: kept whatever hypothesis draws today.
ONCE_DEFECTIVE = sorted((Path(__file__).parent / "once_defective").glob("*.toml"))


@pytest.mark.slow
@pytest.mark.parametrize("style,view", FIGURES)
@pytest.mark.parametrize("path", ONCE_DEFECTIVE, ids=lambda p: p.stem)
def test_cells_once_drawn_with_a_defect_are_drawn_clean(path: Path, style: str, view: str) -> None:
    graph = lstmviz.load(path)
    assert drawn.defects(drawn.read(svg_of(graph, style, view)), graph) == []


# -- the checker itself: each defect is caught ----------------------------------------------------
def _svg(body: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0,0,200,200">{body}</svg>'


def _edge(src: str, dst: str, d: str, width: float = 2.6) -> str:
    return (
        f'<g class="edge transfer" data-edge="{src}-&gt;{dst}" data-src="{src}" data-dst="{dst}">'
        f'<path d="{d}" stroke-width="{width}" /></g>'
    )


def _op(node: str, x: float, y: float, symbol: str = "×") -> str:
    return (
        f'<g class="node op" data-node="{node}"><ellipse cx="{x}" cy="{y}" rx="10" ry="10" />'
        f'<text font-family="DejaVu Sans" font-size="11" x="{x}" y="{y}">{symbol}</text></g>'
    )


def test_checker_sees_two_values_on_one_track() -> None:
    d = drawn.read(_svg(_edge("a", "p", "M10,50 L100,50") + _edge("b", "p", "M40,50 L100,50") + _op("p", 110, 50)))
    assert any("share a track" in p for p in drawn.defects(d))


def test_checker_sees_lines_too_close_but_not_a_fan_out() -> None:
    close = _edge("a", "p", "M10,50 L100,50") + _edge("b", "q", "M10,53 L100,53")
    assert any("apart" in p for p in drawn.defects(drawn.read(_svg(close))))
    fan_out = _edge("a", "p", "M10,50 L100,50") + _edge("a", "q", "M10,50 L60,50 L60,90")
    assert drawn.defects(drawn.read(_svg(fan_out))) == []


def test_checker_sees_a_line_ending_on_another_but_not_a_crossing() -> None:
    t = _edge("a", "p", "M10,50 L100,50") + _edge("b", "q", "M50,90 L50,50")
    assert any("ends on" in p for p in drawn.defects(drawn.read(_svg(t))))
    crossing = _edge("a", "p", "M10,50 L100,50") + _edge("b", "q", "M50,90 L50,10")
    assert drawn.defects(drawn.read(_svg(crossing))) == []
    assert drawn.crossings(drawn.read(_svg(crossing))) == 1


def test_checker_sees_a_line_through_a_node_and_an_empty_circle() -> None:
    found = drawn.defects(drawn.read(_svg(_edge("a", "q", "M10,50 L190,50") + _op("p", 100, 50, ""))))
    assert "a->q runs through p" in found
    assert "p is drawn as an empty circle" in found


def test_checker_measures_labels_with_their_font() -> None:
    label = (
        '<g class="node state-in" data-node="h"><text font-family="DejaVu Serif" font-size="13" '
        'text-anchor="start" x="10" y="48"><tspan>h</tspan><tspan dy="3.9" font-size="9.1">t−1</tspan></text></g>'
    )
    d = drawn.read(_svg(label + _edge("h", "p", "M10,50 L100,50")))
    assert any("lies on" in p for p in drawn.defects(d))  # the subscript hangs onto the line
    ((_, _, box),) = d.labels
    assert 18 < box.right - box.left < 30  # "h" and a small "t−1", as DejaVu Serif draws them


def test_checker_sees_a_made_up_id_shown_as_a_label_but_not_a_name_the_spec_gave() -> None:
    b = CellBuilder("c")
    x, h = b.input("x"), b.state("h")
    named = b.layer(x, h.prev, id="forget", label="forget")  # the spec's own name: shown as written
    made_up = b.layer(x, activation="tanh")
    b.annotate(made_up, label="tanh_layer")  # as lstmviz once showed a layer no one named
    new = b.op("mul", named, made_up)
    b.write(h, new)
    b.output(new)
    found = drawn.defects(drawn.read(svg_of(b.build(), "colah", "cell")))
    assert "label 'tanhlayer' of tanh_layer shows the made-up id 'tanh_layer'" in found
    assert not any("forget" in problem for problem in found), found


@pytest.mark.parametrize("below,crossed", [(12, True), (35, False)])
def test_checker_sees_a_line_crossing_just_below_a_box_input(below: float, crossed: bool) -> None:
    box = '<g class="node layer" data-node="L"><rect x="80" y="20" width="40" height="20" /></g>'
    into = (  # up into the box's bottom at y=40, its arrowhead 10 long
        '<g class="edge transfer" data-edge="x-&gt;L" data-src="x" data-dst="L"><path d="M100,150 L100,50" '
        'stroke-width="2.6" /><polygon points="100,40 96,50 104,50" /></g>'
    )
    across = _edge("h", "q", f"M10,{40 + below} L190,{40 + below}")  # within 10 + 2 * 2.6 of it, or not
    found = [p for p in drawn.defects(drawn.read(_svg(box + into + across))) if "crosses" in p]
    assert found == ([f"h->q crosses x->L {below} px from L"] if crossed else [])


@pytest.mark.parametrize("op,symbol", [("sub", "−"), ("div", "÷")])
def test_checker_reads_a_difference_and_a_quotient_as_written(op: str, symbol: str) -> None:
    b = CellBuilder("c")
    x, h = b.input("x", "hidden"), b.state("h")
    new = b.op(op, x, h.prev, id="p")  # x - h_{t-1}, x / h_{t-1}
    b.write(h, new)
    b.output(new)
    graph = b.build()
    # x from the left and h_{t-1} from below: read as x - h and as x over h
    right = _edge("x", "p", "M10,50 L100,50") + _edge("h_prev", "p", "M110,150 L110,60")
    # x from below and h_{t-1} from above: h - x, and h over x
    wrong = _edge("x", "p", "M110,150 L110,60") + _edge("h_prev", "p", "M110,10 L110,40")
    assert drawn.defects(drawn.read(_svg(right + _op("p", 110, 50, symbol))), graph) == []
    found = drawn.defects(drawn.read(_svg(wrong + _op("p", 110, 50, symbol))), graph)
    assert found == [f"p: x does not come in {'left of' if op == 'sub' else 'above'} h_prev"]


# -- what the figures say -------------------------------------------------------------------------
def test_the_valve_handle_is_turned_by_the_gate() -> None:
    """lstm-coupled's new-memory valve is gated by 1 - f, not by the candidate (which is the
    stream), and every handle faces the side its gate's line comes in."""
    for name in lstmviz.BUILTINS:
        d = drawn.read(svg_of(lstmviz.load(name), "pipe", "cell"))
        for node, (gate, side) in d.valves.items():
            line = next(ln for ln in d.lines if ln.src == gate and ln.dst == node)
            box = d.shapes[node]
            dx = line.points[-1][0] - (box.left + box.right) / 2  # where the gate's line ends,
            dy = line.points[-1][1] - (box.top + box.bottom) / 2  # from the valve's centre
            came_in = ("right" if dx > 0 else "left") if abs(dx) > abs(dy) else ("bottom" if dy > 0 else "top")
            assert came_in == side, (name, node, side)
    coupled = drawn.read(svg_of(lstmviz.load("lstm-coupled"), "pipe", "cell"))
    gates = {gate for gate, _ in coupled.valves.values()}
    assert "one_minus_f" in gates or any(lstmviz.load("lstm-coupled").node(g).op == "one-minus" for g in gates)
    assert not any(lstmviz.load("lstm-coupled").node(g).activation == "tanh" for g in gates)


def test_a_renaming_is_a_point_on_the_line_not_an_empty_circle() -> None:
    b = CellBuilder("renamed", dims={"input": 3, "hidden": 4})
    x = b.input("x", "input")
    h = b.state("h", "hidden")
    a = b.layer(h.prev, x, activation="tanh", size="hidden", id="a")
    same = b.op("identity", a, id="same")
    b.write(h, same)
    b.output(same, "y")
    graph = b.build()
    for style in ("colah", "pipe"):
        d = drawn.read(svg_of(graph, style, "cell"))
        assert "same" not in d.shapes and "same" in d.points
        assert drawn.defects(d) == []


def test_diagonal_weights_are_marked_apart_from_a_matrix_input() -> None:
    svg = svg_of(lstmviz.load("lstm-peephole"), "colah", "cell")
    d = drawn.read(svg)
    diagonal = [ln for ln in d.lines if "diagonal" in ln.classes]
    assert {ln.src for ln in diagonal} == {"c_prev", "c"}
    assert len(diagonal) == 3
    assert all("diagonal" not in ln.classes for ln in d.lines if ln.src in ("hx",))
    marks = {  # colah draws a peephole as a plain line into the layer's side; the pipe style marks it ⊙
        style: sum(len(g.findall(f"{drawn.SVG}ellipse")) for g in ET.fromstring(svg_of(lstmviz.load("lstm-peephole"),
                   style, "cell")).iter(f"{drawn.SVG}g") if "diagonal" in g.get("class", ""))
        for style in ("colah", "pipe")
    }  # fmt: skip
    assert marks == {"colah": 0, "pipe": 6}


def test_the_checker_reads_a_chains_lines_but_not_its_faded_copies():
    """The outer modules' faded insides repeat the middle one's lines: skipped, and nothing else."""
    d = drawn.read(svg_of(lstmviz.load("lstm"), "colah", "chain"))
    edges = {line.edge for line in d.lines}
    assert {"hx->f", "c->c_next", "x-1->A", "A->y+1"} <= edges
    assert not any(edge.startswith(("A-1:", "A+1:")) for edge in edges)
    assert "f" in d.shapes and "A-1:f" not in d.shapes
