"""The cell view: the colah arrangement for the LSTM, and clean geometry for every cell."""

import pytest
from hypothesis import HealthCheck, given, settings

import lstmviz
from lstmviz.layout.cell import layout_cell
from tests.support import layout_problems, normalised_graphs, valid_graphs


def shapes(layout):
    return {s.node: s.box for s in layout.shapes}


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_built_ins_have_clean_geometry(name):
    assert layout_problems(layout_cell(lstmviz.load(name))) == []


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_graphs())
def test_random_cells_have_clean_geometry(graph):
    assert layout_problems(layout_cell(graph)) == []


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(normalised_graphs())
def test_random_cells_with_a_layer_normalisation_have_clean_geometry(graph):
    assert layout_problems(layout_cell(graph)) == []


def test_lstm_reads_like_the_colah_figure():
    s = shapes(layout_cell(lstmviz.load("lstm")))
    # the cell state runs straight across the top: C_{t-1}, the forget x, the +, C_t
    assert s["c_prev"].y == s["fc"].y == s["c"].y == s["c_next"].y
    assert s["c_prev"].x < s["fc"].x < s["c"].x < s["c_next"].x
    # four layers in a row, left to right: sigma_f, sigma_i, tanh, sigma_o, below the cell state
    assert s["f"].y == s["i"].y == s["g"].y == s["o"].y > s["c"].y
    assert s["f"].x < s["i"].x < s["g"].x < s["o"].x
    # sigma_f straight up into the forget x; the tanh straight up into the x, straight up into the +
    assert s["fc"].x == s["f"].x and s["ig"].x == s["g"].x == s["c"].x
    assert s["c"].y < s["ig"].y < s["g"].y
    # tanh(C_t) right of sigma_o and above the output x, which sends h_t out at the bottom right
    assert s["tanh_c"].x == s["h"].x > s["o"].x and s["tanh_c"].y < s["h"].y
    assert s["h_prev"].y == s["h_next"].y > s["f"].y
    # x_t comes up from below, left of the first layer; h_t leaves through the top on the right
    assert s["x"].y > s["h_prev"].y and s["x"].x < s["f"].x
    assert s["y"].y < s["c"].y and s["y"].x > s["h"].x


def test_lstm_forks_where_colah_draws_them():
    layout = layout_cell(lstmviz.load("lstm"))
    s = shapes(layout)
    dots = {(d.node, round(d.at.x), round(d.at.y)) for d in layout.dots}
    assert ("c", round(s["tanh_c"].x), round(s["c"].y)) in dots  # C_t forks down into tanh
    assert ("hx", round(s["f"].x), round(s["h_prev"].y)) in dots  # [h, x] forks up into the gates
    assert ("h", round(s["y"].x), round(s["h_next"].y)) in dots  # h_t forks up and out


def test_gru_runs_the_hidden_state_along_the_top():
    s = shapes(layout_cell(lstmviz.load("gru")))
    assert s["h_prev"].y == s["keep"].y == s["h"].y == s["h_next"].y
    assert s["w"].y > s["keep"].y  # the 1- sits below the top line


def test_peephole_lines_enter_the_gates_from_the_side():
    layout = layout_cell(lstmviz.load("lstm-peephole"))
    s = shapes(layout)
    wires = {w.edge: w for w in layout.wires}
    for edge, gate in (("c_prev->f", "f"), ("c_prev->i", "i"), ("c->o", "o")):
        end = wires[edge].points[-1]
        assert end.x == s[gate].left and end.y == s[gate].y


def test_layout_is_deterministic():
    assert layout_cell(lstmviz.load("mgu")) == layout_cell(lstmviz.load("mgu"))


def test_hints_order_the_layers_and_pick_the_top_lane():
    import dataclasses

    lstm = lstmviz.load("lstm")
    order = {"o": 1, "g": 2, "i": 3, "f": 4}
    hinted = dataclasses.replace(
        lstm,
        nodes=tuple(
            dataclasses.replace(n, order=order.get(n.id))
            if n.kind == "layer"
            else dataclasses.replace(n, lane="top")
            if n.id in ("h_prev", "h_next")
            else n
            for n in lstm.nodes
        ),
    )
    assert lstmviz.parse_spec(lstmviz.dump_spec(hinted)) == hinted  # hints round-trip
    layout = layout_cell(hinted)
    s = shapes(layout)
    assert s["o"].x < s["g"].x < s["i"].x < s["f"].x
    assert s["h_prev"].y < s["c_prev"].y  # h runs along the top now
    assert layout_problems(layout) == []


def test_bad_hints_are_named():
    from lstmviz import SpecError, parse_spec

    text = lstmviz.dump_spec(lstmviz.load("rnn"))
    with pytest.raises(SpecError, match="unknown lane 'middle'"):
        parse_spec(text.replace('state = "h"\n', 'state = "h"\nlane = "middle"\n', 1))
    with pytest.raises(SpecError, match="a layer node has no 'lane'"):
        parse_spec(text.replace('activation = "tanh"\n', 'activation = "tanh"\nlane = "top"\n', 1))


def stacked(kinds: str) -> lstmviz.CellGraph:
    """Cells stacked as a deep RNN stacks them: layer k reads layer k-1's new hidden state."""
    lines, states, below = [], {}, "x"
    for k, kind in enumerate(kinds, 1):
        if kind == "l":  # an LSTM layer
            lines += [
                f"hx{k} = concat(h{k}_prev, {below})",
                *(f"{g}{k} = {a}(linear(hx{k}))" for g, a in zip("fiog", ("sigmoid",) * 3 + ("tanh",))),
                f"c{k} = f{k} * c{k}_prev + i{k} * g{k}",
                f"h{k} = o{k} * tanh(c{k})",
            ]
            states |= {f"c{k}": "hidden", f"h{k}": "hidden"}
        else:  # a GRU layer
            lines += [
                f"hx{k} = concat(h{k}_prev, {below})",
                f"r{k} = sigmoid(linear(hx{k}))",
                f"z{k} = sigmoid(linear(hx{k}))",
                f"n{k} = tanh(linear(concat(r{k} * h{k}_prev, {below})))",
                f"h{k} = z{k} * h{k}_prev + (1 - z{k}) * n{k}",
            ]
            states |= {f"h{k}": "hidden"}
        below = f"h{k}"
    return lstmviz.from_equations("\n".join(lines), states=states, outputs={"y": below})


@pytest.mark.parametrize("kinds", ["ll", "lll", "gg", "lg", "gl"])
def test_stacked_cells_run_one_top_line_per_layer(kinds):
    from lstmviz.sizing import metrics_for
    from lstmviz.style import load_style

    graph = stacked(kinds)
    for style in ("colah", "pipe"):
        layout = layout_cell(graph, metrics_for(load_style(style)))
        assert layout_problems(layout) == []
        s = shapes(layout)
        tops = [graph.node(f"{'c' if kind == 'l' else 'h'}{k}_prev") for k, kind in enumerate(kinds, 1)]
        ys = sorted({s[node.id].y for node in tops})
        assert len(ys) == len(kinds)  # each layer's memory on a line of its own
        assert all(
            s[n.id].y < min(s[f"{'f' if kind == 'l' else 'z'}{k}"].y for k, kind in enumerate(kinds, 1)) for n in tops
        )  # all of them above every gate
