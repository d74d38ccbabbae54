"""The executor against a naive reference interpreter: built-ins, random graphs, every option."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import lstmviz
from lstmviz import DataError, init_params
from lstmviz.cells import BUILTINS
from tests.support import normalised_graphs, reference_run, valid_graphs

TOL = {np.float32: 2e-5, np.float64: 1e-11}  # absolute and relative: random graphs can grow large


def inputs(graph, T=6, B=3, dims=None, seed=1, dtype=np.float64):
    rng = np.random.default_rng(seed)
    dims = {**graph.default_dims, **(dims or {})}
    return {
        n.id: (2 * rng.standard_normal((T, B, lstmviz.spec.sizes.resolve(n.size, dims)))).astype(dtype)
        for n in graph.of_kind("input")
    }


def assert_matches_reference(graph, x, params, dtype, state=None):
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # log of a negative is NaN on both sides
        warnings.simplefilter("ignore", lstmviz.NonFiniteWarning)
        result = lstmviz.run(graph, x, params, trace=True, dtype=dtype, state=state)
        outs, final, trace = reference_run(graph, x, params, state)
    tol = TOL[dtype]
    for name, value in outs.items():
        np.testing.assert_allclose(result.by_output[name], value, atol=tol, rtol=tol)
        assert result.by_output[name].dtype == dtype
    for name, value in final.items():
        np.testing.assert_allclose(result.state[name], value, atol=tol, rtol=tol)
    for node_id, value in trace.items():
        np.testing.assert_allclose(result.trace[node_id], value, atol=tol, rtol=tol, err_msg=node_id)
    # without a trace the executor reuses state buffers in place: the numbers must not change
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lstmviz.NonFiniteWarning)
        plain = lstmviz.run(graph, x, params, dtype=dtype, state=state)
    np.testing.assert_array_equal(plain.outputs, result.outputs)
    for name in final:
        np.testing.assert_array_equal(plain.state[name], result.state[name])
    return result


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", BUILTINS)
def test_built_ins_match_the_reference(name, dtype):
    cell = lstmviz.load(name).with_dims(input=5, hidden=7)
    x = inputs(cell, dtype=dtype)
    params = init_params(cell, cell.default_dims, seed=3, dtype=dtype)
    assert_matches_reference(cell, x, params, dtype)


@pytest.mark.parametrize("name", BUILTINS)
def test_without_a_trace_the_result_is_the_same(name):
    cell = lstmviz.load(name)
    x = inputs(cell)
    a = lstmviz.run(cell, x["x"], trace=False)
    b = lstmviz.run(cell, x["x"], trace=True)
    assert a.trace is None
    np.testing.assert_array_equal(a.outputs, b.outputs)
    for k in a.state:
        np.testing.assert_array_equal(a.state[k], b.state[k])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_graphs(), st.integers(0, 4), st.integers(1, 3), st.sampled_from([np.float32, np.float64]))
def test_random_graphs_match_the_reference(graph, T, B, dtype):
    # float32 against a float64 reference: ops that amplify rounding (a quotient of a difference, a log
    # near 0) are compared in float64 only, where both sides round alike.
    assume(dtype == np.float64 or not any(n.op in ("div", "log", "exp") for n in graph.of_kind("op")))
    x = inputs(graph, T=T, B=B, dtype=dtype)
    params = init_params(graph, graph.default_dims, seed=T, dtype=dtype)
    rng = np.random.default_rng(B)
    state = {
        name: rng.standard_normal((B, lstmviz.spec.sizes.resolve(pair[0].size, graph.default_dims)))
        for name, pair in graph.states.items()
    }
    result = assert_matches_reference(graph, x, params, dtype, state)
    assert result.outputs.shape[:2] == (T, B)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(normalised_graphs(), st.integers(1, 4), st.integers(1, 3))
def test_random_graphs_with_a_layer_normalisation_match_the_reference(graph, T, B):
    """A layer normalisation anywhere (of an input, a layer, an op; a state's new value, so inside
    the loop), with a gain and a bias of its own, computes what the reference computes."""
    x = inputs(graph, T=T, B=B, dtype=np.float64)
    params = init_params(graph, graph.default_dims, seed=T, dtype=np.float64)
    rng = np.random.default_rng(B)
    n = len(params["N"].weight)
    params["N"] = lstmviz.LayerParams(rng.uniform(0.5, 1.5, n), rng.standard_normal(n))
    state = {
        name: rng.standard_normal((B, lstmviz.spec.sizes.resolve(pair[0].size, graph.default_dims)))
        for name, pair in graph.states.items()
    }
    assert_matches_reference(graph, x, params, np.float64, state)


def test_initial_state_is_used_and_not_modified():
    cell = lstmviz.load("lstm")
    x = inputs(cell)["x"]
    h0 = np.ones((3, 4))
    keep = h0.copy()
    with_state = lstmviz.run(cell, x, state={"h": h0})
    assert not np.allclose(with_state.outputs[0], lstmviz.run(cell, x).outputs[0])
    np.testing.assert_array_equal(h0, keep)


def test_zero_steps_gives_empty_outputs_and_the_initial_state():
    cell = lstmviz.load("gru")
    result = lstmviz.run(cell, np.zeros((0, 2, 3)), state={"h": np.full((2, 4), 0.5)}, trace=True)
    assert result.outputs.shape == (0, 2, 4)
    np.testing.assert_array_equal(result.state["h"], np.full((2, 4), 0.5))
    assert result.trace["r"].shape == (0, 2, 4)


def test_dims_come_from_inputs_and_params():
    cell = lstmviz.load("lstm")
    params = init_params(cell, {"input": 6, "hidden": 9})
    result = lstmviz.run(cell, np.zeros((2, 1, 6), np.float32), params)
    assert result.outputs.shape == (2, 1, 9) and result.outputs.dtype == np.float32
    assert lstmviz.run(cell, np.zeros((2, 1, 6)), dims={"hidden": 5}).state["c"].shape == (1, 5)


def test_seeded_parameters_are_reproducible_and_returned():
    cell = lstmviz.load("rnn")
    x = inputs(cell)["x"]
    a, b = lstmviz.run(cell, x, seed=4), lstmviz.run(cell, x, seed=4)
    np.testing.assert_array_equal(a.outputs, b.outputs)
    assert not np.array_equal(a.outputs, lstmviz.run(cell, x, seed=5).outputs)
    np.testing.assert_array_equal(lstmviz.run(cell, x, a.params).outputs, a.outputs)


def test_dtype_follows_the_input_unless_given():
    cell = lstmviz.load("rnn")
    assert lstmviz.run(cell, np.zeros((1, 1, 3))).outputs.dtype == np.float64
    assert lstmviz.run(cell, np.zeros((1, 1, 3), np.float32)).outputs.dtype == np.float32
    assert lstmviz.run(cell, np.zeros((1, 1, 3), np.int64)).outputs.dtype == np.float32
    assert lstmviz.run(cell, np.zeros((1, 1, 3)), dtype="float32").outputs.dtype == np.float32


def test_nan_and_infinity_pass_through_with_one_warning_that_names_where():
    cell = lstmviz.load("lstm")
    x = np.zeros((3, 1, 3))
    x[1, 0, 0] = np.nan
    x[2, 0, 1] = np.inf
    with pytest.warns(lstmviz.NonFiniteWarning) as record:
        result = lstmviz.run(cell, x, trace=True)
    assert np.isnan(result.outputs[1:]).any()
    assert np.isfinite(result.outputs[0]).all()
    assert len(record) == 1 and str(record[0].message).startswith("NaN at step 1, first in input 'x'")


@pytest.mark.parametrize("trace", [False, True])
def test_a_value_that_overflows_inside_the_cell_is_found_by_step_and_node(trace):
    b = lstmviz.CellBuilder("grow", dims={"input": 1, "hidden": 1})
    x = b.input("x")
    h = b.state("h")
    g = b.layer(x, activation="identity", id="g")
    b.write(h, b.op("mul", g, h.prev, id="hg") + g)
    b.output(h.prev, "y")
    params = {"g": {"weight": np.array([[1e200]]), "bias": np.array([0.0])}}
    with pytest.warns(lstmviz.NonFiniteWarning) as record:
        lstmviz.run(b.build(), np.ones((4, 1, 1)), params, trace=trace)
    assert [str(w.message).split(" (")[0] for w in record] == ["infinity at step 1, first in node 'hg'"]


def test_finite_runs_warn_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lstmviz.run("lstm", np.full((3, 1, 3), 1e30), dtype="float64")


def test_sigmoid_saturates_without_overflow_warnings():
    b = lstmviz.CellBuilder("sat", dims={"input": 1, "hidden": 1})
    x = b.input("x")
    b.output(b.op("sigmoid", x))
    with np.errstate(all="raise"):
        out = lstmviz.run(b.build(), np.array([[[1e4]], [[-1e4]]], np.float32)).outputs
    np.testing.assert_array_equal(out.ravel(), [1.0, 0.0])


@pytest.mark.parametrize("where", ["op", "layer"])
def test_the_sigmoid_keeps_its_precision_far_left(where):
    """Where the sigmoid is tiny it is still the sigmoid (PyTorch's too), not 0: s / s is 1, not NaN
    (the fast tanh form alone reaches 0 near -38 and loses its relative precision well before)."""
    b = lstmviz.CellBuilder("tail", dims={"input": 1, "hidden": 1})
    x = b.input("x")
    s = b.op("sigmoid", x) if where == "op" else b.layer(x, activation="sigmoid", size=1)
    b.output(s, "s")
    b.output(b.op("div", s, s), "ratio")
    a = np.array([-700.0, -100.0, -40.0, -20.0, -9.0, -7.0, -1.0, 0.0, 3.0, 40.0])
    params = {"n": {"weight": np.ones((1, 1)), "bias": np.zeros(1)}} if where == "layer" else None
    graph = b.build()
    if where == "layer":
        params = {graph.of_kind("layer")[0].id: params["n"]}
    result = lstmviz.run(graph, a.reshape(-1, 1, 1), params, dtype="float64")
    np.testing.assert_allclose(result.by_output["s"].ravel(), 1 / (1 + np.exp(-a)), rtol=2e-13, atol=0)
    np.testing.assert_array_equal(result.by_output["ratio"].ravel(), np.ones(len(a)))


def test_several_inputs_and_outputs():
    cell = lstmviz.from_equations(
        "h = tanh(linear(h_prev, a, b))\nm = sigmoid(linear(a))",
        inputs={"a": {"size": "input"}, "b": {"size": 2}},
        states={"h": {}},
        outputs={"y": "h", "gate": "m"},
    )
    rng = np.random.default_rng(0)
    x = {"a": rng.standard_normal((4, 2, 3)), "b": rng.standard_normal((4, 2, 2))}
    result = assert_matches_reference(cell, x, init_params(cell, seed=1, dtype=np.float64), np.float64)
    assert result.outputs.shape == (4, 2, 8)
    np.testing.assert_array_equal(result.outputs[..., 4:], result.by_output["gate"])


def test_states_that_swap_values():
    cell = lstmviz.from_equations(
        "a = identity(b_prev)\nb = tanh(a_prev) * identity(b_prev)",
        inputs={"x": {"size": "hidden"}},
        states={"a": {}, "b": {}},
        outputs={"y": "b", "xs": "x"},
    )
    x = np.zeros((3, 1, 4))
    result = lstmviz.run(cell, x, state={"a": np.full((1, 4), 0.5), "b": np.full((1, 4), 2.0)})
    _, final, _ = reference_run(cell, {"x": x}, result.params, {"a": np.full((1, 4), 0.5), "b": np.full((1, 4), 2.0)})
    for k in final:
        np.testing.assert_allclose(result.state[k], final[k])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: lstmviz.run(c, np.zeros((3, 4))), "add a batch axis"),
        (lambda c: lstmviz.run(c, np.zeros((3, 1, 5)), dims={"input": 3}), "input has 5 features; the cell expects 3"),
        (lambda c: lstmviz.run(c, {"q": np.zeros((3, 1, 3))}), "the cell reads x"),
        (lambda c: lstmviz.run(c, np.zeros((3, 1, 3)), state={"z": np.zeros((1, 4))}), "'z', which is not a state"),
        (lambda c: lstmviz.run(c, np.zeros((3, 1, 3)), state={"h": np.zeros((2, 4))}), "initial state has shape"),
        (lambda c: lstmviz.run(c, np.zeros((3, 1, 3)), {"f": {"weight": np.zeros((4, 7))}}), "'bias' is missing"),
        (lambda c: lstmviz.run(c, np.zeros((3, 1, 3)), dtype="int32"), "dtype int32 is not supported"),
        (lambda c: lstmviz.run(c, np.full((3, 1, 3), "a")), "input holds <U1 values, not numbers"),
        (
            lambda c: lstmviz.run(c, np.zeros((3, 1, 3)), {"f": {"weight": np.full((4, 7), "w"), "bias": np.zeros(4)}}),
            "weight holds <U1 values",
        ),
    ],
)
def test_bad_arguments_get_one_clear_line(call, message):
    with pytest.raises(DataError) as info:
        call(lstmviz.load("lstm"))
    assert message in str(info.value)
    assert "\n" not in str(info.value)
