"""Style sheets: plain TOML files, found by name in ``styles/`` or by path, validated key by key.

A style is data only: every figure is drawn by the same code, whatever its style.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import SpecError
from .spec.tomltext import load_toml


@dataclasses.dataclass(frozen=True)
class Module:
    fill: str
    stroke: str
    stroke_width: float
    corner_radius: float


@dataclasses.dataclass(frozen=True)
class Shapes:
    fill: str
    stroke: str
    stroke_width: float
    text: str  # the colour of the symbol inside (σ, tanh, ×)


@dataclasses.dataclass(frozen=True)
class Wires:
    color: str
    width: float
    corner_radius: float
    arrow: float
    dot: float
    #: where lines end in an arrowhead: ``every`` line into a shape or out of the cell; ``gates``,
    #: as colah draws them, only a gate's line into its product and a line into a sum off the top
    #: line (and out of the cell): none into a layer, along or off the top line, or with the value gated
    heads: str = "every"
    #: ``forks`` marks where a line parts with a dot; ``none`` draws none (colah's figures have none)
    dots: str = "forks"
    #: an elementwise (peephole) input: ``mark``, a small ⊙ on its line before the layer; ``line``,
    #: a plain line into the layer's side, as colah draws peepholes (his notation has no ⊙)
    peephole: str = "mark"


@dataclasses.dataclass(frozen=True)
class Terminals:
    """The circles of the chain figures: inputs (x_t) below, outputs (h_t) above."""

    input_fill: str
    output_fill: str
    stroke: str
    stroke_width: float
    text_scale: float = 0.4  # a circle's label, as a share of the circle's diameter


@dataclasses.dataclass(frozen=True)
class Focus:
    """How the focus view fades what is not in focus: every colour of it mixed toward ``wash`` (the
    module's fill when empty), keeping ``faded_opacity`` of its own. Faded parts are opaque, so lines
    that overlap do not add up, and the SVG and matplotlib figures agree."""

    faded_opacity: float
    wash: str = ""


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """How the parts of a cell are drawn: the colah post's symbols or the pipe-and-valve picture."""

    lane: str  # the state along the top: "line" or "pipe"
    gate_product: str  # a product with a gate: "circle" (a pink x) or "valve"
    lane_sum: str  # a sum on the top line: "circle" (a pink +) or "tee" (a T-joint)
    layer: str  # a learned layer: "box", or "network" (a box that also shows its bias, "+b")


@dataclasses.dataclass(frozen=True)
class Streams:
    """Colours of the state streams (one per state, in order; none: the wire colour) and of pipes."""

    colors: tuple[str, ...]
    pipe_width: float
    pipe_wall: str
    water: str
    new_water: str  # the new value of the top-line state, after the joint
    valve: str  # a valve's body


@dataclasses.dataclass(frozen=True)
class Text:
    color: str
    family: str
    math_family: str
    label_size: float
    symbol_size: float
    equation_size: float = 15.0  # the equations beside a focus figure


@dataclasses.dataclass(frozen=True)
class Canvas:
    background: str


@dataclasses.dataclass(frozen=True)
class Style:
    """A whole style sheet; each table of the TOML file is one field."""

    name: str
    description: str
    canvas: Canvas
    module: Module
    layer: Shapes
    op: Shapes
    wire: Wires
    terminal: Terminals
    focus: Focus
    vocabulary: Vocabulary
    streams: Streams
    text: Text
    #: Sizes of the layout (:class:`~lstmviz.layout.metrics.Metrics`) the style sets, by name: the
    #: optional [proportions] table; what it leaves out keeps the layout's default.
    proportions: tuple[tuple[str, float], ...] = ()


_SECTIONS = {f.name: f.type for f in dataclasses.fields(Style) if f.name not in ("name", "description", "proportions")}
_TYPES = {
    "Canvas": Canvas,
    "Module": Module,
    "Shapes": Shapes,
    "Wires": Wires,
    "Terminals": Terminals,
    "Focus": Focus,
    "Vocabulary": Vocabulary,
    "Streams": Streams,
    "Text": Text,
}
_WORDS = {
    "lane": ("line", "pipe"),
    "gate_product": ("circle", "valve"),
    "lane_sum": ("circle", "tee"),
    "layer": ("box", "network"),
    "heads": ("every", "gates"),
    "dots": ("forks", "none"),
    "peephole": ("mark", "line"),
}
#: The largest size, width or opacity a style may set (in pixels): beyond it is a typo, and drawing stalls.
MAX_NUMBER = 1000
_COLOURS = ("fill", "stroke", "color", "background", "text", "pipe_wall", "water", "new_water", "valve")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?([0-9a-fA-F]{2})?\Z|none\Z")


def builtin_styles() -> tuple[str, ...]:
    """The names of the style sheets shipped with lstmviz."""
    return tuple(
        sorted(
            p.name.removesuffix(".toml")
            for p in resources.files("lstmviz.styles").iterdir()
            if p.name.endswith(".toml")
        )
    )


def load_style(name_or_path: str | Path | Style = "colah") -> Style:
    """A style by name (``"colah"``) or by the path of a TOML file."""
    if isinstance(name_or_path, Style):
        return name_or_path
    if isinstance(name_or_path, str) and name_or_path in builtin_styles():
        return _builtin(name_or_path)
    path = Path(name_or_path)
    if not path.exists():
        raise SpecError(
            "is neither a built-in style nor a file",
            name=str(name_or_path),
            fix=f"use one of {', '.join(builtin_styles())}, or the path of a .toml style",
        )
    from .spec.tomlfile import read_text

    return parse_style(read_text(path), name=path.stem, file=path)


@cache
def _builtin(name: str) -> Style:
    text = resources.files("lstmviz.styles").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return parse_style(text, name=name, file=f"<style {name}>")


def parse_style(text: str, *, name: str, file: str | Path | None = None) -> Style:
    """A style from TOML text; every key is checked against the known settings."""
    data = load_toml(text, file=file)
    try:
        meta = data.pop("style", {})
        if not isinstance(meta, dict):
            raise SpecError("'style' must be a table", fix='write [style] with description = "..."')
        proportions = _proportions(data.pop("proportions", {}))
        unknown = set(data) - set(_SECTIONS)
        if unknown:
            raise SpecError(
                f"unknown table [{sorted(unknown)[0]}] (must be one of {', '.join(_SECTIONS)}, proportions)"
            )
        sections = {key: _section(key, _TYPES[str(kind)], data.get(key, {})) for key, kind in _SECTIONS.items()}
        return Style(name=name, description=str(meta.get("description", "")), proportions=proportions, **sections)
    except SpecError as err:
        raise err.located(file) from None


def _section(key: str, cls: type, table: dict[str, Any]) -> Any:
    if not isinstance(table, dict):
        raise SpecError(f"'{key}' must be a table", fix=f"write it as [{key}]")
    fields = {f.name: f.type for f in dataclasses.fields(cls)}
    unknown = set(table) - set(fields)
    if unknown:
        raise SpecError(f"unknown key {sorted(unknown)[0]!r} in [{key}] (must be one of {', '.join(fields)})")
    optional = {f.name for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
    missing = set(fields) - set(table) - optional
    if missing:
        raise SpecError(f"[{key}] has no {sorted(missing)[0]!r}", fix="every key of the table must be given")
    values = {}
    for field, kind in fields.items():
        if field not in table:
            continue
        value = table[field]
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_NUMBER:
                raise SpecError(f"[{key}] {field} = {value!r} is not a number from 0 to {MAX_NUMBER}")
            value = float(value)
        elif kind.startswith("tuple"):
            if not isinstance(value, list) or not all(isinstance(v, str) and _COLOUR.match(v) for v in value):
                raise SpecError(f"[{key}] {field} = {value!r} is not a list of colours", fix='write ["#1f77b4", ...]')
            value = tuple(value)
        elif not isinstance(value, str):
            raise SpecError(f"[{key}] {field} = {value!r} is not a string")
        elif field in _WORDS:
            if value not in _WORDS[field]:
                raise SpecError(f"[{key}] {field} = {value!r} (must be one of {', '.join(_WORDS[field])})")
        elif field in _COLOURS or field.endswith("_fill") or (field == "wash" and value):
            if not _COLOUR.match(value):
                raise SpecError(f"[{key}] {field} = {value!r} is not a colour", fix='write "#rrggbb", "#rgb" or "none"')
        values[field] = value
    return cls(**values)


#: The layout's sizes a style may set in [proportions], in pixels (``module_above`` and
#: ``module_below`` in rows, ``chain_side`` a share of the chain's middle module).
PROPORTIONS = (
    "column",
    "row",
    "box_w",
    "box_h",
    "op_r",
    "ellipse_w",
    "ellipse_h",
    "track",
    "lead",
    "pad",
    "port_r",
    "module_above",
    "module_below",
    "layer_label",
    "gate_gap",
    "stub",
    "chain_side",
)


def _proportions(table: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(table, dict):
        raise SpecError("'proportions' must be a table", fix="write it as [proportions]")
    out = []
    for key, value in table.items():
        if key not in PROPORTIONS:
            raise SpecError(f"unknown key {key!r} in [proportions] (must be one of {', '.join(PROPORTIONS)})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_NUMBER:
            raise SpecError(f"[proportions] {key} = {value!r} is not a number above 0 and up to {MAX_NUMBER}")
        out.append((key, float(value)))
    return tuple(out)


#: Font choices for --font: sans (the default look), serif, and cm to match LaTeX's Computer Modern.
FONTS = {
    "sans": ("DejaVu Sans, Helvetica, Arial, sans-serif", "DejaVu Serif, Georgia, serif"),
    "serif": ("DejaVu Serif, Georgia, serif", "DejaVu Serif, Georgia, serif"),
    "cm": ("CMU Serif, Latin Modern Roman, cmr10, serif", "CMU Serif, Latin Modern Roman, cmr10, serif"),
}


def adjusted(style: Style, *, transparent: bool = False, font: str | None = None) -> Style:
    """The style with a transparent background and/or another font (for papers and slides)."""
    from .errors import Choice

    if transparent:
        style = dataclasses.replace(style, canvas=Canvas(background="none"))
    if font is not None:
        family, math = FONTS[Choice("font", tuple(FONTS)).check(font, name="font")]
        style = dataclasses.replace(style, text=dataclasses.replace(style.text, family=family, math_family=math))
    return style
