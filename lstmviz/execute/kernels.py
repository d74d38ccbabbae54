"""The arithmetic of each op and activation, on NumPy arrays of any shape, writing into ``out``.

Every kernel is called as ``kernel(*args, out=out)`` (``out`` by keyword: NumPy's maximum and
minimum no longer take it by position); ``out`` may be one of the arguments, so a value can be
computed in place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Kernel = Callable[..., object]


#: Below this input the sigmoid is computed as exp(a) / (1 + exp(a)): the fast form 0.5 * tanh(a / 2)
#: + 0.5 cancels there (1 + tanh) and loses its relative precision, reaching 0 (so that s / s is
#: NaN) near a = -38, where the sigmoid is 3e-17 and PyTorch's is too.
LOW = -8.0


def sigmoid(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-a)): 0.5 * tanh(a / 2) + 0.5 (no overflow for large |a|), and its left tail exactly."""
    return sigmoid_of_double(np.multiply(a, 0.5, out=out), out)


def sigmoid_of_double(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """sigmoid(2a) = 0.5 * tanh(a) + 0.5: a sigmoid layer's rows are pre-scaled by 1/2, saving a pass."""
    low, tail = left_tail(a) if not a.min(initial=0.0) >= LOW / 2 else (None, None)
    np.tanh(a, out=out)
    np.multiply(out, 0.5, out=out)
    np.add(out, 0.5, out=out)
    return finish_tail(out, low, tail)


def left_tail(prescaled: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Where a pre-scaled sigmoid input is below ``LOW / 2``, and its values there, kept before the
    tanh form overwrites them (None when there are none)."""
    low = np.less(prescaled, LOW / 2)
    return low, (prescaled[low] if low.any() else None)


def finish_tail(out: np.ndarray, low: np.ndarray | None, tail: np.ndarray | None) -> np.ndarray:
    """``out`` with its left tail (see :func:`left_tail`) as exp(2a) / (1 + exp(2a))."""
    if tail is not None:
        e = np.exp(2 * tail)
        out[low] = e / (1 + e)
    return out


def one_minus(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """1 - a."""
    return np.subtract(1.0, a, out=out)


def relu(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """max(a, 0), keeping NaN as NaN."""
    return np.maximum(a, 0.0, out=out)


def softplus(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """log(1 + exp(a)), as log(exp(0) + exp(a)): no overflow for large a, exact for very negative a."""
    return np.logaddexp(0.0, a, out=out)


def identity(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """a itself (a copy unless ``out`` is ``a``)."""
    if out is not a:
        np.copyto(out, a)
    return out


#: Activations of layers and the unary pointwise ops share their kernels.
UNARY: dict[str, Kernel] = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": relu,
    "identity": identity,
    "one-minus": one_minus,
    "exp": np.exp,
    "log": np.log,
    "softplus": softplus,
    "abs": np.abs,
}
#: Binary pointwise ops.
BINARY: dict[str, Kernel] = {
    "mul": np.multiply,
    "add": np.add,
    "sub": np.subtract,
    "div": np.divide,
    "max": np.maximum,
    "min": np.minimum,
}
KERNELS: dict[str, Kernel] = {**UNARY, **BINARY}


def kernel_for(node: object) -> Kernel:
    """The kernel of an op node, called with its vector operands only: a constant operand (0.5 in
    0.5 * x) is bound in on its side."""
    kernel = KERNELS[getattr(node, "op")]
    constant = getattr(node, "constant", None)
    if constant is None:
        return kernel
    if getattr(node, "constant_at", 1) == 0:
        return lambda a, out: kernel(constant, a, out=out)
    return lambda a, out: kernel(a, constant, out=out)


#: How a layer's weights and bias are scaled, by activation, so that ``ACTIVATE`` finishes it.
PRESCALE = {"sigmoid": 0.5, "tanh": 1.0, "relu": 1.0, "identity": 1.0}
#: A layer's activation, applied to its pre-scaled pre-activation.
ACTIVATE: dict[str, Kernel] = {**UNARY, "sigmoid": sigmoid_of_double}
