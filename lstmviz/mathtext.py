"""Math labels as the seed diagrams write them (``h_{t-1}``, ``\\tilde{C}_t``, ``\\sigma``), turned into
runs of plain text with a baseline (normal, subscript, superscript) that any backend can draw as
real text. Only this small LaTeX subset is read, and :func:`problem` refuses a label that uses
anything else, so that what reaches LaTeX (PGF output) is only what is drawn here.
"""

from __future__ import annotations

import dataclasses
import functools
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
    """A stretch of text on one baseline: ``shift`` is 0 (normal), -1 (subscript) or 1 (superscript);
    ``italic`` as TeX sets math: a letter standing for a value is italic, a digit, an operator or a
    function's name (tanh) upright."""

    text: str
    shift: int = 0
    italic: bool = False


@functools.lru_cache(maxsize=4096)
def runs(label: str) -> tuple[Run, ...]:
    """The label as runs of plain text; ``-`` becomes a minus sign, accents combining characters,
    ``\\frac{a}{b}`` a/b on one line, ``\\mathrm{relu}`` and its kind the word itself. Kept: the
    layout measures each label many times as it looks for a place."""
    return _Reader(_TOKEN.findall(label)).all()


class _Reader:
    """Reads tokens of the LaTeX subset into runs, one group or command at a time."""

    def __init__(self, tokens: list[tuple[str, str, str, str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.out: list[Run] = []
        self.upright = 0  # inside a word command (\\mathrm{...}): letters stay upright

    def all(self) -> tuple[Run, ...]:
        while self.pos < len(self.tokens):
            self.item(0)
        return tuple(self.out)

    def emit(self, text: str, shift: int, italic: bool = False) -> None:
        if not text:
            return
        italic = italic and not self.upright
        if self.out and self.out[-1].shift == shift and self.out[-1].italic == italic:
            self.out[-1] = Run(self.out[-1].text + text, shift, italic)
        else:
            self.out.append(Run(text, shift, italic))

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
            part = self.apart(shift)
            text = "".join(r.text for r in part)
            self.emit(text[:1] + _ACCENTS[cmd] + text[1:] if text else "", shift, any(r.italic for r in part))
        elif cmd in _WORDS:
            self.upright += cmd != "mathit"
            self.group(shift)
            self.upright -= cmd != "mathit"
        elif cmd == "frac":  # on one line: a/b, brackets around a part of several terms
            for k, part in enumerate((self.apart(shift), self.apart(shift))):
                wrap = any(c in r.text for r in part for c in "+−-, ")
                self.emit(("/" if k else "") + ("(" if wrap else ""), shift)
                for run in part:
                    self.emit(run.text, run.shift, run.italic)
                self.emit(")" if wrap else "", shift)
        elif cmd:  # a lowercase Greek letter is italic in TeX's math; capitals and names are upright
            self.emit(_GREEK.get(cmd, cmd), shift, "α" <= _GREEK.get(cmd, "")[:1] <= "ω")
        elif char == "-" and self._between_letters():
            self.emit("-", shift)  # a hyphen between letters (long-term), not a minus
        else:
            self.emit("−" if char == "-" else char, shift, char.isascii() and char.isalpha())

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


def latex_problem(label: str) -> str | None:
    """What stops pdflatex, with no packages beyond amsmath, from typesetting ``label`` in math mode
    (for PGF output), or None: a character outside ASCII (ü, σ, CJK, emoji: write \\sigma, or draw
    an SVG, PNG or PDF), or a second subscript or superscript on one base (``a_b_c``, TeX's "double
    subscript"). Found before LaTeX runs, so its error never has to be read back from its log."""
    other = next((c for c in label if not c.isascii()), None)
    if other is not None:
        return f"holds {other!r}, which LaTeX cannot typeset in math without packages"
    # per brace depth: the scripts the current base has, and whether the group is a script's argument
    frames: list[tuple[set[str], bool]] = [(set(), False)]
    expect_script = False  # the next atom is the argument of a _ or ^
    for cmd, mark, opening, closing, _ in _TOKEN.findall(label):
        scripts = frames[-1][0]
        if mark:
            if mark in scripts:
                twice = "subscript" if mark == "_" else "superscript"
                return f"puts a second {twice} on one base, which LaTeX refuses (group it: a_{{b_c}})"
            scripts.add(mark)
            expect_script = True
        elif opening:
            frames.append((set(), expect_script))
            expect_script = False
        elif closing:
            if expect_script:
                return "has a _ or ^ with nothing after it"
            _, was_script = frames.pop() if len(frames) > 1 else frames[0]
            if not was_script:  # a group that is a base of its own: its scripts come after it
                frames[-1][0].clear()
        elif expect_script:
            expect_script = False  # a one-atom script: the base keeps its scripts
        else:
            scripts.clear()  # a new base
    if expect_script:
        return "ends with a _ or ^ with nothing after it"
    return None


def _known() -> str:
    """The commands, briefly: Greek letters by that name, the rest one by one."""
    greek = {c for c, ch in _GREEK.items() if len(ch) == 1 and unicodedata.category(ch).startswith("L")}
    return "Greek letters, " + " ".join("\\" + c for c in sorted(COMMANDS - greek))


def plain(label: str) -> str:
    """The label as one line of text, sub- and superscripts inline (for titles and tooltips)."""
    return "".join(r.text for r in runs(label))


def readable(label: str) -> str:
    """The label as one line of text that keeps its scripts apart, TeX's way (``f_t ⊙ C_{t−1}``), for
    places with no sub- or superscripts (a table's cell, a data attribute)."""
    out, script = [], ""
    shift = 0
    for run in (*runs(label), Run("")):
        if run.shift != shift or not run.text:
            if script:
                out.append(("_" if shift < 0 else "^") + (script if len(script) == 1 else "{" + script + "}"))
            script, shift = "", run.shift
        if run.shift:
            script += run.text
        else:
            out.append(run.text)
    return "".join(out)


def html(label: str) -> str:
    """The label as escaped HTML, its scripts as ``<sub>``/``<sup>`` and its letters italic as TeX
    sets them (``<i>C̃</i><sub><i>t</i></sub>``), for pages that show a label as text."""
    import html as escaping
    import itertools

    out = []
    for shift, group in itertools.groupby(runs(label), key=lambda run: run.shift):
        text = "".join(f"<i>{escaping.escape(r.text)}</i>" if r.italic else escaping.escape(r.text) for r in group)
        tag = {-1: "sub", 1: "sup"}.get(shift)
        out.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(out)


#: Size of sub- and superscripts relative to the label's font size.
SCRIPT_SCALE = 0.7
#: How tall capitals stand above the baseline, as a share of the size.
CAP_HEIGHT = 0.78
#: How far below a line's height the baseline of a label centred on it goes, as a share of the size.
MIDLINE = 0.35
#: How far a script's baseline is shifted up (superscript) or down (subscript), as a share of the size.
SCRIPT_SHIFT = 0.3
#: How far below the baseline a descender (g, p, a parenthesis) reaches, and other letters, as shares.
DESCENT, FOOT = 0.24, 0.02


#: Advance widths in DejaVu Serif (the math labels' font; its italic is within 0.01 em), in em:
#: measured with FreeType for the characters labels use, so labels are kept clear of lines by what
#: they really take.
_ADVANCE = {
    **dict.fromkeys("ilj.,·:;|'", 0.32), **dict.fromkeys("ft-/()[]", 0.38), **dict.fromkeys("rs*", 0.5),
    **dict.fromkeys("cxvyz", 0.56), **dict.fromkeys("aeok?", 0.6), **dict.fromkeys("bdghnpqu0123456789{}", 0.64),
    **dict.fromkeys("IJ", 0.4), **dict.fromkeys("LPSTYFZ", 0.68), **dict.fromkeys("σAVXBEKR", 0.74),
    **dict.fromkeys("CDGOQUN", 0.82), "H": 0.88, "w": 0.86, "m": 0.95, "M": 1.02, "W": 1.04, " ": 0.32,
    **dict.fromkeys("+−=×⊙<>^~", 0.84), "…": 1.0,
}  # fmt: skip


@functools.lru_cache(maxsize=4096)
def width(label: str, font_size: float) -> float:
    """The label's drawn width, from the font's advance widths (0.62 em for a character not listed),
    enough to keep labels apart, off the lines and inside the canvas."""
    total = 0.0
    for run in runs(label):
        scale = SCRIPT_SCALE if run.shift else 1.0
        for ch in run.text:
            if unicodedata.combining(ch):
                continue
            total += _ADVANCE.get(ch, 0.72 if ch.isupper() else 0.62) * font_size * scale
    return total
