"""The service worker in headless Chromium: a chapter opened once reads, and its demo runs, with
the network off; so does another chapter reached by a link; a new build replaces the Cache.

These tests build and serve their own copy of the site (one of them rewrites it, as a second
build would). Offline is the browser's own emulation (`context.set_offline`), which also cuts
the service worker's network: the test checks that first.
"""

from __future__ import annotations

import json
import time

import pytest

from build_scripts import offline
from tests.site_server import Server, build_site

pytestmark = pytest.mark.browser

READY_TIMEOUT = 120_000
LANDSCAPE = '[data-demo="landscape"]'
RACE = '[data-demo="real-landscapes"]'
DERIVATIVES = '[data-demo="derivatives"]'
PROBE = "assets/vendor/pyodide/package.json"  # copied into the site, not listed: not kept


@pytest.fixture(scope="module")
def own_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("offline-site")
    serving = Server(site)
    done = build_site(site, site_url=serving.url)
    assert done.returncode == 0, done.stderr
    with serving as running:
        yield site, running


def new_page(browser, console):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    # (the one request the test sends offline on purpose, to an unlisted file, is left out)
    page.on("console", lambda m: m.type == "error" and not m.location.get("url", "").endswith(PROBE)
            and console.append(f"{m.text} ({m.location.get('url')})"))
    page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    return context, page


def wait_ready(page, selector):
    page.wait_for_selector(selector, state="attached", timeout=READY_TIMEOUT)
    page.evaluate("(s) => document.querySelector(s).scrollIntoView()", selector)
    page.locator(f'{selector}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)


def poll(page, script: str, arg=None, timeout: float = 120):
    """Evaluate the async `script` until it gives a true value (wait_for_function does not
    await a promise)."""
    end = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        assert time.monotonic() < end, f"not true within {timeout} s: {script}"
        page.wait_for_timeout(300)


def wait_kept(page, site, runtime: bool = True):
    """Until the service worker controls the page and its Cache holds every listed file (but the
    Python runtime's, kept once Python runs, when `runtime` is false; never the code editor's,
    kept once a panel opens it)."""
    listed = [key for key, (_, strategy) in json.loads(_manifest_text(site)).items()
              if strategy != "used" and (runtime or strategy != "lazy")]
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
    # every one of them kept (the runtime may be kept meanwhile too, once the page's Python starts)
    poll(page, """async (listed) => {
            const names = (await caches.keys()).filter((n) => n.startsWith("gde-"));
            if (names.length !== 1) return false;
            const root = new URL("/", location.href).href;
            const kept = new Set((await (await caches.open(names[0])).keys()).map((r) => r.url));
            return listed.every((key) => kept.has(new URL(key, root).href));
        }""", listed)
    return page.evaluate("async () => (await caches.keys()).filter((n) => n.startsWith('gde-'))")


def open_editor(page):
    """Open the derivatives demo's Python panel and wait for its code editor."""
    page.locator(f"{DERIVATIVES} .gde-code > summary").click()
    page.locator(f'{DERIVATIVES} .gde-code[data-loaded="true"] .cm-content').wait_for(timeout=30_000)


def _manifest_text(site) -> str:
    code = (site / "sw.js").read_text()
    return code[code.index("const MANIFEST = ") + len("const MANIFEST = "):code.index(";\nconst ROOT")]


def ready_ms(page, demo: str) -> float:
    return page.evaluate(f"performance.getEntriesByName('gde:ready:{demo}')[0].startTime")


def test_a_chapter_opened_once_reads_and_runs_offline(browser, own_site, artifacts):
    site, server = own_site
    console = []
    context, page = new_page(browser, console)
    try:
        page.goto(server.url + "landscape/")
        wait_ready(page, LANDSCAPE)
        first = ready_ms(page, "landscape")
        wait_kept(page, site)

        # a repeat visit, online: the runtime comes from the Cache
        from_sw = []
        page.on("response", lambda r: r.from_service_worker and from_sw.append(r.url))
        page.reload()
        wait_ready(page, LANDSCAPE)
        repeat = ready_ms(page, "landscape")
        assert any(url.endswith("pyodide.asm.wasm") for url in from_sw), from_sw

        # the code editor, opened once online, is kept as it passes
        page.goto(server.url + "derivatives/")
        wait_ready(page, DERIVATIVES)
        open_editor(page)
        poll(page, """async () => {
                const names = (await caches.keys()).filter((n) => n.startsWith("gde-"));
                const keys = await (await caches.open(names[0])).keys();
                return keys.some((r) => r.url.endsWith("assets/vendor/editor/editor.js"));
            }""")
        page.goto(server.url + "landscape/")
        wait_ready(page, LANDSCAPE)

        context.set_offline(True)
        # the emulation reaches the service worker's own network: an unlisted file fails
        assert page.evaluate("""(probe) => fetch("/" + probe)
                                  .then(() => "fetched", () => "offline")""", PROBE) == "offline"
        page.reload()
        page.get_by_role("heading", name="The loss landscape").wait_for(timeout=10_000)
        wait_ready(page, LANDSCAPE)
        demo = page.locator(LANDSCAPE)
        demo.get_by_role("button", name="Step").click()
        page.wait_for_function(
            f"""() => document.querySelector('{LANDSCAPE} [data-role="gradient-steps"]').textContent === "1 step"
                      && document.querySelector('{LANDSCAPE}').dataset.state === "ready" """,
            timeout=20_000)
        page.locator('[data-chart="toy_landscape"] .gde-chart__view').hover()
        page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)

        # another chapter, reached by its link in the navigation, offline (the click goes to
        # the link itself: at this width the navigation is a closed drawer)
        page.locator('nav a.md-nav__link[href$="real-landscapes/"]').first.dispatch_event("click")
        page.wait_for_url("**/real-landscapes/")
        page.get_by_role("heading", name="Real landscapes").first.wait_for(timeout=10_000)
        wait_ready(page, RACE)
        race = page.locator(RACE)
        race.locator('input[name="steps"]').fill("20")
        race.get_by_role("button", name="Run the race").click()
        page.locator(f'{RACE}[data-state="running"]').wait_for(timeout=10_000)
        page.locator(f'{RACE}[data-state="ready"]').wait_for(timeout=60_000)
        assert race.locator(".gde-message").text_content().startswith("Lowest loss for the compute: ")
        figure = page.locator('[data-chart="hessian_spectrum"]')
        figure.scroll_into_view_if_needed()
        figure.locator(".gde-chart__view").hover()
        page.locator('[data-chart="hessian_spectrum"][data-state="ready"]').wait_for(timeout=30_000)
        # the editor, offline
        page.goto(server.url + "derivatives/")
        wait_ready(page, DERIVATIVES)
        open_editor(page)
        # a fresh load of a page never visited online, offline
        page.goto(server.url + "authoring/")
        page.get_by_role("heading", name="Authoring guide").first.wait_for(timeout=10_000)
        assert console == [], console

        ratio = repeat / first
        (artifacts / "offline-timing.txt").write_text(
            f"time to demo ready on landscape/: first visit {first:.0f} ms, "
            f"repeat visit (service worker) {repeat:.0f} ms, ratio {ratio:.2f}\n")
        print(f"demo ready: first {first:.0f} ms, repeat {repeat:.0f} ms, repeat/first {ratio:.2f}")
    finally:
        context.close()


def test_a_new_build_replaces_the_cache(browser, own_site):
    site, server = own_site
    console = []
    context, page = new_page(browser, console)
    try:
        page.goto(server.url + "real-landscapes/")
        (old,) = wait_kept(page, site, runtime=False)
        # a second build with changed content: one page script changes, sw.js is written again
        link = site / "js" / "link.js"
        original = link.read_bytes()
        link.write_bytes(original + b"\n// the second build\n")
        offline.write(site, _lock_path(site), "assets/vendor/pyodide/", server.url)
        try:
            page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
            start = time.monotonic()
            poll(page, """async (old) => {
                    const names = (await caches.keys()).filter((n) => n.startsWith("gde-"));
                    const active = (await navigator.serviceWorker.getRegistration()).active;
                    return names.length === 1 && names[0] !== old && active?.state === "activated"
                        && navigator.serviceWorker.controller?.scriptURL === active.scriptURL;
                }""", old)
            (new,) = page.evaluate("async () => (await caches.keys()).filter((n) => n.startsWith('gde-'))")
            assert new != old and time.monotonic() - start < 120
            kept = page.evaluate(
                """async (name) => (await (await caches.open(name)).match(new URL("js/link.js", location.origin + "/"))).text()""",
                new)
            assert kept.endswith("// the second build\n")
        finally:
            link.write_bytes(original)
            offline.write(site, _lock_path(site), "assets/vendor/pyodide/", server.url)
        assert console == [], console
    finally:
        context.close()


def _lock_path(site) -> str:
    (lock,) = site.glob("assets/pyodide-lock/*/pyodide-lock.json")
    return lock.relative_to(site).as_posix()


def test_reading_alone_downloads_no_python(browser, own_site):
    """A reader who only reads gets the pages kept for offline reading, not the ~17 MB runtime."""
    site, server = own_site
    console = []
    context, page = new_page(browser, console)
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(server.url)  # the home page has no demo
        wait_kept(page, site, runtime=False)
        assert not [url for url in requests if url.endswith(("pyodide.asm.wasm", ".whl"))], requests
        kept = page.evaluate("""async () => {
            const name = (await caches.keys()).find((n) => n.startsWith("gde-"));
            return (await (await caches.open(name)).keys()).map((r) => r.url);
        }""")
        assert any(url.endswith("/landscape/") for url in kept)
        assert not any(url.endswith("pyodide.asm.wasm") for url in kept)
        assert console == [], console
    finally:
        context.close()
