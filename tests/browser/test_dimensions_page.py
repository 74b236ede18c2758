"""What a reader sees on "The curse of dimensionality", in headless Chromium against the built
site: the live count gives CPython's numbers, a bad σ gets its message beside the field, Stop
stops, the slider's first count arrives fast. Screenshots: test-artifacts/dimensions-{light,dark,
phone}.png.
"""

from __future__ import annotations

import pytest

from explainer_core.chapters import dimensions as chapter
from explainer_core.demos import dimensions as demo_module
from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="dimensions"]'


def open_demo(page, server, fragment=""):
    demo = pagekit.open_demo(page, server, "dimensions/", DEMO, fragment)
    wait_done(page)
    return demo


def wait_done(page, start="Done"):
    pagekit.wait_ready_with_message(page, DEMO, start, RUN_TIMEOUT)


def slide_to(page, d: int):
    index = demo_module.TICKS.index(d)
    page.evaluate(
        """(i) => { const s = document.querySelector('[data-demo="dimensions"] [name="d"]');
                    s.value = String(i); s.dispatchEvent(new Event("input", {bubbles: true})); }""",
        index)


def test_the_count_gives_the_numbers_cpython_gives(page, server, artifacts):
    demo = open_demo(page, server)
    assert shown(demo, "fraction") == chapter.live_fraction("sphere", 100, 0.01, "fixed", 1000, 0)
    assert shown(demo, "formula") == pytest.approx(chapter.live_formula(100, 0.01, "fixed"),
                                                   rel=1e-12)
    # the slider to D = 10,000 with sigma 0.0005: the first count within the page's budget
    demo.locator('[name="sigma"]').fill("0.0005")
    wait_done(page)
    times = []
    for d in (10_000, 1000, 10_000):
        slide_to(page, d)
        page.wait_for_timeout(50)
        wait_done(page)
        times.append(int(demo.get_attribute("data-first-ms")))
    print(f"\nbrowser: first live count after the slider at D = 10,000: {times} ms; "
          f"whole count of 1,000: {demo.get_attribute('data-count-ms')} ms")
    assert demo.locator('[data-role="d"]').text_content() == "10,000"
    assert shown(demo, "fraction") == chapter.live_fraction("sphere", 10_000, 0.0005, "fixed", 1000, 0)
    assert shown(demo, "count") == round(1000 * shown(demo, "fraction"))
    shoot(page, demo, artifacts / "dimensions-light.png")


def test_a_bad_sigma_gets_its_message_beside_the_field(page, server):
    demo = open_demo(page, server)
    demo.locator('[name="sigma"]').fill("0")
    slot = demo.locator('.gde-field-error[data-error-for="σ"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "σ must be a number above 0 and at most 10, got 0"
    assert demo.locator('[name="sigma"]').get_attribute("aria-invalid") == "true"
    demo.locator('[name="sigma"]').fill("0.01")
    wait_done(page)
    demo.locator('[name="samples"]').fill("5")
    slot = page.locator(f'{DEMO} .gde-field-error[data-error-for="mutations"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "mutations must be a whole number from 10 to 10,000, got 5"
    assert demo.get_attribute("data-state") == "ready"


def test_stop_stops_within_half_a_second(page, server):
    demo = open_demo(page, server, "#dimensions.task=network&dimensions.samples=10000")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="dimensions"] [name="samples"]').value === "10000" """)
    slide_to(page, 10_000)
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="dimensions"]');
                   return r.dataset.state === "running" && Number(r.dataset.done) >= 20; }""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="dimensions"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you after")
    done = int(demo.get_attribute("data-done"))
    assert 20 <= done < 10_000
    page.wait_for_timeout(400)
    assert int(demo.get_attribute("data-done")) == done  # nothing more came in


def test_dark_mode_and_phone_width(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server, "#dimensions.scaling=linear")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="dimensions"] [name="scaling"]').value === "linear" """)
    wait_done(page)
    assert shown(demo, "fraction") == chapter.live_fraction("sphere", 100, 0.01, "linear", 1000, 0)
    shoot(page, demo, artifacts / "dimensions-dark.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('[data-demo="dimensions"] *')]
             .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
             .filter((el) => el.getClientRects().length)
             .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
    assert smallest >= 11, f"text of {smallest} px in the demo at 390 px"
    page.emulate_media(color_scheme="light")
    shoot(page, demo, artifacts / "dimensions-phone.png")
