"""DOT export: the cell's nodes and edges for Graphviz and the tools that read its language.

Written by the ``graphviz`` package, which quotes every id and label as DOT needs (a node called
``node``, ``edge`` or ``graph`` is a keyword otherwise). Writing DOT runs no program; only laying
it out (``dot -Tsvg``) does, and lstmviz's own figures never do.
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
_EDGES: dict[str, dict[str, str]] = {
    "transfer": {},
    "copy": {"arrowhead": "normal", "style": "bold"},
    "concat": {"arrowhead": "none"},
}


def to_dot(graph: CellGraph) -> str:
    """The cell as a DOT digraph, bottom to top as in the seed diagrams."""
    import graphviz

    dot = graphviz.Digraph(graph.name, graph_attr={"rankdir": "BT"}, node_attr={"fontname": "DejaVu Sans"})
    for node in graph.nodes:
        text = plain(node.label) if node.kind not in ("layer", "op") else (symbol(node) or node.id)
        dot.node(node.id, label=_escaped(text), shape=_SHAPES[node.kind], **{"class": node.kind})
    for edge in graph.edges:
        dot.edge(edge.src, edge.dst, **_EDGES[edge.kind])
    return dot.source


def _escaped(text: str) -> str:
    """A label as DOT reads it literally: the package quotes it; backslashes (DOT's escapes, as in
    \\n and \\N) are doubled so that none is taken for an escape."""
    return text.replace("\\", "\\\\")
