"""Gradient flow through time: how much of a loss at the end reaches each earlier step.

For a task scored at its last step (the copy task), ‖∂L/∂h_t‖ against t is the picture of the
vanishing-gradient problem: in a plain RNN it falls by orders of magnitude within tens of steps,
while an LSTM's cell state carries it back. Each gate's share is the norm of the error that
reaches its weights at step t.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping, Sequence

import numpy as np

from ..mathtext import readable
from ..spec import latex
from .train import Model, backprop


@dataclasses.dataclass(frozen=True, eq=False)
class Flow:
    """One cell's gradient norms against t (each (T,), averaged over a batch): by state (its math
    label), and by layer (its math label) for the error reaching the layer's weights; ``trained``,
    how its training went ("" as initialised)."""

    cell: str
    states: Mapping[str, np.ndarray]
    gates: Mapping[str, np.ndarray]
    trained: str = ""


def gradient_flow(model: Model, steps: int, *, batch: int = 32, seed: int = 0, trained: str = "") -> Flow:
    """The flow of the gradient of ``model``'s loss on ``batch`` sequences of ``steps`` steps
    (``trained`` says how the model's training went)."""
    data = model.task.batch(batch, steps, seed=seed)
    _, grads, _ = backprop(model, data)
    graph = model.graph
    states = {}
    for name, (_, node_out) in graph.states.items():
        producer = graph.node(node_out.inputs[0])
        states[node_out.label or producer.label or name] = _norms(grads.nodes[producer.id])
    gates = {n.label or latex.expression(graph, n): _norms(grads.layers[n.id]) for n in graph.of_kind("layer")}
    return Flow(graph.name, states, gates, trained)


def _norms(g: np.ndarray) -> np.ndarray:
    """‖g_t‖ for each step, averaged over the batch: (T, B, n) -> (T,)."""
    return np.linalg.norm(g, axis=-1).mean(axis=-1)


def flow_figure(flows: Sequence[Flow], fmt: str, *, title: str) -> bytes:
    """One chart of the flows: the states' gradient norms of every cell on one log axis, and under
    it each cell's gates; as ``fmt`` (svg, png, pdf) bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..drawing.pdffonts import for_print

    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig = plt.figure(figsize=(9, 6.5), layout="constrained")
    grid = fig.add_gridspec(2, max(len(flows), 1), height_ratios=(3, 2))
    top = fig.add_subplot(grid[0, :])
    for k, flow in enumerate(flows):
        for j, (label, norms) in enumerate(flow.states.items()):
            top.semilogy(norms, color=colours[k % len(colours)], ls=("-", "--", ":", "-.")[j % 4],
                         label=f"{flow.cell}: {_math(label, '‖∂L/∂{}‖')}")  # fmt: skip
    top.set_xlabel("time step t")
    top.set_ylabel("gradient norm (log)")
    top.set_title(title)
    top.legend(fontsize="small", ncol=2, loc="lower right")
    top.grid(True, which="major", alpha=0.3)
    for k, flow in enumerate(flows):
        ax = fig.add_subplot(grid[1, k], sharex=top)
        for label, norms in flow.gates.items():
            ax.semilogy(norms, label=_math(label, "{}"))
        learnt = f"\n{flow.trained}" if flow.trained else ""
        ax.set_title(f"{flow.cell}: error reaching each layer{learnt}", fontsize="small")
        ax.set_xlabel("t")
        ax.legend(fontsize="x-small")
        ax.grid(True, alpha=0.3)
    out = io.BytesIO()
    with for_print():
        fig.savefig(out, format=fmt, metadata=_metadata(fmt))
    plt.close(fig)
    return out.getvalue()


def _math(label: str, template: str) -> str:
    """A math label in ``template`` as matplotlib's mathtext, or as plain text where it cannot
    read it (a label is data: never trusted to be valid TeX)."""
    from matplotlib.mathtext import MathTextParser

    text = template.replace("‖", r"\Vert ").replace("∂", r"\partial ")
    try:
        MathTextParser("path").parse(f"${text.format(label)}$")
    except ValueError:
        return template.format(readable(label))
    return f"${text.format(label)}$"


def _metadata(fmt: str) -> dict[str, object] | None:
    """No dates in the file, so the same flows give the same bytes."""
    return {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}.get(fmt)
