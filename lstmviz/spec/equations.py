"""Cells written as equations: ``c = f * c_prev + i * g``.

The text is parsed with :mod:`ast` and only walked, never evaluated: the grammar is names,
``*``, ``+``, ``-``, ``1 - x`` and the functions below. Equations may come in any order; a name
may be read before the line that assigns it.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import arguments as args
from ..errors import SpecError
from .builder import CellBuilder, Ref
from .graph import CellGraph
from .limits import MAX_DEPTH, MAX_EQUATIONS
from .numbers import check_numbers
from .ops import OPS
from .vocab import ACTIVATIONS

#: Functions an equation may call, with what each makes.
FUNCTIONS = {
    "linear": "a learned layer over its arguments (joined by a concat); bias=false for none",
    **{name: OPS[name].about for name in ACTIVATIONS},
    **{op.call: op.about for op in OPS.values() if op.call and op.call not in ACTIVATIONS},
    "concat": "its arguments joined end to end",
    "diag": "inside linear(): an input weighted elementwise (a peephole)",
}
#: The op each function of the equation form stands for.
_CALLED = {op.call: name for name, op in OPS.items() if op.call}
_BINARY = {ast.Mult: "mul", ast.Add: "add", ast.Sub: "sub", ast.Div: "div"}


def _declared(decl: Mapping[str, Any] | str | int) -> Mapping[str, Any]:
    """A declaration as keyword arguments: a size alone (``"hidden"``, ``4``) is short for ``{"size": ...}``."""
    return {"size": decl} if isinstance(decl, str | int) and not isinstance(decl, bool) else decl


def from_equations(
    text: str,
    *,
    name: str = "cell",
    inputs: Mapping[str, Mapping[str, Any] | str | int] | None = None,
    states: Mapping[str, Mapping[str, Any] | str | int] | None = None,
    outputs: Mapping[str, str] | None = None,
    describe: Mapping[str, Mapping[str, Any]] | None = None,
    dims: Mapping[str, int] | None = None,
    file: str | Path | None = None,
    first_line: int = 1,
    **meta: Any,
) -> CellGraph:
    """A cell from equations and declarations.

    ``inputs`` and ``states`` map names to keyword arguments of :meth:`CellBuilder.input` and
    :meth:`CellBuilder.state` (``{"size": "hidden", "label": "C_{t-1}"}``), or to a size alone
    (``"hidden"``), as the TOML form writes them; each state ``s`` is
    read as ``s_prev`` and written by the equation for ``s``. ``outputs`` maps output ids to
    the value each emits (default ``{"y": "h"}`` when there is an ``h``); ``describe`` sets the
    label, role or size of any node.
    """
    args.text(text, "text")
    args.text(name, "name")
    for given, what in ((inputs, "inputs"), (states, "states"), (outputs, "outputs"), (describe, "describe")):
        args.mapping(given, what)
    for key, value in (describe or {}).items():
        args.mapping(value, f"describe[{key!r:.40}]", optional=False)
    args.dims(dims)
    args.path(file, "file", optional=True)
    args.integer(first_line, "first_line", low=1)
    states = dict(states or {})
    b = CellBuilder(name, dims=dims, **meta)
    for node_id, decl in (inputs if inputs is not None else {"x": {}}).items():
        b.input(node_id, **_declared(decl))
    for state, decl in states.items():
        b.state(state, **_declared(decl))
    lines = parse_equations(text, b, file=file, first_line=first_line)
    try:
        for state in states:
            if state not in b:
                raise SpecError(
                    f"state {state!r} is read but never assigned",
                    name=f"{state}_prev",
                    fix=f"add an equation '{state} = ...'",
                )
            b.write(state, state)
        if outputs is None:
            outputs = {"y": "h"} if "h" in b else {}
        if not outputs:
            raise SpecError("the cell has no output", name="outputs", fix='declare one, e.g. y = "h"')
        for out_id, source in outputs.items():
            b.output(source, out_id)
        for node_id, fields in (describe or {}).items():
            b.annotate(node_id, **fields)
        return b.build()
    except SpecError as err:
        raise err.located(file, lines.get(err.name or "")) from None


def parse_equations(
    text: str,
    builder: CellBuilder,
    *,
    file: str | Path | None = None,
    first_line: int = 1,
) -> dict[str, int]:
    """Add the nodes the equations define to ``builder``; return the line each node came from.

    Inputs and state-ins must already be in the builder. ``first_line`` is the line of the file
    on which ``text`` starts, so that messages point into the file.
    """
    offset = first_line - 1
    check_numbers(text, file=file, first_line=first_line)
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as err:
        raise SpecError(
            f"malformed equation: {err.msg}",
            file=file,
            line=(err.lineno or 1) + offset,
            fix="write one 'name = expression' per line",
        ) from None
    except (RecursionError, MemoryError):  # Python's parser gives up on absurd nesting
        raise SpecError(
            "the equations nest too deeply to read", file=file, line=first_line, fix="split them into simpler ones"
        ) from None
    if len(tree.body) > MAX_EQUATIONS:
        raise SpecError(
            f"{len(tree.body):,} equations (at most {MAX_EQUATIONS:,})", file=file, line=first_line, fix="write fewer"
        )
    source_lines = text.splitlines()
    targets: dict[str, int] = {}
    for stmt in tree.body:
        line = stmt.lineno + offset
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            shown = source_lines[stmt.lineno - 1].strip()[:40]
            raise SpecError("is not an equation", name=shown, file=file, line=line, fix="write 'name = expression'")
        if _depth(stmt.value) > MAX_DEPTH:
            raise SpecError(
                f"nests more than {MAX_DEPTH} deep (each term of a sum nests one deeper)",
                name=stmt.targets[0].id,
                file=file,
                line=line,
                fix="split it into several equations",
            )
        name = stmt.targets[0].id
        if name in targets or name in builder:
            raise SpecError("is defined twice", name=name, file=file, line=line, fix="give each value its own name")
        targets[name] = line
    builder.reserve(targets)
    walker = _Walker(builder, set(targets))
    lines: dict[str, int] = {}
    for stmt in tree.body:  # names given to another value (h = c) first: they may be read anywhere
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name):
            name, line = stmt.targets[0].id, stmt.lineno + offset  # type: ignore[union-attr]
            try:
                builder.alias(name, walker.name(stmt.value.id))
            except SpecError as err:
                raise err.located(file, line) from None
            lines[name] = line
    declared = set(builder.ids())
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign)
        if isinstance(stmt.value, ast.Name):
            continue
        line = stmt.lineno + offset
        name = stmt.targets[0].id  # type: ignore[union-attr]
        before = len(builder)
        try:
            ref = walker.expr(stmt.value)
            if ref.id in declared or ref.id in targets:  # the same concatenation as a named one
                raise SpecError(f"computes the same as {ref.id!r}", name=name, fix=f"write {name} = {ref.id}")
            builder.rename(ref, name)
            if ref.id in lines:  # a node made earlier (a shared concat) now has this name
                lines[name] = lines.pop(ref.id)
        except SpecError as err:  # named by the equation's left side when nothing closer is named
            named = err if err.name else type(err)(err.message, name=name, fix=err.fix)
            raise named.located(file, line) from None
        for node_id in builder.ids(before):
            lines[node_id] = line
        lines.setdefault(name, line)
    return lines


def _number(node: ast.expr) -> float | None:
    """The value of a number written in an equation (``2``, ``0.5``, ``-1e-3``), or None."""
    sign = 1.0
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign, node = (-1.0 if isinstance(node.op, ast.USub) else 1.0), node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        try:
            value = sign * float(node.value)
        except OverflowError:  # an integer too large for a float
            value = math.inf
        if not math.isfinite(value):
            raise SpecError(f"the number {ast.unparse(node)} is not finite", fix="write a finite number")
        return value
    return None


def _depth(tree: ast.AST) -> int:
    """How deep an expression nests, found without recursion (a deep tree is what is being guarded against)."""
    deepest, todo = 0, [(tree, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


class _Walker:
    """Turns one expression tree into builder calls."""

    def __init__(self, builder: CellBuilder, targets: set[str]) -> None:
        self.b = builder
        self.targets = targets

    def expr(self, node: ast.expr) -> Ref:
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self.binary(_BINARY[type(node.op)], node.left, node.right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _number(node) is None:
            return self.b.op("mul", self.expr(node.operand), constant=-1.0, constant_at=0)  # -x
        if isinstance(node, ast.Call):
            return self.call(node)
        if _number(node) is not None:
            raise SpecError(
                f"the number {ast.unparse(node)} stands alone",
                fix="a number may stand for one operand of *, +, -, /, max or min (0.5 * x, x / 2)",
            )
        if isinstance(node, ast.BinOp):
            raise SpecError(f"unknown operator in {ast.unparse(node)!r}", fix="use *, /, + or -")
        raise SpecError(
            f"{ast.unparse(node)!r} is not an expression lstmviz reads",
            fix="use names, numbers, *, /, +, - and the functions " + ", ".join(FUNCTIONS),
        )

    def binary(self, op: str, left: ast.expr, right: ast.expr) -> Ref:
        """A binary op; one operand may be a number (``1 - x`` is the one-minus op of the seeds)."""
        a, b = _number(left), _number(right)
        if a is not None and b is not None:
            raise SpecError(
                f"{op} of two numbers ({a:g} and {b:g})", fix="write the result, or make one operand a vector"
            )
        if op == "sub" and a == 1:
            return self.b.op("one-minus", self.expr(right))
        if a is not None:
            return self.b.op(op, self.expr(right), constant=a, constant_at=0)
        if b is not None:
            return self.b.op(op, self.expr(left), constant=b, constant_at=1)
        return self.b.op(op, self.expr(left), self.expr(right))

    def name(self, name: str) -> Ref:
        if name in self.b or name in self.targets:
            return Ref(self.b, name)
        if f"{name}_prev" in self.b:
            raise SpecError(
                f"reads {name!r}, which is not defined",
                name=name,
                fix=f"read {name}_prev for the previous step's value, or assign {name!r}",
            )
        raise SpecError(
            f"reads {name!r}, which is not defined",
            name=name,
            fix="assign it in an equation, or declare it as an input or state",
        )

    def call(self, node: ast.Call) -> Ref:
        fn = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        if fn not in FUNCTIONS:
            raise SpecError(f"unknown function {fn!r} (must be one of {', '.join(FUNCTIONS)})")
        if fn != "linear" and node.keywords:
            raise SpecError(f"{fn}() takes no keyword arguments", fix="only linear() takes size= and bias=")
        if fn == "linear":
            return self.layer(node, "identity")
        if fn == "diag":
            raise SpecError("diag() is used outside linear()", fix="write linear(h_prev, x, diag(c_prev))")
        if fn == "concat":
            return self.b.concat(*(self.expr(a) for a in node.args))
        if fn in ("max", "min"):
            if len(node.args) != 2:
                raise SpecError(f"{fn}() takes two arguments, not {len(node.args)}", fix=f"write {fn}(a, b)")
            return self.binary(fn, *node.args)
        if len(node.args) != 1:
            raise SpecError(f"{fn}() takes one argument, not {len(node.args)}")
        (arg,) = node.args
        if fn in ACTIVATIONS and isinstance(arg, ast.Call) and getattr(arg.func, "id", None) == "linear":
            return self.layer(arg, fn)
        return self.b.op(_CALLED[fn], self.expr(arg))

    def layer(self, node: ast.Call, activation: str) -> Ref:
        full, diagonal = [], []
        for arg in node.args:
            if isinstance(arg, ast.Call) and getattr(arg.func, "id", None) == "diag":
                if len(arg.args) != 1:
                    raise SpecError(f"diag() takes one argument, not {len(arg.args)}")
                diagonal.append(self.expr(arg.args[0]))
            else:
                full.append(self.expr(arg))
        size: object = None  # from its use where the cell fixes it, else hidden
        bias = True
        for kw in node.keywords:
            if kw.arg == "bias":
                flag = kw.value.id if isinstance(kw.value, ast.Name) else getattr(kw.value, "value", None)
                if flag not in ("true", "false", True, False):
                    raise SpecError(f"bias={ast.unparse(kw.value)} is not true or false", fix="write bias=false")
                bias = flag in ("true", True)
                continue
            if kw.arg != "size":
                raise SpecError(f"linear() has no argument {kw.arg!r}", fix="only size= and bias= are allowed")
            if isinstance(kw.value, ast.Name):
                size = kw.value.id
            elif isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, int):
                size = kw.value.value
            else:
                raise SpecError(f"size={ast.unparse(kw.value)} is neither a dim name nor a number")
        if not full:
            raise SpecError("linear() needs at least one input that is not diag()")
        return self.b.layer(*full, activation=activation, size=size, diagonal=diagonal, bias=bias)  # type: ignore[arg-type]
