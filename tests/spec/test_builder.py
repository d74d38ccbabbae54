"""Building cells from Python."""

import dataclasses

import pytest

import lstmviz
from lstmviz import CellBuilder, SpecError


def build_lstm() -> lstmviz.CellGraph:
    lstm = lstmviz.load("lstm")
    b = CellBuilder("lstm", title=lstm.title, description=lstm.description, reference=lstm.reference, latex=lstm.latex)
    x = b.input("x", label="x_t")
    h = b.state("h", label="h_{t-1}", role="hidden state")
    c = b.state("c", label="C_{t-1}", role="cell state")
    hx = b.concat(h.prev, x, id="hx")
    f = b.layer(hx, activation="sigmoid", id="f", label="f_t", role="forget gate")
    i = b.layer(hx, activation="sigmoid", id="i", label="i_t", role="input gate")
    g = b.layer(hx, activation="tanh", id="g", label=r"\tilde{C}_t", role="candidate")
    o = b.layer(hx, activation="sigmoid", id="o", label="o_t", role="output gate")
    fc = b.rename(f * c.prev, "fc")
    ig = b.rename(i * g, "ig")
    new_c = b.rename(fc + ig, "c")
    tanh_c = b.op("tanh", new_c, id="tanh_c", role="squash")
    new_h = b.op("mul", o, tanh_c, id="h", label="h_t", role="hidden state")
    b.annotate(fc, role="forget")
    b.annotate(ig, role="write")
    b.annotate(new_c, label="C_t", role="cell state")
    b.write(h, new_h, label="h_t", role="hidden state")
    b.write(c, new_c, label="C_t", role="cell state")
    b.output(new_h, label="h_t")
    return b.build()


def without_label_sets(cell):
    return dataclasses.replace(cell, nodes=tuple(dataclasses.replace(n, labels=()) for n in cell.nodes))


def test_builder_makes_the_built_in_lstm():
    assert build_lstm() == without_label_sets(lstmviz.load("lstm"))


def test_builder_takes_label_sets():
    b = CellBuilder("t")
    x = b.input("x")
    b.output(b.layer(x, activation="sigmoid", id="f", labels={"plain": "remember gate"}), label="y_t")
    b.annotate("x", labels={"plain": "input"})
    cell = b.build()
    assert cell.label_sets == ("notation", "plain")
    assert cell.relabelled("plain").node("f").label == "remember gate"
    assert cell.relabelled("plain").node("y").label == "y_t"  # no plain label: the notation one


def test_operators_make_pointwise_ops_with_readable_ids():
    b = CellBuilder("t")
    x = b.input("x", "hidden")
    z = b.layer(x, activation="sigmoid", id="z")
    mix = (1 - z) * x + z * x
    b.output(mix)
    cell = b.build()
    ops = {n.id: n.op for n in cell.of_kind("op")}
    assert ops == {
        "one_minus_z": "one-minus",
        "mul_one_minus_z_x": "mul",
        "mul_z_x": "mul",
        "add_mul_one_minus_z_x_mul_z_x": "add",
    }


def test_same_parts_share_one_concat():
    b = CellBuilder("t")
    x = b.input("x")
    h = b.state("h")
    a = b.layer(h.prev, x, activation="sigmoid")
    c = b.layer(h.prev, x, activation="tanh")
    b.write(h, a * c)
    b.output(a * c)
    cell = b.build()
    assert [n.id for n in cell.of_kind("concat")] == ["cat_h_prev_x"]


def test_builder_reports_duplicates_and_bad_annotations():
    b = CellBuilder("t")
    b.input("x")
    with pytest.raises(SpecError, match="defined twice"):
        b.input("x")
    with pytest.raises(SpecError, match="described but not defined"):
        b.annotate("nope", label="n")
    with pytest.raises(SpecError, match="unknown field 'colour'"):
        b.annotate("x", colour="red")


def test_numbers_stand_for_an_operand_on_either_side_as_in_the_equations():
    b = lstmviz.CellBuilder("n")
    x = b.input("x")
    outputs = {"half": 0.5 * x, "third": x / 3, "inverse": 2 / x, "less": x - 1, "more": 1 + x, "flip": 1 - x}
    for name, ref in outputs.items():
        b.output(ref, name)
    cell = b.build()
    ops = {name: cell.node(cell.node(name).inputs[0]) for name in outputs}
    assert [(n.op, n.constant, n.constant_at) for n in ops.values()] == [
        ("mul", 0.5, 0),
        ("div", 3.0, 1),
        ("div", 2.0, 0),
        ("sub", 1.0, 1),
        ("add", 1.0, 0),
        ("one-minus", None, 1),
    ]
    with pytest.raises(TypeError):
        x * "2"
