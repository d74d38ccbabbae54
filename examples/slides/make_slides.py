"""A self-contained HTML slide deck (reveal.js-style, no network needed) walking through a cell in
the dark style: one slide per step, then the animated SVG of its real values; arrow keys or a
click to move.

    python make_slides.py [CELL] [OUT.html]
"""

import html
import sys
from pathlib import Path

import lstmviz

cell = sys.argv[1] if len(sys.argv) > 1 else "lstm"
out = Path(sys.argv[2] if len(sys.argv) > 2 else f"{cell}-slides.html")
graph = lstmviz.load(cell)
slides = [
    f'<section class="title"><h1>{html.escape(graph.title or graph.name)}</h1>'
    f"<p>{html.escape(graph.description)}</p></section>"
]
slides.append(f"<section><h2>The cell</h2>{lstmviz.render(graph, style='dark')}</section>")
for step in lstmviz.steps(graph, style="dark"):  # one figure per step, all of one size: slides do not jump
    slides.append(f"<section><h2>{html.escape(step.name.capitalize())}</h2>{step.figure}</section>")
animation = lstmviz.animate(graph, style="dark", steps=4).split("?>", 1)[-1]  # inline: drop the XML declaration
slides.append(f"<section><h2>Real values, step by step</h2>{animation}</section>")
page = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TITLE</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  html, body { margin: 0; height: 100%; background: #1e1f24; color: #f2f2f2; font-family: sans-serif; }
  section { display: none; height: 100vh; box-sizing: border-box; padding: 4vh 4vw;
            flex-direction: column; align-items: center; justify-content: center; }
  section.current { display: flex; }
  section svg { max-width: 92vw; max-height: 78vh; height: auto; }
  h1 { font-size: 5vh; } h2 { font-size: 4vh; margin: 0 0 2vh; }
  .count { position: fixed; right: 2vw; bottom: 2vh; opacity: 0.6; }
</style></head>
<body>
SLIDES
<div class="count"></div>
<script>
  const slides = [...document.querySelectorAll("section")];
  let at = 0;
  function show(k) {
    at = Math.max(0, Math.min(slides.length - 1, k));
    slides.forEach((s, i) => s.classList.toggle("current", i === at));
    document.querySelector(".count").textContent = (at + 1) + " / " + slides.length;
  }
  document.addEventListener("keydown", e => {
    if (["ArrowRight", "PageDown", " "].includes(e.key)) show(at + 1);
    if (["ArrowLeft", "PageUp"].includes(e.key)) show(at - 1);
  });
  document.addEventListener("click", () => show(at + 1));
  show(Number(location.hash.slice(1)) || 0);
</script>
</body></html>
""".replace("TITLE", html.escape(graph.title or graph.name)).replace("SLIDES", "\n".join(slides))
out.write_text(page, encoding="utf-8")
print(out)
