"""The goldens tool (tests/goldens.py): it finds a golden that differs, and rewrites it only when
asked, leaving old and new side by side for review."""

import re
import shutil

import pytest

import lstmviz
from tests import goldens


def test_every_golden_is_current():
    assert goldens.main([]) == 0


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert (Debian librsvg2-bin) draws the review")
def test_a_changed_golden_is_listed_then_rewritten_with_a_picture_to_review(tmp_path, monkeypatch, capsys):
    from PIL import Image

    golden = tmp_path / "rnn.svg"
    golden.write_text(lstmviz.render("rnn", style="pipe"))
    monkeypatch.setattr(goldens, "goldens", lambda: {golden: lambda: lstmviz.render("rnn")})
    assert goldens.main([]) == 1 and "differs" in capsys.readouterr().out
    assert golden.read_text() == lstmviz.render("rnn", style="pipe")  # only listed: nothing rewritten
    assert goldens.main(["--update", "--review", str(tmp_path / "review")]) == 0
    assert golden.read_text() == lstmviz.render("rnn")
    review = Image.open(tmp_path / "review" / f"{tmp_path.name}-rnn.png")
    widths = [float(re.search(r'width="([0-9.]+)px"', lstmviz.render("rnn", style=s))[1]) for s in ("pipe", "colah")]
    assert review.width >= 2 * sum(widths) - 2  # the two figures side by side, at twice their size
    assert goldens.main([]) == 0
