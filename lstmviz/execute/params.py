"""A cell's learned parameters, by layer name: shapes, seeded initialisation, checks, npz files.

Layer ``f`` reading a vector of size n, with size m, has ``weight`` (m, n), ``bias`` (m,) (unless
the layer has none: ``bias = false``) and, for each diagonal (peephole) input ``c``, a vector
``diagonal[c]`` (m,). An op that learns (layer normalisation ``ln`` of size m) has its vectors by
its id too: ``weight`` (m,), the gain, and ``bias`` (m,), as PyTorch's LayerNorm. In an ``.npz``
file the keys are ``f.weight``, ``f.bias`` and ``f.diagonal.c``.
"""

from __future__ import annotations

import dataclasses
import functools
import zipfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from .. import arguments as args
from ..errors import DataError
from ..spec import sizes
from ..spec.graph import CellGraph, Node
from ..spec.ops import OPS


@dataclasses.dataclass(frozen=True, eq=False)
class LayerParams:
    """The weights of one layer."""

    weight: np.ndarray
    bias: np.ndarray | None  #: None for a layer without a bias
    diagonal: Mapping[str, np.ndarray] = dataclasses.field(default_factory=dict)

    def astype(self, dtype: np.dtype) -> LayerParams:
        """The same parameters as ``dtype`` arrays."""
        return LayerParams(
            np.asarray(self.weight, dtype=dtype),
            None if self.bias is None else np.asarray(self.bias, dtype=dtype),
            {k: np.asarray(v, dtype=dtype) for k, v in self.diagonal.items()},
        )


Params = Mapping[str, LayerParams]


def node_sizes(graph: CellGraph, dims: Mapping[str, int]) -> Mapping[str, int]:
    """Every node's size under ``dims`` (cached: a run asks for them many times)."""
    return _node_sizes(graph, tuple(sorted(dims.items())))


@functools.lru_cache(maxsize=256)
def _node_sizes(graph: CellGraph, dims: tuple[tuple[str, int], ...]) -> Mapping[str, int]:
    known = dict(dims)
    return MappingProxyType({n.id: sizes.resolve(n.size, known) for n in graph.nodes})


def learned(graph: CellGraph) -> tuple[Node, ...]:
    """The nodes with parameters, in the graph's order: every layer, and every op that learns
    vectors (layer normalisation)."""
    return tuple(n for n in graph.nodes if n.kind == "layer" or (n.kind == "op" and OPS[n.op].learned))


def shapes(graph: CellGraph, dims: Mapping[str, int]) -> dict[str, dict[str, tuple[int, ...]]]:
    """Each learning node's parameter shapes under ``dims``, keyed like the npz file."""
    size = node_sizes(graph, dims)
    out: dict[str, dict[str, tuple[int, ...]]] = {}
    for node in learned(graph):
        m = size[node.id]
        if node.kind == "op":
            out[node.id] = {name: (m,) for name in OPS[node.op].learned}
            continue
        out[node.id] = {
            "weight": (m, size[node.inputs[0]]),
            **({"bias": (m,)} if node.bias else {}),
            **{f"diagonal.{d}": (m,) for d in node.diagonal},
        }
    return out


def init_params(
    graph: CellGraph, dims: Mapping[str, int] | None = None, *, seed: int = 0, dtype: Any = np.float32
) -> dict[str, LayerParams]:
    """Seeded parameters drawn as PyTorch draws them: a layer's uniform on ±1/sqrt(layer size); layer
    normalisation's gain ones and bias zeros."""
    args.graph(graph)
    args.dims(dims)
    args.integer(seed, "seed", low=0)
    dtype = args.dtype(dtype)
    rng = np.random.default_rng(seed)
    dims = graph.default_dims if dims is None else dims
    out = {}
    for name, layer_shapes in shapes(graph, dims).items():
        if len(layer_shapes["weight"]) == 1:  # a normalisation's gain and bias
            size = layer_shapes["weight"]
            out[name] = LayerParams(np.ones(size, dtype), np.zeros(size, dtype))
            continue
        bound = 1.0 / np.sqrt(layer_shapes["weight"][0])
        drawn = {k: rng.uniform(-bound, bound, size=s).astype(dtype) for k, s in layer_shapes.items()}
        out[name] = LayerParams(
            drawn.pop("weight"), drawn.pop("bias", None), {k.removeprefix("diagonal."): v for k, v in drawn.items()}
        )
    return out


def as_params(
    given: Mapping[str, Any], graph: CellGraph, dims: Mapping[str, int], dtype: Any
) -> dict[str, LayerParams]:
    """Check parameters against the cell and return them as ``dtype`` arrays.

    ``given`` maps layer names to :class:`LayerParams` or to dicts with ``weight``, ``bias`` and
    optionally ``diagonal``; a flat mapping with ``f.weight``-style keys (an npz file) works too.
    """
    nested = nest_params(given)
    expected = shapes(graph, dims)
    for name in nested:
        if name not in expected:
            raise DataError(
                f"parameters for {name!r}, which is not a layer (nor a layer normalisation) of {graph.name!r}",
                name=name,
                fix=f"layers: {', '.join(expected)}",
            )
    out = {}
    for name, layer_shapes in expected.items():
        if name not in nested:
            raise DataError("layer has no parameters", name=name, fix="give weight and bias for every layer")
        layer = nested[name]
        flat = {"weight": layer.weight, **{f"diagonal.{k}": v for k, v in layer.diagonal.items()}}
        if layer.bias is not None:
            flat["bias"] = layer.bias
        for key in list(layer_shapes) + [k for k in flat if k not in layer_shapes]:
            if key not in layer_shapes:
                raise DataError(f"unexpected parameter {key!r}", name=name, fix=f"expected {', '.join(layer_shapes)}")
            if key not in flat:
                raise DataError(f"parameter {key!r} is missing", name=name)
            if np.asarray(flat[key]).dtype.kind not in "fiub":
                raise DataError(f"{key} holds {np.asarray(flat[key]).dtype} values, not numbers", name=name)
            got = np.shape(flat[key])
            if got != layer_shapes[key]:
                raise DataError(
                    f"{key} has shape {got}, expected {layer_shapes[key]} with "
                    + ", ".join(f"{k}={v}" for k, v in dims.items()),
                    name=name,
                    fix="check the input's size and the cell's dims against the parameters",
                )
        out[name] = layer.astype(np.dtype(dtype))
    return out


def save_params(params: Params, path: str | Path) -> None:
    """Write parameters to an ``.npz`` file with ``layer.weight``-style keys."""
    args.mapping(params, "params", optional=False)
    for name, layer in params.items():
        if not isinstance(layer, LayerParams):
            raise TypeError(f"params[{name!r:.40}] must be a LayerParams (weight, bias), not {type(layer).__name__}")
    args.path(path, "path")
    from ..files import write_atomic

    arrays = flat_params(params)
    write_atomic(path, lambda fh: np.savez(fh, **arrays))


def flat_params(params: Params, prefix: str = "") -> dict[str, np.ndarray]:
    """Parameters by ``layer.weight``-style keys (each after ``prefix``), as an ``.npz`` holds them."""
    arrays = {}
    for name, layer in params.items():
        arrays[f"{prefix}{name}.weight"] = layer.weight
        if layer.bias is not None:
            arrays[f"{prefix}{name}.bias"] = layer.bias
        arrays.update({f"{prefix}{name}.diagonal.{k}": v for k, v in layer.diagonal.items()})
    return arrays


def load_params(path: str | Path) -> dict[str, LayerParams]:
    """Read parameters from an ``.npz`` file written by :func:`save_params` (or by hand)."""
    args.path(path, "path")
    if _saved_by_torch(path):
        raise DataError(
            "is a PyTorch file, not an .npz of parameters",
            name=str(path),
            fix=f"convert it first: lstmviz from-torch {path} -o cell.toml --params params.npz "
            "(or lstmviz.from_torch in Python)",
        )
    from ..files import read_arrays

    flat = read_arrays(path, "an .npz of parameters (as save_params writes)")
    if not isinstance(flat, dict):
        raise DataError(
            "holds one array (.npy), not parameters by name", name=str(path), fix="give an .npz (see save_params)"
        )
    return nest_params(flat)


def _saved_by_torch(path: str | Path) -> bool:
    """Whether ``path`` was written by ``torch.save``: a zip holding a pickle, or a bare pickle
    under a PyTorch suffix."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                return any(n.endswith("data.pkl") for n in z.namelist())
        with open(path, "rb") as fh:
            return fh.read(1) == b"\x80" and Path(path).suffix.lower() in (".pt", ".pth", ".bin")
    except OSError:
        return False


def nest_params(given: Mapping[str, Any]) -> dict[str, LayerParams]:
    """Parameters given by layer (``LayerParams`` or dicts) or by ``layer.weight``-style keys, by layer."""
    nested: dict[str, dict[str, Any]] = {}
    for key, value in given.items():
        if isinstance(value, LayerParams):
            nested[key] = {"weight": value.weight, "bias": value.bias, "diagonal": dict(value.diagonal)}
        elif isinstance(value, Mapping):
            nested.setdefault(key, {}).update(value)
        else:
            name, _, rest = key.partition(".")
            entry = nested.setdefault(name, {})
            if rest.startswith("diagonal."):
                entry.setdefault("diagonal", {})[rest.removeprefix("diagonal.")] = value
            elif rest in ("weight", "bias"):
                entry[rest] = value
            else:
                raise DataError(
                    f"parameter key {key!r} is not of the form layer.weight, layer.bias or layer.diagonal.input",
                    name=key,
                )
    out = {}
    for name, entry in nested.items():
        unknown = set(entry) - {"weight", "bias", "diagonal"}
        if unknown:
            raise DataError(
                f"unexpected parameter {sorted(unknown)[0]!r}",
                name=name,
                fix="give weight, bias and, for peepholes, diagonal",
            )
        if "weight" not in entry:
            raise DataError("parameter 'weight' is missing", name=name)
        bias = np.asarray(entry["bias"]) if entry.get("bias") is not None else None  # a layer may have none
        out[name] = LayerParams(np.asarray(entry["weight"]), bias, dict(entry.get("diagonal", {})))
    return out
