"""Compiling: static nodes, fused groups, the hoisted input projection."""

import lstmviz
from lstmviz import compile


def test_lstm_fuses_its_four_layers_and_hoists_the_input():
    plan = compile(lstmviz.load("lstm"))
    (group,) = plan.groups
    assert group.source == "hx"
    assert set(group.layers) == {"f", "i", "g", "o"}
    # one activation call per run: the three sigmoids together, then the tanh
    assert group.layers == ("f", "i", "o", "g")
    assert group.static_parts == ("x",) and group.dynamic_parts == ("h_prev",)
    assert plan.static == {"x"}


def test_peephole_layers_come_last_in_their_group():
    (group,) = compile(lstmviz.load("lstm-peephole")).groups
    assert group.layers == ("g", "f", "i", "o")


def test_gru_pytorch_input_projection_is_all_static():
    plan = compile(lstmviz.load("gru-pytorch"))
    by_source = {g.source: g for g in plan.groups}
    assert by_source["x"].is_static and "xn" in plan.static
    assert not by_source["h_prev"].is_static


def test_describe_mentions_each_group():
    text = compile(lstmviz.load("gru")).describe()
    assert "one matrix for [r, z] reading 'hx'" in text
    assert "input part (x) hoisted" in text
