"""The colour of a value, on a diverging scale: large positive dark blue, very negative dark red
(as in Edwin Chen's neuron pictures), zero white; NaN grey. The two halves are matplotlib's
ColorBrewer ramps Blues and Reds (perceptually even, saturated in their middle, where a plain mix
toward white turns greyish), sampled once when first asked for."""

from __future__ import annotations

import functools
import math

#: Steps of each half of the scale.
STEPS = 256


def diverging(value: float, scale: float = 1.0) -> str:
    """``#rrggbb`` for ``value``: tanh(value / scale) sets how far along the blue or the red ramp."""
    if math.isnan(value):
        return "#9e9e9e"
    t = math.tanh(value / scale) if not math.isinf(value) else math.copysign(1.0, value)
    blues, reds = _ramps()
    return (blues if t >= 0 else reds)[round(abs(t) * (STEPS - 1))]


@functools.cache
def _ramps() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Blues and Reds, from white (0) to their darkest (1), as hex colours (the first pure white)."""
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    at = np.linspace(0.0, 1.0, STEPS)
    blues, reds = ([to_hex(c) for c in colormaps[name](at)] for name in ("Blues", "Reds"))
    return ("#ffffff", *blues[1:]), ("#ffffff", *reds[1:])  # zero is white, as the scale's key says
