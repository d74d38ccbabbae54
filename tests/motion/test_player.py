"""The HTML player in Debian's headless Chromium, driven by Playwright (no browser download)."""

import os

import pytest

import lstmviz
from tests.support import CHROMIUM, CHROMIUM_FLAGS

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed here; CI installs it"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("player") / "lstm.html"
    lstmviz.animate("lstm", path, steps=5)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(r.url))
        page.goto(path.as_uri())
        page.problems = problems
        page.shot = path.with_suffix(".png")
        yield page
        browser.close()


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
    paused = page.evaluate("() => document.getAnimations()[0].currentTime")
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.getAnimations()[0].currentTime") == paused
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
