"""Fixtures several test modules share."""

import pytest

from tests.support import CHROMIUM, CHROMIUM_FLAGS


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one per worker."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


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
