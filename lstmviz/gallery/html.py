"""Building HTML from Python values: every text and attribute is escaped unless it is already ``Html``."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

_VOID = frozenset({"img", "br", "meta", "link", "input", "hr", "source"})


class Html(str):
    """Markup that is safe as it is: made by :func:`el`, or escaped by :func:`text`."""


def text(value: object) -> Html:
    """``value`` as HTML text (escaped), unless it is markup already."""
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def el(tag: str, attrs: Mapping[str, object] | None = None, *children: object) -> Html:
    """An element: ``attrs`` (None or False leaves an attribute out, True writes it bare) and
    children (text, Html, or iterables of them)."""
    parts = [f"<{tag}"]
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{text(value)}"')
    parts.append(">")
    if tag in _VOID:
        return Html("".join(parts))
    parts.extend(_flat(children))
    parts.append(f"</{tag}>")
    return Html("".join(parts))


def _flat(children: Iterable[object]) -> Iterable[str]:
    for child in children:
        if child is None:
            continue
        if isinstance(child, str):
            yield text(child)
        elif isinstance(child, Iterable):
            yield from _flat(child)
        else:
            yield text(child)
