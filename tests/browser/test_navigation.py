"""Chapter to chapter through the site's own links: one Python worker for the whole visit.

With Material's instant navigation a link click swaps the page without reloading the scripts;
the runtime mounts the new page's demos and unmounts the old page's. These tests check what that
promises a reader: the next chapter's demo is ready without booting Python again (the wasm is
fetched once), a run on the page left behind stops, the back button brings the previous page and
its demo back, anchors still scroll, and a demo's settings travel in the page's address.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser

READY_TIMEOUT = 120_000  # ms: the first Pyodide boot on a busy 2-core machine
LANDSCAPE = '[data-demo="landscape"]'
RACE = '[data-demo="real-landscapes"]'
NEXT = '[data-demo="random-search"]'  # the demo of the chapter after the landscape


def wait_ready(page, selector: str, timeout: int = READY_TIMEOUT):
    page.wait_for_selector(selector, state="attached", timeout=timeout)
    page.evaluate("(s) => document.querySelector(s).scrollIntoView()", selector)
    page.locator(f'{selector}[data-state="ready"]').wait_for(timeout=timeout)


def wasm_fetches(record) -> int:
    return sum(url.endswith("pyodide.asm.wasm") for url in record.requests)


def test_next_chapter_reuses_the_worker_and_back_restores_the_demo(page, server, record):
    page.goto(server.url + "landscape/")
    wait_ready(page, LANDSCAPE)
    page.evaluate("window.__sameDocument = true")  # gone if a click reloads the page
    assert page.evaluate("window.gde.worker().starts") == 1

    page.locator('a.md-footer__link--next').click()  # the page's own "Next" link
    page.wait_for_url("**/random-search/")
    wait_ready(page, NEXT, timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True, "the link click reloaded the page"
    assert page.evaluate("window.gde.worker().starts") == 1
    assert wasm_fetches(record) == 1
    # the demo on the new page works: its call reaches the same worker
    answer = page.evaluate("window.gde.call('random-search', 'setup', {})")
    assert answer["ok"], answer

    page.go_back()
    page.wait_for_url("**/landscape/")
    wait_ready(page, LANDSCAPE, timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True
    assert page.evaluate("window.gde.worker().starts") == 1
    assert wasm_fetches(record) == 1
    assert page.locator(f"{LANDSCAPE} canvas.gde-landscape").count() == 1  # mounted once, not twice


def test_leaving_a_page_stops_its_run(page, server):
    page.goto(server.url + "landscape/")
    wait_ready(page, LANDSCAPE)
    page.locator(LANDSCAPE).get_by_role("button", name="Play").click()
    page.locator(f'{LANDSCAPE}[data-state="running"]').wait_for(timeout=5_000)
    assert page.evaluate("window.gde.worker().pending") >= 1  # the run (and maybe a redraw call)
    page.locator('a.md-footer__link--next').click()  # the page's own "Next" link
    page.wait_for_url("**/random-search/")
    # the run's stream is cancelled: nothing is left pending in the worker
    page.wait_for_function("() => window.gde.worker().pending === 0", timeout=5_000)
    wait_ready(page, NEXT, timeout=20_000)


def test_anchor_links_and_a_page_opened_directly(page, server):
    page.goto(server.url + "real-landscapes/")
    wait_ready(page, RACE)
    heading = page.locator(".md-content h2[id]").nth(1)
    anchor = heading.get_attribute("id")
    page.locator(f'.md-content a.headerlink[href$="#{anchor}"]').click()
    page.wait_for_url(f"**/real-landscapes/#{anchor}")
    expect(heading).to_be_in_viewport(timeout=10_000)


def test_a_demo_settings_live_in_the_address_and_a_link_restores_them(page, server, browser):
    page.goto(server.url + "landscape/")
    wait_ready(page, LANDSCAPE)
    demo = page.locator(LANDSCAPE)
    demo.locator('input[name="lr"]').fill("0.7")
    demo.locator('select[name="activation"]').select_option("relu")
    page.wait_for_function("() => location.hash.includes('landscape.activation=relu')", timeout=5_000)
    page.wait_for_function("() => location.hash.includes('landscape.lr=0.7')", timeout=5_000)
    link = page.url

    other = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        tab = other.new_page()
        tab.goto(link)
        wait_ready(tab, LANDSCAPE)
        restored = tab.locator(LANDSCAPE)
        assert restored.locator('input[name="lr"]').input_value() == "0.7"
        assert restored.locator('select[name="activation"]').input_value() == "relu"
        assert restored.locator(".gde-link-message").count() == 0
    finally:
        other.close()


def test_bad_values_in_a_link_are_ignored_with_a_message(page, server):
    evil = "<img src=x onerror=window.__xss=1>"
    page.goto(server.url + "landscape/#landscape.lr=abc&landscape.activation="
              + evil + "&landscape.nothere=1&landscape.step_size=0.4")
    wait_ready(page, LANDSCAPE)
    demo = page.locator(LANDSCAPE)
    note = demo.locator(".gde-link-message")
    text = note.inner_text()
    assert "learning rate" in text and "not a number" in text
    assert "activation" in text and "not one of the choices" in text
    assert "nothere" in text and "not a setting" in text
    assert note.locator("img").count() == 0 and page.evaluate("window.__xss") is None
    # the good value is taken, the bad ones leave the defaults in place
    assert demo.locator('input[name="step_size"]').input_value() == "0.4"
    assert demo.locator('input[name="lr"]').input_value() != "abc"
    assert demo.locator('select[name="activation"]').input_value() == "tanh"
    # and the demo still works
    demo.get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.querySelector('[data-role=\"gradient-steps\"]').textContent === '1 step'")
    assert "landscape.lr=abc" not in unquote(page.url)


def test_the_landscape_point_moves_with_the_keyboard(page, server):
    page.goto(server.url + "landscape/")
    wait_ready(page, LANDSCAPE)
    demo = page.locator(LANDSCAPE)
    a_before = float(demo.locator('input[name="a"]').input_value())
    b_before = float(demo.locator('input[name="b"]').input_value())
    canvas = demo.locator("canvas.gde-landscape")
    canvas.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => Number(document.querySelector('{LANDSCAPE} input[name=a]').value) > {a_before + 0.05}")
    page.keyboard.press("Shift+ArrowDown")
    page.wait_for_function(f"() => Number(document.querySelector('{LANDSCAPE} input[name=b]').value) < {b_before - 0.4}")
    assert float(demo.locator('input[name="a"]').input_value()) == pytest.approx(a_before + 0.1, abs=1e-9)
    assert float(demo.locator('input[name="b"]').input_value()) == pytest.approx(b_before - 0.5, abs=1e-9)
    # the reader hears where the point is once the keys stop
    page.wait_for_function(f"() => document.querySelector('{LANDSCAPE} [data-role=announce]').textContent.includes('loss')")


def test_search_finds_a_chapter_and_opens_it_in_place(page, server):
    page.goto(server.url)
    page.evaluate("window.__sameDocument = true")
    search = page.locator(".md-search__input")
    result = page.locator('.md-search-result__link[href*="real-landscapes/"]').first
    # the search index loads in Material's own worker: a query typed before it is ready finds
    # nothing, so type again until it answers
    for _ in range(40):
        search.click()
        search.fill("")
        page.keyboard.type("rosenbrock")
        try:
            result.wait_for(timeout=500)
            break
        except Exception:
            continue
    result.click()
    page.wait_for_url("**/real-landscapes/**")
    assert page.evaluate("window.__sameDocument") is True
    wait_ready(page, RACE)
