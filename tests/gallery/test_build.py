"""Building the site: complete, incremental, parallel, and never half-written."""

import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lstmviz import LstmvizError, SpecError
from lstmviz.gallery import build, load_entries, serve
from lstmviz.gallery.build import MANIFEST
from lstmviz.gallery.jobs import jobs_for

GALLERY = Path(__file__).parents[2] / "gallery"


def small_source(root: Path, *slugs: str) -> Path:
    """A gallery of a few real entries and the real template."""
    src = root / "src"
    shutil.copytree(GALLERY / "template", src / "template")
    for slug in slugs:
        shutil.copy(GALLERY / f"{slug}.toml", src / f"{slug}.toml")
    return src


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("gallery")
    src = small_source(root, "rnn", "gru")
    report = build(src, root / "site", workers=2)
    return root, src, report


def test_a_build_writes_every_page_figure_and_spec(built):
    root, src, report = built
    site = root / "site"
    entries = load_entries(src)
    assert report.entries == 2 and report.reused == 0
    assert report.drawn == sum(len(jobs_for(e)) for e in entries)
    for entry in entries:
        page = (site / f"{entry.slug}.html").read_text()
        for job in jobs_for(entry):
            for name in job.files:
                assert (site / name).stat().st_size > 0, name
                assert f'"{name}"' in page, name  # shown, played or offered for download
        assert (site / entry.slug / f"{entry.slug}.toml").read_text() == entry.spec
    for name in ("index.html", "site.css", "site.js", "favicon.svg", MANIFEST):
        assert (site / name).is_file()
    assert sorted(p.name for p in root.iterdir()) == ["site", "src"]  # no staging folder left behind


def test_every_local_link_in_the_pages_resolves(built):
    site = built[0] / "site"
    for page in site.glob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"#]+)"', page.read_text()):
            if not target.startswith("https://"):
                assert (site / target).is_file(), f"{page.name} links to missing {target}"


def test_an_unchanged_gallery_draws_nothing(built):
    root, src, _ = built
    before = snapshot(root / "site")
    report = build(src, root / "site", workers=2)
    assert report.drawn == 0 and report.reused > 0
    assert snapshot(root / "site") == before


def test_an_unchanged_gallery_keeps_its_pages_and_a_changed_template_writes_them_again(built):
    """With nothing changed the pages are the last build's files (linked, not written again: a
    rebuild takes a tenth of a second); a change to the template writes every page again."""
    root, src, _ = built
    site = root / "site"
    build(src, site, workers=2)
    pages = {name: (site / name).stat().st_ino for name in ("index.html", "gru.html", "rnn.html", "site.css")}
    build(src, site, workers=2)
    assert {name: (site / name).stat().st_ino for name in pages} == pages
    css = src / "template" / "site.css"
    kept = css.read_text()
    try:
        css.write_text(kept + "\n/* a rule of the user's */\n")
        build(src, site, workers=2)
        assert all((site / name).stat().st_ino != inode for name, inode in pages.items())
        assert "a rule of the user's" in (site / "site.css").read_text()
    finally:
        css.write_text(kept)
        build(src, site, workers=2)


def test_a_new_caption_rewrites_the_page_and_draws_nothing(built):
    root, src, _ = built
    path = src / "gru.toml"
    path.write_text(path.read_text().replace("The GRU merges", "The gated recurrent unit merges"))
    report = build(src, root / "site", workers=2)
    assert report.drawn == 0
    assert "The gated recurrent unit merges" in (root / "site" / "gru.html").read_text()


@pytest.mark.slow
def test_a_changed_spec_redraws_that_entry_only(built):
    root, src, _ = built
    path = src / "rnn.toml"
    before = snapshot(root / "site")
    path.write_text(path.read_text().replace('label = "x_t"', 'label = "u_t"'))
    report = build(src, root / "site", workers=2)
    (rnn,) = [e for e in load_entries(src) if e.slug == "rnn"]
    assert report.drawn == len(jobs_for(rnn))
    after = snapshot(root / "site")
    assert after["rnn/rnn-colah-cell.svg"] != before["rnn/rnn-colah-cell.svg"]
    assert all(after[k] == v for k, v in before.items() if k.startswith("gru/") and not k.endswith(".toml"))


def test_a_broken_entry_fails_naming_its_file_and_leaves_the_site_alone(built):
    root, src, _ = built
    before = snapshot(root / "site")
    bad = src / "broken.toml"
    bad.write_text((src / "rnn.toml").read_text().replace("h = tanh(linear(hx))", "h = tanh(linaer(hx))"))
    try:
        with pytest.raises(SpecError) as err:
            build(src, root / "site", workers=2)
        assert err.value.one_line().startswith(f"{bad}:")
        assert snapshot(root / "site") == before
        assert sorted(p.name for p in root.iterdir()) == ["site", "src"]
    finally:
        bad.unlink()


@pytest.mark.slow
def test_a_failure_after_drawing_leaves_no_half_written_site(tmp_path):
    src = small_source(tmp_path, "rnn")
    site = tmp_path / "site"
    build(src, site, workers=1)
    before = snapshot(site)
    layout = src / "template" / "layout.html"
    layout.write_text(layout.read_text().replace("$body", "$body $oops"))
    (src / "rnn.toml").write_text((src / "rnn.toml").read_text().replace('label = "x_t"', 'label = "u_t"'))
    with pytest.raises(SpecError, match=r"layout\.html.*placeholder"):
        build(src, site, workers=1)  # every figure is drawn again, then the pages fail
    assert snapshot(site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "src"]


def test_it_will_not_build_over_a_folder_that_is_not_a_site(tmp_path):
    src = small_source(tmp_path, "rnn")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious")
    with pytest.raises(SpecError, match="not empty"):
        build(src, tmp_path / "docs")
    assert (tmp_path / "docs" / "thesis.tex").read_text() == "precious"


@pytest.mark.slow
def test_every_text_from_an_entry_is_escaped(tmp_path):
    src = small_source(tmp_path)
    (src / "evil.toml").write_text(
        '[gallery]\ncaption = "Caption <script>alert(1)</script> & more"\npaper = "https://x.org/?a=1&b=<2>"\n'
        '[cell]\nname = "evil"\ntitle = "<img src=x onerror=alert(1)>"\n'
        'description = "\\" onmouseover=\\"alert(1)"\n'
        "equations = '''\nh = tanh(linear(h_prev, x))\n'''\n"
        '[states]\nh = { size = "hidden", label = "<b>h</b>" }\n'
    )
    with pytest.raises(SpecError, match="paper"):  # a link is checked, not escaped into something else
        build(src, tmp_path / "site", workers=1)
    text = (src / "evil.toml").read_text().replace("&b=<2>", "&b=2")
    (src / "evil.toml").write_text(text)
    build(src, tmp_path / "site", workers=1)
    for page in ("evil.html", "index.html"):
        html = (tmp_path / "site" / page).read_text()
        assert "<script>alert" not in html and "<img src=x" not in html and '" onmouseover' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Caption &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in (tmp_path / "site" / "evil.html").read_text()
    spec = (tmp_path / "site" / "evil.html").read_text().split('<code id="spec-source" class="toml">')[1]
    assert spec.startswith('<span class="k">[cell]</span>')  # coloured by Pygments, and escaped by it
    quoted = [f'<span class="s2">{q}&lt;img src=x onerror=alert(1)&gt;{q}</span>' for q in ('"', "&quot;")]
    assert any(q in spec for q in quoted)  # Pygments 2.20 escapes the quotes too
    assert "<b>h</b>" not in (tmp_path / "site" / "evil" / "evil-colah-cell.svg").read_text()
    figure = ET.fromstring((tmp_path / "site" / "evil" / "evil-colah-cell.svg").read_text())
    texts = ["".join(t.itertext()) for t in figure.iter("{http://www.w3.org/2000/svg}text")]
    assert "<b>h</b>" in texts  # drawn as the text it is (its letters italic, in spans of their own)
    assert not list(figure.iter("b"))
    assert "<math" in (tmp_path / "site" / "evil.html").read_text()  # no latex given: written from the graph


@pytest.mark.slow
def test_the_command_builds_and_reports_bad_input_in_one_line(tmp_path):
    src = small_source(tmp_path, "rnn")
    cmd = [sys.executable, "-m", "lstmviz.cli", "gallery", "build", "--source", str(src), "-o", str(tmp_path / "site")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"built {tmp_path / 'site'}/index.html: 1 entry, ")
    (src / "rnn.toml").write_text("[gallery\n")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and f"{src / 'rnn.toml'}:1:" in out.stderr


def test_serve_previews_the_site_on_localhost(built):
    site = built[0] / "site"
    address = []
    ready = threading.Event()
    thread = threading.Thread(
        target=serve, args=(site,), kwargs={"port": 0, "ready": lambda url: (address.append(url), ready.set())}
    )
    thread.daemon = True
    thread.start()
    assert ready.wait(10)
    with urllib.request.urlopen(address[0] + "index.html", timeout=10) as response:
        assert response.status == 200 and b"lstmviz gallery" in response.read()
    with urllib.request.urlopen(address[0] + "rnn/rnn.toml", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
    with pytest.raises(LstmvizError, match="holds no built site"):
        serve(built[1])


@pytest.mark.slow
def test_what_a_killed_build_left_is_cleared_by_the_next(tmp_path):
    src = small_source(tmp_path, "rnn")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / f".site.partial-{dead.stdout.strip()}"  # a process that has exited
    (leftover / "rnn").mkdir(parents=True)
    (leftover / "rnn" / "half.png").write_bytes(b"\x89PNG")
    build(src, tmp_path / "site", workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "src"]


@pytest.mark.slow
def test_serve_watch_rebuilds_on_a_change_and_keeps_the_site_on_an_error(tmp_path):
    import signal
    import time

    src = small_source(tmp_path, "rnn")
    site = tmp_path / "site"
    cmd = [sys.executable, "-m", "lstmviz.cli", "gallery", "serve", "--watch", "--source", str(src), "-d", str(site)]
    inherited = (signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, []))

    def ctrl_c_as_in_a_terminal() -> None:  # whatever the test run's own signal state (a full run's differs)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    server = subprocess.Popen(
        cmd + ["--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    try:
        line = server.stdout.readline()  # after the first build
        assert line.startswith(f"serving {site} at http://127.0.0.1:"), line + server.stderr.read()
        url = line.split(" at ")[1].split()[0] + "rnn.html"

        def page() -> str:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read().decode()

        assert "The simplest loop" in page()
        path = src / "rnn.toml"
        save(path, path.read_text().replace("The simplest loop", "The plainest loop"))
        deadline = time.monotonic() + 60
        while "The plainest loop" not in page() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "The plainest loop" in page()
        assert server.stderr.readline().startswith("lstmviz: rebuilt: 0 figures drawn")
        save(path, path.read_text().replace('label = "x_t"', 'label = "u_t"'))  # redrawn beside a thread
        rebuilt = server.stderr.readline()
        assert rebuilt.startswith("lstmviz: rebuilt: ") and " 0 figures drawn" not in rebuilt, rebuilt
        assert ">u</tspan>" in (site / "rnn" / "rnn-colah-cell.svg").read_text()
        save(path, path.read_text().replace("h = tanh(linear(hx))", "h = tanh(linaer(hx))"))
        error = server.stderr.readline()
        assert error.startswith(f"lstmviz: error: {path}:") and "the site is unchanged" in error
        assert "The plainest loop" in page()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # say what it was doing (seen twice in full runs, never alone)
            server.kill()
            _, err = server.communicate()
            raise AssertionError(
                f"gallery serve --watch did not stop on Ctrl-C (test run's SIGINT handler and mask: {inherited}); "
                f"its stderr: {err[-2000:]}"
            ) from None


def save(path: Path, text: str) -> None:
    """Write ``path`` whole in one rename, as an editor saves: a watcher polling meanwhile never reads
    it half-written (write_text truncates first, and under load a poll can fall in between)."""
    part = path.parent.parent / f".{path.name}.saving"  # outside the watched folder
    part.write_text(text)
    os.replace(part, path)


def watch_reports(src, site, changes, *, settle: float = 0.0) -> list[str]:
    """Run the watcher while each of ``changes`` edits the sources, waiting for a report after each,
    then ``settle`` seconds more; return every report."""
    import time

    from lstmviz.gallery.watch import watch

    stop, reports = threading.Event(), []
    thread = threading.Thread(
        target=watch, args=(src, site), kwargs={"stop": stop, "report": reports.append, "interval": 0.1}
    )
    thread.start()
    try:
        time.sleep(0.3)
        for change in changes:
            seen = len(reports)
            change()
            deadline = time.monotonic() + 60
            while len(reports) == seen and time.monotonic() < deadline:
                time.sleep(0.1)
        time.sleep(settle)
    finally:
        stop.set()
        thread.join(60)
    return reports


def test_watching_a_site_inside_its_sources_is_refused_before_anything_is_built(tmp_path):
    from tests.support import run_cli

    src = small_source(tmp_path, "rnn")
    out = run_cli("gallery", "serve", "--watch", "--source", src, "-d", src / "site", "--port", "0")
    assert out.returncode == 2 and out.stdout == "" and "lies inside" in out.stderr, out.stderr
    assert not (src / "site").exists()


@pytest.mark.slow
def test_the_watcher_reports_a_template_saved_in_another_encoding_and_goes_on(tmp_path):
    src = small_source(tmp_path, "rnn")
    site = tmp_path / "site"
    build(src, site, workers=1)
    layout = src / "template" / "layout.html"
    good = layout.read_bytes()
    reports = watch_reports(
        src,
        site,
        [
            lambda: layout.write_bytes(
                good.replace(b"<html", "<!-- d\u00e9j\u00e0 -->".encode("latin-1") + b"<html", 1)
            ),
            lambda: layout.write_bytes(good + b"\n"),
        ],
    )
    assert len(reports) == 2, reports
    assert reports[0].startswith(f"error: '{layout}': is not UTF-8 text") and reports[0].count("\n") == 0
    assert reports[1].startswith("rebuilt: 0 figures drawn")


@pytest.mark.slow
def test_the_watcher_survives_an_error_that_is_not_an_lstmviz_error(tmp_path, monkeypatch):
    """A bug of ours (here injected: no real input is known to cause one) is one line, and the
    next change is built as usual."""
    import lstmviz.gallery.watch as watch_module

    src = small_source(tmp_path, "rnn")
    site = tmp_path / "site"
    build(src, site, workers=1)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("an unexpected failure\nwith a second line")
        return build(*args, **kwargs)

    monkeypatch.setattr(watch_module, "build", flaky)
    path = src / "rnn.toml"
    reports = watch_reports(
        src,
        site,
        [lambda: save(path, path.read_text() + "\n"), lambda: save(path, path.read_text() + "\n")],
    )
    assert len(reports) == 2, reports
    assert reports[0] == "error: RuntimeError: an unexpected failure (the site is unchanged; please report this)"
    assert reports[1].startswith("rebuilt: ")


@pytest.mark.slow
def test_gallery_init_starts_a_gallery_that_builds_with_its_own_template(tmp_path):
    from tests.support import run_cli

    out = run_cli("gallery", "init", tmp_path / "mine")
    assert out.returncode == 0, out.stderr
    files = sorted(p.relative_to(tmp_path / "mine").as_posix() for p in (tmp_path / "mine").rglob("*") if p.is_file())
    assert files == [
        "my-lstm.toml", "template/favicon.svg", "template/layout.html", "template/site.css", "template/site.js"
    ]  # fmt: skip
    assert f"next: lstmviz gallery build {tmp_path / 'mine'} -o {tmp_path / 'mine'}-site" in out.stdout
    (tmp_path / "mine" / "template" / "site.css").write_text("body { color: rebeccapurple; }")  # theirs to change
    printed = out.stdout.split("next: lstmviz ")[1].split("   (then")[0].split()  # the command init prints works
    built = run_cli(*printed, "-j", "1")
    assert built.returncode == 0 and "1 entry, 19 figures drawn" in built.stdout, built.stdout + built.stderr
    page = (tmp_path / "mine-site" / "my-lstm.html").read_text()
    # a complete cell page: every equation of the cell, its states in one case throughout
    equations = [html.unescape(m) for m in re.findall(r'alttext="([^"]*)"', page)]
    assert [e.split(" = ")[0] for e in equations] == ["f_t", "i_t", r"\tilde{C}_t", "C_t", "o_t", "h_t"]
    assert r"W_{C}" in equations[2] and "c_t" not in page and "C_{t-1}" in equations[3]
    assert (tmp_path / "mine-site" / "site.css").read_text() == "body { color: rebeccapurple; }"  # built with theirs
    both = run_cli("gallery", "build", tmp_path / "mine", "--source", tmp_path / "mine", "-o", tmp_path / "x")
    assert both.returncode == 2 and "give the entries' folder once" in both.stderr and not (tmp_path / "x").exists()
    again = run_cli("gallery", "init", tmp_path / "mine")  # never over a gallery that exists
    assert again.returncode == 2 and "exists and is not an empty folder" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert (tmp_path / "mine" / "template" / "site.css").read_text() == "body { color: rebeccapurple; }"


@pytest.mark.slow
def test_a_build_into_a_folder_that_holds_or_lies_in_its_source_is_refused_with_the_source_intact(tmp_path):
    from tests.support import run_cli

    assert run_cli("gallery", "init", tmp_path / "g").returncode == 0
    assert build(tmp_path / "g", tmp_path / "site", workers=1).entries == 1
    (tmp_path / "g").rename(tmp_path / "site" / "entries")  # the entries kept inside the last build
    entries = tmp_path / "site" / "entries"
    before = {p: p.read_bytes() for p in entries.rglob("*") if p.is_file()}
    site_before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*"))
    for output, words in [("site", "holds"), ("site/entries/out", "lies inside"), ("site/entries", "holds")]:
        out = run_cli("gallery", "build", "--source", entries, "-o", tmp_path / output)
        assert out.returncode == 2 and out.stdout == "", out.stderr
        assert out.stderr.count("\n") == 1 and words in out.stderr and "write to a folder outside" in out.stderr
    assert {p: p.read_bytes() for p in entries.rglob("*") if p.is_file()} == before
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*")) == site_before


@pytest.mark.slow
def test_a_build_through_a_link_to_a_folder_keeps_the_link_and_leaves_nothing_beside_it(tmp_path):
    from tests.support import run_cli

    assert run_cli("gallery", "init", tmp_path / "g").returncode == 0
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    for _ in range(2):  # a first build, then one over it
        out = run_cli("gallery", "build", tmp_path / "g", "-o", tmp_path / "link", "-j", "1")
        assert out.returncode == 0, out.stderr
        assert f"built {tmp_path / 'link'}/index.html" in out.stdout
        assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "index.html").is_file()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["g", "link", "real"]
