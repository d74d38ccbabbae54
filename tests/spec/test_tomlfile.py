"""The canonical TOML form: lossless round trips, a stable layout, package data."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings

import lstmviz
from lstmviz import dump_spec, parse_spec, read_spec, save_spec
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
