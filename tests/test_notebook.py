"""The example notebook, executed by a real Jupyter kernel (nbclient): every figure shows itself."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytestmark = pytest.mark.slow  # starts a Jupyter kernel and runs every cell of the notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "notebook" / "lstmviz.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    folder = tmp_path_factory.mktemp("nb")
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    return [c for c in nb.cells if c.cell_type == "code"]


def shown(cell) -> set[str]:  # type: ignore[no-untyped-def]
    """The MIME types of what a cell displays."""
    return {kind for out in cell.outputs if out.output_type in ("execute_result", "display_data") for kind in out.data}


def test_the_notebook_runs_without_an_error(executed):
    assert not [out for c in executed for out in c.outputs if out.output_type == "error"]


def test_figures_views_steps_and_animations_display_themselves(executed):
    by_source = {c.source.splitlines()[-1]: c for c in executed}
    for line in (
        'lstmviz.render("rnn", view="chain")  # colah\'s simple RNN, repeated',
        'lstmviz.render("gru", style="pipe")',
    ):
        assert "image/svg+xml" in shown(by_source[line]), line
    assert "image/svg+xml" in shown(by_source["cell  # a cell shows its diagram"])
    walk = by_source["walk"]
    html = walk.outputs[0].data["text/html"]
    assert html.count("<svg") == 2 and "forget" in html and r"\(f_t = \sigma" in html  # each step, its equation
    assert "image/svg+xml" in shown(by_source["walk[1]  # one step alone"])
    animated = by_source['lstmviz.animate("rnn", steps=2)'].outputs[0].data["image/svg+xml"]
    assert "@keyframes" in animated or "<animate" in animated
    player = by_source['lstmviz.animate("rnn", steps=2, fmt="html")  # the player, in a frame of its own']
    assert player.outputs[0].data["text/html"].startswith("<iframe srcdoc='")
    assert "image/png" in shown(by_source['lstmviz.draw("lstm", right)'])  # the figure with the cell in one Axes
    assert "image/svg+xml" in shown(by_source["lstmviz.render_stack(stack)"])
    difference = by_source["float(np.abs(ours - expected.numpy()).max())  # the same numbers"]
    assert float(difference.outputs[0].data["text/plain"]) < 1e-5


def test_the_executed_notebook_stays_small(executed):
    """Each figure shows itself once, as a picture scaled to the notebook's width, with a short text
    form (not its SVG again as text/plain): the executed notebook's outputs stay under 200 KB."""
    import json

    sizes = {c.source.splitlines()[-1]: len(json.dumps(c.outputs)) for c in executed}
    assert sum(sizes.values()) < 200 * 1024, sizes
    for c in executed:
        for out in c.outputs:
            plain = out.get("data", {}).get("text/plain", "")
            assert len(plain) < 300, (c.source, plain[:100])
            svg = out.get("data", {}).get("image/svg+xml", "")
            assert not svg or svg.startswith('<svg style="max-width:100%;height:auto"'), c.source
