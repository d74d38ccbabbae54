"""Cells written as equations: the same graphs as the built-ins, parsed and never evaluated."""

from pathlib import Path

import pytest

import lstmviz
from lstmviz import SpecError, from_equations, parse_spec, read_spec
from lstmviz.cells import BUILTINS

DATA = Path(__file__).parents[2] / "gallery"  # the gallery writes the built-ins as equations


@pytest.mark.parametrize("name", BUILTINS)
def test_equation_form_of_each_built_in_gives_the_same_graph(name):
    assert read_spec(DATA / f"{name}.toml") == lstmviz.load(name)


def test_the_issue_example_reads_as_an_lstm():
    cell = from_equations(
        """
        f = sigmoid(linear(h_prev, x))
        i = sigmoid(linear(h_prev, x))
        g = tanh(linear(h_prev, x))
        o = sigmoid(linear(h_prev, x))
        c = f * c_prev + i * g
        h = o * tanh(c)
        """.replace("\n        ", "\n"),
        states={"h": {}, "c": {}},
    )
    assert [n.id for n in cell.of_kind("layer")] == ["f", "i", "g", "o"]
    assert [n.id for n in cell.of_kind("concat")] == ["cat_h_prev_x"]  # one concat, four copies
    assert {n.op for n in cell.of_kind("op")} == {"mul", "add", "tanh"}
    assert cell.node("c").inputs == ("mul_f_c_prev", "mul_i_g")
    assert cell.node("y").inputs == ("h",)


def test_equations_may_come_in_any_order():
    cell = from_equations("h = o * tanh(g)\no = sigmoid(linear(x))\ng = linear(h_prev, x)", states={"h": {}})
    assert cell.order.index("o") < cell.order.index("h")


def test_diag_size_one_minus_and_concat():
    cell = from_equations(
        "z = sigmoid(linear(h_prev, x, diag(h_prev), size=hidden))\nh = (1 - z) * h_prev + one_minus(z) * z",
        states={"h": {}},
    )
    assert cell.node("z").diagonal == ("h_prev",)
    assert [n.op for n in cell.of_kind("op")].count("one-minus") == 2


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "h = tanh(linear(h_prev, x))\ny2 = __import__('os').system('echo pwned')",
            2,
            "unknown function \"__import__('os').system\"",
        ),
        ("h = tanh(linear(h_prev, x))\nz = x.__class__", 2, "is not an expression lstmviz reads"),
        ("h = tanh(linear(h_prev, x))\nz = (lambda: 1)()", 2, "unknown function 'lambda: 1'"),
        ("h = tanh(linear(h_prev, x)) ** 2", 1, "unknown operator"),
        ("h = tanh(linear(h_prev, x))\n\nz = 2 * 3", 3, "'z': mul of two numbers (2 and 3)"),
        ("h = tanh(linear(h_prev, x))\nz = 2", 2, "the number 2 stands alone"),
        ("h = tanh(linear(h_prev, x, bias=maybe))", 1, "bias=maybe is not true or false"),
        ("h = max(h_prev)", 1, "max() takes two arguments, not 1"),
        ("h = tanh(linear(h_prev, x)) * 1e999", 1, "is not finite"),
        ("h = sigmod(linear(h_prev, x))", 1, "unknown function 'sigmod'"),
        ("h = tanh(linear(h, x))", 1, "cycle inside one step (cat_h_x <- h <- cat_h_x); read 'h_prev' (the last"),
        ("h = tanh(linear(h_prev, q))", 1, "reads 'q', which is not defined"),
        ("h = tanh(linear(h_prev, x))\nh = x", 2, "'h': is defined twice"),
        ("h = tanh(linear(h_prev, x)\n", 1, "malformed equation"),
        ("import os", 1, "is not an equation"),
        ("h = a\na = h\n", 2, "'a': names only itself"),
        ("h = q\n", 1, "reads 'q', which is not defined"),
        ("a = concat(h_prev, x)\nb = concat(h_prev, x)\nh = tanh(linear(a)) + tanh(linear(b))", 2, "same as 'a'"),
        ("a = tanh(b)\nb = tanh(a)\nh = a * h_prev", 1, "cycle inside one step"),
        ("h = x * h_prev", 1, "size mismatch: mul of 'x' (size input) and 'h_prev' (size hidden)"),
    ],
)
def test_mistakes_name_the_line(text, line, message):
    with pytest.raises(SpecError) as info:
        from_equations(text, states={"h": {}}, file="cell.eq")
    assert message in str(info.value)
    assert str(info.value).startswith(f"cell.eq:{line}: "), str(info.value)


def test_nothing_is_evaluated(tmp_path):
    marker = tmp_path / "pwned"
    text = f"h = tanh(linear(h_prev, x))\nz = open({str(marker)!r}, 'w')"
    with pytest.raises(SpecError):
        from_equations(text, states={"h": {}})
    assert not marker.exists()


def test_lines_in_a_toml_file_point_into_the_file(tmp_path):
    spec = tmp_path / "cell.toml"
    spec.write_text(
        '[cell]\nname = "t"\nequations = """\nh = tanh(linear(h_prev, x))\nq = sigmod(h)\n"""\n[states]\nh = "hidden"\n'
    )
    with pytest.raises(SpecError) as info:
        read_spec(spec)
    assert str(info.value).startswith(f"{spec}:5: ")


def test_a_state_never_assigned(tmp_path):
    with pytest.raises(SpecError, match="state 'c' is read but never assigned; add an equation 'c = ...'"):
        from_equations("h = tanh(linear(h_prev, c_prev, x))", states={"h": {}, "c": {}})


def test_both_forms_in_one_file_is_an_error():
    with pytest.raises(SpecError, match="either"):
        parse_spec('[cell]\nname = "t"\nequations = "h = x"\n[[node]]\nid = "x"\nkind = "input"\n')


def test_a_declaration_may_be_a_size_alone_as_in_toml():
    cell = from_equations("h = tanh(linear(h_prev, x))", inputs={"x": 3}, states={"h": "hidden"})
    assert cell.node("x").size == 3 and cell.node("h_prev").size == "hidden"


def test_a_layer_takes_its_size_from_its_use():
    graph = from_equations(
        "h = 2 * sigmoid(linear(h_prev, bias=false)) * x",
        inputs={"x": "input"},
        states={"h": "input"},
    )
    assert graph.node("sigmoid_layer").size == "input"  # x's, not the default hidden
    chained = from_equations("c = tanh(linear(x)) * c_prev\nh = tanh(c) * h_prev", states={"c": "other", "h": "other"},
                             dims={"input": 3, "hidden": 4, "other": 5})  # fmt: skip
    assert chained.node("tanh_layer").size == "other"
    free = from_equations("h = tanh(linear(linear(x)) + h_prev)", states={"h": "hidden"})
    assert [n.size for n in free.of_kind("layer")] == ["hidden", "hidden"]  # the inner one: nothing fixes it


def test_a_size_mismatch_names_size_and_no_made_up_id(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[cell]\nname = "c"\nequations = """\nh = 2 * sigmoid(linear(h_prev)) * x + linear(x)\n"""\n'
        '[inputs]\nx = "input"\n[states]\nh = "hidden"\n'
    )
    with pytest.raises(SpecError) as err:
        read_spec(path)
    message = str(err.value)
    assert message.startswith(f"{path}:4: 'h': size mismatch: mul of mul(2, sigmoid(linear(h_prev))) (size hidden)")
    assert "linear(..., size=input)" in message and "_layer" not in message and "mul_" not in message


def test_describing_a_state_that_names_another_value_labels_its_line():
    graph = from_equations(
        "c = sigmoid(linear(x, h_prev)) * c_prev + linear(x)\nh = c",
        states={"c": "hidden", "h": "hidden"},
        describe={"h": {"label": r"\hat{h}_t", "role": "hidden state"}},
    )
    assert graph.node("h_next").label == r"\hat{h}_t" and graph.node("h_next").role == "hidden state"
    assert graph.node("h_next").inputs == ("c",)  # still the cell state itself, leaving under both names
    with pytest.raises(SpecError, match="is another name for 'c'"):  # a name that is not a state has no line
        from_equations("c = sigmoid(linear(x, c_prev))\nd = c\nh = d * c_prev", states={"c": {}, "h": {}},
                       describe={"d": {"label": "d_t"}})  # fmt: skip
