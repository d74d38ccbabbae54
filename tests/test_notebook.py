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
    for line in ('lstmviz.render("gru", view="chain")', 'lstmviz.render("lstm-peephole", style="pipe")'):
        assert "image/svg+xml" in shown(by_source[line]), line
    assert "image/svg+xml" in shown(by_source["cell  # a cell shows its diagram"])
    walk = by_source["walk"]
    html = walk.outputs[0].data["text/html"]
    assert html.count("<svg") == 4 and "forget" in html and r"\(f_t = \sigma" in html  # each step, its equation
    assert "image/svg+xml" in shown(by_source["walk[1]  # one step alone"])
    animated = by_source['lstmviz.animate("gru", steps=3)'].outputs[0].data["image/svg+xml"]
    assert "@keyframes" in animated or "<animate" in animated
    player = by_source['lstmviz.animate("lstm", steps=2, fmt="html")  # the player, in a frame of its own']
    assert player.outputs[0].data["text/html"].startswith("<iframe srcdoc=")
    assert "image/png" in shown(by_source['lstmviz.draw("lstm", right)'])  # the figure with the cell in one Axes
    assert "image/svg+xml" in shown(by_source["lstmviz.render_stack(stack)"])
    difference = by_source["float(np.abs(ours - expected.numpy()).max())  # the same numbers"]
    assert float(difference.outputs[0].data["text/plain"]) < 1e-5
