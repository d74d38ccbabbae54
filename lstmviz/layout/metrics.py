"""Sizes the layout works with, in pixels. A style may change them; the layout never sees colours."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Unrolled:
    """Proportions of colah's unrolled figures (RNN-rolled.png, RNN-unrolled.png, the dependency
    figures) and of the stacked layers drawn like them, in the input circle's radius (``port_r``)."""

    module_w: float = 4.0  # a module A
    module_h: float = 2.4
    input_below: float = 3.7  # its input circle's centre below it
    output_above: float = 3.9  # its output circle's centre above it
    step: float = 2.7  # between one module and the next
    skipped: float = 7.2  # the same where steps are left out (a long arrow, "..." below it)
    dots_drop: float = 0.3  # the "..." below the inputs' centres
    dots_size: float = 1.3  # and its size
    loop_out: float = 1.8  # the rolled module's loop: out from its sides
    loop_over: float = 1.1  # and over its top
    equals_at: float = 2.5  # the "=" past the rolled module (the chain starts twice as far)
    equals_size: float = 2.0
    equals_drop: float = 0.6  # its baseline below the modules' middle
    dependency_room: float = 1.2  # more room above and below the dependency figures' modules
    # a stack of layers
    pitch: float = 1.7  # between the modules of a row, in their widths
    pitch_two: float = 2.3  # the same with two directions
    side: float = 1.5  # how far a forward row stands left of the reverse one
    rise: float = 2.2  # from a module's top to the row above
    first_rise: float = 2.0  # from the inputs' tops to the lowest module
    fork: float = 1.1  # an input's fork below the forward module, and the merge above the rows
    top_rise: float = 2.6  # from the last merge or module to the outputs' circles' bottoms
    caption: float = 0.9  # a row's caption, as a share of ``font``
    leaving: float = 0.8  # a row's last state leaves for this share of ``lead`` past the other row


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
    line_in_middle: bool = False  # the cell state's line through the middle, what leaves it above (Shi Yan)
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
    # the views made from the cell's figure
    equation_leading: float = 1.6  # between the baselines of the equations beside a figure, in equation_font
    round_label: float = 0.7  # a layer's or op's round number (the ordered view), as a share of ``font``
    round_gap: float = 2.0  # between a round number and its shape
    chain_module: float = 5.8  # the chain's modules at least this many columns wide (the LSTM's, as in the post)
    chain_aspect: float = 0.62  # and at least this share of their width high
    chain_side: float = 1.0  # the outer modules' width, in the middle one's (narrower: no faded copy inside)
    chain_above: float = 3.6  # the outputs' circles, their centres above the module, in port_r (colah's chain)
    chain_below: float = 2.9  # the inputs' circles, their centres below it
    unrolled: Unrolled = Unrolled()  # the unrolled figures and stacks
    # the legend and colah's gate
    legend_gap: float = 1.9  # between the legend's items, in columns at least
    legend_caption: float = 0.8  # its captions, as a share of ``font``
    legend_line: float = 0.3  # how far its lines reach either side of an item, as a share of the gap
    legend_split: float = 12.0  # between the two lines of a merge or a fork, at least
    legend_split_wires: float = 3.5  # and at least so many wires' widths
    legend_drop: float = 1.1  # the captions' baselines below the items, in rows
    gate_drop: float = 1.9  # colah's gate: the layer below its product, in rows
    gate_top: float = 2.0  # room above the product
