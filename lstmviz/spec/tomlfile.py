"""Cell specs as TOML files: the canonical ``[[node]]`` form, and the equation form.

Canonical form (what :func:`dump_spec` writes; it round-trips losslessly)::

    [cell]
    name = "lstm"
    [dims]
    input = 3
    hidden = 4
    [[node]]
    id = "x"
    kind = "input"
    ...

Equation form (sugar, read only)::

    [cell]
    name = "my-cell"
    equations = '''
    f = sigmoid(linear(h_prev, x))
    ...
    '''
    [inputs]
    x = "input"          # id = size, or a table {size, label, role}
    [states]
    h = "hidden"         # read as h_prev, written by the equation for h
    [outputs]
    y = "h"
    [describe]
    f = { label = 'f_t', role = "forget gate" }
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import arguments as args
from ..errors import SpecError
from .equations import from_equations
from .graph import CellGraph, Node
from .limits import MAX_SPEC_BYTES
from .sizes import DEFAULT_DIMS, check_dim
from .tomltext import load_toml

#: Top-level tables. ``[gallery]`` is carried for the gallery (its caption and links); the cell ignores it,
#: so a spec copied from the gallery checks and draws as it is.
_TOP = ("cell", "dims", "node", "inputs", "states", "outputs", "describe", "steps", "gallery")
_CELL = ("name", "title", "description", "reference", "latex", "equations")
_NODE = (
    "id",
    "kind",
    "op",
    "activation",
    "inputs",
    "diagonal",
    "state",
    "size",
    "label",
    "role",
    "labels",
    "lane",
    "order",
    "bias",
    "constant",
    "constant_at",
)
_TEXT = ("label", "role")


def read_spec(path: str | Path) -> CellGraph:
    """Load the spec in the TOML file at ``path``."""
    args.path(path, "path")
    return parse_spec(read_text(path), file=path)


def read_text(path: str | Path) -> str:
    """The UTF-8 text of a spec or style file, refused in one line when it cannot be one: missing, a
    folder, unreadable, larger than a spec may be (a device that never ends), or not UTF-8."""
    path = Path(path)
    try:
        with path.open("rb") as fh:  # no more than a spec may hold: a device or a huge file is refused
            data = fh.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise SpecError("no such file", name=str(path), fix="check the path") from None
    except IsADirectoryError:
        raise SpecError("is a folder, not a spec", name=str(path), fix="give the .toml file") from None
    except OSError as err:
        raise SpecError(f"cannot be read ({err.strerror})", name=str(path), fix="check the path") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"is larger than a spec may be ({MAX_SPEC_BYTES:,} bytes)", name=str(path), fix="give the spec's .toml file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpecError(f"is not UTF-8 text ({err.reason})", name=str(path), fix="save it as UTF-8") from None


def parse_spec(text: str, *, file: str | Path | None = None) -> CellGraph:
    """Load a spec from TOML text; ``file`` is named in error messages."""
    args.text(text, "text")
    args.path(file, "file", optional=True)
    if len(text) > MAX_SPEC_BYTES:
        raise SpecError(
            f"the spec is larger than a spec may be ({MAX_SPEC_BYTES:,} bytes)", file=file, fix="give a smaller spec"
        )
    data = load_toml(text, file=file)
    lines = _Lines(text)
    try:
        _known(data, _TOP, "top-level table")
        cell = _table(data, "cell")
        _known(cell, _CELL, "key in [cell]")
        if "equations" in cell:
            return _from_equations(data, cell, file, lines)
        return _from_nodes(data, cell, lines)
    except SpecError as err:
        raise err.located(file, lines.of(err.name)) from None


def dump_spec(graph: CellGraph) -> str:
    """The canonical TOML text of a cell: one ``[[node]]`` table per node, in graph order."""
    args.graph(graph)
    out = ["# lstmviz cell spec (canonical form)", "[cell]", f"name = {_str(graph.name)}"]
    for key in ("title", "description", "reference"):
        if getattr(graph, key):
            out.append(f"{key} = {_str(getattr(graph, key))}")
    if graph.latex:
        out.append("latex = [")
        out.extend(f"    {_str(eq)}," for eq in graph.latex)
        out.append("]")
    out += ["", "[dims]"] + [f"{k} = {v}" for k, v in graph.dims]
    if graph.steps:
        out += ["", "[steps]"] + [f"{name} = {_value(members)}" for name, members in graph.steps]
    defaults = {f.name: f.default for f in dataclasses.fields(Node)}
    for node in graph.nodes:
        out += ["", "[[node]]"]
        for key in _NODE:
            value = getattr(node, key)
            if key != "kind" and key != "id" and (value in ("", ()) or value is defaults[key]):
                continue
            if key == "constant_at" and node.constant is None:
                continue
            out.append(f"{key} = {_value(value)}")
    return "\n".join(out) + "\n"


def save_spec(graph: CellGraph, path: str | Path) -> None:
    """Write a cell's canonical TOML to ``path`` (whole or not at all)."""
    args.graph(graph)
    args.path(path, "path")
    from ..files import write_atomic

    write_atomic(path, dump_spec(graph).encode("utf-8"))


# -- the two forms ----------------------------------------------------------------------------
def _from_nodes(data: Mapping[str, Any], cell: Mapping[str, Any], lines: _Lines) -> CellGraph:
    for key in ("inputs", "states", "outputs", "describe"):
        if key in data:
            raise SpecError(
                f"[{key}] belongs to the equation form",
                name=key,
                fix="give [cell] an 'equations' text, or list the nodes as [[node]] tables",
            )
    tables = data.get("node", [])
    if not isinstance(tables, list):
        raise SpecError("'node' must be an array of tables", name="node", fix="write each node as [[node]]")
    nodes = []
    for i, table in enumerate(tables):
        node_id = table.get("id") if isinstance(table, dict) else None
        if not isinstance(node_id, str):
            raise SpecError(f"node number {i + 1} has no id", fix='add id = "..."').located(
                None, lines.of_table("node", i)
            )
        _known(table, _NODE, "key of a node", name=node_id)
        if "kind" not in table:
            raise SpecError("the node has no kind", name=node_id, fix='add kind = "layer" (or input, op, ...)')
        fields = {k: v for k, v in table.items()}
        for key in ("inputs", "diagonal"):
            fields[key] = tuple(_strings(fields.get(key, []), key, node_id))
        fields["labels"] = _label_sets(fields.get("labels", {}), node_id)
        for key in ("op", "activation", "state", "lane") + _TEXT:
            _check_type(fields.get(key, ""), str, key, node_id)
        nodes.append(Node(**fields))
    return CellGraph(
        _text(cell, "name", required=True),
        tuple(nodes),
        dims=tuple(_dims(data).items()),
        **_meta(cell, data),
    )


def _from_equations(
    data: Mapping[str, Any], cell: Mapping[str, Any], file: str | Path | None, lines: _Lines
) -> CellGraph:
    if "node" in data:
        raise SpecError(
            "a spec has either [cell] equations or [[node]] tables, not both", name="node", fix="keep one form"
        )
    _check_type(cell["equations"], str, "equations", "cell")
    states = _table(data, "states")
    outputs = _table(data, "outputs", default={"y": "h"} if "h" in states else {})
    for out_id, source in outputs.items():
        _check_type(source, str, "source", out_id)
    describe = _table(data, "describe")
    for node_id, desc in describe.items():
        if not isinstance(desc, dict):
            raise SpecError("must be a table of label, role, size", name=node_id)
    return from_equations(
        cell["equations"],
        name=_text(cell, "name", required=True),
        inputs={k: _declaration(v, k) for k, v in _table(data, "inputs", default={"x": "input"}).items()},
        states={k: _declaration(v, k) for k, v in states.items()},
        outputs=outputs,
        describe=describe,
        dims=_dims(data),
        file=file,
        first_line=lines.of_text_start("equations"),
        **_meta(cell, data),
    )


def line_of(text: str, name: str) -> int | None:
    """The line of ``text`` where ``name`` is defined (a key, an id or a table), for error messages."""
    return _Lines(text).of(name)


# -- small readers ----------------------------------------------------------------------------
def _known(table: Mapping[str, Any], keys: tuple[str, ...], what: str, name: str | None = None) -> None:
    for key in table:
        if key not in keys:
            raise SpecError(f"unknown {what} {key!r} (must be one of {', '.join(keys)})", name=name)


def _table(data: Mapping[str, Any], key: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    value = data.get(key, {} if default is None else default)
    if not isinstance(value, dict):
        raise SpecError(f"'{key}' must be a table", name=key, fix=f"write it as [{key}]")
    return value


def _check_type(value: object, kind: type, key: str, name: str) -> None:
    if not isinstance(value, kind):
        what, example = ("string", f'{key} = "..."') if kind is str else (kind.__name__, f"{key} = ...")
        raise SpecError(f"{key!r} must be a {what}, not {value!r}", name=name, fix=f"write {example}")


def _text(table: Mapping[str, Any], key: str, required: bool = False) -> str:
    if required and key not in table:
        raise SpecError(f"[cell] has no {key!r}", name=key, fix=f'add {key} = "..."')
    value = table.get(key, "")
    _check_type(value, str, key, "cell")
    return value


def _strings(value: object, key: str, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SpecError(f"{key!r} must be a list of node ids", name=name, fix=f'write {key} = ["a", "b"]')
    return value


def _label_sets(value: object, name: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SpecError(
            "'labels' must be a table of label texts by set name",
            name=name,
            fix='write labels = { plain = "remember gate", pytorch = "f" }',
        )
    return tuple(value.items())


def _dims(data: Mapping[str, Any]) -> dict[str, int]:
    dims = _table(data, "dims", default=dict(DEFAULT_DIMS))
    for name, value in dims.items():
        check_dim(name, value)  # a spec's own words for what is wrong, before the builder's door checks
    return dims


def _meta(cell: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    latex = cell.get("latex", [])
    steps = _table(data, "steps")
    return {
        "steps": tuple((name, tuple(_strings(ids, name, "steps"))) for name, ids in steps.items()),
        "title": _text(cell, "title"),
        "description": _text(cell, "description"),
        "reference": _text(cell, "reference"),
        "latex": tuple(_strings(latex, "latex", "cell")),
    }


def _declaration(decl: object, name: str) -> dict[str, Any]:
    if isinstance(decl, str | int) and not isinstance(decl, bool):
        return {"size": decl}
    if isinstance(decl, dict):
        _known(decl, ("size", "label", "role"), "key of a declaration", name=name)
        return dict(decl)
    raise SpecError("must be a size or a table {size, label, role}", name=name, fix='write e.g. x = "input"')


class _Lines:
    """Finds the line a name is defined on, for error messages (TOML parsers give none)."""

    def __init__(self, text: str) -> None:
        self.text_lines = text.splitlines()

    def of(self, name: str | None) -> int | None:
        if name is None:
            return None
        patterns = (
            rf"""^\s*id\s*=\s*["']{re.escape(name)}["']""",
            rf"""^\s*["']?{re.escape(name)}["']?\s*=""",
            rf"^\s*\[+\s*{re.escape(name)}\s*\]+",
        )
        for pattern in patterns:
            for i, line in enumerate(self.text_lines, 1):
                if re.search(pattern, line):
                    return i
        return None

    def of_table(self, header: str, index: int) -> int | None:
        hits = [i for i, line in enumerate(self.text_lines, 1) if re.match(rf"^\s*\[\[\s*{header}\s*\]\]", line)]
        return hits[index] if index < len(hits) else None

    def of_text_start(self, key: str) -> int:
        """The line on which a multi-line string value of ``key`` starts its text."""
        for i, line in enumerate(self.text_lines, 1):
            m = re.match(rf"""^\s*{key}\s*=\s*('''|\"\"\")(.*)$""", line)
            if m:
                return i + 1 if m.group(2).strip() == "" else i
            if re.match(rf"^\s*{key}\s*=", line):
                return i
        return 1


# -- small writers: the canonical layout is ours; writing each value (escapes, quoting, numbers) is tomlkit's
def _str(text: str) -> str:
    """A TOML string: literal ('...') when that needs no escapes (LaTeX reads better), else basic."""
    import tomlkit

    literal = "'" not in text and not any(ord(c) < 32 or ord(c) == 127 for c in text) and "\\" in text
    return tomlkit.string(text, literal=literal).as_string()


def _tuple(value: tuple[Any, ...]) -> str:
    """A list of strings, or (for label sets, pairs) an inline table."""
    import tomlkit

    if value and isinstance(value[0], tuple):
        return "{ " + ", ".join(f"{tomlkit.key(k).as_string()} = {_str(v)}" for k, v in value) + " }"
    return "[" + ", ".join(_str(x) for x in value) + "]"


def _scalar(value: object) -> str:
    """A number or a boolean as TOML writes it (the spec's checks refuse NaN and infinity)."""
    import tomlkit

    return tomlkit.item(value).as_string()


_WRITERS: dict[type, Callable[[Any], str]] = {str: _str, int: _scalar, float: _scalar, bool: _scalar, tuple: _tuple}


def _value(value: object) -> str:
    return _WRITERS[type(value)](value)
