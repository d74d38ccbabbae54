"""What the API returns for notebooks: strings that display themselves, saved whole, escaped."""

import os
import re
import subprocess
import sys

import pytest

import lstmviz
from lstmviz.display import HTML, SVG, Steps
from tests.support import CHROMIUM


def test_render_returns_svg_that_is_still_a_string(tmp_path):
    svg = lstmviz.render("gru")
    assert isinstance(svg, SVG) and isinstance(svg, str) and svg.startswith("<svg")
    assert svg == lstmviz.render("gru") and svg.save(tmp_path / "gru.svg").read_text() == svg
    # shown as wide as the notebook at most; its text, and the file, keep the figure's own size
    assert svg._repr_svg_() == svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
    assert 'width="' in svg.split(">", 1)[0] and "max-width" not in svg
    assert not isinstance(lstmviz.render("gru", fmt="dot"), SVG)  # DOT text is not a picture


def test_ipython_shows_a_cell_as_its_diagram():
    """Imported inside an IPython shell, lstmviz tells its SVG formatter to draw a CellGraph; the spec
    itself knows nothing of drawing. A fresh process, so the shell exists before lstmviz is imported."""
    pytest.importorskip("IPython")
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import lstmviz\n"
        "shown, _ = shell.display_formatter.format(lstmviz.load('gru'))\n"
        "assert shown['image/svg+xml'] == lstmviz.render('gru')._repr_svg_(), 'not the diagram'\n"
        "assert 'image/svg+xml' not in shell.display_formatter.format(lstmviz.render_stack)[0]\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_what_the_api_returns_has_a_short_repr():
    """A notebook's or console's plain-text form of a figure says what it is, not its 30 KB of text."""
    assert repr(lstmviz.render("lstm")) == "<SVG lstm cell, 567×392 px>"
    assert repr(lstmviz.render("gru", view="chain")).startswith("<SVG gru chain, ")
    walk = lstmviz.steps("lstm")
    assert repr(walk) == "<Steps of the lstm cell: forget, input, state, output>"
    assert repr(walk[0].figure).startswith("<SVG lstm step forget, ")
    assert len(repr(walk[0])) < 200
    assert re.fullmatch(r"<SVG .*, animated, \d+×\d+ px>", repr(lstmviz.animate("rnn", steps=2)))
    player = repr(lstmviz.animate("rnn", steps=2, fmt="html"))
    assert player.startswith("<HTML ") and player.endswith(" KB>") and len(player) < 120
    torch = pytest.importorskip("torch")
    assert repr(lstmviz.render_stack(lstmviz.stack_from_torch(torch.nn.LSTM(3, 4)))).startswith("<SVG stacked ")


def test_animate_returns_an_animated_svg_or_a_player():
    assert isinstance(lstmviz.animate("rnn", steps=2), SVG)
    player = lstmviz.animate("rnn", steps=2, fmt="html")
    assert isinstance(player, HTML) and player.lstrip().lower().startswith("<!doctype html>")
    from html.parser import HTMLParser

    tags = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append((tag, dict(attrs)))
    parser.feed(player._repr_html_())
    # one iframe, the whole page in its srcdoc (escaped: nothing in it can end the attribute early)
    assert [t for t, _ in tags] == ["iframe"] and tags[0][1]["srcdoc"] == player
    assert tags[0][1]["sandbox"] == "allow-scripts"
    with pytest.raises(lstmviz.SpecError, match="gif output needs a file"):
        lstmviz.animate("rnn", steps=2, fmt="gif")


def test_steps_are_a_sequence_of_figures_with_their_equations(tmp_path):
    walk = lstmviz.steps("gru", style="pipe")
    assert isinstance(walk, Steps) and len(walk) == len(lstmviz.api.steps_of("gru"))
    assert [s.name for s in walk] == list(lstmviz.api.steps_of("gru"))
    assert all(isinstance(s.figure, SVG) for s in walk) and walk[0]._repr_svg_() == walk[0].figure._repr_svg_()
    assert len({(s.figure.split('width="')[1].split('"')[0]) for s in walk}) == 1  # every frame one size
    page = walk._repr_html_()
    assert page.count("<svg") == len(walk) and all(s.name in page for s in walk)
    written = walk.save(tmp_path / "walk")
    assert [p.name for p in written] == [f"gru-{k}-{s.name}.svg" for k, s in enumerate(walk, 1)]
    assert written[0].read_text() == lstmviz.walk_through("gru", tmp_path / "again", style="pipe")[0].read_text()


def test_names_and_equations_are_escaped_in_the_notebook_page():
    b = lstmviz.CellBuilder("evil", title="<script>alert(1)</script>")
    x = b.input("x", label="x")
    b.output(b.layer(x, activation="tanh", label="a<b"), label="y")
    page = lstmviz.steps(b.build())._repr_html_()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed here")
def test_the_player_plays_inside_its_notebook_frame(tmp_path, browser):
    """The player as a notebook shows it: inside an iframe's srcdoc, its script runs and it draws."""
    page_file = tmp_path / "notebook.html"
    page_file.write_text("<!doctype html><body>" + lstmviz.animate("gru", steps=2, fmt="html")._repr_html_())
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    frame = page.frames[1]
    frame.wait_for_selector("svg g.node", state="attached")
    nodes = frame.evaluate("() => document.querySelectorAll('svg g.node').length")
    buttons = frame.evaluate("() => document.querySelectorAll('button').length")
    page.close()
    assert not errors and nodes > 5 and buttons >= 1
