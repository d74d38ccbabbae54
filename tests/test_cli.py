"""The lstmviz command: real processes for exit codes and output, one line for every bad input."""

import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import lstmviz
from lstmviz.cli import main
from tests.support import run_cli


def test_list_shows_every_built_in_with_a_description():
    out = run_cli("list")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(lstmviz.BUILTINS)
    assert all(len(line.split(None, 1)[1]) > 20 for line in lines)


def test_run_prints_outputs_and_final_states():
    out = run_cli("run", "lstm", "--steps", "5")
    assert out.returncode == 0, out.stderr
    assert "lstm: 5 steps, batch 1, outputs (5, 1, 4) float32" in out.stdout
    assert "final c = [" in out.stdout and out.stdout.count("y[") == 5


def test_run_writes_a_trace_that_matches_the_api(tmp_path):
    out = run_cli(
        "run",
        "gru",
        "-T",
        "4",
        "-B",
        "2",
        "--seed",
        "7",
        "--dtype",
        "float64",
        "-o",
        tmp_path / "trace.npz",
        "--save-params",
        tmp_path / "p.npz",
    )
    assert out.returncode == 0, out.stderr
    data = np.load(tmp_path / "trace.npz")
    x = data["input.x"]
    assert x.shape == (4, 2, 3) and x.dtype == np.float64
    again = lstmviz.run("gru", x, lstmviz.load_params(tmp_path / "p.npz"), trace=True)
    np.testing.assert_array_equal(data["outputs"], again.outputs)
    np.testing.assert_array_equal(data["trace.r"], again.trace["r"])
    np.testing.assert_array_equal(data["state.h"], again.state["h"])


def test_run_reads_input_and_params(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.standard_normal((6, 5)).astype(np.float32))  # (T, features): batch 1
    cell = lstmviz.load("lstm")
    lstmviz.save_params(lstmviz.init_params(cell, {"input": 5, "hidden": 8}, seed=1), tmp_path / "p.npz")
    out = run_cli("run", "lstm", "--input", tmp_path / "x.npy", "--params", tmp_path / "p.npz", "--plan")
    assert out.returncode == 0, out.stderr
    assert "outputs (6, 1, 8)" in out.stdout
    assert "one matrix for [f, i, o, g] reading 'hx'" in out.stdout


def test_check_and_show(tmp_path):
    out = run_cli("check", "lstm-peephole")
    assert out.returncode == 0 and out.stdout.startswith("ok: lstm-peephole: cell 'lstm-peephole', 16 nodes")
    shown = run_cli("show", "gallery/mgu.toml", cwd=os.path.dirname(os.path.dirname(__file__)))
    assert shown.returncode == 0
    assert lstmviz.parse_spec(shown.stdout) == lstmviz.load("mgu")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "lsmt"], "'lsmt': is neither a built-in cell nor a file; use one of rnn, lstm"),
        (["check", "{tmp}/bad.toml"], "{tmp}/bad.toml:4: 'f': unknown activation 'sigmod'"),
        (["run", "lstm", "--input", "{tmp}/nope.npy"], "'{tmp}/nope.npy': no such file"),
        (["run", "lstm", "--input", "{tmp}/bad.toml"], "is not an .npy or .npz of input arrays: it is not a NumPy"),
        (["run", "lstm", "--input", "/dev/null"], "is not an .npy or .npz of input arrays"),
        (["run", "lstm", "--params", "/dev/null"], "is not an .npz of parameters"),
        (["run", "lstm", "--input", "{tmp}/objects.npy"], "it holds Python objects, which lstmviz never unpickles"),
        (["explore", "{tmp}/bad.toml", "-o", "{tmp}/e.html"], "is not a model .npz (as lstmviz train writes one): "
         "it is not a NumPy file"),
        (["run", "lstm", "--params", "{tmp}/p.npz", "--dim", "hidden=5"], "{tmp}/p.npz: 'f': weight has shape (4, 7)"),
        (["run", "lstm", "--dim", "hidden"], "'--dim hidden': is not NAME=N"),
        (["run", "lstm", "--dim", "hiden=4"], "'--dim hiden=4': the cell has no dim 'hiden'; its dims: input, hidden"),
        (["run", "lstm", "--dim", "hidden=10**30"], "'--dim hidden=10**30': is not NAME=N with N from 1 to 1,000,000"),
        (["run", "lstm", "--dim", "hidden=" + "9" * 5000], "is not NAME=N with N from 1 to 1,000,000"),
        (["run", "lstm", "--dim", "hidden=100000", "-T", "100000"], "the run (100000 steps, batch 1, input=3, "
         "hidden=100000) would need about"),
        (["run", "lstm", "--input", "{tmp}/no_features.npy"], "'x': input has shape (2, 1, 0): 0 features"),
        (["animate", "lstm", "-o", "{tmp}/a.svg", "--units", "0:999999999"], "not a range or a list of at most 4,096"),
        (["animate", "lstm", "-o", "{tmp}/a.svg", "--units", "0:" + "9" * 20], "not a range or a list of at most"),
        (["animate", "lstm", "-o", "{tmp}/a.svg", "--units", "0,1,²"], "not a range or a list of at most 4,096"),
        (["animate", "lstm", "-o", "{tmp}/a.svg", "--input", "{tmp}/y.npz"], "inputs given: y; the cell reads x"),
        (["animate", "lstm", "-o", "{tmp}/a.svg", "--input", "{tmp}/xy.npz"], "inputs given: x, y; the cell reads x"),
        (["animate", "lstm", "-o", "{tmp}/a.gif", "--width", "8000"], "would need about"),
        (["render", "lstm", "-o", "{tmp}/a.svg", "--view", "chain", "--width", "8cm", "--font-size", "72pt"],
         "'font-size': labels of 72 pt do not fit this figure at its width"),  # the sLSTM's took 320 s to lay out
        (["run", "lstm", "--seed", "-1"], "-1 is not in the range x>=0"),
        (["run", "lstm", "--batch", "0"], "0 is not in the range x>=1"),
        (["run", "lstm", "--input", "{tmp}/empty_batch.npy"], "'x': input has shape (2, 0, 3): a batch of 0"),
        (["run", "lstm", "-T", "3", "--input", "{tmp}/x.npy"], "give --input or --steps, not both"),
        (["run", "lstm", "-o", "{tmp}/no/such/dir/t.npz"], "'{tmp}/no/such/dir': no such directory"),
        (["run", "lstm", "--save-params", "{tmp}/no/p.npz"], "'{tmp}/no': no such directory"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, args, expected):
    (tmp_path / "bad.toml").write_text(
        '[cell]\nname = "t"\n[[node]]\nid = "f"\nkind = "layer"\nactivation = "sigmod"\ninputs = ["x"]\n'
    )
    np.save(tmp_path / "x.npy", np.zeros((2, 1, 3)))
    np.save(tmp_path / "empty_batch.npy", np.zeros((2, 0, 3)))
    np.save(tmp_path / "no_features.npy", np.zeros((2, 1, 0)))
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(tmp_path / "y.npz", y=np.zeros((2, 1, 3)))
    np.savez(tmp_path / "xy.npz", x=np.zeros((2, 1, 3)), y=np.zeros((2, 1, 3)))
    lstmviz.save_params(lstmviz.init_params(lstmviz.load("lstm")), tmp_path / "p.npz")
    out = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("lstmviz: error: ")
    assert expected.format(tmp=tmp_path) in out.stderr


def test_a_failed_run_leaves_no_output_file(tmp_path):
    out = run_cli("run", "lstm", "--dim", "input=0", "-o", tmp_path / "t.npz")
    assert out.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_in_process_runner_sees_the_same_errors():
    result = CliRunner().invoke(main, ["check", "nope"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)


def test_lstmviz_runs_without_torch(tmp_path):
    """torch is a test dependency only: hide it and the package, the CLI and the executor still work."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "class _NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ImportError('torch is hidden for this test')\n"
        "sys.meta_path.insert(0, _NoTorch())\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    code = (
        "import lstmviz, numpy as np, sys\n"
        "r = lstmviz.run('lstm', np.zeros((3, 1, 3)))\n"
        "print(r.outputs.shape, 'torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(3, 1, 4) False"
    cli = run_cli("run", "gru-pytorch", "-T", "2", env=env)
    assert cli.returncode == 0, cli.stderr
    proof = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True, text=True, env=env)
    assert "torch is hidden" in proof.stderr


def test_cli_start_up_does_not_import_heavy_modules():
    code = "import sys, lstmviz.cli; print(sorted(m for m in ('torch', 'matplotlib', 'graphviz') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf"])
def test_render_writes_each_format(tmp_path, suffix):
    out = run_cli("render", "lstm", "-o", tmp_path / f"lstm.{suffix}", "--style", "dark", "--width", "9cm")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"wrote {tmp_path / f'lstm.{suffix}'}"
    head = (tmp_path / f"lstm.{suffix}").read_bytes()[:5]
    assert head == {"svg": b"<?xml", "png": b"\x89PNG\r", "pdf": b"%PDF-"}[suffix] or head.startswith(b"<svg")


@pytest.mark.slow
@pytest.mark.parametrize("font", ["sans", "serif", "cm"])
def test_a_pdf_in_any_font_says_only_what_it_wrote(tmp_path, font):
    # fontTools' notes on the fonts it subsets (Computer Modern's dates "seem very low") had
    # reached stderr, six lines for one figure
    out = run_cli("render", "lstm", "--font", font, "-o", tmp_path / "lstm.pdf")
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == f"wrote {tmp_path / 'lstm.pdf'}\n"


def test_render_writes_several_formats_of_one_figure(tmp_path):
    svg, pdf = tmp_path / "gru.svg", tmp_path / "gru.pdf"
    out = run_cli("render", "gru", "--view", "chain", "-o", svg, "-o", pdf)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"wrote {svg}, {pdf}"
    assert svg.read_text() == lstmviz.render("gru", view="chain") and pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["render", "lstm", "-o", "{tmp}/x.gif"], "unknown format 'gif' (must be one of svg, png, pdf, pgf, dot)"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "-o", "{tmp}/x.gif"], "unknown format 'gif'"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "-o", "{tmp}/none/x.png"], "no such directory"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "--view", "sideways"], "unknown view 'sideways'"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "--style", "neon"], "'neon': is neither a built-in style"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "--width", "wide"], "width 'wide' is not a length"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "--width", "8"], "width '8' is not a length with a unit"),
        (["render", "lstm", "-o", "{tmp}/x.svg", "--width", "0.01mm"], "is not between 0.1 and 200 inches"),
        (["render", "lstm", "-o", "{tmp}/none/x.svg"], "no such directory"),
    ],
)
def test_render_refuses_bad_options_in_one_line(tmp_path, args, expected):
    out = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and expected in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_svg_rendering_does_not_import_matplotlib_or_graphviz():
    code = (
        "import sys, lstmviz; lstmviz.render('lstm');"
        "print(sorted(m for m in ('matplotlib', 'graphviz', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_lstmviz_alone_shows_the_help_and_a_mistake_is_one_line():
    alone = run_cli()
    assert "Usage:" in alone.stderr + alone.stdout and "lstmviz: error" not in alone.stderr
    wrong = run_cli("render", "lstm", "--frobnicate")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
    assert wrong.stderr.startswith("lstmviz: error: No such option '--frobnicate'") and "render --help" in wrong.stderr
