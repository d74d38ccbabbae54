"""Random broken specs: every one is refused with one clear line, never a traceback."""

import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lstmviz import SpecError, dump_spec, parse_spec
from lstmviz.cli import main
from lstmviz.spec.sizes import same
from tests.support import valid_graphs

MUTATIONS = ["undefined", "duplicate", "unknown-op", "cycle", "unwritten-state", "size", "malformed", "unknown-key"]


def blocks(text: str) -> tuple[str, list[str]]:
    head, *nodes = text.split("\n[[node]]\n")
    return head, nodes


def join(head: str, nodes: list[str]) -> str:
    return "\n[[node]]\n".join([head, *nodes])


def with_inputs(block: str, inputs: list[str]) -> str:
    listed = ", ".join(f'"{i}"' for i in inputs)
    return re.sub(r"^inputs = \[.*\]$", f"inputs = [{listed}]", block, flags=re.M)


def descendants(graph, node_id):
    seen, todo = set(), [node_id]
    while todo:
        for c in graph.consumers[todo.pop()]:
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


@st.composite
def broken_specs(draw):
    graph = draw(valid_graphs())
    head, nodes = blocks(dump_spec(graph))
    index = {n.id: i for i, n in enumerate(graph.nodes)}
    mutation = draw(st.sampled_from(MUTATIONS))
    pick = lambda pool: draw(st.sampled_from(sorted(pool)))  # noqa: E731
    if mutation == "undefined":
        node = pick(n.id for n in graph.nodes if n.inputs)
        nodes[index[node]] = with_inputs(nodes[index[node]], ["nowhere"] + list(graph.node(node).inputs[1:]))
    elif mutation == "duplicate":
        node = pick(n.id for n in graph.nodes[1:])
        nodes[index[node]] = nodes[index[node]].replace(f'id = "{node}"', f'id = "{graph.nodes[0].id}"', 1)
    elif mutation == "unknown-op":
        node = pick(n.id for n in graph.nodes if n.kind in ("op", "layer"))
        nodes[index[node]] = re.sub(r'^(op|activation) = "[^"]*"', r'\1 = "mull"', nodes[index[node]], flags=re.M)
    elif mutation == "cycle":
        candidates = [
            (n.id, d)
            for n in graph.nodes
            if n.inputs and n.kind not in ("concat",)
            for d in descendants(graph, n.id)
            if graph.node(d).kind not in ("state-out", "output")
        ]
        assume(candidates)
        node, target = draw(st.sampled_from(candidates))
        nodes[index[node]] = with_inputs(nodes[index[node]], [target] + list(graph.node(node).inputs[1:]))
    elif mutation == "unwritten-state":
        node = pick(n.id for n in graph.of_kind("state-out"))
        del nodes[index[node]]
    elif mutation == "size":
        out = pick(n.id for n in graph.of_kind("state-out"))
        want = graph.node(out).size
        others = [n.id for n in graph.nodes if n.kind not in ("state-out", "output") and not same(n.size, want)]
        assume(others)
        nodes[index[out]] = with_inputs(nodes[index[out]], [pick(others)])
    elif mutation == "malformed":
        node = pick(index)
        nodes[index[node]] = nodes[index[node]].replace(f'id = "{node}"', f'id = "{node}', 1)
    else:
        node = pick(index)
        nodes[index[node]] = nodes[index[node]].replace("\nkind =", '\ncolour = "red"\nkind =', 1)
    return mutation, join(head, nodes)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(broken_specs())
def test_broken_specs_are_refused_in_one_line(case):
    mutation, text = case
    try:
        parse_spec(text, file="cell.toml")
    except SpecError as err:
        message = str(err)
    else:
        raise AssertionError(f"{mutation}: accepted\n{text}")
    assert "\n" not in message
    assert message.startswith("cell.toml:"), message
    assert re.match(r"cell\.toml:\d+: ", message), message  # every mutation here has a line to point at


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(broken_specs())
def test_lstmviz_check_exits_2_with_one_line(case):
    _, text = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cell.toml"
        path.write_text(text)
        result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert result.output.count("\n") == 1 and result.output.startswith(f"lstmviz: error: {path}:")
