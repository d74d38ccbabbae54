"""Running a compiled plan on NumPy arrays: the time loop, its buffers, and the optional Trace.

The loop body is a list of small closures, each bound to preallocated buffers, so a step costs
the NumPy calls a hand-written loop would make and little else. Where it is safe, the op that
computes a state's new value writes straight into the state's buffer, so no copy is needed
between steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..errors import DataError
from ..spec import sizes
from ..spec.graph import CellGraph
from .kernels import KERNELS, UNARY
from .params import LayerParams, as_params, init_params
from .plan import Group, Plan, compile

Step = Callable[[int], None]
_FLOATS = (np.float32, np.float64)


@dataclasses.dataclass(frozen=True, eq=False)
class Trace:
    """Every node's value at every step: ``trace["f"]`` is shaped (T, B, size of f)."""

    values: Mapping[str, np.ndarray]

    def __getitem__(self, node_id: str) -> np.ndarray:
        return self.values[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.values

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.values)

    def at(self, t: int) -> dict[str, np.ndarray]:
        """Every node's value at step ``t``, shaped (B, size)."""
        return {k: v[t] for k, v in self.values.items()}


@dataclasses.dataclass(frozen=True, eq=False)
class Result:
    """What a run returns.

    ``outputs`` is (T, B, output size) (several outputs are joined along the last axis, in
    declaration order; ``by_output`` has each alone); ``state`` maps each state's name to its
    final value (B, size); ``params`` holds the parameters used (drawn ones included);
    ``trace`` is set when asked for.
    """

    outputs: np.ndarray
    by_output: Mapping[str, np.ndarray]
    state: Mapping[str, np.ndarray]
    params: Mapping[str, LayerParams]
    trace: Trace | None = None


def run(
    cell: CellGraph | Plan,
    x: np.ndarray | Mapping[str, np.ndarray],
    params: Mapping[str, Any] | None = None,
    *,
    state: Mapping[str, np.ndarray] | None = None,
    trace: bool = False,
    dtype: Any = None,
    dims: Mapping[str, int] | None = None,
    seed: int = 0,
) -> Result:
    """Evaluate a cell over a sequence.

    ``x`` is shaped (T, B, input size), or a mapping from input ids to such arrays for cells
    with several inputs. ``params`` maps layer names to weights (see :mod:`.params`); without
    them, parameters are drawn with ``seed``. ``state`` gives initial states by name (zeros
    otherwise). ``dtype`` is float32 or float64 (default: that of ``x``, float32 for others).
    Dims come from the spec, then ``x``, ``params`` and ``dims``, later ones winning.
    """
    plan = cell if isinstance(cell, Plan) else _compiled(cell)
    graph = plan.graph
    xs = _inputs(graph, x)
    dtype = _dtype(dtype, xs)
    dims = _dims(graph, xs, params, dims)
    params = init_params(graph, dims, seed=seed, dtype=dtype) if params is None else params
    checked = as_params(params, graph, dims, dtype)
    T, B = next(iter(xs.values())).shape[:2]
    initial = _initial_state(graph, state, dims, B, dtype)
    return _Program(plan, checked, dims, dtype, T, B, trace).run(
        {k: np.asarray(v, dtype=dtype) for k, v in xs.items()}, initial
    )


_PLANS: dict[CellGraph, Plan] = {}


def _compiled(graph: CellGraph) -> Plan:
    if graph not in _PLANS:
        _PLANS[graph] = compile(graph)
    return _PLANS[graph]


# -- checking what the caller gave -------------------------------------------------------------
def _inputs(graph: CellGraph, x: np.ndarray | Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    names = [n.id for n in graph.of_kind("input")]
    given = dict(x) if isinstance(x, Mapping) else {names[0]: x} if len(names) == 1 else None
    if given is None:
        raise DataError(f"the cell has inputs {', '.join(names)}", name=graph.name,
                        fix="pass a dict of arrays, one per input")
    if set(given) != set(names):
        raise DataError(f"inputs given: {', '.join(sorted(given)) or 'none'}; the cell reads {', '.join(names)}",
                        name=graph.name, fix="give one array per input node")
    shape = None
    for name, arr in given.items():
        arr = np.asarray(arr)
        if arr.ndim != 3:
            fix = "add a batch axis: x[:, None, :]" if arr.ndim == 2 else "shape it (steps, batch, features)"
            raise DataError(f"input has shape {arr.shape}; expected (steps, batch, features)", name=name, fix=fix)
        if shape is not None and arr.shape[:2] != shape:
            raise DataError(f"input has {arr.shape[:2]} steps and batch; another has {shape}", name=name)
        shape = arr.shape[:2]
        given[name] = arr
    return given


def _dtype(dtype: Any, xs: Mapping[str, np.ndarray]) -> np.dtype:
    if dtype is None:
        first = next(iter(xs.values())).dtype
        return first if first.type in _FLOATS else np.dtype(np.float32)
    resolved = np.dtype(dtype)
    if resolved.type not in _FLOATS:
        raise DataError(f"dtype {resolved} is not supported", name="dtype", fix="use float32 or float64")
    return resolved


def _dims(graph: CellGraph, xs: Mapping[str, np.ndarray], params: Mapping[str, Any] | None,
          dims: Mapping[str, int] | None) -> dict[str, int]:
    out = dict(graph.default_dims)
    found: dict[str, tuple[int, str]] = {}

    def learn(size: sizes.Size, value: int, where: str) -> None:
        parts = sizes.terms(size)
        if len(parts) != 1 or parts[0].isdigit():
            return
        dim = parts[0]
        if dim in found and found[dim][0] != value:
            raise DataError(f"{where} says {dim} = {value}, but {found[dim][1]} says {found[dim][0]}",
                            name=dim, fix="make the inputs and parameters agree")
        found[dim] = (value, where)

    for name, arr in xs.items():
        learn(graph.node(name).size, arr.shape[-1], f"input {name!r}")
    if params is not None:
        for layer in graph.of_kind("layer"):
            entry = params.get(layer.id, params.get(f"{layer.id}.weight"))
            weight = entry.weight if isinstance(entry, LayerParams) else (
                entry.get("weight") if isinstance(entry, Mapping) else entry)
            if weight is not None and np.ndim(weight) == 2:
                learn(layer.size, np.shape(weight)[0], f"layer {layer.id!r}")
    out.update({k: v for k, (v, _) in found.items()})
    out.update(dims or {})
    for node in graph.of_kind("input"):
        want = sizes.resolve(node.size, out)
        if xs[node.id].shape[-1] != want:
            raise DataError(f"input has {xs[node.id].shape[-1]} features; the cell expects {want}", name=node.id)
    return out


def _initial_state(graph: CellGraph, given: Mapping[str, np.ndarray] | None, dims: Mapping[str, int],
                   B: int, dtype: np.dtype) -> dict[str, np.ndarray]:
    given = dict(given or {})
    unknown = set(given) - set(graph.states)
    if unknown:
        raise DataError(f"initial value for {sorted(unknown)[0]!r}, which is not a state",
                        name=graph.name, fix=f"states: {', '.join(graph.states)}")
    out = {}
    for name, (node_in, _) in graph.states.items():
        shape = (B, sizes.resolve(node_in.size, dims))
        value = np.zeros(shape, dtype) if name not in given else np.array(given[name], dtype=dtype)
        if value.shape != shape:
            raise DataError(f"initial state has shape {value.shape}, expected {shape}", name=name)
        out[name] = value
    return out


# -- the program -------------------------------------------------------------------------------
class _Program:
    """A plan bound to sizes, parameters and buffers; ``run`` executes the time loop."""

    def __init__(self, plan: Plan, params: Mapping[str, LayerParams], dims: Mapping[str, int],
                 dtype: np.dtype, T: int, B: int, trace: bool) -> None:
        self.plan, self.graph, self.params = plan, plan.graph, params
        self.dims, self.dtype, self.T, self.B, self.tracing = dims, dtype, T, B, trace
        self.size = {n.id: sizes.resolve(n.size, dims) for n in self.graph.nodes}

    # Values live in one of two places: ``full[id]`` (T, B, n) for static nodes, computed before
    # the loop, and ``now[id]`` (B, n) for the rest, rewritten every step.
    def run(self, xs: Mapping[str, np.ndarray], initial: Mapping[str, np.ndarray]) -> Result:
        g, T = self.graph, self.T
        self.full: dict[str, np.ndarray] = dict(xs)
        self.now: dict[str, np.ndarray] = {g.states[s][0].id: v for s, v in initial.items()}
        self._static_phase()
        steps = self._loop_body()
        outs = {o.id: np.empty((T, self.B, self.size[o.id]), self.dtype) for o in g.of_kind("output")}
        per_step_outputs = []
        for o in g.of_kind("output"):
            src = o.inputs[0]
            if src in self.full:
                outs[o.id][...] = self.full[src]
            else:
                per_step_outputs.append(self._copy_step(outs[o.id], self.now[src]))
        record, trace_values = self._recorder()
        steps = steps + per_step_outputs + record + self._state_steps()
        for t in range(T):
            for step in steps:
                step(t)
        state = {s: self.now[nodes[0].id].copy() for s, nodes in g.states.items()}
        values = list(outs.values())
        outputs = values[0] if len(values) == 1 else np.concatenate(values, axis=-1)
        return Result(outputs, outs, state, self.params, Trace(trace_values) if self.tracing else None)

    def _static_phase(self) -> None:
        for node_id in self.plan.order:
            node = self.graph.node(node_id)
            if node_id not in self.plan.static or node.kind in ("input", "state-out", "output"):
                continue
            if node.kind == "concat":
                self.full[node_id] = np.concatenate([self.full[p] for p in node.inputs], axis=-1)
            elif node.kind == "layer":
                lo, hi = self._rows(node_id)
                value = self._projected(self.plan.group_of[node_id])[..., lo:hi]
                for d in node.diagonal:
                    value += self.params[node_id].diagonal[d] * self.full[d]
                self.full[node_id] = UNARY[node.activation](value, out=value)
            else:
                args = [self.full[r] for r in node.inputs]
                self.full[node_id] = KERNELS[node.op](*args, out=np.empty_like(args[0]))
        for group in self.plan.groups:
            if group.static_parts:
                self._projected(group)

    def _projected(self, group: Group) -> np.ndarray:
        """The static parts' share of the group's product, plus the bias, for all steps: (T, B, N).

        Computed once, when first asked for: by then every static part has its value.
        """
        key = f"{group.source}:pre"
        if key not in self.full:
            self.full[key] = self._projection(group)
        return self.full[key]

    def _projection(self, group: Group) -> np.ndarray:
        weight, bias = self._fused(group)
        cols = self._columns(group)
        x = np.concatenate([self.full[p] for p in group.static_parts], axis=-1) if len(
            group.static_parts) > 1 else self.full[group.static_parts[0]]
        w = np.concatenate([weight[:, cols[p]] for p in group.static_parts], axis=1)
        flat = x.reshape(-1, x.shape[-1]) @ w.T
        flat += bias
        return flat.reshape(self.T, self.B, w.shape[0])

    def _fused(self, group: Group) -> tuple[np.ndarray, np.ndarray]:
        layers = [self.params[n] for n in group.layers]
        return np.concatenate([p.weight for p in layers]), np.concatenate([p.bias for p in layers])

    def _columns(self, group: Group) -> dict[str, slice]:
        cols, at = {}, 0
        for part in group.parts:
            cols[part] = slice(at, at + self.size[part])
            at += self.size[part]
        return cols

    def _rows(self, layer: str) -> tuple[int, int]:
        group = self.plan.group_of[layer]
        lo = 0
        for n in group.layers:
            if n == layer:
                return lo, lo + self.size[n]
            lo += self.size[n]
        raise AssertionError(layer)

    # -- the loop body ---------------------------------------------------------------------------
    def _loop_body(self) -> list[Step]:
        g = self.graph
        schedule = self._schedule()
        alias = {} if self.tracing else self._aliases(schedule)
        steps: list[Step] = []
        for kind, item in schedule:
            if kind == "group":
                steps.append(self._group_step(item))
            elif kind == "finish":
                steps.extend(self._finish_steps(item))
            else:
                node = g.node(item)
                buf = self.now[alias[item]] if item in alias else np.empty((self.B, self.size[item]), self.dtype)
                if node.kind == "concat":
                    steps.append(self._concat_step(node.inputs, buf))
                else:
                    steps.append(self._op_step(KERNELS[node.op], node.inputs, buf))
                self.now[item] = buf
        self.alias = alias
        return steps

    def _schedule(self) -> list[tuple[str, Any]]:
        """What the loop does, in order: ("group", Group), ("finish", layers), ("node", id)."""
        g, plan = self.graph, self.plan
        used_whole = {r for n in g.nodes if n.kind != "layer" for r in n.reads} | {
            d for n in g.nodes for d in n.diagonal}
        out: list[tuple[str, Any]] = []
        started: set[str] = set()
        for node_id in plan.order:
            node = g.node(node_id)
            if node_id in plan.static or node.kind in ("input", "state-in", "state-out", "output"):
                continue
            if node.kind == "concat":
                if node_id in used_whole or self.tracing:
                    out.append(("node", node_id))
            elif node.kind == "layer":
                group = plan.group_of[node_id]
                if group.source not in started:
                    started.add(group.source)
                    if not group.is_static:
                        out.append(("group", group))
                        plain = [n for n in group.layers if not g.node(n).diagonal]
                        out.extend(("finish", run_) for run_ in _runs(plain, lambda n: g.node(n).activation))
                if node.diagonal:
                    out.append(("finish", (node_id,)))
            else:
                out.append(("node", node_id))
        return out

    def _aliases(self, schedule: list[tuple[str, Any]]) -> dict[str, str]:
        """Ops that may write their value into a state's buffer: the state's last reader."""
        g = self.graph

        def reads(entry: tuple[str, Any]) -> set[str]:
            kind, item = entry
            if kind == "group":
                return set(item.dynamic_parts)
            if kind == "finish":
                return {d for n in item for d in g.node(n).diagonal}
            return set(g.node(item).reads)

        alias: dict[str, str] = {}
        position = {item: i for i, (kind, item) in enumerate(schedule) if kind == "node"}
        read_at_end = {n.inputs[0] for n in g.nodes if n.kind in ("output", "state-out")}
        for name, (node_in, node_out) in g.states.items():
            producer = node_out.inputs[0]
            if producer not in position or g.node(producer).kind != "op" or producer in alias:
                continue
            last_read = max((i for i, e in enumerate(schedule) if node_in.id in reads(e)), default=-1)
            if last_read <= position[producer] and node_in.id not in read_at_end:
                alias[producer] = node_in.id
        return alias

    def _operand(self, node_id: str) -> tuple[np.ndarray, bool]:
        """A value to read in the loop: (array, True) for a static (T, B, n) array, indexed by t."""
        if node_id in self.full:
            return self.full[node_id], True
        return self.now[node_id], False

    def _op_step(self, kernel: Callable[..., Any], inputs: tuple[str, ...], out: np.ndarray) -> Step:
        ops = [self._operand(i) for i in inputs]
        if len(ops) == 1:
            (a, ta), = ops
            if ta:
                return lambda t: kernel(a[t], out=out)
            return lambda t: kernel(a, out=out)
        (a, ta), (b, tb) = ops
        if ta and tb:
            return lambda t: kernel(a[t], b[t], out=out)
        if ta:
            return lambda t: kernel(a[t], b, out=out)
        if tb:
            return lambda t: kernel(a, b[t], out=out)
        return lambda t: kernel(a, b, out=out)

    def _concat_step(self, inputs: tuple[str, ...], out: np.ndarray) -> Step:
        ops = [self._operand(i) for i in inputs]
        return lambda t: np.concatenate([a[t] if timed else a for a, timed in ops], axis=-1, out=out)

    def _group_step(self, group: Group) -> Step:
        weight, bias = self._fused(group)
        cols = self._columns(group)
        pre = np.empty((self.B, weight.shape[0]), self.dtype)
        self.now[f"{group.source}:pre"] = pre
        mats = [(self.now[p], np.ascontiguousarray(weight[:, cols[p]].T)) for p in group.dynamic_parts]
        (first, w0), rest = mats[0], mats[1:]
        tmp = np.empty_like(pre)
        projected = self.full.get(f"{group.source}:pre")

        def step(t: int) -> None:
            np.matmul(first, w0, out=pre)
            for part, w in rest:
                np.matmul(part, w, out=tmp)
                np.add(pre, tmp, out=pre)
            np.add(pre, projected[t] if projected is not None else bias, out=pre)

        return step

    def _finish_steps(self, layers: tuple[str, ...]) -> list[Step]:
        """Diagonal terms and the activation of a run of layers, in place in the group's buffer."""
        g = self.graph
        group = self.plan.group_of[layers[0]]
        lo, _ = self._rows(layers[0])
        _, hi = self._rows(layers[-1])
        kernel = UNARY[g.node(layers[0]).activation]
        if group.is_static:  # only layers with diagonal inputs reach here: copy their rows out
            base = self.full[f"{group.source}:pre"][..., lo:hi]
            view = np.empty((self.B, hi - lo), self.dtype)
            steps: list[Step] = [lambda t: np.copyto(view, base[t])]
        else:
            view = self.now[f"{group.source}:pre"][:, lo:hi]
            steps = []
        for layer in layers:
            a, b = self._rows(layer)
            for d in g.node(layer).diagonal:
                steps.append(self._diagonal_step(view, self.params[layer].diagonal[d], d))
            self.now[layer] = view[:, a - lo:b - lo]
        steps.append(lambda t: kernel(view, out=view))
        return steps

    def _diagonal_step(self, view: np.ndarray, weight: np.ndarray, source: str) -> Step:
        src, timed = self._operand(source)
        tmp = np.empty_like(view)

        def step(t: int) -> None:
            np.multiply(src[t] if timed else src, weight, out=tmp)
            np.add(view, tmp, out=view)

        return step

    def _copy_step(self, dest: np.ndarray, src: np.ndarray) -> Step:
        return lambda t: np.copyto(dest[t], src)

    def _state_steps(self) -> list[Step]:
        """After each step: each state's new value into its buffer (unless written there already)."""
        copies = []
        for node_in, node_out in self.graph.states.values():
            producer = node_out.inputs[0]
            if self.alias.get(producer) == node_in.id or producer == node_in.id:
                continue
            src, timed = self._operand(producer)
            copies.append((self.now[node_in.id], src, timed))
        if not copies:
            return []
        state_buffers = {id(self.now[n.id]) for n, _ in self.graph.states.values()}
        if any(id(src) in state_buffers for _, src, _ in copies):  # states swap values: copy via temporaries
            def swap(t: int) -> None:
                new = [(dst, (src[t] if timed else src).copy()) for dst, src, timed in copies]
                for dst, value in new:
                    np.copyto(dst, value)
            return [swap]
        return [lambda t, d=d, s=s, timed=timed: np.copyto(d, s[t] if timed else s) for d, s, timed in copies]

    def _recorder(self) -> tuple[list[Step], dict[str, np.ndarray]]:
        if not self.tracing:
            return [], {}
        g, T, B = self.graph, self.T, self.B
        values: dict[str, np.ndarray] = {}
        live = []
        for node in g.nodes:
            if node.kind in ("state-out", "output"):
                continue
            if node.id in self.full:
                values[node.id] = self.full[node.id]
            else:
                values[node.id] = np.empty((T, B, self.size[node.id]), self.dtype)
                live.append((values[node.id], self.now[node.id]))
        for node in g.nodes:
            if node.kind in ("state-out", "output"):
                values[node.id] = values[node.inputs[0]]

        def record(t: int) -> None:
            for dest, src in live:
                dest[t] = src

        return [record], values


def _runs(items: list[str], key: Callable[[str], str]) -> list[tuple[str, ...]]:
    """Consecutive items with the same key, as tuples."""
    out: list[list[str]] = []
    for item in items:
        if out and key(out[-1][-1]) == key(item):
            out[-1].append(item)
        else:
            out.append([item])
    return [tuple(r) for r in out]
