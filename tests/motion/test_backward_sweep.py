"""The backward sweep: after the forward steps the same steps play backward with the gradients of
the task's loss. Read back from the SVG and the player, and checked against the backward pass (which
tests/learn checks against torch autograd), the walk-through and the chain's modules."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import lstmviz
from lstmviz.errors import DataError
from lstmviz.learn.train import backprop, init_model
from lstmviz.mathtext import runs
from lstmviz.motion.colour import diverging
from lstmviz.motion.timeline import build_timeline, scientific
from lstmviz.spec.roles import roles
from tests import drawn
from tests.motion.test_animated_svg import SVG, groups
from tests.support import CHROMIUM, open_page, run_cli

STEPS = 5


@pytest.fixture(scope="module")
def model():
    return init_model(lstmviz.load("lstm"), "copy", hidden=4, seed=0)


@pytest.fixture(scope="module")
def sweep(model):
    """The animation's run and gradients, made here as animate makes them (batch 1, seed 0)."""
    batch = model.task.batch(1, STEPS, seed=0)
    ran = model.run(batch.x)
    return ran[0].trace, backprop(model, batch, ran)[1].nodes


@pytest.fixture(scope="module")
def svg(model):
    return lstmviz.animate(model, backward=True, steps=STEPS)


def test_the_backward_strips_hold_the_gradients_on_their_own_scale(svg, sweep):
    values, gradients = sweep
    d = drawn.read(svg)
    back = [s for s in d.strips if s.sweep == "backward"]
    forward = [s for s in d.strips if s.sweep == "forward"]
    assert {s.step for s in back} == {s.step for s in forward} == set(range(STEPS))
    for s in forward:
        np.testing.assert_array_equal(s.values, values[s.node][s.step, 0, list(s.units)])
    for s in back:
        np.testing.assert_array_equal(s.values, gradients[s.node][s.step, 0, list(s.units)])
    largest = max(abs(v) for s in back for v in s.values)
    assert largest > 0
    for data, g in groups(svg, "strip"):
        scale = largest / 2 if data["sweep"] == "backward" else 1.0
        for rect in g.iter(f"{SVG}rect"):
            assert rect.get("fill") == diverging(float(rect.get("data-value")), scale)
        if data["sweep"] == "backward":
            assert data["name"].startswith("∂L/∂")
    names = {data["node"]: data["name"] for data, _ in groups(svg, "strip") if data["sweep"] == "backward"}
    assert names["h"] == "∂L/∂h_t" and names["fc"] == "∂L/∂(f_t ⊙ C_{t−1})"
    assert drawn.defects(d) == []


def test_the_steps_play_backward_and_each_step_in_reverse(svg):
    counters = [(data["step"], data["sweep"]) for data, _ in groups(svg, "counter")]
    ahead = [(str(t), "forward") for t in range(STEPS)]
    assert counters == ahead + [(t, "backward") for t, _ in reversed(ahead)]
    walk = list(roles(lstmviz.load("lstm")).step_shows)
    captions = [(data["phase"], float(data["start"])) for data, _ in groups(svg, "caption")]
    assert [p for p, _ in captions] == [p for p, _ in sorted(captions, key=lambda c: c[1])]
    backward = [p for p, _ in captions[len(captions) // 2 :]]
    assert backward[: len(walk) + 2] == ["gradient", *walk[::-1], "hand-back"]
    starts = {
        (data["node"], int(data["step"])): float(data["start"])
        for data, _ in groups(svg, "strip")
        if data["sweep"] == "backward"
    }
    for t in range(STEPS):  # the gradient goes from the new state back to the gates, and out last
        order = [starts[n, t] for n in ("h", "tanh_c", "o", "c", "ig", "fc", "g", "i", "f", "x")]
        assert order == sorted(order), t
        assert starts["h_prev", t] == starts["c_prev", t] == starts["x", t]
    assert starts["h", STEPS - 1] < starts["h", 0]  # the last step first


def test_the_captions_give_the_states_gradient_norms(svg, sweep):
    _, gradients = sweep

    def lines(g) -> list[str]:
        return ["".join(t.itertext()) for t in g.iter(f"{SVG}text")][1:]

    def shown(label: str) -> str:
        return "".join(r.text for r in runs(label))

    arriving = [g for data, g in groups(svg, "caption") if data["phase"] == "gradient"]
    handed = [g for data, g in groups(svg, "caption") if data["phase"] == "hand-back"]
    assert len(arriving) == len(handed) == STEPS
    for t, a, h in zip(reversed(range(STEPS)), arriving, handed):  # played last step first
        norm = {n: scientific(float(np.linalg.norm(gradients[n][t, 0]))) for n in ("h", "c", "h_prev", "c_prev")}
        assert lines(a) == [shown(f"‖∂L/∂h_t‖ = {norm['h']}"), shown(f"‖∂L/∂C_t‖ = {norm['c']}")]
        assert lines(h) == [shown(f"‖∂L/∂h_{{t-1}}‖ = {norm['h_prev']}"), shown(f"‖∂L/∂C_{{t-1}}‖ = {norm['c_prev']}")]


def test_scientific():
    assert scientific(0.0021) == "2.1·10^{−3}" and scientific(-3e-12) == "−3.0·10^{−12}"
    assert scientific(0.5) == "0.5" and scientific(0.0) == "0" and scientific(2.5e5) == "2.5·10^{5}"


def test_the_gradients_have_their_own_key(svg, sweep):
    keys = {data["scale"]: (float(data.get("start", 0)), g) for data, g in groups(svg, "key")}
    assert set(keys) == {"value", "gradient"}
    turn = keys["gradient"][0]
    first_backward = min(float(d["start"]) for d, _ in groups(svg, "counter") if d["sweep"] == "backward")
    assert turn == pytest.approx(first_backward) and keys["value"][0] == 0
    largest = max(abs(v) for s in drawn.read(svg).strips if s.sweep == "backward" for v in s.values)
    ticks = ["".join(t.itertext()) for t in keys["gradient"][1].iter(f"{SVG}text")]
    top = "".join(r.text for r in runs(scientific(largest)))
    assert ticks == [f"−{top}", "0", f"+{top}", "gradient"]  # ±2 on the scale


def test_the_chain_hands_each_states_gradient_back_to_the_module_before(svg):
    root = ET.fromstring(svg)

    def span(module: str) -> tuple[float, float]:
        g = next(g for g in root.iter(f"{SVG}g") if g.get("data-node") == module and "module" in g.get("class"))
        r = g.find(f"{SVG}rect")
        return float(r.get("x")), float(r.get("x")) + float(r.get("width"))

    def xs(g) -> list[float]:
        name = next(c for c in g.get("class").split() if re.fullmatch(r"p\d+", c))
        path = re.search(rf"\.{name} {{ offset-path: path\('([^']*)'\)", svg).group(1)
        return [float(v) for v in re.findall(r"[ML]([-0-9.]+),", path)]

    before, after = span("A-1"), span("A+1")
    back = {data["node"]: xs(g) for data, g in groups(svg, "handing-back") if data["step"] == "2"}
    assert set(back) == {"h_prev", "c_prev"}
    for path in back.values():  # from inside the middle module back into the one before
        assert before[1] < path[0] < after[0] and before[0] < path[-1] < before[1]
    arriving = {data["node"]: xs(g) for data, g in groups(svg, "handing-over") if data["sweep"] == "backward"}
    assert set(arriving) == {"h", "c"}
    for path in arriving.values():  # and each state's gradient arrives from the module after
        assert after[0] < path[0] < after[1] and before[1] < path[-1] < after[0]


def test_valves_hold_their_gates_opening_in_the_backward_sweep(model, sweep):
    values, _ = sweep
    svg = lstmviz.animate(model, backward=True, steps=3, style="pipe")
    length = max(float(d["end"]) for d, _ in groups(svg, "counter")) / 6
    for data, _ in groups(svg, "valve-opening"):
        start = float(data["start"])
        if start >= 3 * length - 1e-6:  # a backward step: k = 3, 4, 5 is t = 2, 1, 0
            t = 5 - round(start / length)
            gate = {"fc": "f", "ig": "i", "h": "o"}[data["node"]]
            assert int(data["step"]) == t
            assert float(data["opening"]) == pytest.approx(float(np.mean(values[gate][t, 0])), rel=1e-3)
    assert drawn.defects(drawn.read(svg)) == []


@pytest.mark.parametrize("style", ["colah", "pipe"])
@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_every_gradient_strip_sits_clear(name, style):
    """The gradients' names are longer (∂L/∂…): the figure is laid out for them, in every cell that trains."""
    try:
        trainable = init_model(lstmviz.load(name), "copy", hidden=3)
    except DataError:
        pytest.skip(f"{name} does not read one task input")
    d = drawn.read(lstmviz.animate(trainable, backward=True, steps=1, style=style))
    assert drawn.defects(d) == []
    assert {s.sweep for s in d.strips} == {"forward", "backward"}


def test_timeline_without_gradients_is_forward_only(sweep):
    values, gradients = sweep
    graph = lstmviz.load("lstm")
    plain, both = build_timeline(graph, values), build_timeline(graph, values, gradients=gradients)
    assert plain.sweeps == () and plain.gradient_scale == 0 and plain.sweep(0) == "forward"
    assert both.step_length == plain.step_length and len(both.steps) == 2 * len(plain.steps)
    assert both.duration == pytest.approx(2 * plain.duration)


def test_a_long_sequence_shows_its_last_steps_and_says_so(model):
    notes: list[str] = []
    svg = lstmviz.animate(model, backward=True, steps=20, notes=notes)
    assert notes == ["showing steps 12:20 of 20; --window START:STOP shows others"]
    assert {int(d["step"]) for d, _ in groups(svg, "counter")} == set(range(12, 20))


@pytest.mark.slow
def test_the_cli(tmp_path):
    ok = run_cli("animate", "gru", "--backward", "--dim", "hidden=3", "-T", "3", "-o", tmp_path / "g.html")
    assert ok.returncode == 0, ok.stderr
    page = (tmp_path / "g.html").read_text()
    assert 'data-sweep="backward"' in page and "A-1" in page  # the chain view by default
    trained = run_cli("train", "rnn", "--task", "copy", "--hidden", "3", "--updates", "5", "-o", tmp_path / "m.npz")
    assert trained.returncode == 0, trained.stderr
    ok = run_cli("animate", tmp_path / "m.npz", "--backward", "--view", "cell", "-o", tmp_path / "m.svg")
    assert ok.returncode == 0, ok.stderr
    assert 'data-sweep="backward"' in (tmp_path / "m.svg").read_text()
    ok = run_cli("gradients", "lstm", "--untrained", "--hidden", "3", "--steps", "4", "-o", tmp_path / "s.html")
    assert ok.returncode == 0, ok.stderr
    assert 'data-sweep="backward"' in (tmp_path / "s.html").read_text()
    for args, name in (
        (("animate", tmp_path / "m.npz", "--task", "copy"), "--task"),
        (("animate", "lstm", "--backward", "--params", tmp_path / "m.npz"), "--params"),
        (("gradients", "rnn", "lstm", "--untrained"), "s.html"),
    ):
        bad = run_cli(*args, "-o", tmp_path / "s.html")
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and name in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr


browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed here; CI installs it")


@pytest.mark.slow
@browser_only
def test_the_players_scrubber_runs_through_both_sweeps(browser, model, sweep, tmp_path):
    _, gradients = sweep
    path = tmp_path / "sweep.html"
    lstmviz.animate(model, path, backward=True, steps=STEPS)
    page = open_page(browser, path.as_uri())
    assert page.get_attribute("#scrub", "max") == str(2 * STEPS - 1)

    def at(k: int) -> str:
        page.fill("#scrub", str(k))
        page.dispatch_event("#scrub", "input")
        return page.inner_text("#at")

    assert at(STEPS - 1) == f"t = {STEPS - 1}" and page.get_attribute("body", "data-sweep") == "forward"
    assert at(STEPS) == f"t = {STEPS - 1} ◂ backward" and page.get_attribute("body", "data-sweep") == "backward"
    shown = page.evaluate("""() => [...document.querySelectorAll('g.strip')]
        .filter(g => getComputedStyle(g).opacity === '1')
        .map(g => [g.dataset.node, g.dataset.step, g.dataset.sweep])""")
    assert shown and all(step == str(STEPS - 1) and sweep == "backward" for _, step, sweep in shown)
    assert {"h", "f", "x", "h_prev"} <= {node for node, _, _ in shown}
    keys = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('g.key')]
        .map(g => [g.dataset.scale, getComputedStyle(g).opacity]))""")
    assert keys == {"value": "0", "gradient": "1"}
    page.check("#numbers")
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#readout tr')].map(tr => [...tr.cells].map(td => td.textContent))"
    )
    numbers = {row[0]: [float(v) for v in row[1:]] for row in rows}
    np.testing.assert_allclose(numbers["∂L/∂ht"], gradients["h"][STEPS - 1, 0], rtol=5e-3)
    np.testing.assert_allclose(numbers["∂L/∂ft"], gradients["f"][STEPS - 1, 0], rtol=5e-3, atol=1e-12)
    page.click("#next")
    assert page.inner_text("#at") == f"t = {STEPS - 2} ◂ backward"
    page.click("#back")
    page.click("#back")
    assert page.inner_text("#at") == f"t = {STEPS - 1}" and page.get_attribute("body", "data-sweep") == "forward"
    assert at(2 * STEPS - 1) == "t = 0 ◂ backward"
    page.click("#next")  # and round again to the start
    assert page.inner_text("#at") == "t = 0" and page.get_attribute("body", "data-sweep") == "forward"
    assert page.problems == []


@browser_only
def test_on_a_phone_the_numbers_scroll_in_their_own_box(browser, model, tmp_path):
    """Sixteen gradients a row are wider than a phone: the table scrolls, the page does not, and
    each row keeps its name in view."""
    path = tmp_path / "sweep.html"
    lstmviz.animate(init_model(lstmviz.load("lstm"), "copy", hidden=16), path, backward=True, steps=3)
    page = open_page(browser, path.as_uri(), width=390)
    page.fill("#scrub", "4")
    page.dispatch_event("#scrub", "input")
    page.check("#numbers")
    sizes = page.evaluate("""() => { const t = document.getElementById('readout');
        return [document.documentElement.scrollWidth, t.scrollWidth, t.clientWidth]; }""")
    assert sizes[0] <= 390 and sizes[1] > sizes[2], sizes
    page.evaluate("() => { document.getElementById('readout').scrollLeft = 400; }")
    name = page.evaluate("() => document.querySelector('#readout td').getBoundingClientRect().left")
    assert 0 <= name < 30
    assert page.problems == []


def test_a_model_alone_plays_forward_on_its_tasks_sequence(model):
    svg = lstmviz.animate(model, steps=3)
    batch = model.task.batch(1, 3, seed=0)
    trace = model.run(batch.x)[0].trace
    strips = drawn.read(svg).strips
    assert strips and {s.sweep for s in strips} == {"forward"}
    for s in strips:
        np.testing.assert_array_equal(s.values, trace[s.node][s.step, 0, list(s.units)])
    with pytest.raises(lstmviz.SpecError, match="its own weights|model's weights"):
        lstmviz.animate(model, params={})
    with pytest.raises(lstmviz.SpecError, match="its own sizes"):
        lstmviz.animate(model, dims={"hidden": 8})


def test_each_gradient_appears_while_its_own_step_plays(svg):
    """Its walk-through step's caption is on show when a gradient's strip appears, and it stays to
    the end of its time step, as the values do going forward."""
    walk = roles(lstmviz.load("lstm")).step_shows
    cell = lstmviz.load("lstm")
    owner = {
        n: name for name, ids in walk.items() for n in ids if n in cell.by_id and cell.node(n).kind in ("layer", "op")
    }
    captions = [(d["phase"], float(d["start"]), float(d["end"])) for d, _ in groups(svg, "caption")]
    for data, _ in groups(svg, "strip"):
        if data["sweep"] != "backward":
            continue
        start = float(data["start"])
        phase = next(p for p, a, b in captions if a <= start < b)
        assert phase == owner.get(data["node"], "hand-back"), data
