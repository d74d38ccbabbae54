"""Reading TOML that strangers wrote (specs, style sheets): one line for anything wrong with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ..errors import SpecError
from .numbers import check_numbers


def load_toml(text: str, *, file: str | Path | None = None) -> dict[str, Any]:
    """TOML text (a spec's or a style sheet's) as data; refused in one line naming the line when it
    is malformed, nests too deeply, or holds a number too long to read (measured before it is read)."""
    check_numbers(text, file=file)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise SpecError(
            "malformed TOML: arrays or tables nest too deeply", file=file, fix="see https://toml.io for the syntax"
        ) from None
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        message = re.sub(r"\s*\(at .*?\)$", "", str(err))
        line = int(match.group(1)) if match else None
        raise SpecError(
            f"malformed TOML: {message}", file=file, line=line, fix="see https://toml.io for the syntax"
        ) from None
