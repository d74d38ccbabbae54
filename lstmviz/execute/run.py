"""Running a cell: checking what the caller gives, then the compiled plan's loop, and the Result."""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import DataError, NonFiniteWarning
from ..memory import require_memory
from ..spec import sizes
from ..spec.graph import CellGraph
from .params import LayerParams, as_params, init_params, node_sizes
from .plan import Plan, compile
from .program import Program

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
    result, xs = _execute(plan, x, params, state=state, trace=trace, dtype=dtype, dims=dims, seed=seed)
    if not all(np.isfinite(a).all() for a in (*xs.values(), result.outputs, *result.state.values())):
        warnings.warn(NonFiniteWarning(_nonfinite(plan, xs, result, state)), stacklevel=2)
    return result


def _execute(
    plan: Plan,
    x: np.ndarray | Mapping[str, np.ndarray],
    params: Mapping[str, Any] | None,
    *,
    state: Mapping[str, np.ndarray] | None,
    trace: bool,
    dtype: Any,
    dims: Mapping[str, int] | None,
    seed: int,
) -> tuple[Result, dict[str, np.ndarray]]:
    """Check what the caller gives, run the plan; return the result and the inputs as run."""
    graph = plan.graph
    xs = _inputs(graph, x)
    dtype = _dtype(dtype, xs)
    dims = _dims(graph, xs, params, dims)
    T, B = next(iter(xs.values())).shape[:2]
    check_memory(graph, dims, T, B, dtype, trace=trace)
    params = init_params(graph, dims, seed=seed, dtype=dtype) if params is None else params
    checked = as_params(params, graph, dims, dtype)
    initial = _initial_state(graph, state, dims, B, dtype)
    program = Program(plan, checked, dims, dtype, T, B, trace)
    with np.errstate(all="ignore"):  # NaN and infinity are reported once, with where they began
        cast = {k: np.asarray(v, dtype=dtype) for k, v in xs.items()}
        outs, final, values = program.run(cast, initial)
    arrays = list(outs.values())
    outputs = arrays[0] if len(arrays) == 1 else np.concatenate(arrays, axis=-1)
    return Result(outputs, outs, final, checked, Trace(values) if trace else None), cast


def _nonfinite(plan: Plan, xs: dict[str, np.ndarray], result: Result, state: Mapping[str, Any] | None) -> str:
    """Where a run's NaN or infinity began: the first step, and the first node in evaluation order
    (an input's own values first). A run without a trace is run again with one to find it."""
    graph = plan.graph
    values: dict[str, np.ndarray] = dict(result.trace.values) if result.trace is not None else {}
    if result.trace is None:
        dtype = next(iter(xs.values())).dtype
        try:
            again, _ = _execute(plan, xs, result.params, state=state, trace=True, dtype=dtype, dims=None, seed=0)
            values = dict(again.trace.values)  # type: ignore[union-attr]
        except DataError:  # a trace would not fit in memory: name the outputs alone
            values = {**result.by_output}
    values.update(xs)
    first: tuple[int, int, str] | None = None
    for rank, node_id in enumerate(graph.order):
        if node_id not in values:
            continue
        bad = ~np.isfinite(values[node_id].reshape(len(values[node_id]), -1)).all(axis=1)
        if bad.any() and (first is None or (int(bad.argmax()), rank) < first[:2]):
            first = (int(bad.argmax()), rank, node_id)
    if first is None:  # only an initial state was not finite
        return "an initial state holds NaN or infinity"
    step, _, node_id = first
    value = values[node_id][step]
    what = "NaN" if np.isnan(value).any() else "infinity"
    where = "input" if graph.node(node_id).kind == "input" else "node"
    return f"{what} at step {step}, first in {where} {node_id!r} (the first value that is not a finite number)"




def check_memory(graph: CellGraph, dims: Mapping[str, int], T: int, B: int, dtype: Any, *, trace: bool) -> None:
    """Refuse, before allocating anything, a run whose buffers (steps × batch × sizes, and the
    weights) would take more than :data:`MEMORY_SHARE` of this machine's memory."""
    size = node_sizes(graph, dims)
    layers = graph.of_kind("layer")
    # every node's value over the whole sequence, traced or not (the executor computes what does not
    # depend on the state, concatenations and input projections, for all steps at once); a trace
    # keeps a copy of each besides
    weights = sum(size[n.id] * (size[n.inputs[0]] + 1 + len(n.diagonal)) for n in layers)
    values = T * B * sum(size.values()) * (2 if trace else 1)
    # random weights are drawn in float64 before they take the run's dtype: the largest layer twice
    drawn = max((size[n.id] * (size[n.inputs[0]] + 1) for n in layers), default=0) * 8
    need = (values + B * sum(size.values()) + weights) * np.dtype(dtype).itemsize + drawn
    what = f"{T} steps, batch {B}, " + ", ".join(f"{k}={v}" for k, v in dims.items()) + (", with a trace" * trace)
    require_memory(need, f"the run ({what})", name=graph.name, fix="use fewer steps, a smaller batch or smaller dims")


@functools.lru_cache(maxsize=64)
def _compiled(graph: CellGraph) -> Plan:
    """The plan of a graph, compiled once for repeated runs (a bounded cache: graphs are many)."""
    return compile(graph)


# -- checking what the caller gave -------------------------------------------------------------
def _inputs(graph: CellGraph, x: np.ndarray | Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    names = [n.id for n in graph.of_kind("input")]
    given = dict(x) if isinstance(x, Mapping) else {names[0]: x} if len(names) == 1 else None
    if given is None:
        raise DataError(
            f"the cell has inputs {', '.join(names)}", name=graph.name, fix="pass a dict of arrays, one per input"
        )
    if set(given) != set(names):
        raise DataError(
            f"inputs given: {', '.join(sorted(given)) or 'none'}; the cell reads {', '.join(names)}",
            name=graph.name,
            fix="give one array per input node",
        )
    shape = None
    for name, arr in given.items():
        arr = np.asarray(arr)
        if arr.dtype.kind not in "fiub":
            raise DataError(f"input holds {arr.dtype} values, not numbers", name=name, fix="give a float array")
        if arr.ndim != 3:
            fix = "add a batch axis: x[:, None, :]" if arr.ndim == 2 else "shape it (steps, batch, features)"
            raise DataError(f"input has shape {arr.shape}; expected (steps, batch, features)", name=name, fix=fix)
        if arr.shape[1] == 0:  # (0 steps is a run: it returns the initial state)
            raise DataError(f"input has shape {arr.shape}: a batch of 0", name=name, fix="give a batch of 1 or more")
        if arr.shape[2] == 0:
            raise DataError(f"input has shape {arr.shape}: 0 features", name=name, fix="give 1 or more features")
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


def _dims(
    graph: CellGraph, xs: Mapping[str, np.ndarray], params: Mapping[str, Any] | None, dims: Mapping[str, int] | None
) -> dict[str, int]:
    out = dict(graph.default_dims)
    found: dict[str, tuple[int, str]] = {}

    def learn(size: sizes.Size, value: int, where: str) -> None:
        parts = sizes.terms(size)
        if len(parts) != 1 or parts[0].isdigit():
            return
        dim = parts[0]
        if dim in found and found[dim][0] != value:
            raise DataError(
                f"{where} says {dim} = {value}, but {found[dim][1]} says {found[dim][0]}",
                name=dim,
                fix="make the inputs and parameters agree",
            )
        found[dim] = (value, where)

    for name, arr in xs.items():
        learn(graph.node(name).size, arr.shape[-1], f"input {name!r}")
    if params is not None:
        for layer in graph.of_kind("layer"):
            entry = params.get(layer.id, params.get(f"{layer.id}.weight"))
            weight = (
                entry.weight
                if isinstance(entry, LayerParams)
                else (entry.get("weight") if isinstance(entry, Mapping) else entry)
            )
            if weight is not None and np.ndim(weight) == 2:
                learn(layer.size, np.shape(weight)[0], f"layer {layer.id!r}")
    out.update({k: v for k, (v, _) in found.items()})
    for name, value in (dims or {}).items():
        sizes.check_dim(name, value)
    out.update(dims or {})
    for node in graph.of_kind("input"):
        want = sizes.resolve(node.size, out)
        if xs[node.id].shape[-1] != want:
            raise DataError(f"input has {xs[node.id].shape[-1]} features; the cell expects {want}", name=node.id)
    return out


def _initial_state(
    graph: CellGraph, given: Mapping[str, np.ndarray] | None, dims: Mapping[str, int], B: int, dtype: np.dtype
) -> dict[str, np.ndarray]:
    given = dict(given or {})
    unknown = set(given) - set(graph.states)
    if unknown:
        raise DataError(
            f"initial value for {sorted(unknown)[0]!r}, which is not a state",
            name=graph.name,
            fix=f"states: {', '.join(graph.states)}",
        )
    out = {}
    for name, (node_in, _) in graph.states.items():
        shape = (B, node_sizes(graph, dims)[node_in.id])
        value = np.zeros(shape, dtype) if name not in given else np.array(given[name], dtype=dtype)
        if value.shape != shape:
            raise DataError(f"initial state has shape {value.shape}, expected {shape}", name=name)
        out[name] = value
    return out
