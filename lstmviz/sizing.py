"""How big a figure is printed: the layout's sizes for a style, the text scaled so that labels
print at a font size at the printed width, and widths and font sizes as users write them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from .errors import SpecError


def metrics_for(style: Any) -> Any:
    """The layout's sizes for a style: its [proportions], the top line as thick as the style draws it,
    labels and arrowheads as big, ops big enough for a valve."""
    from .layout.metrics import Metrics

    lane = style.streams.pipe_width if style.vocabulary.lane == "pipe" else style.wire.width
    drawn_big = style.vocabulary.gate_product == "valve" or style.vocabulary.lane_sum == "tee"
    sizes = dict(style.proportions)
    if drawn_big:  # valves need room
        sizes["op_r"] = max(15.0, sizes.get("op_r", Metrics.op_r))
    return Metrics(
        **sizes,
        lane_width=lane,
        wire_width=style.wire.width,
        gate_across=style.vocabulary.gate_product == "valve",
        font=style.text.label_size,
        symbol_font=style.text.symbol_size,
        arrow=style.wire.arrow,
        equation_font=style.text.equation_size,
        bias_inputs=style.vocabulary.layer == "network",
    )


_UNITS = {"px": 1 / 100, "in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "pt": 1 / 72}


#: The smallest label a printed figure gets unless asked otherwise (a layer's f_t, the smallest kind):
#: 7.2 pt, so that its subscripts (0.7 of it) stay at 5 pt.
MIN_LABEL_PT = 7.2
#: How many times its own size a figure's text may be made to print at a font size asked for: labels
#: that big crowd the figure, and laying out so crowded a figure takes minutes (the sLSTM at 72 pt in
#: 8 cm, 22 times: 320 s).
MAX_TEXT_SCALE = 6.0


def sized(
    style: Any,
    lay_out: Callable[[Any], Any],
    width: str | float | None,
    font_size: str | float | None,
    attempts: int = 3,
) -> Any:
    """The style with its text scaled so that labels print at ``font_size`` points at the printed
    ``width`` (by default, given a width, no label smaller than :data:`MIN_LABEL_PT`), and the
    layout drawn with it. Larger text widens the layout a little, so it is laid out again, at most
    ``attempts - 1`` times (each may route a whole cell); a figure many modules wide (the chain, a
    wide cell in a narrow Axes) may stay below the minimum."""

    layout = lay_out(style)
    if font_size is None and width is None:
        return style, layout
    smallest = metrics_for(style).layer_label  # a layer's label, as a share of the others
    wanted = _points(font_size) if font_size is not None else None
    best: tuple[float, Any, Any] | None = None  # the nearest the target so far: (miss, style, layout)
    for attempt in range(attempts):
        printed_pt = inches(width, layout.width) * 72 if width is not None else layout.width * 0.75
        now = style.text.label_size * printed_pt / layout.width
        target = wanted if wanted is not None else max(now, (MIN_LABEL_PT + 0.05) / smallest)
        if best is not None and abs(target - now) >= best[0]:
            break  # larger text widened the figure more than it grew: keep the nearest
        best = (abs(target - now), style, layout)
        if best[0] < 0.05 or attempt == attempts - 1:
            break
        k = target / now
        if wanted is not None and attempt == 0 and k > MAX_TEXT_SCALE:
            largest = now * MAX_TEXT_SCALE
            raise SpecError(
                f"labels of {wanted:g} pt do not fit this figure at its width ({k:.0f} times its own text)",
                name="font-size",
                fix=f"give at most {largest:.0f}pt at this width, or a wider --width (width=)",
            )
        if wanted is None and k > 2:  # text more than twice as big would not fit: the figure is
            break  # too wide for the width (a chain in a column); it stays as it is
        style = text_scaled(style, k)
        layout = lay_out(style)
    assert best is not None
    return best[1], best[2]


def text_scaled(style: Any, k: float) -> Any:
    """``style`` with all its text ``k`` times as big: labels, symbols and equations."""
    text = style.text
    sizes = {name: getattr(text, name) * k for name in ("label_size", "symbol_size", "equation_size")}
    return dataclasses.replace(style, text=dataclasses.replace(text, **sizes))


def _points(size: str | float) -> float:
    """A font size such as "8pt" (or a number of points) in points."""
    if isinstance(size, int | float) and not isinstance(size, bool):
        value = float(size)
    else:
        match = re.fullmatch(r"\s*([0-9]{1,3}(?:\.[0-9]{1,3})?)\s*(pt)?\s*", str(size))
        if not match:
            raise SpecError(f"font size {size!r} is not a size in points", name="font-size", fix="write e.g. 8pt")
        value = float(match.group(1))
    if not 3 <= value <= 72:
        raise SpecError(f"font size {size!r} is not between 3 and 72 points", name="font-size", fix="write e.g. 8pt")
    return value


def dpi_for(width: str | float | None) -> float:
    """Pixels per inch of a PNG: a width given in pixels is met exactly; otherwise print quality."""
    in_pixels = isinstance(width, int | float) or (isinstance(width, str) and width.strip().endswith("px"))
    return 100.0 if in_pixels and not isinstance(width, bool) else 200.0


def inches(width: str | float, natural_px: float) -> float:
    """A width such as "8cm" or 600 (pixels) in inches."""
    if isinstance(width, int | float) and not isinstance(width, bool):
        value, unit = float(width), "px"
    else:
        match = re.fullmatch(r"\s*([0-9]{1,6}(?:\.[0-9]{1,6})?)\s*(px|in|cm|mm|pt)\s*", str(width))
        if not match:
            raise SpecError(
                f"width {width!r} is not a length with a unit", name="width", fix="write e.g. 8cm, 600px or 3in"
            )
        value, unit = float(match.group(1)), match.group(2)
    length = value * _UNITS[unit]
    if not 0.1 <= length <= 200:  # under a tenth of an inch nothing is legible; over 200 a typo
        raise SpecError(f"width {width!r} is not between 0.1 and 200 inches", name="width", fix="write e.g. 8cm")
    return length
