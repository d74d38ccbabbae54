"""Sizes the layout works with, in pixels. A style may change them; the layout never sees colours."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Metrics:
    """Sizes of a figure, in pixels. The defaults are lstmviz's plain look; a style sets its own in its
    [proportions] table (the colah style's are measured from the post's figures)."""

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
    gate_gap: float = 0.0  # more room between the layers and the ops above them (a label between)
    layer_label: float = 0.85  # a layer's label (f_t), as a share of ``font``
    symbol_font: float = 11.0  # size of the symbols inside shapes
    lane_width: float = 3.0  # how thick the top line is drawn (a pipe is thicker), so labels clear it
    wire_width: float = 2.6  # how thick a wire is drawn: parallel wires keep half of it clear between them
    gate_across: bool = False  # a gate comes into its product across the stream (a valve's handle)
    arrow: float = 8.0  # an arrowhead's length
    stub: float = 14.0  # a wire's last straight piece into a shape (a longer arrowhead is shortened to fit)
    port_r: float = 16.25  # the circles of x_t and h_t in the chain figures
    module_above: float = 0.75  # room in the module above its top line, in rows (it grows with them)
    module_below: float = 0.6  # and below its bottom one
    equation_font: float = 15.0  # the equations beside a focus figure
    bias_inputs: bool = False  # each layer's bias drawn as an input of its own, b_0, b_1, ...
    # the small distances that keep things apart
    label_gap: float = 3.0  # between a label and the line or box it names
    label_margin: float = 6.0  # a label's room past the tip of an arrow, or a lead's past its label
    terminal_gap: float = 5.0  # between the line of an input and its label
    arrow_clear: float = 4.0  # between a label (or a short bias line's end) and an arrowhead's base
    nudge: float = 2.0  # the least gap that reads as one, where things nearly touch
    label_clearance: float = 1.5  # a label's distance from a line past half its width (width() may err by one)
    layer_label_room: float = 12.0  # a column's room past its layer's label, beside the line from its top
    symbol_pad: float = 12.0  # a box's width past its symbol's
    ellipse_pad: float = 10.0  # an ellipse's width past its word's
    terminal_room: float = 12.0  # between inputs (or outputs) side by side, past one's label
    port_gap: float = 8.0  # between the chain view's circles of x_t side by side
    shape_gap: float = 3.0  # between a wire and a shape it passes
    dot_room: float = 7.0  # the room a junction's dot takes
    state_lanes: float = 0.6  # between the lanes of states below the module, in rows
    bias_length: float = 10.0  # a bias's line past its arrowhead
    bias_inset: float = 8.0  # a bias's line in from the corner of its box
    bias_room: float = 8.0  # a column's room past a bias's name
    bias_label: float = 0.8  # a bias's name, as a share of ``font``
    crowded_label: float = 0.8  # a layer's label with no clear place, as a share of its size
