"""The HTML player in Debian's headless Chromium, driven by Playwright (no browser download)."""

import os

import numpy as np
import pytest

import lstmviz
from tests.support import CHROMIUM

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed here; CI installs it"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    path = tmp_path_factory.mktemp("player") / "lstm.html"
    lstmviz.animate("lstm", path, steps=5)
    page = browser.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(r.url))
    page.goto(path.as_uri())
    page.problems = problems
    page.shot = path.with_suffix(".png")
    yield page
    page.close()


def visible_strips(page):
    return page.evaluate("""() => [...document.querySelectorAll('g.strip')]
        .filter(g => getComputedStyle(g).opacity === '1')
        .map(g => g.dataset.node + '@' + g.dataset.step)""")


def test_it_plays_with_no_errors(page):
    first = page.evaluate("() => document.getAnimations()[0].currentTime")
    page.wait_for_timeout(400)
    assert page.evaluate("() => document.getAnimations()[0].currentTime") > first
    assert page.problems == []


def test_pause_step_and_back(page):
    page.click("#play")
    assert page.get_attribute("body", "data-playing") == "false"
    # a pause takes effect at the next frame (the pending pause task); read the time once it has
    settled = """async () => {
        await Promise.all(document.getAnimations().map(a => a.ready));
        return document.getAnimations()[0].currentTime;
    }"""
    paused = page.evaluate(settled)
    page.wait_for_timeout(300)
    assert page.evaluate(settled) == paused
    page.click("#scrub")  # focus; then go to a known step
    page.fill("#scrub", "1")
    page.dispatch_event("#scrub", "input")
    assert page.inner_text("#at") == "t = 1"
    page.click("#next")
    assert page.inner_text("#at") == "t = 2"
    shown = visible_strips(page)
    assert "h@2" in shown and "f@2" in shown and not any(s.endswith("@1") for s in shown)
    page.click("#back")
    page.click("#back")
    assert page.inner_text("#at") == "t = 0"


def test_scrub_and_speed(page):
    page.fill("#scrub", "4")
    page.dispatch_event("#scrub", "input")
    shown = visible_strips(page)
    assert page.inner_text("#at") == "t = 4" and {"x@4", "o@4", "h@4"} <= set(shown)
    page.screenshot(path=str(page.shot))
    page.select_option("#speed", "2")
    assert page.evaluate("() => document.getAnimations().every(a => a.playbackRate === 2)")
    page.click("#play")
    assert page.get_attribute("body", "data-playing") == "true"
    assert page.problems == []


def test_vectors_travel_along_the_lines(page):
    def where(ms):
        page.evaluate(f"() => document.getAnimations().forEach(a => {{ a.pause(); a.currentTime = {ms}; }})")
        return page.evaluate("""() => [...document.querySelectorAll('g.travelling')]
            .filter(g => getComputedStyle(g).opacity !== '0')
            .map(g => { const r = g.getBoundingClientRect(); return [g.dataset.edge, r.x, r.y]; })""")

    before, after = where(1100), where(1200)
    moved = {e: (x, y) for e, x, y in before}
    assert any(e in moved and (x, y) != moved[e] for e, x, y in after)  # the same vector, further along
    page.click("#play")


def test_numbers_on_demand(page):
    """The numbers box lists every value on show, with its exact numbers, read from the SVG's cells."""
    page.fill("#scrub", "3")
    page.dispatch_event("#scrub", "input")
    shown = "() => getComputedStyle(document.getElementById('readout')).display"
    assert page.is_hidden("#readout") and page.evaluate(shown) == "none"  # no room kept for it either
    page.check("#numbers")
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#readout tr')].map(tr => [...tr.cells].map(td => td.innerHTML))"
    )
    trace = lstmviz.run("lstm", lstmviz.random_input("lstm", 5, seed=0, dtype="float64"), trace=True, seed=0).trace
    names = {row[0]: [float(v) for v in row[1:]] for row in rows}
    assert {"f<sub>t</sub>", "x<sub>t</sub>", "C<sub>t</sub>", "f<sub>t</sub> ⊙ C<sub>t−1</sub>"} <= set(names)
    np.testing.assert_allclose(names["f<sub>t</sub>"], trace["f"][3, 0], atol=5e-5)
    np.testing.assert_allclose(names["C<sub>t</sub>"], trace["c"][3, 0], atol=5e-5)
    page.uncheck("#numbers")
    assert page.is_hidden("#readout")
    assert page.problems == []


def test_the_step_playing_is_lit_and_the_rest_dimmed(page):
    """In the browser itself: while the forget step plays, its layer is opaque and the output gate faint."""
    svg_phase = page.evaluate("""() => [...document.querySelectorAll('g.caption')]
        .map(g => [g.dataset.phase, +g.dataset.start, +g.dataset.end])""")
    _, a, b = next(p for p in svg_phase if p[0] == "forget")
    page.evaluate(
        f"() => document.getAnimations().forEach(a => {{ a.pause(); a.currentTime = {(a + b) / 2 * 1000}; }})"
    )
    opacity = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('g.node[data-node]')]
        .map(g => [g.dataset.node, +getComputedStyle(g).opacity]))""")
    assert opacity["f"] == 1 and opacity["o"] < 0.4 and opacity["g"] < 0.4
    caption = page.evaluate("""() => [...document.querySelectorAll('g.caption')]
        .filter(g => getComputedStyle(g).opacity === '1').map(g => g.textContent)""")
    assert len(caption) == 1 and "forget" in caption[0] and "σ" in caption[0]
    counter = page.evaluate("""() => [...document.querySelectorAll('g.counter')]
        .filter(g => getComputedStyle(g).opacity === '1').map(g => g.textContent.replace(/\\s/g, ''))""")
    assert counter == ["t=0"]
    page.click("#play")


def test_a_title_is_escaped(tmp_path):
    import dataclasses

    cell = dataclasses.replace(lstmviz.load("rnn"), title="<script>alert(1)</script> & co")
    page = lstmviz.animate(cell, steps=1, fmt="html")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


@pytest.mark.parametrize(("screen", "size", "mobile"), [("desktop", (1200, 900), False), ("phone", (390, 844), True)])
def test_the_controls_stay_in_view(tmp_path, browser, screen, size, mobile):
    """On a 1200 x 900 window the whole figure and the controls under it fit without scrolling; on a
    phone the controls stick to the foot of the screen while the figure scrolls behind them."""
    path = tmp_path / "lstm.html"
    lstmviz.animate("lstm", path, steps=3)
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, is_mobile=mobile, device_scale_factor=2 if mobile else 1
    )
    page = context.new_page()
    page.goto(path.as_uri())

    def box(selector):
        return page.evaluate(f"() => document.querySelector('{selector}').getBoundingClientRect().toJSON()")

    for scroll in (0, 300):
        page.evaluate(f"() => window.scrollTo(0, {scroll})")
        controls = box("#controls")
        assert 0 <= controls["top"] and controls["bottom"] <= size[1] + 0.5, (screen, scroll, controls)
        play = box("#play")
        assert play["top"] >= controls["top"] and play["bottom"] <= size[1]
    if screen == "desktop":
        page.evaluate("() => window.scrollTo(0, 0)")
        figure = box("#stage svg")
        assert figure["bottom"] <= box("#controls")["top"] + 0.5  # the whole figure above the controls
        assert figure["width"] > 600  # and not shrunk to nothing
        assert page.evaluate("() => document.documentElement.scrollHeight") <= size[1] + 1  # no scrolling
    page.click("#play")  # reachable: it pauses
    assert page.evaluate("() => document.body.dataset.playing") == "false"
    context.close()
