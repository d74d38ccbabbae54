"""The pointwise ops (the pink circles), each in one place: how many operands it takes, the glyph
it is drawn with, how LaTeX writes it, the interval its value lies in given its operands', and the
name and words the equation form knows it by. Validation, drawing, equations and value ranges read
this table; the executor's kernels and their derivatives are in :mod:`lstmviz.execute.kernels`.

A new op is one entry here and one kernel (with its derivative) there. An op with learned vectors
(``learned``: layer normalisation's gain and bias) has them by its node's id among the cell's
parameters, as a layer has its weights.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

INF = math.inf
Interval = tuple[float, float]


@dataclasses.dataclass(frozen=True)
class Op:
    """One op. ``latex`` has a ``{}`` per operand; ``interval`` maps the operands' intervals (one
    argument each) to the value's; ``call`` is the function the equation form writes it as (none
    for an op written with an operator: ``*``, ``+``, ``-``, ``/``), ``about`` what that function
    does; ``learned`` names the vectors it learns, one number per feature each (none for a
    pointwise op)."""

    arity: int
    symbol: str
    latex: str
    interval: Callable[..., Interval]
    call: str = ""
    about: str = ""
    learned: tuple[str, ...] = ()


def _times(x: float, y: float) -> float:
    """x * y with 0 * inf = 0 (a bound of zero stays zero)."""
    return 0.0 if x == 0 or y == 0 else x * y


def _product(a: Interval, b: Interval) -> Interval:
    products = [_times(x, y) for x in a for y in b]
    return min(products), max(products)


def _quotient(a: Interval, b: Interval) -> Interval:
    if not (b[0] > 0 or b[1] < 0):  # the divisor's interval holds 0
        return -INF, INF
    quotients = [_times(x, 1.0 / y) if y not in (INF, -INF) else 0.0 for x in a for y in b]
    return min(quotients), max(quotients)


def _abs(a: Interval) -> Interval:
    lo, hi = a
    return 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi)), max(abs(lo), abs(hi))


def _clip01(v: float) -> float:
    """Hardsigmoid of one number: v / 6 + 1/2, clipped to [0, 1]."""
    return min(1.0, max(0.0, v / 6 + 0.5))


OPS: dict[str, Op] = {
    "mul": Op(2, "×", r"{} \odot {}", _product),
    "add": Op(2, "+", "{} + {}", lambda a, b: (a[0] + b[0], a[1] + b[1])),
    "sub": Op(2, "−", "{} - {}", lambda a, b: (a[0] - b[1], a[1] - b[0])),
    "div": Op(2, "÷", r"\frac{{{}}}{{{}}}", _quotient),
    "max": Op(2, "max", r"\max({}, {})", lambda a, b: (max(a[0], b[0]), max(a[1], b[1])), "max",
              "the larger of two values (or of a value and a number), pointwise"),
    "min": Op(2, "min", r"\min({}, {})", lambda a, b: (min(a[0], b[0]), min(a[1], b[1])), "min",
              "the smaller of two values (or of a value and a number), pointwise"),
    "one-minus": Op(1, "1−", "1 - {}", lambda a: (1.0 - a[1], 1.0 - a[0]), "one_minus", "1 - x, pointwise"),
    "tanh": Op(1, "tanh", r"\tanh({})", lambda a: (max(-1.0, math.tanh(a[0])), min(1.0, math.tanh(a[1]))), "tanh",
               "the tanh of a layer or, of anything else, a pointwise op"),
    "sigmoid": Op(1, "σ", r"\sigma({})", lambda a: (0.0, 1.0), "sigmoid",
                  "the sigmoid of a layer (a gate) or, of anything else, a pointwise op"),
    "hardsigmoid": Op(1, "hσ", r"\operatorname{{hardsigmoid}}({})", lambda a: (_clip01(a[0]), _clip01(a[1])),
                      "hardsigmoid", "min(max(x / 6 + 1/2, 0), 1), pointwise: PyTorch's Hardsigmoid, a cheap gate"),
    "relu": Op(1, "ReLU", r"\operatorname{{ReLU}}({})", lambda a: (max(0.0, a[0]), max(0.0, a[1])), "relu",
               "the ReLU of a layer or a pointwise op"),
    "exp": Op(1, "exp", r"\exp({})", lambda a: (0.0, INF if a[1] > 700 else math.exp(a[1])), "exp",
              "e to the power of its argument, pointwise"),
    "log": Op(1, "log", r"\log({})", lambda a: (-INF, INF), "log", "the natural logarithm, pointwise"),
    "softplus": Op(1, "softplus", r"\operatorname{{softplus}}({})", lambda a: (0.0, INF), "softplus",
                   "log(1 + exp(x)), pointwise"),
    "abs": Op(1, "|·|", r"|{}|", _abs, "abs", "the absolute value, pointwise"),
    "identity": Op(1, "", "{}", lambda a: a, "identity", "a layer or a pointwise op left as it is"),
    "layernorm": Op(1, "LN", r"\operatorname{{LN}}({})", lambda a: (-INF, INF), "layernorm",
                    "layer normalisation: over its features, mean 0 and variance 1, then a learned gain "
                    "(weight) and bias per feature, as PyTorch's LayerNorm", ("weight", "bias")),
}  # fmt: skip
#: The small number layer normalisation adds to the variance before its square root (PyTorch's default).
LAYERNORM_EPS = 1e-5
