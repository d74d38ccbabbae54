"""Math labels as the seed diagrams write them (``h_{t-1}``, ``\\tilde{C}_t``, ``\\sigma``), turned into
runs of plain text with a baseline (normal, subscript, superscript) that any backend can draw as
real text. Only this small LaTeX subset is read, and :func:`problem` refuses a label that uses
anything else, so that what reaches LaTeX (PGF output) is only what is drawn here.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from .spec.limits import MAX_LABEL, MAX_LABEL_DEPTH

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "odot": "⊙", "cdot": "·", "times": "×", "tanh": "tanh", "circ": "∘",
}  # fmt: skip
_ACCENTS = {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304", "vec": "\u20d7"}
#: The commands a label may use: each is drawn here, and each is harmless when LaTeX typesets it.
COMMANDS = frozenset(_GREEK) | frozenset(_ACCENTS)
_TOKEN = re.compile(r"\\([A-Za-z]+)|([_^])|(\{)|(\})|(.)", re.S)


@dataclasses.dataclass(frozen=True)
class Run:
    """A stretch of text on one baseline: ``shift`` is 0 (normal), -1 (subscript) or 1 (superscript)."""

    text: str
    shift: int = 0


def runs(label: str) -> tuple[Run, ...]:
    """The label as runs of plain text; ``-`` becomes a minus sign, accents combining characters."""
    out: list[Run] = []

    def emit(text: str, shift: int) -> None:
        if not text:
            return
        if out and out[-1].shift == shift:
            out[-1] = Run(out[-1].text + text, shift)
        else:
            out.append(Run(text, shift))

    tokens = _TOKEN.findall(label)
    pos = 0

    def group() -> str:
        """The next token, or the text of the next {...} group, as plain text."""
        nonlocal pos
        if pos >= len(tokens):
            return ""
        cmd, script, opening, closing, char = tokens[pos]
        pos += 1
        if opening:
            depth, parts = 1, []
            while pos < len(tokens):
                cmd, script, opening, closing, char = tokens[pos]
                pos += 1
                if opening:
                    depth += 1
                elif closing:
                    depth -= 1
                    if depth == 0:
                        break
                parts.append(_plain(cmd, script, opening, closing, char, group))
            return "".join(parts)
        return _plain(cmd, script, opening, closing, char, group)

    while pos < len(tokens):
        cmd, script, opening, closing, char = tokens[pos]
        if script:
            pos += 1
            emit(group(), -1 if script == "_" else 1)
        elif opening or closing:
            pos += 1
        elif (
            char == "-" and 0 < pos < len(tokens) - 1 and tokens[pos - 1][4].isalpha() and tokens[pos + 1][4].isalpha()
        ):
            pos += 1
            emit("-", 0)  # a hyphen between letters (long-term), not a minus
        else:
            emit(group(), 0)
    return tuple(out)


def _plain(cmd: str, script: str, opening: str, closing: str, char: str, group) -> str:  # type: ignore[no-untyped-def]
    if cmd in _ACCENTS:
        base = group()
        return (base[:1] + _ACCENTS[cmd] + base[1:]) if base else ""
    if cmd:
        return _GREEK.get(cmd, cmd)
    if char == "-":
        return "−"
    return char or script


def problem(label: str, *, max_length: int = MAX_LABEL) -> str | None:
    """What makes ``label`` unsafe or unreadable as a math label, or None when it is fine: a command
    that is not in :data:`COMMANDS` (``\\input``, ``\\def``), TeX's ``^^`` character codes, a control
    character, unbalanced braces, or too much length or depth."""
    if len(label) > max_length:
        return f"is {len(label)} characters long (at most {max_length})"
    bad = next((c for c in label if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        return f"holds the control character {bad!r}"
    if "^^" in label:
        return "holds '^^', which TeX reads as a character code"
    depth = 0
    for cmd, _, opening, closing, char in _TOKEN.findall(label):
        if cmd and cmd not in COMMANDS:
            return f"uses the command \\{cmd}, which lstmviz does not draw (it draws {_known()})"
        if char == "\\":
            return "holds a backslash that starts no command"
        depth += 1 if opening else -1 if closing else 0
        if depth < 0:
            return "closes a brace that was never opened"
        if depth > MAX_LABEL_DEPTH:
            return f"nests braces more than {MAX_LABEL_DEPTH} deep"
    if depth:
        return "opens a brace that is never closed"
    return None


def _known() -> str:
    """The commands, briefly: Greek letters by that name, the rest one by one."""
    greek = {c for c, ch in _GREEK.items() if len(ch) == 1 and unicodedata.category(ch).startswith("L")}
    return "Greek letters, " + " ".join("\\" + c for c in sorted(COMMANDS - greek))


def plain(label: str) -> str:
    """The label as one line of text, sub- and superscripts inline (for titles and tooltips)."""
    return "".join(r.text for r in runs(label))


#: Size of sub- and superscripts relative to the label's font size.
SCRIPT_SCALE = 0.7


def width(label: str, font_size: float) -> float:
    """An estimate of the label's drawn width, enough to keep labels apart and inside the canvas."""
    total = 0.0
    for run in runs(label):
        scale = SCRIPT_SCALE if run.shift else 1.0
        for ch in run.text:
            if unicodedata.combining(ch):
                continue
            wide = ch.isupper() or ch in "mwMW×⊙−"
            total += (0.72 if wide else 0.56) * font_size * scale
    return total
