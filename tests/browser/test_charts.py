"""Charts in headless Chromium: drawn only when they come near, without moving the page, and
never twice at once.

"Real landscapes" has nine charts, most far below the first screen. The build reserves each
chart's box (its size read from the fallback it rendered) and shows the fallback in it, so
scrolling through the page while the charts are drawn moves nothing (CLS, from the browser's own
layout-shift entries). A theme toggle while a chart is first drawn redraws it once the first
drawing is done: one Vega view per figure, not two.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGE = "real-landscapes/"
LAST = '[data-chart="hessian_spectrum"]'
CLS_BOUND = 0.1

# buffered layout-shift entries, summed (not only the worst session window: stricter)
CLS_OBSERVER = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({
      value: entry.value,
      sources: (entry.sources || []).map((s) => s.node ? (s.node.closest?.("[data-chart],[data-demo]")
        ?.dataset.chart || s.node.closest?.("[data-demo]")?.dataset.demo || s.node.nodeName) : "?"),
    });
  }
}).observe({ type: "layout-shift", buffered: true });
"""


def charts_module(page, expression: str):
    """Evaluate `expression` with `charts` bound to the page's own charts.js module (the one
    runtime.js imported: a module is loaded once per URL)."""
    return page.evaluate(
        f"""async () => {{
            const runtime = document.querySelector('script[src$="js/runtime.js"]').src;
            const charts = await import(new URL("charts.js", runtime).href);
            return {expression};
        }}""")


def test_charts_far_below_wait_until_they_come_near(page, server):
    # the page's own requests (the service worker's precache, which fetches every spec, is not
    # the page drawing them)
    requested = []
    page.context.on("request", lambda r: r.service_worker is None and requested.append(r.url))
    page.goto(server.url + PAGE)
    page.locator('[data-chart="optimizer_race"][data-state="ready"]').wait_for(timeout=60_000)
    page.wait_for_timeout(1_000)  # time for anything the page would wrongly draw at load
    far = page.evaluate(f"document.querySelector('{LAST}').getBoundingClientRect().top - innerHeight")
    assert far > 2_000, f"the last chart is only {far:.0f} px below the screen: the test needs a far one"
    figure = page.locator(LAST)
    assert figure.get_attribute("data-state") == "loading"
    assert figure.locator("svg").count() == 0
    spec = figure.get_attribute("data-spec").rsplit("/", 1)[-1]
    assert not [url for url in requested if url.endswith(spec)], "its spec was fetched at load"
    # the box is reserved at the size the build wrote, before anything is drawn
    box = figure.locator(".gde-chart__view").bounding_box()
    assert box["height"] > 100
    assert abs(box["width"] / box["height"] - int(figure.get_attribute("data-width"))
               / int(figure.get_attribute("data-height"))) < 0.01

    page.evaluate(f"window.scrollTo(0, document.querySelector('{LAST}').offsetTop - innerHeight - 300)")
    page.locator(f'{LAST}[data-state="ready"]').wait_for(timeout=60_000)
    assert [url for url in requested if url.endswith(spec)]
    assert figure.locator("svg .role-mark > *").count() > 0
    drawn = figure.locator(".gde-chart__view svg").bounding_box()
    assert abs(drawn["height"] - box["height"]) <= 4, (drawn, box)  # drawn where it was reserved


def test_scrolling_through_the_page_while_charts_draw_moves_nothing(page, server, artifacts):
    page.add_init_script(CLS_OBSERVER.replace("window.__shifts", "window.__pageShifts"))
    page.goto(server.url + PAGE)
    # The demo at the top mounts its controls first (a layout change of its own, recorded in
    # the artifact, not the charts'); then the charts are measured.
    demo = page.locator('[data-demo="real-landscapes"]')
    demo.scroll_into_view_if_needed()
    page.locator('[data-demo="real-landscapes"][data-state="ready"]').wait_for(timeout=120_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    page.evaluate(CLS_OBSERVER.replace("buffered: true", "buffered: false"))
    figures = page.locator("[data-chart]")
    waiting = page.evaluate("[...document.querySelectorAll('[data-chart]')].filter((f) => f.dataset.state !== 'ready').length")
    assert waiting >= 6, "the test needs charts still to draw"
    # A reader jumping (a link, the table of contents) to charts not drawn yet, the farthest
    # first, so each is drawn while on screen with the text under it in view: without the
    # reserved boxes this moves the text (CLS 0.2 measured), with them nothing moves. (Scrolling
    # down line by line moves nothing either way: a chart is drawn 600 px before it comes in view.)
    for _ in range(figures.count()):
        jumped = page.evaluate("""() => {
            const figure = [...document.querySelectorAll("[data-chart]")]
                .filter((f) => f.dataset.state !== "ready" && !f.gdeVisited).pop();
            if (!figure) return false;
            figure.gdeVisited = true;
            figure.scrollIntoView({block: "start"});
            return true;
        }""")
        if not jumped:
            break
        page.wait_for_timeout(150)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-chart]')].every((f) => f.dataset.state === 'ready')",
        timeout=90_000)
    page.wait_for_timeout(500)
    shifts = page.evaluate("window.__shifts")
    whole = page.evaluate("window.__pageShifts")
    cls = sum(s["value"] for s in shifts)
    (artifacts / "charts-cls.txt").write_text(
        f"charts: CLS {cls:.4f} over {len(shifts)} shift(s), {waiting} charts drawn while scrolling: {shifts}\n"
        f"whole visit (the demo mounting included): {sum(s['value'] for s in whole):.4f}: {whole}\n")
    print(f"CLS while {waiting} charts draw on {PAGE}: {cls:.4f} ({len(shifts)} shifts); "
          f"whole visit {sum(s['value'] for s in whole):.4f}")
    assert cls < CLS_BOUND, shifts


def test_a_theme_toggle_during_the_first_draw_leaves_one_view(page, server):
    # Toggle the theme twice while the chart's first draw is under way: as soon as its spec is
    # asked for, and again while Vega's scripts load (still before the chart is drawn).
    page.add_init_script("""
        const realFetch = window.fetch;
        window.__toggles = [];
        const flip = (why) => {
          const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
          document.body.setAttribute("data-md-color-scheme", dark ? "default" : "slate");
          window.__toggles.push([why, document.querySelector('[data-chart="toy_landscape"]').dataset.state]);
        };
        window.fetch = (input, init) => {
          const promise = realFetch(input, init);
          if (String(input).includes("toy_landscape-") && !window.__toggled) {
            window.__toggled = true;
            setTimeout(() => flip("spec asked for"), 0);
            // and when Vega's last script is asked for (Vega itself is loading, the chart is not drawn)
            const scripts = new MutationObserver(() => {
              if (document.querySelector('script[src*="vega-embed"]')) { scripts.disconnect(); flip("vega loading"); }
            });
            scripts.observe(document.head, { childList: true });
          }
          return promise;
        };
    """)
    page.goto(server.url + "landscape/")
    figure = page.locator('[data-chart="toy_landscape"]')
    page.wait_for_function("() => window.__toggles && window.__toggles.length === 2", timeout=30_000)
    toggles = page.evaluate("window.__toggles")
    assert all(state == "loading" for _, state in toggles), toggles  # both during the first draw
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)
    # every queued redraw done: the count settles at one
    page.wait_for_timeout(1_500)
    figure_js = "document.querySelector('[data-chart=\"toy_landscape\"]')"
    assert charts_module(page, f"charts.viewCount({figure_js})") == 1
    assert figure.locator(".gde-chart__view svg").count() == 1
    assert figure.get_attribute("data-state") == "ready"
    assert figure.locator("svg .mark-rect.role-mark > path").count() > 1000
    # the drawing is in the theme the page ended in (toggled twice: light again), and live rows work
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") != "slate"
    fills = figure.locator("svg text").evaluate_all("(texts) => [...new Set(texts.map((t) => t.getAttribute('fill')))]")
    assert "#000" in fills and "#fff" not in fills, fills  # Vega's light theme, not a late dark draw
    rows = page.evaluate("window.gde.chart('toy_landscape').rows('grid').length")
    assert rows > 1000
