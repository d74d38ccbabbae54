"""Every kind of bad spec gets one line naming the file, the line, the name, and a fix."""

import pytest

from lstmviz import SpecError, read_spec

HEADER = """\
[cell]
name = "t"
[dims]
input = 3
hidden = 4
"""

GOOD_NODES = """\
[[node]]
id = "x"
kind = "input"

[[node]]
id = "h_prev"
kind = "state-in"
state = "h"

[[node]]
id = "hx"
kind = "concat"
inputs = ["h_prev", "x"]

[[node]]
id = "h"
kind = "layer"
activation = "tanh"
inputs = ["hx"]

[[node]]
id = "h_next"
kind = "state-out"
state = "h"
inputs = ["h"]

[[node]]
id = "y"
kind = "output"
inputs = ["h"]
"""


def error_for(tmp_path, body: str, header: str = HEADER) -> SpecError:
    path = tmp_path / "cell.toml"
    path.write_text(header + body)
    with pytest.raises(SpecError) as info:
        read_spec(path)
    err = info.value
    assert "\n" not in str(err)
    assert str(err).startswith(str(path))
    return err


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate((HEADER + text).splitlines(), 1) if needle in line)


def test_the_good_spec_loads(tmp_path):
    path = tmp_path / "cell.toml"
    path.write_text(HEADER + GOOD_NODES)
    assert read_spec(path).name == "t"


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ('activation = "tanh"', 'activation = "tanhh"', 'id = "h"', "unknown activation 'tanhh' (must be one of"),
        ('kind = "concat"', 'kind = "concatenate"', 'id = "hx"', "unknown node kind 'concatenate'"),
        ('inputs = ["hx"]', 'inputs = ["hxx"]', 'id = "h"', "reads 'hxx', which is not defined; did you mean 'hx'?"),
        ('id = "hx"', 'id = "x"', 'id = "x"', "'x': is defined twice"),
        ('inputs = ["h_prev", "x"]', 'inputs = ["h_prev", "y"]', 'id = "hx"', "reads 'y', an output node"),
        ('inputs = ["h_prev", "x"]', 'inputs = ["h_prev"]', 'id = "hx"', "a concat node needs at least two inputs"),
        (
            '[[node]]\nid = "y"',
            '[[node]]\nid = "c_next"\nkind = "state-out"\nstate = "c"\ninputs = ["h"]\n\n[[node]]\nid = "y"',
            'id = "c_next"',
            "state 'c' is written but never read",
        ),
        ('inputs = ["h_prev", "x"]', 'inputs = ["h", "x"]', 'id = "hx"', "on a cycle inside one step (hx <- h <- hx)"),
        (
            'kind = "input"',
            'kind = "input"\nsize = "hiden"',
            'id = "x"',
            "size uses dim 'hiden', which the cell does not define",
        ),
        ('kind = "input"', 'kind = "input"\ncolour = "red"', 'id = "x"', "unknown key of a node 'colour'"),
        ('kind = "input"', 'kind = "input"\nlabel = 3', 'id = "x"', "'label' must be a string"),
        ('inputs = ["hx"]', 'inputs = ["hx", "x"]', 'id = "h"', "a layer takes one input, not 2"),
        ('id = "x"', 'id = "x-1"', None, "node id 'x-1' is not a name"),
    ],
)
def test_each_mistake_is_named_with_its_line(tmp_path, old, new, needle, message):
    body = GOOD_NODES.replace(old, new, 1)
    assert body != GOOD_NODES
    err = error_for(tmp_path, body)
    assert message in str(err)
    assert err.fix or "must be one of" in str(err)
    if needle:
        assert err.line == line_of(body, needle), str(err)


def test_state_read_but_never_written(tmp_path):
    body = GOOD_NODES + '\n[[node]]\nid = "c_prev"\nkind = "state-in"\nstate = "c"\n'
    err = error_for(tmp_path, body)
    assert "state 'c' is read but never written" in str(err)
    assert "add a state-out node with state = 'c'" in str(err)
    assert err.line == line_of(body, 'id = "c_prev"')


def test_size_mismatch_in_a_pointwise_op(tmp_path):
    body = GOOD_NODES.replace('inputs = ["h"]\n', 'inputs = ["hm"]\n') + (
        '\n[[node]]\nid = "hm"\nkind = "op"\nop = "mul"\ninputs = ["h", "x"]\n'
    )
    err = error_for(tmp_path, body)
    assert "size mismatch: mul of 'h' (size hidden) and 'x' (size input)" in str(err)
    assert err.line == line_of(body, 'id = "hm"')


def test_state_written_with_another_size(tmp_path):
    body = GOOD_NODES.replace('activation = "tanh"', 'activation = "tanh"\nsize = "input"')
    err = error_for(tmp_path, body)
    assert "state 'h' is written with size input but read with size hidden" in str(err)


def test_unused_node(tmp_path):
    body = GOOD_NODES + '\n[[node]]\nid = "z"\nkind = "op"\nop = "tanh"\ninputs = ["x"]\n'
    err = error_for(tmp_path, body)
    assert "'z': the op node is never used" in str(err)


def test_cell_without_output(tmp_path):
    body = GOOD_NODES.replace('[[node]]\nid = "y"\nkind = "output"\ninputs = ["h"]\n', "")
    assert "no output node" in str(error_for(tmp_path, body))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[cell]\nname = "t"\n[[node]]\nid = "x\n', 4, "malformed TOML"),
        ('[cell]\nname = "t"\nname = "u"\n', 3, "malformed TOML"),
        ('[cell]\nname = "t"\n[dims]\nhidden = "four"\n', None, "'hidden': dim has value 'four'"),
        ('[cell]\ntitle = "t"\n', None, "[cell] has no 'name'"),
        ('[cel]\nname = "t"\n', None, "unknown top-level table 'cel'"),
    ],
)
def test_file_level_mistakes(tmp_path, text, line, message):
    path = tmp_path / "cell.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        read_spec(path)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}")
    if line:
        assert info.value.line == line


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        read_spec(tmp_path / "nope.toml")
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SpecError, match="is not UTF-8 text"):
        read_spec(path)
