"""The Content-Security-Policy in headless Chromium: every page of the built site works under
it (charts drawn, demos ready, no violation), and a request to another origin is refused.

The pages come from the sitemap the build wrote. Violations are caught two ways: the
`securitypolicyviolation` event (added before any page script runs) and the console.
"""

from __future__ import annotations

import http.server
import threading
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.browser

READY_TIMEOUT = 120_000
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample}));
"""


def site_pages(site_dir, server) -> list[str]:
    tree = ET.parse(site_dir / "sitemap.xml")
    locs = [el.text for el in tree.iter() if el.tag.endswith("loc")]
    assert locs and all(loc.startswith(server.url) for loc in locs), locs
    return locs


def watched_page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    return context, page, console


def csp_console(console) -> list[str]:
    return [line for line in console if "Content Security Policy" in line or "Content-Security-Policy" in line]


def test_every_page_works_under_the_policy(browser, server, site_dir):
    pages = site_pages(site_dir, server)
    assert len(pages) >= 4
    for url in pages:
        context, page, console = watched_page(browser)
        try:
            page.goto(url)
            # the policy is in <head> before anything that loads (only <meta charset> before it)
            first = page.evaluate("""() => [...document.head.children].slice(0, 2).map((e) =>
                e.getAttribute("http-equiv") || (e.hasAttribute("charset") ? "charset" : e.tagName))""")
            assert "Content-Security-Policy" in first, (url, first)
            for selector in ("[data-chart]", "[data-demo]"):
                for index in range(page.locator(selector).count()):
                    item = page.locator(selector).nth(index)
                    item.scroll_into_view_if_needed()
                    if selector == "[data-chart]":
                        item.locator(".gde-chart__view").hover()  # a chart goes live when pointed at
                    item.and_(page.locator(f'{selector}[data-state="ready"]')).wait_for(timeout=READY_TIMEOUT)
            if page.locator("[data-demo]").count():  # the demo answers, under the policy
                demo = page.locator("[data-demo]").first.get_attribute("data-demo")
                assert page.evaluate(f"window.gde.call('{demo}', 'setup', {{}})")["ok"]
            page.wait_for_timeout(300)
            assert page.evaluate("window.__violations") == [], url
            assert csp_console(console) == [], url
            assert [line for line in console if line.startswith(("error", "uncaught"))] == [], url
        finally:
            context.close()


def test_instant_navigation_keeps_working_under_the_first_page_s_policy(browser, server):
    context, page, console = watched_page(browser)
    try:
        page.goto(server.url + "landscape/")
        page.evaluate("window.__sameDocument = true")
        page.locator("a.md-footer__link--next").click()
        page.wait_for_url("**/random-search/")
        assert page.evaluate("window.__sameDocument") is True  # swapped in place, not reloaded
        figure = page.locator('[data-chart="random_search_new_bests"]')
        figure.scroll_into_view_if_needed()
        figure.locator(".gde-chart__view").hover()
        page.locator('[data-chart="random_search_new_bests"][data-state="ready"]').wait_for(timeout=60_000)
        assert page.evaluate("window.__violations") == []
        assert csp_console(console) == []
    finally:
        context.close()


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


def test_another_origin_is_refused(browser, server):
    # a server on another origin (127.0.0.2) that counts what reaches it
    other = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Counting)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.2:{other.server_address[1]}"
    _Counting.hits.clear()
    context, page, console = watched_page(browser)
    try:
        page.goto(server.url + "landscape/")
        outcome = page.evaluate(
            """async (origin) => {
                const fetched = await fetch(origin + "/fetch").then(() => "loaded", () => "refused");
                const load = (element) => new Promise((resolve) => {
                    element.onload = () => resolve("loaded");
                    element.onerror = () => resolve("refused");
                    document.body.append(element);
                });
                const img = document.createElement("img");
                img.src = origin + "/image.png";
                const script = document.createElement("script");
                script.src = origin + "/script.js";
                return {fetched, image: await load(img), script: await load(script)};
            }""",
            origin,
        )
        assert outcome == {"fetched": "refused", "image": "refused", "script": "refused"}
        page.wait_for_function("() => window.__violations.length >= 3", timeout=5_000)
        violations = page.evaluate("window.__violations")
        blocked = {(v["directive"], v["blocked"].rsplit("/", 1)[-1]) for v in violations}
        assert {("connect-src", "fetch"), ("img-src", "image.png"), ("script-src-elem", "script.js")} <= blocked
        assert _Counting.hits == [], "a request reached the other origin"
    finally:
        context.close()
        other.shutdown()
        other.server_close()
