"""The equations lstmviz writes: operands bracketed exactly where precedence needs it."""

import pytest

import lstmviz
from lstmviz.spec import latex


def _expression(cell: str, node_id: str) -> str:
    graph = lstmviz.load(cell)
    return latex.expression(graph, graph.node(node_id))


def test_a_label_that_is_a_sum_is_bracketed_inside_a_product():
    assert _expression("gru", "write") == r"(1-z_t) \odot \tilde{h}_t"
    assert _expression("gru", "h") == r"z_t \odot h_{t-1} + (1-z_t) \odot \tilde{h}_t"


@pytest.mark.parametrize(
    ("label", "is_sum"),
    [("1-z_t", True), ("a + b", True), ("h_{t-1}", False), ("-x", False), ("[x, h_{t-1}]", False), ("f(a-b)", False)],
)
def test_only_a_top_level_plus_or_minus_makes_a_sum(label, is_sum):
    assert latex._is_sum(label) is is_sum
