"""Numbers written in TOML and in equations, found before they are converted: a spec is a
stranger's text, and a number thousands of digits long stops Python's integer parsing (or takes
seconds), so each is measured first and refused in one line that names its line."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SpecError
from .limits import MAX_NUMBER_CHARS

#: Strings and comments, in TOML and in Python's expression syntax, whose digits are not numbers.
_QUOTED = re.compile(
    r'"""(?:\\.|[^\\])*?"""' r"|'''.*?'''" r'|"(?:\\.|[^"\\\n])*"' r"|'[^'\n]*'" r"|#[^\n]*",
    re.S,
)
#: A number as either language writes it: digits first, then digits, letters (0x, e, _), dots, signs
#: and colons (TOML's dates and times); a name such as h2 is not one (a letter comes before).
_NUMBER = re.compile(r"(?<![\w.])\.?\d[\w.:+-]*")


def check_numbers(text: str, *, file: str | Path | None = None, first_line: int = 1) -> None:
    """Refuse ``text`` (TOML, or equations that start on line ``first_line`` of ``file``) when a
    number in it is longer than :data:`MAX_NUMBER_CHARS` characters."""
    plain = _QUOTED.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    for match in _NUMBER.finditer(plain):
        if len(match.group()) > MAX_NUMBER_CHARS:
            line = first_line + plain.count("\n", 0, match.start())
            raise SpecError(
                f"a number {len(match.group()):,} characters long ({match.group()[:12]}...)",
                file=file,
                line=line,
                fix=f"write numbers of at most {MAX_NUMBER_CHARS} characters",
            )
