"""The gallery's published cells compute what their papers write: each entry run by lstmviz against
the paper's equations written out here in NumPy, with the same weights (float64)."""

from pathlib import Path

import numpy as np
import pytest

import lstmviz

GALLERY = Path(__file__).parents[2] / "gallery"
RNG = np.random.default_rng(11)
T, B = 7, 3


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def affine(params, name, v):
    """The paper's Linear(v) = W v (+ b, when the layer has one)."""
    p = params[name]
    out = v @ np.asarray(p.weight, np.float64).T
    return out if p.bias is None else out + np.asarray(p.bias, np.float64)


def run_entry(slug: str, scale: float = 1.0):
    cell = lstmviz.load(GALLERY / f"{slug}.toml")
    params = lstmviz.init_params(cell, seed=5, dtype=np.float64)
    x = RNG.standard_normal((T, B, 3)) * scale
    return cell, params, x, lstmviz.run(cell, x, params, dtype="float64", trace=True)


def test_minlstm_is_the_papers_normalised_gates():
    """Feng et al. 2024, minLSTM: f' = f / (f + i), i' = i / (f + i), h = f' h + i' h~ (gates read x only)."""
    _, params, x, result = run_entry("minlstm")
    h = np.zeros((B, 4))
    for t in range(T):
        f, i = sigmoid(affine(params, "f", x[t])), sigmoid(affine(params, "i", x[t]))
        h_tilde = affine(params, "g", x[t])
        h = f / (f + i) * h + i / (f + i) * h_tilde
        np.testing.assert_allclose(result.outputs[t], h, rtol=1e-12, atol=1e-14)


def test_mingru_has_no_biases_and_is_the_papers_blend():
    """Feng et al. 2024, minGRU: z = sigma(W_z x), h~ = W_h x, h = (1 - z) h + z h~, no bias anywhere."""
    cell, params, x, result = run_entry("mingru")
    assert all(not layer.bias for layer in cell.of_kind("layer")) and all(p.bias is None for p in params.values())
    h = np.zeros((B, 4))
    for t in range(T):
        z = sigmoid(x[t] @ params["z"].weight.T)
        h = (1 - z) * h + z * (x[t] @ params["g"].weight.T)
        np.testing.assert_allclose(result.outputs[t], h, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("scale", [1.0, 60.0])  # large inputs: the gates' exponentials overflow unless stabilised
def test_slstm_is_the_papers_stabilised_exponential_gating(scale):
    """Beck et al. 2024, sLSTM with exponential input and forget gates, one head:
    m = max(f~ + m_prev, i~), i' = exp(i~ - m), f' = exp(f~ + m_prev - m),
    c = f' c + i' z, n = f' n + i', h = o c / n."""
    _, params, x, result = run_entry("slstm", scale)
    h, c, n, m = (np.zeros((B, 4)) for _ in range(4))
    for t in range(T):
        hx = np.concatenate([h, x[t]], axis=1)
        i_log, f_log = affine(params, "ilog", hx), affine(params, "flog", hx)
        z, o = np.tanh(affine(params, "z", hx)), sigmoid(affine(params, "o", hx))
        m_new = np.maximum(f_log + m, i_log)
        i_gate, f_gate = np.exp(i_log - m_new), np.exp(f_log + m - m_new)
        c, n, m = f_gate * c + i_gate * z, f_gate * n + i_gate, m_new
        h = o * (c / n)
        np.testing.assert_allclose(result.outputs[t], h, rtol=1e-12, atol=1e-14)
    assert np.isfinite(result.outputs).all()  # the stabiliser keeps exp() finite even at scale 60
    np.testing.assert_allclose(result.state["m"], m, rtol=1e-12)


def test_the_slstm_stabiliser_changes_nothing_but_overflow():
    """Without m (plain exp gates, as the paper first writes them) h is the same where nothing overflows."""
    _, params, x, result = run_entry("slstm")
    h, c, n = (np.zeros((B, 4)) for _ in range(3))
    for t in range(T):
        hx = np.concatenate([h, x[t]], axis=1)
        i_gate, f_gate = np.exp(affine(params, "ilog", hx)), np.exp(affine(params, "flog", hx))
        c = f_gate * c + i_gate * np.tanh(affine(params, "z", hx))
        n = f_gate * n + i_gate
        h = sigmoid(affine(params, "o", hx)) * c / n
        np.testing.assert_allclose(result.outputs[t], h, rtol=1e-10)
