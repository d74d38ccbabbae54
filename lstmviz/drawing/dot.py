"""DOT export: the cell's nodes and edges for Graphviz and the tools that read its language.

Writing DOT needs no Graphviz; only laying it out (``dot -Tsvg``) does, and lstmviz's own
figures never do.
"""

from __future__ import annotations

from ..mathtext import plain
from ..spec.graph import CellGraph
from ..spec.vocab import symbol

_SHAPES = {
    "input": "plaintext",
    "state-in": "plaintext",
    "state-out": "plaintext",
    "output": "plaintext",
    "concat": "point",
    "layer": "box",
    "op": "circle",
}
_EDGES = {"transfer": "", "copy": " [arrowhead=normal, style=bold]", "concat": " [arrowhead=none]"}


def to_dot(graph: CellGraph) -> str:
    """The cell as a DOT digraph, bottom to top as in the seed diagrams."""
    lines = [f"digraph {_quote(graph.name)} {{", "  rankdir=BT;", '  node [fontname="DejaVu Sans"];']
    for node in graph.nodes:
        text = plain(node.label) if node.kind not in ("layer", "op") else (symbol(node) or node.id)
        lines.append(f"  {node.id} [label={_quote(text)}, shape={_SHAPES[node.kind]}, class={_quote(node.kind)}];")
    for edge in graph.edges:
        lines.append(f"  {edge.src} -> {edge.dst}{_EDGES[edge.kind]};")
    return "\n".join(lines + ["}"]) + "\n"


def _quote(text: str) -> str:
    """A DOT string: double quotes, with backslashes and quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
