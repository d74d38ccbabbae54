"""The golden files, what each must hold, and a tool to review a change to them.

    python -m tests.goldens                 # list the goldens that differ from what the code draws now
    python -m tests.goldens --update        # rewrite those, and put old | new side by side as PNG

The tests compare each golden with what this module says it holds (tests/drawing/test_svg.py,
tests/test_readme.py), so the two cannot drift apart. A golden is rewritten only by hand, through
``--update``, after looking at the side-by-side pictures it writes (``--review``, by default
build/goldens-review/): never to make a failing test pass unseen. The gallery's browser screenshots
are reviewed the same way through LSTMVIZ_NEW_SCREENSHOTS=1 (tests/gallery/test_site_browser.py).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "drawing" / "golden"
FIGURES = ROOT / "docs" / "figures"


def builtin_golden(name: str, style: str) -> Path:
    """The reviewed SVG of a built-in cell in a style."""
    return GOLDEN / f"{name}{'' if style == 'colah' else '-' + style}.svg"


def readme_figure(name: str) -> Callable[[], str]:
    """What the README's figure docs/figures/NAME.svg holds: a post's figure (colah-..., pipe-...),
    an animation (...-animated), or a built-in cell in a style (...-pipe)."""
    import lstmviz
    from lstmviz.figures import POSTS

    posts = {f.name: (style, f) for style, figures in POSTS.values() for f in figures}
    if name.startswith(("colah-", "pipe-")) and name.split("-", 1)[1] in posts:
        style, figure = posts[name.split("-", 1)[1]]
        return lambda: lstmviz.render(figure.spec, view=figure.view, focus=figure.focus, style=style)
    if name.endswith("-animated"):
        return lambda: lstmviz.animate(name.removesuffix("-animated"), steps=4)
    cell, style = name.removesuffix("-pipe"), "pipe" if name.endswith("-pipe") else "colah"
    return lambda: lstmviz.render(cell, style=style)


def goldens() -> dict[Path, Callable[[], str]]:
    """Every golden SVG with the function that draws what it must hold."""
    import lstmviz

    out: dict[Path, Callable[[], str]] = {}
    for name in lstmviz.BUILTINS:
        for style in ("colah", "pipe"):
            out[builtin_golden(name, style)] = lambda name=name, style=style: lstmviz.render(name, style=style)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in re.findall(r"\(docs/figures/([a-z-]+)\.svg\)", readme):
        out[FIGURES / f"{name}.svg"] = readme_figure(name)
    return out


def side_by_side(old: str | None, new: str, png: Path) -> None:
    """``old`` (left; blank when there was none) and ``new`` (right) rasterised by rsvg-convert, in one PNG."""
    from PIL import Image

    def raster(svg: str | None) -> Image.Image:
        if svg is None:
            return Image.new("RGB", (1, 1), "white")
        done = subprocess.run(["rsvg-convert", "-z", "2", "-b", "white"], input=svg.encode(), capture_output=True)
        if done.returncode:
            raise SystemExit(f"rsvg-convert failed on {png.stem}: {done.stderr.decode()[:200]}")
        return Image.open(io.BytesIO(done.stdout)).convert("RGB")

    a, b = raster(old), raster(new)
    sheet = Image.new("RGB", (a.width + b.width + 20, max(a.height, b.height)), (200, 200, 200))
    sheet.paste(a, (0, 0))
    sheet.paste(b, (a.width + 20, 0))
    png.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(png)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the goldens that differ")
    parser.add_argument("--review", type=Path, default=ROOT / "build" / "goldens-review", help="old | new PNGs here")
    args = parser.parse_args(argv)
    if args.update and shutil.which("rsvg-convert") is None:
        raise SystemExit("--update writes old | new pictures for review with rsvg-convert (Debian: librsvg2-bin)")
    changed = 0
    for path, draw in goldens().items():
        new = draw()
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == new:
            continue
        changed += 1
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if args.update:
            png = args.review / f"{path.parent.name}-{path.stem}.png"
            side_by_side(old, new, png)
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {where}; old | new: {png}")
        else:
            print(f"differs: {where}")
    print(f"{changed} of {len(goldens())} goldens {'rewritten' if args.update else 'differ'}")
    return 1 if changed and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
