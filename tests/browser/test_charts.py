"""Charts in headless Chromium: the build's picture at once, live only when the reader reaches
for one, without moving the page, and never drawn twice at once.

A page loads no chart code: each chart is the build's picture (in the palette's theme) in a box
of the chart's size, and becomes the live Vega chart when pointed at, touched or focused, or fed
by a demo. Going live moves nothing (CLS, from the browser's own layout-shift entries). A theme
toggle while a chart is first drawn redraws it once the first drawing is done: one Vega view per
figure, not two.
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


def test_charts_are_pictures_until_the_reader_reaches_for_one(page, server):
    requested = []
    page.context.on("request", lambda r: r.service_worker is None and requested.append(r.url))
    page.goto(server.url + "landscape/")
    page.wait_for_timeout(1_500)  # time for anything the page would wrongly draw at load
    figure = page.locator('[data-chart="toy_landscape"]')
    assert figure.get_attribute("data-state") == "static"
    assert page.locator('script[src*="vega"]').count() == 0, "Vega was loaded at page load"
    spec = figure.get_attribute("data-spec").rsplit("/", 1)[-1]
    assert not [url for url in requested if url.endswith(spec)], "its spec was fetched at load"
    # the build's picture fills a box of the chart's size
    figure.scroll_into_view_if_needed()
    picture = figure.locator(".gde-chart__layout--wide .gde-chart__placeholder--light")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    box = figure.locator(".gde-chart__view").bounding_box()
    assert box["height"] > 100
    assert abs(box["width"] / box["height"] - int(figure.get_attribute("data-width"))
               / int(figure.get_attribute("data-height"))) < 0.01
    assert not figure.locator(".gde-chart__layout--wide .gde-chart__placeholder--dark").is_visible()
    assert not figure.locator(".gde-chart__layout--narrow img").first.is_visible()

    figure.hover()  # the reader points at it: it goes live, in its box
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=60_000)
    assert [url for url in requested if url.endswith(spec)]
    assert figure.locator("svg .role-mark > *").count() > 0
    drawn = figure.locator(".gde-chart__view svg").bounding_box()
    assert abs(drawn["height"] - box["height"]) <= 4, (drawn, box)  # drawn where it was reserved


def test_the_dark_palette_shows_the_dark_picture(page, server):
    page.emulate_media(color_scheme="dark")
    page.goto(server.url + "landscape/")
    figure = page.locator('[data-chart="toy_landscape"]')
    figure.scroll_into_view_if_needed()
    dark = figure.locator(".gde-chart__layout--wide .gde-chart__placeholder--dark")
    assert dark.is_visible()
    assert not figure.locator(".gde-chart__layout--wide .gde-chart__placeholder--light").is_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=dark.element_handle())
    assert dark.get_attribute("src").endswith((".dark.svg", ".dark.png"))


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
    assert waiting >= 6, "the test needs charts still to go live"
    # A reader jumping (a link, the table of contents) to charts still pictures, the farthest
    # first, and pointing at each, so each goes live while on screen with the text under it in
    # view: without the reserved boxes this moves the text (CLS 0.2 measured), with them nothing.
    for index in reversed(range(figures.count())):
        figure = figures.nth(index)
        if figure.get_attribute("data-state") == "ready":
            continue
        figure.evaluate("(f) => f.scrollIntoView({block: 'start'})")
        figure.locator(".gde-chart__view").hover()
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
    figure.hover()  # the reader points at it: its first draw starts
    page.wait_for_function("() => window.__toggles && window.__toggles.length === 2", timeout=30_000)
    toggles = page.evaluate("window.__toggles")
    assert all(state == "static" for _, state in toggles), toggles  # both during the first draw
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


# The smallest text a live chart draws, in CSS pixels as the reader sees it (font size times the
# scale the SVG is drawn at, rotated text too), with the text itself.
SMALLEST_TEXT = """(figure) => {
  const texts = [...figure.querySelectorAll(".gde-chart__view svg text")]
    .filter((t) => t.textContent.trim() && t.getBBox().width > 0);
  const sizes = texts.map((t) => [parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b),
                                  t.textContent.trim().slice(0, 40)]);
  sizes.sort((a, b) => a[0] - b[0]);
  return sizes[0] || null;
}"""
CHART_PAGES = ("function/", "landscape/", "random-search/", "derivatives/", "real-landscapes/")
SMALLEST_PX = 11


def _live_text_sizes(page, server, artifacts, width: int) -> dict:
    """Every chart of the chart pages drawn live at `width`: {chart: (smallest text px, text,
    layout shown, picture scale)}."""
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for slug in CHART_PAGES:
        page.goto(server.url + slug)
        figures = page.locator("figure[data-chart]")
        for index in range(figures.count()):
            figure = figures.nth(index)
            name = figure.get_attribute("data-chart")
            figure.scroll_into_view_if_needed()
            # the picture shown first: its layout, and the scale it is drawn at
            shown = figure.evaluate("""(f) => {
                const img = [...f.querySelectorAll("img.gde-chart__placeholder")].find((i) => i.offsetWidth > 0);
                if (!img) return [f.dataset.specNarrow && getComputedStyle(f.querySelector(".gde-chart__view"))
                  .getPropertyValue("--gde-chart-layout").trim() === "narrow" ? "narrow" : "wide", 1];  // live already (a demo fed it)
                return [img.closest(".gde-chart__layout").classList.contains("gde-chart__layout--narrow")
                        ? "narrow" : "wide", img.getBoundingClientRect().width / Number(img.getAttribute("width"))];
            }""")
            figure.locator(".gde-chart__view").hover()
            page.locator(f'figure[data-chart="{name}"][data-state="ready"]').nth(0).wait_for(timeout=60_000)
            figure.screenshot(path=str(artifacts / f"chart-{name}-{width}.png"))
            size, text = figure.evaluate(SMALLEST_TEXT)
            found[name] = (round(size, 2), text, *shown)
    return found


@pytest.mark.parametrize("width", [390, 1280])
def test_every_chart_text_is_11px_or_more_on_a_phone_and_a_desktop(page, server, artifacts, width):
    found = _live_text_sizes(page, server, artifacts, width)
    print(f"smallest chart text at {width} px:", found)
    assert len(found) >= 10
    small = {name: row for name, row in found.items() if row[0] < SMALLEST_PX}
    assert not small, f"text under {SMALLEST_PX} px at {width} px wide: {small}"
    # the picture before the chart goes live is as readable (the same layout, the same scale)
    assert all(row[3] >= SMALLEST_PX / 12 - 0.005 for row in found.values()), found
    layouts = {name: row[2] for name, row in found.items()}
    if width == 390:  # every chart too wide for a phone's column shows its narrow layout there
        assert all(layout == "narrow" for layout in layouts.values()), layouts
    else:
        assert all(layout == "wide" for layout in layouts.values()), layouts


def test_a_live_chart_redraws_in_the_other_layout_when_its_column_narrows(page, server):
    page.goto(server.url + "real-landscapes/")
    figure = page.locator('figure[data-chart="training_slices"]')
    figure.scroll_into_view_if_needed()
    figure.locator(".gde-chart__view").hover()
    page.locator('figure[data-chart="training_slices"][data-state="ready"]').wait_for(timeout=60_000)
    wide = figure.locator(".gde-chart__view svg").bounding_box()
    rows = charts_module(page, "charts.liveChart(document.querySelector('[data-chart=training_slices]')).rows('paths').length")
    assert wide["width"] > wide["height"]  # two heatmaps side by side
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        """() => { const svg = document.querySelector('[data-chart="training_slices"] .gde-chart__view svg');
                   const box = svg && svg.getBoundingClientRect(); return box && box.height > 1.5 * box.width; }""",
        timeout=30_000)  # one above the other
    assert charts_module(page, "charts.viewCount(document.querySelector('[data-chart=training_slices]'))") == 1
    assert charts_module(page, "charts.liveChart(document.querySelector('[data-chart=training_slices]')).rows('paths').length") == rows
    size, text = figure.evaluate(SMALLEST_TEXT)
    assert size >= SMALLEST_PX, (size, text)
