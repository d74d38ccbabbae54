"""Figures for papers and slides: walk-through sequences, PGF, fonts, and a LaTeX example compiled."""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import lstmviz
from lstmviz import DataError
from lstmviz.api import walk_through
from lstmviz.spec.roles import roles
from tests.support import LATEX_FILES, missing, needs, run_cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "latex"
needs_latex = needs("pdflatex", latex=("pgf.sty", "amsmath.sty", "graphicx.sty", "beamer.cls"))


@pytest.mark.parametrize("name", lstmviz.BUILTINS)
@pytest.mark.parametrize("style", ["colah", "pipe"])
def test_every_built_in_walks_through_with_frames_of_one_size(tmp_path, name, style):
    files = walk_through(name, tmp_path / "steps", style=style)
    assert len(files) == len(roles(lstmviz.load(name)).steps) >= 1
    sizes = {(ET.parse(f).getroot().get("width"), ET.parse(f).getroot().get("height")) for f in files}
    assert len(sizes) == 1  # slides do not jump
    assert all(f.name.startswith(f"{name}-{k}-") for k, f in enumerate(files, 1))  # numbered in order


def test_walk_through_as_one_pdf_and_as_beamer_overlays(tmp_path):
    (pdf,) = walk_through("lstm", tmp_path / "steps.pdf", width="12cm")
    data = pdf.read_bytes()
    boxes = set(re.findall(rb"/MediaBox \[\s*([0-9. ]+)\]", data))
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 4  # one page per step
    assert len(boxes) == 1  # all the same size
    pdf2, tex = walk_through("gru", tmp_path / "gru.tex", style="dark")
    text = tex.read_text()
    assert pdf2.name == "gru.pdf" and r"\includegraphics<1>[page=1" in text and r"\includegraphics<5>" not in text


def test_font_and_transparent_background():
    svg = lstmviz.render("lstm", font="cm", transparent=True)
    root = ET.fromstring(svg)
    assert not any(e.get("class") == "background" for e in root.iter())
    assert "CMU Serif" in svg
    with pytest.raises(lstmviz.SpecError, match="unknown font 'comic'"):
        lstmviz.render("lstm", font="comic")


@needs_latex
def test_pgf_is_typeset_by_latex(tmp_path):
    lstmviz.render("lstm", tmp_path / "c.pgf", labels="plain")
    text = (tmp_path / "c.pgf").read_text()
    assert r"\begin{pgfpicture}" in text and "long-term memory" in text and r"$\sigma$" in text


def test_pgf_without_latex_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(DataError, match="pdflatex is not installed; install TeX Live"):
        lstmviz.render("lstm", tmp_path / "c.pgf")
    assert not (tmp_path / "c.pgf").exists()


@needs_latex
def test_the_latex_example_without_pdflatex_says_so_in_one_line_and_writes_nothing(tmp_path):
    python = Path(sys.executable)
    out = subprocess.run(
        [python, EXAMPLES / "make_figures.py", tmp_path],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": str(python.parent) if shutil.which("pdflatex", path=str(python.parent)) is None
             else "/nonexistent"},  # fmt: skip
    )
    assert out.returncode == 1 and out.stdout == "" and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.splitlines() == [
        "make_figures.py: 'pgf': PGF output needs LaTeX to measure its text, and pdflatex is not installed; install "
        "TeX Live (Debian: apt-get install texlive-latex-base texlive-pictures)"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_latex_example_compiles(tmp_path):
    for name in ("paper.tex", "slides.tex"):
        shutil.copy(EXAMPLES / name, tmp_path)
    subprocess.run([sys.executable, EXAMPLES / "make_figures.py", tmp_path], check=True, timeout=300)
    pages = {}
    for name in ("paper", "slides"):
        for _ in range(2):  # twice, so that references resolve
            run = subprocess.run(
                ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
            )
        assert run.returncode == 0, run.stdout[-3000:]
        log = (tmp_path / f"{name}.log").read_text(errors="replace")
        assert "LaTeX Warning: Reference" not in log and "There were undefined references" not in log
        assert "Missing character" not in log  # every glyph of our labels exists in the font
        pages[name] = int(re.search(r"Output written on .*?\((\d+) pages?", log).group(1))
    assert pages["paper"] >= 1
    assert pages["slides"] == len(lstmviz.api.steps_of("lstm"))  # one overlay per step


@pytest.mark.slow
def test_steps_command(tmp_path):
    out = run_cli("steps", "lstm", "-o", tmp_path / "s", "--format", "png")
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "lstm-1-forget.png",
        "lstm-2-input.png",
        "lstm-3-state.png",
        "lstm-4-output.png",
    ]


def test_png_width_in_pixels_is_met_exactly(tmp_path):
    from PIL import Image

    lstmviz.render("gru", tmp_path / "g.png", width="1920px", style="dark")
    assert Image.open(tmp_path / "g.png").size[0] == 1920
    (first, *rest) = walk_through("lstm", tmp_path / "s", fmt="png", width=1280)
    assert {Image.open(p).size for p in [first, *rest]} == {Image.open(first).size} and Image.open(first).size[
        0
    ] == 1280


def test_a_spec_names_and_orders_its_steps(tmp_path):
    text = (
        lstmviz.dump_spec(lstmviz.load("lstm"))
        + '\n[steps]\nforget_and_keep = ["f", "fc"]\nwrite = ["i", "g", "ig", "c"]\n'
    )
    (tmp_path / "cell.toml").write_text(text)
    cell = lstmviz.read_spec(tmp_path / "cell.toml")
    assert cell.steps == (("forget_and_keep", ("f", "fc")), ("write", ("i", "g", "ig", "c")))
    assert lstmviz.parse_spec(lstmviz.dump_spec(cell)) == cell  # steps round-trip
    files = walk_through(cell, tmp_path / "out")
    assert [f.name for f in files] == ["lstm-1-forget_and_keep.svg", "lstm-2-write.svg"]
    (tmp_path / "bad.toml").write_text(text.replace('"fc"]', '"fcc"]'))
    with pytest.raises(lstmviz.SpecError) as info:
        lstmviz.read_spec(tmp_path / "bad.toml")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("forget_and_keep"))
    assert str(info.value).startswith(f"{tmp_path / 'bad.toml'}:{line}: 'forget_and_keep': step names 'fcc'")


@needs_latex
def test_pgf_of_a_cell_with_fractions_and_function_names_compiles(tmp_path):
    """The labels and equations lstmviz accepts are what LaTeX typesets (\\frac, \\mathrm, \\max,
    \\exp, \\tilde): the minLSTM and sLSTM walk-throughs as PGF, in a document with amsmath."""
    gallery = Path(__file__).resolve().parents[1] / "gallery"
    lstmviz.render(gallery / "minlstm.toml", tmp_path / "gates.pgf", view="focus", focus="gates")
    lstmviz.render(gallery / "slstm.toml", tmp_path / "stabiliser.pgf", view="focus", focus="stabiliser")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{pgf}\\usepackage{amsmath}\\begin{document}"
        "\\input{gates.pgf}\\input{stabiliser.pgf}\\end{document}\n"
    )
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    text = (tmp_path / "gates.pgf").read_text()
    assert r"\frac{f_t}{f_t + i_t}" in text and r"\mathrm{Linear}" in text


@pytest.mark.skipif(shutil.which("kpsewhich") is None, reason="needs kpsewhich (Debian texlive-binaries)")
def test_a_missing_program_or_latex_package_is_named_with_what_to_install():
    """A test that needs pdflatex with the pgf package skips on a machine with pdflatex but not pgf,
    naming pgf.sty and its Debian package, instead of failing in LaTeX's log."""
    assert missing("lstmviz-no-such-program") == ["lstmviz-no-such-program"]
    assert missing(latex=("lstmviz-no-such-package.sty",)) == ["lstmviz-no-such-package.sty (Debian texlive)"]
    assert set(LATEX_FILES) >= {"pgf.sty", "beamer.cls"}  # what the examples load, each with its package

