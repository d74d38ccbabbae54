"""A plain (not editable) install into a fresh virtual environment carries the built-in cells, the
styles, and the gallery's template and starter entry."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_plain_install_in_a_fresh_venv_runs_every_built_in(tmp_path):
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    bindir = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run(
        [bindir / "python", "-m", "pip", "install", "-q", str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    listed = subprocess.run([bindir / "lstmviz", "list"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == ["rnn", "lstm", "lstm-peephole", "lstm-coupled", "gru", "gru-pytorch", "mgu"]
    for name in names:
        ran = subprocess.run(
            [bindir / "lstmviz", "run", name, "-T", "3"], capture_output=True, text=True, cwd=elsewhere, env=env
        )
        assert ran.returncode == 0, ran.stderr
    trained = subprocess.run(  # learning needs nothing more than drawing does
        [bindir / "lstmviz", "train", "gru", "--task", "parity", "--updates", "20", "-o", "m.npz"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert trained.returncode == 0 and (elsewhere / "m.npz").is_file(), trained.stderr
    where = subprocess.run(
        [bindir / "python", "-c", "import lstmviz; print(lstmviz.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert str(tmp_path / "venv") in where.stdout  # the installed copy, not the source tree
    assert sys.prefix not in where.stdout
    # a gallery of one's own, from the installed package alone (no clone of the repository)
    started = subprocess.run(
        [bindir / "lstmviz", "gallery", "init", "mine"], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert started.returncode == 0, started.stderr
    built = subprocess.run(
        [bindir / "lstmviz", "gallery", "build", "--source", "mine", "-o", "site", "-j", "1"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert built.returncode == 0, built.stderr
    site = elsewhere / "site"
    assert {"index.html", "my-lstm.html", "site.css", "site.js", "favicon.svg"} <= {p.name for p in site.iterdir()}
    assert not (site / "__init__.py").exists()  # the template's package file is not part of a site
    assert 'class="toml"' in (site / "my-lstm.html").read_text()  # the spec, highlighted
    licence = subprocess.run(  # the licence pyproject.toml names travels with the package
        [bindir / "python", "-c", "import importlib.metadata as m; print(*[f.read_text() for f in m.files('lstmviz') "
         "if f.name == 'LICENSE'], m.metadata('lstmviz')['License-Expression'], sep='\\n')"],
        capture_output=True, text=True, cwd=elsewhere, env=env,
    )  # fmt: skip
    assert licence.returncode == 0, licence.stderr
    assert licence.stdout.startswith("MIT License\n") and licence.stdout.rstrip().endswith("\nMIT")
    assert (ROOT / "LICENSE").read_text() in licence.stdout
