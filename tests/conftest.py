"""Fixtures several test modules share."""

import pytest

from tests.support import CHROMIUM, CHROMIUM_FLAGS

_BROWSERS: list = []  # the worker's browser, once a test has asked for it


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one per worker (two Playwright instances in one process conflict)."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        _BROWSERS.append(browser)
        yield browser
        browser.close()


@pytest.fixture(scope="module", autouse=True)
def _pages_closed_after_each_module():
    """Every page a module opened is closed after it: a page left open goes on playing its
    animations, and the worker's one browser would spend the rest of the run drawing them."""
    yield
    for browser in _BROWSERS:
        for context in browser.contexts:
            context.close()


#: The built-in cell the fast tier (pytest -m "not slow") draws where a test runs over every built-in;
#: the whole suite runs such a test for each of them.
FAST_CELLS = ("lstm",)


def pytest_collection_modifyitems(items):
    """A test parametrized over the built-in cells (a parameter holding a built-in's name) is slow
    for every built-in but the fast tier's: one cell checks each module quickly, all of them run in
    the whole suite."""
    import lstmviz

    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        names = [v for v in params.values() if isinstance(v, str) and v in lstmviz.BUILTINS]
        if names and not set(names) <= set(FAST_CELLS):
            item.add_marker(pytest.mark.slow)
    _slow_modules_first(items)


#: The modules with the longest tests (pytest --durations: the fuzz, the README's commands, the
#: gallery site in a browser, random cells drawn, gallery builds, a fresh venv), run first.
LONGEST_FIRST = (
    "tests.test_fuzz",
    "tests.test_readme",
    "tests.gallery.test_site_browser",
    "tests.layout.test_drawn",
    "tests.gallery.test_build",
    "tests.test_packaging",
    "tests.motion.test_video",
)


def _slow_modules_first(items: list) -> None:
    """The modules with the longest tests run first, then the other modules that hold slow tests,
    then the rest; each module's tests together and in their own order. The workers start on the
    long tests and end on short ones, which they share out, instead of one worker running a
    two-minute test while the other has nothing left."""

    def module(item) -> str:  # type: ignore[no-untyped-def]
        return getattr(getattr(item, "module", None), "__name__", "")

    slow = {module(item) for item in items if item.get_closest_marker("slow")}
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: (rank.get(module(item), len(rank)), module(item) not in slow))  # stable
