"""What several test modules share: a naive reference interpreter and random-graph strategies."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import strategies as st

from lstmviz import CellBuilder, CellGraph
from lstmviz.spec import sizes
from lstmviz.spec.node import Node

DIMS = {"input": 3, "hidden": 4, "other": 2}

#: Debian's chromium, and the flags it needs to run headless on this closed network.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: LaTeX files the tests' documents load, and the Debian package that holds each.
LATEX_FILES = {
    "pgf.sty": "texlive-pictures",
    "amsmath.sty": "texlive-latex-base",
    "graphicx.sty": "texlive-latex-base",
    "beamer.cls": "texlive-latex-recommended",
}


def missing(*programs: str, latex: tuple[str, ...] = ()) -> list[str]:
    """What of ``programs`` and ``latex`` files (found by TeX's kpsewhich) this machine lacks, each
    named with the Debian package to install."""
    gone = [name for name in programs if shutil.which(name) is None]
    if latex and shutil.which("kpsewhich") is None:
        return gone + [f"kpsewhich (Debian texlive-binaries), to find {', '.join(latex)}"]
    for name in latex:
        found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()
        if not found:
            gone.append(f"{name} (Debian {LATEX_FILES.get(name, 'texlive')})")
    return gone


def needs(*programs: str, latex: tuple[str, ...] = ()) -> pytest.MarkDecorator:
    """Skip a test on a machine without the system programs or LaTeX files it needs, naming them;
    never in CI, which installs them all (a test it cannot run there fails)."""
    gone = missing(*programs, latex=latex)
    reason = f"needs {'; '.join(gone)}, not installed here (CI installs it)"
    return pytest.mark.skipif(bool(gone) and not os.environ.get("CI"), reason=reason)


def _logistic(v: np.ndarray) -> np.ndarray:
    """The sigmoid by its definition (not the executor's tanh form); exp(-v) may overflow to inf: 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-v))


def _softplus(v: np.ndarray) -> np.ndarray:
    """log(1 + e^v) by cases, as a textbook writes it: v + log(1 + e^-v) for positive v (no overflow)."""
    with np.errstate(over="ignore"):
        return np.where(v > 0, v + np.log1p(np.exp(-np.abs(v))), np.log1p(np.exp(np.minimum(v, 0.0))))


#: The new ops by their definitions, written apart from the executor's kernels.
UNARY_REFERENCE = {
    "exp": lambda v: np.e**v,
    "log": lambda v: np.log(v),
    "softplus": _softplus,
    "abs": lambda v: np.where(v < 0, -v, v),
    "hardsigmoid": lambda v: np.where(v <= -3, 0.0, np.where(v >= 3, 1.0, (v + 3) / 6)),  # relu6(v + 3) / 6
}
BINARY_REFERENCE = {
    "mul": lambda a, b: a * b,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "div": lambda a, b: a / b,
    "max": lambda a, b: np.where(np.isnan(a) | np.isnan(b), np.nan, np.where(a >= b, a, b)),
    "min": lambda a, b: np.where(np.isnan(a) | np.isnan(b), np.nan, np.where(a <= b, a, b)),
}


def reference_run(graph: CellGraph, x: dict[str, np.ndarray], params, state=None):
    """Evaluate a graph node by node, step by step, in float64: no fusion, no hoisting, no reuse.

    Returns (outputs by id (T, B, n), final states by name, trace by node id).
    """
    dims = {**graph.default_dims}
    for n in graph.of_kind("input"):
        dims.update({n.size: x[n.id].shape[-1]} if isinstance(n.size, str) and "+" not in n.size else {})
    for n in graph.of_kind("layer"):
        if isinstance(n.size, str) and "+" not in n.size:
            dims[n.size] = np.shape(params[n.id].weight)[0]
    T, B = next(iter(x.values())).shape[:2]
    act = {
        "sigmoid": _logistic,
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0.0),
        "identity": lambda v: v,
        "one-minus": lambda v: 1.0 - v,
        **UNARY_REFERENCE,
    }
    current = {
        name: np.zeros((B, sizes.resolve(pair[0].size, dims)))
        if not state or name not in state
        else np.asarray(state[name], dtype=np.float64)
        for name, pair in graph.states.items()
    }
    trace = {n.id: [] for n in graph.nodes}

    def pre(n, v):
        p = params[n.id]
        out = v[n.inputs[0]] @ np.asarray(p.weight, np.float64).T
        if n.bias:
            out = out + np.asarray(p.bias, np.float64)
        for d in n.diagonal:
            out = out + np.asarray(p.diagonal[d], np.float64) * v[d]
        return out

    def norm(n, a):  # (a - mean) / sqrt(var + eps) over the features, times the gain, plus the bias
        p = params[n.id]
        centred = a - a.mean(axis=-1, keepdims=True)
        return centred / np.sqrt((centred**2).mean(axis=-1, keepdims=True) + 1e-5) * p.weight + p.bias

    for t in range(T):
        inputs = {k: np.asarray(a[t], dtype=np.float64) for k, a in x.items()}
        v = evaluate_step(graph, inputs, current, pre=pre, unary=act, binary=BINARY_REFERENCE, norm=norm,
                          concat=lambda parts: np.concatenate(parts, axis=-1), full_like=np.full_like)  # fmt: skip
        for node_id, value in v.items():
            trace[node_id].append(value)
        current = {name: v[pair[1].id] for name, pair in graph.states.items()}
    outputs = {
        n.id: np.stack(trace[n.id]) if T else np.zeros((0, B, sizes.resolve(n.size, dims)))
        for n in graph.of_kind("output")
    }
    return outputs, current, {k: np.stack(vals) for k, vals in trace.items() if T}


def evaluate_step(graph: CellGraph, inputs, current, *, pre, unary, binary, concat, full_like, norm=None) -> dict:
    """One step of a graph, node by node in evaluation order, in whatever arrays the functions given
    work on (NumPy for the reference interpreter, torch for autograd): ``pre(node, values)`` is a
    layer's pre-activation, ``norm(node, value)`` a layer normalisation with the node's gain and
    bias; ``current`` the states' values by name. Returns every node's value."""
    v: dict = {}
    for node_id in graph.order:
        n = graph.node(node_id)
        if n.kind == "input":
            v[node_id] = inputs[node_id]
        elif n.kind == "state-in":
            v[node_id] = current[n.state]
        elif n.kind == "concat":
            v[node_id] = concat([v[i] for i in n.inputs])
        elif n.kind == "layer":
            v[node_id] = unary[n.activation](pre(n, v))
        elif n.op == "layernorm":
            v[node_id] = norm(n, v[n.inputs[0]])
        elif n.kind == "op":
            args = [v[i] for i in n.inputs]
            if n.constant is not None:
                args.insert(n.constant_at, full_like(args[0], n.constant))
            v[node_id] = binary[n.op](*args) if n.op in binary else unary[n.op](args[0])
        else:
            v[node_id] = v[n.inputs[0]]
    return v


@st.composite
def valid_graphs(draw) -> CellGraph:
    """Random valid cells: 1-2 inputs, 1-4 states, up to 10 layers and ops, any wiring."""
    b = CellBuilder("random", dims=DIMS)
    values: list[tuple[str, str]] = []  # (id, size)
    for k in range(draw(st.integers(1, 2))):
        size = draw(st.sampled_from(["input", "other"]))
        values.append((b.input(f"x{k}", size).id, size))
    states = []
    for k in range(draw(st.integers(1, 4))):
        size = draw(st.sampled_from(["hidden", "hidden", "other"]))
        s = b.state(f"s{k}", size)
        states.append((s, size))
        values.append((s.prev.id, size))

    def pick(size=None):
        pool = [v for v in values if size is None or v[1] == size]
        return draw(st.sampled_from(pool)) if pool else None

    for k in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["layer", "layer", "binary", "unary"]))
        if kind == "layer":
            parts = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
            size = draw(st.sampled_from(["hidden", "other"]))
            diag = pick(size) if draw(st.booleans()) else None
            if diag is not None and diag in parts and len(parts) == 1:
                diag = None
            ref = b.layer(
                *(p[0] for p in parts),
                activation=draw(st.sampled_from(["sigmoid", "tanh", "relu", "identity"])),
                size=size,
                diagonal=[diag[0]] if diag else [],
                id=f"L{k}",
                bias=draw(st.sampled_from([True, True, False])),
            )
            values.append((ref.id, size))
        elif kind == "binary":
            a = pick()
            op = draw(st.sampled_from(["mul", "add", "sub", "mul", "add", "sub", "div", "max", "min"]))
            if draw(st.integers(0, 3)) == 0:  # one operand a number: 0.5 * x, x / 2, max(x, 0)
                constant = draw(st.sampled_from([0.5, 2.0, -1.0, 0.0, 1e-3]))
                ref = b.op(op, a[0], id=f"P{k}", constant=constant, constant_at=draw(st.integers(0, 1)))
            else:
                ref = b.op(op, a[0], pick(a[1])[0], id=f"P{k}")
            values.append((ref.id, a[1]))
        else:
            a = pick()
            ops = ["one-minus", "tanh", "sigmoid", "relu", "identity", "exp", "log", "softplus", "abs"]
            ref = b.op(draw(st.sampled_from(ops)), a[0], id=f"U{k}")
            values.append((ref.id, a[1]))
    for s, size in states:
        source = pick(size)
        b.write(s, source[0])
    b.output(pick()[0], "y")
    read = {r for node in b.nodes() for r in node.reads}
    for k, (vid, _) in enumerate(values):
        if vid not in read:
            b.output(vid, f"y_{vid}")
    return b.build()


@functools.cache
def random_graphs(n: int) -> list[CellGraph]:
    """The same ``n`` random valid cells every run (hypothesis, derandomised), so runs compare; drawn
    once per process (a list the callers only read)."""
    from hypothesis import HealthCheck, Phase, given, settings

    found: list[CellGraph] = []

    @settings(max_examples=n, derandomize=True, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(valid_graphs())
    def collect(graph: CellGraph) -> None:
        found.append(graph)

    collect()
    return found[:n]


def layout_problems(layout) -> list[str]:
    """Everything that makes a figure unreadable: shapes that overlap, a wire through a shape that is
    not its own end, a label off the canvas or over a shape, a wire or another label."""
    problems = []
    solid = [s for s in layout.shapes if s.shape in ("box", "circle", "ellipse")]
    for i, a in enumerate(solid):
        for b in solid[i + 1 :]:
            if a.box.overlaps(b.box, gap=2):
                problems.append(f"shapes {a.node} and {b.node} overlap")
    for wire in layout.wires:
        for p, q in zip(wire.points, wire.points[1:]):
            if p.x != q.x and p.y != q.y:
                problems.append(f"wire {wire.edge} is not orthogonal")
                continue
            for s in solid:
                if s.node not in (wire.src, wire.dst) and s.box.crossed_by(p, q):
                    problems.append(f"wire {wire.edge} crosses {s.node}")
        for p in wire.points:
            if not (0 <= p.x <= layout.width and 0 <= p.y <= layout.height):
                problems.append(f"wire {wire.edge} leaves the canvas")
    boxes = [(label, label.box()) for label in layout.labels]
    for i, (label, box) in enumerate(boxes):
        if box.left < 0 or box.top < 0 or box.right > layout.width or box.bottom > layout.height:
            problems.append(f"label {label.text!r} of {label.owner} is off the canvas")
        for s in solid:
            if box.overlaps(s.box):
                problems.append(f"label {label.text!r} of {label.owner} covers {s.node}")
        for wire in layout.wires:
            if any(box.crossed_by(p, q, inset=0) for p, q in zip(wire.points, wire.points[1:])):
                problems.append(f"label {label.text!r} of {label.owner} lies on wire {wire.edge}")
        for other, other_box in boxes[i + 1 :]:
            if box.overlaps(other_box):
                problems.append(f"labels of {label.owner} and {other.owner} overlap")
    return problems


def open_page(browser, url, width=1280, **context):
    """A page at ``url`` that records every problem: console errors and warnings, script errors,
    failed or refused requests, and any request that would leave the machine."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, **context)
    page = ctx.new_page()
    problems = []
    loud = ("error", "warning")
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in loud else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def local_only(route):
        if route.request.url.startswith(("file://", "http://127.0.0.1", "data:")):
            route.continue_()
        else:
            problems.append(f"left the machine: {route.request.url}")
            route.abort()

    page.route("**/*", local_only)
    page.goto(url)
    page.wait_for_load_state("load")
    page.problems = problems
    return page


@contextlib.contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail the case (instead of hanging the suite) when it runs past ``seconds``."""

    def hang(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(*args, cwd=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    """``lstmviz ARGS`` as a new process, as a user runs it (in ``cwd``, with ``env``): its exit
    status, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "lstmviz.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


@st.composite
def normalised_graphs(draw) -> CellGraph:
    """Random valid cells (:func:`valid_graphs`) with a layer normalisation of one of their values,
    read by an output of its own (and, half the time, by a state in that value's place)."""
    graph = draw(valid_graphs())
    values = [n.id for n in graph.nodes if n.kind in ("layer", "op", "concat")]
    if not values:
        values = [n.id for n in graph.nodes if n.kind in ("input", "state-in")]
    value = draw(st.sampled_from(values))
    nodes = list(graph.nodes)
    if draw(st.booleans()):  # a state's new value normalised: the normalisation is inside the loop
        k = draw(st.sampled_from([k for k, n in enumerate(nodes) if n.kind == "state-out"]))
        value = nodes[k].inputs[0]
        nodes[k] = dataclasses.replace(nodes[k], inputs=("N",))
    nodes += [Node("N", "op", inputs=(value,), op="layernorm"), Node("y_N", "output", inputs=("N",))]
    return CellGraph(graph.name, tuple(nodes), dims=graph.dims)
