"""Toy tasks that show what a recurrent cell can learn: remembering, counting, keeping a state.

Each task makes seeded batches of sequences with their targets and says where the loss applies
(``mask``) and where the answer is scored (``scored``): a step whose right answer cannot be known
from what came before (the next symbol of a random sequence) is trained on but not scored. A task
also reads text typed by a person (``encode``), so the explorer can run a trained cell on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from ..errors import DataError


@dataclasses.dataclass(frozen=True, eq=False)
class Batch:
    """Sequences of a task: ``x`` (T, B, inputs); ``y`` the targets, (T, B) class numbers or (T, B)
    real values; ``mask`` (T, B) where the loss applies; ``scored`` (T, B) where it is scored;
    ``tokens`` each sequence's symbols, for showing it."""

    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    scored: np.ndarray
    tokens: tuple[tuple[str, ...], ...]


@dataclasses.dataclass(frozen=True, eq=False)
class Task:
    """A task: its ``symbols`` (one-hot inputs; empty for real-valued ones), ``classes`` (0 for a
    regression), a default ``length``, the score a cell ``needs`` to have learnt it, the ``budget``
    of updates an LSTM needs to get there, and how its batches are drawn."""

    name: str
    summary: str
    symbols: str
    classes: int
    length: int
    needs: float
    budget: int
    score_means: str
    draw: Callable[[np.random.Generator, int, int], Batch]
    inputs: int = 0
    reader: Callable[[str], tuple[np.ndarray, tuple[str, ...]]] | None = None  #: for inputs not one-hot
    #: What the readout's answer at each step means, for a person reading it.
    says: str = ""
    #: A sequence worth reading in the explorer: long enough to show what a neuron keeps.
    example: str = ""
    #: How each class is written as an answer (class numbers when empty).
    answers: str = ""
    #: What a neuron may track, by name: one number per token of a sequence (the explorer sorts by them).
    features: Callable[[tuple[str, ...]], dict[str, np.ndarray]] | None = None

    @property
    def answer_names(self) -> tuple[str, ...]:
        """Each class as a short answer: the task's names for them, else their numbers."""
        return tuple(self.answers) if self.answers else tuple(str(k) for k in range(self.classes))

    def tracked(self, tokens: tuple[str, ...]) -> dict[str, np.ndarray]:
        """The features of ``tokens`` a neuron may track: the task's own, then the position."""
        own = self.features(tokens) if self.features else {}
        return {**own, "position in the sequence": np.arange(len(tokens), dtype=float)}

    @property
    def input_size(self) -> int:
        """Size of one step's input vector."""
        return self.inputs or len(self.symbols)

    def batch(self, batch: int, length: int | None = None, seed: int | np.random.Generator = 0) -> Batch:
        """``batch`` seeded sequences of ``length`` steps (the task's default length if None)."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        return self.draw(rng, batch, length or self.length)

    def encode(self, text: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """Text typed by a person as inputs (T, 1, input size), and its tokens."""
        if self.reader is not None:
            return self.reader(text)
        unknown = sorted(set(text) - set(self.symbols))
        if unknown:
            raise DataError(
                f"the {self.name} task reads only {' '.join(self.symbols)}, not {unknown[0]!r}",
                name="--text",
                fix=f"type a sequence such as {self.example!r}",
            )
        if not text:
            raise DataError("the text is empty", name="--text", fix="type at least one symbol")
        codes = np.array([self.symbols.index(c) for c in text])
        return _one_hot(codes[:, None], len(self.symbols)), tuple(text)


def _one_hot(codes: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n)[codes]


def _symbols(codes: np.ndarray, symbols: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(symbols[c] for c in column) for column in codes.T)


def _copy(rng: np.random.Generator, batch: int, length: int) -> Batch:
    """Remember the first symbol: at the last step, say which of a b c d came first."""
    codes = rng.integers(0, 4, size=(length, batch))
    y = np.zeros((length, batch), int)
    y[-1] = codes[0]
    last = np.zeros((length, batch), bool)
    last[-1] = True
    return Batch(_one_hot(codes, 4), y, last, last, _symbols(codes, "abcd"))


def _count(rng: np.random.Generator, batch: int, length: int) -> Batch:
    """a…a b…b $ with as many b as a (Chen's counter): predict each next symbol. Once the b begin,
    the rest is certain, and that is what is scored: the cell must count the a to know when to stop."""
    most = max(1, (length - 1) // 2)
    n = rng.integers(1, most + 1, size=batch)
    codes = np.full((length, batch), 2)  # "$" pads
    for k, m in enumerate(n):
        codes[:m, k], codes[m : 2 * m, k] = 0, 1
    y = np.full((length, batch), 2)
    y[:-1] = codes[1:]
    steps = np.arange(length)[:, None]
    mask = steps < 2 * n  # up to the b before "$"; the a phase is a guess (a or b) and not scored
    scored = (steps >= n) & mask
    return Batch(_one_hot(codes, 3), y, mask, scored, _symbols(codes, "ab$"))


def _memorise(rng: np.random.Generator, batch: int, length: int) -> Batch:
    """Letters with brackets: at each step, say whether a bracket is open (the state to remember
    across any number of letters)."""
    codes = rng.choice(3, size=(length, batch))  # a b c
    marks = rng.random((length, batch)) < 0.15
    inside = np.zeros(batch, bool)
    y = np.zeros((length, batch), int)
    for t in range(length):
        opens = marks[t] & ~inside
        closes = marks[t] & inside
        codes[t, opens], codes[t, closes] = 3, 4
        inside = (inside | opens) & ~closes
        y[t] = inside
    every = np.ones((length, batch), bool)
    return Batch(_one_hot(codes, 5), y, every, every, _symbols(codes, "abc[]"))


def _parity(rng: np.random.Generator, batch: int, length: int) -> Batch:
    """Bits: at each step, say whether an odd number of 1s has been read so far."""
    codes = rng.integers(0, 2, size=(length, batch))
    every = np.ones((length, batch), bool)
    return Batch(_one_hot(codes, 2), np.cumsum(codes, axis=0) % 2, every, every, _symbols(codes, "01"))


def _adding(rng: np.random.Generator, batch: int, length: int) -> Batch:
    """Hochreiter & Schmidhuber's adding problem: numbers in [0, 1), two of them marked; at the end,
    say the sum of the marked two."""
    values = rng.random((length, batch))
    marked = np.zeros((length, batch))
    for k in range(batch):
        marked[rng.choice(length, size=2, replace=False), k] = 1
    y = np.zeros((length, batch))
    y[-1] = (values * marked).sum(axis=0)
    last = np.zeros((length, batch), bool)
    last[-1] = True
    tokens = tuple(
        tuple(f"{v:.2f}{'*' if m else ''}" for v, m in zip(values[:, k], marked[:, k])) for k in range(batch)
    )
    return Batch(np.stack([values, marked], axis=-1), y, last, last, tokens)


def _encode_adding(text: str) -> tuple[np.ndarray, tuple[str, ...]]:
    tokens = tuple(text.split())
    rows = []
    for token in tokens:
        try:
            rows.append((float(token.rstrip("*")), float(token.endswith("*"))))
        except ValueError:
            raise DataError(
                f"{token!r} is not a number", name="--text", fix="type numbers, marked ones with *: '0.3 0.7* 0.1 0.5*'"
            ) from None
    if not rows:
        raise DataError("the text is empty", name="--text", fix="type numbers, marked ones with *: '0.3 0.7* 0.5*'")
    return np.array(rows)[:, None, :], tokens


def _is(tokens: tuple[str, ...], symbol: str) -> np.ndarray:
    return np.array([t == symbol for t in tokens], dtype=float)


def _copy_features(tokens: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {"the symbol is the first one again": _is(tokens, tokens[0]) if tokens else np.zeros(0)}


def _count_features(tokens: tuple[str, ...]) -> dict[str, np.ndarray]:
    a, b = np.cumsum(_is(tokens, "a")), np.cumsum(_is(tokens, "b"))
    return {"a read minus b read (the count)": a - b, "a read": a, "in the b part": (b > 0).astype(float)}


def _memorise_features(tokens: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {"a bracket is open": np.cumsum(_is(tokens, "[") - _is(tokens, "]"))}


def _parity_features(tokens: tuple[str, ...]) -> dict[str, np.ndarray]:
    return {"an odd number of 1s so far": np.cumsum(_is(tokens, "1")) % 2}


def _adding_features(tokens: tuple[str, ...]) -> dict[str, np.ndarray]:
    marked = np.array([t.endswith("*") for t in tokens], dtype=float)
    values = np.array([float(t.rstrip("*")) for t in tokens])
    return {"sum of the marked numbers so far": np.cumsum(values * marked), "marked numbers seen": np.cumsum(marked)}


#: Within a scored answer's distance of the target, an adding problem's answer counts as right.
ADDING_TOLERANCE = 0.1

TASKS: dict[str, Task] = {
    t.name: t
    for t in (
        Task(
            "copy", "remember the first of a b c d until the end", symbols="abcd", classes=4, length=12,
            needs=0.97, budget=3000, score_means="accuracy", draw=_copy, features=_copy_features,
            example="cabdabdcbadcab",
            answers="abcd",
            says="which symbol came first (scored at the last step only)",
        ),
        Task(
            "count", "a…a b…b $: predict the next symbol (Chen's counter)", symbols="ab$", classes=3, length=17,
            needs=0.97, budget=1000, score_means="accuracy", draw=_count, features=_count_features,
            example="aaaaaaaabbbbbbbb$",
            answers="ab$",
            says="the symbol it expects next",
        ),
        Task(
            "memorise", "say whether a bracket is open, over any number of letters", symbols="abc[]", classes=2,
            length=24, needs=0.97, budget=1000, score_means="accuracy", draw=_memorise, features=_memorise_features,
            says="1 while a bracket is open",
            example="abc[abcabca]bcab[cabcabcab]ca",
        ),
        Task(
            "parity", "say whether an odd number of 1s has been read", symbols="01", classes=2, length=12,
            needs=0.97, budget=1000, score_means="accuracy", draw=_parity, features=_parity_features,
            says="1 when it has read an odd number of 1s",
            example="1101001110100101",
        ),
        Task(
            "adding", "sum the two marked numbers of a sequence (Hochreiter & Schmidhuber)", symbols="", classes=0,
            length=16, needs=0.9, budget=2000, score_means=f"share of sums within {ADDING_TOLERANCE}", draw=_adding,
            inputs=2, reader=_encode_adding, features=_adding_features,
            says="the sum of the marked numbers (scored at the last step only)",
            example="0.31 0.77* 0.12 0.95 0.40 0.08 0.66* 0.25 0.53 0.19",
        ),
    )
}  # fmt: skip


def task(name: str) -> Task:
    """The task called ``name``."""
    if name not in TASKS:
        raise DataError(f"unknown task {name!r}", name="--task", fix=f"choose one of {', '.join(TASKS)}")
    return TASKS[name]
