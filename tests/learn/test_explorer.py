"""The neuron explorer, in headless Chromium: every cell's number and colour is the trace's, sorting
and picking work, labels are escaped, and the page never leaves the machine."""

from __future__ import annotations

import numpy as np
import pytest

import lstmviz
from lstmviz.learn.explorer import read
from lstmviz.learn.train import load_model, train
from lstmviz.motion.colour import diverging
from tests.support import open_page, run_cli


@pytest.fixture(scope="module")
def counter(tmp_path_factory):
    """A trained counter, written and explored by the command line as a user would."""
    folder = tmp_path_factory.mktemp("explore")
    model, page = folder / "count.npz", folder / "explorer.html"
    for args in (["train", "lstm", "--task", "count", "--hidden", "8", "-o", model],
                 ["explore", model, "--text", "aaaaaabbbbbb$", "-o", page]):  # fmt: skip
        run = run_cli(*args)
        assert run.returncode == 0, run.stderr
    return load_model(model), page


def _hex(rgb: str) -> str:
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(","))
    return f"#{r:02x}{g:02x}{b:02x}"


@pytest.mark.slow
def test_every_cell_shows_the_traced_value_in_its_colour(counter, browser):
    model, page_path = counter
    page = open_page(browser, page_path.as_uri())
    reading = read(model, "aaaaaabbbbbb$")
    rows = page.evaluate("""() => [...document.querySelectorAll('section.neuron')].flatMap(s =>
        [...s.querySelectorAll('.row')].map(r => [+s.dataset.unit, r.dataset.quantity,
            [...r.querySelectorAll('.ch')].map(c => [+c.dataset.value, getComputedStyle(c).backgroundColor,
                                                     c.textContent])]))""")
    assert len(rows) == 8 * len(reading.quantities)
    for unit, quantity, cells in rows:
        values = reading.quantities[quantity][:, unit]
        assert [c[2] for c in cells] == list("aaaaaabbbbbb$")
        np.testing.assert_allclose([c[0] for c in cells], values, rtol=0, atol=0)
        assert [_hex(c[1]) for c in cells] == [diverging(v) for v in values]
    assert page.problems == []
    page.context.close()


@pytest.mark.slow
def test_neurons_sort_by_how_well_they_track_a_feature(counter, browser):
    model, page_path = counter
    page = open_page(browser, page_path.as_uri())
    reading = read(model, "aaaaaabbbbbb$")
    feature = "a read minus b read (the count)"
    for quantity in ("C_t", "h_t"):
        page.select_option("#feature", feature)
        page.select_option("#by", quantity)
        order = page.evaluate("() => [...document.querySelectorAll('section.neuron')].map(s => +s.dataset.unit)")
        r = [np.corrcoef(reading.quantities[quantity][:, u], reading.features[feature])[0, 1] for u in range(8)]
        assert [round(abs(r[u]), 3) for u in order] == sorted((round(abs(v), 3) for v in r), reverse=True)
        top = page.inner_text("section.neuron >> nth=0 >> .corr")
        assert top == f"tracks it with r = {r[order[0]]:.2f}"
    page.select_option("#feature", "")
    assert page.evaluate("() => [...document.querySelectorAll('section.neuron')].map(s => +s.dataset.unit)") == list(
        range(8)
    )
    assert page.problems == []
    page.context.close()


@pytest.mark.slow
def test_a_trained_counter_has_a_neuron_that_counts(counter):
    """Chen's finding, reproduced: some unit's cell state follows the count of a's still to match."""
    model, _ = counter
    reading = read(model, "aaaaaaabbbbbbb$")
    best = np.abs(reading.tracking("a read minus b read (the count)", "C_t")).max()
    assert best > 0.9


@pytest.mark.slow
def test_quantities_and_neurons_are_picked_in_the_page(counter, browser):
    _, page_path = counter
    page = open_page(browser, page_path.as_uri())
    page.uncheck("input.quantity[value='f_t']")
    assert page.locator(".row[data-quantity='f_t']").first.is_hidden()
    assert page.locator(".row[data-quantity='C_t']").first.is_visible()
    page.uncheck("input.pick[value='3']")
    assert page.locator("section.neuron[data-unit='3']").is_hidden()
    assert page.locator("section.neuron:visible").count() == 7
    assert page.problems == []
    page.context.close()


def test_labels_are_escaped_and_nothing_runs(tmp_path, browser):
    cell = lstmviz.from_equations(
        "h = tanh(linear(h_prev, x))\n",
        states={"h": "hidden"},
        describe={"h": {"label": "<img src=x onerror=alert(1)>"}, "h_next": {"label": "</script><b>h"}},
    )
    model, _ = train(cell, "parity", updates=1, until=2)
    lstmviz.explore(model, tmp_path / "e.html", neurons=[0, 2])
    page = open_page(browser, (tmp_path / "e.html").as_uri())
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert page.locator("img").count() == 0 and page.locator("section.neuron b").count() == 0
    assert dialogs == [] and page.locator("section.neuron:visible").count() == 2
    assert page.problems == []
    page.context.close()


def test_the_explorer_refuses_what_it_cannot_show(tmp_path):
    lstmviz.save_params(lstmviz.init_params(lstmviz.load("rnn")), tmp_path / "p.npz")
    run = run_cli("explore", tmp_path / "p.npz", "-o", tmp_path / "e.html")
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "lstmviz train" in run.stderr
    assert not (tmp_path / "e.html").exists()
