"""The pipe-and-valve vocabulary, chosen by style sheet: pipes, valves that take an opening, T-joints."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings

import lstmviz
from lstmviz.drawing.scene import Polygon, Rect, build_scene
from lstmviz.layout.cell import layout_cell
from lstmviz.style import load_style
from tests.support import layout_problems, valid_graphs

SVG = "{http://www.w3.org/2000/svg}"


def node_groups(svg: str) -> dict[str, ET.Element]:
    return {g.get("data-node"): g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class", "").startswith("node")}


@pytest.mark.parametrize(
    ("name", "valves"),
    [
        ("lstm", {"fc", "ig", "h"}),  # forget, new-memory and output valves
        ("gru", {"rh", "keep", "write"}),  # reset, and the coupled pair z and 1 - z
        ("lstm-coupled", {"fc", "ig", "h"}),
        ("mgu", {"fh", "keep", "write"}),
    ],
)
def test_products_with_a_gate_are_valves(name, valves):
    groups = node_groups(lstmviz.render(name, style="pipe"))
    assert {n for n, g in groups.items() if g.get("data-opening")} == valves
    assert all(g.get("data-opening") == "0.5" for n, g in groups.items() if n in valves)  # half open by default


def test_the_cell_state_is_a_pipe_and_new_memory_joins_at_a_tee():
    scene = build_scene(layout_cell(lstmviz.load("lstm")), load_style("pipe"))
    groups = {dict(g.data).get("edge") or dict(g.data).get("node"): g for g in scene.groups}
    wall, water = groups["fc->c"].items  # a pipe: its wall, and water inside it
    assert wall.width > water.width > 3 * load_style("colah").wire.width / 2
    assert water.color == load_style("pipe").streams.water
    assert groups["c->c_next"].items[1].color == load_style("pipe").streams.new_water  # C_t is new memory, green
    tee = groups["c"].items
    assert len(tee) == 4 and all(isinstance(i, Rect) for i in tee)  # a T-joint, not a circle with +
    assert not any(isinstance(i, Polygon) for i in groups["c"].items)


@pytest.mark.parametrize("opening", [0.0, 0.25, 0.5, 1.0])
def test_valve_openings_are_part_of_the_scene(opening):
    """The gate covers as much of the water through the valve as the valve is shut: all of it at 0,
    none at 1, and the rest in proportion, from the stem's side."""
    layout = layout_cell(lstmviz.load("lstm"))
    scene = build_scene(layout, load_style("pipe"), openings={"fc": opening, "h": 1 - opening})
    groups = {dict(g.data).get("node"): g for g in scene.groups}
    assert dict(groups["fc"].data)["opening"] == f"{opening:.3g}"
    for node, open_by in (("fc", opening), ("h", 1 - opening)):
        water, gate = [i for i in groups[node].items if isinstance(i, Rect)][-2:]
        assert gate.w * gate.h == pytest.approx((1 - open_by) * water.w * water.h, abs=1e-9)
        assert water.x <= gate.x and gate.x + gate.w <= water.x + water.w + 1e-9  # over the water, not beside it
        assert water.y <= gate.y and gate.y + gate.h <= water.y + water.h + 1e-9


def test_colah_style_keeps_circles():
    groups = node_groups(lstmviz.render("lstm", style="colah"))
    assert not any(g.get("data-opening") for g in groups.values())
    assert groups["fc"].find(f"{SVG}ellipse") is not None


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_pipe_geometry_is_clean(name):
    from lstmviz.layout.views import layout_view
    from lstmviz.sizing import metrics_for

    metrics = metrics_for(load_style("pipe"))
    for view in ("cell", "ordered"):
        assert layout_problems(layout_view(lstmviz.load(name), view, metrics=metrics)) == []


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_graphs())
def test_any_cell_draws_in_the_pipe_style(graph):
    from lstmviz.layout.views import layout_view
    from lstmviz.sizing import metrics_for

    ET.fromstring(lstmviz.render(graph, style="pipe"))
    ET.fromstring(lstmviz.render(graph, style="pipe", view="ordered"))
    assert layout_problems(layout_view(graph, "ordered", metrics=metrics_for(load_style("pipe")))) == []


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_graphs())
def test_any_cell_writes_png_and_pdf_in_the_pipe_style(tmp_path_factory, graph):
    out = tmp_path_factory.mktemp("pipe")
    lstmviz.render(graph, out / "c.png", style="pipe", view="ordered")
    lstmviz.render(graph, out / "c.pdf", style="pipe-dark")
    assert (out / "c.png").read_bytes()[:4] == b"\x89PNG" and (out / "c.pdf").read_bytes()[:4] == b"%PDF"
