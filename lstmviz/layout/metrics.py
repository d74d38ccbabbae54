"""Sizes the layout works with, in pixels. A style may change them; the layout never sees colours."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Metrics:
    """Proportions of a cell figure (defaults measured from the colah figures at 800 px wide)."""

    column: float = 68.0  # distance between the centres of neighbouring columns
    row: float = 38.0  # distance between rows
    box_w: float = 42.0  # a layer's box
    box_h: float = 22.0
    op_r: float = 10.0  # a pointwise op's circle
    ellipse_w: float = 38.0  # an op whose symbol is a word (tanh)
    ellipse_h: float = 18.0
    track: float = 7.0  # distance between parallel wires of different sources
    lead: float = 46.0  # length of a wire outside the module, where its label sits
    pad: float = 22.0  # room between the module's outline and what is inside
    font: float = 13.0  # size of math labels
    symbol_font: float = 11.0  # size of the symbols inside shapes
    lane_width: float = 3.0  # how thick the top line is drawn (a pipe is thicker), so labels clear it
    wire_width: float = 2.6  # how thick a wire is drawn: parallel wires keep half of it clear between them
    gate_across: bool = False  # a gate comes into its product across the stream (a valve's handle)
