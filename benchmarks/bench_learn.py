"""The backward pass beside PyTorch's autograd, and training time per task, in one run.

    python benchmarks/bench_learn.py [--repeat N]

Part one: the same float32 LSTM and loss (the sum of the outputs weighted by a fixed random array)
at the executor's two sizes, forward and backward, three ways: lstmviz (``run`` with a trace, then
``backward``), PyTorch's ``nn.LSTM`` (forward, then ``loss.backward()``), and for scale lstmviz's
forward pass alone. The script checks that the two gradients agree before timing them.

Part two: an LSTM (hidden 16) trained on each toy task with the defaults of ``lstmviz train``
(batch 64, Adam 0.003, clipping at 1): the updates it took to reach the task's stated score, the
time, and the time per update.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from bench_executor import SIZES
from timing import best_of

import lstmviz
from lstmviz.learn.tasks import TASKS
from lstmviz.learn.train import train


def backward_rows(repeat: int) -> list[tuple[str, float, float, float]]:
    import torch

    torch.manual_seed(0)
    rows = []
    for T, B, n_in, hidden in SIZES:
        module = torch.nn.LSTM(n_in, hidden)
        rng = np.random.default_rng(0)
        x = rng.standard_normal((T, B, n_in)).astype(np.float32)
        weights = rng.standard_normal((T, B, hidden)).astype(np.float32)
        cell, params = lstmviz.from_torch(module)
        xt, wt = torch.from_numpy(x), torch.from_numpy(weights)

        def ours() -> np.ndarray:
            result = lstmviz.run(cell, x, params, trace=True)
            return lstmviz.backward(cell, result, weights).params["f"].weight

        def forward_only() -> object:
            return lstmviz.run(cell, x, params, trace=True)

        def pytorch() -> np.ndarray:
            module.zero_grad()
            (module(xt)[0] * wt).sum().backward()
            return module.weight_hh_l0.grad[hidden : 2 * hidden].numpy()  # torch's rows (i, f, g, o): f

        ours_f, theirs_f = ours(), pytorch()
        hh = ours_f[:, :hidden]  # our forget gate reads [h_{t-1}, x_t]: its first columns multiply h
        assert np.abs(hh - theirs_f).max() <= 1e-3 * max(1.0, np.abs(theirs_f).max()), "the gradients differ"
        times = [best_of(f, repeat) for f in (ours, pytorch, forward_only)]
        rows.append((f"T={T}, B={B}, input {n_in}, hidden {hidden}", *times))
    return rows


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, PyTorch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"best of {args.repeat}\n"
    )
    print("| size | lstmviz forward + backward | PyTorch forward + backward | ratio | lstmviz forward alone |")
    print("|---|---|---|---|---|")
    for name, ours, theirs, forward in backward_rows(args.repeat):
        print(
            f"| {name} | {ours * 1e3:.1f} ms | {theirs * 1e3:.1f} ms | {ours / theirs:.2f} | {forward * 1e3:.1f} ms |"
        )
    print("\n| task | needs | reached | updates (budget) | time | per update |")
    print("|---|---|---|---|---|---|")
    for name, task in TASKS.items():
        start = time.perf_counter()
        _, history = train(lstmviz.load("lstm"), name)
        took = time.perf_counter() - start
        done, score = history.scores[-1]
        print(
            f"| {name} | {task.needs:g} ({task.score_means}) | {score:.3f} | {done} ({task.budget}) "
            f"| {took:.1f} s | {took / done * 1e3:.1f} ms |"
        )


if __name__ == "__main__":
    main()
