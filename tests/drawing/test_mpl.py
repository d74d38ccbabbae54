"""The matplotlib backend: PNG, PDF with text as text, and drawing into a user's Axes."""

import os
import shutil
import subprocess

import pytest

import lstmviz


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
def test_png_and_pdf(tmp_path, name):
    lstmviz.render(name, tmp_path / "c.png")
    lstmviz.render(name, tmp_path / "c.pdf", width="12cm")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = (tmp_path / "c.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Font" in pdf  # labels are text, with their font embedded


def test_pdf_width_is_the_printed_width(tmp_path):
    import re

    lstmviz.render("gru", tmp_path / "c.pdf", width="10cm")
    box = re.search(rb"/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)", (tmp_path / "c.pdf").read_bytes())
    assert abs(float(box.group(1)) - 10 / 2.54 * 72) < 1.0


def test_draw_into_an_existing_axes_beside_a_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
    result = lstmviz.run("lstm", np.random.default_rng(0).standard_normal((20, 1, 3)))
    left.plot(result.outputs[:, 0, :])
    lstmviz.draw("lstm", right)
    fig.savefig(tmp_path / "both.png")
    plt.close(fig)
    assert len(right.patches) > 20 and len(right.texts) > 10
    assert left.lines and (tmp_path / "both.png").stat().st_size > 10_000


@pytest.mark.skipif(
    shutil.which("pdffonts") is None and not os.environ.get("CI"),
    reason="pdffonts (Debian poppler-utils) is not installed; CI installs it",
)
@pytest.mark.parametrize("style", ["colah", "pipe"])
def test_pdfs_embed_truetype_fonts_not_type_3(tmp_path, style):
    """Publishers' PDF checks (IEEE PDF eXpress, ACM) reject Type 3 fonts, matplotlib's default."""
    figure, walk = tmp_path / "cell.pdf", tmp_path / "steps.pdf"
    lstmviz.render("lstm", figure, style=style, width="8.5cm")
    lstmviz.api.walk_through("gru", walk, style=style)
    for pdf in (figure, walk):
        out = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows and all("TrueType" in row for row in rows), out
        assert "Type 3" not in out
