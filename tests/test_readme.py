"""The README's examples work as written."""

import re
from pathlib import Path

import numpy as np
import pytest

import lstmviz
from lstmviz.figures import POSTS
from tests import goldens

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_toml_examples_are_valid_specs():
    specs = [lstmviz.parse_spec(text) for text in blocks("toml")]
    assert [s.name for s in specs] == ["rnn", "my-lstm"]
    assert [n.kind for n in specs[0].nodes] == [n.kind for n in lstmviz.load("rnn").nodes]
    assert [n.id for n in specs[1].of_kind("layer")] == ["f", "i", "g", "o"]
    assert specs[1].node("g").label == r"\tilde{C}_t"


@pytest.mark.slow
def test_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write figures (mixed.pdf)
    namespace: dict = {}
    for code in blocks("python"):
        exec(compile(code, "README.md", "exec"), namespace)  # the README's own code, not a spec
    result = namespace["result"]
    assert result.outputs.shape == (10, 2, 16)  # the last example ran the module's cell
    assert np.isfinite(result.outputs).all()
    assert repr(namespace["drawn"]) == "<Drawn lstm cell: 16 nodes, 18 edges, 10 labels>"
    assert (tmp_path / "mixed.pdf").read_bytes()[:4] == b"%PDF"


def test_every_function_of_the_equation_form_is_listed():
    from lstmviz.spec.ops import OPS

    listed = README[README.index("The pointwise ops are") :][:600]
    assert [op.call for op in OPS.values() if op.call and f"`{op.call}" not in listed] == []


def test_the_two_set_up_commands_come_first():
    commands = [line.strip() for line in README.splitlines() if line.startswith("    pip install")]
    assert commands[:2] == ["pip install -e . && lstmviz render lstm -o lstm.svg", "pip install -e '.[test]' && pytest"]




def test_readme_lists_every_post_figure_with_its_command():
    for style, figures in POSTS.values():
        for figure in figures:
            assert f"| {figure.caption} | `{figure.command(style)}` |" in README, figure.name


def test_readme_figures_are_current():
    names = re.findall(r"\(docs/figures/([a-z-]+)\.svg\)", README)
    assert len(names) >= 6
    for name in names:
        figure = goldens.FIGURES / f"{name}.svg"
        assert figure.read_text() == goldens.readme_figure(name)(), f"{figure} differs: python -m tests.goldens"


def example_commands() -> list[str]:
    """The README's lstmviz commands that run as written, in order, each once (not the usage lines
    with placeholders, nor the preview server, which runs until stopped)."""
    out: list[str] = []
    for line in README.splitlines():
        command = re.sub(r"\s+#\s.*$", "", line.strip())
        if line.startswith("    pip install -e . && "):
            command = command.split("&& ", 1)[1]
        elif not line.startswith("    lstmviz "):
            continue
        if re.search(r"[A-Z_]{4,}|\||\[|my_cell|serve", command) or command in out:
            continue
        out.append(command)
    return out


@pytest.mark.slow
def test_readme_commands_run_top_to_bottom_and_none_overwrites_another(tmp_path, monkeypatch):
    """Run in one folder one after another, as a reader would: each works, and no command writes
    over a file an earlier one wrote (the walk-through's PDF, the first figure)."""
    import shlex
    import shutil

    from click.testing import CliRunner

    from lstmviz.cli import main

    root = Path(__file__).resolve().parents[1]
    # the template and two entries: the whole gallery is built and browsed in tests/gallery; here
    # the command only has to run as written and write nothing over another command's files
    shutil.copytree(root / "gallery" / "template", tmp_path / "gallery" / "template")
    for entry in ("lstm.toml", "gru.toml"):
        shutil.copy(root / "gallery" / entry, tmp_path / "gallery" / entry)
    monkeypatch.chdir(tmp_path)
    commands = example_commands()
    assert commands[0] == "lstmviz render lstm -o lstm.svg" and len(commands) >= 10
    written: dict[Path, str] = {}
    for command in commands:
        before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"
        for path in tmp_path.rglob("*"):
            if path.is_file() and "gallery" not in path.parts and before.get(path) != path.stat().st_mtime_ns:
                assert path not in written, f"{command} overwrites {path.name}, written by {written.get(path)}"
                written[path] = command
    assert {"lstm.svg", "lstm-steps.pdf", "lstm-paper.pdf", "lstm-animated.svg"} <= {p.name for p in written}
