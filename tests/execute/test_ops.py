"""Every pointwise op, a number for one operand on either side, and layers without a bias: the
executor against each op's definition, written here apart from its kernels (float64, 1e-12)."""

import numpy as np
import pytest

import lstmviz
from lstmviz.spec.latex import expression
from tests.support import BINARY_REFERENCE, UNARY_REFERENCE

RNG = np.random.default_rng(3)
#: Values across the range each op meets: both signs, tiny, large, and exact zeros.
X = np.concatenate([RNG.standard_normal(40) * 3, [0.0, -0.0, 1e-300, -1e-300, 700.0, -700.0, 30.0, -30.0]])
Y = np.concatenate([RNG.standard_normal(40) * 3, [2.0, -2.0, 1.0, -1.0, 1.5, -1.5, 30.0, -30.0]])


def one_op_cell(op: str, *, binary: bool, constant=None, constant_at=1) -> lstmviz.CellGraph:
    b = lstmviz.CellBuilder("op", dims={"input": len(X)})
    x = b.input("x")
    y = b.input("y") if binary and constant is None else None
    args = (x, y) if y is not None else (x,)
    b.output(b.op(op, *args, id="r", constant=constant, constant_at=constant_at), "out")
    return b.build()


def run(cell) -> np.ndarray:
    inputs = {"x": X[None, None, :]}
    if "y" in cell.by_id:
        inputs["y"] = Y[None, None, :]
    with np.errstate(all="ignore"):
        return lstmviz.run(cell, inputs, dtype="float64").outputs[0, 0]


def same(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300, equal_nan=True)


@pytest.mark.parametrize("op", ["exp", "log", "softplus", "abs", "hardsigmoid"])
def test_unary_ops_match_their_definitions(op):
    with np.errstate(all="ignore"):
        want = UNARY_REFERENCE[op](X)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lstmviz.NonFiniteWarning)  # log of negatives is NaN, exp(700) finite
        same(run(one_op_cell(op, binary=False)), want)


def test_hardsigmoid_is_pytorchs():
    torch = pytest.importorskip("torch")
    want = torch.nn.functional.hardsigmoid(torch.tensor(X)).numpy()
    same(run(one_op_cell("hardsigmoid", binary=False)), want)


def test_softplus_is_exact_where_naive_formulas_fail():
    got = run(one_op_cell("softplus", binary=False))
    assert got[X == 700.0][0] == 700.0  # log(1 + e^700) overflows when written naively
    assert got[X == -700.0][0] == pytest.approx(np.exp(-700.0), rel=1e-12)  # log1p, not log(1 + tiny)


@pytest.mark.parametrize("op", ["mul", "add", "sub", "div", "max", "min"])
def test_binary_ops_match_their_definitions(op):
    with np.errstate(all="ignore"):
        same(run(one_op_cell(op, binary=True)), BINARY_REFERENCE[op](X, Y))


@pytest.mark.parametrize("op", ["mul", "add", "sub", "div", "max", "min"])
@pytest.mark.parametrize("at", [0, 1])
@pytest.mark.parametrize("constant", [0.5, -2.0, 0.0])
def test_a_number_stands_for_either_operand(op, at, constant):
    cell = one_op_cell(op, binary=True, constant=constant, constant_at=at)
    operands = [X, np.full_like(X, constant)]
    if at == 0:
        operands.reverse()
    import warnings

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", lstmviz.NonFiniteWarning)  # 0.5 / 0 is infinite
        same(run(cell), BINARY_REFERENCE[op](*operands))


def test_equations_with_numbers_read_as_written():
    cell = lstmviz.from_equations(
        "a = 0.5 * x\nb = x / 2\nc = 2 - x\nd = x - 2\ne = max(x, 0)\nf = -x\ng = 1 - x\n",
        inputs={"x": len(X)},
        outputs={f"y_{k}": k for k in "abcdefg"},
        dims={"input": len(X)},
    )
    out = lstmviz.run(cell, X[None, None, :], dtype="float64").by_output
    want = {"a": 0.5 * X, "b": X / 2, "c": 2 - X, "d": X - 2, "e": np.where(X > 0, X, 0.0), "f": -X, "g": 1 - X}
    for name, value in want.items():
        same(out[f"y_{name}"][0, 0], value)
    assert cell.node("g").op == "one-minus"  # the seeds' own op for 1 - x
    assert [lstmviz.spec.vocab.symbol(cell.node(k)) for k in "abcde"] == ["0.5×", "÷2", "2−", "−2", "max 0"]


def test_a_layer_without_a_bias_is_a_plain_product_and_its_parameters_have_no_bias(tmp_path):
    cell = lstmviz.from_equations("h = tanh(linear(h_prev, x, bias=false))", states={"h": "hidden"})
    assert cell.node("h").bias is False and "bias = false" in lstmviz.dump_spec(cell)
    assert lstmviz.parse_spec(lstmviz.dump_spec(cell)) == cell
    params = lstmviz.init_params(cell)
    assert params["h"].bias is None
    x = RNG.standard_normal((3, 2, 3))
    result = lstmviz.run(cell, x, params, dtype="float64")
    h = np.zeros((2, 4))
    for t in range(3):
        h = np.tanh(np.concatenate([h, x[t]], axis=1) @ params["h"].weight.astype(np.float64).T)
    same(result.state["h"], h)
    lstmviz.save_params(params, tmp_path / "p.npz")
    assert sorted(np.load(tmp_path / "p.npz").files) == ["h.weight"]
    with pytest.raises(lstmviz.DataError, match="unexpected parameter 'bias'"):
        lstmviz.run(cell, x, {"h": {"weight": params["h"].weight, "bias": np.zeros(4)}})


def test_a_state_may_be_another_value_or_an_input():
    cell = lstmviz.from_equations(
        "c = tanh(linear(h_prev, x)) + c_prev\nh = c\np = x\nd = x - p_prev\n",
        states={"c": "hidden", "h": "hidden", "p": "input"},
        outputs={"y": "h", "last": "p", "change": "d"},
    )
    assert cell.node("h_next").inputs == ("c",) and cell.node("p_next").inputs == ("x",)
    assert "h" not in cell.by_id  # a second name, not a second node
    x = RNG.standard_normal((4, 1, 3))
    result = lstmviz.run(cell, x, dtype="float64")
    same(result.state["h"], result.state["c"])
    same(result.state["p"], x[-1])
    same(result.by_output["last"], x)
    same(result.by_output["change"][1:], x[1:] - x[:-1])  # the input kept from the step before


@pytest.mark.parametrize("where", ["before the loop", "in the loop"])
def test_layer_normalisation_is_pytorchs(where):
    """layernorm(a) over a's features, with a learned gain and bias, is nn.LayerNorm's (float64,
    1e-12): of an input (computed for all steps at once) and of a state (step by step, where the
    features are the buffers' first axis)."""
    torch = pytest.importorskip("torch")
    b = lstmviz.CellBuilder("ln", dims={"input": 6, "hidden": 6})
    x = b.input("x", size="hidden")
    if where == "before the loop":
        normalised = b.op("layernorm", x, id="n")
    else:
        h = b.state("h")
        normalised = b.op("layernorm", h.prev + x, id="n")
        b.write(h, normalised)
    b.output(normalised, "y")
    cell = b.build()
    params = lstmviz.init_params(cell, seed=1, dtype=np.float64)
    assert (params["n"].weight == 1).all() and (params["n"].bias == 0).all()  # as PyTorch starts them
    gain, bias = RNG.uniform(0.5, 2, 6), RNG.standard_normal(6)
    params["n"] = lstmviz.LayerParams(gain, bias)
    xs = RNG.standard_normal((5, 3, 6)) * 4
    got = lstmviz.run(cell, xs, params, dtype="float64").outputs
    layer = torch.nn.LayerNorm(6, dtype=torch.float64)
    with torch.no_grad():
        layer.weight[:], layer.bias[:] = torch.from_numpy(gain), torch.from_numpy(bias)
        state, want = torch.zeros(3, 6, dtype=torch.float64), []
        for t in range(5):
            value = torch.from_numpy(xs[t]) if where == "before the loop" else state + torch.from_numpy(xs[t])
            state = layer(value)
            want.append(state.numpy())
    np.testing.assert_allclose(got, np.stack(want), rtol=0, atol=1e-12)


def test_layer_normalisation_is_written_read_and_saved_as_an_op_with_parameters(tmp_path):
    cell = lstmviz.from_equations("h = tanh(layernorm(linear(h_prev, x)))", states={"h": "hidden"})
    (norm,) = [n for n in cell.nodes if n.kind == "op" and n.op == "layernorm"]
    assert lstmviz.parse_spec(lstmviz.dump_spec(cell)) == cell
    params = lstmviz.init_params(cell)
    assert params[norm.id].weight.shape == params[norm.id].bias.shape == (cell.default_dims["hidden"],)
    lstmviz.save_params(params, tmp_path / "p.npz")
    assert {f"{norm.id}.weight", f"{norm.id}.bias"} <= set(np.load(tmp_path / "p.npz"))
    again = lstmviz.load_params(tmp_path / "p.npz")
    np.testing.assert_array_equal(again[norm.id].weight, params[norm.id].weight)
    wrong = {**params, norm.id: lstmviz.LayerParams(np.ones(2), np.zeros(2))}
    with pytest.raises(lstmviz.DataError, match="weight has shape"):
        lstmviz.run(cell, np.zeros((1, 1, cell.default_dims["input"])), wrong)
    assert expression(cell, norm).startswith(r"\operatorname{LN}(")
