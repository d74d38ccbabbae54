"""Equations as MathML: typeset by the browser, and never a way in for markup."""

import xml.etree.ElementTree as ET

from lstmviz.gallery.mathml import to_mathml


def test_an_equation_becomes_block_mathml_with_its_latex_as_alt_text():
    out = to_mathml(r"\tilde{C}_t = \tanh(W_C \cdot [h_{t-1}, x_t] + b_C)")
    root = ET.fromstring(out)
    assert root.tag == "{http://www.w3.org/1998/Math/MathML}math" and root.get("display") == "block"
    assert root.get("alttext").startswith(r"\tilde{C}_t")
    assert "<msub>" in out and "tanh" in out


def test_markup_in_an_equation_stays_text():
    out = to_mathml(r"x < y")
    assert "<mo>&lt;</mo>" in out
    assert "<script" not in to_mathml("<script>alert(1)</script>")


def test_links_and_unknown_attributes_are_dropped():
    out = to_mathml(r"\href{javascript:alert(1)}{x}")
    assert "javascript" not in out.replace(r'alttext="\href{javascript:alert(1)}{x}"', "")
    assert "href=" not in out


def test_latex_the_converter_cannot_read_is_shown_as_code():
    out = to_mathml(r"a & b")  # latex2mathml writes a bare '&' here: not well-formed, so not trusted
    assert out == '<code class="latex">a &amp; b</code>'
