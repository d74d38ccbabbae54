"""The stack figure (a module's layers and directions, unrolled): every line trustworthy."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lstmviz.drawing.scene import build_scene
from lstmviz.drawing.svg import to_svg
from lstmviz.layout.stack import layout_stack
from lstmviz.sizing import metrics_for
from lstmviz.style import load_style
from tests import drawn


@settings(max_examples=25, deadline=None)
@given(
    layers=st.integers(1, 4),
    directions=st.integers(1, 2),
    steps=st.integers(1, 5),
    kind=st.sampled_from(["LSTM", "GRU", "RNN"]),
    style=st.sampled_from(["colah", "pipe"]),
)
def test_stacks_have_no_defects_and_only_the_crossings_two_directions_need(layers, directions, steps, kind, style):
    sheet = load_style(style)
    layout = layout_stack(kind, layers, directions, metrics_for(sheet), steps=steps)
    d = drawn.read(to_svg(build_scene(layout, sheet)))
    assert drawn.defects(d) == []
    # a reverse row's lines cross the forward row's: per layer, one per step each way, and its exits
    assert drawn.crossings(d) == (layers * 2 * steps if directions == 2 else 0)
    modules = [s for s in layout.shapes if s.shape == "module"]
    assert len(modules) == layers * directions * steps and {s.symbol for s in modules} == {kind}
    # the two directions' outputs merge (concatenation) once per layer and step
    assert len([s for s in layout.shapes if s.kind == "concat"]) == (layers * steps if directions == 2 else 0)
