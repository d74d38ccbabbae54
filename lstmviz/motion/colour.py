"""The colour of a value, on a diverging scale: large positive dark blue, very negative dark red
(as in Edwin Chen's neuron pictures), zero white; NaN grey."""

from __future__ import annotations

import math

_BLUE = (8, 48, 107)
_RED = (103, 0, 13)


def diverging(value: float, scale: float = 1.0) -> str:
    """``#rrggbb`` for ``value``: tanh(value / scale) sets how far from white toward blue or red."""
    if math.isnan(value):
        return "#9e9e9e"
    t = math.tanh(value / scale) if not math.isinf(value) else math.copysign(1.0, value)
    end = _BLUE if t >= 0 else _RED
    mix = [round(255 + (e - 255) * abs(t)) for e in end]
    return "#" + "".join(f"{c:02x}" for c in mix)
