"""The posts' pictures that are not of a cell: the legend of the notation, one gate, an RNN rolled
and unrolled, and short- and long-term dependencies. Each returns a :class:`Layout` drawn from
``Metrics`` alone."""

from __future__ import annotations

from ..mathtext import width
from .geometry import Box, Dot, Label, Layout, Point, Shape, Wire
from .metrics import Metrics

#: The valve vocabulary's own symbols, each a figure of Shi Yan's post by itself, by view name.
SYMBOLS = {"pipe": "Pipe (memory)", "valve": "Valve", "t-joint": "T-joint"}


def layout_legend(m: Metrics, only: str | None = None) -> Layout:
    """The key of the notation. colah's: layer, pointwise op, vector transfer, concatenate, copy. In
    the valve vocabulary (Shi Yan's) the pipe, a valve and a T-joint come first, then the rest.
    ``only`` (a caption) draws that one entry alone: the pipe, the valve, the T-joint of his post."""
    captions = ["Neural Network Layer", "Pointwise Operation", "Vector Transfer", "Concatenate", "Copy"]
    if m.gate_across:
        captions = ["Pipe (memory)", "Valve", "T-joint", "Network"] + captions[2:]
    if only is not None:
        captions = [only]
    caption = m.font * m.legend_caption
    gap = max([m.column * m.legend_gap] + [width(c, caption) + m.pad for c in captions])
    y = m.pad + m.row
    x = [m.pad + gap / 2 + k * gap for k in range(len(captions))]
    half = gap * m.legend_line
    at = dict(zip(captions, x))
    shapes, wires = [], []
    r = m.op_r
    if "Pipe (memory)" in at:
        pipe = (Point(at["Pipe (memory)"] - half, y), Point(at["Pipe (memory)"] + half, y))
        wires.append(Wire("pipe", "transfer", "", "", pipe, lane=True))
    if "Valve" in at:
        shapes.append(Shape("valve", "op", "circle", Box(at["Valve"], y, 2 * r, 2 * r), "×", "gate-product", "gate"))
    if "T-joint" in at:
        shapes.append(Shape("tee", "op", "circle", Box(at["T-joint"], y, 2 * r, 2 * r), "+", "lane-sum"))
    if only in ("Valve", "T-joint"):  # alone, on the pipe it sits on; new memory comes up into a T-joint
        wires.append(Wire("pipe-in", "transfer", "", "", (Point(x[0] - half, y), Point(x[0] - r, y)), lane=True))
        wires.append(Wire("pipe-out", "transfer", "", "", (Point(x[0] + r, y), Point(x[0] + half, y)), lane=True))
        if only == "T-joint":
            wires.append(Wire("new", "transfer", "", "", (Point(x[0], y + m.row / 2 + r), Point(x[0], y + r))))
    if "Pointwise Operation" in at:
        shapes.append(Shape("op", "op", "circle", Box(at["Pointwise Operation"], y, 2 * r, 2 * r)))
    layer = next((c for c in ("Network", "Neural Network Layer") if c in at), None)
    if layer is not None:
        shapes.insert(0, Shape("layer", "layer", "box", Box(at[layer], y, m.box_w, m.box_h)))
    d = max(m.legend_split, m.wire_width * m.legend_split_wires)  # a merge's or a fork's two lines
    if "Vector Transfer" in at:
        vx = at["Vector Transfer"]
        wires.append(Wire("transfer", "transfer", "", "", (Point(vx - half, y), Point(vx + half, y))))
    if "Concatenate" in at:
        cx = at["Concatenate"]
        wires += [
            Wire(
                "concat-a", "concat", "", "", (Point(cx - half, y - d), Point(cx - d, y - d), Point(cx - d, y)), False
            ),
            Wire(
                "concat-b", "concat", "", "", (Point(cx - half, y + d), Point(cx - d, y + d), Point(cx - d, y)), False
            ),
            Wire("concat", "transfer", "", "", (Point(cx - d, y), Point(cx + half, y))),
        ]
    dots = []
    if "Copy" in at:
        px = at["Copy"]
        wires += [
            Wire(
                "copy-a", "copy", "", "", (Point(px - half, y), Point(px, y), Point(px, y - d), Point(px + half, y - d))
            ),
            Wire(
                "copy-b", "copy", "", "", (Point(px - half, y), Point(px, y), Point(px, y + d), Point(px + half, y + d))
            ),
        ]
        dots.append(Dot("copy", Point(px, y)))
    labels = [
        Label(f"legend-{k}", text, x[k], y + m.row * m.legend_drop + d / 2, "middle", caption, math=False)
        for k, text in enumerate(captions)
    ]
    return Layout(
        x[-1] + gap / 2 + m.pad,
        y + m.row * m.legend_drop + d / 2 + m.pad,
        None,
        tuple(shapes),
        tuple(wires),
        tuple(dots),
        tuple(labels),
    )


def layout_gate(m: Metrics) -> Layout:
    """colah's gate: a sigmoid layer whose output goes up into a pointwise product on a line, letting
    through as much of the line's value as it says."""
    x, y = m.pad + m.lead + m.op_r, m.pad + m.op_r + m.gate_top
    layer_y = y + m.row * m.gate_drop
    shapes = (
        Shape("gate", "layer", "box", Box(x, layer_y, m.box_w, m.box_h), "σ"),
        Shape("product", "op", "circle", Box(x, y, 2 * m.op_r, 2 * m.op_r), "×"),
    )
    end = x + m.op_r + m.lead
    wires = (
        Wire("in->product", "transfer", "", "product", (Point(m.pad, y), Point(x - m.op_r, y))),
        Wire("product->out", "transfer", "product", "", (Point(x + m.op_r, y), Point(end, y))),
        Wire("gate->product", "transfer", "gate", "product", (Point(x, layer_y - m.box_h / 2), Point(x, y + m.op_r))),
    )
    height = layer_y + m.box_h / 2 + m.pad
    return Layout(end + m.pad, height, None, shapes, wires, (), ())


# -- the simple RNN figures ------------------------------------------------------------------------
# Proportions of RNN-rolled.png and RNN-unrolled.png: Metrics.unrolled, in the input circle's radius.
def _unit(name: str, at: Point, m: Metrics, x_label: str, h_label: str) -> tuple[list[Shape], list[Wire]]:
    """One module A with its input below and its output above."""
    r, u = m.port_r, m.unrolled
    box = Box(at.x, at.y, u.module_w * r, u.module_h * r)
    x_port = Point(at.x, box.bottom + r * u.input_below)
    h_port = Point(at.x, box.top - r * u.output_above)
    shapes = [
        Shape(name, "module", "module", box, "A"),
        Shape(f"{name}.x", "input", "port", Box(x_port.x, x_port.y, 2 * r, 2 * r), x_label),
        Shape(f"{name}.h", "output", "port", Box(h_port.x, h_port.y, 2 * r, 2 * r), h_label),
    ]
    wires = [
        Wire(f"{name}.x->{name}", "transfer", f"{name}.x", name, (Point(at.x, x_port.y - r), Point(at.x, box.bottom))),
        Wire(f"{name}->{name}.h", "transfer", name, f"{name}.h", (Point(at.x, box.top), Point(at.x, h_port.y + r))),
    ]
    return shapes, wires


def layout_rolled(m: Metrics) -> Layout:
    """A module A with a loop: its state leaves on the right, goes over the top and comes back in on
    the left at the next step."""
    r, u = m.port_r, m.unrolled
    w, h, out = u.module_w * r, u.module_h * r, u.loop_out * r
    at = Point(m.pad + w / 2 + out, m.pad + 2 * r + u.output_above * r + h / 2)
    shapes, wires = _unit("A", at, m, "x_t", "h_t")
    left, right, top = at.x - w / 2, at.x + w / 2, at.y - h / 2
    loop = (
        Point(right, at.y),
        Point(right + out, at.y),
        Point(right + out, top - u.loop_over * r),
        Point(left - out, top - u.loop_over * r),
        Point(left - out, at.y),
        Point(left, at.y),
    )
    wires.append(Wire("A->A", "transfer", "A", "A", loop))
    height = at.y + h / 2 + u.input_below * r + r + m.pad
    return Layout(right + out + m.pad, height, None, tuple(shapes), tuple(wires), (), ())


def layout_unrolled(m: Metrics) -> Layout:
    """The rolled module, "=", and the chain it stands for: A -> A -> A, a long arrow, A; "..."
    between the inputs where the steps left out would be."""
    rolled = layout_rolled(m)
    r, u = m.port_r, m.unrolled
    y = rolled.shapes[0].box.y
    shapes, wires, labels, right = _unrolled(m, ["0", "1", "2", "t"], rolled.width + 2 * u.equals_at * r, y)
    at = Point(rolled.width + u.equals_at * r, y + r * u.equals_drop)
    labels.append(Label("equals", "=", at.x, at.y, "middle", r * u.equals_size, math=False))
    return Layout(
        right + m.pad,
        rolled.height,
        None,
        rolled.shapes + tuple(shapes),
        rolled.wires + tuple(wires),
        (),
        tuple(labels),
    )


def layout_dependency(m: Metrics, long: bool) -> Layout:
    """colah's short- and long-term dependency figures: an unrolled chain in which the inputs x_0 and
    x_1 stand out with the output that needs them (h_3 a few steps on, or h_{t+1} far beyond the
    steps left out); every other circle is faded."""
    r, u = m.port_r, m.unrolled
    names = ["0", "1", "2", "t", "t+1"] if long else ["0", "1", "2", "3", "4"]
    reader = names[-1] if long else "3"
    y = m.pad + 2 * r + u.output_above * r + u.dependency_room * r
    shapes, wires, labels, right = _unrolled(m, names, m.pad, y)
    lit = {"A0.x", "A1.x", f"A{reader}.h"}
    faded = frozenset(s.node for s in shapes if s.shape == "port" and s.node not in lit)
    height = y + u.dependency_room * r + u.input_below * r + r + m.pad
    return Layout(right + m.pad, height, None, tuple(shapes), tuple(wires), (), tuple(labels), faded=faded)


def _unrolled(
    m: Metrics, names: list[str], left: float, y: float
) -> tuple[list[Shape], list[Wire], list[Label], float]:
    """Modules A_k for each of ``names`` from ``left``, each passing its state to the next; a long
    arrow and "..." where the steps run from 2 to t (the steps left out). Returns the right end too."""
    r, u = m.port_r, m.unrolled
    w = u.module_w * r
    x = left + w / 2
    shapes: list[Shape] = []
    wires: list[Wire] = []
    labels: list[Label] = []
    for k, t in enumerate(names):
        sub = t if len(t) == 1 else "{" + t + "}"
        unit_shapes, unit_wires = _unit(f"A{t}", Point(x, y), m, f"x_{sub}", f"h_{sub}")
        shapes += unit_shapes
        wires += unit_wires
        if k + 1 < len(names):
            skipped = names[k + 1] == "t"
            gap = (u.skipped if skipped else u.step) * r  # the steps left out: a long arrow
            line = (Point(x + w / 2, y), Point(x + w / 2 + gap, y))
            wires.append(Wire(f"A{t}->A{names[k + 1]}", "transfer", f"A{t}", f"A{names[k + 1]}", line))
            if skipped:
                below = unit_shapes[1].box.y
                at = Point(x + w / 2 + gap / 2, below + r * u.dots_drop)
                labels.append(Label("dots", "...", at.x, at.y, "middle", r * u.dots_size, math=False))
            x += w + gap
    return shapes, wires, labels, x + w / 2
