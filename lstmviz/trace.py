"""A user's own recurrent cell, read from its PyTorch code: one step of an ``nn.Module`` traced with
torch.fx and its operations mapped onto the spec's, with the module's own weights.

A learned layer is what the module computes with its ``nn.Linear`` layers: one Linear, the sum of
several (``self.wx(x) + self.wh(h)``, one layer reading both, as colah draws a gate), or a chunk of
a fused one (``self.lin(hx).chunk(4, 1)``, or sliced, ``gates[:, :h]``: four layers, each with its
rows of the weight and bias), followed by the activation that reads it, if any; a matrix product
with a 2-D ``nn.Parameter`` (``x @ self.W``, ``torch.mm(h, self.U.t())``, ``F.linear``) is a Linear
too. ``nn.LayerNorm`` over the features is the spec's layer normalisation, with the module's gain
and bias. Everything else is a pointwise op of the spec.
Whatever the spec cannot say is refused in one line naming the operation and the user's line.
torch is imported only here, and only when a module is traced.
"""

from __future__ import annotations

import ast
import dataclasses
import linecache
import operator
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import SpecError
from .execute.params import LayerParams, as_params
from .spec.builder import CellBuilder, Ref
from .spec.graph import CellGraph
from .spec.names import made_up
from .spec.ops import LAYERNORM_EPS

#: Activations by what the module calls (torch.sigmoid, F.relu, x.tanh(), nn.Sigmoid(), ...).
ACTIVATIONS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu"}
#: Other pointwise functions of one tensor, and the spec's op for each.
UNARY = {"exp": "exp", "log": "log", "softplus": "softplus", "abs": "abs", **ACTIVATIONS}
#: Binary operators and the spec's op for each.
BINARY = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div", "div": "div", "maximum": "max", "minimum": "min"}
#: The spec's binary ops as Python's operators: on refs they add the op, on numbers they compute.
ARITHMETIC = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
#: Modules that are one of the functions above.
MODULES = {"Sigmoid": "sigmoid", "Tanh": "tanh", "ReLU": "relu", "Softplus": "softplus"}
#: Matrix products, by what the module calls.
PRODUCTS = ("matmul", "mm")
#: What is asked for when an operation cannot be traced into a cell.
FIX = "write the step with nn.Linear, torch.cat, chunk and pointwise functions (see lstmviz.from_module)"


@dataclasses.dataclass
class _Affine:
    """A learned affine map not yet drawn: the sum of ``terms`` (an input and its weight rows) and a
    bias; drawn as one layer by the activation that reads it, or as a layer of its own."""

    terms: list[tuple[Ref, np.ndarray]]
    bias: np.ndarray | None
    name: str
    diagonal: list[tuple[Ref, np.ndarray]] = dataclasses.field(default_factory=list)  # peepholes
    named: bool = False  # its name is the code's (r = sigmoid(...)), not only the module's attribute

    def rows(self, start: int, stop: int, name: str) -> _Affine:
        """The map's rows ``start`` to ``stop`` (a chunk of a fused layer)."""
        bias = None if self.bias is None else self.bias[start:stop]
        diagonal = [(ref, w[start:stop]) for ref, w in self.diagonal]
        return _Affine([(ref, w[start:stop]) for ref, w in self.terms], bias, name, diagonal, self.named)

    def plus(self, other: _Affine) -> _Affine:
        """The sum of two maps (``self.wx(x) + self.wh(h)``): one layer reading both inputs."""
        if self.bias is None and other.bias is None:
            bias = None
        else:
            bias = sum(b for b in (self.bias, other.bias) if b is not None)
        name = _joined(self.name, other.name)
        return _Affine(self.terms + other.terms, bias, name, self.diagonal + other.diagonal)


@dataclasses.dataclass
class _Parameter:
    """A learned vector of the module's (``nn.Parameter``), not yet used."""

    name: str
    value: np.ndarray


@dataclasses.dataclass
class _Matrix:
    """A learned matrix of the module's (a 2-D ``nn.Parameter``), not yet multiplied; ``value`` as
    the product reads it, (features in, features out) for ``x @ value``."""

    name: str
    value: np.ndarray


@dataclasses.dataclass
class _Weighted:
    """A value weighted elementwise by a learned vector (``self.w_ci * c``): a peephole, drawn as a
    diagonal input of the layer whose affine map it is added to."""

    ref: Ref
    weights: np.ndarray


def from_module(
    module: Any, x: Any, state: Any, *, names: Mapping[str, str] | None = None
) -> tuple[CellGraph, dict[str, LayerParams]]:
    """``module``'s step as a cell and its weights as the cell's parameters.

    ``module.forward(x, state)`` returns the new state (a tensor, or a tuple of tensors) or
    ``(output, new_state)``; ``x`` is one step's input (B, I) and ``state`` an example state, which
    fix the sizes. States are named after ``forward``'s parameters or, in a tuple, ``h`` and ``c``
    (then ``s2``, ...); ``names`` renames any node (its id and its label's letter).
    """
    import torch

    from .torch_interop import from_torch

    if isinstance(module, torch.nn.RNNCellBase | torch.nn.RNNBase):  # torch's own: the built-in cell
        return from_torch(module)
    graph = _traced(module)
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    if len(placeholders) != 2:
        raise SpecError(
            f"forward takes {len(placeholders)} arguments; lstmviz reads forward(x, state)",
            name=type(module).__name__,
            fix="write the step as forward(self, x, state)",
        )
    sizes = _sizes(x, state)
    b = CellBuilder(_identifier(type(module).__name__.lower()), dims=sizes)
    reader = _Reader(b, module, names or {})
    reader.place_input(placeholders[0])
    reader.place_state(placeholders[1], state, placeholders[1].name)
    for node in graph.nodes:
        if node.op in ("call_module", "call_function", "call_method", "get_attr"):
            reader.read(node)
        elif node.op == "output":
            reader.finish(node.args[0])
    cell = b.build()
    as_params(reader.params, cell, dict(cell.dims), np.float64)  # the module's weights fit the sizes given
    return cell, reader.params


def _traced(module: Any) -> Any:
    """The module's forward as a torch.fx graph, or one line naming what stopped the trace."""
    import torch.fx

    tracer = torch.fx.Tracer()
    tracer.record_stack_traces = True
    try:
        return tracer.trace(module)
    except Exception as error:  # noqa: BLE001 - any failure to trace is the user's code, said in one line
        where = _line_of(error.__traceback__, module)
        what = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "Proxy" in what or "control flow" in what or "iterate" in what:
            what = "a loop over time or control flow that depends on values"
        raise SpecError(
            f"cannot trace {type(module).__name__}.forward{where}: {what}",
            name=type(module).__name__,
            fix="trace one step: no loop over time, no branch on a tensor's values",
        ) from None


def _source(module: Any) -> str:
    """The file the module's forward is written in (as its code says: a file run by runpy too)."""
    code = getattr(getattr(type(module), "forward", None), "__code__", None)
    return code.co_filename if code is not None else ""


def _line_of(tb: Any, module: Any) -> str:
    """Where in the module's own source file the traceback last was: " at FILE:LINE", or ""."""
    source, found = _source(module), ""
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == source:
            found = f" at {source}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def _sizes(x: Any, state: Any) -> dict[str, int]:
    states = state if isinstance(state, tuple | list) else (state,)
    return {"input": int(x.shape[-1]), "hidden": int(states[0].shape[-1])}


def _identifier(text: str) -> str:
    ident = re.sub(r"\W+", "_", text).strip("_") or "cell"
    return ident if not ident[0].isdigit() else f"cell_{ident}"


def _joined(a: str, b: str) -> str:
    return a if a == b else f"{a}_{b}"


class _Reader:
    """The fx graph read node by node into the builder: each fx node's value, a Ref, an _Affine,
    a tuple of them (a state, a chunked layer) or a number."""

    def __init__(self, b: CellBuilder, module: Any, names: Mapping[str, str]) -> None:
        self.b, self.names = b, names
        self.modules, self.parameters = dict(module.named_modules()), dict(module.named_parameters())
        self.source = _source(module)  # the module's source file, where a refusal points
        self.on_line: dict[tuple[str, int], int] = {}  # layers made on each line so far
        self.values: dict[str, Any] = {}
        self.params: dict[str, LayerParams] = {}
        self.states: list[str] = []  # the states, as forward reads them
        self.parts: list[str] = []  # the state tuple's parts' names, read or not (SRU's h is only returned)
        self.by_attribute: set[str] = set()  # layers named after the module's attribute, not by the code

    # -- the arguments -------------------------------------------------------------------------
    def place_input(self, node: Any) -> None:
        """The input x_t; as big as the state, it is sized as the state, so that the module may add
        them (SRU's highway: (1 - r) * x)."""
        size = "hidden" if self.b.dims["input"] == self.b.dims["hidden"] else "input"
        self.values[node.name] = self.b.input(self.names.get("x", "x"), size=size, label="x_t")

    def place_state(self, node: Any, state: Any, name: str) -> None:
        """The state argument: one state, or as many as ``forward`` unpacks (``h, c = state``: the
        trace reads them by index), whatever the example ``state`` is."""
        items = [u for u in node.users if u.op == "call_function" and _named(u.target) == "getitem"]
        taken = [u.args[1] for u in items]
        count = max(taken) + 1 if taken and all(isinstance(k, int) for k in taken) else 0
        if count or isinstance(state, tuple | list):
            count = count or len(state)
            read = {u.args[1] for u in items if u.users} if count == len(taken) else set(range(count))
            default = ["h", "c"] + [f"s{k}" for k in range(2, count)]
            self.parts = [self.names.get(n, n) for n in default[:count]]
            # a part forward never reads (SRU's h, only returned) is no state of the cell: an output
            self.values[node.name] = tuple(self._state(n) if k in read else None for k, n in enumerate(self.parts))
        else:
            self.values[node.name] = self._state(self.names.get(name, "h" if name == "state" else name))

    def _state(self, name: str) -> Ref:
        self.states.append(name)
        label = "C_{t-1}" if name == "c" else f"{name}_{{t-1}}"  # as _now() writes its new value
        return self.b.state(name, "hidden", label=label).prev

    # -- the operations ------------------------------------------------------------------------
    def read(self, node: Any) -> None:
        args = [self._value(a) for a in node.args]
        kwargs = {k: self._value(v) for k, v in node.kwargs.items()}
        if node.op == "get_attr":
            found = self.parameters.get(node.target)
            if found is None or found.dim() not in (1, 2):
                raise self._refuse(node, f"the tensor {node.target} (a learned vector is a peephole's weights)")
            value = found.detach().double().numpy()
            self.values[node.name] = (_Parameter if found.dim() == 1 else _Matrix)(node.target, value)
            return
        if node.op == "call_module":
            self.values[node.name] = self._module(node, args)
            return
        name = node.target if isinstance(node.target, str) else getattr(node.target, "__name__", str(node.target))
        self.values[node.name] = self._function(node, name, args, kwargs)

    def _module(self, node: Any, args: list[Any]) -> Any:
        import torch

        module = self.modules[node.target]
        if isinstance(module, torch.nn.Linear):
            weight = module.weight.detach().double().numpy()
            bias = None if module.bias is None else module.bias.detach().double().numpy()
            return _Affine([(self._ref(args[0], node), weight)], bias, _identifier(node.target))
        if isinstance(module, torch.nn.LayerNorm):
            weight, bias = (None if p is None else p.detach().double().numpy() for p in (module.weight, module.bias))
            return self._normalised(node, args[0], tuple(module.normalized_shape), weight, bias, module.eps)
        if isinstance(module, torch.nn.Dropout):
            return self._dropout(node, args[0], module.training)
        kind = MODULES.get(type(module).__name__)
        if kind is not None:
            return self._unary(node, kind, args[0])
        raise self._refuse(node, f"the module {type(module).__name__}")

    def _dropout(self, node: Any, value: Any, training: bool) -> Any:
        """Dropout: in eval mode the value itself (as a trained cell runs); in training mode a random
        mask no cell spec has."""
        if training:
            raise self._refuse(node, "dropout in training mode (trace the module after module.eval())")
        return value

    def _normalised(self, node: Any, value: Any, shape: tuple[int, ...], weight: Any, bias: Any, eps: float) -> Ref:
        """Layer normalisation of ``value`` over its features, with its gain and bias (ones and
        zeros where the module learns none)."""
        ref = self._ref(value, node)
        if len(shape) != 1:  # (a step's values are (batch, features): one size is over the features)
            raise self._refuse(node, f"a layer normalisation over {list(shape)}, not over the features alone")
        size = shape[0]
        if eps != LAYERNORM_EPS:
            raise self._refuse(node, f"a layer normalisation with eps={eps:g} (the spec's is {LAYERNORM_EPS:g})")
        if any(not isinstance(v, _Parameter | np.ndarray | None) for v in (weight, bias)):
            raise self._refuse(node, "a layer normalisation whose gain or bias is computed, not learned")
        gain = np.ones(size) if weight is None else getattr(weight, "value", weight)
        shift = np.zeros(size) if bias is None else getattr(bias, "value", bias)
        out = self.b.op("layernorm", ref)  # (an id of the builder's: the value it goes into names its layer)
        self.params[out.id] = LayerParams(np.asarray(gain, float), np.asarray(shift, float))
        return out

    def _function(self, node: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if name == "getitem":
            return self._getitem(node, args[0], args[1])
        if name in ("chunk", "split"):
            return self._chunks(node, name, args, kwargs)
        if name == "cat":
            parts = args[0]
            return self.b.concat(*(self._ref(p, node) for p in parts))
        if name in UNARY:
            return self._unary(node, UNARY[name], args[0])
        if name in PRODUCTS or name in ("linear", "t", "transpose", "getattr"):
            return self._product(node, name, args, kwargs)
        if name == "layer_norm":
            given = zip(("normalized_shape", "weight", "bias", "eps"), [*args[1:], None, None, None][:4])
            shape, weight, bias, eps = (kwargs.get(k, v) for k, v in given)  # F.layer_norm's arguments
            return self._normalised(node, args[0], tuple(shape), weight, bias, LAYERNORM_EPS if eps is None else eps)
        if name == "dropout":  # F.dropout(x, p, training)
            training = args[2] if len(args) > 2 else kwargs.get("training", True)
            return self._dropout(node, args[0], bool(training))
        if name in ("max", "min") and len(args) == 2 and not _number(args[1]) and not kwargs:
            name = {"max": "maximum", "min": "minimum"}[name]  # torch.max(a, b) of two tensors, not over a dim
        if name in BINARY or name in ("radd", "rsub", "rmul"):
            return self._binary(node, BINARY.get(name, name), args[0], args[1])
        raise self._refuse(node, f"the operation {name}")

    def _product(self, node: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A matrix product with a learned matrix, as a Linear: ``x @ W``, ``torch.mm(x, W.t())``,
        ``F.linear(x, W, b)``; and the transposes of a learned matrix that lead to one."""
        value = args[0]
        if name in ("t", "transpose", "getattr") and isinstance(value, _Matrix):
            if name != "getattr" or args[1] in ("T", "mT"):
                return _Matrix(value.name, value.value.T)
        if name in PRODUCTS and isinstance(args[1], _Matrix):
            matrix = args[1]
            return _Affine([(self._ref(value, node), matrix.value.T)], None, _identifier(matrix.name))
        if name == "linear" and isinstance(args[1], _Matrix):
            bias = args[2] if len(args) > 2 else kwargs.get("bias")
            if bias is not None and not isinstance(bias, _Parameter):
                raise self._refuse(node, "a Linear's bias that is not a learned vector")
            matrix = args[1]
            weight, shift = matrix.value, None if bias is None else bias.value
            return _Affine([(self._ref(value, node), weight)], shift, _identifier(matrix.name))
        raise self._refuse(node, f"the operation {name} on anything but a learned matrix (nn.Parameter)")

    def _getitem(self, node: Any, value: Any, key: Any) -> Any:
        if isinstance(value, tuple | list) and isinstance(key, int):
            return value[key]
        if isinstance(value, _Affine) and _feature_slice(key):  # gates[:, h:2 * h]: those rows of the layer
            start, stop, _ = key[1].indices(value.terms[0][1].shape[0])
            return value.rows(start, stop, f"{value.name}_{start // max(stop - start, 1)}")
        raise self._refuse(node, "indexing a tensor other than a Linear layer's output along its features")

    def _chunks(self, node: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        value, spec = args[0], args[1] if len(args) > 1 else kwargs.get("chunks", kwargs.get("split_size_or_sections"))
        dim = args[2] if len(args) > 2 else kwargs.get("dim", 0)
        if isinstance(value, Ref) and self._normalised_in(value):  # LN over the fused gates, as custom_lstms
            raise self._refuse(node, f"{name} of a layer normalisation over all the gates together (normalise each "
                                     "gate on its own: an nn.LayerNorm(hidden_size) after the chunk)")  # fmt: skip
        if not isinstance(value, _Affine) or dim not in (-1, 1):
            raise self._refuse(node, f"{name} of anything but a Linear layer's output, along its features")
        rows = value.terms[0][1].shape[0]
        if name == "chunk":
            step = -(-rows // spec)
            bounds = [(k, min(k + step, rows)) for k in range(0, rows, step)]
        else:
            widths = [spec] * (rows // spec) if isinstance(spec, int) else list(spec)
            starts = np.cumsum([0, *widths])
            bounds = list(zip(starts[:-1], starts[1:]))
        called = self._assigned(node)  # i, f, g, o = self.gates(hx).chunk(4, 1): each chunk as the code calls it
        named = len(called) == len(bounds)
        names = called if named else [f"{value.name}_{k}" for k in range(len(bounds))]
        chunks = (value.rows(int(a), int(z), n) for n, (a, z) in zip(names, bounds))
        return tuple(dataclasses.replace(c, named=named) for c in chunks)

    def _normalised_in(self, ref: Ref) -> bool:
        """Whether the value ``ref`` is, or is made from, a layer normalisation."""
        nodes = {n.id: n for n in self.b.nodes()}
        todo, seen = [ref.id], set()
        while todo:
            node = nodes[todo.pop()]
            if node.op == "layernorm":
                return True
            seen.add(node.id)
            todo += [i for i in node.reads if i not in seen]
        return False

    def _unary(self, node: Any, op: str, value: Any) -> Ref:
        if op not in ACTIVATIONS:
            return self.b.op(op, self._ref(value, node))
        name = self._called(node)  # r = torch.sigmoid(...): the value is r, as the code calls it
        if isinstance(value, _Affine):
            value = dataclasses.replace(value, name=name, named=True) if name else value
            return self._layer(value, ACTIVATIONS[op])
        ref = self._ref(value, node)  # a gate of a normalised product, i = sigmoid(self.ln_i(...)): i
        if not name:
            return self.b.op(op, ref)
        return self.b.op(op, ref, id=self._fresh(name), label=f"{name}_t" if re.fullmatch(r"[A-Za-z]", name) else "")

    def _called(self, node: Any) -> str:
        """The name the code gives the value of ``node``, an activation's call: the k-th name its line
        assigns for the k-th call on the line (``r, z = sigmoid(...), sigmoid(...)``); "" if none."""
        called = self._assigned(node)
        line = self._line(node)
        k = self.on_line.get(line, 0)
        self.on_line[line] = k + 1
        return called[k] if k < len(called) else ""

    def _line(self, node: Any) -> tuple[str, int]:
        """The line of the module's source that made ``node`` (("", 0) where none is known)."""
        trace = node.meta.get("stack_trace") or ""
        found = [(f, int(n)) for f, n in re.findall(r'File "([^"]+)", line (\d+)', trace) if f == self.source]
        return found[-1] if found else ("", 0)

    def _assigned(self, node: Any) -> list[str]:
        """The names the line that made ``node`` gives what its calls return (``r`` of ``r = sigmoid(...)``,
        ``i, f, g, o`` of ``... = x.chunk(4, 1)``), as the user's code calls the values; [] for any
        other line (``c = f * c + i * tanh(...)`` names the sum, not the tanh)."""
        file, number = self._line(node)
        text = linecache.getline(file, number).strip() if file else ""
        try:
            statement = ast.parse(text).body[0] if text else None
        except SyntaxError:  # a line of a longer statement
            return []
        if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            return []
        target, value = statement.targets[0], statement.value
        parts = target.elts if isinstance(target, ast.Tuple) else [target]
        calls = value.elts if isinstance(value, ast.Tuple) else [value]
        just_calls = all(isinstance(c, ast.Call) for c in calls) and len(calls) in (1, len(parts))
        names = [t.id for t in parts if isinstance(t, ast.Name)]
        return names if just_calls and len(names) == len(parts) else []  # the names only where calls are all

    def _binary(self, node: Any, op: str, a: Any, z: Any) -> Any:
        if op == "add" and isinstance(a, _Affine) and isinstance(z, _Affine):
            return a.plus(z)
        if op == "mul" and isinstance(a, _Parameter) != isinstance(z, _Parameter):
            weights, value = (a, z) if isinstance(a, _Parameter) else (z, a)
            return _Weighted(self._ref(value, node), weights.value)
        if op == "add" and {type(a), type(z)} == {_Affine, _Parameter}:  # x @ W + b: the bias
            affine, bias = (a, z) if isinstance(a, _Affine) else (z, a)
            return dataclasses.replace(affine, bias=bias.value if affine.bias is None else affine.bias + bias.value)
        if op == "add" and {type(a), type(z)} == {_Affine, _Weighted}:
            affine, weighted = (a, z) if isinstance(a, _Affine) else (z, a)
            diagonal = [*affine.diagonal, (weighted.ref, weighted.weights)]
            return dataclasses.replace(affine, diagonal=diagonal)
        if op in ("radd", "rsub", "rmul"):
            a, z, op = z, a, op[1:]
        left = a if _number(a) else self._ref(a, node)
        right = z if _number(z) else self._ref(z, node)
        if op in ("max", "min"):
            if _number(left):
                left, right = right, left
            return self.b.op(op, left, constant=float(right)) if _number(right) else self.b.op(op, left, right)
        return ARITHMETIC[op](left, right)

    # -- values --------------------------------------------------------------------------------
    def _value(self, arg: Any) -> Any:
        if hasattr(arg, "op") and hasattr(arg, "name") and arg.name in self.values:
            return self.values[arg.name]
        if isinstance(arg, tuple | list):
            return type(arg)(self._value(a) for a in arg)
        return arg

    def _ref(self, value: Any, node: Any) -> Ref:
        """``value`` as a node of the cell: an affine map not yet drawn becomes a layer of its own."""
        if isinstance(value, _Affine):
            return self._layer(value, "identity")
        if isinstance(value, Ref):
            return value
        if isinstance(value, _Parameter | _Weighted):
            raise self._refuse(node, "a learned vector used other than as a peephole added to a Linear's output")
        raise self._refuse(node, f"a value of type {type(value).__name__}")

    def _layer(self, affine: _Affine, activation: str) -> Ref:
        """The affine map drawn as a layer ending in ``activation``. Named as the code names it
        (``f = sigmoid(...)``: f, labelled f_t) or as ``names=`` says; a map only an attribute
        names (``self.w(x)``) keeps that name as its id, and where it is a plain product or its name
        is taken by a state (``self.h(x)`` beside h) it is labelled as papers write it, W_c x_t,
        under an id of the builder's that no reader sees."""
        named = affine.named or affine.name in self.names
        name = self.names.get(affine.name, affine.name)
        weight = np.concatenate([w for _, w in affine.terms], axis=1)
        inputs = [ref for ref, _ in affine.terms]
        label = f"{name}_t" if named and re.fullmatch(r"[A-Za-z]", name) else ""  # a value, as papers write it
        papers = not named and (activation == "identity" or name in self.states or name == "x")
        diagonal = [ref for ref, _ in affine.diagonal]
        rows = weight.shape[0]  # its size: the state's, the input's, or a number of its own (a readout's)
        size = next((d for d in ("hidden", "input") if self.b.dims[d] == rows), rows)
        ref = self.b.layer(
            *inputs,
            activation=activation,
            id=None if papers else self._fresh(name),
            size=size,
            bias=affine.bias is not None,
            label=label,
            diagonal=diagonal,
        )
        self.params[ref.id] = LayerParams(weight, affine.bias, {d.id: w for d, w in affine.diagonal})
        if not named:
            self.by_attribute.add(ref.id)
        return ref

    def _fresh(self, name: str) -> str:
        taken, k, out = set(self.b.ids()), 1, name
        while out in taken:
            k += 1
            out = f"{name}_{k}"
        return out

    def finish(self, result: Any) -> None:
        """The module's return: the new state(s), or (output, new state)."""
        values = self._value(result)
        if isinstance(values, tuple | list) and len(values) == 2 and isinstance(values[1], tuple | list):
            output, new = values[0], tuple(values[1])
        else:
            new = tuple(values) if isinstance(values, tuple | list) else (values,)
            output = new[0]
        positions = [n if n in self.states else None for n in self.parts] if self.parts else self.states
        if len(new) != len(positions):
            raise SpecError(
                f"forward returns {len(new)} states for the {len(positions)} it takes",
                name="forward",
                fix="return the new state as the state came in (a tensor, or a tuple of the same length)",
            )
        out = self._ref(output, None)  # drawn before anything is renamed: the builder renames what reads it
        made = {id(v): self._ref(v, None) for n, v in zip(positions, new) if n is not None}
        refs, renamed = {}, {}
        for name, value in zip(positions, new):
            if name is None:  # returned, never read back: only an output
                continue
            ref = made[id(value)]
            ref = renamed.get(ref.id, ref)  # a value returned twice
            unnamed = self._made_up_op(ref) or ref.id in self.by_attribute
            if unnamed and name not in self.b:  # the new value, called as its state (IndRNN's h = relu(...))
                old = ref.id
                renamed[old] = ref = self.b.rename(ref, name)
                self.b.annotate(ref, label=_now(name))
                if old in self.params:
                    self.params[name] = self.params.pop(old)
            refs[name] = ref
            self.b.write(name, ref, label=_now(name))
        for layer, params in self.params.items():  # a peephole reading a renamed value (o reads C_t)
            diagonal = {renamed[k].id if k in renamed else k: w for k, w in params.diagonal.items()}
            self.params[layer] = dataclasses.replace(params, diagonal=diagonal)
        out = renamed.get(out.id, out)
        returned = [n for n, v in zip(self.parts, new) if v is output]  # SRU's h: returned, never read back
        label = next((_now(n) for n, r in refs.items() if r.id == out.id), _now(returned[0]) if returned else "y_t")
        if returned and self._made_up_op(out) and returned[0] not in self.b:  # its equation: h_t = ...
            out = self.b.rename(out, returned[0])
            self.b.annotate(out, label=label)
        self.b.output(out, label=label)

    def _made_up_op(self, ref: Ref) -> bool:
        """Whether ``ref`` is an op the builder named (``add_mul_f_c_prev...``), which no reader sees."""
        node = next(n for n in self.b.nodes() if n.id == ref.id)
        return node.kind == "op" and made_up(node)

    def _refuse(self, node: Any, what: str) -> SpecError:
        file, number = self._line(node) if node is not None else ("", 0)
        where = f" at {file}:{number}" if file else ""
        return SpecError(f"cannot draw {what}{where}: it is not an operation of a cell spec", name="forward", fix=FIX)


def _now(state: str) -> str:
    """A state's new value as papers write it: C_t for the cell state c, h_t, s2_t."""
    return "C_t" if state == "c" else f"{state}_t"


def _feature_slice(key: Any) -> bool:
    """Whether ``key`` takes a plain run of features of every row: ``[:, a:b]`` or ``[..., a:b]``."""
    if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], slice)):
        return False
    return (key[0] is Ellipsis or key[0] == slice(None)) and key[1].step in (None, 1)


def _named(target: Any) -> str:
    return getattr(target, "__name__", "")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


__all__: Sequence[str] = ("from_module",)
