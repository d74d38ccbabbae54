"""A neuron explorer, after Edwin Chen's: a trained cell read a sequence, and under each of its
symbols each neuron's cell state, hidden state and gates are drawn on the diverging scale.

The page is one self-contained HTML file (no network): the numbers are computed here, once, and
the page only shows, hides and sorts them. A neuron "tracks" a feature of the sequence (the count
of a's still to match) when its values correlate with it; the page sorts neurons by that.
"""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import DataError
from ..mathtext import html as as_html
from ..mathtext import readable
from ..motion.colour import diverging
from ..motion.player import TELL_HEIGHT
from ..spec import latex
from .train import Model


@dataclasses.dataclass(frozen=True, eq=False)
class Reading:
    """What the explorer shows: the ``tokens`` read, each quantity's values by unit, (T, units),
    by its math label, the features a unit may track, and the cell's answer at each step."""

    tokens: tuple[str, ...]
    quantities: Mapping[str, np.ndarray]
    features: Mapping[str, np.ndarray]
    answers: tuple[str, ...]

    def tracking(self, feature: str, quantity: str) -> np.ndarray:
        """Each unit's correlation with ``feature`` over the sequence (0 where either is constant)."""
        return _correlations(self.quantities[quantity], self.features[feature])


def read(model: Model, text: str) -> Reading:
    """Run ``model`` on ``text`` (in its task's symbols) and collect every value worth showing: the
    states, then the layers (gates), each (T, units)."""
    x, tokens = model.task.encode(text)
    result, answer = model.run(x)
    trace, graph = result.trace, model.graph
    quantities: dict[str, np.ndarray] = {}
    for name, (_, node_out) in graph.states.items():
        producer = node_out.inputs[0]
        quantities[node_out.label or graph.node(producer).label or name] = trace[producer][:, 0]
    for layer in graph.of_kind("layer"):
        quantities.setdefault(layer.label or latex.expression(graph, layer), trace[layer.id][:, 0])
    return Reading(tokens, quantities, model.task.tracked(tokens), _answers(model, answer[:, 0]))


def _answers(model: Model, answer: np.ndarray) -> tuple[str, ...]:
    """The readout's answer at each step, as a symbol or a number."""
    if not model.task.classes:
        return tuple(f"{v:.2f}" for v in answer)
    return tuple(model.task.answer_names[k] for k in answer.argmax(-1))


def _correlations(values: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson's r of each column of ``values`` (T, n) with ``feature`` (T,)."""
    v = values - values.mean(axis=0)
    f = feature - feature.mean()
    denominator = np.sqrt((v * v).sum(axis=0) * (f * f).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (v * f[:, None]).sum(axis=0) / denominator
    return np.where(denominator > 1e-12, r, 0.0)


def explorer_html(model: Model, text: str, *, neurons: Sequence[int] | None = None, best: int | None = None) -> str:
    """The explorer page for ``model`` reading ``text``. All neurons are in it, sorted at first by how
    well they track the task's first feature in the quantity (state or gate) where one tracks it best;
    shown at first are ``neurons``, or the ``best`` few trackers, or else all."""
    reading = read(model, text)
    feature = next(iter(reading.features))
    by = max(reading.quantities, key=lambda q: np.abs(reading.tracking(feature, q)).max())
    width = max(v.shape[1] for v in reading.quantities.values())
    for unit in neurons or ():
        if not 0 <= unit < width:
            raise DataError(
                f"no neuron {unit}: the cell has {width}", name="--neurons", fix=f"pick from 0 to {width - 1}"
            )
    if neurons is not None:
        picked = set(neurons)
    elif best is not None:
        r = np.abs(reading.tracking(feature, by))
        picked = set(np.argsort(-r, kind="stable")[:best].tolist())
    else:
        picked = set(range(width))
    r = {
        f"{f}|{q}": [round(float(v), 4) for v in reading.tracking(f, q)]
        for f in reading.features
        for q in reading.quantities
    }
    sections = "\n".join(_neuron(reading, unit, shown=unit in picked) for unit in range(width))
    data = json.dumps({"r": r}).replace("<", "\\u003c")  # no "</script>" can close the data early
    heading = f"Neurons of {model.graph.title or model.graph.name}, trained on the {model.task.name} task"
    return _PAGE.format(
        title=html.escape(heading),
        summary=html.escape(model.task.summary),
        says=html.escape(model.task.says),
        answers="".join(f"<span class=ch>{html.escape(a)}</span>" for a in reading.answers),
        tokens="".join(f"<span class=ch>{html.escape(t)}</span>" for t in reading.tokens),
        features=_options(reading.features),
        quantities="".join(
            f'<option value="{html.escape(q)}"{" selected" if q == by else ""}>{html.escape(readable(q))}</option>'
            for q in reading.quantities
        ),
        show="".join(
            f'<label><input type=checkbox class=quantity value="{html.escape(q)}" checked> {as_html(q)}</label>'
            for q in reading.quantities
        ),
        picks="".join(
            f'<label><input type=checkbox class=pick value="{u}"{" checked" if u in picked else ""}> {u}</label>'
            for u in range(width)
        ),
        sections=sections,
        key="".join(f'<span style="{_colours(v)}">{v:+.1f}</span>' for v in (-2, -1, -0.5, 0, 0.5, 1, 2)),
        data=data,
        tell=TELL_HEIGHT,
    )


def _options(names: Mapping[str, object]) -> str:
    return "".join(f'<option value="{html.escape(n)}">{html.escape(n)}</option>' for n in names)


def _colours(value: float) -> str:
    """A cell's background on the diverging scale, and a text colour that reads on it."""
    dark = not np.isnan(value) and abs(np.tanh(value)) > 0.6
    return f"background:{diverging(value)};color:{'#fff' if dark else '#000'}"


def _neuron(reading: Reading, unit: int, *, shown: bool) -> str:
    """One neuron's block: a row per quantity, a coloured cell under each token."""
    rows = []
    for name, values in reading.quantities.items():
        if unit >= values.shape[1]:
            continue
        cells = "".join(
            f'<span class=ch style="{_colours(v)}"'
            f' data-value="{v!r}" title="{html.escape(readable(name))}[{unit}] at t={t} ({html.escape(tok)}): {v:.4f}">'
            f"{html.escape(tok)}</span>"
            for t, (v, tok) in enumerate(zip(values[:, unit].tolist(), reading.tokens))
        )
        rows.append(f'<div class=row data-quantity="{html.escape(name)}"><span class=name>{as_html(name)}</span>'
                    f"<span class=seq>{cells}</span></div>")  # fmt: skip
    hidden = "" if shown else " hidden"
    return (
        f'<section class=neuron data-unit="{unit}"{hidden}><h2>neuron {unit} <span class=corr></span></h2>'
        + "".join(rows)
        + "</section>"
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font: 15px/1.45 system-ui, sans-serif; margin: 24px; color: #222; }}
  h1 {{ font-size: 1.35rem; }} h2 {{ font-size: 0.95rem; margin: 14px 0 4px; font-weight: 600; }}
  .controls {{ display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; margin: 12px 0;
    padding: 10px 12px; background: #f6f7f9; border-radius: 8px; }}
  .controls fieldset {{ border: 0; padding: 0; margin: 0; }}
  .row {{ display: flex; align-items: center; }}
  [hidden] {{ display: none !important; }}
  .name {{ width: 5.5em; flex: none; font-family: serif; font-style: italic; text-align: right; padding-right: 8px;
    position: sticky; left: 0; background: #fff; }}  /* names stay while the rows scroll */
  .seq {{ display: flex; flex-wrap: nowrap; }}
  .scroll {{ overflow-x: auto; }}  /* every row scrolls as one, so a symbol's cells stay in a column */
  .scroll > *, #neurons > section {{ width: max-content; }}
  @media (max-width: 500px) {{ body {{ margin: 12px; }} }}
  .ch {{ display: inline-block; min-width: 1.3em; padding: 2px 1px; text-align: center;
    font: 14px/1.2 ui-monospace, monospace; border-right: 1px solid #fff; }}
  .input .ch, .answer .ch {{ background: #f0f0f0; }}
  .corr {{ font-weight: normal; color: #555; }}
  .key span {{ display: inline-block; padding: 1px 6px; font: 12px monospace; }}
</style></head>
<body>
<h1>{title}</h1>
<p>The task: {summary}. Each neuron's values are drawn under the symbol it had just read: dark blue
large positive, dark red very negative, white zero. Hover over a cell for its number. Under the input,
what the cell says after reading each symbol: {says}.</p>
<p class=key>scale: {key}</p>
<div class=controls>
  <label>Sort by how well a neuron tracks <select id=feature>{features}<option value="">(its number)</option>
  </select></label>
  <label>in <select id=by>{quantities}</select></label>
  <fieldset><legend>Show</legend>{show}</fieldset>
  <fieldset><legend>Neurons</legend>{picks}</fieldset>
</div>
<div class=scroll>
<div class="row input"><span class=name>input</span><span class=seq>{tokens}</span></div>
<div class="row answer"><span class=name>says</span><span class=seq>{answers}</span></div>
<div id=neurons>
{sections}
</div>
</div>
<script type="application/json" id=data>{data}</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("data").textContent);
const $ = id => document.getElementById(id);
const box = $("neurons");
function sort() {{
  const key = $("feature").value + "|" + $("by").value;
  const r = data.r[key];
  const blocks = [...box.querySelectorAll("section.neuron")];
  blocks.forEach(b => {{
    const u = +b.dataset.unit;
    b.querySelector(".corr").textContent = r ? "tracks it with r = " + r[u].toFixed(2) : "";
  }});
  blocks.sort((a, b) => r ? Math.abs(r[+b.dataset.unit]) - Math.abs(r[+a.dataset.unit])
                          : +a.dataset.unit - +b.dataset.unit);
  box.append(...blocks);
}}
function show() {{
  const on = new Set([...document.querySelectorAll("input.quantity:checked")].map(i => i.value));
  box.querySelectorAll(".row").forEach(row => {{ row.hidden = !on.has(row.dataset.quantity); }});
  const picked = new Set([...document.querySelectorAll("input.pick:checked")].map(i => i.value));
  box.querySelectorAll("section.neuron").forEach(s => {{ s.hidden = !picked.has(s.dataset.unit); }});
}}
$("feature").addEventListener("change", sort);
$("by").addEventListener("change", sort);
document.querySelectorAll("input.quantity, input.pick").forEach(i => i.addEventListener("change", show));
sort();
show();
{tell}
</script>
</body></html>
"""
