"""What each node does (spec/roles.py): the state lines, each product's gate and stream, and the
walk-through's steps, for the built-ins by name and for any valid cell by property."""

import pytest
from hypothesis import HealthCheck, given, settings

import lstmviz
from lstmviz.spec.ranges import is_gate
from lstmviz.spec.roles import Product, roles
from tests.support import valid_graphs


def test_the_lstm_as_colah_tells_it():
    told = roles(lstmviz.load("lstm"))
    assert told.state_lines == (("c", ("fc", "c")),) and told.main_line == ("c", ("fc", "c"))
    assert told.products == {
        "fc": Product("f", "c_prev"),  # the forget gate scales the old cell state on the top line
        "ig": Product("i", "g"),
        "h": Product("o", "tanh_c"),
    }
    assert [(s.name, s.computes) for s in told.steps] == [
        ("forget", ("f",)),
        ("input", ("i", "g")),
        ("state", ("fc", "ig", "c")),
        ("output", ("o", "tanh_c", "h")),
    ]
    assert told.step_equations["state"] == (r"C_t = f_t * C_{t-1} + i_t * \tilde{C}_t",)
    assert {"x", "h_prev", "f"} <= told.step_shows["forget"] and "i" not in told.step_shows["forget"]


def test_the_gru_keeps_the_old_state_by_its_update_gate():
    told = roles(lstmviz.load("gru"))
    assert told.main_line == ("h", ("keep", "h"))
    assert told.gate_of("keep") == "z" and told.gate_of("rh") == "r" and told.gate_of("h") is None
    assert [s.name for s in told.steps] == ["reset", "update", "state"]


def test_a_hardsigmoid_gates_as_a_sigmoid_does():
    graph = lstmviz.from_equations(
        "f = hardsigmoid(linear(h_prev, x))\nh = f * h_prev + tanh(linear(h_prev, x))\n", states={"h": "hidden"}
    )
    assert roles(graph).products == {"mul_f_h_prev": Product("f", "h_prev")}  # a valve in the pipe style


def test_a_cell_without_a_line_of_ops_has_none():
    told = roles(lstmviz.load("rnn"))
    assert told.state_lines == () and told.main_line == ("", ()) and not told.products
    assert [s.computes for s in told.steps] == [("h",)]


def test_worked_out_once_per_graph_and_again_for_other_labels():
    graph = lstmviz.load("lstm")
    assert roles(graph) is roles(lstmviz.load("lstm"))  # equal graphs share one
    plain = roles(graph.relabelled("plain"))
    assert plain.steps[0].equations != roles(graph).steps[0].equations  # each label set writes its own


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_a_spec_that_names_its_steps_keeps_their_order(name):
    graph = lstmviz.load(name)
    if graph.steps:
        assert [s.name for s in roles(graph).steps] == [n for n, _ in graph.steps]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(valid_graphs())
def test_any_cell_tells_each_value_once_after_what_it_reads(graph):
    told = roles(graph)
    computed = [n.id for n in graph.nodes if n.kind in ("layer", "op")]
    told_in = [n for step in told.steps for n in step.computes]
    assert sorted(told_in) == sorted(computed)  # every layer and op in exactly one step
    step_of = {n: k for k, step in enumerate(told.steps) for n in step.computes}
    for node_id in computed:
        for read in graph.node(node_id).reads:
            sources = graph.node(read).inputs if graph.node(read).kind == "concat" else (read,)
            assert all(step_of.get(s, -1) <= step_of[node_id] for s in sources), (node_id, read)
    for step in told.steps:
        assert list(step.computes) == [n for n in graph.order if n in step.computes]  # in evaluation order
    for product_id, product in told.products.items():
        node = graph.node(product_id)
        assert node.op == "mul" and is_gate(graph, product.gate)
        assert sorted(node.inputs) == sorted((product.gate, product.stream))
    on_lines = [op for _, ops in told.state_lines for op in ops]
    assert len(on_lines) == len(set(on_lines)) == len(told.on_lines)  # an op on one line at most
