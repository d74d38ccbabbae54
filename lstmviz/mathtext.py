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
    "odot": "⊙", "cdot": "·", "times": "×", "circ": "∘", "tanh": "tanh", "exp": "exp", "log": "log",
    "max": "max", "min": "min",
}  # fmt: skip
_ACCENTS = {"tilde": "\u0303", "hat": "\u0302", "bar": "\u0304", "vec": "\u20d7"}
#: Commands whose argument is drawn as written, upright (a function's name, a word).
_WORDS = ("mathrm", "operatorname", "text", "mathit", "mathbf")
#: The commands a label may use: each is drawn here, and each is harmless when LaTeX typesets it
#: (with amsmath, which PGF output loads).
COMMANDS = frozenset(_GREEK) | frozenset(_ACCENTS) | frozenset(_WORDS) | {"frac"}
_TOKEN = re.compile(r"\\([A-Za-z]+)|([_^])|(\{)|(\})|(.)", re.S)


@dataclasses.dataclass(frozen=True)
class Run:
    """A stretch of text on one baseline: ``shift`` is 0 (normal), -1 (subscript) or 1 (superscript)."""

    text: str
    shift: int = 0


def runs(label: str) -> tuple[Run, ...]:
    """The label as runs of plain text; ``-`` becomes a minus sign, accents combining characters,
    ``\\frac{a}{b}`` a/b on one line, ``\\mathrm{relu}`` and its kind the word itself."""
    return _Reader(_TOKEN.findall(label)).all()


class _Reader:
    """Reads tokens of the LaTeX subset into runs, one group or command at a time."""

    def __init__(self, tokens: list[tuple[str, str, str, str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.out: list[Run] = []

    def all(self) -> tuple[Run, ...]:
        while self.pos < len(self.tokens):
            self.item(0)
        return tuple(self.out)

    def emit(self, text: str, shift: int) -> None:
        if not text:
            return
        if self.out and self.out[-1].shift == shift:
            self.out[-1] = Run(self.out[-1].text + text, shift)
        else:
            self.out.append(Run(text, shift))

    def item(self, shift: int) -> None:
        """One token, a script applied to what follows, or a command with its arguments."""
        cmd, script, opening, closing, char = self.tokens[self.pos]
        self.pos += 1
        if script:
            self.group(-1 if script == "_" else 1)
        elif opening:
            self.pos -= 1
            self.group(shift)
        elif closing:
            pass  # unbalanced: refused by problem(); drawn as nothing
        elif cmd in _ACCENTS:
            text = "".join(r.text for r in self.apart(shift))
            self.emit(text[:1] + _ACCENTS[cmd] + text[1:] if text else "", shift)
        elif cmd in _WORDS:
            self.group(shift)
        elif cmd == "frac":  # on one line: a/b, brackets around a part of several terms
            for k, part in enumerate((self.apart(shift), self.apart(shift))):
                wrap = any(c in r.text for r in part for c in "+−-, ")
                self.emit(("/" if k else "") + ("(" if wrap else ""), shift)
                for run in part:
                    self.emit(run.text, run.shift)
                self.emit(")" if wrap else "", shift)
        elif cmd:
            self.emit(_GREEK.get(cmd, cmd), shift)
        elif char == "-" and self._between_letters():
            self.emit("-", shift)  # a hyphen between letters (long-term), not a minus
        else:
            self.emit("−" if char == "-" else char, shift)

    def group(self, shift: int) -> None:
        """The next {...} group (or single item) at ``shift``; scripts inside keep their place."""
        if self.pos >= len(self.tokens):
            return
        if not self.tokens[self.pos][2]:
            self.item(shift)
            return
        self.pos += 1
        while self.pos < len(self.tokens) and not self.tokens[self.pos][3]:
            self.item(shift)
        self.pos += 1

    def apart(self, shift: int) -> list[Run]:
        """The next group's runs, read without emitting them (an accent's base, a fraction's part)."""
        saved, self.out = self.out, []
        self.group(shift)
        part, self.out = self.out, saved
        return part

    def _between_letters(self) -> bool:
        before, after = self.pos - 2, self.pos
        if before < 0 or after >= len(self.tokens):
            return False
        return self.tokens[before][4].isalpha() and self.tokens[after][4].isalpha()


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
