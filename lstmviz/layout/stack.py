"""A stack of layers unrolled over a few steps, as colah draws an unrolled RNN: one row of modules
per layer and direction, inputs x_1, x_2, ... in circles below, outputs above. A reverse row passes
its state to the left, and sits half a module to the right of the forward row so that the lines up
to either pass beside the other's modules; the two rows' outputs merge into one line (in colah's
notation, merging lines are concatenation) that rises to the next layer."""

from __future__ import annotations

from ..mathtext import MIDLINE, width
from .geometry import Box, Dot, Label, Layout, Point, Shape, Wire
from .metrics import Metrics


def layout_stack(kind: str, layers: int, directions: int, m: Metrics, steps: int = 3) -> Layout:
    """``layers`` rows of ``steps`` modules (two rows per layer with ``directions`` 2), each named
    ``kind`` (LSTM, GRU, RNN), with a caption per row."""
    r, u = m.port_r, m.unrolled
    w, h = u.module_w * r, u.module_h * r
    pitch = w * (u.pitch_two if directions == 2 else u.pitch)
    side = u.side * r if directions == 2 else 0.0  # how far a row stands left (forward) or right (reverse)
    caption = m.font * u.caption
    captions = [f"layer {k}" + (", reverse" if d else "") for k in range(layers) for d in range(directions)]
    left = m.pad + max(width(c, caption) for c in captions) + 2 * r + m.lead
    xs = [left + side + w / 2 + k * pitch for k in range(steps)]
    rise = u.rise * r  # from a module's top to the row above
    bottom = 0.0  # the input circles' tops; the whole is moved to the top margin at the end
    base = bottom - u.first_rise * r  # the lowest module's bottom in the layer being laid out
    shapes: list[Shape] = []
    wires: list[Wire] = []
    dots: list[Dot] = []
    labels: list[Label] = []
    for t, x in enumerate(xs, start=1):
        shapes.append(Shape(f"x{t}", "input", "port", Box(x, bottom + r, 2 * r, 2 * r), f"x_{t}"))
    feed = {t: (Point(x, bottom), f"x{t}") for t, x in enumerate(xs, start=1)}  # what each step reads
    for k in range(layers):
        tops = []
        for d in range(directions):
            y = base - h / 2 - d * (h + rise)
            shift = side if d else -side
            row = f"L{k}" + ("r" if d else "")
            labels.append(
                Label(row, captions[k * directions + d], m.pad, y + caption * MIDLINE, "start", caption, False)
            )
            for t, x in enumerate(xs, start=1):
                name = f"{row}.{t}"
                box = Box(x + shift, y, w, h)
                shapes.append(Shape(name, "module", "module", box, kind))
                src_at, src = feed[t]
                if directions == 2:  # the input forks below the forward module: to it, and beside it up
                    fork = Point(x, base + u.fork * r)
                    if d == 0:  # the forward branch carries the trunk from below, and the dot
                        dots.append(Dot(f"{src}>{k}", fork))
                    route = ((src_at,) if d == 0 else ()) + (fork, Point(box.x, fork.y), Point(box.x, box.bottom))
                else:
                    route = (src_at, Point(box.x, box.bottom))
                wires.append(Wire(f"{src}->{name}", "transfer", src, name, route))
                if t > 1:  # the state passes on: rightward in the forward row, leftward in the reverse
                    before = f"{row}.{t - 1}"
                    a, b = (box.left - pitch + w, box.left) if not d else (box.left, box.left - pitch + w)
                    src_, dst_ = (before, name) if not d else (name, before)
                    wires.append(Wire(f"{src_}->{dst_}", "transfer", src_, dst_, (Point(a, y), Point(b, y))))
            first, last = xs[0] + (side if d else -side), xs[-1] + (side if d else -side)
            wires += _row_ends(row, bool(d), (first - w / 2, last + w / 2), y, steps, (side, r), m)
            tops.append(y - h / 2)
        merge_y = min(tops) - u.fork * r
        for t, x in enumerate(xs, start=1):  # the outputs of this layer at step t, joined
            if directions == 2:
                join = Point(x, merge_y)
                shapes.append(Shape(f"join{k}.{t}", "concat", "junction", Box(x, merge_y, 0.0, 0.0)))
                for d, top in enumerate(tops):
                    name = f"L{k}" + ("r" if d else "") + f".{t}"
                    bx = x + (side if d else -side)
                    wires.append(
                        Wire(
                            f"{name}->join{k}.{t}",
                            "transfer",
                            name,
                            f"join{k}.{t}",
                            (Point(bx, top), Point(bx, merge_y), join),
                            arrow=False,
                        )
                    )
                feed[t] = (join, f"join{k}.{t}")
            else:
                feed[t] = (Point(x, tops[0]), f"L{k}.{t}")
        base = (merge_y - rise) if directions == 2 else tops[0] - rise
    top_y = min(p.y for p, _ in feed.values()) - u.top_rise * r
    for t, x in enumerate(xs, start=1):
        at, src = feed[t]
        shapes.append(Shape(f"h{t}", "output", "port", Box(x, top_y - r, 2 * r, 2 * r), f"h_{t}"))
        wires.append(Wire(f"{src}->h{t}", "transfer", src, f"h{t}", (at, Point(x, top_y))))
    dy = m.pad - (top_y - 2 * r)  # the outputs' tops at the top margin
    right = xs[-1] + side + w / 2 + m.lead + m.pad
    return _moved(
        Layout(right, bottom + 2 * r + m.pad, None, tuple(shapes), tuple(wires), tuple(dots), tuple(labels)), dy
    )


def _row_ends(
    row: str, reverse: bool, ends: tuple[float, float], y: float, steps: int, out: tuple[float, float], m: Metrics
) -> list[Wire]:
    """A row's initial state coming in and its last state leaving, at ``ends`` (the row's left and
    right edges): from the left and to the right in the forward row, the other way round in the
    reverse one; the state leaving reaches past the other row's modules (``out``: side, radius)."""
    (left, right), (side, r), lead = ends, out, m.lead
    if not reverse:
        leaving = (Point(right, y), Point(right + side + r + lead * m.unrolled.leaving, y))
        return [
            Wire(f"{row}.0->", "transfer", "", f"{row}.1", (Point(left - lead, y), Point(left, y))),
            Wire(f"{row}.->", "transfer", f"{row}.{steps}", "", leaving),
        ]
    leaving = (Point(left, y), Point(left - side - r - lead * m.unrolled.leaving, y))
    return [
        Wire(f"{row}.0->", "transfer", "", f"{row}.{steps}", (Point(right + lead, y), Point(right, y))),
        Wire(f"{row}.->", "transfer", f"{row}.1", "", leaving),
    ]


def _moved(layout: Layout, dy: float) -> Layout:
    """``layout`` moved down by ``dy`` (its height grown to match)."""
    import dataclasses

    return dataclasses.replace(
        layout,
        height=layout.height + dy,
        shapes=tuple(dataclasses.replace(s, box=s.box.moved(0, dy)) for s in layout.shapes),
        wires=tuple(dataclasses.replace(w, points=tuple(q.moved(0, dy) for q in w.points)) for w in layout.wires),
        dots=tuple(Dot(d.node, d.at.moved(0, dy)) for d in layout.dots),
        labels=tuple(dataclasses.replace(lab, y=lab.y + dy) for lab in layout.labels),
    )
