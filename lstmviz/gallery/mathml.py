"""Equations as MathML, typeset by the browser itself: no script, no font download, works offline.

latex2mathml does the conversion; what it returns is parsed and rebuilt from allowed MathML
elements and attributes only, so nothing a spec writes can become markup of its own.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

_NS = "http://www.w3.org/1998/Math/MathML"
_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mover munder munderover mfrac msqrt mroot "
    "mstyle mpadded mphantom menclose mtable mtr mtd semantics annotation".split()
)
_ATTRIBUTES = frozenset(
    "display stretchy mathvariant fence separator lspace rspace accent accentunder movablelimits width "
    "height depth minsize maxsize symmetric form linethickness columnalign rowalign columnspacing "
    "rowspacing displaystyle scriptlevel notation".split()
)


def to_mathml(latex: str) -> str:
    """One equation as a block of MathML; LaTeX it cannot read is shown as the code itself."""
    from latex2mathml.converter import convert

    try:
        tree = ET.fromstring(convert(latex, display="block"))
        clean = _rebuild(tree)
    except Exception:  # noqa: BLE001 - any LaTeX the converter trips on is shown as written
        return f'<code class="latex">{html.escape(latex)}</code>'
    clean.set("alttext", latex)  # what a screen reader or a copy reads
    return ET.tostring(clean, encoding="unicode", short_empty_elements=False)


def _rebuild(node: ET.Element) -> ET.Element:
    tag = node.tag.removeprefix("{" + _NS + "}")
    if tag not in _ELEMENTS:
        raise ValueError(f"not allowed in an equation: {tag}")
    out = ET.Element(tag, {k: v for k, v in node.attrib.items() if k in _ATTRIBUTES})
    out.text = node.text
    for child in node:
        kept = _rebuild(child)
        kept.tail = child.tail
        out.append(kept)
    if tag == "math":
        out.set("xmlns", _NS)
    return out
