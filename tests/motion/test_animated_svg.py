"""The animated SVG: real values from the executor, each beside its own line, read back from the
file and checked against the trace, the layout and the walk-through."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import lstmviz
from lstmviz.motion.colour import diverging
from lstmviz.motion.timeline import build_timeline, parse_units
from lstmviz.spec.roles import equations, roles
from tests import drawn
from tests.support import run_cli

SVG = "{http://www.w3.org/2000/svg}"


def groups(svg: str, css: str):
    """The cue groups of class ``css``: (data attributes, the group)."""
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if (g.get("class") or "").split()[:1] == [css]:
            yield {k[5:]: v for k, v in g.attrib.items() if k.startswith("data-")}, g


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_the_numbers_shown_are_the_traces(name):
    x = np.random.default_rng(3).standard_normal((5, 1, 3))
    d = drawn.read(lstmviz.animate(name, x=x))
    trace = lstmviz.run(name, x, trace=True).trace
    assert d.strips and {s.step for s in d.strips} == set(range(5))
    for s in d.strips:
        np.testing.assert_array_equal(s.values, trace[s.node][s.step, 0, list(s.units)])
        assert s.units == tuple(range(len(s.values)))
        if s.numbers:  # a small vector has its numbers in its cells
            assert s.numbers == tuple(f"{v:.2f}" for v in s.values)


@pytest.mark.parametrize("style", ["colah", "pipe"])
@pytest.mark.parametrize("view", ["cell", "chain", "ordered"])
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_every_strip_sits_clear_of_the_figure_and_of_the_others(name, style, view):
    """The figures' own checker, which reads the SVG alone: a strip covers no label, shape, dot or
    wire, nor another strip of its step, and stays on the canvas; the figure under it has no defect."""
    for dims in (None, {"hidden": 16}):
        d = drawn.read(lstmviz.animate(name, steps=1, style=style, view=view, dims=dims))
        assert drawn.defects(d) == []
        assert len(d.strips) == len(
            [n for n in lstmviz.load(name).nodes if n.kind in ("input", "state-in", "layer", "op")]
        )


def test_each_strip_is_beside_its_own_line():
    """Within a few ems of its own node's line, and nearer it than any line of another node (a line
    into it, as its bias, is its own too): f_t's values are read as f_t's."""
    for style in ("colah", "pipe"):
        d = drawn.read(lstmviz.animate("lstm", steps=1, style=style))
        for s in d.strips:
            cells = drawn.Rect(
                min(c.left for c in s.cells),
                min(c.top for c in s.cells),
                max(c.right for c in s.cells),
                max(c.bottom for c in s.cells),
            )

            def distance(line) -> float:  # type: ignore[no-untyped-def]
                return min(_gap(cells, p, q) for p, q in zip(line.points, line.points[1:]))

            own = min(distance(line) for line in d.lines if line.src == s.node)
            assert own <= 2.5 * s.size, (style, s.node, own)
            others = [distance(line) for line in d.lines if s.node not in (line.src, line.dst)]
            assert own <= min(others) + 1e-6 or own <= 8, (style, s.node, own, min(others))


def _gap(box, p, q) -> float:  # type: ignore[no-untyped-def]
    """How far the segment p-q passes from the box."""
    (x1, y1), (x2, y2) = p, q
    dx = max(box.left - max(x1, x2), min(x1, x2) - box.right, 0)
    dy = max(box.top - max(y1, y2), min(y1, y2) - box.bottom, 0)
    return float(np.hypot(dx, dy))


def test_strips_have_their_values_names():
    d = drawn.read(lstmviz.animate("lstm", steps=1))
    names = {data["node"]: data["name"] for data, _ in groups(lstmviz.animate("lstm", steps=1), "strip")}
    assert names["f"] == "f_t" and names["x"] == "x_t" and names["fc"] == "f_t ⊙ C_{t−1}"
    assert all(s.name.right > s.name.left for s in d.strips)


def test_the_walk_through_plays_each_step_in_order_and_values_appear_in_their_step():
    svg = lstmviz.animate("lstm", steps=2)
    cell = lstmviz.load("lstm")
    walk = roles(cell).step_shows
    # the captions: one per phase, repeating every time step
    captions = [(data["phase"], float(data["start"]), float(data["end"])) for data, _ in groups(svg, "caption")]
    assert [p for p, _, _ in captions] == ["inputs", *walk, "hand-over"]
    assert [a for _, a, _ in captions] == sorted(a for _, a, _ in captions) and captions[0][1] == 0
    step = captions[-1][2]
    assert all(b == pytest.approx(c) for (_, _, b), (_, c, _) in zip(captions, captions[1:]))  # end to end
    assert f".every {{ animation-duration: {step:.3f}s" in svg
    phase_of = {p: (a, b) for p, a, b in captions}
    owner = {
        n: name for name, ids in walk.items() for n in ids if n in cell.by_id and cell.node(n).kind in ("layer", "op")
    }
    for data, _ in groups(svg, "strip"):
        a, b = phase_of[owner.get(data["node"], "inputs")]
        t = int(data["step"])
        assert a <= float(data["start"]) - t * step < b, data  # a value appears while its step plays
        assert float(data["end"]) == pytest.approx((t + 1) * step)  # and stays to the step's end
    for data, g in groups(svg, "caption"):  # the step's equations, as the walk-through has them
        if data["phase"] in walk:
            shown = [t.get("data-source") or "".join(t.itertext()) for t in g.iter(f"{SVG}text")][1:]
            assert len(shown) == len(equations(cell, walk[data["phase"]]))


def test_while_a_step_computes_the_rest_dims():
    """Each figure group's fade repeats every time step: lit while its step plays, dimmed while another does."""
    svg = lstmviz.animate("lstm", steps=2)
    fades = dict(re.findall(r"@keyframes (d\d+) \{ (.*?) \}\n", svg.replace("]]></style>", "\n</style>") + "\n"))
    assert fades, "no fades"
    node_fade = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        cls = (g.get("class") or "").split()
        if "dim" in cls and g.get("data-node"):
            node_fade[g.get("data-node")] = cls[-1]
    # the output gate dims during the forget step, and is lit during its own
    phases = [(data["phase"], float(data["start"]), float(data["end"])) for data, _ in groups(svg, "caption")]
    length = phases[-1][2]

    def opacity(node: str, phase: str) -> float:
        _, a, b = next(p for p in phases if p[0] == phase)
        frames = re.findall(r"([0-9.]+)%, ([0-9.]+)% \{opacity: ([0-9.]+)\}", fades[node_fade[node]])
        middle = 100 * (a + b) / 2 / length
        return next(float(o) for lo, hi, o in frames if float(lo) <= middle <= float(hi))

    assert opacity("o", "forget") < 0.5 and opacity("o", "output") == 1
    assert opacity("f", "forget") == 1 and opacity("f", "output") < 0.5
    assert ".dim { animation-duration: " in svg


def test_a_time_counter_and_a_colour_key():
    svg = lstmviz.animate("gru", steps=3)
    counters = [(data["step"], "".join(g.itertext())) for data, g in groups(svg, "counter")]
    assert [t for t, _ in counters] == ["0", "1", "2"]
    assert [text.replace(" ", "") for _, text in counters] == ["t=0", "t=1", "t=2"]
    ((_, key),) = groups(svg, "key")
    cells = [(float(r.get("data-value")), r.get("fill")) for r in key.iter(f"{SVG}rect")]
    assert [v for v, _ in cells] == sorted(v for v, _ in cells) and cells[0][0] < 0 < cells[-1][0]
    assert all(fill == diverging(v) for v, fill in cells)
    assert diverging(0.0) == "#ffffff"


def test_diverging_colours():
    assert diverging(0.0) == "#ffffff"
    assert diverging(50.0) == "#08306b" and diverging(-50.0) == "#67000d"  # Blues' and Reds' darkest

    def chroma(hex_colour: str) -> int:
        rgb = [int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)]
        return max(rgb) - min(rgb)

    # a gate's typical values read as colours, not grey (a plain mix toward white gave 0.68 a chroma of about 60)
    assert all(chroma(diverging(v)) >= 80 for v in (0.5, 0.68, 0.9, -0.5, -0.68))
    darker = [sum(int(diverging(v)[k : k + 2], 16) for k in (1, 3, 5)) for v in (0.1, 0.3, 0.5, 0.7, 0.9)]
    assert darker == sorted(darker, reverse=True)  # gate values in [0, 1] stay distinct, in order


def test_gates_read_zero_to_one_and_tanh_minus_one_to_one():
    d = drawn.read(lstmviz.animate("lstm", steps=3))
    for s in d.strips:
        if s.node in ("f", "i", "o"):
            assert all(0 <= v <= 1 for v in s.values)
        if s.node in ("g", "tanh_c"):
            assert all(-1 <= v <= 1 for v in s.values)


def test_nan_and_infinity_are_shown_as_such():
    x = np.zeros((2, 1, 3))
    x[0, 0, 0], x[1, 0, 1] = np.nan, np.inf
    with pytest.warns(lstmviz.NonFiniteWarning, match="NaN at step 0, first in input 'x'"):
        svg = lstmviz.animate("rnn", x=x)
    values = {v for s in drawn.read(svg).strips if s.node == "x" for v in s.values}
    assert any(np.isnan(v) for v in values) and np.inf in values
    assert "x_t[0] at t=0: NaN" in svg and diverging(float("nan")) == "#9e9e9e"


def test_a_window_of_a_long_sequence_and_a_choice_of_units():
    x = np.random.default_rng(0).standard_normal((500, 1, 3))
    svg = lstmviz.animate("gru", x=x, window=(490, 494), units=[0, 2])
    d = drawn.read(svg)
    trace = lstmviz.run("gru", x, trace=True).trace
    assert {s.step for s in d.strips} == {490, 491, 492, 493}
    for s in d.strips:
        assert s.units == (0, 2)
        np.testing.assert_array_equal(s.values, trace[s.node][s.step, 0, [0, 2]])
    with pytest.raises(lstmviz.DataError, match="window 490:600 is outside the 500 steps"):
        build_timeline(lstmviz.load("gru"), trace, window=(490, 600))
    with pytest.raises(lstmviz.DataError, match="unit 9 is beyond the widest vector"):
        build_timeline(lstmviz.load("gru"), trace, units=[9])


def test_what_a_default_leaves_out_is_said():
    notes: list[str] = []
    svg = lstmviz.animate("lstm", steps=12, dims={"hidden": 20}, notes=notes)
    assert notes == [
        "showing steps 0:8 of 12; --window START:STOP shows others",
        "showing units 0:16 of 20; --units 0:20 (or a list) shows others",
    ]
    ((_, note),) = groups(svg, "note")
    assert "showing steps 0:8 of 12" in "".join(note.itertext())
    assert {len(s.values) for s in drawn.read(svg).strips} <= {3, 16}
    notes.clear()
    lstmviz.animate("lstm", steps=12, window=(0, 12), dims={"hidden": 20}, units=range(20), notes=notes)
    assert notes == []


def test_units_are_parsed():
    assert parse_units("0:16") == tuple(range(16))
    assert parse_units("3,5,9") == (3, 5, 9) and parse_units("4") == (4,)
    for bad in ("a", "3:1", "-1", "1,1", "", "0:99999"):
        with pytest.raises(lstmviz.DataError, match="is not a range or a list of at most 4,096 units"):
            parse_units(bad)


@pytest.mark.slow
def test_the_cli_reports_trimming_and_takes_units(tmp_path):
    out = run_cli("animate", "lstm", "-T", "10", "--dim", "hidden=24", "-o", tmp_path / "a.svg")
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines() == [
        "note: showing steps 0:8 of 10; --window START:STOP shows others",
        "note: showing units 0:16 of 24; --units 0:24 (or a list) shows others",
    ]
    chosen = run_cli("animate", "lstm", "-T", "2", "--units", "1,3", "-o", tmp_path / "b.svg")
    assert chosen.returncode == 0 and chosen.stderr == ""
    assert {s.units for s in drawn.read((tmp_path / "b.svg").read_text()).strips if s.node != "x"} == {(1, 3)}
    bad = run_cli("animate", "lstm", "--units", "0:x", "-o", tmp_path / "c.svg")
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "--units" in bad.stderr
    assert not (tmp_path / "c.svg").exists()


def test_size_and_the_cli(tmp_path):
    out = run_cli("animate", "lstm", "-T", "8", "-o", tmp_path / "a.svg")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "a.svg").stat().st_size < 300_000  # T=8, hidden size 4: the first animation issue's target
    assert "<script" not in (tmp_path / "a.svg").read_text()
    bad = run_cli("animate", "lstm", "-o", tmp_path / "a.avi")
    assert bad.returncode == 2 and "unknown animation format 'avi'" in bad.stderr


def test_valves_open_and_close_with_their_gates_in_the_pipe_style():
    x = np.random.default_rng(5).standard_normal((3, 1, 3))
    svg = lstmviz.animate("lstm", x=x, style="pipe")
    trace = lstmviz.run("lstm", x, trace=True).trace
    found: dict[str, list] = {}
    gate = {"fc": "f", "ig": "i", "h": "o"}
    for data, g in groups(svg, "valve-opening"):
        found.setdefault(data["node"], []).append((int(data["step"]), float(data["opening"]), g))
    assert set(found) == {"fc", "ig", "h"}
    for valve, seen in found.items():
        assert [t for t, _, _ in seen] == [0, 1, 2]
        expected = [float(np.mean(trace[gate[valve]][t, 0])) for t in range(3)]
        np.testing.assert_allclose([o for _, o, _ in seen], expected, rtol=1e-3)
        # the gate (the second bar) closes as much of the water (the first) as the gate is shut
        for _, opening, g in seen:
            water, plate = (float(r.get("height")) * float(r.get("width")) for r in g.iter(f"{SVG}rect"))
            assert plate / water == pytest.approx(1 - opening, abs=1e-2)
    # a valve holds its opening from its gate's beat until the next one
    starts = {data["node"]: [] for data, _ in groups(svg, "valve-opening")}
    for data, _ in groups(svg, "valve-opening"):
        starts[data["node"]].append((float(data["start"]), float(data["end"])))
    for spans in starts.values():
        assert all(b == pytest.approx(c) for (_, b), (c, _) in zip(spans, spans[1:]))
    assert "valve-opening" not in lstmviz.animate("lstm", x=x, style="colah")


def test_the_chain_hands_each_state_over_to_the_next_module():
    svg = lstmviz.animate("lstm", steps=2, view="chain")
    root = ET.fromstring(svg)
    module = next(g for g in root.iter(f"{SVG}g") if g.get("data-node") == "A+1" and "module" in g.get("class"))
    r = module.find(f"{SVG}rect")
    left, right = float(r.get("x")), float(r.get("x")) + float(r.get("width"))
    handed = {
        data["node"]: next(c for c in g.get("class").split() if re.fullmatch(r"p\d+", c))
        for data, g in groups(svg, "handing-over")
        if data["step"] == "0"
    }
    assert set(handed) == {"c", "h"}
    for name in handed.values():
        path = re.search(rf"\.{name} {{ offset-path: path\('([^']*)'\)", svg).group(1)
        xs = [float(v) for v in re.findall(r"[ML]([-0-9.]+),", path)]
        assert xs[0] < left and left < xs[-1] < right  # from the middle module into the next one


def test_the_cli_takes_the_view(tmp_path):
    out = run_cli("animate", "gru", "--view", "chain", "-T", "2", "-o", tmp_path / "c.svg")
    assert out.returncode == 0, out.stderr
    assert "A-1" in (tmp_path / "c.svg").read_text()  # the chain's outer modules are there
