"""What a reader sees on "The loss landscape", in headless Chromium against the built site.

Numbers on the page are checked against CPython: the demo's own module
(`explainer_core.demos.landscape`, through the same JSON entry point the worker calls) for steps
and runs, and a closed form written out here for the loss at a slider position.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from explainer_core import demos

pytestmark = pytest.mark.browser

DEMO = '[data-demo="landscape"]'
READY_TIMEOUT = 120_000  # ms: Pyodide compiles ~10 MB of wasm; slow on a busy 2-core machine
# First contentful paint of the page measured 190-380 ms here (headless Chromium, 2 cores, idle);
# the bound leaves room for a busy machine but fails a page whose text waits for Python (~10 s).
FIRST_PAINT_BOUND_MS = 3_000
PAD = {"left": 40, "right": 10, "top": 10, "bottom": 34}  # the plot margins of landscape.js, px


def python(method: str, /, **args):
    """The answer CPython gives to the call the page makes: {"ok": ..., "result" | "error"}."""
    return json.loads(demos.call(json.dumps({"demo": "landscape", "method": method, "args": args})))


def python_run(**args) -> list[dict]:
    """Every frame of a train() run in CPython, as the page receives them (JSON)."""
    stream = demos.start(json.dumps({"demo": "landscape", "method": "train", "args": args}))
    frames = []
    while True:
        chunk = json.loads(stream.advance(10_000, 60_000))
        frames += chunk["frames"]
        if chunk["done"]:
            return frames


DEFAULTS = python("setup", grid=2)["result"]  # the page's fields and outcomes, as it gets them
MAX_STEPS = int(DEFAULTS["fields"]["max_steps"]["default"])


def open_demo(page, server):
    page.goto(server.url + "landscape/")
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    return page.locator(DEMO)


def displayed_loss(page) -> float:
    return float(page.locator(f'{DEMO} [data-role="loss"]').text_content())


def exact_loss(page) -> float:
    """The loss the page shows, at full precision (its data-value)."""
    return float(page.locator(f'{DEMO} [data-role="loss"]').get_attribute("data-value"))


def counter(demo, role: str) -> int:
    return int(demo.locator(f'[data-role="{role}"]').text_content())


def set_control(page, name: str, value):
    """Change a slider or a select as a reader would (set the value, fire `input` or `change`),
    and wait until the demo has redrawn."""
    page.evaluate(
        """([name, value]) => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="landscape"]');
            root.addEventListener("gde:updated", resolve, { once: true });
            const control = root.querySelector(`[name="${name}"]`);
            control.value = String(value);
            const event = control.tagName === "SELECT" ? "change" : "input";
            control.dispatchEvent(new Event(event, { bubbles: true }));
        })""",
        [name, value],
    )


def click_and_wait(page, demo, button: str, steps_after: int):
    demo.get_by_role("button", name=button).click()
    page.wait_for_function(
        f"""() => document.querySelector('{DEMO} [data-role="steps"]').textContent === "{steps_after}"
                  && document.querySelector('{DEMO}').dataset.state === "ready" """,
        timeout=10_000,
    )


def canvas_pixels(page, selector: str) -> np.ndarray:
    """The canvas's pixels as an (H, W, 4) uint8 array."""
    width, height, data = page.evaluate(
        """(selector) => { const c = document.querySelector(selector);
             const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
             return [c.width, c.height, Array.from(d)]; }""",
        selector,
    )
    return np.array(data, dtype=np.uint8).reshape(height, width, 4)


def near(pixels: np.ndarray, hex_colour: str, tolerance: int = 40) -> np.ndarray:
    """Mask of the opaque pixels within `tolerance` (per channel) of a #RRGGBB colour."""
    rgb = np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)])
    close = np.all(np.abs(pixels[..., :3].astype(int) - rgb) <= tolerance, axis=-1)
    return close & (pixels[..., 3] > 200)


def sine_neuron_mse(a: float, b: float) -> float:
    """L(a, b) = mean((tanh(a·x + b) - sin x)²) at x = -1.5, 0, 1.5: the chapter's equation."""
    x = np.array([-1.5, 0.0, 1.5])
    return float(np.mean((np.tanh(a * x + b) - np.sin(x)) ** 2))


def test_text_and_static_chart_come_before_python(page, server, record):
    page.goto(server.url + "landscape/")
    assert page.get_by_role("heading", name="The loss landscape").is_visible()
    chart = page.locator('[data-chart="toy_landscape"]')
    page.locator('[data-chart="toy_landscape"] .gde-chart__view').hover()  # live when pointed at
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)
    # The chart is drawn while the demo, further down, has not asked for Python at all.
    assert not [url for url in record.requests if "pyodide" in url or url.endswith("/js/worker.js")]
    assert page.locator(DEMO).get_attribute("data-state") == "loading"
    # Drawn, not just an empty <svg>: a heatmap of many cells in many colours.
    fills = chart.locator("svg .mark-rect.role-mark > path").evaluate_all(
        "cells => cells.map((c) => c.getAttribute('fill'))")
    assert len(fills) > 1000 and len(set(fills)) > 50
    paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")
    assert 0 < paint < FIRST_PAINT_BOUND_MS


def test_static_fallback_is_in_noscript(page, server):
    page.goto(server.url + "landscape/")
    noscript = page.locator('[data-chart="toy_landscape"] noscript').inner_html()
    assert re.search(r'<img[^>]+src="[^"]+\.(svg|png)"[^>]+alt="Heatmap', noscript)


def test_the_demo_offers_what_python_sends(page, server):
    demo = open_demo(page, server)
    for name in ("activation", "loss", "method"):
        offered = demo.locator(f'select[name="{name}"] option').evaluate_all(
            "options => options.map((o) => [o.value, o.textContent])")
        assert offered == DEFAULTS["choices"][name], name
    for name in ("lr", "neighbours", "step_size"):
        spec = DEFAULTS["fields"][name]
        assert demo.locator(f'input[name="{name}"]').input_value() == spec["default"]
        assert demo.locator(f'.gde-field-error[data-error-for="{spec["label"]}"]').count() == 1


def test_slider_shows_the_loss_cpython_computes(page, server, artifacts):
    demo = open_demo(page, server)
    curves = []
    for a, b in [(1.37, -0.42), (-3.0, 2.5), (2.2, 0.0)]:
        set_control(page, "a", a)
        set_control(page, "b", b)
        assert exact_loss(page) == pytest.approx(sine_neuron_mse(a, b), rel=1e-12, abs=1e-15)
        assert displayed_loss(page) == pytest.approx(sine_neuron_mse(a, b), rel=1e-9)
        assert demo.locator('output[name="a-value"]').text_content() == f"{a:.2f}"
        # The canvases are drawn: the landscape in many colours, the model's orange curve, which
        # moves with the point.
        landscape = canvas_pixels(page, f"{DEMO} canvas.gde-landscape")
        opaque = landscape[landscape[..., 3] == 255][:, :3]
        assert len(np.unique(opaque, axis=0)) > 100
        curve = near(canvas_pixels(page, f"{DEMO} canvas.gde-function"), "#E69F00")
        assert curve.sum() > 200
        curves.append(curve)
    for k in range(3):
        assert (curves[k] != curves[k - 1]).sum() > 100  # the curve moved with the point
    demo.screenshot(path=str(artifacts / "landscape-demo.png"))


def test_training_ends_where_cpython_ends(page, server, artifacts):
    demo = open_demo(page, server)
    before = displayed_loss(page)
    demo.get_by_role("button", name="Train").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=60_000)
    frames = python_run(a=-1, b=1.5, method="gradient", lr=DEFAULTS["fields"]["lr"]["default"],
                        max_steps=str(MAX_STEPS), seed=0)
    last = frames[-1]
    assert last["done"] and last["outcome"] == "step_limit"  # the default run goes the distance
    message = demo.locator(".gde-message")
    assert message.text_content() == last["reason"]
    assert message.get_attribute("data-kind") == DEFAULTS["outcomes"][last["outcome"]]
    assert counter(demo, "steps") == last["step"] == MAX_STEPS
    assert counter(demo, "forward") == last["forward_passes"] == 3 * MAX_STEPS
    assert counter(demo, "backward") == last["backward_passes"]
    shown = python("evaluate", a=last["a"], b=last["b"])["result"]
    assert exact_loss(page) == pytest.approx(shown["loss"], rel=1e-9)
    assert exact_loss(page) < 0.01 * before
    demo.screenshot(path=str(artifacts / "landscape-demo-trained.png"))


def test_stop_ends_a_run_early_and_says_so(page, server):
    demo = open_demo(page, server)
    set_control(page, "activation", "sigmoid")
    demo.get_by_role("button", name="Train").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.wait_for_function(
        f"() => Number(document.querySelector('{DEMO} [data-role=\"steps\"]').textContent) >= 10",
        timeout=30_000)
    demo.get_by_role("button", name="Stop").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=10_000)
    text = demo.locator(".gde-message").text_content()
    stopped = re.fullmatch(r"Stopped by you after (\d+) steps: press Train to go on\.", text)
    assert stopped, text
    steps = counter(demo, "steps")
    assert int(stopped.group(1)) == steps
    # A run left alone goes all the way (CPython's own run, same settings), and says why it ended.
    finished = python_run(a=-1, b=1.5, method="gradient", activation="sigmoid", seed=0,
                          lr=DEFAULTS["fields"]["lr"]["default"], max_steps=str(MAX_STEPS))[-1]
    assert 10 <= steps < finished["step"] == MAX_STEPS
    assert "by you" not in finished["reason"]
    assert demo.get_by_role("button", name="Train").get_attribute("aria-pressed") == "false"


def test_clicking_the_landscape_moves_the_point_there(page, server):
    demo = open_demo(page, server)
    click_and_wait(page, demo, "Gradient step", 1)
    canvas = demo.locator("canvas.gde-landscape")
    box = canvas.bounding_box()
    x, y = box["width"] * 0.8, box["height"] * 0.3
    canvas.click(position={"x": x, "y": y})
    page.wait_for_function(
        f"""() => document.querySelector('{DEMO} output[name="a-value"]').textContent > 2
                  && document.querySelector('{DEMO} [data-role="steps"]').textContent === '0'""")
    # The inverse of the plot's mapping: [-5, 5]² inside the margins.
    a = -5 + 10 * (x - PAD["left"]) / (box["width"] - PAD["left"] - PAD["right"])
    b = -5 + 10 * (box["height"] - PAD["bottom"] - y) / (box["height"] - PAD["top"] - PAD["bottom"])
    assert float(demo.locator('output[name="a-value"]').text_content()) == pytest.approx(a, abs=0.05)
    assert float(demo.locator('output[name="b-value"]').text_content()) == pytest.approx(b, abs=0.05)
    assert counter(demo, "steps") == 0  # a new start clears the trail and the counters


def test_local_search_steps_match_cpython(page, server):
    demo = open_demo(page, server)
    a, b = 2.5, 1.0
    set_control(page, "a", a)
    set_control(page, "b", b)
    start = exact_loss(page)
    answer = None
    for k in range(5):
        # the page numbers its local-search steps 0, 1, ... and draws from Generator([0, k])
        answer = python("step", a=a, b=b, method="local_search", neighbours="8", step_size="0.3",
                        seed=0, counter=k)["result"]
        a, b = answer["a"], answer["b"]
        click_and_wait(page, demo, "Local search step", k + 1)
        assert exact_loss(page) == pytest.approx(answer["loss"], rel=1e-12)
    assert (a, b) != (2.5, 1.0) and answer["loss"] < start  # it moved, and downhill
    assert demo.locator('output[name="a-value"]').text_content() == f"{a:.2f}"
    assert demo.locator('output[name="b-value"]').text_content() == f"{b:.2f}"
    assert counter(demo, "forward") == 5 * 8 * 3
    assert counter(demo, "backward") == 0
    # The last step found nothing lower, and Python's sentence says so in the info style.
    assert not answer["moved"] and answer["outcome"] == "no_move"
    message = demo.locator(".gde-message")
    assert message.text_content() == answer["message"]
    assert message.get_attribute("data-kind") == DEFAULTS["outcomes"]["no_move"] == "info"


def test_a_flat_activation_gives_no_gradient(page, server):
    demo = open_demo(page, server)
    set_control(page, "activation", "binary_step")
    assert demo.locator('[data-role="grad"]').text_content() == "(0.0000, 0.0000)"
    before = exact_loss(page)
    click_and_wait(page, demo, "Gradient step", 1)
    answer = python("step", a=-1, b=1.5, method="gradient", lr="0.5", activation="binary_step")["result"]
    assert answer["outcome"] == "zero_gradient" and not answer["moved"]
    message = demo.locator(".gde-message")
    assert message.text_content() == answer["message"]
    assert message.get_attribute("data-kind") == DEFAULTS["outcomes"]["zero_gradient"] == "warning"
    assert exact_loss(page) == before


@pytest.mark.parametrize("typed", ["-1", "0", "NaN", "1e9", "", "abc"])
def test_bad_learning_rate_is_explained_beside_the_field(page, server, typed):
    demo = open_demo(page, server)
    before = displayed_loss(page)
    demo.locator('input[name="lr"]').fill(typed)
    demo.get_by_role("button", name="Gradient step").click()
    error = demo.locator('.gde-field-error[data-error-for="learning rate"]')
    error.wait_for(state="visible", timeout=5_000)
    expected = python("step", a=-1, b=1.5, method="gradient", lr=typed)["error"]
    assert expected["arg"] == "learning rate"
    assert error.text_content() == expected["message"]
    assert demo.locator('input[name="lr"]').get_attribute("aria-invalid") == "true"
    assert displayed_loss(page) == before  # nothing moved, nothing broke
    assert counter(demo, "steps") == 0
    demo.locator('input[name="lr"]').fill("0.5")
    assert error.text_content() == ""  # typing clears the message
    demo.get_by_role("button", name="Gradient step").click()
    page.wait_for_function(
        f"() => Number(document.querySelector('{DEMO} [data-role=\"loss\"]').textContent) < {before}"
    )
    assert demo.get_attribute("data-state") == "ready"


def test_bad_step_size_is_explained_beside_the_field(page, server):
    demo = open_demo(page, server)
    demo.locator('input[name="step_size"]').fill("abc")
    demo.get_by_role("button", name="Local search step").click()
    error = demo.locator('.gde-field-error[data-error-for="step size"]')
    error.wait_for(state="visible", timeout=5_000)
    assert "step size must be a number" in error.text_content()
    assert error.text_content() == python("step", a=-1, b=1.5, method="local_search",
                                          step_size="abc")["error"]["message"]


def test_divergence_stops_and_says_why(page, server):
    demo = open_demo(page, server)
    set_control(page, "activation", "relu")
    set_control(page, "a", 3.0)
    set_control(page, "b", 3.0)
    demo.locator('input[name="lr"]').fill("50")
    demo.get_by_role("button", name="Train").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=30_000)
    last = python_run(a=3.0, b=3.0, method="gradient", lr="50", activation="relu",
                      max_steps=str(MAX_STEPS), seed=0)[-1]
    assert last["outcome"] in ("diverged", "diverging")
    message = demo.locator(".gde-message")
    assert message.text_content() == last["reason"]
    assert "diverg" in last["reason"] and "too high" in last["reason"]
    assert message.get_attribute("data-kind") == "warning"
    assert counter(demo, "steps") == last["step"] < MAX_STEPS


def test_pyodide_failure_keeps_the_page_and_offers_retry(page, server, record):
    record.expect_errors = True  # the blocked files are reported in the console
    page.context.route("**/pyodide.asm.wasm", lambda route: route.abort())  # the worker's fetch
    page.goto(server.url + "landscape/")
    page.locator('[data-chart="toy_landscape"] .gde-chart__view').hover()  # live when pointed at
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="error"]').wait_for(timeout=READY_TIMEOUT)
    alert = page.locator(f'{DEMO} [role="alert"]')
    assert "could not start" in alert.text_content()
    assert page.get_by_role("heading", name="The loss landscape").is_visible()
    page.context.unroute("**/pyodide.asm.wasm")
    alert.get_by_role("button", name="Retry").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    assert displayed_loss(page) == pytest.approx(sine_neuron_mse(-1.0, 1.5), rel=1e-9)
    assert page.locator(f"{DEMO} canvas.gde-landscape").count() == 1  # one set of controls
