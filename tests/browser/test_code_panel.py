"""The "Python" panel under a demo, in Chromium: closed and unasked until opened, then the
library's own text (equal to what CPython's package holds) with the file's line numbers, a link
to the heading that explains it, and reachable and usable by keyboard alone."""

from __future__ import annotations

import pytest

from explainer_core import demos
from explainer_core.demos import code
from tests.browser.pagekit import open_demo

pytestmark = pytest.mark.browser

DEMO = '[data-demo="random-search"]'

# Each rendered function as the reader reads it: its name line, its code without the numbers,
# and the numbers of its first and last line.
# An editable function is read from its editor (numbered from 1 there, so no numbers).
READ = """(root) => [...root.querySelectorAll(".gde-code__function")].map((s) => ({
  where: s.querySelector(".gde-code__where").textContent,
  href: s.querySelector(".gde-code__where a")?.getAttribute("href") ?? null,
  editor: !!s.querySelector(".gde-code__editor"),
  text: s.querySelector(".gde-code__editor")?.gdeEditor.text() ?? [...s.querySelectorAll(".gde-code__line")].map((line) => {
    const copy = line.cloneNode(true);
    copy.querySelector(".gde-code__n").remove();
    return copy.textContent;
  }).join(""),
  numbers: [...s.querySelectorAll(".gde-code__n")].map((n) => Number(n.textContent)),
  keywords: s.querySelectorAll(".k").length,
}))"""


def test_the_panel_shows_the_packages_code_only_once_opened(page, server, artifacts):
    demo = open_demo(page, server, "random-search/", DEMO)
    panel = demo.locator("details.gde-code")
    assert panel.count() == 1 and panel.get_attribute("open") is None
    assert demo.locator(".gde-code__function").count() == 0  # nothing asked before it opens
    panel.locator("summary").click()
    demo.locator('.gde-code[data-loaded="true"]').wait_for(timeout=30_000)
    shown = demo.evaluate(READ)
    expected = code.source(demos.module("random-search"))
    assert [s["text"] for s in shown] == [e["text"] for e in expected]
    assert [s["editor"] for s in shown] == [e["editable"] for e in expected] and any(s["editor"] for s in shown)
    for s, e in zip(shown, expected):
        assert e["name"] in s["where"] and f'{e["file"]} line {e["line"]}' in s["where"]
        assert s["href"] == f'#{e["anchor"]}' and page.locator(s["href"]).count() == 1
        if not s["editor"]:
            assert s["numbers"] == list(range(e["line"], e["line"] + e["text"].count("\n")))
            assert s["keywords"] > 0  # highlighted
    panel.screenshot(path=str(artifacts / "code-panel-random-search.png"))


def test_the_panel_works_by_keyboard_and_in_dark_mode(browser, server, artifacts):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    demo = open_demo(page, server, "neuroevolution/", '[data-demo="neuroevolution"]')
    summary = demo.locator("details.gde-code summary")
    summary.focus()
    page.keyboard.press("Enter")
    demo.locator(".gde-code__function").first.wait_for(timeout=10_000)
    assert demo.locator("details.gde-code").get_attribute("open") is not None
    page.keyboard.press("Tab")  # to the first link: the heading that explains the code
    focused = page.evaluate("() => document.activeElement.closest('.gde-code__where') !== null")
    assert focused
    address = page.url
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'the-algorithm'")
    assert page.url == address  # the demos' settings in the address are kept
    assert page.evaluate("() => document.getElementById('the-algorithm').getBoundingClientRect().top") < 300
    # the demo was not reloaded: its panel is still open with its code
    assert demo.locator("details.gde-code[open] .gde-code__function").count() == 2
    demo.locator("details.gde-code").screenshot(path=str(artifacts / "code-panel-dark.png"))
    context.close()
