"""Gallery entries: one TOML file each in ``gallery/``, a cell spec with a ``[gallery]`` table that
carries what the page says about it (caption, paper link, place in the index, lead view)."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

from .. import api
from ..errors import Choice, SpecError
from ..learn.tasks import TASKS
from ..spec.graph import CellGraph
from ..spec.tomlfile import line_of

_KEYS = ("caption", "order", "lead", "paper", "tags", "learn")
_TAG = re.compile(r"[a-z0-9][a-z0-9 -]{0,23}\Z")
MAX_TAGS = 8
_LEAD = Choice("lead view", ("cell", "chain"))
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One cell of the gallery: its spec, the graph it describes, and the words around it."""

    slug: str  #: the file's stem; the page is ``<slug>.html``, its figures in ``<slug>/``
    path: Path
    spec: str  #: the file without its [gallery] table: what a visitor copies
    graph: CellGraph
    caption: tuple[str, ...]  #: paragraphs
    order: int = 100
    lead: str = "cell"  #: the view the page opens with
    paper: str = ""  #: a link to the paper (http or https)
    tags: tuple[str, ...] = ()  #: short words the index filters by ("gated", "2014", "minimal")
    learn: str = ""  #: a toy task the page trains the cell on, to show its neurons (count, copy, ...)

    @property
    def title(self) -> str:
        return self.graph.title


def load_entries(folder: str | Path) -> tuple[Entry, ...]:
    """Every ``*.toml`` entry in ``folder``, in index order (``order``, then title). Any broken entry
    raises a SpecError that names its file, before anything is drawn."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SpecError("no such folder", name=str(folder), fix="give the folder that holds the gallery entries")
    entries = [load_entry(path) for path in sorted(folder.glob("*.toml"))]
    if not entries:
        raise SpecError("holds no entries", name=str(folder), fix="add a cell spec with a [gallery] table as a .toml")
    return tuple(sorted(entries, key=lambda e: (e.order, e.title.lower(), e.slug)))


def load_entry(path: str | Path) -> Entry:
    """The entry in the file at ``path``."""
    path = Path(path)
    graph = api.load(path)  # a spec error names the file and line already
    source = path.read_text(encoding="utf-8")
    data = tomllib.loads(source)  # well-formed: the spec has just been read from it
    table = data.get("gallery")

    def bad(message: str, key: str | None, fix: str) -> SpecError:
        return SpecError(message, name=key, fix=fix, file=path, line=line_of(source, key or "gallery"))

    if not _SLUG.match(path.stem) or path.stem == "index":
        raise bad(
            "is not a usable page name", None, "name the file in lower case letters, digits and hyphens (not index)"
        )
    if not isinstance(table, dict):
        raise bad("has no [gallery] table", None, 'add [gallery] with caption = "..." (what the cell adds, and why)')
    for key in table:
        if key not in _KEYS:
            raise bad(f"unknown key in [gallery] (must be one of {', '.join(_KEYS)})", key, "remove or rename it")
    caption = table.get("caption")
    if not isinstance(caption, str) or not caption.strip():
        raise bad("[gallery] needs a caption", "caption", 'add caption = "..." in plain words')
    order = table.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise bad("must be a whole number", "order", "write e.g. order = 10 (smaller comes first)")
    lead = table.get("lead", "cell")
    if lead not in _LEAD.options:
        raise bad(f"unknown lead view {lead!r} (must be one of cell, chain)", "lead", 'write lead = "cell"')
    paper = table.get("paper", "")
    if not isinstance(paper, str) or (paper and not re.match(r"https?://[^\s\"'<>]+\Z", paper)):
        raise bad("must be an http or https address", "paper", 'write e.g. paper = "https://arxiv.org/abs/..."')
    tags = table.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > MAX_TAGS
        or not all(isinstance(t, str) and _TAG.match(t) for t in tags)
    ):
        raise bad(
            f"must be a list of at most {MAX_TAGS} short tags in lower case (letters, digits, spaces, hyphens)",
            "tags",
            'write e.g. tags = ["gated", "1997"]',
        )
    learn = table.get("learn", "")
    if learn and learn not in TASKS:
        raise bad(f"unknown task {learn!r} (must be one of {', '.join(TASKS)})", "learn", 'write e.g. learn = "count"')
    if not graph.title:
        raise bad("a gallery entry needs a title", "cell", 'add title = "..." to [cell]')
    return Entry(
        slug=path.stem,
        path=path,
        spec=_without_gallery(source, data),
        graph=graph,
        caption=tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", caption.strip())),
        order=order,
        lead=lead,
        paper=paper,
        tags=tuple(dict.fromkeys(tags)),
        learn=learn,
    )


def _without_gallery(source: str, data: dict[str, Any]) -> str:
    """The spec text with the [gallery] table cut out, when that cut leaves exactly the same spec
    (``data``: the whole file, parsed)."""
    lines = source.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"\s*\[gallery\]\s*(#.*)?$", line)), None)
    if start is None:
        return source
    stop = next((i for i in range(start + 1, len(lines)) if re.match(r"\s*\[", lines[i])), len(lines))
    cut = "".join(lines[:start] + lines[stop:]).strip("\n") + "\n"
    try:
        same = tomllib.loads(cut) == {k: v for k, v in data.items() if k != "gallery"}
    except tomllib.TOMLDecodeError:
        same = False
    return cut if same else source
