"""The matplotlib backend: PNG, PDF with text as text, and drawing into a user's Axes."""

import io
import os
import re
import shutil
import subprocess
import zlib

import pytest

import lstmviz
from lstmviz.drawing import mpl
from lstmviz.drawing.pdffonts import LAYOUT_TABLES, PUBLISHER
from lstmviz.drawing.scene import build_scene
from lstmviz.layout.views import layout_view
from lstmviz.sizing import metrics_for
from lstmviz.style import load_style

needs_poppler = pytest.mark.skipif(
    shutil.which("pdffonts") is None and not os.environ.get("CI"),
    reason="poppler-utils (pdffonts, pdftoppm, pdftotext) is not installed; CI installs it",
)


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


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("style", ["colah", "pipe"])
def test_pdfs_embed_truetype_fonts_not_type_3(tmp_path, style):
    """Publishers' PDF checks (IEEE PDF eXpress, ACM) reject Type 3 fonts, matplotlib's default."""
    figure, walk, chart = tmp_path / "cell.pdf", tmp_path / "steps.pdf", tmp_path / "flow.pdf"
    lstmviz.render("lstm", figure, style=style, width="8.5cm")
    lstmviz.api.walk_through("gru", walk, style=style)
    lstmviz.gradients(["rnn"], chart, steps=6, trained=False, hidden=4)
    for pdf in (figure, walk, chart):
        out = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows and all("TrueType" in row for row in rows), out
        assert "Type 3" not in out


def embedded_fonts(pdf: bytes) -> list:
    """The TrueType fonts embedded in a PDF (its FontFile2 streams), read by fontTools."""
    from fontTools.ttLib import TTFont

    fonts = []
    for head in re.finditer(rb"<<[^<>]*/Length1[^<>]*>>\s*stream\r?\n", pdf):
        data = pdf[head.end() : pdf.index(b"endstream", head.end())]
        if b"/FlateDecode" in head.group(0):
            data = zlib.decompressobj().decompress(data)
        fonts.append(TTFont(io.BytesIO(data)))
    return fonts


def test_pdf_fonts_are_subset_without_their_layout_tables(tmp_path):
    """The tables for shaping text (ligatures, kerning) are left out of a PDF's fonts: its text is
    placed glyph by glyph already, and reading them was most of the time a PDF took."""
    lstmviz.render("lstm", tmp_path / "c.pdf")
    fonts = embedded_fonts((tmp_path / "c.pdf").read_bytes())
    assert len(fonts) >= 2  # the upright and the italic (math) DejaVu
    for font in fonts:
        assert not set(LAYOUT_TABLES) & set(font.keys()), sorted(font.keys())
        assert {"glyf", "loca", "hmtx", "cmap"} <= set(font.keys())
        assert 5 < font["maxp"].numGlyphs < 100  # subset: only the glyphs used, not DejaVu's 6000


def test_a_font_subset_made_once_is_kept_for_the_next_pdf(tmp_path, monkeypatch):
    """The figures of one cell share their glyphs: the second PDF takes the subset the first made
    (fontTools is not asked again), and is the same file."""
    from matplotlib.backends import _backend_pdf_ps

    from lstmviz.drawing import pdffonts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # no date in the files
    monkeypatch.setattr(pdffonts, "_SUBSETS", type(pdffonts._SUBSETS)())
    lstmviz.render("gru", tmp_path / "a.pdf")
    made = _backend_pdf_ps.get_glyphs_subset.made
    asked = []
    kept = pdffonts._kept(
        lambda *a: asked.append(a) or made(*a), _backend_pdf_ps.SubsetResults, _backend_pdf_ps.font_as_file
    )
    monkeypatch.setattr(_backend_pdf_ps, "get_glyphs_subset", kept)
    lstmviz.render("gru", tmp_path / "b.pdf")
    assert asked == [] and len(pdffonts._SUBSETS) >= 1
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    pdffonts._SUBSETS.clear()
    lstmviz.render("gru", tmp_path / "c.pdf")  # none kept: made again
    assert asked and (tmp_path / "c.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()


def whole_subsets_pdf(scene) -> bytes:
    """The same scene as matplotlib writes it with TrueType fonts, whole subsets (as before)."""
    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context(PUBLISHER):
        mpl.figure(scene).savefig(out, format="pdf", dpi=200)
    return out.getvalue()


@needs_poppler
@pytest.mark.parametrize(("name", "style", "view"), [("lstm", "colah", "cell"), ("gru", "pipe", "chain")])
def test_lean_font_subsets_change_neither_the_text_nor_a_pixel(tmp_path, name, style, view):
    sheet = load_style(style)
    scene = build_scene(layout_view(lstmviz.load(name), view, metrics=metrics_for(sheet)), sheet)
    lean, whole = tmp_path / "lean.pdf", tmp_path / "whole.pdf"
    lean.write_bytes(mpl.encode(scene, fmt="pdf"))
    whole.write_bytes(whole_subsets_pdf(scene))
    assert len(lean.read_bytes()) < len(whole.read_bytes())  # the tables were left out
    for pdf in (lean, whole):
        subprocess.run(["pdftoppm", "-r", "150", "-png", pdf, pdf.with_suffix("")], check=True)
        subprocess.run(["pdftotext", pdf], check=True)
    assert (tmp_path / "lean-1.png").read_bytes() == (tmp_path / "whole-1.png").read_bytes()
    text = (tmp_path / "lean.txt").read_text()
    assert text == (tmp_path / "whole.txt").read_text() and "tanh" in text


def test_several_outputs_are_one_figure_laid_out_once(tmp_path, monkeypatch):
    import lstmviz.pipeline as pipeline

    calls = []
    real = pipeline.layout_view
    monkeypatch.setattr(pipeline, "layout_view", lambda *a, **k: calls.append(1) or real(*a, **k))
    outputs = [tmp_path / "both.svg", tmp_path / "both.png", tmp_path / "both.pdf"]
    assert lstmviz.render("gru", outputs, view="chain", style="pipe") is None
    assert len(calls) == 1
    monkeypatch.undo()
    for path in outputs:
        lstmviz.render("gru", tmp_path / f"one{path.suffix}", view="chain", style="pipe")
    assert (tmp_path / "both.svg").read_text() == (tmp_path / "one.svg").read_text()
    assert (tmp_path / "both.png").read_bytes() == (tmp_path / "one.png").read_bytes()
    assert (tmp_path / "both.pdf").read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize(
    ("second", "expected"),
    [("c.gif", "unknown format 'gif'"), ("none/c.png", "no such directory"), ("c.pgf", "pdflatex is not installed")],
)
def test_several_outputs_are_written_all_or_none(tmp_path, monkeypatch, second, expected):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))  # no pdflatex, for the .pgf
    with pytest.raises(lstmviz.LstmvizError, match=expected):
        lstmviz.render("lstm", [tmp_path / "c.svg", tmp_path / second])
    assert list(tmp_path.iterdir()) == []


def printed_sizes(svg: str) -> tuple[list[float], list[float]]:
    """The math labels' sizes and their scripts' sizes, in points at the printed width."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    scale = float(root.get("width").removesuffix("in")) * 72 / float(root.get("viewBox").split(",")[2])
    texts = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if "Serif" in t.get("font-family", "")]
    scripts = [s for t in texts for s in t if s.get("font-size")]
    return [float(t.get("font-size")) * scale for t in texts], [float(s.get("font-size")) * scale for s in scripts]


@pytest.mark.parametrize("name", ["lstm", "gru", "lstm-peephole"])
def test_a_column_wide_figure_keeps_labels_readable_in_print(name):
    """At a journal column's 8.5 cm, no label under 7 pt and no script under 5 pt, by default."""
    labels, scripts = printed_sizes(lstmviz.render(name, width="8.5cm"))
    assert min(labels) >= 7.0 and min(scripts) >= 5.0


def test_font_size_sets_the_labels_in_points_at_the_printed_width():
    labels, _ = printed_sizes(lstmviz.render("lstm", width="8.5cm", font_size="8pt"))
    assert abs(max(labels) - 8.0) < 0.1  # the labels of lines; a layer's label is 3/4 of it
    labels, _ = printed_sizes(lstmviz.render("lstm", width="12cm", font_size=11))
    assert abs(max(labels) - 11.0) < 0.1
    with pytest.raises(lstmviz.SpecError, match="not a size in points"):
        lstmviz.render("lstm", width="8cm", font_size="big")


def test_plain_math_labels_are_italic_as_in_the_svg():
    """A label with no sub- or superscript (x0, h) is math all the same: its letters italic, its
    digits upright, as the SVG sets them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.mathtext import MathTextParser

    b = lstmviz.CellBuilder("plain")
    b.output(b.layer(b.input("x", label="x0"), activation="tanh", label="h"), label="y")
    fig, ax = plt.subplots()
    lstmviz.draw(b.build(), ax)
    texts = {t.get_text(): t.get_fontproperties() for t in ax.texts}
    plt.close(fig)
    assert r"$x\mathrm{0}$" in texts and "$h$" in texts
    glyphs = MathTextParser("path").parse(r"$x\mathrm{0}$", prop=texts[r"$x\mathrm{0}$"]).glyphs
    fonts = [g[0].fname.rsplit("/", 1)[-1] for g in glyphs]
    assert fonts == ["DejaVuSerif-Italic.ttf", "DejaVuSerif.ttf"]  # the SVG's font, x italic, 0 upright


@pytest.mark.parametrize("style", ["colah", "pipe"])
@pytest.mark.parametrize("name", ["lstm", "gru-pytorch"])
def test_symbols_stay_inside_their_shapes_when_text_grows_for_print(name, style):
    """At a column's width the text grows to stay readable; a layer's or an op's symbol (tanh in
    its ellipse) may grow only as far as its shape holds it, measured with the font itself."""
    import xml.etree.ElementTree as ET

    from tests import drawn

    for width in (None, "8.5cm", "6in"):
        root = ET.fromstring(lstmviz.render(name, style=style, width=width))
        checked = 0
        for g in root.iter(f"{drawn.SVG}g"):
            cls = g.get("class") or ""
            shape = g.find(f"{drawn.SVG}ellipse") if "node op" in cls else g.find(f"{drawn.SVG}rect")
            symbol = g.find(f"{drawn.SVG}text")
            if not ("node op" in cls or "node layer" in cls) or shape is None or symbol is None:
                continue
            if g.find(f"{drawn.SVG}polygon") is not None:  # a valve: no symbol in a shape
                continue
            box, outline = drawn._text_box(symbol), drawn._outline(g)
            assert outline.left <= box.left and box.right <= outline.right, (width, g.get("data-node"))
            assert outline.top <= box.top and box.bottom <= outline.bottom, (width, g.get("data-node"))
            checked += 1
        assert checked >= 4


@pytest.mark.parametrize(
    ("name", "style", "columns"),
    [("lstm", "colah", 3), ("gru", "colah", 3), ("lstm-peephole", "colah", 3), ("gru", "pipe", 2), ("lstm", "pipe", 2)]
    + [("lstm", "colah", 1), ("lstm", "pipe", 1)],  # alone in a figure of matplotlib's default size
)
def test_a_cell_in_a_third_of_a_figure_is_legible(name, style, columns):
    """Drawn into one of three Axes side by side (a 10 x 3 in figure; the wider pipe figures in one
    of two; or alone at matplotlib's default 6.4 x 4.8 in), the cell is scaled to its Axes with its
    lines and text: labels at 7 pt or more (within the layout's convergence), none over another (as
    matplotlib's renderer measures them), all inside the Axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, columns, figsize=(10, 3)) if columns > 1 else plt.subplots()
    ax = axes[1] if columns > 1 else axes
    lstmviz.draw(name, ax, style=style)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    texts = [t for t in ax.texts if t.get_text().strip()]
    labels = [t for t in texts if t.get_text().startswith("$") and "+" not in t.get_text()]  # x_t, not "+b"
    assert len(labels) >= 5
    assert min(t.get_fontsize() for t in labels) >= 6.6
    boxes = [t.get_window_extent(renderer) for t in labels]
    for box in boxes:
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1 and frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1
    for k, a in enumerate(boxes):
        for b in boxes[k + 1 :]:
            assert not a.overlaps(b), (
                labels[k].get_text(),
                [t.get_text() for t in labels if t.get_window_extent(renderer) == b],
            )
    patches = [p for p in ax.patches if p.get_linewidth() > 0]

    sheet = load_style(style)
    widest = max(sheet.wire.width, sheet.streams.pipe_width if sheet.vocabulary.lane == "pipe" else 0.0)
    natural = widest * 0.72  # in points, at the figure's natural size (100 px an inch)
    if columns > 1:  # lines scaled down with the figure, in a third of it
        assert max(p.get_linewidth() for p in patches) < 0.7 * natural
    plt.close(fig)


def test_draw_returns_the_artists_by_the_specs_ids():
    """draw() hands back what it drew: each node's shapes, each edge's line, each label's text, by
    id, to restyle or hide; the figure's extent; and handles for a legend in the drawn colours."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    drawn = lstmviz.draw("lstm", ax)
    graph = lstmviz.load("lstm")
    assert repr(drawn) == "<Drawn lstm cell: 16 nodes, 18 edges, 10 labels>"
    assert set(drawn.nodes) == {n.id for n in graph.nodes} and set(drawn.edges) == {e.id for e in graph.edges}
    box, symbol = drawn.nodes["f"]
    assert box in ax.patches and symbol.get_text() == "σ" and drawn.kinds["f"] == "layer"
    assert [t.get_text() for t in drawn.labels["f"]] == ["$f_t$"] and drawn.labels["f"][0] in ax.texts
    assert all(a in ax.patches for a in drawn.edges["hx->f"])
    left, right, bottom, top = drawn.extent
    assert ax.get_xlim() == (left, right) and ax.get_ylim() == (bottom, top)
    box.set_facecolor("#f4a3a3")  # one gate restyled: the key keeps the layers' own colour
    handles = drawn.legend_handles()
    assert [h.get_label() for h in handles] == ["Neural network layer", "Pointwise operation", "Vector transfer"]
    assert matplotlib.colors.to_hex(handles[0].get_facecolor()) == load_style("colah").layer.fill.lower()
    plt.close(fig)
    fig, ax = plt.subplots()  # the pipe style: its products are valves, its sums tees; the key shows the circle
    pipe = lstmviz.draw("lstm", ax, style="pipe").legend_handles()
    op = next(h for h in pipe if h.get_label() == "Pointwise operation")
    assert matplotlib.colors.to_hex(op.get_markerfacecolor()) == load_style("pipe").op.fill.lower()
    plt.close(fig)


@needs_poppler
def test_a_users_own_pdf_embeds_no_type_3_font_of_ours(tmp_path):
    """A figure of the user's, saved by the user with matplotlib's default rcParams (Type 3 fonts),
    has no Type 3 font of ours: the labels are drawn as outlines; with TrueType asked for, they stay
    text in TrueType; with outline_text, outlines whatever is asked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def fonts(pdf, **options):
        fig, ax = plt.subplots()
        lstmviz.draw("lstm", ax, **options)
        fig.savefig(pdf)
        plt.close(fig)
        rows = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
        return rows, text

    with matplotlib.rc_context({"pdf.fonttype": 3}):  # matplotlib's default
        rows, text = fonts(tmp_path / "default.pdf")
        assert rows == [] and "σ" not in text
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        rows, text = fonts(tmp_path / "truetype.pdf")
        assert rows and all("TrueType" in row for row in rows) and "σ" in text
        rows, text = fonts(tmp_path / "outlined.pdf", outline_text=True)
        assert rows == [] and "σ" not in text


def test_draw_takes_a_font_size_and_a_scale():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = {}
    for options in ({}, {"font_size": "9pt"}, {"scale": 1.5}):
        fig, ax = plt.subplots(figsize=(6, 3))
        lstmviz.draw("lstm", ax, **options)
        sizes[str(options)] = min(t.get_fontsize() for t in ax.texts if t.get_text().startswith("$"))
        plt.close(fig)
    assert sizes["{'font_size': '9pt'}"] == pytest.approx(9.0 * 0.75, rel=0.03)  # a layer's label: 0.75 of the rest
    assert sizes["{'scale': 1.5}"] > sizes["{}"] * 1.3
    with pytest.raises(lstmviz.DataError, match="'scale': 9 is not from 0.25 to 4"):
        lstmviz.draw("lstm", plt.subplots()[1], scale=9)
