"""What a reader sees on "Real landscapes": every chart drawn, and the race demo streaming live
rows into the build's chart, in headless Chromium against the built site."""

from __future__ import annotations

import re

import pytest

from explainer_core.chapters import real_landscapes
from explainer_core.demos import real_landscapes as real_landscapes_demo

pytestmark = pytest.mark.browser

DEMO = '[data-demo="real-landscapes"]'
CHART = f'{DEMO} [data-chart="optimizer_race"]'
READY_TIMEOUT = 120_000  # ms: Pyodide compiles ~10 MB of wasm; slow on a busy 2-core machine
CHARTS = ["optimizer_race", "surface_paths", "saddle_paths", "hessian_spectrum",
          "training_slices", "flat_sharp", "connectivity_plane",
          "connectivity_barrier"]


def chart_rows(page) -> list[dict]:
    """The rows of the race chart's `runs` table as Vega holds them now."""
    return page.evaluate(
        """() => window.gde.chart("optimizer_race").rows("runs")
               .map(({method, step, loss, compute}) => ({method, step, loss, compute}))"""
    )


def key(rows):
    return sorted((r["method"], r["step"], r["loss"], r["compute"]) for r in rows)


def open_demo(page, server):
    page.goto(server.url + "real-landscapes/")
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    page.locator(f'{CHART}[data-state="ready"]').wait_for(timeout=30_000)
    return page.locator(DEMO)


def run_race(page, demo, **fields):
    for name, value in fields.items():
        demo.locator(f'[name="{name}"]').fill(value) if name != "task" else \
            demo.locator('select[name="task"]').select_option(value)
    demo.get_by_role("button", name="Run the race").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=120_000)


def test_every_chart_draws_with_a_fallback(page, server, artifacts):
    page.goto(server.url + "real-landscapes/")
    for name in CHARTS:
        figure = page.locator(f'[data-chart="{name}"]')
        figure.scroll_into_view_if_needed()
        figure.locator(".gde-chart__view").hover()  # the picture goes live when pointed at
        page.locator(f'[data-chart="{name}"][data-state="ready"]').wait_for(timeout=60_000)
        assert figure.locator("svg").count() >= 1, name
        assert figure.locator("svg .role-mark > *").count() > 0, name  # marks drawn from data
        assert re.search(r'<img[^>]+src="[^"]+\.(svg|png)"', figure.locator("noscript").inner_html())
    page.screenshot(path=str(artifacts / "real-landscapes.png"), full_page=True)


def test_the_task_list_is_python_s(page, server):
    demo = open_demo(page, server)
    offered = demo.locator('select[name="task"] option').evaluate_all(
        "options => options.map((o) => [o.value, o.textContent])")
    assert offered == real_landscapes_demo.setup()["tasks"]
    assert demo.locator('select[name="task"]').input_value() == real_landscapes_demo.setup()["task"]


def test_race_streams_the_same_rows_as_the_build(page, server, artifacts):
    demo = open_demo(page, server)
    static = real_landscapes.optimizer_race("sine")["runs"]
    assert key(chart_rows(page)) == key(static)  # the build's picture, before any run
    run_race(page, demo, steps="40")
    assert key(chart_rows(page)) == key(real_landscapes.optimizer_race("sine", 40)["runs"])
    message = demo.locator(".gde-message").text_content()
    assert message.startswith("Lowest loss for the compute: ")
    assert "100 % of the budget" in demo.locator('[data-role="progress"]').text_content()
    demo.screenshot(path=str(artifacts / "race-demo.png"))


def test_live_rows_survive_a_theme_switch(page, server):
    demo = open_demo(page, server)
    run_race(page, demo, task="himmelblau", steps="50")
    live = key(chart_rows(page))
    # Remember the drawing, switch the theme, and wait for a new drawing with its rows in place.
    page.evaluate("""() => { window.drawnBefore = document.querySelector('[data-chart="optimizer_race"] svg');
                             document.body.setAttribute('data-md-color-scheme', 'slate'); }""")
    page.wait_for_function(
        """() => { const f = document.querySelector('[data-chart="optimizer_race"]');
                   const svg = f.querySelector("svg");
                   return svg && svg !== window.drawnBefore && f.dataset.state === "ready"
                          && window.gde.chart("optimizer_race").rows("runs") !== null; }""")
    assert key(chart_rows(page)) == live
    assert live == key(real_landscapes.optimizer_race("himmelblau", 50)["runs"])


@pytest.mark.parametrize("name, typed, label", [
    ("steps", "ten", "steps"), ("steps", "0", "steps"), ("lr_scale", "-2", "learning-rate scale"),
    ("seed", "1.5", "seed"),
])
def test_bad_input_is_explained_beside_the_field(page, server, name, typed, label):
    demo = open_demo(page, server)
    before = key(chart_rows(page))
    demo.locator(f'input[name="{name}"]').fill(typed)
    demo.get_by_role("button", name="Run the race").click()
    slot = demo.locator(f'.gde-field-error[data-error-for="{label}"]')
    slot.wait_for(state="visible", timeout=10_000)
    assert label in slot.text_content()
    assert demo.locator(f'input[name="{name}"]').get_attribute("aria-invalid") == "true"
    assert demo.get_attribute("data-state") == "ready"
    assert key(chart_rows(page)) == before  # the chart keeps what it showed


def test_divergence_is_explained(page, server, artifacts):
    demo = open_demo(page, server)
    run_race(page, demo, task="rosenbrock", steps="200", lr_scale="30")
    message = demo.locator(".gde-message").text_content()
    assert "gradient descent diverged at step" in message
    assert "lower the learning-rate scale" in message
    assert demo.locator(".gde-message").get_attribute("data-kind") == "warning"
    rows = chart_rows(page)
    assert rows and all(r["loss"] is not None for r in rows)
    demo.screenshot(path=str(artifacts / "race-demo-diverged.png"))


def test_stop_keeps_the_rows_so_far(page, server):
    demo = open_demo(page, server)
    demo.locator('input[name="steps"]').fill("5000")
    demo.get_by_role("button", name="Run the race").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.wait_for_function(
        """() => window.gde.chart("optimizer_race").rows("runs").length > 20""", timeout=60_000)
    demo.get_by_role("button", name="Stop").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=20_000)
    rows = chart_rows(page)
    assert len(rows) > 20
    # Stopped part of the way: the message counts the rows the chart kept, short of the budget.
    text = demo.locator(".gde-message").text_content()
    assert text == f"Stopped after {len(rows)} points; the chart keeps them."
    share = re.match(r"(\d+) % of the budget", demo.locator('[data-role="progress"]').text_content())
    assert share and int(share.group(1)) < 100
    assert demo.get_by_role("button", name="Run the race").get_attribute("aria-pressed") == "false"


@pytest.mark.parametrize("look", ["light", "dark", "phone"])
def test_screenshots_of_a_race(browser, server, artifacts, look):
    size = {"width": 390, "height": 844} if look == "phone" else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, color_scheme="dark" if look == "dark" else "light")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        demo = open_demo(page, server)
        run_race(page, demo, task="rosenbrock", steps="200")
        chart = page.locator(CHART)
        layout = chart.evaluate("(f) => getComputedStyle(f.querySelector('.gde-chart__view'))"
                                ".getPropertyValue('--gde-chart-layout').trim()")
        assert layout == ("narrow" if look == "phone" else "wide")
        # nothing in the demo is wider than the screen: no sideways scrolling on a phone
        overflow = demo.evaluate("(root) => root.scrollWidth - root.clientWidth")
        assert overflow <= 1, f"the demo is {overflow} px wider than its box"
        svg = chart.locator(".gde-chart__view svg").bounding_box()
        assert svg["x"] >= 0 and svg["x"] + svg["width"] <= size["width"]
        demo.screenshot(path=str(artifacts / f"race-demo-{look}.png"))
    finally:
        context.close()
    assert errors == []
