"""The built gallery in Debian's headless Chromium (driven by Playwright, no browser download):
from the file system and from ``gallery serve``, at desktop and phone widths."""

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from lstmviz.gallery import build, load_entries, serve
from lstmviz.gallery.jobs import jobs_for
from tests.support import CHROMIUM, open_page

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed here; CI installs it"
    ),
    pytest.mark.slow,  # builds the gallery and drives a browser through it
]

GALLERY = Path(__file__).parents[2] / "gallery"
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
PAGES = ["index.html"] + [f"{e.slug}.html" for e in load_entries(GALLERY)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    build(GALLERY, out, workers=os.cpu_count())
    return out


@pytest.fixture(scope="module")
def http(site):
    address, ready = [], threading.Event()
    thread = threading.Thread(
        target=serve, args=(site,), kwargs={"port": 0, "ready": lambda url: (address.append(url), ready.set())}
    )
    thread.daemon = True
    thread.start()
    assert ready.wait(10)
    return address[0]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_cleanly_from_disk_and_from_serve(site, http, browser, name):
    for url in ((site / name).as_uri(), http + name):
        page = open_page(browser, url)
        broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
        assert broken == [], url
        players = [f for f in page.frames if f.url.endswith("-player.html")]
        explorers = [f for f in page.frames if "-explorer-" in f.url]
        assert len(players) + len(explorers) == len(page.frames) - 1, "no other frames"
        if name != "index.html":
            assert len(players) == 2 and all(f.locator("svg g.node").count() > 5 for f in players), url
            learns = next(e for e in load_entries(GALLERY) if f"{e.slug}.html" == name).learn
            assert len(explorers) == bool(learns), url
            widths = page.evaluate("[...document.querySelectorAll('math')].map(m => m.getBoundingClientRect().width)")
            assert widths and min(widths) > 40, "the equations are typeset"
        page.wait_for_timeout(200)
        assert page.problems == [], url
        page.context.close()


def test_every_link_image_and_download_resolves(site, http, browser):
    page = open_page(browser, http + "index.html")
    seen = set()
    for name in PAGES:
        page.goto(http + name)
        targets = page.evaluate(
            """[...document.querySelectorAll('a[href], img[src], iframe[src], link[href], script[src]')]
               .map(e => e.href || e.src)"""
        )
        for target in targets:
            target = target.split("#")[0]
            if target in seen:
                continue
            seen.add(target)
            if target.startswith("https://"):  # a paper: not fetched on a closed network, but a real address
                continue
            assert target.startswith(http), f"{name} links off the site: {target}"
            response = page.request.get(target)
            assert response.status == 200, f"{name}: {target}"
            assert len(response.body()) > 0
    downloads = {t.removeprefix(http) for t in seen if t.endswith((".svg", ".png", ".pdf", ".toml"))}
    pages = ("player", "explorer")  # pages of their own, in frames; the rest are downloads
    expected = {f for e in load_entries(GALLERY) for j in jobs_for(e) if j.view not in pages for f in j.files}
    assert expected <= downloads  # every figure of every entry, in every format
    page.context.close()


def test_the_player_steps_inside_an_entry_page(site, browser):
    page = open_page(browser, (site / "lstm.html").as_uri())
    page.locator("#animation").scroll_into_view_if_needed()
    player = next(f for f in page.frames if f.url.endswith("lstm-colah-player.html"))
    player.click("#play")  # pause
    player.click("#next")
    first = player.inner_text("#at")
    player.click("#next")
    assert player.inner_text("#at") != first
    assert player.get_attribute("body", "data-playing") == "false"
    height = page.evaluate("document.querySelector('.player.style-colah iframe').getBoundingClientRect().height")
    inner = player.evaluate("document.documentElement.getBoundingClientRect().height")
    assert abs(height - inner) < 8, "the frame takes the player's height"
    assert page.problems == []
    page.context.close()


def test_the_trained_counter_shows_its_counting_neurons(site, browser):
    """The LSTM page trains the cell on Chen's counter: its frame takes the explorer's height, three
    neurons are shown, and the first of them tracks the count closely."""
    page = open_page(browser, (site / "lstm.html").as_uri())
    page.locator("#learning").scroll_into_view_if_needed()
    explorer = next(f for f in page.frames if f.url.endswith("lstm-explorer-count.html"))
    explorer.wait_for_selector("section.neuron .corr")
    shown = explorer.evaluate("[...document.querySelectorAll('section.neuron:not([hidden])')].length")
    assert shown == 3
    first = explorer.inner_text("section.neuron:not([hidden]) >> nth=0 >> .corr")
    assert abs(float(first.rsplit("=", 1)[1])) > 0.9, first
    inner = explorer.evaluate("document.documentElement.getBoundingClientRect().height")
    frame = "document.querySelector('#learning iframe').getBoundingClientRect().height"
    page.wait_for_function(f"() => Math.abs({frame} - {inner}) < 8")  # the frame takes the explorer's height
    assert page.problems == []
    page.context.close()


def test_the_style_switch_shows_one_style_and_is_remembered(http, browser):
    page = open_page(browser, http + "gru.html")
    assert page.locator("img.style-colah").first.is_visible()
    assert not page.locator("img.style-pipe").first.is_visible()
    page.click("label:has(#style-pipe)")
    assert page.locator("img.style-pipe").first.is_visible()
    assert not page.locator("img.style-colah").first.is_visible()
    page.goto(http + "lstm.html")
    assert page.locator("img.style-pipe").first.is_visible()
    assert page.problems == []
    page.context.close()


def test_the_copy_button_copies_the_spec(site, http, browser):
    page = open_page(browser, http + "mgu.html", permissions=["clipboard-read", "clipboard-write"])
    page.click("button.copy")
    page.wait_for_function("document.querySelector('.copied').textContent.length > 0")
    assert page.inner_text(".copied") == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == (site / "mgu" / "mgu.toml").read_text()
    page.context.close()
    page = open_page(browser, (site / "mgu.html").as_uri())  # from disk, where a fallback copies
    page.click("button.copy")
    page.wait_for_function("document.querySelector('.copied').textContent.length > 0")
    assert page.inner_text(".copied") == "Copied."
    assert page.problems == []
    page.context.close()


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_wider_than_a_phone(site, browser, name):
    page = open_page(browser, (site / name).as_uri(), width=WIDTHS["phone"])
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"], name
    page.context.close()


def test_a_wide_chain_scrolls_to_its_middle_step_on_a_phone(site, browser):
    page = open_page(browser, (site / "lstm-stacked.html").as_uri(), width=WIDTHS["phone"])
    scroll = page.evaluate(
        """[...document.querySelectorAll('figure.wide .frame')].filter(f => f.offsetParent)
           .map(f => [f.parentElement.className, f.scrollLeft, f.scrollWidth - f.clientWidth])"""
    )
    chains = [(left, room) for kind, left, room in scroll if "chain" in kind]
    assert chains and all(room > 0 and abs(left - room / 2) <= 1 for left, room in chains)
    assert all(left == 0 for kind, left, _ in scroll if "chain" not in kind)  # the rest start at their inputs
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index.html", "lstm.html", "lstm-stacked.html"])
def test_screenshots_match_the_reviewed_ones(site, browser, tmp_path, name, width):
    """Compared with a tolerance (fonts anti-alias a little differently from machine to machine).
    On a difference the new screenshot is kept for review; LSTMVIZ_NEW_SCREENSHOTS=1 replaces the
    reviewed ones, after you have looked at them."""
    from PIL import Image

    page = open_page(browser, (site / name).as_uri(), width=WIDTHS[width])
    shot = tmp_path / f"{Path(name).stem}-{width}.png"
    page.screenshot(path=shot, full_page=True, animations="disabled", mask=[page.locator("iframe")])
    page.context.close()
    reviewed = SCREENSHOTS / shot.name
    if os.environ.get("LSTMVIZ_NEW_SCREENSHOTS"):
        SCREENSHOTS.mkdir(exist_ok=True)
        reviewed.write_bytes(shot.read_bytes())
    assert reviewed.exists(), f"no reviewed screenshot {reviewed}; look at {shot}"
    new, old = Image.open(shot).convert("L"), Image.open(reviewed).convert("L")
    assert new.width == old.width and abs(new.height - old.height) <= 0.02 * old.height, (
        f"{shot} is {new.size}, the reviewed one {old.size}"
    )
    height = min(new.height, old.height)
    size = (new.width // 4, height // 4)  # compare at a quarter size: layout, not anti-aliasing
    a = np.asarray(new.crop((0, 0, new.width, height)).resize(size, Image.BOX), dtype=float)
    b = np.asarray(old.crop((0, 0, old.width, height)).resize(size, Image.BOX), dtype=float)
    differing = float(np.mean(np.abs(a - b) > 40))
    assert differing < 0.01, f"{differing:.2%} of {shot} differs from {reviewed}"


def test_the_index_shows_one_thumbnail_per_cell_and_finds_cells_by_word_and_tag(http, browser):
    entries = load_entries(GALLERY)
    page = open_page(browser, http + "index.html")
    shown = """[...document.querySelectorAll('.card')].filter(c => c.offsetParent)
               .map(c => c.querySelector('h2').textContent)"""
    thumbs = "[...document.querySelectorAll('.card img')].filter(i => i.offsetParent).map(i => i.className)"
    assert len(page.evaluate(shown)) == len(entries)
    assert page.evaluate(thumbs) == ["thumb style-colah"] * len(entries)  # one each, in the chosen style
    page.click("label:has(#style-pipe)")
    assert page.evaluate(thumbs) == ["thumb style-pipe"] * len(entries)
    assert page.evaluate("document.documentElement.scrollHeight") < 300 * len(entries)  # a grid, not a stack
    page.fill("#search", "gru")
    want = [e.title for e in entries if "gru" in " ".join([e.title, e.graph.description, e.slug, *e.tags]).lower()]
    assert page.evaluate(shown) == want and len(want) >= 3
    assert page.inner_text(".found") == f"{len(want)} of {len(entries)} cells"
    page.fill("#search", "")
    page.click("button[data-tag='minimal']")
    assert page.evaluate(shown) == [e.title for e in entries if "minimal" in e.tags]
    page.fill("#search", "no such cell")
    assert page.evaluate(shown) == [] and page.locator(".none-found").is_visible()
    assert page.problems == []
    page.context.close()


def test_serve_watch_reloads_the_open_page_after_a_rebuild(tmp_path, browser):
    """As `gallery serve --watch` runs it: a build, the watcher, and a live server; an edit to an
    entry rebuilds the site, and the page open in the browser shows the edit by itself."""
    import shutil

    from lstmviz.gallery.serve import make_server
    from lstmviz.gallery.watch import watch

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(GALLERY / "rnn.toml", src / "rnn.toml")  # no template/: the one shipped with lstmviz
    site = tmp_path / "site"
    build(src, site, workers=1)
    stop = threading.Event()
    threading.Thread(
        target=watch, args=(src, site), kwargs={"stop": stop, "report": lambda line: None}, daemon=True
    ).start()
    server = make_server(site, port=0, live=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = open_page(browser, f"http://127.0.0.1:{server.server_address[1]}/rnn.html")
        assert "Edited by the test" not in page.inner_text(".caption")
        page.evaluate("window.notReloaded = true")
        entry = src / "rnn.toml"
        entry.write_text(entry.read_text().replace('caption = """\n', 'caption = """\nEdited by the test. ', 1))
        page.wait_for_function("!window.notReloaded && document.querySelector('.caption')", timeout=60_000)
        assert "Edited by the test." in page.inner_text(".caption")
        assert page.problems == []
        page.context.close()
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
