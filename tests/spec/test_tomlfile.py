"""The canonical TOML form: lossless round trips, a stable layout, package data."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings

import lstmviz
from lstmviz import SpecError, dump_spec, parse_spec, read_spec, save_spec
from lstmviz.cells import BUILTINS
from tests.support import valid_graphs

CELLS = Path(lstmviz.__file__).parent / "cells"


@pytest.mark.parametrize("name", BUILTINS)
def test_built_in_round_trips(tmp_path, name):
    cell = lstmviz.load(name)
    save_spec(cell, tmp_path / "c.toml")
    again = read_spec(tmp_path / "c.toml")
    assert again == cell
    assert dump_spec(again) == dump_spec(cell)


@pytest.mark.parametrize("name", BUILTINS)
def test_shipped_files_are_in_canonical_form(name):
    assert dump_spec(lstmviz.load(name)) == (CELLS / f"{name}.toml").read_text()


@settings(max_examples=60, deadline=None)
@given(valid_graphs())
def test_random_graphs_round_trip(graph):
    assert parse_spec(dump_spec(graph)) == graph


def test_strings_that_need_escapes_survive():
    b = lstmviz.CellBuilder("q", title="quote 'n' \"dq\" \x01", description="tab\there\nnewline \\ back")
    x = b.input("x", label=r"it's \tilde{x}")
    b.output(x, label='\u03c3 "q"')
    cell = b.build()
    text = dump_spec(cell)
    assert tomllib.loads(text)["cell"]["description"] == "tab\there\nnewline \\ back"
    assert tomllib.loads(text)["cell"]["title"] == "quote 'n' \"dq\" \x01"
    assert parse_spec(text) == cell


def test_latex_labels_are_written_as_literal_strings():
    text = dump_spec(lstmviz.load("lstm"))
    assert "label = '\\tilde{C}_t'" in text


def test_equation_form_becomes_canonical():
    text = (Path(__file__).parents[2] / "gallery" / "lstm.toml").read_text()
    assert "[[node]]" not in text
    cell = parse_spec(text)
    assert "[[node]]" in dump_spec(cell)
    assert cell == lstmviz.load("lstm")


def test_save_is_all_or_nothing(tmp_path, monkeypatch):
    target = tmp_path / "c.toml"
    target.write_text("old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("lstmviz.spec.tomlfile.dump_spec", boom)
    with pytest.raises(RuntimeError):
        save_spec(lstmviz.load("rnn"), target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["c.toml"]


def _spec(equation_tail: str = "", hidden: str = "3", x_size: str = '"input"') -> str:
    return (
        '[cell]\nname = "c"\nequations = """\nh = tanh(linear(x, h_prev, size=hidden))' + equation_tail + '\n"""\n'
        f"[dims]\nhidden = {hidden}\ninput = 3\n[inputs]\nx = {x_size}\n[states]\nh = \"hidden\"\n"
    )


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (_spec(hidden="9" * 5000), 7, "a number 5,000 characters long"),  # Python's int parsing stops at 4,300
        (_spec(hidden="0x" + "f" * 4000), 7, "a number 4,002 characters long"),
        (_spec(hidden="1" + "0" * 60 + ".5"), 7, "a number 63 characters long"),
        (_spec(equation_tail=" * " + "9" * 400), 4, "a number 400 characters long"),
        (_spec(equation_tail=" * 0x" + "f" * 4000), 4, "a number 4,002 characters long"),
        (_spec().replace("size=hidden", "size=" + "9" * 5000), 4, "a number 5,000 characters long"),
        (_spec(hidden='"²"'), 7, "dim has value '²'"),
        (_spec(x_size='"²"'), 10, "size '²' is not a dim name"),
        (_spec(x_size='"hidden+٣"'), 10, "is not a dim name, a number from 1 to 1,000,000"),
        (_spec(x_size='"99999999999"'), 10, "is not a dim name, a number from 1 to 1,000,000"),
        (_spec(x_size="99999999999"), 10, "is not from 1 to 1,000,000"),
    ],
    ids=["dim-5000-digits", "dim-hex-4000", "dim-float-63", "constant-400", "constant-hex-4000", "size-5000",
         "dim-superscript-two", "size-superscript-two", "size-arabic-digit", "size-11-digits", "size-int-11-digits"],
)  # fmt: skip
def test_numbers_are_measured_before_they_are_read(text, line, words):
    with pytest.raises(SpecError) as caught:
        parse_spec(text, file="c.toml")
    message = caught.value.one_line()
    assert message.startswith(f"c.toml:{line}: ") and words in message and len(message) < 300, message


def test_digits_in_strings_and_comments_are_not_numbers():
    label = "h_{" + "1" * 80 + "}"
    text = _spec().replace('h = "hidden"', f'h = {{ size = "hidden", label = "{label}" }}  # ' + "7" * 90)
    assert parse_spec(text).node("h_prev").label == label
