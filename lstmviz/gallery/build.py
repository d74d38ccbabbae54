"""Building the site: every figure of every entry, rendered in parallel and only when it changed,
then the pages; all of it in a staging folder that replaces the output only when complete."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import SpecError
from ..files import refuse_overlap
from ..signals import held, worker_start
from .entries import Entry, load_entries
from .jobs import Job, draw_job, jobs_for
from .pages import Template, page_files, write_pages
from .start import packaged_template, template_files

MANIFEST = ".lstmviz-gallery.json"
_MANIFEST_VERSION = 1


@dataclasses.dataclass(frozen=True)
class Report:
    """What a build did."""

    output: Path
    entries: int
    drawn: int  #: jobs drawn this time
    reused: int  #: jobs whose files were kept from the last build
    seconds: float


def build(
    source: str | Path,
    output: str | Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Build the site from the entries and template in ``source`` into ``output`` (the template
    shipped with lstmviz when ``source`` has no ``template/`` folder).

    Figures whose cell, style and code are unchanged since the last build into ``output`` are kept,
    the rest drawn by ``workers`` processes (default: one per CPU); ``progress`` is called with
    (done, total). Nothing in ``output`` changes unless the whole build succeeds."""
    started = time.perf_counter()
    source, output = Path(source), Path(output)
    named = output
    refuse_overlap(output, [source])
    entries = load_entries(source)
    template = Template.load(source / "template" if (source / "template").is_dir() else packaged_template())
    _check_output(output)
    output = _through_link(output)
    code = _code_fingerprint()
    old = _read_manifest(output)
    by_entry = {entry.slug: jobs_for(entry) for entry in entries}
    jobs = [job for entry_jobs in by_entry.values() for job in entry_jobs]
    _clear_leftovers(output)
    staging = output.parent / f".{output.name}.partial-{os.getpid()}"
    try:
        staging.mkdir()
        manifest: dict[str, str] = {}
        todo = []
        for job in jobs:
            key = job.key(code)
            if all(old.get(f) == key and (output / f).is_file() for f in job.files):
                for f in job.files:
                    _link(output / f, staging / f)
            else:
                todo.append(job)
            manifest.update({f: key for f in job.files})
        _draw(todo, staging, workers, progress)
        pages, key = page_files(entries, template), _pages_key(code, jobs, entries, template)
        if not todo and all(old.get(f) == key and (output / f).is_file() for f in pages):
            for f in pages:  # nothing they show changed: the last build's pages
                _link(output / f, staging / f)
        else:
            write_pages(entries, by_entry, template, staging)
        manifest.update({f: key for f in pages})
        _write_manifest(staging, manifest)
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Report(named, len(entries), len(todo), len(jobs) - len(todo), time.perf_counter() - started)


def _draw(jobs: list[Job], root: Path, workers: int | None, progress: Callable[[int, int], None] | None) -> None:
    total = len(jobs)
    tell = progress or (lambda done, total: None)
    tell(0, total)
    workers = min(workers or os.cpu_count() or 1, max(total, 1))
    if workers <= 1:
        for done, job in enumerate(jobs, 1):
            draw_job(job, root)
            tell(done, total)
        return
    context = multiprocessing.get_context(_start_method())
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=worker_start) as pool:
        try:
            with held():  # the workers start; a SIGTERM meanwhile is raised after, and handled below
                futures = [pool.submit(draw_job, job, root) for job in jobs]
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                future.result()
                tell(done, total)
        except BaseException:  # a failed job, Ctrl-C, or SIGTERM: stop drawing now, not after the queue
            for worker in multiprocessing.active_children():
                worker.terminate()
            raise  # leaving the block joins the pool's manager thread, which fails the jobs left and ends
            # (neither shutdown(wait=False) nor cancelling: Python 3.11 then races that thread, gh-125451)


def _pages_key(code: str, jobs: list[Job], entries: tuple[Entry, ...], template: Template) -> str:
    """Changes whenever a page could: the code (the figures' and the pages' own, and the version the
    pages name), any figure, any entry's file (its words and its place among the others), the template."""
    from .. import __version__

    digest = hashlib.sha256(code.encode() + __version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):  # the code that writes pages
        digest.update(path.read_bytes())
    for part in [job.key(code) for job in jobs] + [entry.path.read_text(encoding="utf-8") for entry in entries]:
        digest.update(part.encode("utf-8") + b"\0")
    for path in template_files(template.folder):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _start_method() -> str | None:
    """Fork when this process has one thread (workers start at once, lstmviz already imported);
    otherwise (``gallery serve --watch`` builds beside the server's thread) a fork could copy a
    lock another thread holds, so workers start from a fresh server process."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else None


def _code_fingerprint() -> str:
    """A hash of the code and style sheets that draw figures (the package, less the command line and
    the parts of the gallery that only write pages): a new lstmviz redraws everything."""
    import lstmviz.styles

    def draws(path: Path) -> bool:
        if path.suffix not in (".py", ".toml") or path.name == "cli.py":
            return False
        return path.parent.name != "gallery" or path.name == "jobs.py"

    files = sorted(p for p in Path(__file__).parents[1].rglob("*") if draws(p))
    files += sorted(Path(next(iter(lstmviz.styles.__path__))).glob("*.toml"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(path.parents[1])).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _check_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise SpecError("is a file, not a folder", name=str(output), fix="give a folder for the site")
    if output.is_dir() and any(output.iterdir()) and not (output / MANIFEST).is_file():
        raise SpecError(
            "is not empty and holds no earlier gallery build", name=str(output), fix="give a new or empty folder"
        )
    if not output.parent.is_dir():
        raise SpecError("no such directory", name=str(output.parent), fix="create it first, or build elsewhere")


def _through_link(output: Path) -> Path:
    """The folder a build replaces: ``output``, or the folder it links to (the link stays a link)."""
    if not output.is_symlink():
        return output
    target = output.resolve()
    if not target.is_dir():
        raise SpecError("is a link to no folder", name=str(output), fix="point it at a folder, or build elsewhere")
    return target


def _read_manifest(output: Path) -> dict[str, str]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(data, dict) and data.get("version") == _MANIFEST_VERSION and isinstance(data.get("files"), dict)
    return data["files"] if ok else {}


def _write_manifest(root: Path, files: dict[str, str]) -> None:
    text = json.dumps({"version": _MANIFEST_VERSION, "files": dict(sorted(files.items()))}, indent=1)
    (root / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _link(src: Path, dst: Path) -> None:
    """Keep a file from the last build: a hard link when the file system allows, else a copy."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _clear_leftovers(output: Path) -> None:
    """Remove what a build that was killed outright left beside the output (its process is gone)."""
    for path in output.parent.glob(f".{output.name}.*-*"):
        kind, _, pid = path.name.removeprefix(f".{output.name}.").rpartition("-")
        if kind in ("partial", "old") and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: is it there (PermissionError: there, but someone else's)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _swap(staging: Path, output: Path) -> None:
    """Put the finished site in place of the old one."""
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    if output.exists():
        os.replace(output, old)
    os.replace(staging, output)
    shutil.rmtree(old, ignore_errors=True)
