"""The figures of the seed posts, each as one render: what to draw, in which view and style.

``lstmviz figures colah -o DIR/`` writes every figure of "Understanding LSTM Networks", and
``lstmviz figures pipe -o DIR/`` every figure Shi Yan's "Understanding LSTM and its diagrams"
describes. Each entry is data: the same render any user can ask for by its command.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Figure:
    """One figure of a post: ``name`` its file's stem, ``spec`` the cell, ``view`` and ``focus`` as
    ``lstmviz render`` takes them, ``caption`` what it shows, ``original`` the post's file name."""

    name: str
    spec: str
    view: str
    caption: str
    original: str = ""
    focus: str | None = None

    def command(self, style: str, fmt: str = "svg") -> str:
        """The ``lstmviz render`` command that draws this figure alone."""
        focus = f" --focus {self.focus}" if self.focus else ""
        styled = "" if style == "colah" else f" --style {style}"
        return f"lstmviz render {self.spec} --view {self.view}{focus}{styled} -o {self.name}.{fmt}"


#: The posts, by the name ``lstmviz figures`` takes: their style and their figures in the post's order.
POSTS: dict[str, tuple[str, tuple[Figure, ...]]] = {
    "colah": (
        "colah",
        (
            Figure("rnn-rolled", "rnn", "rolled", "A recurrent network: a module A with a loop", "RNN-rolled.png"),
            Figure("rnn-unrolled", "rnn", "unrolled", "The loop unrolled into a chain", "RNN-unrolled.png"),
            Figure(
                "short-term-dependencies",
                "rnn",
                "short-term",
                "h_3 needs x_0 and x_1, a few steps back",
                "RNN-shorttermdepdencies.png",
            ),
            Figure(
                "long-term-dependencies",
                "rnn",
                "long-term",
                "h_{t+1} needs x_0 and x_1, far back",
                "RNN-longtermdependencies.png",
            ),
            Figure("simple-rnn-chain", "rnn", "chain", "The repeating module of a plain RNN", "LSTM3-SimpleRNN.png"),
            Figure("lstm-chain", "lstm", "chain", "The repeating module of an LSTM", "LSTM3-chain.png"),
            Figure("notation", "lstm", "legend", "The notation", "LSTM2-notation.png"),
            Figure("cell-state", "lstm", "cell-state", "The cell state, a conveyor belt", "LSTM3-C-line.png"),
            Figure("gate", "lstm", "gate", "A gate: a sigmoid layer and a pointwise product", "LSTM3-gate.png"),
            Figure("focus-forget", "lstm", "focus", "Step 1: the forget gate", "LSTM3-focus-f.png", "forget"),
            Figure(
                "focus-input", "lstm", "focus", "Step 2: the input gate and candidate", "LSTM3-focus-i.png", "input"
            ),
            Figure("focus-state", "lstm", "focus", "Step 3: the new cell state", "LSTM3-focus-C.png", "state"),
            Figure("focus-output", "lstm", "focus", "Step 4: the output", "LSTM3-focus-o.png", "output"),
            Figure(
                "variant-peepholes", "lstm-peephole", "equations", "Peephole connections", "LSTM3-var-peepholes.png"
            ),
            Figure(
                "variant-coupled", "lstm-coupled", "equations", "Coupled forget and input gates", "LSTM3-var-tied.png"
            ),
            Figure("variant-gru", "gru", "equations", "The Gated Recurrent Unit", "LSTM3-var-GRU.png"),
        ),
    ),
    "pipe": (
        "pipe",
        (
            Figure("unit", "lstm", "unit", "The unit: what goes in and what comes out"),
            Figure("memory-pipe", "lstm", "cell-state", "The memory pipe"),
            Figure("forget-valve", "lstm", "focus", "The forget valve and its network", focus="forget"),
            Figure("new-memory-valve", "lstm", "focus", "The new-memory valve and T-joint", focus="input+state"),
            Figure("output-valve", "lstm", "focus", "The output valve", focus="output"),
            Figure("complete", "lstm-peephole", "cell", "Each valve's network reads C, h_{t-1}, x_t and a bias"),
            Figure("ordered", "lstm", "ordered", "Old values dashed, values computed in the step solid"),
            Figure("pipe-legend", "lstm", "legend", "Pipe, valve, T-joint, and colah's lines"),
        ),
    ),
}
