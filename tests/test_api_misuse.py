"""Every public function of the Python API, called wrongly: each argument in turn given None, a
number (negative, huge, not whole, not finite), a dict, a string, a list or an object, the others
right. Only TypeError or ValueError (lstmviz's own errors are ValueErrors) may come out, never an
AttributeError, OverflowError or MemoryError from deep inside, never a hang; a TypeError names the
argument; and nothing that is wrong passes without a word (the cases the issue found)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import lstmviz
from tests.support import at_most

WRONG = {
    "None": None,
    "zero": 0,
    "negative": -1,
    "huge": 10**30,
    "negative-huge": -(10**30),
    "twelve-digits": 10**12,
    "float": 2.5,
    "nan": float("nan"),
    "inf": float("inf"),
    "bool": True,
    "dict": {},
    "dict-of-junk": {"a": 1},
    "empty-str": "",
    "str": "lstm",
    "long-str": "x" * 300,
    "list": [],
    "list-of-None": [None],
    "object": object(),
}


def _graph():
    return lstmviz.load("rnn")


def _x():
    return np.zeros((2, 1, 3))


def _result():
    return lstmviz.run("rnn", _x(), trace=True)


#: Each public function with a call that works: positional arguments, then keywords (values are
#: made fresh for each call). The wrong values replace one of them at a time, or add one keyword.
CALLS = {
    "load": (lambda: ["rnn"], lambda: {}),
    "read_spec": (lambda: [Path(lstmviz.__file__).parent / "cells" / "rnn.toml"], lambda: {}),
    "parse_spec": (lambda: [(Path(lstmviz.__file__).parent / "cells" / "rnn.toml").read_text()], lambda: {"file": "a"}),
    "dump_spec": (lambda: [_graph()], lambda: {}),
    "save_spec": (lambda: [_graph(), "out.toml"], lambda: {}),
    "from_equations": (
        lambda: ["h = tanh(linear(x, h_prev))"],
        lambda: {"name": "c", "inputs": {"x": "input"}, "states": {"h": "hidden"}, "dims": {"input": 3, "hidden": 4},
                 "first_line": 1},
    ),  # fmt: skip
    "compile": (lambda: [_graph()], lambda: {}),
    "init_params": (lambda: [_graph()], lambda: {"dims": {"hidden": 4}, "seed": 0, "dtype": "float64"}),
    "save_params": (lambda: [lstmviz.init_params(_graph()), "p.npz"], lambda: {}),
    "load_params": (lambda: ["given.npz"], lambda: {}),
    "random_input": (lambda: ["rnn", 2], lambda: {"batch": 1, "seed": 0, "dims": {"hidden": 4}, "dtype": "float32",
                                                  "trace": False}),  # fmt: skip
    "run": (lambda: ["rnn", _x()], lambda: {"params": None, "trace": False, "batch_first": False, "seed": 0,
                                            "dtype": "float64", "dims": {"hidden": 4}, "state": None}),  # fmt: skip
    "backward": (lambda: [_graph(), _result(), np.ones((2, 1, 4))], lambda: {"d_state": None}),
    "render": (lambda: ["rnn", "out.svg"], lambda: {"view": "cell", "focus": None, "style": "colah",
               "labels": "notation", "fmt": None, "width": None, "openings": None, "transparent": False, "font": None,
               "font_size": None}),  # fmt: skip
    "draw": (lambda: ["rnn", _axes()], lambda: {"view": "cell", "style": "colah", "scale": 1.0, "font_size": None}),
    "steps": (lambda: ["rnn"], lambda: {"style": "colah", "labels": "notation", "width": None, "font_size": None}),
    "walk_through": (lambda: ["rnn", "frames"], lambda: {"fmt": "svg", "width": None, "labels": "notation"}),
    "figures": (lambda: ["colah", "figures"], lambda: {"fmt": "svg", "width": None, "progress": None}),
    "explain": (lambda: ["concat"], lambda: {"style": "colah", "fps": 10.0, "width": None, "progress": None}),
    "animate": (lambda: ["rnn"], lambda: {"x": None, "params": None, "steps": 2, "window": None, "units": None,
                "dims": None, "style": "colah", "view": None, "labels": "notation", "seed": 0, "fps": None,
                "width": None, "progress": None, "fmt": None, "notes": None}),  # fmt: skip
    "train": (lambda: ["rnn", "count"], lambda: {"hidden": 4, "updates": 1, "length": 4, "seed": 0, "until": None,
                                                 "progress": None}),  # fmt: skip
    "gradients": (lambda: [["rnn"]], lambda: {"task": "copy", "steps": 3, "trained": False, "hidden": 4, "seed": 0,
                                              "fmt": None, "progress": None, "report": None}),  # fmt: skip
    "explore": (lambda: [_model()], lambda: {"text": None, "neurons": None, "best": None}),
    "run_stack": (lambda: [_stack(), np.zeros((2, 1, 3))], lambda: {"state": None, "batch_first": None}),
    "render_stack": (lambda: [_stack()], lambda: {"style": "colah", "fmt": None, "width": None, "steps": 3}),
    "from_torch": (lambda: [_torch_module()], lambda: {"layer": None, "direction": "forward", "prefix": None}),
    "stack_from_torch": (lambda: [_torch_module()], lambda: {"prefix": None}),
}


def _axes():
    from matplotlib.figure import Figure

    return Figure(figsize=(4, 3)).add_subplot()


_MODEL = []


def _model():
    if not _MODEL:
        _MODEL.append(lstmviz.train("rnn", "count", hidden=4, updates=1)[0])
    return _MODEL[0]


def _stack():
    return lstmviz.Stack("RNN", ((_graph(),),), ((lstmviz.init_params(_graph()),),))


def _torch_module():
    torch = pytest.importorskip("torch")
    return torch.nn.RNN(3, 4)


def cases():
    out = []
    for name, (args, kwargs) in CALLS.items():
        # argument names from the signature: the positional ones given, and every keyword
        import inspect

        params = list(inspect.signature(getattr(lstmviz, name)).parameters.values())
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        keywords = [p.name for p in params if p.kind == p.KEYWORD_ONLY]
        for arg in positional[: len(args())] + [k for k in positional[len(args()) :] + keywords]:
            trains = name == "gradients" and arg == "trained"  # a wrong value that passes trains a model first
            out.append(pytest.param(name, arg, id=f"{name}-{arg}", marks=[pytest.mark.slow] if trains else []))
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    here = tmp_path_factory.mktemp("misuse")
    lstmviz.save_params(lstmviz.init_params(_graph()), here / "given.npz")
    return here


def call_wrongly(name: str, arg: str, value: object, seconds: int = 30) -> str:
    """Call the public function ``name`` rightly but for ``arg``, given ``value``; fail the test unless
    it works ("done") or raises a TypeError naming ``arg`` or a ValueError ("refused": lstmviz's own
    errors are ValueErrors)."""
    import inspect

    function = getattr(lstmviz, name)
    make_args, make_kwargs = CALLS[name]
    positional = [
        p.name for p in inspect.signature(function).parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD
    ]
    args, kwargs = make_args(), make_kwargs()
    if arg in positional and positional.index(arg) < len(args):
        args[positional.index(arg)] = value
    else:
        kwargs[arg] = value
    shown = f"{name}(..., {arg}={value!r:.60})"
    try:
        with at_most(seconds):
            function(*args, **kwargs)
    except TypeError as err:
        assert arg in str(err), f"{shown}: a TypeError that does not name {arg!r}: {err}"
        return "refused"
    except ValueError:
        return "refused"  # lstmviz's own errors are ValueErrors, one line naming what is wrong
    except BaseException as err:  # noqa: BLE001 - what the test is for
        pytest.fail(f"{shown}: {type(err).__name__}: {str(err)[:300]}")
    return "done"


@pytest.mark.parametrize(("name", "arg"), cases())
def test_each_argument_given_wrong_values_raises_only_type_or_value_errors(folder, name, arg):
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for value in WRONG.values():
            call_wrongly(name, arg, value)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: lstmviz.render("rnn", ["a.svg", None]), "output"),
        (lambda: lstmviz.train("rnn", "copy", updates=-1), "updates"),
        (lambda: lstmviz.train("rnn", "copy", hidden=0), "hidden"),
        (lambda: lstmviz.run("rnn", _x(), seed=-1), "seed"),
        (lambda: lstmviz.run("rnn", _x(), params=5), "params"),
        (lambda: lstmviz.run("rnn", _x(), dims=5), "dims"),
        (lambda: lstmviz.render("rnn", focus=5), "focus"),
        (lambda: lstmviz.draw("rnn", None), "ax"),
        (lambda: lstmviz.animate("rnn", units=range(10**12)), "units"),
        (lambda: lstmviz.gradients(["rnn"], steps=0, trained=False), "steps"),
    ],
    ids=["render-None-output", "train-updates", "train-hidden", "run-seed", "run-params", "run-dims",
         "render-focus", "draw-None", "animate-units", "gradients-steps"],
)  # fmt: skip
def test_the_misuses_found_are_refused_naming_the_argument(tmp_path, call, words):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises((TypeError, ValueError)) as caught:
            call()
    finally:
        os.chdir(cwd)
    assert words in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_one_cell_given_alone_is_one_cell_not_its_letters():
    flows = lstmviz.gradients("rnn", steps=3, trained=False, hidden=4)
    assert len(flows) == 1


def test_figures_stays_the_function_after_its_catalogue_is_imported(tmp_path):
    import lstmviz.figures  # noqa: F401 - the module of the same name, as api.figures imports it

    assert callable(lstmviz.figures)
    assert len(lstmviz.figures("colah", tmp_path, fmt="svg")) == len(lstmviz.figures("colah", tmp_path, fmt="svg"))
