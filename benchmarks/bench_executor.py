"""The executor beside PyTorch's nn.LSTM and the best hand-written NumPy LSTM, in one run.

    python benchmarks/bench_executor.py [--repeat N]

Prints a Markdown table of times and ratios (the figures in benchmarks/README.md come from it).
All three compute the same LSTM from the same weights, in float32, on the CPU; the script checks
that they agree before timing them.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from timing import best_of

import lstmviz

SIZES = [  # (T, B, input, hidden)
    (200, 32, 64, 128),
    (200, 1, 8, 16),
]


def hand_written_lstm(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An LSTM written for speed in NumPy, with every trick the executor uses: the input projection
    hoisted out of the loop; the four gates in one matrix ordered (i, f, o, g); buffers laid out
    (features, batch) so gate rows are contiguous and the product is ``W @ h``; the sigmoid rows
    pre-scaled by 1/2 so that one tanh serves all four gates; every call writing in place."""
    T, B, _ = x.shape
    H = w_hh.shape[1]
    order = np.r_[0 : 2 * H, 3 * H : 4 * H, 2 * H : 3 * H]  # torch's (i, f, g, o) -> (i, f, o, g)
    scale = np.r_[np.full(3 * H, 0.5), np.ones(H)].astype(x.dtype)[:, None]
    w_ih, w_hh, b = w_ih[order] * scale, w_hh[order] * scale, b[order] * scale[:, 0]
    xw = np.matmul(w_ih, x.transpose(0, 2, 1))  # (T, 4H, B)
    xw += b[:, None]
    h = np.zeros((H, B), x.dtype)
    c = np.zeros((H, B), x.dtype)
    out = np.empty((T, B, H), x.dtype)
    gates = np.empty((4 * H, B), x.dtype)
    tmp = np.empty((H, B), x.dtype)
    sig, i, f, o, g = gates[: 3 * H], gates[:H], gates[H : 2 * H], gates[2 * H : 3 * H], gates[3 * H :]
    for t in range(T):
        np.matmul(w_hh, h, out=gates)
        np.add(gates, xw[t], gates)
        np.tanh(gates, gates)
        np.multiply(sig, 0.5, sig)  # sigmoid(2a) = 0.5 * tanh(a) + 0.5
        np.add(sig, 0.5, sig)
        np.multiply(c, f, c)
        np.multiply(i, g, tmp)
        np.add(c, tmp, c)
        np.tanh(c, tmp)
        np.multiply(o, tmp, h)
        out[t] = h.T
    return out


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    torch.manual_seed(0)
    rows = []
    for T, B, n_in, hidden in SIZES:
        module = torch.nn.LSTM(n_in, hidden)
        x = np.random.default_rng(0).standard_normal((T, B, n_in)).astype(np.float32)
        cell, params = lstmviz.from_torch(module)
        w = {k: v.detach().numpy() for k, v in module.named_parameters()}
        b = w["bias_ih_l0"] + w["bias_hh_l0"]
        xt = torch.from_numpy(x)

        def ours():
            return lstmviz.run(cell, x, params).outputs

        def numpy_loop():
            return hand_written_lstm(x, w["weight_ih_l0"], w["weight_hh_l0"], b)

        def pytorch():
            with torch.no_grad():
                return module(xt)[0]

        reference = pytorch().numpy()
        assert np.abs(ours() - reference).max() < 1e-5 and np.abs(numpy_loop() - reference).max() < 1e-5
        t_ours, t_np, t_torch = (best_of(f, args.repeat) for f in (ours, numpy_loop, pytorch))
        rows.append((f"T={T}, B={B}, input {n_in}, hidden {hidden}", t_ours, t_np, t_torch))

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, PyTorch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"best of {args.repeat}\n"
    )
    print("| size | lstmviz | hand-written NumPy | PyTorch nn.LSTM | lstmviz / NumPy | lstmviz / PyTorch |")
    print("|---|---|---|---|---|---|")
    for name, t_ours, t_np, t_torch in rows:
        print(
            f"| {name} | {t_ours * 1e3:.2f} ms | {t_np * 1e3:.2f} ms | {t_torch * 1e3:.2f} ms "
            f"| {t_ours / t_np:.2f} | {t_ours / t_torch:.2f} |"
        )


if __name__ == "__main__":
    main()
