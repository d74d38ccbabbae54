"""The README's examples work as written."""

import re
from pathlib import Path

import numpy as np

import lstmviz
from lstmviz.figures import POSTS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_toml_examples_are_valid_specs():
    specs = [lstmviz.parse_spec(text) for text in blocks("toml")]
    assert [s.name for s in specs] == ["rnn", "my-lstm"]
    assert [n.kind for n in specs[0].nodes] == [n.kind for n in lstmviz.load("rnn").nodes]
    assert [n.id for n in specs[1].of_kind("layer")] == ["f", "i", "g", "o"]
    assert specs[1].node("g").label == r"\tilde{C}_t"


def test_python_examples_run():
    namespace: dict = {}
    for code in blocks("python"):
        exec(compile(code, "README.md", "exec"), namespace)  # the README's own code, not a spec
    result = namespace["result"]
    assert result.outputs.shape == (10, 2, 16)  # the last example ran the module's cell
    assert np.isfinite(result.outputs).all()


def test_the_two_set_up_commands_come_first():
    commands = [line.strip() for line in README.splitlines() if line.startswith("    pip install")]
    assert commands[:2] == ["pip install -e . && lstmviz render lstm -o lstm.svg", "pip install -e '.[test]' && pytest"]


FIGURES = {f.name: (style, f) for style, figures in POSTS.values() for f in figures}


def test_readme_lists_every_post_figure_with_its_command():
    for style, figures in POSTS.values():
        for figure in figures:
            assert f"| {figure.caption} | `{figure.command(style)}` |" in README, figure.name


def test_readme_figures_are_current():
    root = Path(__file__).resolve().parents[1]
    for name in re.findall(r"\(docs/figures/([a-z-]+)\.svg\)", README):
        if name.startswith(("colah-", "pipe-")) and name.split("-", 1)[1] in FIGURES:  # a post's figure
            style, figure = FIGURES[name.split("-", 1)[1]]
            expected = lstmviz.render(figure.spec, view=figure.view, focus=figure.focus, style=style)
        elif name.endswith("-animated"):
            expected = lstmviz.animate(name.removesuffix("-animated"), steps=4)
        else:
            expected = lstmviz.render(name.removesuffix("-pipe"), style="pipe" if name.endswith("-pipe") else "colah")
        assert (root / "docs" / "figures" / f"{name}.svg").read_text() == expected, name
