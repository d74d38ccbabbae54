"""What a reader sees of the parts of a cell its spec did not name: papers' labels, never the ids
the builder made up for them."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lstmviz import from_equations
from lstmviz.spec.graph import CellGraph
from lstmviz.spec.names import made_up
from lstmviz.spec.roles import roles
from lstmviz.spec.tomlfile import dump_spec, parse_spec


def labels(graph: CellGraph) -> dict[str, str]:
    return {n.id: n.label for n in graph.nodes if n.label}


def shown(graph: CellGraph) -> list[str]:
    """Every text a figure, a walk-through or its files show of the cell."""
    told = roles(graph).steps
    return [n.label for n in graph.nodes] + [s.name for s in told] + [eq for s in told for eq in s.equations]


def test_an_anonymous_layer_is_labelled_as_papers_write_it():
    graph = from_equations(
        "z = sigmoid(linear(x) + linear(h_prev, bias=false))\nh = z * h_prev + (1 - z) * tanh(linear(x))",
        states={"h": "hidden"},
    )
    found = labels(graph)
    assert found["identity_layer"] == "W_{z} x_t"  # what it reads, and the value it goes into
    assert found["identity_layer_2"] == "U_{z} h_{t-1}"  # U: a recurrent input
    assert "tanh_layer" not in found  # a layer with an activation: what it computes has no short name
    z, state = roles(graph).steps
    assert z.name == "z" and state.name == "state"
    # the bias of W_z x_t is told where the label goes, not lost
    assert z.equations == (r"z_t = \sigma(W_{z} x_t + b_{z} + U_{z} h_{t-1})",)
    assert state.equations == (r"h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tanh(W_{h} \cdot [x_t] + b_{h})",)


def test_two_layers_into_one_value_have_weights_of_their_own():
    graph = from_equations(
        "m = linear(x, bias=false) * linear(h_prev, bias=false)\nh = tanh(linear(m) + linear(x))",
        states={"h": "hidden"},
    )
    assert list(labels(graph).values())[2:6] == ["W_{m} x_t", "U_{m} h_{t-1}", "W_{h,1} m_t", "W_{h,2} x_t"]
    (m, h) = (step.equations for step in roles(graph).steps)
    assert m == (r"m_t = W_{m} x_t \odot U_{m} h_{t-1}",)
    assert h == (r"h_t = \tanh(W_{h,1} m_t + b_{h,1} + W_{h,2} x_t + b_{h,2})",)  # not one W_h on both


def test_a_name_the_spec_gives_is_kept_and_a_label_it_gives_wins():
    graph = from_equations(
        "forget = sigmoid(linear(x, h_prev))\nh = forget * h_prev + linear(x)",
        states={"h": "hidden"},
        describe={"identity_layer": {"label": "W_{xh} x_t"}},
    )
    assert labels(graph)["forget"] == "forget"
    assert labels(graph)["identity_layer"] == "W_{xh} x_t"


def test_the_labels_survive_the_canonical_toml():
    graph = from_equations("h = tanh(linear(x) + linear(h_prev))", states={"h": "hidden"})
    again = parse_spec(dump_spec(graph))
    assert labels(again) == labels(graph) and roles(again).steps == roles(graph).steps


# -- any cell written as equations --------------------------------------------------------------------
NAMES = ("x", "h_prev")


@st.composite
def expressions(draw, names: tuple[str, ...], depth: int = 3) -> str:  # type: ignore[no-untyped-def]
    """An expression of the equation form over ``names``, with anonymous layers and ops."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(names))
    inner = expressions(names, depth - 1)
    kind = draw(st.sampled_from(["linear", "act", "binary", "one-minus"]))
    if kind == "linear":
        args = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        bias = ", bias=false" if draw(st.booleans()) else ""
        text = f"linear({', '.join(args)}{bias})"
        return f"{draw(st.sampled_from(['sigmoid', 'tanh']))}({text})" if draw(st.booleans()) else text
    if kind == "act":
        return f"{draw(st.sampled_from(['sigmoid', 'tanh']))}({draw(inner)})"
    if kind == "one-minus":
        return f"(1 - {draw(inner)})"
    return f"({draw(inner)} {draw(st.sampled_from(['*', '+', '-', '/']))} {draw(inner)})"


@st.composite
def equation_cells(draw) -> CellGraph:  # type: ignore[no-untyped-def]
    names, lines = list(NAMES), []
    for name in ("a", "b", "gate")[: draw(st.integers(0, 3))]:
        lines.append(f"{name} = {draw(expressions(tuple(names)))}")
        names.append(name)
    everything = " + ".join(names)  # every value read, so the cell is valid
    lines.append(f"h = {draw(expressions(tuple(names)))} + {everything}")
    return from_equations("\n".join(lines), inputs={"x": "hidden"}, states={"h": "hidden"})


@settings(max_examples=60, deadline=None)
@given(equation_cells())
def test_no_made_up_id_is_ever_shown(graph: CellGraph):
    ids = [n.id for n in graph.nodes if made_up(n)]
    for text in shown(graph):
        for node_id in ids:
            assert not re.search(rf"(?<![A-Za-z_]){node_id}(?![A-Za-z0-9_])", text), (node_id, text)


def test_a_named_layers_weights_take_its_labels_letter_where_no_other_layer_has_it():
    """colah writes W_C for the candidate C̃_t, whatever the spec calls the layer; two layers whose
    labels share a letter keep their ids (W_a, W_b), so no two weights share a name."""
    graph = from_equations(
        "hx = concat(h_prev, x)\ng = tanh(linear(hx))\nf = sigmoid(linear(hx))\nh = f * h_prev + (1 - f) * g",
        states={"h": "hidden"},
        describe={"g": {"label": r"\tilde{C}_t"}, "f": {"label": "f_t"}},
    )
    equations = [eq for step in roles(graph).steps for eq in step.equations]
    assert r"\tilde{C}_t = \tanh(W_{C} \cdot [h_{t-1}, x_t] + b_{C})" in equations
    assert any(eq.startswith(r"f_t = \sigma(W_{f} \cdot") for eq in equations)
    twins = from_equations(
        "a = sigmoid(linear(x))\nb = sigmoid(linear(x))\nh = a * h_prev + b",
        states={"h": "hidden"},
        describe={"a": {"label": "z_t"}, "b": {"label": r"\hat{z}_t"}},
    )
    assert {twins.weights["a"], twins.weights["b"]} == {("W", "a"), ("W", "b")}
