"""What a reader sees on "Gradient descent", in headless Chromium against the built site.

The three demos' numbers are checked against CPython: the demos' own modules (through the JSON
entry points the worker calls) and the chapter module. Screenshots:
test-artifacts/gradient-descent-{light,dark,phone}.png (and one per demo).
"""

from __future__ import annotations


import pytest

from explainer_core.chapters import gradient_descent as chapter
from tests.browser import pagekit
from tests.browser.pagekit import READY_TIMEOUT, RUN_TIMEOUT, python_frames, shoot, shown, wait_ready_with_message

pytestmark = pytest.mark.browser

LR = '[data-demo="gradient-descent"]'
BP = '[data-demo="gradient-descent-backprop"]'
GB = '[data-demo="gradient-descent-batches"]'


def open_demo(page, server, selector, fragment=""):
    return pagekit.open_demo(page, server, "gradient-descent/", selector, fragment)


def test_backprop_table_is_cpythons_and_a_step_moves_the_weights(page, server, artifacts):
    demo = open_demo(page, server, BP)
    table = chapter.backprop_table()
    numerical = chapter.table_numerical_gradient()
    for k, name in enumerate(chapter.PARAM_NAMES):
        row = demo.locator(f'tr[data-param="{name}"] td')
        assert float(row.nth(0).get_attribute("data-value")) == table["gradient"][k]
        # central differences divide a difference of tanh values by 2δ: the wasm libm's last
        # digits of tanh show through at about 1e-11 of the slope
        assert float(row.nth(1).get_attribute("data-value")) == pytest.approx(numerical[k], rel=1e-8)
    assert shown(demo, "summary") == pytest.approx(chapter.table_largest_gap(), rel=1e-2, abs=1e-10)
    # one interaction: a gradient step gives the chapter's step, and its loss
    demo.locator('[data-action="step"]').click()
    page.wait_for_function(
        f"""() => document.querySelector('{BP} .gde-message').textContent.startsWith("One step")""")
    stepped = chapter.table_step(0.1)
    for k, name in enumerate(chapter.PARAM_NAMES):
        assert float(demo.locator(f'[name="{name}"]').input_value()) == pytest.approx(stepped[k], rel=1e-14)
    assert "the loss fell" in demo.locator(".gde-message").text_content()
    # a bad weight: its message beside its field, and no step taken
    demo.locator('[name="w11"]').fill("abc")
    slot = demo.locator('.gde-field-error[data-error-for="w₁₁"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "w₁₁ must be a number, got 'abc'"
    assert demo.locator('[name="w11"]').get_attribute("aria-invalid") == "true"
    demo.locator('[name="w11"]').fill("0.5")
    demo.locator('[name="lr"]').fill("-1")
    demo.locator('[data-action="step"]').click()
    slot = demo.locator('.gde-field-error[data-error-for="step size η"]')
    slot.wait_for(state="visible")
    assert "above 0" in slot.text_content()
    shoot(page, demo, artifacts / "gradient-descent-backprop-light.png")


def test_a_too_high_learning_rate_diverges_at_cpythons_step(page, server, artifacts):
    demo = open_demo(page, server, LR)
    demo.locator('[data-lr="0.3"]').click()
    assert demo.locator('[name="lr"]').input_value() == "0.3"
    demo.locator('[data-action="train"]').click()
    wait_ready_with_message(page, LR, "Diverged at step")
    frames = python_frames("gradient-descent", "train", lr="0.3")
    assert demo.locator(".gde-message").text_content() == frames[-1]["message"]
    assert shown(demo, "step") == chapter.lr_outcome(0.3, "diverged_at")
    note = [f["note"] for f in frames if "note" in f]
    assert demo.locator('[data-role="note"]').text_content() == note[0]
    # the right rate: the numbers CPython gives
    demo.locator('[data-lr="0.1"]').click()
    demo.locator('[data-action="train"]').click()
    wait_ready_with_message(page, LR, "After 300 steps")
    last = python_frames("gradient-descent", "train", lr="0.1")[-1]
    # the same arithmetic; only the wasm libm's last digit of tanh/exp can differ
    assert shown(demo, "loss") == pytest.approx(last["loss"], rel=1e-9)
    assert shown(demo, "test_loss") == pytest.approx(last["test_loss"], rel=1e-9)
    assert last["loss"] == chapter.lr_outcome(0.1, "final_loss")
    shoot(page, demo, artifacts / "gradient-descent-light.png")
    # bad input beside its field
    demo.locator('[name="lr"]').fill("-0.1")
    slot = demo.locator('.gde-field-error[data-error-for="learning rate"]')
    slot.wait_for(state="visible")
    assert slot.text_content().startswith("learning rate must be above 0")
    demo.locator('[data-action="train"]').click()
    page.wait_for_timeout(300)
    assert demo.get_attribute("data-state") == "ready"


def test_stop_stops_within_half_a_second(page, server):
    demo = open_demo(page, server, LR)
    demo.locator('[name="steps"]').fill("5000")
    demo.locator('[data-action="train"]').click()
    page.wait_for_function(
        f"""() => {{ const r = document.querySelector('{LR}');
                   return r.dataset.state === "running" && Number(r.querySelector('[data-role="step"]').dataset.value) > 200; }}""",
        timeout=RUN_TIMEOUT)
    stopped_ms = page.evaluate(
        f"""() => new Promise((resolve) => {{
            const root = document.querySelector('{LR}');
            const t0 = performance.now();
            root.querySelector('[data-action="train"]').click();
            const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
            tick();
        }})""")
    assert stopped_ms < 500, f"Stop took {stopped_ms:.0f} ms"
    step = int(shown(demo, "step"))
    assert 200 < step < 5000
    assert demo.locator(".gde-message").text_content().startswith("Stopped by you at step")


def test_batches_give_cpythons_numbers_and_refuse_a_batch_of_zero(page, server, artifacts):
    page.emulate_media(color_scheme="dark")
    demo = open_demo(page, server, GB, "#gradient-descent-batches.batch_size=4")
    page.wait_for_function(f"""() => document.querySelector('{GB} [name="batch_size"]').value === "4" """)
    assert shown(demo, "cost") == chapter.step_cost(4)
    demo.locator('[data-action="train"]').click()
    wait_ready_with_message(page, GB, "At equal steps")
    frames = python_frames("gradient-descent-batches", "train", batch_size="4")
    last = frames[-1]
    assert demo.locator(".gde-message").text_content() == last["message"]
    # the same arithmetic; only the wasm libm's last digit of tanh/exp can differ
    assert shown(demo, "loss") == pytest.approx(last["loss"], rel=1e-9)
    assert shown(demo, "test_loss") == pytest.approx(last["test_loss"], rel=1e-9)
    assert shown(demo, "full_loss") == pytest.approx(frames[0]["full"][-1]["loss"], rel=1e-9)
    shoot(page, demo, artifacts / "gradient-descent-dark.png")
    demo.locator('[name="batch_size"]').fill("0")
    slot = demo.locator('.gde-field-error[data-error-for="batch size"]')
    slot.wait_for(state="visible")
    assert slot.text_content().startswith("batch size must be a whole number from 1 to 64")
    demo.locator('[name="batch_size"]').fill("65")
    page.wait_for_function(
        f"""() => document.querySelector('{GB} .gde-field-error[data-error-for="batch size"]').textContent.endsWith("got 65")""")
    # the seeds, stopped part-way or to the end, as CPython gives them
    demo.locator('[name="batch_size"]').fill("16")
    demo.locator('[data-action="seeds"]').click()
    wait_ready_with_message(page, GB, "5 seeds done")
    rows = demo.locator(".gde-gb__table tbody tr")
    assert rows.count() == chapter.SEED_COUNT
    want = python_frames("gradient-descent-batches", "seeds", batch_size="16")
    for k, frame in enumerate(want):
        cells = rows.nth(k).locator("td")
        assert float(cells.nth(1).text_content()) == pytest.approx(frame["mini"]["test_loss"], rel=1e-3)
        assert float(cells.nth(2).text_content()) == pytest.approx(frame["full"]["loss"], rel=1e-3)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways at 390 px ({wide} px wide)"
    for selector in (LR, BP, GB):
        smallest = page.evaluate(
            f"""() => Math.min(...[...document.querySelectorAll('{selector} *')]
                 .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
                 .filter((el) => el.getClientRects().length)
                 .map((el) => parseFloat(getComputedStyle(el).fontSize)))""")
        assert smallest >= 11, f"text of {smallest} px in {selector} at 390 px"
    shoot(page, demo, artifacts / "gradient-descent-phone.png")
    for selector, name in ((BP, "backprop"), (LR, "lr")):
        page.locator(selector).scroll_into_view_if_needed()
        page.locator(f'{selector}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
        page.locator(selector).screenshot(path=str(artifacts / f"gradient-descent-{name}-phone.png"))
