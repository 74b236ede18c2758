"""Fixtures for end-to-end tests: the built site on 127.0.0.1 and headless Chromium.

Every page a test opens records its console errors and every request; after the test, none may
have left 127.0.0.1 and the console must be clean (tests that provoke errors on purpose say so).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.site_server import ROOT, Server, build_site, launch

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="session")
def server(site_dir):
    """The site built for the address it is served at (instant navigation needs the match)."""
    serving = Server(site_dir)
    done = build_site(site_dir, site_url=serving.url)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    with serving as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


class PageRecord:
    def __init__(self):
        self.console_errors: list[str] = []
        self.requests: list[str] = []  # what the pages and their workers asked for
        self.service_worker_requests: list[str] = []  # the service worker's own (its Cache)
        self.expect_errors = False

    def foreign_requests(self) -> list[str]:
        return [
            url for url in self.requests + self.service_worker_requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss")
            and urlparse(url).hostname != "127.0.0.1"
        ]


@pytest.fixture
def record():
    return PageRecord()


@pytest.fixture
def page(browser, record, request):
    """A tab in a fresh context; `@pytest.mark.context(**options)` adds Playwright context
    options (e.g. bypass_csp=True for a test tool injected as an inline script)."""
    marker = request.node.get_closest_marker("context")
    options = {"viewport": {"width": 1200, "height": 900}, **(marker.kwargs if marker else {})}
    context = browser.new_context(**options)
    tab = context.new_page()
    tab.on("console", lambda m: m.type == "error" and record.console_errors.append(m.text))
    tab.on("pageerror", lambda e: record.console_errors.append(f"uncaught: {e}"))
    context.on("request", lambda r: (record.requests if r.service_worker is None
                                     else record.service_worker_requests).append(r.url))
    yield tab
    context.close()
    assert record.foreign_requests() == [], "requests left 127.0.0.1"
    if not record.expect_errors:
        assert record.console_errors == [], "console errors"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
