"""Gallery entries: one file each, validated before anything is drawn, errors naming the file."""

import shutil
from pathlib import Path

import pytest

import lstmviz
from lstmviz import SpecError
from lstmviz.cells import BUILTINS
from lstmviz.gallery import load_entries
from lstmviz.gallery.entries import load_entry
from tests.support import run_cli

GALLERY = Path(__file__).parents[2] / "gallery"


def test_every_built_in_has_an_entry_and_every_entry_loads():
    entries = {e.slug: e for e in load_entries(GALLERY)}
    assert set(BUILTINS) <= set(entries)
    for entry in entries.values():
        assert entry.title and entry.caption and entry.graph.reference
        assert entry.paper.startswith("https://")
        assert all(len(p) > 80 for p in entry.caption), entry.slug  # a caption in sentences, not a label


def test_every_entry_has_tags_the_index_filters_by():
    entries = load_entries(GALLERY)
    assert all(entry.tags for entry in entries)
    assert {"gated", "lstm", "gru", "minimal"} <= {t for e in entries for t in e.tags}


def test_the_index_order_is_the_entries_order_keys():
    orders = [e.order for e in load_entries(GALLERY)]
    assert orders == sorted(orders)
    assert [e.slug for e in load_entries(GALLERY)][:2] == ["rnn", "lstm"]


def test_cells_users_invent_are_there():
    entries = {e.slug: e for e in load_entries(GALLERY)}
    peep = entries["lstm-peephole-some"].graph
    with_peepholes = {n.id for n in peep.of_kind("layer") if n.diagonal}
    assert with_peepholes == {"f", "i"}  # some gates only
    stacked = entries["lstm-stacked"]
    assert stacked.lead == "chain" and len(stacked.graph.states) == 4
    skip = entries["lstm-residual"].graph
    (add,) = [n for n in skip.of_kind("op") if n.op == "add" and "x" in n.inputs]  # the input skips the cell
    assert add.id == "h"


def test_the_spec_shown_is_the_entry_without_its_gallery_table(tmp_path):
    for entry in load_entries(GALLERY):
        assert "[gallery]" not in entry.spec and "caption" not in entry.spec
        copied = tmp_path / f"{entry.slug}.toml"
        copied.write_text(entry.spec)
        assert lstmviz.read_spec(copied) == entry.graph  # what a visitor copies is the same cell


def test_a_gallery_table_does_not_stop_a_spec_from_checking():
    out = run_cli("check", GALLERY / "lstm-stacked.toml")
    assert out.returncode == 0 and out.stdout.startswith("ok:"), out.stderr


ENTRY = """[gallery]
caption = "A caption long enough to be a sentence."
{extra}
[cell]
name = "t"
title = "T cell"
equations = '''
h = tanh(linear(h_prev, x))
'''
[states]
h = "hidden"
"""


@pytest.mark.parametrize(
    ("extra", "name", "words"),
    [
        ("colour = 'red'", "colour", "unknown key in [gallery]"),
        ("paper = 'javascript:alert(1)'", "paper", "http or https"),
        ("order = 'first'", "order", "whole number"),
        ("lead = 'focus'", "lead", "unknown lead view"),
        ("learn = 'chess'", "learn", "unknown task 'chess' (must be one of copy, count"),
        ("tags = 'gated'", "tags", "must be a list of at most 8 short tags"),
        ("tags = ['<b>bold</b>']", "tags", "lower case (letters, digits, spaces, hyphens)"),
        ("tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']", "tags", "at most 8"),
    ],
)
def test_a_bad_gallery_table_names_the_file_line_and_key(tmp_path, extra, name, words):
    path = tmp_path / "bad.toml"
    path.write_text(ENTRY.format(extra=extra))
    with pytest.raises(SpecError) as err:
        load_entry(path)
    assert err.value.one_line().startswith(f"{path}:3: {name!r}: ")
    assert words in str(err.value)


def test_an_entry_needs_a_caption_a_title_and_a_page_name(tmp_path):
    cases = {
        "nocap.toml": ENTRY.format(extra="").replace('caption = "A caption long enough to be a sentence."', ""),
        "notitle.toml": ENTRY.format(extra="").replace('title = "T cell"\n', ""),
        "No Good.toml": ENTRY.format(extra=""),
        "index.toml": ENTRY.format(extra=""),  # its page would be the site's index
        "nogallery.toml": ENTRY.format(extra="").split("\n", 2)[2],
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(SpecError) as err:
            load_entry(tmp_path / name)
        assert str(tmp_path / name) in str(err.value)


def test_a_broken_spec_names_its_file_and_line(tmp_path):
    shutil.copy(GALLERY / "lstm.toml", tmp_path / "lstm.toml")
    (tmp_path / "zz-broken.toml").write_text(ENTRY.format(extra="").replace("tanh(linear", "tahn(linear"))
    with pytest.raises(SpecError) as err:
        load_entries(tmp_path)
    assert err.value.one_line().startswith(f"{tmp_path / 'zz-broken.toml'}:8: ")
    assert "tahn" in str(err.value)
