"""The reader rewrites the function a chapter is about, in the Python panel's editor, and runs
the demo with it (docs/js/code.js, runtime.js; explainer_core/usercode.py).

The reference is CPython running the same demo method with the same text as `code`; the
library's own numbers come back after Reset. Errors show the line of the reader's text; an
endless loop is stopped by the demo's Stop; code in a link waits for Run; the editor works by
keyboard alone; an edit survives a reload. Screenshots: test-artifacts/reader-code-*.png.
"""

from __future__ import annotations

import base64
import inspect
import time

import pytest

from explainer_core import optim, search, speculative
from tests.browser import pagekit
from tests.browser.pagekit import RUN_TIMEOUT, shown

pytestmark = pytest.mark.browser

EVOLUTION = '[data-demo="evolution"]'
NEURO = '[data-demo="neuroevolution"]'
MUTATE = "search:_mutations"
ACCEPT = "search:metropolis_accept"
LIBRARY_MUTATE = inspect.getsource(search._mutations)
DOUBLED = LIBRARY_MUTATE.replace("sigma * rng.standard_normal", "2 * sigma * rng.standard_normal")
ROUNDS = "30"


def open_panel(page, demo, key=None):
    """Open the demo's Python panel and wait for its editors; the panel, or with `key` the
    section of that function's editor (its buttons, error and note are in it)."""
    demo.locator(".gde-code > summary").click()
    demo.locator('.gde-code[data-loaded="true"] .cm-content').first.wait_for(timeout=pagekit.READY_TIMEOUT)
    if key is None:
        return demo.locator(".gde-code")
    return demo.locator(".gde-code__function").filter(
        has=page.locator(f'.gde-code__editor[data-key="{key}"]'))


def replace_text(page, panel, text):
    """Select the editor's text and type the new text over it (as a paste does)."""
    panel.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def editor_text(panel) -> str:
    return panel.locator(".gde-code__editor").evaluate("(el) => el.gdeEditor.text()")


def wait_done(page, selector):
    pagekit.wait_ready_with_message(page, selector, "Done", RUN_TIMEOUT)


def cpython_last(demo, **args):
    return pagekit.python_frames(demo, "run", **args)[-1]


def open_evolution(page, server, fragment=""):
    demo = pagekit.open_demo(page, server, "evolution/", EVOLUTION, fragment)
    demo.locator('[name="rounds"]').fill(ROUNDS)
    return demo


def test_my_mutation_runs_as_cpython_runs_it_and_reset_restores_the_library(page, server, artifacts):
    demo = open_evolution(page, server)
    panel = open_panel(page, demo, MUTATE)
    assert editor_text(panel) == LIBRARY_MUTATE  # the wheel's text, editable
    replace_text(page, panel, DOUBLED)
    panel.locator('[data-action="run-code"]').click()
    wait_done(page, EVOLUTION)
    mine = cpython_last("evolution", rounds=ROUNDS, code={MUTATE: DOUBLED})
    library = cpython_last("evolution", rounds=ROUNDS)
    assert mine["loss"] != library["loss"]
    assert shown(demo, "loss") == pytest.approx(mine["loss"], rel=1e-9)
    assert shown(demo, "forward") == mine["forward_passes"]
    assert panel.locator(".gde-code__note").text_content() == "The demo ran with your _mutations."
    # Play again (no new Run): still the reader's function
    demo.locator('[data-action="reset"]').click()
    pagekit.play_to_end(page, EVOLUTION)
    assert shown(demo, "loss") == pytest.approx(mine["loss"], rel=1e-9)
    # the diff shows the change
    panel.locator('[data-action="diff-code"]').click()
    panel.locator(".gde-code__diff .cm-editor").first.wait_for()
    assert "2 * sigma" in panel.locator(".gde-code__diff").text_content()
    pagekit.shoot(page, demo, artifacts / "reader-code-evolution.png")
    panel.locator('[data-action="reset-code"]').click()
    wait_done(page, EVOLUTION)
    assert editor_text(panel) == LIBRARY_MUTATE
    assert shown(demo, "loss") == pytest.approx(library["loss"], rel=1e-9)
    assert panel.locator(".gde-code__diff").is_hidden()


@pytest.mark.parametrize("body, line, words", [
    ("    return theta +\n", 2, "Syntax error"),
    ("    scale = sigma / 0\n    return theta + scale\n", 2, "ZeroDivisionError"),
    ("    return theta\n", 1, "should return an array of shape (20, 1153)"),
])
def test_an_error_shows_its_line_and_the_demo_keeps_the_last_good_function(page, server, body, line, words):
    demo = open_evolution(page, server)
    panel = open_panel(page, demo, MUTATE)
    text = "def _mutations(theta, rows, sigma, rng, how, fraction):\n" + body
    replace_text(page, panel, text)
    panel.locator('[data-action="run-code"]').click()
    error = panel.locator(".gde-code__error")
    error.wait_for(state="visible", timeout=RUN_TIMEOUT)
    assert error.text_content().startswith(f"Line {line} of your code: ")
    assert words in error.text_content()
    marked = panel.locator(".cm-gde-error-line")
    assert marked.count() == 1 and marked.text_content() == text.splitlines()[line - 1]
    page.locator(f'{EVOLUTION}[data-state="ready"]').wait_for()
    # the demo still works, with the library's function (the last that worked)
    pagekit.play_to_end(page, EVOLUTION)
    assert shown(demo, "loss") == pytest.approx(cpython_last("evolution", rounds=ROUNDS)["loss"], rel=1e-9)
    assert editor_text(panel) == text  # the reader's text is kept, to fix


def test_an_endless_loop_is_stopped_by_stop_within_a_second(page, server):
    demo = open_evolution(page, server)
    panel = open_panel(page, demo, MUTATE)
    replace_text(page, panel, "def _mutations(theta, rows, sigma, rng, how, fraction):\n"
                              "    while True:\n        pass\n")
    panel.locator('[data-action="run-code"]').click()
    page.locator(f'{EVOLUTION}[data-state="running"]').wait_for(timeout=RUN_TIMEOUT)
    page.wait_for_timeout(1500)  # well into the loop
    assert demo.get_attribute("data-state") == "running"
    assert panel.locator('[data-action="stop-code"]').is_visible()
    t0 = time.perf_counter()
    demo.locator('[data-action="play"]').click()  # its label is Stop while it runs
    page.locator(f'{EVOLUTION}[data-state="ready"]').wait_for(timeout=5000)
    stopped_ms = 1000 * (time.perf_counter() - t0)
    note = panel.locator(".gde-code__note")
    page.wait_for_function(
        "() => document.querySelector('[data-demo=\"evolution\"] .gde-code__note').textContent.includes('ready again in')",
        timeout=pagekit.READY_TIMEOUT)
    t_ready = 1000 * (time.perf_counter() - t0)
    print(f"\nendless loop: stopped {stopped_ms:.0f} ms after Stop; the replacement Python ready after {t_ready:.0f} ms"
          f" ({note.text_content()})")
    assert stopped_ms < 1000
    assert panel.locator('[data-action="stop-code"]').is_hidden()
    # the demo runs again, with the library's function
    demo.locator('[data-action="reset"]').click()
    pagekit.play_to_end(page, EVOLUTION)
    assert shown(demo, "loss") == pytest.approx(cpython_last("evolution", rounds=ROUNDS)["loss"], rel=1e-9)


def test_code_in_a_link_is_shown_and_runs_only_when_run_is_pressed(page, server):
    keep_all = "def metropolis_accept(delta, beta, uniform):\n    return np.ones(np.shape(delta), dtype=bool)\n"
    value = base64.urlsafe_b64encode(keep_all.encode()).decode().rstrip("=")
    demo = pagekit.open_demo(page, server, "neuroevolution/", NEURO,
                             f"#neuroevolution.mutations=60&code.neuroevolution.{ACCEPT}={value}")
    panel = demo.locator(".gde-code")
    demo.locator('.gde-code[data-loaded="true"] .cm-content').wait_for(timeout=pagekit.READY_TIMEOUT)
    assert panel.get_attribute("open") is not None  # opened, so the reader sees the code
    assert editor_text(panel) == keep_all
    assert "came with the link. It has not run" in panel.locator(".gde-code__note").text_content()
    pagekit.play_to_end(page, NEURO)
    library = cpython_last("neuroevolution", mutations="60")
    assert shown(demo, "mean-loss") == pytest.approx(library["mean_loss"], rel=1e-6)
    panel.locator('[data-action="run-code"]').click()
    wait_done(page, NEURO)
    mine = cpython_last("neuroevolution", mutations="60", code={ACCEPT: keep_all})
    assert mine["accepted"] == 1.0 and mine["mean_loss"] != library["mean_loss"]
    assert shown(demo, "mean-loss") == pytest.approx(mine["mean_loss"], rel=1e-6)


def test_the_editor_by_keyboard_alone_and_an_edit_survives_a_reload(page, server):
    demo = open_evolution(page, server)
    summary = demo.locator(".gde-code > summary")
    summary.focus()
    page.keyboard.press("Enter")
    demo.locator('.gde-code[data-loaded="true"] .cm-content').first.wait_for(timeout=pagekit.READY_TIMEOUT)
    panel = demo.locator(".gde-code__function").filter(has=page.locator(f'.gde-code__editor[data-key="{MUTATE}"]'))
    # Tab through the panel's link and into the editor
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('cm-content')"):
            break
    else:
        pytest.fail("Tab never reached the editor")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("# mine")
    assert editor_text(panel).rstrip().endswith("# mine")
    # Tab indents inside the editor; Escape then Tab leaves it for "Run with my code"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.action") == "run-code"
    page.keyboard.press("Enter")
    wait_done(page, EVOLUTION)
    edited = editor_text(panel)
    last = cpython_last("evolution", rounds=ROUNDS, code={MUTATE: edited})
    assert shown(demo, "loss") == pytest.approx(last["loss"], rel=1e-9)
    # reload: the edit is still there, and waits for Run
    page.reload()
    demo = pagekit.open_demo(page, server, "evolution/", EVOLUTION)
    panel = open_panel(page, demo, MUTATE)
    assert editor_text(panel) == edited
    assert "kept in this browser" in panel.locator(".gde-code__note").text_content()
    panel.locator('[data-action="reset-code"]').click()
    page.locator(f'{EVOLUTION}[data-state="ready"]').wait_for()
    assert editor_text(panel) == LIBRARY_MUTATE
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('gde-code:'))") == []


def test_a_setup_that_never_returns_is_stopped_by_stop_my_code(page, server):
    demo = pagekit.open_demo(page, server, "neuroevolution/", NEURO, "#neuroevolution.mutations=60")
    panel = open_panel(page, demo)
    stop = panel.locator('[data-action="stop-code"]')
    assert stop.is_hidden()
    replace_text(page, panel, "def metropolis_accept(delta, beta, uniform):\n    while True:\n        pass\n")
    panel.locator('[data-action="run-code"]').click()
    stop.wait_for(state="visible", timeout=RUN_TIMEOUT)
    page.wait_for_timeout(1000)
    t0 = time.perf_counter()
    stop.click()
    page.wait_for_function(
        "() => document.querySelector('[data-demo=\"neuroevolution\"] .gde-code__note').textContent.includes('was replaced')",
        timeout=10_000)
    print(f"\nStop my code: the worker replaced {1000 * (time.perf_counter() - t0):.0f} ms after the click")
    # the demo is ready again, and plays with the library's function
    page.locator(f'{NEURO}[data-state="ready"]').wait_for(timeout=5000)
    stop.wait_for(state="hidden", timeout=5000)
    pagekit.play_to_end(page, NEURO)
    library = cpython_last("neuroevolution", mutations="60")
    assert shown(demo, "mean-loss") == pytest.approx(library["mean_loss"], rel=1e-6)


def test_figures_the_editor_size_and_load_time_and_the_same_code_as_fast(page, server):
    """Prints the figures of the closing note; asserts only that the editor loads on first use."""
    demo = open_evolution(page, server)
    demo.locator('[name="rounds"]').fill("200")
    loaded = page.evaluate("() => performance.getEntriesByType('resource').some((e) => e.name.includes('vendor/editor/'))")
    assert not loaded, "the editor loaded before the reader opened a panel"
    t0 = time.perf_counter()
    panel = open_panel(page, demo, MUTATE)
    open_ms = 1000 * (time.perf_counter() - t0)
    entry = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('vendor/editor/editor.js'))
        .map((e) => ({ms: e.duration, bytes: e.encodedBodySize, decoded: e.decodedBodySize}))[0]""")
    pagekit.play_to_end(page, EVOLUTION)
    library_ms = int(demo.get_attribute("data-run-ms"))
    panel.locator('[data-action="run-code"]').click()  # the library's text, unchanged: a lane boots
    wait_done(page, EVOLUTION)
    first_ms = int(demo.get_attribute("data-run-ms"))
    demo.locator('[data-action="reset"]').click()
    pagekit.play_to_end(page, EVOLUTION)
    reader_ms = int(demo.get_attribute("data-run-ms"))
    print(f"\neditor: {entry['decoded']:,} bytes ({entry['bytes']:,} as sent), fetched in {entry['ms']:.0f} ms; "
          f"panel open to editor ready {open_ms:.0f} ms\n"
          f"200 rounds: library {library_ms} ms, the same code as the reader's {reader_ms} ms "
          f"(ratio {reader_ms / library_ms:.2f}; the first such run, with its worker's boot, {first_ms} ms)")


ADAM = "optim:adam_direction"
STEP = "optim:descent_step"
MOMENTUM_ADAM = '[data-demo="momentum-adam"]'
GRADIENT_DESCENT = '[data-demo="gradient-descent"]'


def test_my_adam_step_races_as_cpython_runs_it(page, server, artifacts):
    """Adam's direction rewritten as the bare gradient: the Adam path becomes gradient descent's
    at Adam's learning rate; the page's end points equal CPython's with the same text."""
    demo = pagekit.open_demo(page, server, "momentum-adam/", MOMENTUM_ADAM)
    panel = open_panel(page, demo)
    assert editor_text(panel) == inspect.getsource(optim.adam_direction)
    plain = "def adam_direction(grad, m, v, t, b1, b2, eps):\n    return grad, m, v\n"
    replace_text(page, panel, plain)
    panel.locator('[data-action="run-code"]').click()
    pagekit.wait_ready_with_message(page, MOMENTUM_ADAM, "Race over")
    mine = pagekit.python_frames("momentum-adam", "run", code={ADAM: plain})[-1]
    library = pagekit.python_frames("momentum-adam", "run")[-1]
    assert mine["points"]["adam"] != library["points"]["adam"]
    end = demo.locator('[data-role="adam-end"]')
    assert [float(end.get_attribute(f"data-{k}")) for k in ("x", "y", "loss")] == mine["points"]["adam"][:3]
    assert end.text_content() == mine["messages"]["adam"]
    assert panel.locator(".gde-code__note").text_content() == "The demo ran with your adam_direction."
    pagekit.shoot(page, demo, artifacts / "reader-code-momentum-adam.png")
    panel.locator('[data-action="reset-code"]').click()
    pagekit.wait_ready_with_message(page, MOMENTUM_ADAM, "Race over")
    assert [float(end.get_attribute(f"data-{k}")) for k in ("x", "y", "loss")] == library["points"]["adam"][:3]


def test_my_descent_step_doubled_trains_as_the_library_at_twice_the_rate(page, server):
    demo = pagekit.open_demo(page, server, "gradient-descent/", GRADIENT_DESCENT)
    demo.locator('[name="lr"]').fill("0.05")
    panel = open_panel(page, demo)
    doubled = inspect.getsource(optim.descent_step).replace("return -lr * grad", "return -2 * lr * grad")
    replace_text(page, panel, doubled)
    panel.locator('[data-action="run-code"]').click()
    pagekit.wait_ready_with_message(page, GRADIENT_DESCENT, "After 300 steps")
    twice = pagekit.python_frames("gradient-descent", "train", lr="0.1")[-1]
    assert pagekit.python_frames("gradient-descent", "train", lr="0.05", code={STEP: doubled})[-1]["loss"] == twice["loss"]
    # the same arithmetic; only the wasm libm's last digit of tanh/exp can differ
    assert shown(demo, "loss") == pytest.approx(twice["loss"], rel=1e-9)
    assert shown(demo, "test_loss") == pytest.approx(twice["test_loss"], rel=1e-9)


def test_my_tweak_doubled_races_as_the_library_at_twice_the_noise(page, server):
    demo = pagekit.open_demo(page, server, "random-search/", '[data-demo="random-search"]')
    demo.locator('[name="iterations"]').fill("2000")
    panel = open_panel(page, demo)
    doubled = inspect.getsource(speculative.tweak).replace("return best + scale * noise",
                                                           "return best + 2 * scale * noise")
    replace_text(page, panel, doubled)
    panel.locator('[data-action="run-code"]').click()
    wait_done(page, '[data-demo="random-search"]')
    twice = pagekit.python_frames("random-search", "race", iterations="2000", noise="0.1")[-1]["methods"]
    once = pagekit.python_frames("random-search", "race", iterations="2000")[-1]["methods"]
    assert twice["tweak_and_keep"]["loss"] != once["tweak_and_keep"]["loss"]
    assert shown(demo, "tweak_and_keep-loss") == pytest.approx(twice["tweak_and_keep"]["loss"], rel=1e-9)
    assert shown(demo, "random_search-loss") == pytest.approx(once["random_search"]["loss"], rel=1e-9)


def test_my_own_method_races_in_the_playground_as_cpython_runs_it(page, server, artifacts):
    """Run 5 (your own) set to the search method by a link; its ask rewritten in the panel (twice the
    noise): the final losses are CPython's with the same text, and run 1's equals the template's
    at twice σ. Reset brings back the template's numbers."""
    from urllib.parse import urlencode

    from explainer_core import yours
    from explainer_core.demos import playground as pg

    values = {"task": "vertical", "samples": "30", "width": "6", "steps": "40",
              "r5_method": "yours", "r5_population": "8", "r2_method": "local_search",
              "r2_population": "8", "r1_method": "off", "r3_method": "off", "r4_method": "off"}
    selector = '[data-demo="playground"]'
    demo = pagekit.open_demo(page, server, "playground/", selector,
                             "#" + urlencode({f"playground.{k}": v for k, v in values.items()}))
    assert demo.locator('[data-run="5"] [data-setting="yours"]').is_visible()
    assert demo.locator('[data-run="2"] [data-setting="yours"]').is_hidden()
    assert [o for o in demo.locator('select[name="r5_method"] option').all_inner_texts()] == [
        "off", "your own search method", "your own gradient method"]
    panel = open_panel(page, demo, "yours:ask")
    assert editor_text(panel) == inspect.getsource(yours.ask)
    doubled = inspect.getsource(yours.ask).replace("state.theta + state.sigma * noise",
                                                   "state.theta + 2 * state.sigma * noise")
    replace_text(page, panel, doubled)
    panel.locator('[data-action="run-code"]').click()
    wait_done(page, selector)

    def finals():
        return [float(demo.locator(f'[data-role="loss-{slot}"]').get_attribute("data-value")) for slot in (5, 2)]

    mine = pagekit.python_frames("playground", "race", **values, code={"yours:ask": doubled})[-1]["runs"]
    twice = pg.run_all(**{**values, "r5_sigma": "0.1"})["5"][-1]["loss"]
    assert mine["5"]["loss"] == twice
    assert finals() == pytest.approx([mine["5"]["loss"], mine["2"]["loss"]], rel=1e-9)
    assert panel.locator(".gde-code__note").text_content() == "The demo ran with your ask."
    pagekit.shoot(page, demo, artifacts / "reader-code-playground.png")
    panel.locator('[data-action="reset-code"]').click()
    wait_done(page, selector)
    library = pg.run_all(**values)
    assert finals() == pytest.approx([library["5"][-1]["loss"], library["2"][-1]["loss"]], rel=1e-9)
