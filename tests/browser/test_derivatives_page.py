"""What a reader sees on "Slopes", in headless Chromium against the built site.

Numbers on the page are checked against CPython: the demo's own module
(`explainer_core.demos.derivatives`, through the same JSON entry point the worker calls), with
formulas of pure arithmetic (no sin or exp, whose last bit may differ between two runtimes' maths
libraries), so the two must agree to the last digit.
"""

from __future__ import annotations

import json

import pytest

from explainer_core import demos
from tests.browser import pagekit
from tests.browser.pagekit import shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="derivatives"]'


def python_run(method: str, /, **args) -> list[dict]:
    return pagekit.python_frames("derivatives", method, **args)


def open_demo(page, server):
    return pagekit.open_demo(page, server, "derivatives/", DEMO)
STOP_BOUND_MS = 500


def python(method: str, /, **args):
    """The answer CPython gives to the call the page makes."""
    out = json.loads(demos.call(json.dumps({"demo": "derivatives", "method": method, "args": args})))
    assert out["ok"], out
    return out["result"]


def set_control(page, name: str, value):
    """Change a field, slider or select as a reader would, and wait until the demo answered."""
    page.evaluate(
        """([name, value]) => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="derivatives"]');
            root.addEventListener("gde:updated", resolve, { once: true });
            const control = root.querySelector(`[name="${name}"]`);
            control.value = String(value);
            control.dispatchEvent(new Event(control.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
        })""",
        [name, value],
    )


def numbers(demo) -> dict:
    return {role: shown(demo, role) for role in ("forward", "central", "exact", "forward-error",
                                                 "central-error", "b")}


def expected(slope: dict) -> dict:
    return {"forward": slope["forward"], "central": slope["central"], "exact": slope["exact"],
            "forward-error": slope["forward_error"], "central-error": slope["central_error"],
            "b": slope["intercept"]}


def field_error(demo, label: str) -> str:
    return demo.locator(f'.gde-field-error[data-error-for="{label}"]').text_content()


def test_the_books_numbers_then_an_interaction_give_what_cpython_gives(page, server, artifacts):
    demo = open_demo(page, server)
    first = python("setup")["first"]["slope"]
    assert numbers(demo) == expected(first)
    assert demo.locator('[data-role="forward"]').text_content() == "4.0001999999987845"  # the book
    # the reader types a formula and an x, and moves δ on its log slider to 10^-6
    set_control(page, "f", "x*x*x - 2*x")
    set_control(page, "x", "0.5")
    set_control(page, "log_delta", "-6")
    assert demo.locator('input[name="delta"]').input_value() == "0.000001"
    want = python("evaluate", f="x*x*x - 2*x", x="0.5", delta="0.000001", curves=False)["slope"]
    assert numbers(demo) == expected(want)
    # the keyboard moves x: focus the plot, press → twice
    demo.locator("canvas.gde-dv__curve").focus()
    for _ in range(2):
        page.evaluate("""() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="derivatives"]');
            root.addEventListener("gde:updated", resolve, { once: true });
            root.querySelector("canvas.gde-dv__curve").dispatchEvent(
              new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
        })""")
    assert demo.locator('input[name="x"]').input_value() == "0.7"
    want = python("evaluate", f="x*x*x - 2*x", x="0.7", delta="0.000001", curves=False)["slope"]
    assert numbers(demo) == expected(want)
    # an example from the picker fills in f, and the settings are in the address
    set_control(page, "example", "abs(x)")
    assert demo.locator('input[name="f"]').input_value() == "abs(x)"
    set_control(page, "x", "0")
    assert "corner" in demo.locator(".gde-message").text_content()
    assert shown(demo, "forward") == 1.0 and shown(demo, "central") == 0.0
    page.wait_for_function("() => location.hash.includes('derivatives.f=abs')", timeout=5_000)
    assert "derivatives.x=0" in page.evaluate("location.hash")
    demo.screenshot(path=str(artifacts / "derivatives-light.png"),
                    style=".md-header, .md-tabs { visibility: hidden; }")


BAD_INPUT = [
    ("delta", "δ", "0", "above 0"),
    ("delta", "δ", "-1", "above 0"),
    ("delta", "δ", "NaN", "above 0"),
    ("f", "f(x)", "sin(", "cannot be parsed"),
    ("f", "f(x)", "log(x - 5)", "not defined at this x"),
    ("x", "x", "9", "must be in"),
]


def test_bad_input_is_explained_beside_its_field(page, server):
    demo = open_demo(page, server)
    defaults = python("setup")["fields"]
    for name, label, typed, words in BAD_INPUT:
        set_control(page, name, typed)
        assert words in field_error(demo, label), (name, typed)
        assert demo.locator(f'input[name="{name}"]').get_attribute("aria-invalid") == "true"
        assert demo.get_attribute("data-state") == "ready"
        # fixing it clears the message and shows numbers again
        set_control(page, name, defaults[name]["default"])
        assert field_error(demo, label) == ""
        assert demo.locator(f'input[name="{name}"]').get_attribute("aria-invalid") is None
        assert shown(demo, "forward") == 4.0001999999987845


STOP_LATENCY = """(action) => new Promise((resolve) => {
  // press the run's button again (it reads Stop) and time until the demo is ready
  const root = document.querySelector('[data-demo="derivatives"]');
  const button = root.querySelector(`[data-action="${action}"]`);
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (root.dataset.state !== "running") {
      observer.disconnect();
      resolve({ ms: performance.now() - t0, label: button.textContent, state: root.dataset.state });
    }
  });
  observer.observe(root, { attributes: true, attributeFilter: ["data-state"] });
  button.click();
})"""


def test_runs_stop_within_half_a_second_and_counts_are_cpythons(page, server):
    demo = open_demo(page, server)
    # Shrink δ: a run of 65 steps; Stop leaves δ where it was
    demo.locator('[data-action="shrink"]').click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    assert demo.locator('[data-action="shrink"]').text_content() == "Stop"
    page.wait_for_timeout(700)
    stopped = page.evaluate(STOP_LATENCY, "shrink")
    assert stopped["ms"] < STOP_BOUND_MS and stopped["label"] == "Shrink δ" and stopped["state"] == "ready"
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you at δ = ")
    delta = demo.locator('input[name="delta"]').input_value()
    assert 1e-16 < float(delta) < 1.0
    # a whole Shrink δ on 2x² ends as CPython's run ends
    demo.locator('[data-action="shrink"]').click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state === 'ready'"
                           " && document.querySelector('[data-action=\"shrink\"]').textContent === 'Shrink δ'",
                           timeout=30_000)
    last = python_run("shrink", f="2*x^2", x="1")[-1]
    assert demo.locator('input[name="delta"]').input_value() == "1e-16"
    assert demo.locator(".gde-message").text_content() == last["summary"]
    # Count forward passes for 1,000 parameters: the counts CPython counts
    set_control(page, "parameters", "1000")
    demo.locator('[data-action="count"]').click()
    page.wait_for_function("() => document.querySelector('[data-role=\"count-message\"]').textContent"
                           ".startsWith('The central-difference gradient')", timeout=30_000)
    want = python_run("count", parameters="1000", method="central")[-1]
    assert shown(demo, "numerical") == want["forward_passes"] == 20_000
    assert shown(demo, "agreement") < 1e-8
    # a million parameters: it would take hours; Stop ends it at once
    set_control(page, "parameters", "1000000")
    demo.locator('[data-action="count"]').click()
    page.wait_for_function("() => Number(document.querySelector('[data-role=\"numerical\"]')"
                           ".dataset.value) > 0", timeout=30_000)
    assert demo.get_attribute("data-state") == "running"
    stopped = page.evaluate(STOP_LATENCY, "count")
    assert stopped["ms"] < STOP_BOUND_MS and stopped["label"] == "Count forward passes"
    said = demo.locator('[data-role="count-message"]').text_content()
    assert said.startswith("Stopped by you after ") and "20,000,000 forward passes by the formula" in said
    assert "hours" in said or "days" in said, said


def test_dark_mode_and_phone_width(browser, server, artifacts):
    for name, options in (("dark", {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}}),
                          ("phone", {"viewport": {"width": 390, "height": 844}})):
        context = browser.new_context(**options)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        demo = open_demo(page, server)
        if name == "dark":
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        else:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            # no text in the demo under 11 px
            smallest = demo.evaluate("""(root) => Math.min(...[...root.querySelectorAll('*')]
                .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
                .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
            assert smallest >= 11
            for selector in ("canvas.gde-dv__curve", "canvas.gde-dv__errors", ".gde-dv__table"):
                box = demo.locator(selector).bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
        demo.screenshot(path=str(artifacts / f"derivatives-{name}.png"),
                        style=".md-header, .md-tabs { visibility: hidden; }")
        context.close()
        assert errors == []
