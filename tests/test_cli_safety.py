"""The command line with strangers' specs and careless arguments: nothing written where it was not
asked, nothing replaced but a regular file, nothing half-written after a kill, no LaTeX run from a
label, and every refusal one line with exit status 2. Real processes, real signals."""

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import lstmviz
from tests.gallery.test_build import small_source
from tests.support import missing, needs, run_cli

SPEC = """[cell]
name = "{name}"
equations = '''
f = sigmoid(linear(h_prev, x))
h = f * h_prev + tanh(linear(h_prev, x))
'''
[states]
h = "hidden"
[describe]
f = {{ role = "{role}", label = '{label}' }}
"""


def spec(path: Path, name: str = "cell", role: str = "forget gate", label: str = "f_t") -> Path:
    path.write_text(SPEC.format(name=name, role=role, label=label))
    return path


def refused(out: subprocess.CompletedProcess, *expected: str) -> None:
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("lstmviz: error: "), out.stderr
    for text in expected:
        assert text in out.stderr, out.stderr


def test_a_device_is_never_replaced():
    refused(run_cli("run", "lstm", "-o", "/dev/null"), "'/dev/null': is not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "{spec}", "-o", "{spec}"],
        ["show", "{spec}", "-o", "{spec}"],
        ["run", "lstm", "--input", "{x}", "-o", "{x}"],
        ["run", "lstm", "--input", "{x}", "--save-params", "{x}"],
        ["animate", "lstm", "--input", "{x}", "-o", "{link}"],
        ["render", "lstm", "--style", "{style}", "-o", "{style}"],
    ],
)
def test_an_output_onto_an_input_is_refused_and_the_input_kept(tmp_path, args):
    files = {
        "spec": spec(tmp_path / "cell.toml"),
        "x": tmp_path / "x.npy",
        "style": tmp_path / "mine.toml",
        "link": tmp_path / "again.npy",
    }
    np.save(files["x"], np.zeros((2, 1, 3)))
    os.link(files["x"], files["link"])  # the same file by another name
    shutil.copy(Path(__file__).parents[1] / "styles" / "colah.toml", files["style"])
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    refused(run_cli(*[a.format(**files) for a in args]), "is also an input", "write the output to another file")
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_symbolic_link_is_not_replaced_nor_followed(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    (tmp_path / "figure.svg").symlink_to(tmp_path / "precious.txt")
    refused(run_cli("render", "lstm", "-o", tmp_path / "figure.svg"), "is a symbolic link")
    assert (tmp_path / "figure.svg").is_symlink() and (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.mark.slow
def test_replacing_a_figure_keeps_its_mode(tmp_path):
    target = tmp_path / "lstm.png"
    target.write_bytes(b"old")
    target.chmod(0o604)
    assert run_cli("render", "lstm", "-o", target).returncode == 0
    assert target.read_bytes()[:4] == b"\x89PNG" and stat.S_IMODE(target.stat().st_mode) == 0o604


@pytest.mark.slow
@pytest.mark.parametrize("name", ["../../../escaped", "/tmp/escaped", "a b", "x/y", ".hidden", "a..b", "n" * 65])
def test_a_cell_name_that_is_not_a_plain_name_is_refused(tmp_path, name):
    path = spec(tmp_path / "cell.toml", name=name)
    refused(run_cli("check", path), f"{path}:2: 'name': cell name", "is not a plain name")
    refused(run_cli("steps", path, "-o", tmp_path / "out"), "is not a plain name")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.toml"]


def test_a_role_that_looks_like_a_path_names_its_step_by_id_or_by_where_it_goes(tmp_path):
    path = spec(tmp_path / "cell.toml", role="../../../../tmp/evil gate")
    out = run_cli("steps", path, "-o", tmp_path / "out")
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cell-1-f.svg",
        "cell-2-h.svg",  # a made-up layer's step: named by the value it goes into
        "cell-3-state.svg",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.toml", "out"]


@pytest.mark.slow
def test_a_gallery_entry_writes_only_inside_the_site(tmp_path):
    src = small_source(tmp_path, "rnn")
    text = (src / "rnn.toml").read_text()
    assert 'role = "' in text
    (src / "rnn.toml").write_text(text.replace('role = "', 'role = "../../../../outside ', 1))
    out = subprocess.run(
        [sys.executable, "-m", "lstmviz.cli", "gallery", "build", "--source", src, "-o", tmp_path / "site", "-j", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "src"]
    site = (tmp_path / "site").resolve()
    assert all(p.resolve().is_relative_to(site) for p in site.rglob("*"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (r"\input{/etc/hostname}", r"uses the command \input, which lstmviz does not draw"),
        (r"\def\a{\a}\a", r"uses the command \def"),
        (r"x^^5cinput", "holds '^^', which TeX reads as a character code"),
        (r"\catcode`\^=7", r"uses the command \catcode"),
        (r"\\", "holds a backslash that starts no command"),
        (r"f_{t", "opens a brace that is never closed"),
        (r"f}_t", "closes a brace that was never opened"),
        ("{" * 50 + "f" + "}" * 50, "nests braces more than 8 deep"),
        ("f" * 300, "is 300 characters long (at most 200)"),
    ],
)
def test_a_label_lstmviz_would_not_draw_is_refused_before_latex_sees_it(tmp_path, label, expected):
    path = spec(tmp_path / "cell.toml", label=label)
    refused(run_cli("check", path), f"{path}:", "'f': label", expected)
    refused(run_cli("render", path, "-o", tmp_path / "cell.pgf"), expected)
    assert not (tmp_path / "cell.pgf").exists()


@pytest.mark.slow
@needs("pdflatex", latex=("pgf.sty", "amsmath.sty"))
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("a_b_c", "puts a second subscript on one base, which LaTeX refuses"),
        ("h_{t}_{1}", "puts a second subscript on one base"),
        ("x^{2}^{3}", "puts a second superscript on one base"),
        ("h_", "ends with a _ or ^ with nothing after it"),
        ("ü_t", "holds 'ü', which LaTeX cannot typeset in math without packages"),
        ("隐_t", "holds '隐', which LaTeX cannot typeset"),
        ("隐藏", "holds '隐', which LaTeX cannot typeset without packages"),
        ("😀", "holds '😀', which LaTeX cannot typeset without packages"),
    ],
)
def test_a_label_check_accepts_but_latex_cannot_typeset_is_one_line_for_pgf(tmp_path, label, expected):
    path = spec(tmp_path / "cell.toml", label=label)
    assert run_cli("check", path).returncode == 0  # a fine label for SVG, PNG and PDF
    refused(run_cli("render", path, "-o", tmp_path / "cell.pgf"), expected, "draw an .svg, .png or .pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.toml"]


def test_a_label_no_font_has_is_one_warning_naming_it(tmp_path):
    path = spec(tmp_path / "cell.toml", label="隐_t")
    out = run_cli("render", path, "-o", tmp_path / "a.png", "-o", tmp_path / "a.pdf")
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines() == [
        "lstmviz: warning: label '隐_t': no font of the figure has '隐', drawn as empty boxes (an .svg leaves the "
        "choice of font to the viewer)"
    ]


@needs("pdflatex", latex=("pgf.sty", "amsmath.sty"))
def test_characters_special_to_latex_reach_it_escaped(tmp_path):
    path = spec(tmp_path / "cell.toml", label="f_{#1 & 100% $}")
    out = run_cli("render", path, "-o", tmp_path / "cell.pgf")
    assert out.returncode == 0, out.stderr
    assert r"$f_{\#1 \& 100\% \$}$" in (tmp_path / "cell.pgf").read_text()


def test_float64_input_stays_float64_and_infinity_is_one_warning_line(tmp_path):
    x = np.random.default_rng(0).standard_normal((4, 1, 3))
    x[2, 0, 1] = 1e300  # finite in float64, infinity in float32
    np.save(tmp_path / "x.npy", x)
    out = run_cli("run", "lstm", "--input", tmp_path / "x.npy")
    assert out.returncode == 0 and out.stderr == "" and "outputs (4, 1, 4) float64" in out.stdout
    out = run_cli("run", "lstm", "--input", tmp_path / "x.npy", "--dtype", "float32")
    assert out.returncode == 0 and "float32" in out.stdout
    assert (
        out.stderr
        == "lstmviz: warning: infinity at step 2, first in input 'x' (the first value that is not a finite number)\n"
    )


def test_nan_inside_the_cell_is_named_by_step_and_node(tmp_path):
    x = np.zeros((5, 1, 3))
    x[3, 0, 0] = np.nan
    np.save(tmp_path / "x.npy", x)
    out = run_cli("animate", "rnn", "--input", tmp_path / "x.npy", "-o", tmp_path / "a.svg")
    assert out.returncode == 0
    assert out.stderr.splitlines() == [
        "lstmviz: warning: NaN at step 3, first in input 'x' (the first value that is not a finite number)"
    ]


def wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["gif", "mp4"])
def test_sigterm_while_writing_a_video_leaves_no_temporary_file(tmp_path, suffix):
    if suffix == "mp4" and missing("ffmpeg") and not os.environ.get("CI"):
        pytest.skip("MP4 needs ffmpeg (Debian ffmpeg), not installed here (CI installs it)")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lstmviz.cli", "animate", "lstm", "--fps", "4", "-o", tmp_path / f"a.{suffix}"],
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: any(p.name.endswith(f".part.{suffix}") for p in tmp_path.iterdir()))
    proc.send_signal(signal.SIGTERM)
    status, stderr = proc.wait(60), proc.stderr.read()
    assert status == 128 + signal.SIGTERM, stderr
    assert list(tmp_path.iterdir()) == [] and "Traceback" not in stderr


def test_a_sigterm_while_workers_start_is_handled_after_they_have():
    # a pool's workers start with SIGTERM held: one sent while they start is raised as the start
    # ends, where the command's cleanup is ready, and a worker takes it as the default does
    script = """
import os, signal, multiprocessing
from lstmviz.signals import exit_on_termination, held, worker_start, Terminated
exit_on_termination()
seen = []
try:
    with held():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(3):  # a check for signals: the handler would run here
            pass
        seen.append("held")
        ctx = multiprocessing.get_context("fork")
        worker = ctx.Process(target=lambda: (worker_start(), os.kill(os.getpid(), signal.SIGTERM), os._exit(0)))
        worker.start()
        worker.join()
    seen.append("not raised")
except Terminated as err:
    print(seen, worker.exitcode, err.code)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["['held']", str(-signal.SIGTERM), str(128 + signal.SIGTERM)], out.stderr


def test_sigterm_that_lands_in_a_finaliser_still_stops_the_command():
    # Python only reports an exception raised in a weakref callback or a __del__ and carries on;
    # a SIGTERM handled there (one landed in a WeakKeyDictionary's callback while a GIF was drawn)
    # must still end the command, with its status
    script = """
import signal, sys, time, weakref
from lstmviz.signals import exit_on_termination
exit_on_termination()

def finaliser(_):
    signal.raise_signal(signal.SIGTERM)
    for _ in range(3):  # a check for signals, so the handler runs here, in the callback
        pass

class Thing:
    pass

thing = Thing()
ref = weakref.ref(thing, finaliser)
del thing
for _ in range(100):  # the command's work goes on, for up to 10 s
    time.sleep(0.1)
print("finished")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (128 + signal.SIGTERM, "", "")


def children(pid: int) -> list[int]:
    kids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            kids.append(int(status.parent.name))
    return kids


def alive(pid: int) -> bool:
    try:
        return "\tZ" not in Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].splitlines()[0]
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_gallery_build_leaves_no_worker_running(tmp_path, sig):
    src = small_source(tmp_path, "lstm", "gru")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lstmviz.cli", "gallery", "build", "--source", src, "-o", tmp_path / "site", "-j", "2"],
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: len(children(proc.pid)) == 2 and any(tmp_path.glob(".site.partial-*")))
    workers = children(proc.pid)
    proc.send_signal(sig)
    proc.wait(60)
    wait_for(lambda: not any(alive(w) for w in workers), seconds=10)  # they end with their parent
    if sig == signal.SIGTERM:  # a build told to stop also clears its staging folder
        said = proc.stderr.read()
        assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in said, said
        assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]


@pytest.mark.parametrize(
    ("args", "planted"),
    [(["steps", "lstm", "-o", "frames"], "lstm-3-state.svg"),
     (["steps", "lstm", "-o", "frames", "--format", "png"], "lstm-2-input.png"),
     (["figures", "colah", "-o", "frames"], "lstm-chain.svg")],
)  # fmt: skip
def test_a_planted_link_among_the_files_of_a_command_leaves_nothing_written(tmp_path, args, planted):
    (tmp_path / "precious").write_text("keep me")
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / planted).symlink_to(tmp_path / "precious")
    out = run_cli(*args, cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "is a symbolic link" in out.stderr, out.stderr
    assert [p.name for p in (tmp_path / "frames").iterdir()] == [planted]
    assert (tmp_path / "precious").read_text() == "keep me"


def test_several_outputs_of_render_are_written_all_or_none(tmp_path):
    (tmp_path / "precious").write_text("keep me")
    (tmp_path / "b.pdf").symlink_to(tmp_path / "precious")
    out = run_cli("render", "lstm", "-o", "a.svg", "-o", "b.pdf", "-o", "c.png", cwd=tmp_path)
    assert out.returncode == 2 and "is a symbolic link" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.pdf", "precious"]


def test_steps_into_the_folder_of_its_spec_is_refused(tmp_path):
    (tmp_path / "cell.toml").write_text((Path(lstmviz.__file__).parent / "cells" / "rnn.toml").read_text())
    out = run_cli("steps", "cell.toml", "-o", ".", cwd=tmp_path)
    assert out.returncode == 2 and "an input of this command" in out.stderr, out.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["cell.toml"]


@pytest.mark.parametrize("command", [["run", "model.pt"], ["from-torch", "model.pt", "-o", "cell.toml"]])
def test_without_pytorch_reading_a_model_is_one_line_with_the_install_command(tmp_path, command):
    (tmp_path / "model.pt").write_bytes(b"PK\x03\x04 not read")
    hidden = "import sys; sys.modules['torch'] = None; from lstmviz.cli import main; main()"  # as if not installed
    out = subprocess.run(
        [sys.executable, "-c", hidden, *command], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    refused(out, "reading a PyTorch model needs PyTorch, which is not installed; pip install 'lstmviz[torch]'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pt"]
