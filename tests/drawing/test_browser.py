"""The SVG draws in a real browser: Debian's Chromium, headless, takes a screenshot of each figure."""

import os
import subprocess
from pathlib import Path

import pytest

import lstmviz
from tests.support import CHROMIUM, CHROMIUM_FLAGS

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed here; CI installs it"
)

FLAGS = ["--headless", *CHROMIUM_FLAGS, "--hide-scrollbars", "--force-device-scale-factor=1"]


def screenshot(tmp_path, svg_file, width, height):
    out = tmp_path / f"{svg_file.stem}.png"
    run = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={out}",
            f"--window-size={width},{height}",
            svg_file.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.exists(), run.stderr[-2000:]
    return out


@pytest.mark.parametrize(
    ("name", "view"), [("lstm", "cell"), ("gru", "cell"), ("lstm", "chain"), ("lstm-peephole", "cell"), ("mgu", "cell")]
)
def test_chromium_draws_the_figure(tmp_path, name, view):
    from PIL import Image

    svg = tmp_path / f"{name}.svg"
    lstmviz.render(name, svg, view=view)
    layout_width = int(float(lstmviz.render(name, view=view).split('width="')[1].split("px")[0]))
    shot = Image.open(screenshot(tmp_path, svg, layout_width, 600)).convert("RGB")
    colours = shot.getcolors(maxcolors=1_000_000)

    # the module's pale green and the layers' yellow are on screen, not just a blank page
    def near(rgb, target):
        return sum(abs(a - b) for a, b in zip(rgb, target)) < 30

    assert any(near(c, (0xE1, 0xF7, 0xD0)) for _, c in colours)
    assert any(near(c, (0xF5, 0xEE, 0x9C)) for _, c in colours)
    assert len(colours) > 50  # anti-aliased lines and text, not a flat fill


@pytest.mark.slow
def test_the_html_slide_deck_shows_each_step_without_errors(tmp_path):
    import sys

    from PIL import Image

    deck = tmp_path / "deck.html"
    make = Path(__file__).resolve().parents[2] / "examples" / "slides" / "make_slides.py"
    subprocess.run([sys.executable, make, "lstm", deck], check=True, capture_output=True, timeout=120)
    for slide in (0, 3, 6):  # the title, a step, the animation
        out = tmp_path / f"slide{slide}.png"
        run = subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--enable-logging=stderr",
                "--v=0",
                f"--screenshot={out}",
                "--window-size=1280,720",
                f"{deck.as_uri()}#{slide}",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Uncaught" not in run.stderr and ":CONSOLE" not in run.stderr, run.stderr[-2000:]
        colours = Image.open(out).convert("RGB").getcolors(maxcolors=1_000_000)
        assert len(colours) > 30  # text and a figure, not an empty dark page


def test_the_animated_svg_moves_in_chromium(tmp_path):
    from PIL import Image, ImageChops

    svg = lstmviz.animate("lstm", steps=2).split("?>", 1)[-1]
    shots = []
    for seconds in (0.5, 4.0):
        page = tmp_path / f"at{seconds}.html"
        page.write_text(
            f"<html><body style='margin:0'>{svg}<script>document.getAnimations().forEach(a => "
            f"{{ a.pause(); a.currentTime = {seconds * 1000}; }});</script></body></html>"
        )
        shots.append(screenshot(tmp_path, page, 620, 400))
    a, b = (Image.open(s).convert("RGB") for s in shots)
    assert ImageChops.difference(a, b).getbbox() is not None  # the values on show change with time
