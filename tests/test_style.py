"""Style sheets: shipped ones load, a path works, mistakes are named."""

import pytest

from lstmviz import SpecError
from lstmviz.style import builtin_styles, load_style


def test_shipped_styles():
    assert set(builtin_styles()) >= {"colah", "dark", "print", "pipe", "pipe-dark"}
    for name in builtin_styles():
        style = load_style(name)
        assert style.name == name and style.description


def test_colah_palette_is_the_measured_one():
    style = load_style("colah")
    assert style.module.fill == "#e1f7d0" and style.module.stroke == "#6c8658"
    assert style.layer.fill == "#f5ee9c"


def test_a_style_by_path(tmp_path):
    text = tmp_path / "x.toml"
    from importlib import resources

    text.write_text(resources.files("lstmviz.styles").joinpath("colah.toml").read_text().replace("#e1f7d0", "#abcdef"))
    assert load_style(text).module.fill == "#abcdef"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('fill = "#e1f7d0"', 'fill = "greenish"', "[module] fill = 'greenish' is not a colour"),
        ('fill = "#e1f7d0"', 'fill = "#e1f7d0"\nfil = "#000"', "unknown key 'fil' in [module]"),
        ("[wire]", "[wires]", "unknown table [wires]"),
        ("width = 5.2", "width = -1", "[wire] width = -1 is not a number"),
        ("corner_radius = 12.0", "", "[module] has no 'corner_radius'"),
        ("[proportions]", "[proportions]\nrows = 3", "unknown key 'rows' in [proportions]"),
        ("column = 66.0", "column = 0", "[proportions] column = 0 is not a number above 0"),
        ("faded_opacity = 0.12", 'faded_opacity = 0.12\nwash = "green"', "[focus] wash = 'green' is not a colour"),
    ],
)
def test_mistakes_in_a_style(tmp_path, old, new, message):
    from importlib import resources

    text = resources.files("lstmviz.styles").joinpath("colah.toml").read_text()
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(SpecError) as info:
        load_style(path)
    assert message in str(info.value) and str(info.value).startswith(str(path))


def test_unknown_style_name():
    with pytest.raises(
        SpecError, match="neither a built-in style nor a file; use one of colah, dark, pipe, pipe-dark, print"
    ):
        load_style("neon")


def test_proportions_and_optional_keys_may_be_left_out(tmp_path):
    """A style written before [proportions], text_scale, wash and equation_size still loads, with
    the layout's defaults; colah's own proportions reach the layout."""
    from importlib import resources

    from lstmviz.layout.metrics import Metrics
    from lstmviz.sizing import metrics_for

    text = resources.files("lstmviz.styles").joinpath("colah.toml").read_text()
    text = text[: text.index("[proportions]")]
    for line in ("text_scale = 0.62", "equation_size = 29.0"):
        text = text.replace(line + "\n", "")
    path = tmp_path / "old.toml"
    path.write_text(text)
    old = load_style(path)
    assert old.proportions == () and old.terminal.text_scale == 0.4 and old.focus.wash == ""
    assert metrics_for(old).column == Metrics.column
    colah = metrics_for(load_style("colah"))
    assert (colah.column, colah.port_r, colah.gate_gap, colah.font) == (66.0, 30.0, 18.0, 24.0)
