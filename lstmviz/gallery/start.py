"""Starting a gallery of one's own: the site template and a starter entry, from the installed package."""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

from ..errors import SpecError

#: The entry ``init`` writes, to copy and change.
STARTER = "my-lstm.toml"


def packaged_template() -> Path:
    """The site template shipped inside lstmviz (used when a gallery has no ``template/`` of its own)."""
    return Path(str(resources.files("lstmviz.gallery.template")))


def template_files(folder: Path) -> list[Path]:
    """The files of a template folder that belong to a site (not the package's ``__init__.py``)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".py")


def init_gallery(folder: str | Path) -> list[Path]:
    """Start a gallery in ``folder`` (new, or empty): its ``template/`` and a starter entry, ready for
    ``lstmviz gallery build --source folder``. Written whole or not at all; returns what was written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SpecError("exists and is not an empty folder", name=str(folder), fix="give a new or empty folder")
    staging = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    try:
        (staging / "template").mkdir(parents=True)
        for path in template_files(packaged_template()):
            shutil.copyfile(path, staging / "template" / path.name)
        starter = resources.files("lstmviz.gallery").joinpath("starter.toml").read_text(encoding="utf-8")
        (staging / STARTER).write_text(starter, encoding="utf-8")
        if folder.exists():
            folder.rmdir()  # empty: checked above
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(p for p in folder.rglob("*") if p.is_file())
