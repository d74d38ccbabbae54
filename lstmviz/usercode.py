"""A user's own cell from their own Python file, ``FILE.py:NAME``: the file run (as Python runs it
when it imports it) for the ``nn.Module`` NAME names, then traced (:func:`lstmviz.trace.from_module`).
torch is imported only when a file is read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import SpecError
from .execute.params import LayerParams
from .spec.graph import CellGraph
from .trace import from_module


def trace_file(
    reference: str, *, input_size: int, hidden_size: int, names: Mapping[str, str] | None = None
) -> tuple[CellGraph, dict[str, LayerParams]]:
    """:func:`from_module` of the module ``FILE.py:NAME`` names (see :func:`module_from_file`), its
    state as many tensors as its ``forward`` unpacks."""
    import torch

    module = module_from_file(reference, input_size=input_size, hidden_size=hidden_size)
    x, state = torch.zeros(1, input_size), torch.zeros(1, hidden_size)
    return from_module(module, x, state, names=names)


def module_from_file(reference: str, *, input_size: int, hidden_size: int) -> Any:
    """The module ``FILE.py:NAME`` names, from the user's own file (which runs, as Python does when
    it imports it): NAME is an ``nn.Module`` class, built with ``input_size=`` and ``hidden_size=``,
    or a function that returns a module."""
    import runpy

    import torch

    file, _, name = reference.rpartition(":")
    if not file.endswith(".py") or not name.isidentifier():
        raise SpecError("is not FILE.py:NAME", name=reference, fix="name a Python file and a class or function in it")
    try:
        found = runpy.run_path(file).get(name)
    except FileNotFoundError:
        raise SpecError("does not exist", name=file, fix="give the path of your Python file") from None
    except Exception as error:  # noqa: BLE001 - the user's file failed to run: said in one line
        raise SpecError(
            f"failed to run: {type(error).__name__}: {error}", name=file, fix="run it with python first"
        ) from None
    if found is None:
        raise SpecError(f"defines no {name}", name=file, fix="give a class or function the file defines")
    if isinstance(found, type) and issubclass(found, torch.nn.Module):
        module = found(input_size=input_size, hidden_size=hidden_size)
    elif callable(found):
        module = found()
    else:
        raise SpecError(f"{name} is neither an nn.Module class nor a function", name=file, fix="name one of those")
    if not isinstance(module, torch.nn.Module):
        raise SpecError(f"{name}() returns no nn.Module", name=file, fix="return the cell's module")
    return module


__all__: Sequence[str] = ("module_from_file", "trace_file")
