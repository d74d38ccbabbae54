"""Parameters: shapes, npz files, checks."""

import numpy as np
import pytest

import lstmviz
from lstmviz import DataError, init_params, load_params, save_params
from lstmviz.execute.params import as_params, shapes


def test_shapes_include_peepholes():
    s = shapes(lstmviz.load("lstm-peephole"), {"input": 3, "hidden": 4})
    assert s["f"] == {"weight": (4, 7), "bias": (4,), "diagonal.c_prev": (4,)}
    assert s["o"]["diagonal.c"] == (4,)


def test_npz_round_trip(tmp_path):
    cell = lstmviz.load("lstm-peephole")
    params = init_params(cell, seed=2)
    save_params(params, tmp_path / "p.npz")
    back = load_params(tmp_path / "p.npz")
    assert set(np.load(tmp_path / "p.npz").files) >= {"f.weight", "f.bias", "f.diagonal.c_prev"}
    for name, layer in params.items():
        np.testing.assert_array_equal(back[name].weight, layer.weight)
        np.testing.assert_array_equal(back[name].diagonal.get("c_prev", 0), layer.diagonal.get("c_prev", 0))


def test_flat_and_nested_forms_are_the_same():
    cell = lstmviz.load("rnn")
    w, b = np.ones((4, 7)), np.zeros(4)
    nested = as_params({"h": {"weight": w, "bias": b}}, cell, cell.default_dims, np.float64)
    flat = as_params({"h.weight": w, "h.bias": b}, cell, cell.default_dims, np.float64)
    np.testing.assert_array_equal(nested["h"].weight, flat["h"].weight)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"h": {"weight": np.ones((4, 6)), "bias": np.zeros(4)}}, "weight has shape (4, 6), expected (4, 7)"),
        (
            {"h": {"weight": np.ones((4, 7)), "bias": np.zeros(4)}, "q": {"weight": 1, "bias": 1}},
            "'q', which is not a layer",
        ),
        ({}, "'h': layer has no parameters"),
        ({"h.wieght": np.ones((4, 7))}, "not of the form layer.weight"),
        (
            {"h": {"weight": np.ones((4, 7)), "bias": np.zeros(4), "diagonal": {"h_prev": np.ones(4)}}},
            "unexpected parameter 'diagonal.h_prev'",
        ),
    ],
)
def test_bad_parameters(given, message):
    cell = lstmviz.load("rnn")
    with pytest.raises(DataError) as info:
        as_params(given, cell, cell.default_dims, np.float64)
    assert message in str(info.value)


def test_unreadable_file(tmp_path):
    (tmp_path / "p.npz").write_text("not a zip")
    with pytest.raises(DataError, match="is not an .npz of parameters"):
        load_params(tmp_path / "p.npz")
    with pytest.raises(DataError, match="no such file"):
        load_params(tmp_path / "none.npz")
