"""A self-contained HTML player for the animated SVG: play/pause, step forward and back, a time-step
scrubber, a speed control and, on demand, the numbers of every value on show (a table under the
figure). With a backward sweep, the scrubber runs on through the backward steps (last first) and
the step's label says which sweep plays. No network access: the SVG and the script are in the page.

The controls drive the SVG's own CSS animations through the Web Animations API, so the player
shows exactly what the animated SVG shows.
"""

from __future__ import annotations

import html
import json
import re

from .timeline import Timeline

#: Script for a page shown in a frame (the gallery's): it tells the page holding it how tall it
#: is, whenever that changes, so the frame takes its height with no inner scroll bar.
TELL_HEIGHT = """if (window.parent !== window) {
  const height = () => document.documentElement.getBoundingClientRect().height;  // the body's margins too
  const tell = () => window.parent.postMessage({lstmvizPlayerHeight: height()}, "*");
  window.addEventListener("load", tell);
  new ResizeObserver(tell).observe(document.body);  // the caption and the numbers change its height
  window.addEventListener("message", e => { if (e.data && e.data.lstmvizMeasure) tell(); });
}
"""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>@@TITLE@@</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; font-family: sans-serif; background: #fafafa; color: #222; }
  #stage { display: flex; justify-content: center; padding: 12px; }
  #stage svg { width: min(100%, calc(var(--natural, 600px) * 1.35)); height: auto; }
  /* a page of its own: the figure no taller than the window leaves above the controls */
  :root[data-fit="window"] #stage svg {
    width: min(100%, calc(var(--natural, 600px) * 1.35), calc((100vh - 120px) * var(--aspect, 1))); }
  #controls { display: flex; gap: 10px; align-items: center; justify-content: center; flex-wrap: wrap;
              padding: 8px 12px 16px; position: sticky; bottom: 0; background: #fafafa; }  /* always in view */
  button { font-size: 15px; padding: 4px 12px; }
  #scrub { width: min(420px, 60vw); }
  #at { display: inline-block; min-width: @@ATWIDTH@@; }  /* room for "t = 7 ◂ backward": no jumps */
  #readout { margin: 0 auto 16px; border-collapse: collapse; font: 13px monospace;
             display: block; width: fit-content; max-width: calc(100% - 24px); overflow-x: auto; }
  #readout[hidden] { display: none; }  /* the rule above would show it */
  #readout td { padding: 1px 8px; border-bottom: 1px solid #ddd; text-align: right; }
  #readout td:first-child { font-family: serif; font-style: italic; text-align: left;
                            position: sticky; left: 0; background: #fafafa; }  /* names stay as rows scroll */
</style></head>
<body>
<div id="stage" style="--natural: @@WIDTH@@px; --aspect: @@ASPECT@@">@@SVG@@</div>
<div id="controls">
  <button id="back" title="previous time step">&#9664; step</button>
  <button id="play" title="play or pause">Pause</button>
  <button id="next" title="next time step">step &#9654;</button>
  <input id="scrub" type="range" min="0" max="@@LAST@@" step="1" value="0" aria-label="time step">
  <span id="at">@@FIRSTLABEL@@</span>
  <label>speed <select id="speed">
    <option value="0.5">0.5&times;</option><option value="1" selected>1&times;</option>
    <option value="2">2&times;</option><option value="4">4&times;</option></select></label>
  <label><input type="checkbox" id="numbers"> numbers</label>
</div>
<table id="readout" hidden></table>
<script>
"use strict";
if (window.parent === window) document.documentElement.dataset.fit = "window";  // a frame sizes itself to us
const STEP_MS = @@STEPMS@@, STEPS = @@STEPLIST@@, SWEEPS = @@SWEEPS@@, LOOP_MS = STEP_MS * STEPS.length;
const anims = () => document.getAnimations();
const $ = id => document.getElementById(id);
let playing = true;

function now() {
  const a = anims()[0];
  return a ? ((a.currentTime || 0) % LOOP_MS) : 0;
}
function stepIndex() { return Math.min(STEPS.length - 1, Math.floor(now() / STEP_MS)); }
function show() {
  const k = stepIndex();
  $("scrub").value = k;
  $("at").textContent = label(k);
  document.body.dataset.step = STEPS[k];
  document.body.dataset.sweep = SWEEPS[k];
  document.body.dataset.playing = playing;
}
function label(k) { return "t = " + STEPS[k] + (SWEEPS[k] === "backward" ? " \u25c2 backward" : ""); }
function setPlaying(on) {
  playing = on;
  anims().forEach(a => on ? a.play() : a.pause());
  $("play").textContent = on ? "Pause" : "Play";
  show();
  // a pause lands on the next frame (Web Animations' pending pause task): show where it landed
  Promise.all(anims().map(a => a.ready)).then(show);
}
function goTo(k) {  // near the end of step k: every value of that step on show
  setPlaying(false);
  k = (k + STEPS.length) % STEPS.length;
  anims().forEach(a => { a.currentTime = (k + 0.97) * STEP_MS; });
  show();
  readout();
}
$("play").addEventListener("click", () => setPlaying(!playing));
$("next").addEventListener("click", () => goTo(stepIndex() + 1));
$("back").addEventListener("click", () => goTo(stepIndex() - 1));
$("scrub").addEventListener("input", e => goTo(Number(e.target.value)));
$("speed").addEventListener("change", e => anims().forEach(a => { a.playbackRate = Number(e.target.value); }));
document.addEventListener("keydown", e => {
  if (e.key === " ") { e.preventDefault(); setPlaying(!playing); }
  if (e.key === "ArrowRight") goTo(stepIndex() + 1);
  if (e.key === "ArrowLeft") goTo(stepIndex() - 1);
});
function scripted(name) {  // "f_t ⊙ C_{t−1}" as text with <sub>/<sup> elements (built as nodes, never as HTML)
  return name.split(/([_^](?:\\{[^}]*\\}|.))/u).filter(Boolean).map(part => {
    if (!/^[_^]/.test(part)) return part;
    const el = document.createElement(part[0] === "_" ? "sub" : "sup");
    el.textContent = part.slice(1).replace(/^\\{(.*)\\}$/u, "$1");
    return el;
  });
}
function number(text, sweep) {  // a gradient may be tiny: its significant digits, not four decimals
  return sweep === "backward" ? Number(text).toPrecision(3) : Number(text).toFixed(4);
}
function readout() {  // every value on show, as numbers: its name, then its cells' exact values
  const table = $("readout");
  table.hidden = !$("numbers").checked;
  if (table.hidden) return;
  const rows = [...document.querySelectorAll("g.strip")]
    .filter(g => getComputedStyle(g).opacity === "1")
    .map(g => [g.dataset.name, ...[...g.querySelectorAll("rect")].map(r => number(r.dataset.value, g.dataset.sweep))]);
  const key = JSON.stringify(rows);
  if (table.dataset.key === key) return;
  table.dataset.key = key;
  table.replaceChildren(...rows.map(cells => {
    const tr = document.createElement("tr");
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.append(...(i ? [text] : scripted(text)));
      tr.append(td);
    });
    return tr;
  }));
}
$("numbers").addEventListener("change", readout);
let last = 0;
(function tick(ms) {
  if (playing) show();
  if (ms - last > 100) { last = ms; readout(); }
  requestAnimationFrame(tick);
})(0);
show();
@@TELL@@</script>
</body></html>
"""


def html_player(animated_svg: str, timeline: Timeline, title: str, width: float, height: float) -> str:
    """A page that plays ``animated_svg`` (made from ``timeline``, ``width`` by ``height`` pixels at
    print size) with controls, which stay in view: on a page of its own the figure is no taller than
    the window leaves, and the controls stick to the window's foot. The page's one template is
    filled in one pass, so no filled-in text is read as a placeholder."""
    values = {
        "TITLE": html.escape(title),
        "SVG": animated_svg.split("?>", 1)[-1],  # inline: no XML declaration
        "WIDTH": f"{round(float(width), 2) + 0.0}",  # shown a little larger than print size, as the gallery does
        "ASPECT": f"{float(width) / float(height):.4f}",
        "LAST": str(len(timeline.steps) - 1),
        "FIRSTLABEL": f"t = {timeline.steps[0]}",
        "ATWIDTH": "10.5em" if timeline.sweeps else "0",
        "STEPMS": f"{timeline.step_length * 1000:.1f}",
        "STEPLIST": json.dumps(list(timeline.steps)),
        "SWEEPS": json.dumps([timeline.sweep(k) for k in range(len(timeline.steps))]),
        "TELL": TELL_HEIGHT,
    }
    return re.sub(r"@@([A-Z]+)@@", lambda m: values[m.group(1)], _PAGE)
