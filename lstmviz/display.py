"""What the API returns for notebooks: figures that show themselves in Jupyter (``_repr_svg_``,
``_repr_html_``), are still plain strings to compare, embed or write, and save to a file."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload


class _Document(str):
    """Text that is a whole file (a figure, a page)."""

    def save(self, path: str | Path) -> Path:
        """Write the text to ``path`` (whole or not at all) and return the path."""
        from .files import write_atomic

        write_atomic(path, self.encode("utf-8"))
        return Path(path)


class SVG(_Document):
    """An SVG figure: its text, which a notebook displays as the picture."""

    def _repr_svg_(self) -> str:
        return str(self)


class HTML(_Document):
    """A self-contained HTML page (the animation player), which a notebook shows in a frame of its
    own: its script and styles stay apart from the notebook's."""

    height: int = 620

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self, quote=True)}" style="width:100%;height:{self.height}px;border:0"'
            ' sandbox="allow-scripts"></iframe>'
        )


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a walk-through: its name, the equations it explains (LaTeX), and its figure."""

    name: str
    equations: tuple[str, ...]
    figure: SVG

    def _repr_svg_(self) -> str:
        return str(self.figure)


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
        parts = [f"<div class='lstmviz-steps'><p><b>{name}</b>: {len(self)} steps</p>"]
        for k, step in enumerate(self.steps, 1):
            maths = "".join(f"<div>\\({html.escape(e)}\\)</div>" for e in step.equations)  # for MathJax
            parts.append(
                f"<figure style='margin:0 0 1.5em 0'>{step.figure}"
                f"<figcaption><b>{k}. {html.escape(step.name)}</b>{maths}</figcaption></figure>"
            )
        return "".join(parts) + "</div>"

    def save(self, output: str | Path, fmt: str = "svg") -> list[Path]:
        """Write the walk-through to a folder, a multi-page ``.pdf`` or a Beamer ``.tex``."""
        return self.writer(output, fmt=fmt)
