"""What the API returns for notebooks: figures that show themselves in Jupyter (``_repr_svg_``,
``_repr_html_``), are still plain strings to compare, embed or write, and save to a file."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from .words import count


class _Document(str):
    """Text that is a whole file (a figure, a page). ``what`` says what it shows, for its repr."""

    what: str = ""

    def save(self, path: str | Path) -> Path:
        """Write the text to ``path`` (whole or not at all) and return the path."""
        from .files import write_atomic

        write_atomic(path, self.encode("utf-8"))
        return Path(path)

    def titled(self, what: str) -> _Document:
        """The same text, saying in its repr that it shows ``what`` ("lstm cell")."""
        out = type(self)(self)
        out.what = what
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.what + ', ' if self.what else ''}{self._size()}>"

    def _size(self) -> str:
        return f"{len(self.encode('utf-8')) / 1024:.0f} KB"


class SVG(_Document):
    """An SVG figure: its text, which a notebook displays as the picture, as wide as the notebook at
    most (the text itself keeps the figure's own size)."""

    def _repr_svg_(self) -> str:
        return _ROOT.sub(r'\g<0> style="max-width:100%;height:auto"', str(self), count=1)

    def _size(self) -> str:
        root = _ROOT.search(self)
        tag = self[root.start() : self.find(">", root.start())] if root else ""
        w, h = (re.search(rf'\b{a}="([0-9.]+)', tag) for a in ("width", "height"))
        return f"{float(w[1]):.0f}×{float(h[1]):.0f} px" if w and h else super()._size()


#: The opening of an SVG's root element.
_ROOT = re.compile(r"<svg\b")


class HTML(_Document):
    """A self-contained HTML page (the animation player), which a notebook shows in a frame of its
    own: its script and styles stay apart from the notebook's."""

    height: int = 620

    def _repr_html_(self) -> str:
        return (
            f"<iframe srcdoc='{_attribute(self)}' style='width:100%;height:{self.height}px;border:0'"
            " sandbox='allow-scripts'></iframe>"
        )


def _attribute(text: str) -> str:
    """``text`` as a single-quoted HTML attribute's value: its ampersands and single quotes escaped,
    nothing else (its many double quotes stay as they are, a third of the length of ``&quot;``)."""
    return text.replace("&", "&amp;").replace("'", "&#39;")


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a walk-through: its name, the equations it explains (LaTeX), and its figure."""

    name: str
    equations: tuple[str, ...]
    figure: SVG

    def _repr_svg_(self) -> str:
        return self.figure._repr_svg_()


@dataclasses.dataclass(frozen=True)
class Steps(Sequence[Step]):
    """A cell's walk-through in memory: the steps in order, shown in a notebook one under another
    with their names and equations. ``save`` writes them as :func:`lstmviz.walk_through` does."""

    cell: Any  #: the CellGraph
    steps: tuple[Step, ...]
    writer: Callable[..., list[Path]]  #: writes the walk-through as these steps were drawn (output, fmt=...)

    @overload
    def __getitem__(self, k: int) -> Step: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[Step]: ...
    def __getitem__(self, k: int | slice) -> Step | Sequence[Step]:
        return self.steps[k]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def _repr_html_(self) -> str:
        name = html.escape(self.cell.title or self.cell.name)
        parts = [f"<div class='lstmviz-steps'><p><b>{name}</b>: {count(len(self), 'step')}</p>"]
        for k, step in enumerate(self.steps, 1):
            maths = "".join(f"<div>\\({html.escape(e)}\\)</div>" for e in step.equations)  # for MathJax
            parts.append(
                f"<figure style='margin:0 0 1.5em 0'>{step.figure._repr_svg_()}"
                f"<figcaption><b>{k}. {html.escape(step.name)}</b>{maths}</figcaption></figure>"
            )
        return "".join(parts) + "</div>"

    def __repr__(self) -> str:
        return f"<Steps of the {self.cell.name} cell: {', '.join(step.name for step in self.steps)}>"

    def save(self, output: str | Path, fmt: str = "svg") -> list[Path]:
        """Write the walk-through to a folder, a multi-page ``.pdf`` or a Beamer ``.tex``."""
        return self.writer(output, fmt=fmt)


#: The kinds of node a legend names, in the order it names them (the post's notation).
LEGEND = (("layer", "Neural network layer"), ("op", "Pointwise operation"))


@dataclasses.dataclass(frozen=True, repr=False)
class Drawn:
    """What :func:`lstmviz.draw` put into a matplotlib Axes, by the ids of the cell's spec: each
    node's shapes (its box or circle and its symbol), each edge's line and arrowhead, and each
    label's text, by the node it names. Restyle or hide any of them as matplotlib artists."""

    cell: str  #: the cell's name
    ax: Any  #: the Axes drawn into
    nodes: Mapping[str, tuple[Any, ...]]
    edges: Mapping[str, tuple[Any, ...]]
    labels: Mapping[str, tuple[Any, ...]]
    kinds: Mapping[str, str]  #: each node's kind (layer, op, input, ...)
    extent: tuple[float, float, float, float]  #: left, right, bottom, top of the figure, in the Axes' data

    def legend_handles(self) -> list[Any]:
        """Handles for ``ax.legend(handles=...)``: a layer, a pointwise op and a vector transfer, in
        the colours they are drawn in here (only the kinds the figure has)."""
        from matplotlib.lines import Line2D
        from matplotlib.patches import Ellipse, Patch

        handles: list[Any] = []
        for kind, caption in LEGEND:
            shapes = [a[0] for n, a in self.nodes.items() if self.kinds.get(n) == kind and a]
            if kind != "layer":  # an op's circle, not a valve, a tee or a junction's dot (the pipe style)
                circles = [s for n, a in self.nodes.items() if self.kinds.get(n) == kind for s in a]
                circles = [s for s in circles if isinstance(s, Ellipse)]
                widest = max((s.width for s in circles), default=0.0)
                shapes = [s for s in circles if s.width > widest / 2] or shapes
            if not shapes:
                continue
            # the colours most of them are drawn in (one restyled gate does not recolour the key)
            face, edge = max(
                {(s.get_facecolor(), s.get_edgecolor()) for s in shapes},
                key=lambda c: sum((s.get_facecolor(), s.get_edgecolor()) == c for s in shapes),
            )
            if kind == "layer":
                handles.append(Patch(facecolor=face, edgecolor=edge, label=caption))
            else:
                handles.append(
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker="o",
                        markersize=10,
                        markerfacecolor=face,
                        markeredgecolor=edge,
                        label=caption,
                    )  # fmt: skip
                )
        line = next((a[0] for a in self.edges.values() if a), None)
        if line is not None:
            handles.append(Line2D([], [], color=line.get_edgecolor(), linewidth=2, label="Vector transfer"))
        return handles

    def __repr__(self) -> str:
        counts = count(len(self.nodes), "node"), count(len(self.edges), "edge"), count(len(self.labels), "label")
        return f"<Drawn {self.cell} cell: {', '.join(counts)}>"
