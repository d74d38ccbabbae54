"""Every view of every built-in, in every shipped style and format, and what each view must show."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import lstmviz
from lstmviz import SpecError
from lstmviz.layout.chain import shift_time
from lstmviz.layout.views import layout_view
from lstmviz.spec.roles import equations, roles
from lstmviz.style import builtin_styles
from tests.support import layout_problems, valid_graphs

SVG = "{http://www.w3.org/2000/svg}"
GALLERY = Path(__file__).resolve().parents[2] / "gallery"


def every_view(name):
    yield "cell", None
    for step in roles(lstmviz.load(name)).step_shows:
        yield "focus", step
    yield from (("ordered", None), ("conventional", None), ("chain", None), ("legend", None), ("rolled", None))
    yield "unrolled", None


CASES = [(name, view, focus) for name in lstmviz.BUILTINS for view, focus in every_view(name)]


@pytest.mark.parametrize(
    ("name", "view", "focus"),
    # the fast tier draws the cell and its focus views; the whole suite every view
    [pytest.param(*c, marks=[] if c[1] in ("cell", "focus") else [pytest.mark.slow]) for c in CASES],
)
def test_every_view_renders_in_every_style_and_format(tmp_path, name, view, focus):
    for style in builtin_styles():
        ET.fromstring(lstmviz.render(name, view=view, focus=focus, style=style))
        lstmviz.render(name, tmp_path / f"{style}.png", view=view, focus=focus, style=style)
        lstmviz.render(name, tmp_path / f"{style}.pdf", view=view, focus=focus, style=style)
        assert (tmp_path / f"{style}.png").read_bytes()[:4] == b"\x89PNG"
        assert (tmp_path / f"{style}.pdf").read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize(
    ("name", "view", "focus"), [c for c in CASES if c[1] in ("focus", "ordered", "conventional", "chain")]
)
def test_focus_and_chain_keep_clean_geometry(name, view, focus):
    assert layout_problems(layout_view(lstmviz.load(name), view, focus=focus)) == []


def test_lstm_walk_through_steps_are_the_posts_four():
    found = roles(lstmviz.load("lstm")).step_shows
    assert list(found) == ["forget", "input", "state", "output"]  # the post: forget, write, update, output
    assert {"i", "g"} <= found["input"] and {"o", "tanh_c", "h", "y"} <= found["output"]
    # i * C̃ only feeds the top line: it is told in the state step, as colah's step 3 (and faded in 2)
    assert {"c_prev", "fc", "ig", "c", "c_next"} <= found["state"] and "ig" not in found["input"]


def test_focus_fades_the_rest_and_sets_the_equations_beside_it():
    """colah's fade: everything out of focus (the module's border too) washed toward the module's
    green, each group once and opaque, so faded lines that overlap do not add up; the equations
    italic, centred on the module."""
    from lstmviz.drawing.scene import mix
    from lstmviz.style import load_style

    colah = load_style("colah")
    svg = lstmviz.render("lstm", view="focus", focus="forget")
    root = ET.fromstring(svg)
    groups = {g.get("data-node") or g.get("data-edge") or g.get("class"): g for g in root.iter(f"{SVG}g")}
    assert not any(g.get("opacity") for g in root.iter(f"{SVG}g"))  # no transparency to add up
    for lit in ("f", "hx->f"):
        assert "faded" not in groups[lit].get("class")
    assert "faded" in groups["o"].get("class") and "faded" in groups["c->tanh_c"].get("class")
    washed = mix(colah.layer.fill, colah.module.fill, colah.focus.faded_opacity)
    assert groups["o"].find(f"{SVG}rect").get("fill") == washed
    line = mix("#000000", colah.module.fill, colah.focus.faded_opacity)
    assert groups["c->tanh_c"].find(f"{SVG}path").get("stroke") == line
    module = groups["module faded"].find(f"{SVG}rect")
    assert module.get("fill") == colah.module.fill  # the module keeps its green, its border fades
    assert module.get("stroke") == mix(colah.module.stroke, colah.module.fill, colah.focus.faded_opacity)
    equation = next(g for g in root.iter(f"{SVG}g") if g.get("data-owner") == "equation")
    text = equation.find(f"{SVG}text")
    assert "".join(equation.itertext()).replace("\u00a0", " ").startswith("ft = σ(Wf · [ht−1, xt] + bf)")
    top, height = float(module.get("y")), float(module.get("height"))
    assert abs(float(text.get("y")) - (top + height / 2)) < float(text.get("font-size"))  # centred on it
    assert [t.text for t in text.findall(f"{SVG}tspan") if t.get("font-style") == "italic"][:2] == ["f", "t"]


def test_focus_as_colah_draws_the_steps():
    """Faded parts keep their labels, faded; the state step draws no bold arrow off the top line into
    a faded node; the output step fades the top line from + to the fork down into tanh; a step's
    equations are aligned on "="."""
    from lstmviz.layout.geometry import Point
    from lstmviz.mathtext import width

    forget = layout_view(lstmviz.load("lstm"), "focus", focus="forget")
    labels = {lab.owner for lab in forget.labels}
    assert {"i", "g", "o"} <= labels and {"i", "g", "o"} <= forget.faded  # i_t, C̃_t, o_t, drawn faded
    state = layout_view(lstmviz.load("lstm"), "focus", focus="state")
    assert "c->tanh_c" in state.faded and "c->c_next" not in state.faded and "f->fc" not in state.faded
    output = layout_view(lstmviz.load("lstm"), "focus", focus="output")
    plus = next(s.box for s in output.shapes if s.node == "c")
    (lit,) = (w for w in output.wires if w.edge == "c->tanh_c")
    assert "c->tanh_c" not in output.faded and lit.points[0].x > plus.right  # lit from the fork, not the +
    assert lit.points[0] == Point(lit.points[1].x, plus.y)  # the fork, on the top line
    inputs = layout_view(lstmviz.load("lstm"), "focus", focus="input")
    eqs = [lab for lab in inputs.labels if lab.owner == "equation"]
    assert len(eqs) == 2 and eqs[0].x != eqs[1].x
    at = {round(lab.x + width(lab.text.split("=")[0], lab.size), 6) for lab in eqs}
    assert len(at) == 1  # the "=" of i_t and of C̃_t one above the other


def test_mix_keeps_a_share_of_the_colour():
    from lstmviz.drawing.scene import mix

    assert mix("#000000", "#e1f7d0", 0.1) == "#cadebb"  # colah's faded line, measured: #cbdebd
    assert mix("#f5ee9c", "#e1f7d0", 1.0) == "#f5ee9c" and mix("#fff", "#000", 0.0) == "#000000"


def test_focus_on_a_node_and_bad_focus():
    layout = layout_view(lstmviz.load("gru"), "focus", focus="rh")
    assert "rh" not in layout.faded and "x" in layout.faded
    with pytest.raises(SpecError, match="is neither a step nor a node of 'gru'; steps: reset, update"):
        layout_view(lstmviz.load("gru"), "focus", focus="forget")
    with pytest.raises(SpecError, match="needs --focus"):
        layout_view(lstmviz.load("gru"), "focus")
    with pytest.raises(SpecError, match="--focus goes with --view focus"):
        layout_view(lstmviz.load("gru"), "cell", focus="reset")


def test_chain_labels_carry_time_indices():
    text = "".join(ET.fromstring(lstmviz.render("lstm", view="chain")).itertext())
    for label in ("xt−1", "xt", "xt+1", "ht−1", "ht", "ht+1"):
        assert label in text
    assert text.count("A") >= 2


@pytest.mark.parametrize(
    ("label", "k", "moved"),
    [
        ("x_t", -1, "x_{t-1}"),
        ("h_{t-1}", 1, "h_{t}"),
        ("h_{t-1}", -1, "h_{t-2}"),
        (r"\tilde{C}_t", 1, r"\tilde{C}_{t+1}"),
        ("y", 1, "y"),
    ],
)
def test_shift_time(label, k, moved):
    assert shift_time(label, k) == moved


def test_unrolled_shows_the_chain_of_steps():
    text = "".join(ET.fromstring(lstmviz.render("rnn", view="unrolled")).itertext())
    assert re.search(r"x0.*x1.*x2.*xt", text.replace("\n", ""))


@pytest.mark.parametrize("label_set", ["notation", "plain", "pytorch"])
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_every_label_set_lays_out_cleanly(name, label_set):
    cell = lstmviz.load(name).relabelled(label_set)
    assert layout_problems(layout_view(cell, "cell")) == []


def test_label_sets_change_only_the_words():
    plain = ET.fromstring(lstmviz.render("lstm", labels="plain"))
    text = " ".join("".join(t.itertext()) for t in plain.iter(f"{SVG}text"))
    for words in ("long-term memory", "working memory", "remember gate", "save gate", "focus gate"):
        assert words in text
    torch_names = " ".join(
        "".join(t.itertext()) for t in ET.fromstring(lstmviz.render("gru-pytorch", labels="pytorch")).iter(f"{SVG}text")
    )
    assert {"r", "z"} <= set(torch_names.split())  # the gates; n is an op, drawn by its symbol
    with pytest.raises(SpecError, match="unknown label set 'klingon' \\(must be one of notation, plain, pytorch\\)"):
        lstmviz.render("lstm", labels="klingon")


def test_ordered_view_dashes_what_exists_before_the_step():
    cell = lstmviz.load("lstm")
    layout = layout_view(cell, "ordered")
    # every old value: the inputs, the last step's states, and their concatenation [h_{t-1}, x_t]
    assert layout.dashed == {"h_prev->hx", "x->hx", "c_prev->fc", "hx->f", "hx->i", "hx->g", "hx->o"}
    rounds = {
        lab.owner.removeprefix("round-"): int(lab.text) for lab in layout.labels if lab.owner.startswith("round-")
    }
    assert rounds["f"] == rounds["i"] == rounds["g"] == rounds["o"] == 1
    assert rounds["c"] < rounds["tanh_c"] < rounds["h"]  # C_t exists before the output valve acts
    svg = ET.fromstring(lstmviz.render("lstm", view="ordered"))
    dashed = {g.get("data-edge") for g in svg.iter(f"{SVG}g") if any(p.get("stroke-dasharray") for p in g)}
    assert dashed == set(layout.dashed)


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_random_and_built_in_cells_have_an_ordered_view(name):
    layout = layout_view(lstmviz.load(name), "ordered")
    assert layout.dashed and layout_problems(layout) == []


def _step_problems(graph) -> list[str]:  # type: ignore[no-untyped-def]
    """What would mislead a reader of the walk-through: an equation told twice, a layer or op no
    step computes or two steps light, a step before the step whose value it reads."""
    found = roles(graph).step_shows
    computed = {n.id for n in graph.nodes if n.kind in ("layer", "op")}
    problems, told, lit = [], {}, {}
    for name, ids in found.items():
        for eq in equations(graph, ids):
            if eq in told:
                problems.append(f"{eq} told in {told[eq]} and {name}")
            told.setdefault(eq, name)
        for n in ids & computed:
            if n in lit:
                problems.append(f"{n} lit in {lit[n]} and {name}")
            lit.setdefault(n, name)
    problems += [f"no step computes {n}" for n in sorted(computed - set(lit))]
    if not graph.steps:  # a spec's own steps keep the spec's order
        order = list(found)
        for n, name in lit.items():
            for r in graph.node(n).reads:
                for s in graph.node(r).inputs if graph.node(r).kind == "concat" else (r,):
                    if s in lit and order.index(lit[s]) > order.index(name):
                        problems.append(f"{name} reads {s}, computed later in {lit[s]}")
    return problems


@pytest.mark.parametrize("path", [*lstmviz.BUILTINS, *sorted(str(p) for p in GALLERY.glob("*.toml"))])
def test_steps_tell_each_equation_once_in_the_order_values_are_computed(path):
    assert _step_problems(lstmviz.load(path)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_graphs())
def test_steps_of_any_cell_tell_each_equation_once_in_order(graph):
    assert _step_problems(graph) == []


def test_a_step_lights_its_own_nodes_and_the_lines_into_and_out_of_them():
    """The coupled LSTM once told f_t in the forget and the candidate steps, and lit f in both."""
    graph = lstmviz.load("lstm-coupled")
    found = roles(graph).step_shows
    assert len(_step_problems(graph)) == 0
    forget = next(ids for ids in found.values() if "f" in ids)
    assert "g" in forget  # the candidate comes with the gate that scales it (1 - f)
    state = found["state"]
    assert {"c_prev", "fc", "c", "c_next"} <= state and not {"f", "g", "o"} & state
    assert {e.id for e in graph.edges if e.dst == "fc"} <= state  # the lines into its ops are lit
