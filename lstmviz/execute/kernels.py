"""The arithmetic of each op and activation, on NumPy arrays of any shape, writing into ``out``,
and the partial derivatives the backward pass takes of each.

Every kernel is called as ``kernel(*args, out=out)`` (``out`` by keyword: NumPy's maximum and
minimum no longer take it by position); ``out`` may be one of the arguments, so a value can be
computed in place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..spec.ops import LAYERNORM_EPS

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


def hardsigmoid(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """a / 6 + 1/2 clipped to [0, 1] (PyTorch's Hardsigmoid), keeping NaN as NaN."""
    np.multiply(a, 1 / 6, out=out)
    np.add(out, 0.5, out=out)
    return np.clip(out, 0.0, 1.0, out=out)


def identity(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """a itself (a copy unless ``out`` is ``a``)."""
    if out is not a:
        np.copyto(out, a)
    return out


def normalised(a: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """``a`` with mean 0 and variance 1 over ``axis`` (the features: the variance divides by their
    number, as PyTorch's LayerNorm), and the factor that did it, 1 / sqrt(variance + eps)."""
    centred = a - a.mean(axis=axis, keepdims=True)
    scale = 1.0 / np.sqrt(np.mean(np.square(centred), axis=axis, keepdims=True) + LAYERNORM_EPS)
    return np.multiply(centred, scale, out=centred), scale


def layernorm(a: np.ndarray, weight: np.ndarray, bias: np.ndarray, axis: int, out: np.ndarray) -> np.ndarray:
    """Layer normalisation over ``axis``: :func:`normalised` times the gain ``weight``, plus ``bias``
    (both shaped to broadcast along ``axis``). ``out`` may be ``a``."""
    np.multiply(normalised(a, axis)[0], weight, out=out)
    return np.add(out, bias, out=out)


def layernorm_gradient(g: np.ndarray, a: np.ndarray, weight: np.ndarray, axis: int) -> np.ndarray:
    """The gradient reaching the operand ``a`` of layer normalisation, given its value's ``g``: with
    x̂ the normalised operand and ĝ = g ⊙ weight, (ĝ - mean ĝ - x̂ mean(ĝ ⊙ x̂)) / sqrt(var + eps)."""
    hat, scale = normalised(a, axis)
    gw = g * weight
    gw -= gw.mean(axis=axis, keepdims=True) + hat * np.mean(gw * hat, axis=axis, keepdims=True)
    return np.multiply(gw, scale, out=gw)


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
    "hardsigmoid": hardsigmoid,
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


def _extreme(y: np.ndarray, a: np.ndarray, b: np.ndarray, a_wins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """max or min: the winning operand takes the gradient; a tie shares it evenly, as PyTorch does."""
    tie = (a == b).astype(y.dtype) * 0.5
    da = a_wins.astype(y.dtype) + tie
    return da, (1 - a_wins.astype(y.dtype)) - tie


#: Each op's and activation's partial derivatives, from its value ``y`` and its operands (a layer's
#: activation gets None for its operand, which it does not need): the backward pass multiplies them in.
PARTIALS: dict[str, Callable[..., tuple[np.ndarray | float, ...]]] = {
    "sigmoid": lambda y, a: (y * (1 - y),),
    "tanh": lambda y, a: (1 - y * y,),
    "relu": lambda y, a: ((y > 0).astype(y.dtype),),  # y > 0 exactly where a > 0: a layer has no a
    "identity": lambda y, a: (1.0,),
    "one-minus": lambda y, a: (-1.0,),
    "exp": lambda y, a: (y,),
    "log": lambda y, a: (1 / a,),
    "softplus": lambda y, a: (-np.expm1(-y),),  # sigmoid(a) = 1 - exp(-softplus(a))
    "hardsigmoid": lambda y, a: (((-3 < a) & (a < 3)) / 6,),  # flat where it is clipped, as PyTorch's
    "abs": lambda y, a: (np.sign(a),),
    "mul": lambda y, a, b: (b, a),
    "add": lambda y, a, b: (1.0, 1.0),
    "sub": lambda y, a, b: (1.0, -1.0),
    "div": lambda y, a, b: (1 / b, -y / b),
    "max": lambda y, a, b: _extreme(y, a, b, a > b),
    "min": lambda y, a, b: _extreme(y, a, b, a < b),
}


def kernel_for(node: object, learned: object = None, *, axis: int = -1) -> Kernel:
    """The kernel of an op node, called with its vector operands only: a constant operand (0.5 in
    0.5 * x) is bound in on its side; so are an op's ``learned`` parameters (layer normalisation's
    gain and bias, a :class:`~.params.LayerParams`), to work over ``axis``, where the features are
    in the arrays it is called with (-1: (…, n); 0: (n, batch))."""
    op = getattr(node, "op")
    if op == "layernorm":
        shape = (-1, 1) if axis == 0 else (-1,)
        weight, bias = getattr(learned, "weight").reshape(shape), getattr(learned, "bias").reshape(shape)
        return lambda a, out: layernorm(a, weight, bias, axis, out)
    kernel = KERNELS[op]
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
