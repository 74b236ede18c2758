"""What a reader sees on "A network is a function with knobs", in headless Chromium against the
built site.

Numbers on the page are checked against CPython: the demo's own module
(`explainer_core.demos.function`, through the JSON entry point the worker calls) and the curve
written out in numpy. The curve the page draws while a slider moves is computed in JavaScript
(`networkCurve` in docs/js/demos/function.js); it is checked against Python's here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from explainer_core import demos
from explainer_core.chapters import function as chapter

pytestmark = pytest.mark.browser

DEMO = '[data-demo="function"]'
READY_TIMEOUT = 120_000  # ms: Pyodide compiles ~10 MB of wasm; slow on a busy 2-core machine
STOP_BOUND_MS = 500


def python(method: str, /, **args):
    """The answer CPython gives to the call the page makes."""
    return json.loads(demos.call(json.dumps({"demo": "function", "method": method, "args": args})))


def python_fit(**args) -> list[dict]:
    stream = demos.start(json.dumps({"demo": "function", "method": "fit", "args": args}))
    frames = []
    while True:
        chunk = json.loads(stream.advance(100_000, 600_000))
        frames += chunk["frames"]
        if chunk["done"]:
            return frames


SETUP = python("setup")["result"]
FIELDS = SETUP["fields"]


def open_demo(page, server, hash_=""):
    page.goto(server.url + "function/" + hash_)
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    settle(page)
    return page.locator(DEMO)


def settle(page, timeout: int = 60_000):
    page.wait_for_function(
        f"() => document.querySelector('{DEMO}').dataset.state === 'ready' && window.gde.worker().pending === 0",
        timeout=timeout)
    page.wait_for_timeout(50)
    page.wait_for_function("() => window.gde.worker().pending === 0", timeout=timeout)


def page_knobs(page) -> dict:
    """The knobs as the sliders hold them (the 16 neurons with sliders, and c)."""
    return page.evaluate(f"""() => {{
        const root = document.querySelector('{DEMO}');
        const value = (name) => Number(root.querySelector(`input[name="${{name}}"]`).value);
        const out = {{ w: [], b: [], v: [], c: value("c") }};
        for (let j = 1; j <= 16; j++) for (const k of ["w", "b", "v"]) out[k].push(value(k + j));
        return out;
    }}""")


def full_knobs(knobs16: dict) -> dict:
    """16 neurons' knobs padded to the page's 64 with the starting knobs (only n are used)."""
    start = SETUP["knobs"]
    return {k: knobs16[k] + start[k][16:] for k in "wbv"} | {"c": knobs16["c"]}


def shown_loss(page) -> float:
    return float(page.locator(f'{DEMO} [data-role="loss"]').get_attribute("data-value"))


def js_curve(page, knobs: dict, width: int, activation: str) -> list[float]:
    """The page's own networkCurve at the plot's grid, imported from the demo's module."""
    return page.evaluate(
        """async ([knobs, width, activation, xs]) => {
            const root = document.querySelector('[data-demo="function"]');
            const module = await import(new URL(root.dataset.module, document.baseURI).href);
            return Array.from(module.networkCurve(knobs, width, xs, activation));
        }""",
        [knobs, width, activation, SETUP["curve_x"]],
    )


def canvas_pixels(page, selector: str) -> np.ndarray:
    width, height, data = page.evaluate(
        """(selector) => { const c = document.querySelector(selector);
             const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
             return [c.width, c.height, Array.from(d)]; }""",
        selector,
    )
    return np.array(data, dtype=np.uint8).reshape(height, width, 4)


def near(pixels: np.ndarray, hex_colour: str, tolerance: int = 30) -> np.ndarray:
    """Mask of the opaque pixels within `tolerance` (per channel) of a #RRGGBB colour."""
    rgb = np.array([int(hex_colour[k:k + 2], 16) for k in (1, 3, 5)])
    return np.all(np.abs(pixels[..., :3].astype(int) - rgb) <= tolerance, axis=-1) & (pixels[..., 3] > 200)


def slide(page, name: str, value):
    """Move a slider as a reader's drag does: set its value and fire `input`."""
    page.evaluate(
        """([name, value]) => {
            const el = document.querySelector(`[data-demo="function"] input[name="${name}"]`);
            el.value = String(value);
            el.dispatchEvent(new Event("input", { bubbles: true }));
        }""",
        [name, value],
    )


def test_ready_curve_sliders_and_keys_give_pythons_numbers(page, server):
    demo = open_demo(page, server)
    offered = demo.locator('select[name="activation"] option').evaluate_all(
        "options => options.map((o) => [o.value, o.textContent])")
    assert offered == SETUP["choices"]["activation"]
    targets = demo.locator('select[name="target"] option').evaluate_all(
        "options => options.map((o) => [o.value, o.textContent])")
    assert targets == SETUP["choices"]["target"]
    assert demo.locator('select[name="target"]').input_value() == "sine"
    for name in ("expression", "width"):
        assert demo.locator(f'input[name="{name}"]').input_value() == FIELDS[name]["default"]
    assert demo.locator('[data-role="parameters"]').text_content() == "3 neurons: 3n + 1 = 10 parameters"
    # the starting knobs are Python's, and the loss shown is CPython's for them
    knobs = page_knobs(page)
    assert knobs["w"] == pytest.approx(SETUP["knobs"]["w"][:16], rel=1e-14)
    want = python("evaluate", expression="sin(2*x)", width="3", knobs=full_knobs(knobs))["result"]
    assert shown_loss(page) == pytest.approx(want["loss"], rel=1e-12)
    # three slider rows shown, the others hidden
    assert demo.locator(".fn-neuron[data-neuron]:visible").count() == 3
    assert page.locator('[data-chart="function_best_error"]').count() == 1

    # the curve the page draws from the knobs is the curve Python computes from them
    knobs = python("knobs", seed=3)["result"]
    for activation in ("tanh", "relu", "sigmoid"):
        for width in (1, 4, 16, 64):
            want = python("evaluate", expression="sin(2*x)", activation=activation, width=str(width),
                          knobs=knobs)["result"]["curve"]
            got = js_curve(page, knobs, width, activation)
            assert np.max(np.abs(np.array(got) - np.array(want))) <= 1e-12, (activation, width)

    # a slider moves the curve at once, and Python gives the loss of the new knobs
    plot = f"{DEMO} canvas.fn-plot"
    before = canvas_pixels(page, plot)
    slide(page, "v2", 0.8)
    after = canvas_pixels(page, plot)  # drawn within the input event: no waiting
    assert np.abs(after.astype(int) - before.astype(int)).sum() > 1000
    # the piece of the neuron being turned is drawn in vermillion, which the plot had not shown
    assert near(after, "#D55E00").sum() > 50 and near(before, "#D55E00").sum() == 0
    assert demo.locator('output[data-knob="v2"]').text_content() == "0.80"
    settle(page)
    knobs = page_knobs(page)
    assert knobs["v"][1] == 0.8
    want = python("evaluate", expression="sin(2*x)", width="3", knobs=full_knobs(knobs))["result"]
    assert shown_loss(page) == pytest.approx(want["loss"], rel=1e-12)
    assert np.max(np.abs(np.array(js_curve(page, full_knobs(knobs), 3, "tanh")) - np.array(want["curve"]))) <= 1e-12
    # the keyboard: a focused slider moves by a hundredth of its range per arrow key
    slider = demo.locator('input[name="b1"]')
    slider.focus()
    start = float(slider.input_value())
    page.keyboard.press("ArrowRight")
    settle(page)
    assert float(slider.input_value()) == pytest.approx(start + 0.2, abs=1e-9)
    knobs = page_knobs(page)
    want = python("evaluate", expression="sin(2*x)", width="3", knobs=full_knobs(knobs))["result"]
    assert shown_loss(page) == pytest.approx(want["loss"], rel=1e-12)
    assert demo.locator('[data-role="steps"]').text_content() == "set by hand"


def test_fit_gives_the_numbers_cpython_gives_and_stop_stops(page, server):
    demo = open_demo(page, server)
    demo.get_by_role("button", name="Fit").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    settle(page, 120_000)
    frames = python_fit(expression="sin(2*x)", activation="tanh", width="3", knobs=SETUP["knobs"])
    last = frames[-1]
    # Pyodide's numpy and CPython's agree to rounding over 2000 Adam steps
    assert shown_loss(page) == pytest.approx(last["loss"], rel=1e-8)
    assert last["loss"] == chapter.fit_loss("sine", 3)
    message = demo.locator(".gde-message").text_content()
    assert message == last["reason"]
    assert demo.locator('[data-role="steps"]').text_content() == f"{chapter.STEPS} Adam steps"
    knobs = page_knobs(page)
    assert knobs["w"][:3] == pytest.approx(last["theta"][:3], rel=1e-6)
    assert demo.locator(".fn-figure--loss").is_visible()
    # Stop: 64 neurons, a long run, stopped within half a second of the press
    demo.locator('input[name="width"]').fill("64")
    settle(page)
    assert demo.locator(".fn-neuron[data-neuron]:visible").count() == 0
    assert "too many knobs" in demo.locator('[data-role="knob-many"]').text_content()
    assert demo.locator('[data-role="parameters"]').text_content() == "64 neurons: 3n + 1 = 193 parameters"
    demo.get_by_role("button", name="Fit").click()
    page.wait_for_function(
        f"() => /^[1-9]\\d* Adam steps$/.test(document.querySelector('{DEMO} [data-role=steps]').textContent)",
        timeout=30_000)
    assert demo.get_attribute("data-state") == "running"
    t0 = page.evaluate("performance.now()")
    demo.get_by_role("button", name="Stop").click()
    page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state === 'ready'", timeout=5_000)
    stopped_ms = page.evaluate("performance.now()") - t0
    assert stopped_ms <= STOP_BOUND_MS, stopped_ms
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you")
    assert demo.get_by_role("button", name="Fit").is_visible()


def test_a_bad_formula_is_explained_beside_the_field_with_the_place(page, server, artifacts):
    demo = open_demo(page, server)
    label = FIELDS["expression"]["label"]
    error = demo.locator(f'.gde-field-error[data-error-for="{label}"]')
    field = demo.locator('input[name="expression"]')
    field.fill("sin(3*y)")
    error.wait_for(state="visible", timeout=10_000)
    want = python("target", expression="sin(3*y)")["error"]["message"]
    assert error.text_content() == want and "character 7: sin(3*»y«)" in want
    assert field.get_attribute("aria-invalid") == "true"
    assert demo.locator('select[name="target"]').input_value() == "custom"
    demo.screenshot(path=str(artifacts / "function-bad-formula.png"))
    before = shown_loss(page)
    field.fill("abs(x)")
    settle(page)
    assert error.text_content() == "" and field.get_attribute("aria-invalid") is None
    assert demo.locator('select[name="target"]').input_value() == "abs"  # the formula of |x|
    want = python("evaluate", expression="abs(x)", width="3", knobs=full_knobs(page_knobs(page)))["result"]
    assert shown_loss(page) == pytest.approx(want["loss"], rel=1e-12) != before
    # a width outside 1-64 is refused with the range, and the network keeps its 3 neurons
    width_error = demo.locator('.gde-field-error[data-error-for="neurons"]')
    demo.locator('input[name="width"]').fill("65")
    width_error.wait_for(state="visible", timeout=10_000)
    assert width_error.text_content() == python("evaluate", width="65")["error"]["message"]
    assert "[1, 64]" in width_error.text_content()
    assert demo.locator(".fn-neuron[data-neuron]:visible").count() == 3
    # choosing a target writes its formula into the field
    demo.locator('input[name="width"]').fill("3")
    demo.locator('select[name="target"]').select_option("step")
    settle(page)
    assert field.input_value() == "step(x)"
    want = python("evaluate", expression="step(x)", width="3", knobs=full_knobs(page_knobs(page)))["result"]
    assert shown_loss(page) == pytest.approx(want["loss"], rel=1e-12)


def test_a_link_restores_the_settings_and_the_knobs(page, server):
    # |x| = max(0, x) + max(0, -x) with neurons 1 and 5 (4 is silenced: v4 = 0), a network of 5;
    # the knobs of neuron 5 come before the width that shows them, as a hand-made link may order them
    knobs = "&".join(f"function.{k}" for k in (
        "w5=-1", "b5=0", "v5=1", "w1=1", "b1=0", "v1=1", "v2=0", "v3=0", "v4=0", "c=0"))
    demo = open_demo(page, server, f"#{knobs}&function.expression=abs(x)&function.activation=relu"
                                   "&function.width=5")
    settle(page)
    page.wait_for_timeout(300)
    settle(page)
    assert demo.locator('input[name="expression"]').input_value() == "abs(x)"
    assert demo.locator('select[name="activation"]').input_value() == "relu"
    assert demo.locator(".fn-neuron[data-neuron]:visible").count() == 5
    assert demo.locator('input[name="w5"]').is_enabled() and demo.locator('input[name="w6"]').is_disabled()
    assert page.locator(".gde-link-message").count() == 0  # nothing from the link was ignored
    # the loss is exactly zero, as CPython says for these knobs
    want = python("evaluate", expression="abs(x)", activation="relu", width="5",
                  knobs=full_knobs(page_knobs(page)))["result"]["loss"]
    assert shown_loss(page) == 0.0 == want == chapter.abs_from_two_relus()
    # and the page writes its settings back into the address
    demo.locator('input[name="width"]').fill("6")
    settle(page)
    page.wait_for_timeout(400)
    assert "function.width=6" in page.evaluate("location.hash")


def screenshot_checks(page, demo, artifacts, look):
    demo.evaluate("(root) => root.scrollIntoView()")
    header = page.locator(".md-header").bounding_box()
    page.evaluate(f"window.scrollBy(0, -{header['height'] + 8})")
    if look == "phone":
        demo.screenshot(path=str(artifacts / f"function-demo-{look}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    else:
        page.screenshot(path=str(artifacts / f"function-demo-{look}.png"))
    # no text in the demo under 11 px
    smallest = demo.evaluate("""(root) => Math.min(...[...root.querySelectorAll('*')]
        .filter((el) => el.offsetParent !== null && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
        .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
    assert smallest >= 11, smallest


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, server, artifacts, scheme):
    """Light at 1280 x 900 and then at 390 x 844 (a phone), dark at 1280 x 900."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        demo = open_demo(page, server)
        if scheme == "dark":
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        demo.get_by_role("button", name="Fit").click()
        settle(page, 120_000)
        slide(page, "w2", 4)  # the piece of the neuron being turned, in its own colour
        settle(page)
        screenshot_checks(page, demo, artifacts, scheme)
        if scheme == "light":
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_timeout(300)
            screenshot_checks(page, demo, artifacts, "phone")
    finally:
        context.close()
    assert errors == []
