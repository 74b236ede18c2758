"""What a reader sees on "The loss landscape", in headless Chromium against the built site."""

from __future__ import annotations

import re

import pytest

from explainer_core.chapters import landscape as toy

pytestmark = pytest.mark.browser

DEMO = '[data-demo="landscape"]'
READY_TIMEOUT = 120_000  # ms: Pyodide compiles ~10 MB of wasm; slow on a busy 2-core machine


def open_demo(page, server):
    page.goto(server.url + "landscape/")
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    return page.locator(DEMO)


def displayed_loss(page) -> float:
    return float(page.locator(f'{DEMO} [data-role="loss"]').text_content())


def set_slider(page, name: str, value: float):
    """Move a slider as a drag would: set the value, fire `input`, wait for the redraw."""
    page.evaluate(
        """([name, value]) => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="landscape"]');
            root.addEventListener("gde:updated", resolve, { once: true });
            const input = root.querySelector(`input[name="${name}"]`);
            input.value = String(value);
            input.dispatchEvent(new Event("input", { bubbles: true }));
        })""",
        [name, value],
    )


def test_text_and_static_chart_come_before_python(page, server):
    page.goto(server.url + "landscape/")
    assert page.get_by_role("heading", name="The loss landscape").is_visible()
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)
    # The chart is drawn while the demo, further down, has not even started Python.
    assert page.locator(DEMO).get_attribute("data-state") == "loading"
    assert page.locator('[data-chart="toy_landscape"] svg').count() == 1
    paint = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
    )
    assert paint is not None


def test_static_fallback_is_in_noscript(page, server):
    page.goto(server.url + "landscape/")
    noscript = page.locator('[data-chart="toy_landscape"] noscript').inner_html()
    assert re.search(r'<img[^>]+src="[^"]+\.(svg|png)"[^>]+alt="Heatmap', noscript)


def test_slider_shows_the_loss_cpython_computes(page, server, artifacts):
    open_demo(page, server)
    for a, b in [(1.37, -0.42), (-3.0, 2.5), (2.2, 0.0)]:
        set_slider(page, "a", a)
        set_slider(page, "b", b)
        expected = toy.loss([[a, b]])[0]
        assert displayed_loss(page) == pytest.approx(expected, abs=1e-9)
    page.locator(DEMO).screenshot(path=str(artifacts / "landscape-demo.png"))


def test_training_lowers_the_loss_and_draws_a_trail(page, server, artifacts):
    demo = open_demo(page, server)
    before = displayed_loss(page)
    demo.get_by_role("button", name="Train").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=60_000)
    after = displayed_loss(page)
    assert after < 0.01 * before
    steps = int(demo.locator('[data-role="steps"]').text_content())
    assert steps > 10
    assert int(demo.locator('[data-role="forward"]').text_content()) == 3 * steps
    demo.screenshot(path=str(artifacts / "landscape-demo-trained.png"))


def test_stop_ends_a_run(page, server):
    demo = open_demo(page, server)
    demo.locator('select[name="activation"]').select_option("sigmoid")
    page.wait_for_timeout(500)
    demo.get_by_role("button", name="Train").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    demo.get_by_role("button", name="Stop").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=10_000)
    assert "Stopped" in demo.locator(".gde-message").text_content()


def test_local_search_step_and_clicking_the_landscape(page, server):
    demo = open_demo(page, server)
    canvas = demo.locator("canvas.gde-landscape")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.3})
    page.wait_for_timeout(300)
    a = float(demo.locator('input[name="a"]').input_value())
    assert a > 2  # the right part of the landscape
    before = displayed_loss(page)
    for _ in range(5):
        demo.get_by_role("button", name="Local search step").click()
        page.wait_for_timeout(100)
    assert displayed_loss(page) <= before
    assert int(demo.locator('[data-role="forward"]').text_content()) == 5 * 8 * 3


@pytest.mark.parametrize("typed", ["-1", "0", "NaN", "1e9", "", "abc"])
def test_bad_learning_rate_is_explained_beside_the_field(page, server, typed):
    demo = open_demo(page, server)
    before = displayed_loss(page)
    demo.locator('input[name="lr"]').fill(typed)
    demo.get_by_role("button", name="Gradient step").click()
    error = demo.locator('.gde-field-error[data-error-for="learning rate"]')
    error.wait_for(state="visible", timeout=5_000)
    assert "learning rate" in error.text_content()
    assert displayed_loss(page) == before  # nothing moved, nothing broke
    demo.locator('input[name="lr"]').fill("0.5")
    demo.get_by_role("button", name="Gradient step").click()
    page.wait_for_function(
        f"Number(document.querySelector('{DEMO} [data-role=\"loss\"]').textContent) < {before}"
    )
    assert demo.get_attribute("data-state") == "ready"


def test_bad_step_size_is_explained_beside_the_field(page, server):
    demo = open_demo(page, server)
    demo.locator('input[name="step_size"]').fill("abc")
    demo.get_by_role("button", name="Local search step").click()
    error = demo.locator('.gde-field-error[data-error-for="step size"]')
    error.wait_for(state="visible", timeout=5_000)
    assert "step size must be a number" in error.text_content()


def test_divergence_stops_and_says_why(page, server):
    demo = open_demo(page, server)
    demo.locator('select[name="activation"]').select_option("relu")
    page.wait_for_timeout(500)
    set_slider(page, "a", 3.0)
    set_slider(page, "b", 3.0)
    demo.locator('input[name="lr"]').fill("50")
    demo.get_by_role("button", name="Train").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=30_000)
    message = demo.locator(".gde-message").text_content()
    assert "diverg" in message and "too high" in message


def test_pyodide_failure_keeps_the_page_and_offers_retry(page, server, record):
    record.expect_errors = True  # the blocked files are reported in the console
    page.context.route("**/pyodide.asm.wasm", lambda route: route.abort())  # the worker's fetch
    page.goto(server.url + "landscape/")
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="error"]').wait_for(timeout=READY_TIMEOUT)
    alert = page.locator(f'{DEMO} [role="alert"]')
    assert "could not start" in alert.text_content()
    assert page.get_by_role("heading", name="The loss landscape").is_visible()
    page.context.unroute("**/pyodide.asm.wasm")
    alert.get_by_role("button", name="Retry").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    assert displayed_loss(page) > 0
