"""The site's pages: the index of thumbnails and one page per entry, poured into the template
that lives beside the entries (``gallery/template/``)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import string
from pathlib import Path

from .. import api
from ..errors import SpecError
from ..learn.tasks import task
from ..spec.graph import CellGraph
from .entries import Entry
from .html import Html, el, text
from .jobs import MORE_STYLES, STYLES, Job
from .mathml import to_mathml
from .start import template_files

_STYLE_NAMES = {
    "colah": "Colah style",
    "pipe": "Pipe-and-valve style",
    "dark": "Dark style, for slides",
    "pipe-dark": "Pipes and valves, dark",
    "print": "Print style, safe in greyscale",
}
_VIEW_TITLES = {"cell": "The cell", "chain": "Through time", "ordered": "In order of computation"}
_NEEDED = ("layout.html", "site.css", "site.js")
_WIDE = 600  # px: a figure wider than this (a chain, a stacked cell) keeps 60% of its size and scrolls
_WIDE_STEP = 900  # px: a step wider than this would scroll even in half a desktop row: it takes a whole one
_ZOOM = 1.35  # figures are drawn at print size; a screen shows them a little larger (SVG stays sharp)


@dataclasses.dataclass(frozen=True)
class Template:
    """The page shell (``layout.html``, a string.Template with $title, $description, $body and
    $version) and the files copied beside the pages (style sheet, script, icon)."""

    folder: Path
    layout: string.Template

    @classmethod
    def load(cls, folder: Path) -> Template:
        for name in _NEEDED:
            if not (folder / name).is_file():
                raise SpecError("is missing from the site template", name=str(folder / name), fix="restore it")
        try:
            layout = (folder / "layout.html").read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise SpecError(
                f"is not UTF-8 text ({err.reason})", name=str(folder / "layout.html"), fix="save it as UTF-8"
            ) from None
        return cls(folder, string.Template(layout))

    def page(self, title: str, description: str, body: Html) -> str:
        from .. import __version__

        try:
            return self.layout.substitute(
                title=text(title), description=text(description), body=body, version=text(__version__)
            )
        except (KeyError, ValueError) as err:
            raise SpecError(
                f"has a placeholder it cannot fill ({err})",
                name=str(self.folder / "layout.html"),
                fix="use only $title, $description, $body and $version (write $$ for a dollar sign)",
            ) from None


def page_files(entries: tuple[Entry, ...], template: Template) -> list[str]:
    """The files :func:`write_pages` writes, relative to the site."""
    names = [p.name for p in template_files(template.folder) if p.name != "layout.html"] + ["index.html"]
    return names + [name for e in entries for name in (f"{e.slug}.html", f"{e.slug}/{e.slug}.toml")]


def write_pages(entries: tuple[Entry, ...], jobs: dict[str, list[Job]], template: Template, root: Path) -> None:
    """Write the index, every entry's page and spec, and the template's files into ``root``, where
    ``jobs`` (each entry's, by slug) have drawn their figures."""
    for path in template_files(template.folder):
        if path.name != "layout.html":
            shutil.copyfile(path, root / path.name)
    (root / "index.html").write_text(index_page(entries, jobs, template, root), encoding="utf-8")
    for k, entry in enumerate(entries):
        neighbours = (entries[k - 1] if k else None, entries[k + 1] if k + 1 < len(entries) else None)
        page = entry_page(entry, jobs[entry.slug], template, root, neighbours)
        (root / f"{entry.slug}.html").write_text(page, encoding="utf-8")
        (root / entry.slug).mkdir(exist_ok=True)
        (root / entry.slug / f"{entry.slug}.toml").write_text(entry.spec, encoding="utf-8")


def index_page(entries: tuple[Entry, ...], jobs: dict[str, list[Job]], template: Template, root: Path) -> str:
    """The index: a card per entry with one thumbnail of its cell in the chosen style (figures
    already drawn under ``root``), its tags, and a search box and tag filter that work offline."""
    cards = []
    for entry in entries:
        cells = [j for j in jobs[entry.slug] if j.view == "cell" and j.style in STYLES]  # a chain is too wide
        words = " ".join([entry.title, entry.graph.description, entry.slug, *entry.tags]).lower()
        cards.append(
            el(
                "li",
                {"class": "card", "data-tags": " ".join(t.replace(" ", "_") for t in entry.tags), "data-text": words},
                el(
                    "a",
                    {"href": f"{entry.slug}.html"},
                    el("h2", None, entry.title),
                    el("div", {"class": "thumbs"}, [_img(job, root, entry, thumb=True) for job in cells]),
                    el("p", None, entry.graph.description),
                    el("ul", {"class": "card-tags", "aria-label": "Tags"}, [el("li", None, t) for t in entry.tags])
                    if entry.tags
                    else None,
                ),
            )
        )
    tags = sorted({t for e in entries for t in e.tags}, key=lambda t: (t[0].isdigit(), t))  # words, then years
    finder = el(
        "div",
        {"class": "finder", "hidden": True},  # shown by the script: without it every card shows
        el(
            "label",
            {"class": "search"},
            "Search ",
            el(
                "input",
                {"type": "search", "id": "search", "placeholder": "a name, a word, a year", "autocomplete": "off"},
            ),
        ),
        el(
            "div",
            {"class": "tag-filter", "role": "group", "aria-label": "Show only cells tagged"},
            [
                el("button", {"type": "button", "data-tag": t.replace(" ", "_"), "aria-pressed": "false"}, t)
                for t in tags
            ],
        ),
        el("p", {"class": "found", "role": "status", "aria-live": "polite"}),
    )
    body = el(
        "main",
        {"class": "index"},
        el("h1", None, "Recurrent cells, drawn from their specs"),
        el(
            "p",
            {"class": "lede"},
            "Every diagram here is drawn by lstmviz from one description of the cell, in the style of "
            "Understanding LSTM Networks and as pipes and valves. Open a cell for its equations, its "
            "walk-through, its animation on real numbers and the spec to start your own from.",
        ),
        _style_switch(),
        finder,
        el("ul", {"class": "cards"}, cards),
        el("p", {"class": "none-found", "hidden": True}, "No cell matches. Clear the search or the tags."),
        el(
            "p",
            {"class": "own"},
            "Your own cell belongs here too: write its spec with a ",
            el("code", None, "[gallery]"),
            " table (a caption, a link to the paper, tags) into ",
            el("code", None, "gallery/"),
            " and run ",
            el("code", None, "lstmviz gallery build"),
            ". No code to change; ",
            el("code", None, "lstmviz gallery init"),
            " starts a gallery of your own.",
        ),
    )
    return template.page("lstmviz gallery", "Recurrent cells drawn from their specs", body)


def entry_page(
    entry: Entry, jobs: list[Job], template: Template, root: Path, neighbours: tuple[Entry | None, Entry | None]
) -> str:
    """An entry's page: its words, equations, every view in both styles, the players and the spec,
    with links to the entries before and after it."""
    graph = entry.graph
    by_view = {
        v: [j for j in jobs if j.view == v and j.style in STYLES] for v in ("cell", "chain", "ordered", "player")
    }
    more = {j.style: j for j in jobs if j.style in MORE_STYLES}
    views = ["chain", "cell"] if entry.lead == "chain" else ["cell", "chain"]
    steps = [j.focus for j in jobs if j.view == "focus" and j.style == STYLES[0]]
    sections = [
        _section(
            "equations",
            "Equations",
            el("div", {"class": "equations"}, [Html(to_mathml(eq)) for eq in _equations(graph)]),
        ),
        *(_section(v, _VIEW_TITLES[v], _figure(by_view[v], root, entry)) for v in views),
        _section(
            "steps",
            "Step by step",
            el(
                "div",
                {"class": "steps"},
                [
                    _step(k, name, [j for j in jobs if j.view == "focus" and j.focus == name], root, entry)
                    for k, name in enumerate(steps, 1)
                ],
            ),
        ),
        _section(
            "ordered",
            _VIEW_TITLES["ordered"],
            [
                el(
                    "p",
                    None,
                    "Values that exist before the step are dashed, the ones it computes solid; each layer "
                    "and op is numbered by the round it can run in.",
                ),
                _figure(by_view["ordered"], root, entry),
            ],
        ),
        _section(
            "styles",
            "Every style sheet",
            el("p", None, "The cell in lstmviz's other style sheets (", el("code", None, "--style NAME"), ")."),
            el(
                "div",
                {"class": "styles"},
                [
                    el(
                        "div",
                        {"class": "sheet"},
                        el("h3", None, _STYLE_NAMES[s], " ", el("code", None, s)),
                        _figure([more[s]], root, entry),
                    )
                    for s in MORE_STYLES
                ],
            ),
        ),
        _section("animation", "On real numbers", _players(by_view["player"], entry)),
        *(_section("learning", "Trained", _explorer(job, entry)) for job in jobs if job.view == "explorer"),
        _section("spec", "The spec", _spec(entry)),
    ]
    toc = el("nav", {"class": "toc", "aria-label": "On this page"}, [
        el("a", {"href": f"#{s_id}"}, title)
        for s_id, title in [("equations", "Equations")] + [(v, _VIEW_TITLES[v]) for v in views]
        + [("steps", "Step by step"), ("ordered", "In order"), ("styles", "Every style"), ("animation", "Animation")]
        + ([("learning", "Trained")] if entry.learn else []) + [("spec", "Spec")]
    ])  # fmt: skip
    reference = el(
        "p",
        {"class": "reference"},
        el("span", {"class": "label"}, "Reference: "),
        graph.reference,
        [" ", el("a", {"href": entry.paper, "rel": "noopener"}, "Read the paper")] if entry.paper else None,
    )
    body = el(
        "main",
        {"class": "entry"},
        el("h1", None, entry.title),
        el("p", {"class": "lede"}, graph.description),
        el("div", {"class": "caption"}, [el("p", None, p) for p in entry.caption]),
        reference if graph.reference else None,
        _style_switch(),
        toc,
        sections,
        _pager(neighbours),
    )
    return template.page(f"{entry.title} · lstmviz gallery", graph.description, body)


def _equations(graph: CellGraph) -> list[str]:
    """The cell's equations as its paper writes them (the spec's ``latex``), else as its walk-through
    writes them from the graph."""
    if graph.latex:
        return list(graph.latex)
    return list(dict.fromkeys(eq for eqs in api.steps_of(graph).values() for eq in eqs))


def _section(section_id: str, title: str, *content: object) -> Html:
    return el("section", {"id": section_id}, el("h2", None, title), content)


def _style_switch() -> Html:
    options = [
        el(
            "label",
            None,
            el("input", {"type": "radio", "name": "style", "id": f"style-{s}", "value": s, "checked": s == STYLES[0]}),
            " ",
            _STYLE_NAMES[s],
        )
        for s in STYLES
    ]
    return el("fieldset", {"class": "style-switch"}, el("legend", None, "Draw in"), options)


def _step(k: int, name: str, jobs: list[Job], root: Path, entry: Entry) -> Html:
    """One step of the walk-through; a wide one takes a whole row of the grid of steps."""
    wide = _size(root / f"{jobs[0].stem}.svg")[0] > _WIDE_STEP
    title = el("h3", None, f"{k}. {name.capitalize()}")
    return el("div", {"class": "step wide" if wide else "step"}, title, _figure(jobs, root, entry))


def _figure(jobs: list[Job], root: Path, entry: Entry) -> Html:
    downloads = [
        el(
            "span",
            {"class": f"downloads style-{job.style}"},
            "Download ",
            [el("a", {"href": f"{job.stem}.{fmt}", "download": True}, fmt.upper()) for fmt in ("svg", "png", "pdf")],
        )
        for job in jobs
    ]
    wide = _size(root / f"{jobs[0].stem}.svg")[0] > _WIDE  # such a figure scrolls sideways on a phone, not shrinks
    images = el("div", {"class": "frame"}, [_img(job, root, entry) for job in jobs])
    kind = " ".join(["diagram", jobs[0].view] + (["wide"] if wide else []))
    return el("figure", {"class": kind}, images, el("figcaption", None, downloads))


def _img(job: Job, root: Path, entry: Entry, thumb: bool = False) -> Html:
    width, height = _size(root / f"{job.stem}.svg")
    view = f"{job.focus} step" if job.focus else f"{job.view} view"
    return el(
        "img",
        {
            "class": f"thumb style-{job.style}" if thumb else f"style-{job.style}",
            "src": f"{job.stem}.svg",
            "width": round(width * _ZOOM),
            "height": round(height * _ZOOM),
            "alt": f"{entry.title}: {view}, {_STYLE_NAMES[job.style].lower()}",
            "style": f"--natural: {width:.0f}px",  # how small a wide figure may get before it scrolls
        },
    )


def _size(svg: Path) -> tuple[float, float]:
    """A drawn SVG's width and height, from its root element."""
    with svg.open(encoding="utf-8") as fh:
        head = fh.read(600)  # the root element opens the file
    width = re.search(r'\swidth="([0-9.]+)', head)
    height = re.search(r'\sheight="([0-9.]+)', head)
    return (float(width.group(1)), float(height.group(1))) if width and height else (600.0, 400.0)


def _players(jobs: list[Job], entry: Entry) -> Html:
    return el(
        "div",
        {"class": "players"},
        el(
            "p",
            None,
            "The cell run on four steps of random input with random weights: each value appears as it is "
            "computed (blue positive, red negative). Hover a cell of a vector for its number.",
        ),
        [
            el(
                "div",
                {"class": f"player style-{job.style}"},
                el(
                    "iframe",
                    {
                        "src": f"{job.stem}.html",
                        "title": f"{entry.title}: animation, {_STYLE_NAMES[job.style].lower()}",
                    },
                ),
                el("p", None, el("a", {"href": f"{job.stem}.html"}, "Open the player on its own page")),
            )
            for job in jobs
        ],
    )


def _explorer(job: Job, entry: Entry) -> Html:
    """The cell trained on a toy task, its neurons reading an example (Chen's explorer), in a frame."""
    learnt = task(job.task or "")
    feature = next(iter(learnt.tracked(learnt.encode(learnt.example)[1])))
    return el(
        "div",
        {"class": "explorer"},
        el(
            "p",
            None,
            f"The cell trained in NumPy on the {learnt.name} task, {learnt.summary}. Then it reads a sequence: "
            "under each symbol, a neuron's cell state, hidden state and gates, coloured as the animation "
            f"colours values. Shown first are the neurons that best track {feature}. Trained with ",
            el("code", None, f"lstmviz train {entry.slug}.toml --task {learnt.name} -o model.npz"),
            "; drawn with ",
            el("code", None, "lstmviz explore model.npz -o explorer.html"),
            ".",
        ),
        el(
            "div",
            {"class": "player"},
            el("iframe", {"src": f"{job.stem}.html", "title": f"{entry.title}: neurons after training"}),
            el("p", None, el("a", {"href": f"{job.stem}.html"}, "Open the explorer on its own page")),
        ),
    )


def _spec(entry: Entry) -> list[Html]:
    toml = f"{entry.slug}/{entry.slug}.toml"
    return [
        el(
            "p",
            None,
            "Copy it into a file, change it, and check it with ",
            el("code", None, f"lstmviz check {entry.slug}.toml"),
            "; draw it with ",
            el("code", None, f"lstmviz render {entry.slug}.toml -o {entry.slug}.svg"),
            ".",
        ),
        el(
            "div",
            {"class": "spec-tools"},
            el("button", {"type": "button", "class": "copy", "data-copy": "spec-source"}, "Copy"),
            el("a", {"href": toml, "download": True}, "Download the spec"),
            el("span", {"class": "copied", "role": "status", "aria-live": "polite"}),
        ),
        el("pre", {"class": "spec"}, el("code", {"id": "spec-source", "class": "toml"}, _highlighted(entry.spec))),
    ]


def _highlighted(spec: str) -> Html:
    """The spec as TOML coloured by Pygments (its text, escaped, in spans of token classes)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TOMLLexer

    return Html(highlight(spec, TOMLLexer(), HtmlFormatter(nowrap=True)).rstrip("\n") + "\n")


def _pager(neighbours: tuple[Entry | None, Entry | None]) -> Html:
    before, after = neighbours
    return el(
        "nav",
        {"class": "pager", "aria-label": "More cells"},
        el("a", {"href": f"{before.slug}.html", "rel": "prev"}, "← ", before.title) if before else el("span"),
        el("a", {"href": "index.html"}, "All cells"),
        el("a", {"href": f"{after.slug}.html", "rel": "next"}, after.title, " →") if after else el("span"),
    )
