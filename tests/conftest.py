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
