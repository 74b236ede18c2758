"""What a reader sees on "The loss landscape", in headless Chromium against the built site.

Numbers on the page are checked against CPython: the demo's own module
(`explainer_core.demos.landscape`, through the same JSON entry point the worker calls) for steps
and runs, and a closed form written out here for the loss at a start position.
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
MAP_PAD = {"left": 40, "right": 62, "top": 10, "bottom": 34}  # the map's margins in landscape.js, px
PAD = {"left": 40, "right": 10, "top": 10, "bottom": 34}  # the curve panel's margins, px
COLOURS = {"gradient": "#D55E00", "local_search": "#56B4E9"}  # Okabe-Ito, as landscape.js draws them


def python(method: str, /, **args):
    """The answer CPython gives to the call the page makes: {"ok": ..., "result" | "error"}."""
    return json.loads(demos.call(json.dumps({"demo": "landscape", "method": method, "args": args})))


def python_run(**args) -> list[dict]:
    """Every frame of a race() run in CPython, as the page receives them (JSON)."""
    stream = demos.start(json.dumps({"demo": "landscape", "method": "race", "args": args}))
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


def displayed_loss(page, method: str = "gradient") -> float:
    return float(page.locator(f'{DEMO} [data-role="{method}-loss"]').text_content())


def exact_loss(page, method: str = "gradient") -> float:
    """A method's loss as the page shows it, at full precision (its data-value)."""
    return float(page.locator(f'{DEMO} [data-role="{method}-loss"]').get_attribute("data-value"))


def counter(demo, method: str, what: str) -> int:
    """A counter as shown ("12 steps", "1 forward pass"): its number."""
    text = demo.locator(f'[data-role="{method}-{what}"]').text_content()
    number, word = text.split(" ", 1)
    assert word.endswith("s") == (number != "1"), text  # "1 step", "2 steps"
    return int(number)


def set_control(page, name: str, value):
    """Change a slider, a field or a select as a reader would (set the value, fire `input` or
    `change`), and wait until the demo has redrawn."""
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


def wait_steps(page, method: str, count: int, timeout: int = 20_000):
    page.wait_for_function(
        f"""() => document.querySelector('{DEMO} [data-role="{method}-steps"]').textContent
                  .startsWith("{count} ") && document.querySelector('{DEMO}').dataset.state === "ready" """,
        timeout=timeout)


def settle(page, timeout: int = 60_000):
    page.wait_for_function(
        f"() => document.querySelector('{DEMO}').dataset.state === 'ready' && window.gde.worker().pending === 0",
        timeout=timeout)


def states(page) -> dict:
    """Both methods' numbers as the page shows them."""
    out = {}
    for name in COLOURS:
        out[name] = {"loss": exact_loss(page, name)}
    return out


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
    chart.hover()  # the build's picture becomes the live chart when the reader points at it
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
    for name in ("activation", "loss", "speed", "loss_axis"):
        offered = demo.locator(f'select[name="{name}"] option').evaluate_all(
            "options => options.map((o) => [o.value, o.textContent])")
        assert offered == DEFAULTS["choices"][name], name
    for name in ("lr", "neighbours", "step_size", "x1", "y1", "x2", "y2", "x3", "y3"):
        spec = DEFAULTS["fields"][name]
        field = demo.locator(f'input[name="{name}"]')
        assert field.input_value() == spec["default"]
        assert float(field.get_attribute("data-min")) == spec["min"], name
        assert demo.locator(f'.gde-field-error[data-error-for="{spec["label"]}"]').count() == 1
    assert demo.locator('select[name="speed"]').input_value() == DEFAULTS["default_speed"]
    # both methods start where the chapter's equation says
    for name in COLOURS:
        assert exact_loss(page, name) == pytest.approx(sine_neuron_mse(-1, 1.5), rel=1e-12)
        assert counter(demo, name, "steps") == 0


def test_one_screen_holds_the_map_the_curve_and_play(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    demo = open_demo(page, server)
    demo.evaluate("(root) => root.scrollIntoView()")  # Material's sticky header covers the top
    header = page.locator(".md-header").bounding_box()
    page.evaluate(f"window.scrollBy(0, -{header['height'] + 8})")
    boxes = {name: demo.locator(selector).bounding_box() for name, selector in [
        ("map", "canvas.gde-landscape"), ("curve", "canvas.gde-function"),
        ("chart", "canvas.gde-losschart"), ("play", 'button[data-action="play"]')]}
    for name, box in boxes.items():
        assert box["y"] >= header["height"] and box["y"] + box["height"] <= 900, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, (name, box)
    # the curve really is on the right of the map, as the text says
    assert boxes["curve"]["x"] >= boxes["map"]["x"] + boxes["map"]["width"]


def test_play_runs_both_methods_side_by_side_as_cpython_does(page, server, artifacts):
    demo = open_demo(page, server)
    demo.get_by_role("button", name="Play").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    assert demo.get_by_role("button", name="Stop").is_visible()
    settle(page)
    frames = python_run(a=-1, b=1.5, lr="0.5", neighbours="8", step_size="0.3", seed=0,
                        max_steps=str(MAX_STEPS))
    last = frames[-1]
    assert demo.locator(".gde-message").text_content() == last["reason"]
    for name in COLOURS:
        want = last[name]
        assert counter(demo, name, "steps") == want["steps"]
        assert counter(demo, name, "forward") == want["forward_passes"]
        assert counter(demo, name, "backward") == want["backward_passes"]
        assert exact_loss(page, name) == want["loss"]
        said = demo.locator(f'[data-role="{name}-message"]').text_content()
        assert said == (want["reason"] or "")
    assert counter(demo, "gradient", "forward") == 3 * counter(demo, "gradient", "steps")
    assert counter(demo, "local_search", "forward") == 24 * counter(demo, "local_search", "steps")
    # two trails in two colours on the map, and the loss chart draws both
    pixels = canvas_pixels(page, f"{DEMO} canvas.gde-landscape")
    for name, colour in COLOURS.items():
        assert near(pixels, colour, 30).sum() > 100, name
    chart = canvas_pixels(page, f"{DEMO} canvas.gde-losschart")
    for name, colour in COLOURS.items():
        assert near(chart, colour, 30).sum() > 50, name
    demo.screenshot(path=str(artifacts / "landscape-demo-trained.png"))


def test_stop_step_and_reset(page, server):
    demo = open_demo(page, server)
    page.select_option(f"{DEMO} select[name=speed]", "1")
    demo.get_by_role("button", name="Play").click()
    page.wait_for_function(
        f"() => parseInt(document.querySelector('{DEMO} [data-role=\"gradient-steps\"]').textContent) >= 5",
        timeout=30_000)
    demo.get_by_role("button", name="Stop").click()
    settle(page, 10_000)
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you")
    stopped = counter(demo, "gradient", "steps")
    assert counter(demo, "local_search", "steps") == stopped  # lockstep
    demo.get_by_role("button", name="Step").click()
    wait_steps(page, "gradient", stopped + 1)
    assert counter(demo, "local_search", "steps") == stopped + 1
    # stopped, then one step: exactly the first stopped + 1 frames of one uninterrupted run
    want = python_run(a=-1, b=1.5, lr="0.5", neighbours="8", step_size="0.3", seed=0,
                      max_steps=str(stopped + 1))[-1]
    for name in COLOURS:
        assert exact_loss(page, name) == pytest.approx(want[name]["loss"], rel=1e-12)
    demo.get_by_role("button", name="Reset").click()
    wait_steps(page, "gradient", 0)
    for name in COLOURS:
        assert counter(demo, name, "steps") == counter(demo, name, "forward") == 0
        assert exact_loss(page, name) == pytest.approx(sine_neuron_mse(-1, 1.5), rel=1e-12)
    # the trails are gone: no vermillion line left on the map (only the marker)
    pixels = canvas_pixels(page, f"{DEMO} canvas.gde-landscape")
    assert near(pixels, COLOURS["gradient"], 30).sum() < 200


def increments(page, speed: str) -> list[int]:
    """The jumps of gradient descent's step counter during a run at `speed`."""
    page.select_option(f"{DEMO} select[name=speed]", speed)
    page.evaluate(f"""() => {{
        window.__seen = [];
        const out = document.querySelector('{DEMO} [data-role="gradient-steps"]');
        new MutationObserver(() => window.__seen.push(parseInt(out.textContent)))
            .observe(out, {{ childList: true, characterData: true, subtree: true }});
    }}""")
    demo = page.locator(DEMO)
    demo.get_by_role("button", name="Play").click()
    page.wait_for_function("() => window.__seen.length >= 12", timeout=30_000)
    demo.get_by_role("button", name="Stop").click()
    settle(page, 10_000)
    seen = page.evaluate("window.__seen")
    return [b - a for a, b in zip(seen, seen[1:]) if b != a]


def test_speed_sets_the_steps_per_frame(page, server):
    demo = open_demo(page, server)
    slow = increments(page, "1")
    assert slow and all(jump == 1 for jump in slow)
    demo.get_by_role("button", name="Reset").click()
    wait_steps(page, "gradient", 0)
    fast = increments(page, "64")
    # up to 64 steps per drawn frame (fewer when a chunk uses up the worker's 30 ms budget)
    assert max(fast) > 1 and all(1 <= jump <= 64 for jump in fast)
    assert sum(fast) / len(fast) > 2


def test_the_newest_slider_value_wins(page, server):
    demo = open_demo(page, server)
    slider = demo.locator('input[name="a"]')
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    settle(page)
    page.wait_for_timeout(300)
    step = float(slider.get_attribute("step"))
    assert float(slider.input_value()) == pytest.approx(-1 + 10 * step, abs=1e-12)
    assert demo.locator('output[name="a-value"]').text_content() == f"{-1 + 10 * step:.2f}"
    a = float(slider.input_value())
    for name in COLOURS:
        assert exact_loss(page, name) == pytest.approx(sine_neuron_mse(a, 1.5), rel=1e-12)


def test_clicking_the_map_moves_the_start_and_keeps_the_counters(page, server):
    demo = open_demo(page, server)
    demo.get_by_role("button", name="Step").click()
    wait_steps(page, "gradient", 1)
    canvas = demo.locator("canvas.gde-landscape")
    box = canvas.bounding_box()
    x, y = box["width"] * 0.7, box["height"] * 0.3
    canvas.click(position={"x": x, "y": y})
    settle(page)
    a = -5 + 10 * (x - MAP_PAD["left"]) / (box["width"] - MAP_PAD["left"] - MAP_PAD["right"])
    b = -5 + 10 * (box["height"] - MAP_PAD["bottom"] - y) / (box["height"] - MAP_PAD["top"] - MAP_PAD["bottom"])
    shown_a = float(demo.locator('input[name="a"]').input_value())
    shown_b = float(demo.locator('input[name="b"]').input_value())
    assert shown_a == pytest.approx(a, abs=0.05) and shown_b == pytest.approx(b, abs=0.05)
    assert counter(demo, "gradient", "steps") == 1  # counters survive a click; Reset clears them
    assert exact_loss(page) == pytest.approx(sine_neuron_mse(shown_a, shown_b), rel=1e-12)


def test_clicking_the_map_during_a_run_moves_the_run(page, server):
    demo = open_demo(page, server)
    page.select_option(f"{DEMO} select[name=speed]", "1")
    demo.get_by_role("button", name="Play").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    canvas = demo.locator("canvas.gde-landscape")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.8})
    page.wait_for_function(f"() => Number(document.querySelector('{DEMO} input[name=a]').value) < -2")
    page.wait_for_timeout(1500)
    assert demo.get_attribute("data-state") == "running"  # the run goes on, from the new start
    demo.get_by_role("button", name="Stop").click()
    settle(page, 10_000)
    a = float(demo.locator('input[name="a"]').input_value())
    b = float(demo.locator('input[name="b"]').input_value())
    # the trail starts at the click: the page's first trail point is the new start
    first = page.evaluate(f"""() => {{
        const root = document.querySelector('{DEMO}');
        return root.querySelector('[data-role="gradient-steps"]').textContent; }}""")
    assert int(first.split()[0]) > 1
    assert a < -2 and b < -2


def test_dragging_a_data_point_recomputes_the_landscape(page, server):
    demo = open_demo(page, server)
    canvas = demo.locator("canvas.gde-function")
    box = canvas.bounding_box()
    x_range, y_range = DEFAULTS["curve_range"]["x"], DEFAULTS["curve_range"]["y"]
    w = box["width"] - PAD["left"] - PAD["right"]
    h = box["height"] - PAD["top"] - PAD["bottom"]
    px = lambda x: box["x"] + PAD["left"] + (x - x_range[0]) / (x_range[1] - x_range[0]) * w  # noqa: E731
    py = lambda y: box["y"] + PAD["top"] + h - (y - y_range[0]) / (y_range[1] - y_range[0]) * h  # noqa: E731
    calls = []
    page.on("console", lambda m: None)
    page.mouse.move(px(1.5), py(np.sin(1.5)))
    page.mouse.down()
    page.mouse.move(px(2.5), py(-0.5), steps=8)
    page.mouse.up()
    settle(page)
    page.wait_for_timeout(300)
    settle(page)
    points = {name: demo.locator(f'input[name="{name}"]').input_value()
              for name in ("x1", "y1", "x2", "y2", "x3", "y3")}
    assert float(points["x3"]) == pytest.approx(2.5, abs=0.1)
    assert float(points["y3"]) == pytest.approx(-0.5, abs=0.1)
    assert points["x1"] == DEFAULTS["fields"]["x1"]["default"] == "-1.5"
    assert points["x2"] == DEFAULTS["fields"]["x2"]["default"]
    # the loss at the start is now the loss for the new data, as CPython computes it
    want = python("evaluate", a=-1, b=1.5, points=points)["result"]["loss"]
    assert exact_loss(page) == want != pytest.approx(sine_neuron_mse(-1, 1.5))
    minima = python("setup", points=points, grid=2)["result"]["minima"]["text"]
    assert demo.locator('[data-role="minima"]').text_content() == minima
    del calls


def test_a_bad_data_point_is_explained_beside_its_field(page, server):
    demo = open_demo(page, server)
    demo.locator("details.gde-ls__points summary").click()
    demo.locator('input[name="y2"]').fill("7")
    label = DEFAULTS["fields"]["y2"]["label"]
    error = demo.locator(f'.gde-field-error[data-error-for="{label}"]')
    error.wait_for(state="visible", timeout=10_000)
    points = {n: DEFAULTS["fields"][n]["default"] for n in ("x1", "y1", "x2", "y2", "x3", "y3")}
    assert error.text_content() == python("setup", points={**points, "y2": "7"})["error"]["message"]
    demo.locator('input[name="y2"]').fill("0.3")
    settle(page)
    page.wait_for_timeout(300)
    assert error.text_content() == ""
    want = python("evaluate", a=-1, b=1.5, points={**points, "y2": "0.3"})["result"]["loss"]
    assert exact_loss(page) == want


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "sin", "tanh"])
def test_the_minimum_markers_say_what_is_true(page, server, activation):
    demo = open_demo(page, server)
    set_control(page, "activation", activation)
    settle(page)
    found = python("setup", activation=activation, grid=2)["result"]["minima"]
    assert demo.locator('[data-role="minima"]').text_content() == found["text"]
    if activation == "sigmoid":
        assert "outside the plotted range" in found["text"]
    if activation == "relu":  # a whole valley floor shares the lowest loss (see the claims tests)
        assert found["kind"] == "flat"
    if activation == "sin":
        assert found["kind"] == "several" and len(found["points"]) > 2
        # every one is drawn: a white cross at each lowest point
        pixels = canvas_pixels(page, f"{DEMO} canvas.gde-landscape")
        ratio = page.evaluate("window.devicePixelRatio")
        box = demo.locator("canvas.gde-landscape").bounding_box()
        w = box["width"] - MAP_PAD["left"] - MAP_PAD["right"]
        h = box["height"] - MAP_PAD["top"] - MAP_PAD["bottom"]
        for a, b in found["points"]:
            cx = int((MAP_PAD["left"] + (a + 5) / 10 * w) * ratio)
            cy = int((MAP_PAD["top"] + h - (b + 5) / 10 * h) * ratio)
            patch = pixels[cy - 3:cy + 4, cx - 3:cx + 4]
            assert near(patch, "#FFFFFF", 10).sum() >= 3, (a, b)


def test_messages_clear_when_the_point_moves(page, server):
    demo = open_demo(page, server)
    set_control(page, "activation", "relu")
    demo.locator('input[name="lr"]').fill("50")
    demo.get_by_role("button", name="Step").click()
    wait_steps(page, "gradient", 1)
    said = demo.locator('[data-role="gradient-message"]')
    want = python_run(a=-1, b=1.5, activation="relu", lr="50", max_steps="1")[-1]["gradient"]
    assert said.text_content() == want["reason"] and "too high" in want["reason"]
    assert said.get_attribute("data-kind") == "warning"
    canvas = demo.locator("canvas.gde-landscape")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.45, "y": box["height"] * 0.45})
    settle(page)
    assert said.text_content() == ""
    demo.locator('input[name="lr"]').fill("0.5")
    demo.get_by_role("button", name="Step").click()
    wait_steps(page, "gradient", 2)
    assert "too high" not in said.text_content()


@pytest.mark.parametrize("typed", ["-1", "0", "NaN", "1e9", "", "abc"])
def test_bad_learning_rate_is_explained_beside_the_field(page, server, typed):
    demo = open_demo(page, server)
    before = exact_loss(page)
    demo.locator('input[name="lr"]').fill(typed)
    demo.get_by_role("button", name="Step").click()
    error = demo.locator('.gde-field-error[data-error-for="learning rate"]')
    error.wait_for(state="visible", timeout=5_000)
    out, _ = python_error(a=-1, b=1.5, lr=typed, max_steps="1")
    assert out["error"]["arg"] == "learning rate"
    assert error.text_content() == out["error"]["message"]
    assert demo.locator('input[name="lr"]').get_attribute("aria-invalid") == "true"
    assert exact_loss(page) == before and counter(demo, "gradient", "steps") == 0
    demo.locator('input[name="lr"]').fill("0.5")
    assert error.text_content() == ""  # typing clears the message
    demo.get_by_role("button", name="Step").click()
    wait_steps(page, "gradient", 1)
    assert exact_loss(page) < before


def python_error(**args):
    stream = demos.start(json.dumps({"demo": "landscape", "method": "race", "args": args}))
    chunk = json.loads(stream.advance(10, 10_000))
    return chunk, chunk["frames"]


def test_keyboard_moves_the_start(page, server):
    demo = open_demo(page, server)
    demo.locator("canvas.gde-landscape").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    settle(page)
    page.wait_for_timeout(300)
    assert float(demo.locator('input[name="a"]').input_value()) == pytest.approx(-0.9, abs=1e-9)
    assert float(demo.locator('input[name="b"]').input_value()) == pytest.approx(1.0, abs=1e-9)
    assert exact_loss(page) == pytest.approx(sine_neuron_mse(-0.9, 1.0), rel=1e-12)
    page.wait_for_function(f"() => document.querySelector('{DEMO} [data-role=announce]').textContent.includes('loss')")


@pytest.mark.parametrize("look", ["light", "dark", "phone"])
def test_screenshots(browser, server, artifacts, look):
    size = {"width": 390, "height": 844} if look == "phone" else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, color_scheme="dark" if look == "dark" else "light")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        demo = open_demo(page, server)
        if look == "dark":
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        demo.get_by_role("button", name="Play").click()
        settle(page)
        if look == "phone":
            demo.screenshot(path=str(artifacts / f"landscape-demo-{look}.png"))
        else:  # one screen, as a reader at 1280 × 900 sees it: the demo just below the header
            demo.evaluate("(root) => root.scrollIntoView()")
            header = page.locator(".md-header").bounding_box()
            page.evaluate(f"window.scrollBy(0, -{header['height'] + 8})")
            page.screenshot(path=str(artifacts / f"landscape-demo-{look}.png"))
        # the canvas text takes the theme's colour
        fg = page.evaluate(f"getComputedStyle(document.querySelector('{DEMO}')).getPropertyValue('--md-default-fg-color').trim()")
        assert fg
    finally:
        context.close()
    assert errors == []


def test_pyodide_failure_keeps_the_page_and_offers_retry(page, server, record):
    record.expect_errors = True  # the blocked files are reported in the console
    page.context.route("**/pyodide.asm.wasm", lambda route: route.abort())  # the worker's fetch
    page.goto(server.url + "landscape/")
    page.locator('[data-chart="toy_landscape"]').hover()
    page.locator('[data-chart="toy_landscape"][data-state="ready"]').wait_for(timeout=30_000)
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="error"]').wait_for(timeout=READY_TIMEOUT)
    alert = page.locator(f'{DEMO} [role="alert"]')
    assert "could not start" in alert.text_content()
    assert page.get_by_role("heading", name="The loss landscape").is_visible()
    page.context.unroute("**/pyodide.asm.wasm")
    alert.get_by_role("button", name="Retry").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    assert exact_loss(page) == pytest.approx(sine_neuron_mse(-1.0, 1.5), rel=1e-12)
    assert displayed_loss(page) == pytest.approx(sine_neuron_mse(-1.0, 1.5), rel=1e-5)
    assert page.locator(f"{DEMO} canvas.gde-landscape").count() == 1  # one set of controls
