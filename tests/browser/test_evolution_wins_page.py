"""What a reader sees on "Where evolution still wins", in headless Chromium against the built site.

The demo's numbers are checked against CPython: the demo's own module (through the JSON entry
points the worker calls) and the chapter module. Screenshots:
test-artifacts/evolution-wins-{light,dark,phone}.png.
"""

from __future__ import annotations

import pytest

from explainer_core.chapters import evolution_wins as chapter
from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="evolution-wins"]'


def open_demo(page, server, fragment=""):
    return pagekit.open_demo(page, server, "evolution-wins/", DEMO, fragment)


def set_field(demo, name: str, value: str):
    demo.locator(f'[name="{name}"]').fill(value)


def generation(demo) -> int:
    return int(demo.locator('[data-role="counter"]').text_content().split(" ")[1].replace(",", ""))


def test_the_pages_run_gives_the_numbers_cpython_gives(page, server, artifacts):
    demo = open_demo(page, server)
    summary = chapter.race_summary(0)
    for name in ("gd", "evolution"):
        assert shown(demo, f"{name}-error") == summary["start_error"]
        assert shown(demo, f"{name}-grad") == 0.0
    pagekit.play_to_end(page, DEMO)
    last = pagekit.python_frames("evolution-wins", "race")[-1]
    assert shown(demo, "gd-error") == summary["gd_error"] == last["methods"]["gd"]["error"]
    assert shown(demo, "gd-moved") == 0.0 and shown(demo, "gd-grad") == 0.0
    assert shown(demo, "evolution-error") == summary["evo_error"]
    assert shown(demo, "evolution-moved") == pytest.approx(last["methods"]["evolution"]["moved"], rel=1e-12)
    assert demo.locator(".gde-message").text_content() == last["reason"]
    assert generation(demo) == chapter.RACE["generations"]
    print(f"\nbrowser: {chapter.RACE['generations']} generations of both methods in "
          f"{demo.get_attribute('data-run-ms')} ms")
    shoot(page, demo, artifacts / "evolution-wins-light.png")


def test_step_runs_ten_generations_and_matches_cpython(page, server):
    demo = open_demo(page, server)
    demo.locator('[data-action="step"]').click()
    pagekit.wait_ready_with_message(page, DEMO, "Paused at generation 10.")
    demo.locator('[data-action="step"]').click()
    pagekit.wait_ready_with_message(page, DEMO, "Paused at generation 20.")
    frames = [f for f in pagekit.python_frames("evolution-wins", "race", start=10, stop=20)
              if not f.get("catch_up")]
    assert shown(demo, "evolution-error") == frames[-1]["methods"]["evolution"]["error"]


def test_a_bad_sigma_gets_its_message_beside_the_field(page, server):
    demo = open_demo(page, server)
    set_field(demo, "sigma", "0")
    slot = demo.locator('.gde-field-error[data-error-for="σ (mutation size)"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "σ (mutation size) must be a number above 0 and at most 10, got 0"
    assert demo.locator('[name="sigma"]').get_attribute("aria-invalid") == "true"
    set_field(demo, "sigma", "0.3")
    set_field(demo, "lr", "abc")
    demo.locator('[data-action="play"]').click()
    lr = demo.locator('.gde-field-error[data-error-for="learning rate"]')
    lr.wait_for(state="visible")
    assert lr.text_content().startswith("learning rate must be a number above 0 and at most 1000")
    assert demo.get_attribute("data-state") == "ready"


def test_stop_stops_within_half_a_second_and_play_goes_on(page, server):
    demo = open_demo(page, server)
    set_field(demo, "generations", "5000")
    page.wait_for_timeout(300)
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="evolution-wins"]');
                   return r.dataset.state === "running"
                     && Number(r.querySelector('[data-role="counter"]').textContent.split(" ")[1].replace(/,/g, "")) >= 100; }""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="evolution-wins"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    print(f"\nbrowser: Stop took {stopped_ms:.0f} ms")
    step = generation(demo)
    assert 100 <= step < 5000
    assert demo.locator(".gde-message").text_content().startswith(f"Stopped by you at generation {step:,}")


def test_a_link_dark_mode_and_phone_width(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server, "#evolution-wins.seed=2&evolution-wins.generations=100")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="evolution-wins"] [name="seed"]').value === "2" """)
    page.wait_for_function(
        f"""() => Number(document.querySelector('[data-demo="evolution-wins"] [data-role="gd-error"]')
                  .dataset.value) === {chapter.race_summary(2)["start_error"]!r}""")
    pagekit.play_to_end(page, DEMO)
    records = chapter.gradient_vs_evolution(seed=2, gd_steps=1, generations=100, record_every=100)
    assert shown(demo, "evolution-error") == records[-1]["loss"]
    shoot(page, demo, artifacts / "evolution-wins-dark.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('[data-demo="evolution-wins"] *')]
             .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
             .filter((el) => el.getClientRects().length)
             .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
    assert smallest >= 11, f"text of {smallest} px in the demo at 390 px"
    shoot(page, demo, artifacts / "evolution-wins-phone.png")
