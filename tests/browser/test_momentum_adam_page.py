"""What a reader sees on "Momentum and Adam", in headless Chromium against the built site.

The numbers the page shows after a race are checked against CPython: the demo's own module
(`explainer_core.demos.momentum_adam`) through the same JSON entry point the worker calls.
"""

from __future__ import annotations

import json
import time

import pytest

from explainer_core import demos
from tests.site_server import Server, build_site

pytestmark = pytest.mark.browser

DEMO = '[data-demo="momentum-adam"]'
READY_TIMEOUT = 120_000  # ms: Pyodide compiles ~10 MB of wasm; slow on a busy 2-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The site, built with --strict as tests/browser/conftest.py builds it; while other chapters'
    pages are half-written and fail the strict build, built without --strict instead, provided
    that no warning names this chapter's page (so this page's own warnings still fail)."""
    site_dir = tmp_path_factory.mktemp("site-momentum-adam")
    serving = Server(site_dir)
    done = build_site(site_dir, site_url=serving.url)
    if done.returncode != 0:
        log = done.stdout + done.stderr
        warnings = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
        assert warnings, f"mkdocs build --strict failed without a warning:\n{log}"
        # a warning names its page first ("WARNING -  gradient-descent.md:75: ..."); one about
        # this chapter's page, chart or module fails here
        mine = [w for w in warnings if w.split(" -  ", 1)[-1].startswith("momentum-adam")
                or "momentum_adam" in w.split(";")[0] or "ravine_condition" in w.split(";")[0]]
        assert not mine, log
        done = build_site(site_dir, strict=False, site_url=serving.url)
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    with serving as running:
        yield running


@pytest.fixture
def page(page, record):
    """The worker's warm-up imports every demo in DEMOS; while other chapters' demo modules are
    still being written, their imports fail in the console. Drop exactly those messages (a
    ModuleNotFoundError naming another demo module) before the `page` fixture checks the console;
    every other console error still fails the test."""
    yield page
    mine = "explainer_core.demos.momentum_adam"
    record.console_errors[:] = [
        e for e in record.console_errors
        if not ("ModuleNotFoundError: No module named 'explainer_core.demos." in e and mine not in e)
    ]


def python_run(**args) -> list[dict]:
    """Every frame of a run() in CPython, as the page receives them (JSON)."""
    stream = demos.start(json.dumps({"demo": "momentum-adam", "method": "run", "args": args}))
    frames = []
    while True:
        chunk = json.loads(stream.advance(10_000, 60_000))
        assert chunk["ok"], chunk
        frames += chunk["frames"]
        if chunk["done"]:
            return frames


def open_demo(page, server, link=""):
    page.goto(server.url + "momentum-adam/" + link)
    page.locator(DEMO).scroll_into_view_if_needed()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    return page.locator(DEMO)


def type_into(demo, name: str, value: str):
    box = demo.locator(f'input[name="{name}"]')
    box.fill(value)
    box.dispatch_event("change")


def race_to_end(page, demo):
    demo.get_by_role("button", name="Race").click()
    page.wait_for_function(
        "() => { const r = document.querySelector('[data-demo=\"momentum-adam\"]');"
        " return r.dataset.state === 'ready' && r.querySelector('[data-role=\"gd-end\"]').textContent.length > 0; }",
        timeout=60_000)


def test_race_gives_the_numbers_cpython_gives(page, server):
    # the settings come from a link (the surface first, then settings that differ from its
    # defaults): they are all restored, and the race runs with them
    link = ("#momentum-adam.surface=ravine&momentum-adam.steps=60&momentum-adam.x=3"
            "&momentum-adam.adam_b1=0.8")
    demo = open_demo(page, server, link)
    assert demo.locator('select[name="surface"]').input_value() == "ravine"
    for name, value in (("steps", "60"), ("x", "3"), ("y", "1.5"), ("adam_b1", "0.8")):
        assert demo.locator(f'input[name="{name}"]').input_value() == value, name
    race_to_end(page, demo)
    [last] = python_run(surface="ravine", steps="60", x="3", y="1.5", adam_b1="0.8")[-1:]
    for method, (x, y, loss, _) in last["points"].items():
        out = demo.locator(f'[data-role="{method}-end"]')
        assert float(out.get_attribute("data-x")) == x
        assert float(out.get_attribute("data-y")) == y
        assert float(out.get_attribute("data-loss")) == loss
        assert out.text_content() == last["messages"][method]
    # Adam's moments for coordinate x, then y, as the run's own optimizer state had them
    for k, name in ((0, "0"), (1, "1")):
        demo.locator('select[name="adam_coordinate"]').select_option(name)
        for key in ("m", "v", "m_hat", "v_hat", "step", "g"):
            cell = demo.locator(f'[data-role="adam-{key}"]')
            assert float(cell.get_attribute("data-value")) == last["adam"][key][k], key
    assert demo.locator('[data-role="adam-t"]').text_content() == "60"
    # a reader's change goes into the address
    type_into(demo, "momentum_beta", "0.5")
    page.wait_for_function("() => location.hash.includes('momentum-adam.momentum_beta=0.5')",
                           timeout=5_000)


BAD_SETTINGS = [  # (field, value, the label its message names, words the message has, a good value)
    ("momentum_beta", "1", "momentum β", "[0, 1)", "0.5"),
    ("gd_lr", "-0.5", "gradient descent learning rate", "(0, 10]", "0.01"),
    ("adam_eps", "0", "Adam ε", "(0, 1]", "1e-8"),
]


def test_bad_settings_show_their_message_beside_the_field(page, server):
    demo = open_demo(page, server)
    for name, value, label, words, good in BAD_SETTINGS:
        demo.locator(f'input[name="{name}"]').fill(value)
        demo.get_by_role("button", name="Race").click()
        slot = demo.locator(f'.gde-field-error[data-error-for="{label}"]')
        slot.wait_for(state="visible", timeout=10_000)
        assert words in slot.text_content(), name
        assert demo.locator(f'input[name="{name}"]').get_attribute("aria-invalid") == "true"
        assert demo.get_attribute("data-state") == "ready"  # nothing ran, nothing froze
        assert demo.locator('[data-role="gd-end"]').text_content() == ""
        # fixing it clears the message
        demo.locator(f'input[name="{name}"]').fill(good)
        assert slot.text_content() == ""


def test_a_click_outside_the_plotted_range_is_clamped_to_its_edge(page, server):
    demo = open_demo(page, server)
    canvas = demo.locator("canvas.gde-ma__mapcanvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": 3, "y": box["height"] / 2})  # in the left margin, left of x = -2
    assert demo.locator('input[name="x"]').input_value() == "-2"
    assert "outside the map's range" in demo.locator(".gde-message").text_content()
    # a typed start outside the range is refused, beside its field
    demo.locator('input[name="y"]').fill("7")
    demo.get_by_role("button", name="Race").click()
    slot = demo.locator('.gde-field-error[data-error-for="start y"]')
    slot.wait_for(state="visible", timeout=10_000)
    assert "[-2, 2]" in slot.text_content()
    # the keyboard moves the start: focus the map, arrow right
    demo.locator('input[name="y"]').fill("1")
    canvas.focus()
    page.keyboard.press("ArrowRight")
    assert demo.locator('input[name="x"]').input_value() == "-1.92"


def test_stop_stops_within_half_a_second(page, server):
    demo = open_demo(page, server)
    demo.locator('select[name="surface"]').select_option("rosenbrock")
    type_into(demo, "steps", "5000")
    demo.get_by_role("button", name="Race").click()
    page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
    page.wait_for_timeout(300)
    started = time.monotonic()
    demo.get_by_role("button", name="Stop").click()
    page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=5_000)
    assert time.monotonic() - started < 0.5
    assert demo.locator(".gde-message").text_content().startswith("Stopped at step")
    assert demo.locator('[data-role="gd-end"]').text_content() == ""


@pytest.mark.parametrize("look", ["light", "dark", "phone"])
def test_screenshots(browser, server, artifacts, look):
    size = {"width": 390, "height": 844} if look == "phone" else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, color_scheme="dark" if look == "dark" else "light")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        demo = open_demo(page, server)
        if look == "dark":
            assert page.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
        race_to_end(page, demo)
        # the default race on the double well ends as the page says
        assert demo.locator('[data-role="gd-end"]').text_content().endswith("in the shallow dip.")
        assert demo.locator('[data-role="momentum-end"]').text_content().endswith("in the deep well.")
        # the whole demo, from a full-page picture (so the fixed header does not cover its top)
        box = page.evaluate("""(el) => { const r = el.getBoundingClientRect();
            return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }""",
                            demo.element_handle())
        page.screenshot(path=str(artifacts / f"momentum-adam-{look}.png"), full_page=True, clip=box)
        if look == "phone":  # no sideways scroll at 390 px
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
            chart = page.locator('[data-chart="ravine_condition"]')
            chart.scroll_into_view_if_needed()
            chart.screenshot(path=str(artifacts / "momentum-adam-chart-phone.png"))
    finally:
        context.close()
    assert errors == []
