"""A user's own PyTorch cell traced into a spec (lstmviz.from_module): the same numbers as the module
stepped over a sequence, a clean drawing, and a one-line refusal for what a spec cannot say."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import lstmviz
from lstmviz.drawing.scene import build_scene
from lstmviz.drawing.svg import to_svg
from lstmviz.layout.views import layout_view
from lstmviz.sizing import metrics_for
from lstmviz.spec.roles import roles
from lstmviz.style import load_style
from tests import drawn

torch = pytest.importorskip("torch")
nn = torch.nn
IN, H, B, T = 3, 4, 2, 6


class FusedLSTM(nn.Module):
    """An LSTM as PyTorch users write it: one Linear over [x, h], chunked into four gates."""

    def __init__(self) -> None:
        super().__init__()
        self.gates = nn.Linear(IN + H, 4 * H)

    def forward(self, x, state):
        h, c = state
        i, f, g, o = self.gates(torch.cat([x, h], 1)).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class SlicedLSTM(FusedLSTM):
    """The same LSTM, its fused gates sliced out by hand, gates[:, k * H:(k + 1) * H]."""

    def forward(self, x, state):
        h, c = state
        gates = self.gates(torch.cat([x, h], 1))
        i, f = torch.sigmoid(gates[:, :H]), torch.sigmoid(gates[:, H : 2 * H])
        g, o = torch.tanh(gates[:, 2 * H : 3 * H]), torch.sigmoid(gates[..., 3 * H :])
        c = f * c + i * g
        return o * torch.tanh(c), c


class GRU(nn.Module):
    """A GRU as PyTorch computes it: the reset gate applied after the recurrent matrix product."""

    def __init__(self) -> None:
        super().__init__()
        self.wx, self.wh = nn.Linear(IN, 3 * H), nn.Linear(H, 3 * H)

    def forward(self, x, h):
        xr, xz, xn = self.wx(x).chunk(3, 1)
        hr, hz, hn = self.wh(h).chunk(3, 1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        return (1 - z) * n + z * h


class GRUResetBefore(nn.Module):
    """The GRU of Cho et al. (2014): the reset gate applied to h before the candidate's product."""

    def __init__(self) -> None:
        super().__init__()
        self.wr, self.wz, self.wn = (nn.Linear(IN + H, H) for _ in range(3))

    def forward(self, x, h):
        hx = torch.cat([x, h], 1)
        r = torch.sigmoid(self.wr(hx))
        z = torch.sigmoid(self.wz(hx))
        n = torch.tanh(self.wn(torch.cat([x, r * h], 1)))
        return (1 - z) * h + z * n


class MinGRU(nn.Module):
    """minGRU (Feng et al., 2024): gates from the input alone, no bias on the candidate."""

    def __init__(self) -> None:
        super().__init__()
        self.z, self.h = nn.Linear(IN, H), nn.Linear(IN, H, bias=False)

    def forward(self, x, h):
        z = torch.sigmoid(self.z(x))
        return (1 - z) * h + z * self.h(x)


class PeepholeLSTM(nn.Module):
    """Gers and Schmidhuber's LSTM: the gates also read the cell state, through learned vectors
    (nn.Parameter), the output gate the new one."""

    def __init__(self) -> None:
        super().__init__()
        self.wi, self.wf, self.wg, self.wo = (nn.Linear(IN + H, H) for _ in range(4))
        self.p_i, self.p_f, self.p_o = (nn.Parameter(torch.randn(H)) for _ in range(3))

    def forward(self, x, state):
        h, c = state
        hx = torch.cat([h, x], 1)
        i = torch.sigmoid(self.wi(hx) + self.p_i * c)
        f = torch.sigmoid(self.wf(hx) + self.p_f * c)
        c = f * c + i * torch.tanh(self.wg(hx))
        o = torch.sigmoid(self.wo(hx) + self.p_o * c)
        return o * torch.tanh(c), c


class IndRNN(nn.Module):
    """IndRNN (Li et al., 2018): each unit its own recurrent weight, an elementwise u * h."""

    def __init__(self) -> None:
        super().__init__()
        self.w, self.u = nn.Linear(IN, H), nn.Parameter(torch.rand(H))

    def forward(self, x, h):
        return torch.relu(self.w(x) + self.u * h)


class CoupledLSTM(nn.Module):
    """The LSTM whose input gate is 1 - f (colah's coupled variant), h and c in one tuple."""

    def __init__(self) -> None:
        super().__init__()
        self.f, self.g, self.o = nn.Linear(IN + H, H), nn.Linear(IN + H, H), nn.Linear(IN + H, H)

    def forward(self, x, state):
        h, c = state
        hx = torch.cat([h, x], dim=1)
        f = torch.sigmoid(self.f(hx))
        c = f * c + (1 - f) * torch.tanh(self.g(hx))
        return torch.sigmoid(self.o(hx)) * torch.tanh(c), c


class SRU(nn.Module):
    """The simple recurrent unit (Lei et al., 2018): gates of the input and the old cell state
    (elementwise), a highway from the input (its size the state's)."""

    def __init__(self) -> None:
        super().__init__()
        self.w, self.wf, self.wr = nn.Linear(H, H, bias=False), nn.Linear(H, H), nn.Linear(H, H)
        self.vf, self.vr = nn.Parameter(torch.randn(H)), nn.Parameter(torch.randn(H))

    def forward(self, x, state):
        h, c = state
        f = torch.sigmoid(self.wf(x) + self.vf * c)
        r = torch.sigmoid(self.wr(x) + self.vr * c)
        c = f * c + (1 - f) * self.w(x)
        return r * c + (1 - r) * x, c


class LayerNormLSTM(nn.Module):
    """The layer-normalised LSTM (Ba et al., 2016) as users write it: each gate's product normalised
    over its features (nn.LayerNorm, with a gain and a bias of its own), the cell state too before
    its tanh."""

    def __init__(self) -> None:
        super().__init__()
        self.wi, self.wf, self.wg, self.wo = (nn.Linear(IN + H, H, bias=False) for _ in range(4))
        self.ln_i, self.ln_f, self.ln_g, self.ln_o, self.ln_c = (nn.LayerNorm(H) for _ in range(5))
        for norm in (self.ln_i, self.ln_f, self.ln_g, self.ln_o, self.ln_c):  # (PyTorch starts at 1 and 0)
            nn.init.uniform_(norm.weight, 0.5, 1.5), nn.init.normal_(norm.bias)

    def forward(self, x, state):
        h, c = state
        hx = torch.cat([h, x], 1)
        i = torch.sigmoid(self.ln_i(self.wi(hx)))
        f = torch.sigmoid(self.ln_f(self.wf(hx)))
        g = torch.tanh(self.ln_g(self.wg(hx)))
        o = torch.sigmoid(self.ln_o(self.wo(hx)))
        c = f * c + i * g
        return o * torch.tanh(self.ln_c(c)), c


class MatrixLSTM(nn.Module):
    """The LSTM of PyTorch's own custom_lstms benchmark: matrix products with nn.Parameter weights
    (torch.mm(x, W.t())), a bias added, the gates chunked; here the new cell state layer-normalised."""

    def __init__(self) -> None:
        super().__init__()
        self.weight_ih, self.weight_hh = nn.Parameter(torch.randn(4 * H, IN)), nn.Parameter(torch.randn(4 * H, H))
        self.bias_ih = nn.Parameter(torch.randn(4 * H))
        self.layernorm_c = nn.LayerNorm(H)

    def forward(self, x, state):
        hx, cx = state
        gates = torch.mm(x, self.weight_ih.t()) + self.bias_ih + torch.mm(hx, self.weight_hh.t())
        ingate, forgetgate, cellgate, outgate = gates.chunk(4, 1)
        ingate, forgetgate = torch.sigmoid(ingate), torch.sigmoid(forgetgate)
        cellgate, outgate = torch.tanh(cellgate), torch.sigmoid(outgate)
        cy = self.layernorm_c((forgetgate * cx) + (ingate * cellgate))
        return outgate * torch.tanh(cy), cy


class FunctionalRNN(nn.Module):
    """An RNN written with functions: x @ W, F.linear with a Parameter weight and bias, and
    F.layer_norm with a gain and bias of Parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.W, self.U = nn.Parameter(torch.randn(IN, H)), nn.Parameter(torch.randn(H, H))
        self.b = nn.Parameter(torch.randn(H))
        self.gain, self.shift = nn.Parameter(torch.rand(H) + 0.5), nn.Parameter(torch.randn(H))

    def forward(self, x, h):
        a = x @ self.W + nn.functional.linear(h, self.U, self.b)
        return torch.tanh(nn.functional.layer_norm(a, (H,), self.gain, self.shift))


CELLS = {
    "fused-lstm": (FusedLSTM, 2),
    "sliced-lstm": (SlicedLSTM, 2),
    "gru": (GRU, 1),
    "gru-reset-before": (GRUResetBefore, 1),
    "mingru": (MinGRU, 1),
    "peephole-lstm": (PeepholeLSTM, 2),
    "indrnn": (IndRNN, 1),
    "coupled-lstm": (CoupledLSTM, 2),
    "sru": (SRU, 2, H),  # its highway adds the input to the state: the same size
    "layernorm-lstm": (LayerNormLSTM, 2),
    "matrix-lstm": (MatrixLSTM, 2),
    "functional-rnn": (FunctionalRNN, 1),
    "LSTMCell": (lambda: nn.LSTMCell(IN, H), 2),
    "GRUCell": (lambda: nn.GRUCell(IN, H), 1),
    "RNNCell": (lambda: nn.RNNCell(IN, H), 1),
}


def traced(name: str, **options):
    cls, states, size = (*CELLS[name], IN)[:3]
    torch.manual_seed(0)
    module = cls().double()
    x = torch.zeros(B, size, dtype=torch.float64)
    zeros = torch.zeros(B, H, dtype=torch.float64)
    graph, params = lstmviz.from_module(module, x, (zeros,) * states if states > 1 else zeros, **options)
    return module, graph, params


def stepped(module, xs: np.ndarray, state: tuple[np.ndarray, ...]) -> np.ndarray:
    """The module itself stepped over ``xs`` (T, B, IN) from ``state``: its output at each step."""
    st = tuple(torch.from_numpy(s) for s in state)
    outs = []
    with torch.no_grad():
        for t in range(len(xs)):
            result = module(torch.from_numpy(xs[t]), st if len(st) > 1 else st[0])
            st = result if isinstance(result, tuple) else (result,)
            outs.append(st[0].numpy())
    return np.stack(outs)


def fast_for_the_lstm(names):  # type: ignore[no-untyped-def]
    """The cells as parameters: the fused LSTM in the fast tier, the rest in the whole suite."""
    return [pytest.param(n, marks=[] if n == "fused-lstm" else [pytest.mark.slow]) for n in names]


@pytest.mark.parametrize("name", fast_for_the_lstm(CELLS))
def test_a_traced_cell_computes_what_its_module_computes(name):
    module, graph, params = traced(name)
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((T, B, (*CELLS[name], IN)[2]))
    parts = ["h", "c"][: CELLS[name][1]]  # the module's state, by the names the cell gives its parts
    for start in ("zeros", "given"):
        init = {p: rng.standard_normal((B, H)) if start == "given" else np.zeros((B, H)) for p in parts}
        ours = lstmviz.run(graph, xs, params, dtype="float64", state={s: init[s] for s in graph.states})
        np.testing.assert_allclose(ours.outputs, stepped(module, xs, tuple(init.values())), rtol=0, atol=1e-9)


def test_a_fused_layer_is_drawn_as_its_gates_named_as_the_code_names_them():
    """The fused LSTM is colah's LSTM: four layers, each its rows of the one Linear, named as the
    line that chunks it names them (i, f, g, o = ...chunk(4, 1)); the cell state along the top;
    the new states written as the module computes them."""
    _, graph, params = traced("fused-lstm")
    layers = {n.id: (n.activation, n.label) for n in graph.of_kind("layer")}
    assert layers == {
        "i": ("sigmoid", "i_t"), "f": ("sigmoid", "f_t"), "g": ("tanh", "g_t"), "o": ("sigmoid", "o_t")
    }  # fmt: skip
    assert all(params[k].weight.shape == (H, IN + H) for k in layers)
    _, sliced, by_hand = traced("sliced-lstm")
    assert {n.id: (n.activation, n.label) for n in sliced.of_kind("layer")} == layers
    assert all((by_hand[k].weight == params[k].weight).all() for k in layers)  # the same rows, the same seed
    assert "c" in dict(roles(graph).state_lines)  # the cell state runs along the top line
    equations = [e for s in roles(graph).steps for e in s.equations]
    assert r"C_t = f_t \odot C_{t-1} + i_t \odot g_t" in equations


def test_layers_are_named_as_the_code_names_them_or_as_names_says():
    """r, z = sigmoid(xr + hr), sigmoid(xz + hz): the k-th call on a line is its k-th name; a layer
    only the module's attribute names, and that name taken by a state, is labelled as papers write
    it (W_h x_t); names= renames any of them."""
    _, gru, _ = traced("gru")
    assert {n.id: n.label for n in gru.of_kind("layer")} == {"r": "r_t", "z": "z_t", "hn": "hn", "xn": "xn"}
    _, mingru, params = traced("mingru")
    labels = {n.label for n in mingru.of_kind("layer")}
    assert labels == {"z_t", "W_{h} x_t"} and set(params) == {n.id for n in mingru.of_kind("layer")}
    _, renamed, params = traced("gru", names={"xn": "n_x", "hn": "n_h"})
    assert {"n_x", "n_h"} <= {n.id for n in renamed.of_kind("layer")} and {"n_x", "n_h"} <= set(params)


def test_peepholes_are_the_layers_diagonal_inputs():
    _, graph, params = traced("peephole-lstm")
    diagonal = {n.id: n.diagonal for n in graph.of_kind("layer") if n.diagonal}
    assert diagonal == {"i": ("c_prev",), "f": ("c_prev",), "o": ("c",)}  # the output gate reads C_t
    assert set(params["o"].diagonal) == {"c"} and params["o"].diagonal["c"].shape == (H,)


def test_layer_normalisation_is_an_op_with_the_modules_gain_and_bias():
    """nn.LayerNorm and F.layer_norm become layernorm ops holding the module's gain and bias; the
    gates they feed are named as the code names them, and so are the products' weights (W_i)."""
    module, graph, params = traced("layernorm-lstm")
    norms = [n for n in graph.nodes if n.op == "layernorm"]
    assert len(norms) == 5 and all(params[n.id].weight.shape == (H,) for n in norms)
    gains = sorted(tuple(params[n.id].weight) for n in norms)
    assert gains == sorted(tuple(m.weight.detach().numpy()) for m in module.modules() if isinstance(m, nn.LayerNorm))
    gates = {n.id: n.label for n in graph.nodes if n.kind == "op" and n.op in ("sigmoid", "tanh") and n.label}
    assert gates == {"i": "i_t", "f": "f_t", "g": "g_t", "o": "o_t"}
    assert {n.label for n in graph.of_kind("layer")} == {f"W_{{{k}}} [h_{{t-1}}, x_t]" for k in "ifgo"}
    _, functional, params = traced("functional-rnn")
    assert [n.op for n in functional.nodes if n.kind == "op"] == ["layernorm", "tanh"]
    (layer,) = functional.of_kind("layer")
    assert params[layer.id].weight.shape == (H, IN + H)  # x @ W and F.linear(h, U): one layer reading both


def test_dropout_in_eval_mode_is_the_value_itself_and_max_of_two_tensors_is_the_max_op():
    """A trained cell's dropout passes its value on (nn.Dropout and F.dropout alike); torch.max and
    torch.min of two tensors are the spec's max and min, as torch.maximum and torch.minimum."""

    class Gated(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w, self.u, self.drop = nn.Linear(IN, H), nn.Linear(H, H), nn.Dropout(0.5)

        def forward(self, x, h):
            a = torch.tanh(self.w(self.drop(x)))
            b = torch.sigmoid(self.u(nn.functional.dropout(h, 0.5, training=self.training)))
            return torch.max(a, b) - torch.min(a, h)

    torch.manual_seed(0)
    module = Gated().double().eval()
    graph, params = lstmviz.from_module(module, torch.zeros(B, IN), torch.zeros(B, H))
    assert sorted(n.op for n in graph.of_kind("op")) == ["max", "min", "sub"]
    xs = np.random.default_rng(6).standard_normal((T, B, IN))
    ours = lstmviz.run(graph, xs, params, dtype="float64").outputs
    np.testing.assert_allclose(ours, stepped(module, xs, (np.zeros((B, H)),)), rtol=0, atol=1e-9)


def test_torchs_own_cells_are_the_built_in_cells():
    for name, built_in in (("LSTMCell", "lstm"), ("GRUCell", "gru-pytorch"), ("RNNCell", "rnn")):
        assert traced(name)[1].name == built_in


@pytest.mark.parametrize("name", fast_for_the_lstm(CELLS))
@pytest.mark.parametrize("style", ["colah", "pipe"])
def test_a_traced_cell_is_drawn_without_a_defect(name, style):
    _, graph, _ = traced(name)
    sheet = load_style(style)
    for view in ("cell", "chain"):
        layout = layout_view(graph, view, metrics=metrics_for(sheet))
        assert drawn.defects(drawn.read(to_svg(build_scene(layout, sheet))), graph) == [], (name, style, view)


class OneLayer(nn.Module):
    """A module with one Linear, for the forwards a spec cannot say."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Linear(IN, H)


class Looping(OneLayer):
    def forward(self, x, h):
        for t in range(x.shape[0]):  # a loop over time inside forward
            h = torch.tanh(self.w(x[t]))
        return h


class Branching(OneLayer):
    def forward(self, x, h):
        if h.sum() > 0:  # control flow on a value
            return torch.tanh(self.w(x))
        return h


class Softmaxed(OneLayer):
    def forward(self, x, h):
        return torch.softmax(self.w(x), dim=1) * h


class NormalisedTogether(nn.Module):
    """PyTorch's custom_lstms LayerNormLSTMCell: the fused gates normalised together, then chunked."""

    def __init__(self) -> None:
        super().__init__()
        self.wx, self.wh, self.ln = nn.Linear(IN, 4 * H), nn.Linear(H, 4 * H), nn.LayerNorm(4 * H)

    def forward(self, x, h):
        i, f, g, o = self.ln(self.wx(x) + self.wh(h)).chunk(4, 1)  # the four gates' statistics shared
        return torch.sigmoid(o) * torch.tanh(g)


class DroppingOut(OneLayer):
    def __init__(self) -> None:
        super().__init__()
        self.drop = nn.Dropout(0.1)

    def forward(self, x, h):
        return torch.tanh(self.w(self.drop(x)))  # in training mode, a random mask


class ComputedGain(OneLayer):
    def forward(self, x, h):
        return torch.tanh(nn.functional.layer_norm(self.w(x), (H,), torch.sigmoid(self.w(x))))  # a computed gain


class OwnEpsilon(OneLayer):
    def __init__(self) -> None:
        super().__init__()
        self.ln = nn.LayerNorm(H, eps=1e-6)

    def forward(self, x, h):
        return torch.tanh(self.ln(self.w(x)))  # an eps of its own


@pytest.mark.parametrize(
    ("cls", "words"),
    [
        (Looping, "a loop over time or control flow that depends on values"),
        (Branching, "a loop over time or control flow that depends on values"),
        (Softmaxed, "cannot draw the operation softmax"),
        (NormalisedTogether, "cannot draw chunk of a layer normalisation over all the gates together"),
        (OwnEpsilon, "cannot draw a layer normalisation with eps=1e-06 (the spec's is 1e-05)"),
        (DroppingOut, "cannot draw dropout in training mode (trace the module after module.eval())"),
        (ComputedGain, "cannot draw a layer normalisation whose gain or bias is computed, not learned"),
    ],
)
def test_what_a_spec_cannot_say_is_refused_in_one_line_naming_the_users_line(cls, words):
    x, h = torch.zeros(B, IN), torch.zeros(B, H)
    with pytest.raises(lstmviz.SpecError) as refused:
        lstmviz.from_module(cls(), x, h)
    message = str(refused.value)
    assert words in message and len(message.splitlines()) == 1
    lines, first = inspect.getsourcelines(cls.forward)
    marked = next(k for k, line in enumerate(lines) if "#" in line or "softmax" in line)
    assert f"{__file__}:{first + marked}" in message, message


CELL_FILE = """
import torch
from torch import nn


class MyLSTM(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.gates = nn.Linear(input_size + hidden_size, 4 * hidden_size)

    def forward(self, x, state):
        h, c = state
        i, f, g, o = self.gates(torch.cat([h, x], 1)).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


def made():
    torch.manual_seed(0)
    return MyLSTM(3, 4)
"""


def test_from_torch_traces_a_class_or_a_function_of_the_users_file(tmp_path):
    from tests.support import run_cli

    source = tmp_path / "mycell.py"
    source.write_text(CELL_FILE)
    out = run_cli(
        "from-torch", f"{source}:made", "--input-size", "3", "--hidden-size", "4",
        "-o", tmp_path / "cell.toml", "--params", tmp_path / "p.npz", "--svg", tmp_path / "cell.svg",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    cell = lstmviz.load(tmp_path / "cell.toml")
    assert {n.id for n in cell.of_kind("layer")} == {"i", "f", "g", "o"} and "<svg" in (
        tmp_path / "cell.svg"
    ).read_text()
    namespace: dict = {}
    exec(CELL_FILE, namespace)  # the same module, built as the file builds it
    module = namespace["made"]().double()
    xs = np.random.default_rng(3).standard_normal((T, 1, IN))
    ours = lstmviz.run(cell, xs, lstmviz.load_params(tmp_path / "p.npz"), dtype="float64")
    np.testing.assert_allclose(ours.outputs, stepped(module, xs, (np.zeros((1, H)),) * 2), atol=1e-6)  # float32 file
    wrong = run_cli(
        "from-torch", f"{source}:made", "--input-size", "5", "--hidden-size", "4", "-o", tmp_path / "x.toml"
    )
    assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1 and "shape" in wrong.stderr
    bare = run_cli("from-torch", f"{source}:MyLSTM", "-o", tmp_path / "y.toml")
    assert bare.returncode == 2 and "needs --input-size and --hidden-size" in bare.stderr
    assert not (tmp_path / "x.toml").exists() and not (tmp_path / "y.toml").exists()
    assert "RUNS YOUR FILE" in run_cli("from-torch", "--help").stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", ["peephole-lstm", "sru", "layernorm-lstm"])
def test_everything_works_on_a_traced_cell(tmp_path, name):
    """Every style and view, the walk-through, an animation of the module's own weights (its
    values the module's), and training in NumPy."""
    import xml.etree.ElementTree as ET

    from lstmviz.style import builtin_styles

    module, graph, params = traced(name)
    views = [("cell", None), ("ordered", None), ("conventional", None), ("chain", None), ("equations", None)]
    views += [("cell-state", None), ("unit", None)] + [("focus", step.name) for step in roles(graph).steps]
    for style in builtin_styles():
        for view, focus in views:
            ET.fromstring(lstmviz.render(graph, view=view, focus=focus, style=style))
    assert len(lstmviz.steps(graph)) == len(roles(graph).steps) >= 2
    animated = lstmviz.animate(graph, params=params, steps=2)
    assert "<svg" in animated and animated != lstmviz.animate(graph, steps=2)  # the module's weights, not seeded ones
    model, history = lstmviz.train(graph, "parity", updates=2, until=2)
    assert len(history.losses) == 2


class Elman(nn.Module):
    """An Elman RNN with a readout: forward returns (output, new state), the output of its own size."""

    def __init__(self) -> None:
        super().__init__()
        self.w, self.out = nn.Linear(IN + H, H), nn.Linear(H, 2)

    def forward(self, x, h):
        h = torch.tanh(self.w(torch.cat([x, h], 1)))
        return self.out(h), (h,)


def test_a_module_returning_its_output_and_its_state():
    torch.manual_seed(0)
    module = Elman().double()
    graph, params = lstmviz.from_module(module, torch.zeros(1, IN), torch.zeros(1, H))
    assert {n.id: n.label for n in graph.of_kind("layer")} == {"h": "h_t", "identity_layer": "W_{y} h_t"}
    xs = np.random.default_rng(4).standard_normal((T, B, IN))
    h, expected = torch.zeros(B, H, dtype=torch.float64), []
    with torch.no_grad():
        for t in range(T):
            y, (h,) = module(torch.from_numpy(xs[t]), h)
            expected.append(y.numpy())
    ours = lstmviz.run(graph, xs, params, dtype="float64").outputs
    assert ours.shape == (T, B, 2)
    np.testing.assert_allclose(ours, np.stack(expected), rtol=0, atol=1e-9)
