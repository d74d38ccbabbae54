"""The cell graph: derived edges, evaluation order, immutability."""

import dataclasses

import pytest

import lstmviz
from lstmviz import CellGraph, Node, SpecError


def test_lstm_edges_follow_the_colah_vocabulary():
    lstm = lstmviz.load("lstm")
    kinds = {e.id: e.kind for e in lstm.edges}
    # h_{t-1} and x_t merge into one line: concatenation
    assert kinds["h_prev->hx"] == kinds["x->hx"] == "concat"
    # the merged line forks into four layers: copies
    assert [kinds[f"hx->{g}"] for g in "figo"] == ["copy"] * 4
    # the cell state runs along the top without forking before the +
    assert kinds["c_prev->fc"] == "transfer"
    assert kinds["fc->c"] == kinds["ig->c"] == "transfer"
    # C_t forks: into tanh and out of the cell; h_t forks into the next step and the output
    assert kinds["c->tanh_c"] == kinds["c->c_next"] == "copy"
    assert kinds["h->h_next"] == kinds["h->y"] == "copy"
    assert len({e.id for e in lstm.edges}) == len(lstm.edges)


def test_edges_to_the_same_node_twice_get_distinct_ids():
    b = lstmviz.CellBuilder("sq")
    x = b.input("x", "hidden")
    b.output(b.op("mul", x, x, id="sq"))
    ids = [e.id for e in b.build().edges if e.dst == "sq"]
    assert ids == ["x->sq", "x->sq#1"]


def test_order_puts_every_node_after_what_it_reads():
    for name in lstmviz.BUILTINS:
        cell = lstmviz.load(name)
        pos = {n: i for i, n in enumerate(cell.order)}
        assert sorted(pos) == sorted(n.id for n in cell.nodes)
        for e in cell.edges:
            assert pos[e.src] < pos[e.dst], (name, e)


def test_graph_is_immutable_and_hashable():
    lstm = lstmviz.load("lstm")
    with pytest.raises(dataclasses.FrozenInstanceError):
        lstm.name = "other"  # type: ignore[misc]
    again = dataclasses.replace(lstm)  # an equal graph, built anew: its hash is computed, not cached
    assert again is not lstm and again == lstm and hash(again) == hash(lstm)
    assert {lstm: 1}[again] == 1
    assert hash(lstm.with_dims(hidden=8)) != hash(lstm) and hash(lstmviz.load("gru")) != hash(lstm)


def test_with_dims_changes_only_the_dims():
    lstm = lstmviz.load("lstm")
    big = lstm.with_dims(hidden=128)
    assert big.default_dims == {"input": 3, "hidden": 128}
    assert big.nodes == lstm.nodes and lstm.default_dims["hidden"] == 4


def test_constructing_a_graph_validates_it():
    with pytest.raises(SpecError, match="reads 'nope', which is not defined"):
        CellGraph("bad", (Node("x", "input"), Node("y", "output", inputs=("nope",))), dims={"input": 2})


def test_sizes_and_labels_are_derived():
    lstm = lstmviz.load("lstm")
    assert lstm.node("hx").size == "hidden+input"
    assert lstm.node("fc").size == "hidden"
    assert lstm.node("f").label == "f_t"
    assert lstm.node("c_prev").label == "C_{t-1}"
    assert lstm.states["c"][0].id == "c_prev" and lstm.states["c"][1].id == "c_next"
