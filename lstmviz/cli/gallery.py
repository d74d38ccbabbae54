"""The gallery commands: init, build, serve."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DataError
from ..words import count
from .group import main, one_line_errors
from .options import path_option, progress


@main.group()
def gallery() -> None:
    """Build the gallery website from gallery/, preview it, or start a gallery of your own."""


@gallery.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@one_line_errors
def gallery_init(folder: Path) -> None:
    """Start a gallery of your own in FOLDER (new or empty): the site's template and a starter entry."""
    from ..gallery.start import init_gallery

    for path in init_gallery(folder):
        click.echo(f"wrote {path}")
    click.echo(f"next: lstmviz gallery build {folder} -o {folder}-site   (then lstmviz gallery serve -d {folder}-site)")


@gallery.command("build")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@path_option(
    "-o",
    "--output",
    kind="folder",
    default="site",
    help="The folder to build into (replaced whole, and only when the build succeeds).",
)
@path_option(
    "--source",
    kind="folder",
    default="gallery",
    help="The folder of entries (one spec with a [gallery] table each) and the site template.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Processes drawing at once (default: CPUs)."
)
@one_line_errors
def gallery_build(folder: Path | None, output: Path, source: Path, jobs: int | None) -> None:
    """Build the site from FOLDER (the gallery's entries and template, as 'gallery init' makes it;
    or --source, by default gallery/): every entry in every style and view, its equations, spec and
    animation.

    Figures that have not changed since the last build into the same folder are kept."""
    from ..gallery import build

    if folder is not None:
        if click.get_current_context().get_parameter_source("source") != click.core.ParameterSource.DEFAULT:
            raise DataError("give the entries' folder once, as FOLDER or as --source", name="--source")
        source = folder

    with progress("drawing") as advance:
        report = build(source, output, workers=jobs, progress=advance)
    click.echo(
        f"built {report.output}/index.html: {count(report.entries, 'entry', 'entries')}, "
        f"{count(report.drawn, 'figure')} drawn, {report.reused} kept, {report.seconds:.1f} s"
    )


@gallery.command("serve")
@path_option("-d", "--dir", "folder", kind="folder", default="site", help="The built site to serve.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True)
@click.option(
    "--watch", is_flag=True, help="Build first, then rebuild whenever a file in --source changes; open pages reload."
)
@path_option("--source", kind="folder", default="gallery", help="With --watch: the gallery's entries and template.")
@one_line_errors
def gallery_serve(folder: Path, port: int, watch: bool, source: Path) -> None:
    """Serve a built site on localhost for a preview (Ctrl-C stops it)."""
    import threading

    from ..gallery import build, serve

    stop = threading.Event()
    if watch:
        from ..gallery.watch import sources
        from ..gallery.watch import watch as rebuild_on_change

        before = sources(source)  # an edit made from now on is a change to rebuild for
        with progress("drawing") as advance:
            build(source, folder, progress=advance)
        args = (source, folder)
        kwargs = {"stop": stop, "report": lambda line: click.echo(f"lstmviz: {line}", err=True), "since": before}
        threading.Thread(target=rebuild_on_change, args=args, kwargs=kwargs, daemon=True).start()
    try:
        serve(
            folder,
            port=port,
            ready=lambda url: click.echo(f"serving {folder} at {url} (Ctrl-C to stop)"),
            live=watch,  # open pages reload themselves after each rebuild
        )
    finally:
        stop.set()
