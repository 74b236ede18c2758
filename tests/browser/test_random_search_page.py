"""What a reader sees on "Searching blindly", in headless Chromium against the built site.

The demo's numbers are checked against CPython: the demo's own module
(`explainer_core.demos.random_search`, through the JSON entry points the worker calls) and the
chapter module. Screenshots: test-artifacts/random-search-{light,dark,phone}.png.
"""

from __future__ import annotations


import pytest

from explainer_core.chapters import random_search as chapter
from tests.browser import pagekit
from tests.browser.pagekit import READY_TIMEOUT, RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="random-search"]'


def python_frames(**args) -> list[dict]:
    """Every frame of a race() run in CPython, as the page receives them (JSON)."""
    return pagekit.python_frames("random-search", "race", **args)


def open_demo(page, server):
    return pagekit.open_demo(page, server, "random-search/", DEMO)


def play_to_end(page, demo):
    pagekit.play_to_end(page, DEMO)


def set_field(demo, name: str, value: str):
    field = demo.locator(f'[name="{name}"]')
    field.fill(value)


def test_the_book_run_gives_the_numbers_cpython_gives(page, server, artifacts):
    demo = open_demo(page, server)
    # the start, before any run: both methods at the same network
    start = chapter.start_loss("vertical", 0)
    for name in ("random_search", "tweak_and_keep"):
        assert shown(demo, f"{name}-loss") == pytest.approx(start, abs=1e-12)
    play_to_end(page, demo)
    last = python_frames()[-1]
    for name in ("random_search", "tweak_and_keep"):
        assert shown(demo, f"{name}-loss") == pytest.approx(last["methods"][name]["loss"], rel=1e-9)
        assert shown(demo, f"{name}-accuracy") == last["methods"][name]["accuracy"]
        assert shown(demo, f"{name}-kept") == last["methods"][name]["kept"]
    # the chapter's own numbers (the text's seed 0)
    assert shown(demo, "tweak_and_keep-accuracy") == chapter.final("tweak_and_keep", "vertical")
    assert shown(demo, "random_search-loss") == pytest.approx(
        chapter.final("random_search", "vertical", "loss"), rel=1e-9)
    assert demo.locator('[data-role="counter"]').text_content() == "iteration 10,000 of 10,000"
    assert demo.locator(".gde-message").text_content() == last["reason"]
    # the run is fast and the maps move while it runs
    run_ms, redraws = int(demo.get_attribute("data-run-ms")), int(demo.get_attribute("data-redraws"))
    print(f"\nbrowser: 10,000 iterations of both methods in {run_ms} ms, {redraws} new maps drawn "
          f"({1000 * redraws / run_ms:.1f} per second)")
    assert redraws >= 5
    shoot(page, demo, artifacts / "random-search-light.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    shoot(page, demo, artifacts / "random-search-phone-light.png")


def test_a_bad_noise_scale_and_bad_iterations_get_their_message_beside_the_field(page, server):
    demo = open_demo(page, server)
    set_field(demo, "noise", "0")
    slot = demo.locator('.gde-field-error[data-error-for="noise scale"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "noise scale must be a number above 0 and at most 100, got 0"
    assert demo.locator('[name="noise"]').get_attribute("aria-invalid") == "true"
    set_field(demo, "noise", "NaN")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="random-search"] .gde-field-error[data-error-for="noise scale"]')
                 .textContent === "noise scale must be a number above 0 and at most 100" """)
    set_field(demo, "noise", "0.05")
    set_field(demo, "iterations", "1e9")
    demo.locator('[data-action="play"]').click()
    slot = demo.locator('.gde-field-error[data-error-for="iterations"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "iterations must be a whole number from 1 to 100,000, got 1e+09"
    set_field(demo, "iterations", "0")
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => document.querySelector('[data-demo="random-search"] .gde-field-error[data-error-for="iterations"]')
                 .textContent.endsWith("got 0")""")
    assert demo.get_attribute("data-state") == "ready"


def test_stop_stops_within_half_a_second_and_play_goes_on(page, server):
    demo = open_demo(page, server)
    set_field(demo, "iterations", "100000")
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="random-search"]');
                   return r.dataset.state === "running"
                     && Number(r.querySelector('[data-role="counter"]').textContent.split(" ")[1].replace(/,/g, "")) >= 2000; }""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="random-search"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    step = int(demo.locator('[data-role="counter"]').text_content().split(" ")[1].replace(",", ""))
    assert 2000 <= step < 100_000
    assert demo.locator(".gde-message").text_content().startswith(f"Stopped by you at iteration {step:,}")
    # Play goes on from there, on the same run: CPython's frame at the next recorded step
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        f"""() => Number(document.querySelector('[data-demo="random-search"] [data-role="counter"]')
                  .textContent.split(" ")[1].replace(/,/g, "")) >= {step + 1000}""", timeout=RUN_TIMEOUT)
    demo.locator('[data-action="play"]').click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for()
    now = int(demo.locator('[data-role="counter"]').text_content().split(" ")[1].replace(",", ""))
    frames = {f["step"]: f for f in python_frames(iterations="100000", start=step)
              if not f.get("catch_up") and f["step"] <= now}
    for name in ("random_search", "tweak_and_keep"):
        assert shown(demo, f"{name}-loss") == pytest.approx(frames[now]["methods"][name]["loss"], rel=1e-9)


def test_spiral_link_and_dark_mode_and_phone_width(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    page.goto(server.url + "random-search/#random-search.data=spiral&random-search.seed=3")
    demo = page.locator(DEMO)
    demo.scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    page.wait_for_function(
        """() => document.querySelector('[data-demo="random-search"] [name="seed"]').value === "3" """)
    assert demo.locator('[name="data"]').input_value() == "spiral"
    page.wait_for_function(
        f"""() => Number(document.querySelector('[data-demo="random-search"] [data-role="tweak_and_keep-loss"]')
                  .dataset.value) === {chapter.start_loss("spiral", 3)!r}""")
    play_to_end(page, demo)
    assert shown(demo, "tweak_and_keep-accuracy") == chapter.final("tweak_and_keep", "spiral", seed=3)
    shoot(page, demo, artifacts / "random-search-dark.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('[data-demo="random-search"] *')]
             .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
             .filter((el) => el.getClientRects().length)
             .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
    assert smallest >= 11, f"text of {smallest} px in the demo at 390 px"
    shoot(page, demo, artifacts / "random-search-phone.png")


@pytest.mark.context(reduced_motion="reduce")
def test_with_reduced_motion_the_race_runs_and_draws_the_maps_at_its_end(page, server):
    """The page asks for no maps between the first and the last frame (regions_ms 1e6): the run
    is accepted and ends with CPython's numbers."""
    demo = open_demo(page, server)
    set_field(demo, "iterations", "2000")
    play_to_end(page, demo)
    last = python_frames(iterations="2000")[-1]
    for name in ("random_search", "tweak_and_keep"):
        assert shown(demo, f"{name}-loss") == pytest.approx(last["methods"][name]["loss"], rel=1e-9)
    assert demo.locator(".gde-message").text_content() == last["reason"]
