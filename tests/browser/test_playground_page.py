"""The playground in Chromium: the setup in the URL, links reproducing CPython, export and import,
classroom mode, bad input beside its field, Stop within half a second, links from a chapter."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from explainer_core.demos import jsonable
from explainer_core.demos import playground as pg
from tests.browser.pagekit import RUN_TIMEOUT, open_demo, play_to_end, shoot

pytestmark = pytest.mark.browser

DEMO = '[data-demo="playground"]'
PATH = "playground/"


def link(values: dict, **extra) -> str:
    return "#" + urlencode({**{f"playground.{k}": v for k, v in values.items()}, **extra})


def final_losses(demo, slots) -> dict:
    out = {}
    for slot in slots:
        value = demo.locator(f'[data-role="loss-{slot}"]').get_attribute("data-value")
        out[str(slot)] = None if value in (None, "") else float(value)
    return out


def cpython_finals(values: dict, points=None) -> dict:
    """CPython's final loss of each run, to the 1e-9 the other chapter tests allow (numpy in
    WebAssembly may add in another order)."""
    runs = pg.run_all(points=points, **values)
    return {slot: pytest.approx(recs[-1]["loss"], rel=1e-9) for slot, recs in runs.items()}


def hash_of(page) -> dict:
    from urllib.parse import parse_qsl
    return dict(parse_qsl(page.evaluate("() => location.hash.slice(1)")))


def wait_hash(page, key, value):
    page.wait_for_function(
        f"() => new URLSearchParams(location.hash.slice(1)).get({json.dumps(key)}) === {json.dumps(value)}",
        timeout=10_000)


def test_a_setup_typed_by_hand_survives_a_reload(page, server):
    demo = open_demo(page, server, PATH, DEMO)
    demo.locator('select[name="task"]').select_option("spiral")
    demo.locator('input[name="layers"]').fill("2")
    demo.locator('input[name="width"]').fill("8")
    demo.locator('select[name="r2_method"]').select_option("genetic")
    demo.locator('input[name="r2_parents"]').fill("3")
    demo.locator('input[name="r1_lr"]').fill("0.05")
    demo.locator('select[name="r4_method"]').select_option("metropolis")
    demo.locator('input[name="r4_beta"]').fill("30")
    wait_hash(page, "playground.r4_beta", "30")
    before = hash_of(page)
    assert before["playground.task"] == "spiral" and before["playground.layers"] == "2"
    page.reload()
    demo = page.locator(DEMO)
    demo.scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=120_000)
    page.wait_for_function(f"() => document.querySelector('{DEMO} [name=r4_beta]').value === '30'")
    for name, value in [("layers", "2"), ("width", "8"), ("r2_parents", "3"), ("r1_lr", "0.05"), ("r4_beta", "30")]:
        assert demo.locator(f'input[name="{name}"]').input_value() == value
    assert demo.locator('select[name="task"]').input_value() == "spiral"
    assert demo.locator('select[name="r2_method"]').input_value() == "genetic"
    assert demo.locator('input[name="r2_parents"]').is_visible()
    assert hash_of(page) == before


def test_a_shared_link_reproduces_cpython_in_a_fresh_context(browser, server, artifacts):
    values = {"task": "vertical", "samples": "40", "width": "6", "steps": "60",
              "r1_method": "adam", "r1_lr": "0.05", "r2_method": "sgd", "r2_momentum": "0.9",
              "r2_batch": "30", "r3_method": "local_search", "r3_population": "8",
              "r4_method": "openai_es", "r4_population": "10", "seed": "3"}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        demo = open_demo(page, server, PATH, DEMO, link(values))
        play_to_end(page, DEMO, RUN_TIMEOUT)
        assert final_losses(demo, [1, 2, 3, 4]) == cpython_finals(values)
        shoot(page, demo, artifacts / f"playground-link-{scheme}.png")
        assert errors == []
        context.close()


def test_phone_width_runs_the_surface_task(browser, server, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    values = {"task": "surface", "surface": "himmelblau", "steps": "80", "r2_lr": "0.01"}
    demo = open_demo(page, server, PATH, DEMO, link(values))
    play_to_end(page, DEMO)
    assert final_losses(demo, [1, 2, 3]) == cpython_finals(values)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    shoot(page, demo, artifacts / "playground-phone.png")
    context.close()


def test_exported_json_equals_cpython_and_its_import_reproduces(page, server, tmp_path):
    values = {"task": "points", "steps": "20", "r1_lr": "0.1"}
    points = "x, y\n0, 1\n1, 3\n2, 5\n3, 7"
    demo = open_demo(page, server, PATH, DEMO,
                     link(values) + "&" + urlencode({"playground-points": points}))
    assert demo.locator('[data-role="points"]').input_value() == points
    play_to_end(page, DEMO)
    with page.expect_download() as download:
        demo.locator('[data-action="json"]').click()
    saved = tmp_path / "runs.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    reference = pg.export(values, jsonable(pg.run_all(points=points, **values)), points=points)
    expected = reference["document"]
    assert exported["library"] == expected["library"]
    assert exported["setup"] == expected["setup"]
    strip = lambda runs: [{**r, "records": [{k: v for k, v in rec.items() if k != "wall_time"}
                                             for rec in r["records"]]} for r in runs]  # noqa: E731
    assert len(exported["runs"]) == len(expected["runs"])
    for got, want in zip(strip(exported["runs"]), strip(expected["runs"])):
        assert got["run"] == want["run"] and got["settings"] == want["settings"]
        assert len(got["records"]) == len(want["records"])
        for a, b in zip(got["records"], want["records"]):
            assert a.keys() == b.keys()
            for key in a:
                assert a[key] == (pytest.approx(b[key], rel=1e-9, abs=1e-15)
                                  if isinstance(b[key], (float, list)) else b[key]), key
    # and the file, compared the way the import compares, reproduces CPython's run
    assert pg.compare({str(r["run"]): r["records"] for r in expected["runs"]},
                      {str(r["run"]): r["records"] for r in exported["runs"]})["reproduces"]
    with page.expect_download() as download:
        demo.locator('[data-action="csv"]').click()
    csv_path = tmp_path / "runs.csv"
    download.value.save_as(csv_path)
    lines = csv_path.read_text().strip().splitlines()
    assert lines[0] == ",".join(pg.CSV_COLUMNS) and len(lines) == 1 + 3 * 21

    # a fresh page: import the file; it sets the playground up, runs, and says it reproduces
    page = page.context.new_page()
    demo = open_demo(page, server, PATH, DEMO)
    demo.locator('[data-role="import"]').set_input_files(str(saved))
    page.wait_for_function(
        f"() => document.querySelector('{DEMO}').dataset.reproduces === 'true'", timeout=RUN_TIMEOUT)
    assert demo.locator('select[name="task"]').input_value() == "points"
    assert demo.locator('[data-role="points"]').input_value() == points
    assert "reproduces" in demo.locator(".gde-message").text_content()

    # a broken file: refused beside the import, the setup kept
    bad = tmp_path / "bad.json"
    bad.write_text('{"library": {"name": "something else"}}')
    demo.locator('[data-role="import"]').set_input_files(str(bad))
    slot = demo.locator('.gde-field-error[data-error-for="import"]')
    slot.filter(has_text="not a playground export").wait_for(timeout=10_000)
    assert demo.locator('select[name="task"]').input_value() == "points"


def test_classroom_mode_hides_the_settings_and_still_runs(page, server, artifacts):
    values = {"task": "spiral", "steps": "40", "classroom": "1"}
    demo = open_demo(page, server, PATH, DEMO, link(values))
    page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.classroom === '1'")
    assert not demo.locator('[data-role="settings"]').is_visible()
    assert not demo.locator('select[name="xaxis"]').is_visible()
    visible = demo.locator("button:visible").all_text_contents()
    assert [b.strip() for b in visible] == ["Play", "Step", "Stop", "Reset"]
    demo.locator('[data-action="step"]').click()
    page.wait_for_function(
        f"() => document.querySelector('{DEMO} .gde-message').textContent === 'Step 0.'")
    demo.locator('[data-action="step"]').click()
    page.wait_for_function(
        f"() => document.querySelector('{DEMO} .gde-message').textContent === 'Step 1.'")
    play_to_end(page, DEMO)
    assert final_losses(demo, [1, 2, 3]) == cpython_finals({"task": "spiral", "steps": "40"})
    shoot(page, demo, artifacts / "playground-classroom.png")


@pytest.mark.parametrize("name, value, words", [
    ("r1_lr", "abc", "must be a number"),
    ("r1_lr", "500", "at most 100"),
    ("steps", "1.5", "whole number"),
    ("width", "512", "memory budget"),
    ("r3_population", "1000", "budget"),
])
def test_a_bad_field_is_refused_beside_itself(page, server, name, value, words):
    demo = open_demo(page, server, PATH, DEMO)
    if name in ("r3_population", "width"):
        demo.locator('input[name="layers"]').fill("2")
    if name == "r3_population":
        demo.locator('input[name="width"]').fill("64")
    demo.locator(f'input[name="{name}"]').fill(value)
    field = demo.locator(f'input[name="{name}"]').locator("xpath=ancestor::label[1]")
    field.locator(".gde-field-error").filter(has_text=words).wait_for(timeout=10_000)
    assert demo.locator(f'input[name="{name}"]').get_attribute("aria-invalid") == "true"
    demo.locator('[data-action="play"]').click()
    time.sleep(0.3)
    assert demo.get_attribute("data-state") == "ready"


def test_four_runs_stop_within_half_a_second(page, server):
    values = {"task": "spiral", "layers": "2", "width": "28", "steps": "20000", "r4_method": "genetic",
              "r3_population": "10", "r4_population": "10", "r4_parents": "3"}
    demo = open_demo(page, server, PATH, DEMO, link(values))
    page.wait_for_function(f"() => document.querySelector('{DEMO} [data-role=count]')"
                           ".textContent.includes('983 parameters')")
    demo.locator('[data-action="play"]').click()
    page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state === 'running'")
    time.sleep(1.5)
    started = time.monotonic()
    demo.locator('[data-action="stop"]').click()
    page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state === 'ready'",
                           timeout=5_000)
    assert time.monotonic() - started < 0.5
    assert "Stopped at step" in demo.locator(".gde-message").text_content()
    step = int(demo.locator('[data-role="step"]').text_content().split()[1].replace(",", ""))
    assert 0 < step < 20000


def test_a_chapter_link_opens_here_with_its_setup(page, server):
    fragment = "#" + urlencode({"from": "landscape", "landscape.lr": "0.25",
                                "landscape.activation": "relu", "other": "kept"})
    demo = open_demo(page, server, PATH, DEMO, fragment)
    wait_hash(page, "playground.r1_lr", "0.25")
    shown = hash_of(page)
    assert "from" not in shown and not any(k.startswith("landscape.") for k in shown)
    assert shown["other"] == "kept"
    expected = pg.from_demo("landscape", {"lr": "0.25", "activation": "relu"})
    assert {k[len("playground."):]: v for k, v in shown.items()
            if k.startswith("playground.")} == expected["values"]
    assert demo.locator('[data-role="from"]').text_content() == expected["text"]
    assert demo.locator('select[name="task"]').input_value() == "neuron"
    assert demo.locator('select[name="activation"]').input_value() == "relu"
    play_to_end(page, DEMO)
    assert final_losses(demo, [1, 2]) == cpython_finals(expected["values"])
