"""What a reader sees on "The verdict", in headless Chromium against the built site.

The race's numbers are checked against CPython: the demo's own module (through the JSON entry
points the worker calls) and the chapter module. Screenshots:
test-artifacts/conclusion-{light,dark,phone}.png.
"""

from __future__ import annotations

import pytest

from explainer_core.chapters import conclusion as chapter
from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shoot, shown

pytestmark = pytest.mark.browser

DEMO = '[data-demo="conclusion"]'


def python_last_frame(**args) -> dict:
    return pagekit.python_frames("conclusion", "race", **args)[-1]


def open_demo(page, server, fragment=""):
    return pagekit.open_demo(page, server, "conclusion/", DEMO, fragment)


def play_to_end(page, demo):
    pagekit.play_to_end(page, DEMO)


def test_the_race_gives_the_numbers_cpython_gives_and_the_table_is_built(page, server, artifacts):
    demo = open_demo(page, server)
    start = chapter.start_loss("fit")
    for name in chapter.METHODS:
        assert shown(demo, f"{name}-loss") == pytest.approx(start, rel=1e-12)
    # a short race: Pyodide's numpy gives CPython's numbers to rounding
    demo.locator('[name="budget"]').fill("6000")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="conclusion"] [data-role="counter"]').textContent.includes("of 6,000")""")
    play_to_end(page, demo)
    last = python_last_frame(task="fit", budget="6000")
    for name in chapter.METHODS:
        assert shown(demo, f"{name}-loss") == pytest.approx(last["methods"][name]["loss"], rel=1e-9)
        assert shown(demo, f"{name}-step") == last["methods"][name]["step"]
        assert shown(demo, f"{name}-spent") == last["methods"][name]["spent"]
    assert demo.locator(".gde-message").text_content() == last["reason"]
    # the default race: over 600 Adam steps, through loss spikes, rounding differences between
    # Pyodide's and CPython's maths libraries grow to about 1e-5 of the loss
    demo.locator('[name="budget"]').fill("60000")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="conclusion"] [data-role="counter"]').textContent.includes("of 60,000")""")
    play_to_end(page, demo)
    for name in chapter.METHODS:
        assert shown(demo, f"{name}-loss") == pytest.approx(chapter.final(name, "fit"), rel=1e-3)
        assert shown(demo, f"{name}-step") == chapter.final(name, "fit", "step")
    print(f"\nbrowser: the default race in {demo.get_attribute('data-run-ms')} ms")
    # the table's numbers are on the page, computed (every cell a gde-value)
    cells = page.locator("table .gde-value")
    assert cells.count() >= 25
    first = page.locator('table .gde-value[data-source*="compute_to_target"]').first
    assert float(first.get_attribute("data-value")) == chapter.compute_to_target("adam", "fit")
    # the chart is there, as a picture first
    assert page.locator('[data-chart="conclusion_race"]').count() == 1
    shoot(page, demo, artifacts / "conclusion-light.png")


def test_a_bad_mutation_scale_gets_its_message_and_range_beside_the_field(page, server):
    demo = open_demo(page, server)
    demo.locator('[name="sigma"]').fill("20")
    slot = demo.locator('.gde-field-error[data-error-for="mutation scale"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "mutation scale must be a number above 0 and at most 10, got 20"
    assert demo.locator('[name="sigma"]').get_attribute("aria-invalid") == "true"
    demo.locator('[data-action="play"]').click()
    page.wait_for_timeout(300)
    assert demo.get_attribute("data-state") == "ready"
    assert slot.text_content().startswith("mutation scale must be")
    # other controls unharmed: a good value clears it and a race runs
    demo.locator('[name="sigma"]').fill("0.1")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="conclusion"] .gde-field-error[data-error-for="mutation scale"]').textContent === "" """)


def test_stop_stops_within_half_a_second(page, server):
    demo = open_demo(page, server)
    demo.locator('[name="task"]').select_option("sphere")
    demo.locator('[name="budget"]').fill("300000")
    page.wait_for_timeout(300)
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(
        """() => { const r = document.querySelector('[data-demo="conclusion"]');
                   return r.dataset.state === "running" && Number(r.querySelector('[data-role="adam-step"]').dataset.value) > 0; }""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        """() => new Promise((resolve) => {
            const root = document.querySelector('[data-demo="conclusion"]');
            const t0 = performance.now();
            root.querySelector('[data-action="play"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        })""")
    print(f"\nbrowser: Stop took {stopped_ms:.0f} ms")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you at")


def test_a_link_dark_mode_and_phone_width(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server, "#conclusion.task=xor&conclusion.seed=3")
    page.wait_for_function(
        """() => document.querySelector('[data-demo="conclusion"] [name="seed"]').value === "3" """)
    assert demo.locator('[name="task"]').input_value() == "xor"
    page.wait_for_function(
        f"""() => Number(document.querySelector('[data-demo="conclusion"] [data-role="adam-loss"]')
                  .dataset.value) === {chapter.start_loss("xor", seed=3)!r}""")
    play_to_end(page, demo)
    assert shown(demo, "adam-loss") == chapter.start_loss("xor", seed=3)
    assert shown(demo, "local_search-loss") == chapter.final("local_search", "xor", seed=3)
    shoot(page, demo, artifacts / "conclusion-dark.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('[data-demo="conclusion"] *')]
             .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
             .filter((el) => el.getClientRects().length)
             .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
    assert smallest >= 11, f"text of {smallest} px in the demo at 390 px"
    shoot(page, demo, artifacts / "conclusion-phone.png")


def test_the_table_never_scrolls_sideways(page, server, artifacts):
    page.goto(server.url + "conclusion/")
    table = page.locator(".gde-verdict-table table")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        sizes = table.evaluate("(t) => [t.scrollWidth, t.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"the table scrolls sideways at {width} px: {sizes}"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        table.screenshot(path=str(artifacts / f"conclusion-table-{width}.png"))
    # the narrow layout names each cell's column
    label = page.evaluate("""() => getComputedStyle(document.querySelector(
        '.gde-verdict-table td:nth-child(2)'), '::before').content""")
    assert label == '"Gradient methods: "'
