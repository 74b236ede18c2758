"""What a reader sees on "Evolution is noisy gradient descent", in headless Chromium.

The demo's numbers are checked against CPython: the demo's own module
(`explainer_core.demos.neuroevolution`, through the JSON entry points the worker calls).
Screenshots: test-artifacts/neuroevolution-{light,dark,phone}.png.
"""

from __future__ import annotations

import json

import pytest

from explainer_core import demos
from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="neuroevolution"]'


def python_frames(**args) -> list[dict]:
    return [f for f in pagekit.python_frames("neuroevolution", "run", **args) if not f.get("catch_up")]


def open_demo(page, server, fragment=""):
    return pagekit.open_demo(page, server, "neuroevolution/", DEMO, fragment)


def play_to_end(page, demo):
    pagekit.play_to_end(page, DEMO)


def python_setup(**args) -> dict:
    return json.loads(demos.call(json.dumps({"demo": "neuroevolution", "method": "setup",
                                             "args": args})))["result"]


def test_the_default_run_gives_the_numbers_cpython_gives_and_bad_input(page, server, artifacts):
    demo = open_demo(page, server)
    step = demo.locator('[data-role="step"]')
    assert float(step.get_attribute("data-along")) == pytest.approx(
        python_setup()["step"]["along"], rel=1e-9)
    play_to_end(page, demo)
    last = python_frames()[-1]
    for role, key in (("delta", "delta"), ("predicted", "predicted"), ("moved", "gd_moved"),
                      ("mean-loss", "mean_loss"), ("gd-loss", "gd_loss")):
        # the same mutations and the same accept/reject decisions (`predicted` counts them, and
        # is equal); Delta, a squared difference of nearly equal vectors, carries the last-bit
        # differences of WebAssembly's and the native library's sums, ~1e-8 relative
        assert shown(demo, role) == pytest.approx(last[key], rel=1e-6), role
    assert shown(demo, "predicted") == last["predicted"]
    assert demo.locator(".gde-message").text_content() == last["reason"]
    run_ms, updates = int(demo.get_attribute("data-run-ms")), int(demo.get_attribute("data-updates"))
    print(f"\nbrowser: 100 runs x 250 mutations in {run_ms} ms, {updates} redraws "
          f"({1000 * updates / run_ms:.1f} updates per second)")
    assert updates >= 10  # the picture moves while it runs
    shoot(page, demo, artifacts / "neuroevolution-light.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    shoot(page, demo, artifacts / "neuroevolution-phone.png")
    # bad input: beside the field, naming the range
    demo.locator('[name="sigma"]').fill("0")
    slot = demo.locator('.gde-field-error[data-error-for="σ"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "σ must be a number above 0 and at most 0.5, got 0"
    assert demo.locator('[name="sigma"]').get_attribute("aria-invalid") == "true"
    demo.locator('[name="sigma"]').fill("0.02")
    demo.locator('[name="beta"]').fill("-3")
    slot = demo.locator('.gde-field-error[data-error-for="β"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "β must be a number above 0 and at most 1,000,000, got -3"
    assert demo.get_attribute("data-state") == "ready"


def test_stop_stops_within_half_a_second(page, server):
    demo = open_demo(page, server)
    demo.locator('[name="mutations"]').fill("3000")
    demo.locator('[name="runs"]').fill("200")
    page.wait_for_timeout(300)
    page.locator(f'{DEMO}[data-state="ready"]').wait_for()
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="neuroevolution"]');
                   return r.dataset.state === "running"
                     && Number(r.querySelector('[data-role="counter"]').textContent.split(" ")[1].replace(/,/g, "")) >= 200; }""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="neuroevolution"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    counter = demo.locator('[data-role="counter"]').text_content()
    step = int(counter.split(" ")[1].replace(",", ""))
    assert 200 <= step < 3000
    assert demo.locator(".gde-message").text_content().startswith(f"Stopped by you at mutation {step:,}")


def test_a_link_to_the_deep_network_in_dark_mode(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server, "#neuroevolution.network=deep&neuroevolution.runs=30")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="neuroevolution"] [name="runs"]').value === "30" """)
    assert demo.locator('[name="network"]').input_value() == "deep"
    page.locator(f'{DEMO}[data-state="ready"]').wait_for()
    play_to_end(page, demo)
    last = python_frames(network="deep", runs="30")[-1]
    assert shown(demo, "delta") == pytest.approx(last["delta"], rel=1e-6)
    shoot(page, demo, artifacts / "neuroevolution-dark.png")
