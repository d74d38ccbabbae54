"""Strangers' specs and arguments, generated: mutations of every built-in and gallery spec (its
structure and its equations), and command lines of valid and invalid options."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import lstmviz
from lstmviz.cells import BUILTINS

ROOT = Path(__file__).parents[2]
REGRESSIONS = Path(__file__).parent / "regressions"

#: Every spec the project ships, as text: the seeds that mutations start from.
SEEDS = tuple(lstmviz.dump_spec(lstmviz.load(name)) for name in BUILTINS) + tuple(
    p.read_text() for p in sorted((ROOT / "gallery").glob("*.toml"))
)


def _plausible(seeds: tuple[str, ...]) -> dict[str, list[Any]]:
    """For each key in the seeds, the values it takes anywhere in them."""
    import tomllib

    out: dict[str, list[Any]] = {}

    def walk(data: Any) -> None:
        if isinstance(data, dict):
            for k, v in data.items():
                if v not in out.setdefault(k, []):
                    out[k].append(v)
                walk(v)
        elif isinstance(data, list):
            for v in data:
                walk(v)

    for text in seeds:
        walk(tomllib.loads(text))
    return out


PLAUSIBLE = _plausible(SEEDS)

#: Strings an attacker or a typo would try where a name, a size, a label or a path is expected.
NASTY = (
    "../../../escaped", "/tmp/escaped", "a/b", "", " ", "x", "h_prev", "hidden", "input", "node", "edge",
    r"\input{/etc/hostname}", r"\def\a{\a}\a", r"x^^5c", r"\tilde{C}_t", r"\mathrm{relu}", "{" * 60 + "}" * 60,
    "f" * 1000, "\x00", "\x1b[2J", "\n", "<script>alert(1)</script>", "&amp;", "'", '"', "$x$", "%", "#",
    "😀", "é", "σ", "10**30", "1e300", "-1", "0", "hidden+input", "hidden+", "+", "sigmoid", "mull",
    "__import__('os').system('true')", "lambda: 0", "state-in", "op", "layer", "top", "bottom",
    # numbers as text of any length, digits of other scripts, letters and scripts LaTeX and fonts lack
    "9" * 60, "9" * 5000, "0x" + "f" * 4000, "1e999", "²", "٣", "１２", "hidden+²", "h_²",
    "a_b_c", "h_{t}_{1}", "x^{2}^{3}", "h_", "ü_t", "隐藏", "隐_t", "Ω_t", "क_t", "😀", "x\u200b", "ｈ_t",
)  # fmt: skip


class Bare(str):
    """Text written into TOML as it is, unquoted: a number of any length (which Python's int
    could not even print), to reach the spec reader exactly as a stranger typed it."""


#: Numbers written as text of any length, as a TOML value or an equation's constant.
LONG_NUMBERS = tuple(
    Bare(text) for text in ("9" * 50, "9" * 51, "9" * 400, "9" * 5000, "0x" + "f" * 4000, "1" + "0" * 60 + ".5",
                            "1e400", "-" + "9" * 4400, "0b" + "1" * 300, "1_000_000", "1000001")
)  # fmt: skip

#: Words an equation may be built from, and words it should not hold.
TOKENS = (
    "linear", "sigmoid", "tanh", "relu", "identity", "one_minus", "concat", "diag", "exp", "log", "max",
    "(", ")", ",", "*", "+", "-", "/", "**", "@", "=", "1", "2", "0.5", "1e300", "h_prev", "c_prev", "x",
    "size=hidden", "bias=false", "\n", "lambda", "__import__", "'s'", "[", "]", "if", ";",
    "9" * 60, "9" * 400, "9" * 5000, "0x" + "f" * 4000, "1e999", "²", "size=²", "size=" + "9" * 60, "隐",
)  # fmt: skip

_SCALARS = st.one_of(
    st.sampled_from(NASTY),
    st.sampled_from(LONG_NUMBERS),
    st.text(alphabet=st.characters(categories=("Nd", "No", "Lo", "So", "Mn")), max_size=8),
    st.text(max_size=20),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, 3, 4, 10**6, 10**6 + 1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(NASTY[:12]), inner, max_size=3)
    ),
    max_leaves=8,
)


# -- TOML of any data, so that a mutated spec can be written back ---------------------------------
def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, Bare):
        return str.__str__(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"


def to_toml(data: dict[str, Any]) -> str:
    """TOML text for any mapping of TOML values: scalars first, then one table per mapping, and an
    array of tables for a list of mappings (``[[node]]``)."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict) and _plain_list(v)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{_key(key)}]"] + [f"{_key(k)} = {_value(v)}" for k, v in value.items()]
        elif isinstance(value, list) and not _plain_list(value):
            for item in value:
                lines += ["", f"[[{_key(key)}]]"] + [f"{_key(k)} = {_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


def _plain_list(value: Any) -> bool:
    return not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value)


# -- mutations ----------------------------------------------------------------------------------
def _paths(data: Any, here: tuple = ()) -> list[tuple]:
    """Every place in nested data: keys of mappings and indices of lists."""
    out = [here]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, here + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, here + (i,))
    return out


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated_equations(draw, text: str) -> str:
    """Equations with a few tokens deleted, repeated or replaced, or a line repeated many times."""
    tokens = re.findall(r"\w+|\s+|.", text)
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        i = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "replace", "insert", "grow"]))
        if action == "delete":
            del tokens[i]
        elif action == "repeat":
            tokens.insert(i, tokens[i])
        elif action == "replace":
            tokens[i] = draw(st.sampled_from(TOKENS + NASTY))
        elif action == "insert":
            tokens.insert(i, draw(st.sampled_from(TOKENS)))
        else:  # a long sum or a deep nesting: the shapes that once broke parsers
            n = draw(st.sampled_from([50, 200, 1000]))
            tokens.insert(i, draw(st.sampled_from(["+".join(["h_prev"] * n), "(" * n + "x" + ")" * n, "-" * n + "x"])))
    return "".join(tokens)


#: Keys whose values are words for people or choices among a few: changing one often keeps a cell valid.
GENTLE = ("label", "role", "title", "description", "reference", "plain", "pytorch", "activation", "op", "lane",
          "order", "input", "hidden", "name", "caption")  # fmt: skip


@st.composite
def mutated_specs(draw, *, gentle: bool = False) -> str:
    """A spec shipped with lstmviz, parsed, changed in one to three places, and written back; or its
    text with bytes flipped (malformed TOML); or left as it is (a valid spec). ``gentle`` changes
    only one value among :data:`GENTLE` (a word, a choice, a dim), to another that key takes
    somewhere or to a nasty string: the cell is often still valid, and goes on to be drawn and run."""
    import tomllib

    seed = draw(st.sampled_from(SEEDS))
    if gentle:
        data = tomllib.loads(seed)
        places = [p for p in _paths(data)[1:] if isinstance(p[-1], str) and p[-1] in GENTLE]
        path = draw(st.sampled_from(places))
        parent = _at(data, path[:-1])
        parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(PLAUSIBLE[path[-1]] + list(NASTY[:20]))))
        return to_toml(data)
    how = draw(st.sampled_from(["structure", "structure", "structure", "equations", "text", "none"]))
    if how == "none":
        return seed
    if how == "text":
        raw = bytearray(seed.encode())
        for _ in range(draw(st.integers(1, 3))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return raw.decode("utf-8", errors="replace")
    data = tomllib.loads(seed)
    if how == "equations":
        if "equations" not in data.get("cell", {}):
            return seed
        data["cell"]["equations"] = draw(mutated_equations(data["cell"]["equations"]))
        return to_toml(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent, last = _at(data, path[:-1]), path[-1]
        action = draw(st.sampled_from(["delete", "replace", "plausible", "plausible", "plausible", "duplicate", "add"]))
        if action == "plausible":  # a value the same key has somewhere in the seeds: often still a valid cell
            key = last if isinstance(last, str) else path[-2] if len(path) > 1 else None
            if key in PLAUSIBLE:
                parent[last] = copy.deepcopy(draw(st.sampled_from(PLAUSIBLE[key])))
        elif action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(last, parent[last])
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(NASTY[:12] + ("kind", "size", "inputs", "bias", "lane")))] = draw(VALUES)
        if not _paths(data)[1:]:
            break
    return to_toml(data)


DIMS = ("hidden=0", "hidden=1000001", "hidden=10**30", "hiden=3", "hidden=", "=3", "x", "hidden=" + "9" * 5000,
        "hidden=²", "hidden=١", "input=0")  # fmt: skip


# -- command lines --------------------------------------------------------------------------------
@st.composite
def either(draw, valid: tuple[str, ...], invalid: tuple[str, ...]) -> str:
    """A valid value four times in five, else an invalid one: most command lines get far enough to
    do their work, and every option is also tried wrong."""
    return draw(st.sampled_from(valid if draw(st.integers(0, 4)) else invalid))


OUTPUTS = ("out.svg", "out.dot", "out.svg")
BAD_OUTPUTS = ("out.gif", "out", "missing/out.svg", ".", "out.toml", "in.npy", "spec.toml", "/dev/null")


@st.composite
def command_lines(draw, spec: str) -> list[str]:
    """A command of lstmviz with options drawn from valid and invalid values, on ``spec`` (a path or
    a built-in name); output names are relative (the test runs in a folder of its own)."""
    command = draw(
        st.sampled_from(["check", "show", "render", "render", "run", "run", "steps", "animate", "explore", "train"])
    )
    args = [command, spec]

    def maybe(option: str, valid: tuple[str, ...], invalid: tuple[str, ...]) -> None:
        if draw(st.booleans()):
            args.extend([option, draw(either(valid, invalid))])

    if command == "show":
        maybe("-o", ("shown.toml",), BAD_OUTPUTS)
    elif command == "render":
        args += ["-o", draw(either(OUTPUTS, BAD_OUTPUTS))]
        maybe("--view", ("cell", "ordered", "chain", "legend", "rolled", "unrolled"), ("bogus", "focus"))
        if "focus" in args or draw(st.integers(0, 9)) == 0:
            args += ["--view", "focus", "--focus", draw(either(("forget", "input", "state", "output", "h"), ("../x",)))]
        maybe("--style", ("colah", "pipe", "dark", "print", "pipe-dark"), ("neon", "in.npy", "spec.toml", "."))
        maybe("--labels", ("notation", "plain", "pytorch"), ("bogus",))
        maybe("--width", ("8cm", "600px", "3in", "120mm", "200in"),
              ("8", "-1cm", "0.001mm", "100000in", "wide", "", "201in", "9" * 40 + "px", "²cm"))
        maybe("--font-size", ("8pt", "3pt", "72pt"), ("2pt", "73pt", "9" * 40, "²pt", "x"))
        if draw(st.integers(0, 5)) == 0:  # several outputs of one figure (PNG and PDF are the style test's: slow)
            args += ["-o", draw(either(("out.dot", "more.svg"), BAD_OUTPUTS))]
        maybe("--font", ("sans", "serif", "cm"), ("comic",))
        if draw(st.booleans()):
            args.append("--transparent")
    elif command == "run":
        maybe("--steps", ("1", "3", "7", "100000"), ("0", "-1", "x", "10000000", "100001", "9" * 5000, "²"))
        maybe("--batch", ("1", "2"), ("0", "100000000", "9" * 30))
        if draw(st.integers(0, 4)) == 0:
            args.append(draw(st.sampled_from(["--batch-first", "--time-major"])))
        for _ in range(draw(st.integers(0, 2))):
            args += ["--dim", draw(either(("hidden=5", "input=3", "hidden=1"), DIMS))]
        maybe("--dtype", ("float32", "float64"), ("int8",))
        maybe("--seed", ("0", "7"), ("-3", "99999999999999999999999"))
        maybe("--input", ("in.npy", "nan.npy", "xy.npz"),
              ("empty.npy", "flat.npy", "in.npz", "spec.toml", "missing.npy", "objects.npy", "nofeatures.npy"))
        maybe("--params", ("params.npz",), ("in.npy", "missing.npz", "spec.toml"))
        maybe("-o", ("trace.npz",), ("missing/t.npz", "in.npy", ".", "/dev/null"))
    elif command == "steps":
        args += [
            "-o",
            draw(either(("frames", "frames", "frames", "steps.tex"), ("frames/more", "spec.toml", "/dev/null"))),
        ]
        maybe("--format", ("svg",), ("gif",))
    elif command == "animate":
        args += ["-o", draw(either(("anim.svg", "anim.html"), ("anim.avi", "in.npy", "spec.toml")))]
        maybe("--steps", ("1", "2", "3"), ("0", "100000000"))
        maybe("--view", ("cell", "ordered", "chain"), ("legend",))
        maybe("--window", ("0:2", "1:3"), ("2:1", "a:b", "0:99999999999", "1", "0:" + "9" * 30, "²:3"))
        maybe("--input", ("in.npy", "nan.npy"), ("empty.npy", "flat.npy", "in.npz", "xy.npz", "objects.npy"))
        maybe("--units", ("0:4", "0,2", "1", "0:4096"),
              ("0:4097", "0:999999999", "0:" + "9" * 20, "0,1,²", "-1:3", "3:1", "0,0", "", ",", "9" * 5000))
        maybe("--dim", ("hidden=5",), DIMS)
    elif command == "explore":
        args[1] = draw(st.sampled_from(["in.npz", "spec.toml", "x.svg", "objects.npy", "missing.npz", "params.npz"]))
        args += ["-o", draw(either(("explorer.html",), ("explorer.svg",) + BAD_OUTPUTS))]
        maybe("--neurons", ("0,1", "0:2"), ("0:999999999", "²", "9" * 30))
    elif command == "train":
        args += ["-o", draw(either(("model.npz",), ("model.svg",) + BAD_OUTPUTS)), "--updates", "1"]
        maybe("--hidden", ("2", "3"), ("0", "1025", "9" * 30, "²"))
        maybe("--length", ("4",), ("1", "10001", "9" * 30))
        maybe("--task", ("count", "parity"), ("bogus",))
    return args


#: Every style sheet the project ships, as text.
STYLE_SEEDS = tuple(p.read_text() for p in sorted((ROOT / "styles").glob("*.toml")))


@st.composite
def mutated_styles(draw) -> str:
    """A shipped style sheet with one to three values deleted or replaced, or bytes flipped."""
    import tomllib

    seed = draw(st.sampled_from(STYLE_SEEDS))
    if draw(st.integers(0, 5)) == 0:
        raw = bytearray(seed.encode())
        raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return raw.decode("utf-8", errors="replace")
    data = tomllib.loads(seed)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent, last = _at(data, path[:-1]), path[-1]
        if draw(st.booleans()):
            del parent[last]
        else:
            parent[last] = draw(st.one_of(VALUES, st.sampled_from([1e300, -0.0, 0, 2000, "#zzz", "none", "#fff"])))
        if not _paths(data)[1:]:
            break
    return to_toml(data)
