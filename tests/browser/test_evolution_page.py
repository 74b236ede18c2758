"""What a reader sees on "Evolution", in headless Chromium against the built site.

The demo's numbers are checked against CPython: the demo's own module
(`explainer_core.demos.evolution`, through the JSON entry points the worker calls) and the
chapter module. Screenshots: test-artifacts/evolution-{light,dark,phone}.png.
"""

from __future__ import annotations


import pytest

from explainer_core.chapters import evolution as chapter
from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="evolution"]'


def python_frames(**args) -> list[dict]:
    return [f for f in pagekit.python_frames("evolution", "run", **args) if not f.get("catch_up")]


def open_demo(page, server, hash_=""):
    return pagekit.open_demo(page, server, "evolution/", DEMO, hash_)


def play_to_end(page, demo):
    pagekit.play_to_end(page, DEMO)


def test_a_run_gives_the_numbers_cpython_gives_and_its_speed(page, server, artifacts):
    demo = open_demo(page, server)
    assert shown(demo, "loss") == pytest.approx(chapter.start_loss(), rel=1e-12)
    demo.locator('[name="rounds"]').fill("100")
    play_to_end(page, demo)
    last = python_frames(rounds="100")[-1]
    assert shown(demo, "loss") == pytest.approx(last["loss"], rel=1e-9)
    assert shown(demo, "forward") == last["forward_passes"]
    assert shown(demo, "stuck") == last["stuck"]
    assert demo.locator(".gde-message").text_content() == last["reason"]
    assert demo.locator('[data-role="counter"]').text_content() == "round 100 of 100"
    shoot(page, demo, artifacts / "evolution-light.png")
    # the speed figure: a population of 100 on the 1,153-parameter network
    demo.locator('[name="population"]').fill("100")
    demo.locator('[name="rounds"]').fill("200")
    play_to_end(page, demo)
    ms = int(demo.get_attribute("data-run-ms"))
    print(f"\nbrowser: 200 rounds of 100 children (1,153 parameters) in {ms} ms: "
          f"{200 * 1000 / ms:.1f} rounds per second")


def test_a_step_by_keyboard_is_one_round_of_the_same_run(page, server):
    demo = open_demo(page, server)
    # by keyboard: every control is a native button, select or field
    demo.locator('[data-action="step"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="evolution"]').dataset.round === "1"
                 && document.querySelector('[data-demo="evolution"]').dataset.state === "ready" """)
    frames = python_frames(rounds="300", until=1)
    assert shown(demo, "loss") == pytest.approx(frames[0]["loss"], rel=1e-9)
    assert demo.locator(".gde-message").text_content().startswith("Round 1:")


def test_bad_input_gets_its_message_beside_the_field(page, server):
    demo = open_demo(page, server)
    demo.locator('[name="population"]').fill("0")
    slot = demo.locator('.gde-field-error[data-error-for="population"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "population must be a whole number from 1 to 1,000, got 0"
    assert demo.locator('[name="population"]').get_attribute("aria-invalid") == "true"
    demo.locator('[name="population"]').fill("20")
    demo.locator('[name="mutation_rate"]').fill("-1")
    slot = demo.locator('.gde-field-error[data-error-for="mutation rate"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "mutation rate must be a number above 0 and at most 10, got -1"
    demo.locator('[data-action="play"]').click()
    page.wait_for_timeout(200)
    assert demo.get_attribute("data-state") == "ready"
    assert demo.locator('[name="population"]').get_attribute("aria-invalid") is None


def test_stop_stops_within_half_a_second_and_play_goes_on(page, server):
    demo = open_demo(page, server)
    demo.locator('[name="rounds"]').fill("20000")
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="evolution"]');
                   return r.dataset.state === "running" && Number(r.dataset.round) >= 30; }""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="evolution"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    page.wait_for_timeout(100)
    k = int(demo.get_attribute("data-round"))
    assert 30 <= k < 20000
    assert demo.locator(".gde-message").text_content().startswith(f"Stopped by you at round {k:,}")
    frames = {f["round"]: f for f in python_frames(rounds="20000", start=k - 1, until=k)}
    assert shown(demo, "loss") == pytest.approx(frames[k]["loss"], rel=1e-9)


def test_a_link_dark_mode_and_phone_width(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server, "#evolution.method=genetic&evolution.rounds=40")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="evolution"] [name="rounds"]').value === "40" """)
    assert demo.locator('[name="method"]').input_value() == "genetic"
    page.wait_for_timeout(300)
    play_to_end(page, demo)
    last = python_frames(rounds="40", method="genetic")[-1]
    assert shown(demo, "loss") == pytest.approx(last["loss"], rel=1e-9)
    shoot(page, demo, artifacts / "evolution-dark.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    shoot(page, demo, artifacts / "evolution-phone.png")
