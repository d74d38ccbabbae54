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
    style: str | None = None  #: where it differs from its post's (a conventional diagram in a pipe post)

    def command(self, style: str, fmt: str = "svg") -> str:
        """The ``lstmviz render`` command that draws this figure alone (``style`` its post's)."""
        style = self.style or style
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
        (  # his cell is the LSTM whose valves' networks read the memory: every figure draws it
            Figure("building-block", "lstm-peephole", "chain", "The building block: one unit, repeated along time"),
            Figure("unit", "lstm-peephole", "unit", "The unit: what goes in and what comes out"),
            Figure("pipe", "lstm-peephole", "pipe", "A pipe: the memory flows along it"),
            Figure("valve", "lstm-peephole", "valve", "A valve: how much of the memory passes"),
            Figure("t-joint", "lstm-peephole", "t-joint", "A T-joint: new memory joins the old"),
            Figure("memory-pipe", "lstm-peephole", "cell-state", "The memory pipe with its two valves"),
            Figure("forget-valve", "lstm-peephole", "build", "The forget valve and its network", focus="forget"),
            Figure(
                "new-memory-valve",
                "lstm-peephole",
                "build",
                "The new-memory valve and its tanh network",
                focus="input+state",
            ),
            Figure("two-valves", "lstm-peephole", "build", "The two valves: the two × signs", focus="fc+ig"),
            Figure("output-valve", "lstm-peephole", "build", "The output valve and its network", focus="output"),
            Figure(
                "conventional",
                "lstm-peephole",
                "conventional",
                "The conventional diagram: the cell in the middle, old values dashed, new ones solid",
                style="colah",
            ),
            Figure("complete", "lstm-peephole", "ordered", "Its redraw in pipe symbols"),
            Figure("step-forget", "lstm-peephole", "focus", "Step 1: the forget valve", focus="forget"),
            Figure("step-new-memory", "lstm-peephole", "focus", "Step 2: the new-memory valve", focus="input"),
            Figure(
                "step-state",
                "lstm-peephole",
                "focus",
                "Step 3: the two valves and the T-joint form C_t",
                focus="state",
            ),
            Figure("step-output", "lstm-peephole", "focus", "Step 4: the output valve", focus="output"),
            Figure("pipe-legend", "lstm-peephole", "legend", "Pipe, valve, T-joint, and colah's lines"),
        ),
    ),
}
