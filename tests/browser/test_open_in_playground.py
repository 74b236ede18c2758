"""Every chapter demo links to the playground with its own settings ("Open in the playground"),
and the playground takes them: it says what it carried over and keeps them in its own address."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlparse

from explainer_core.demos import playground
from tests.browser import pagekit
from tests.browser.pagekit import READY_TIMEOUT

DEMO = '[data-demo="random-search"]'
PLAYGROUND = '[data-demo="playground"]'


def test_the_link_carries_the_demos_settings_into_the_playground(page, server):
    demo = pagekit.open_demo(page, server, "random-search/", DEMO)
    link = demo.locator("a.gde-open-playground")
    assert link.text_content() == "Open in the playground"
    href = link.get_attribute("href")
    assert urlparse(href).path.endswith("/playground/") or href.startswith("../playground/")
    assert dict(parse_qsl(urlparse(href).fragment)) == {"from": "random-search"}
    demo.locator('[name="data"]').select_option("spiral")
    demo.locator('[name="seed"]').fill("7")
    page.wait_for_function(
        f"""() => document.querySelector('{DEMO} a.gde-open-playground').href.includes("random-search.seed=7")""")
    fragment = dict(parse_qsl(urlparse(link.get_attribute("href")).fragment))
    assert fragment == {"from": "random-search", "random-search.data": "spiral", "random-search.seed": "7"}

    link.click()
    page.wait_for_url("**/playground/**")
    page.wait_for_selector(PLAYGROUND, state="attached", timeout=READY_TIMEOUT)
    page.evaluate("(s) => document.querySelector(s).scrollIntoView()", PLAYGROUND)
    page.locator(f'{PLAYGROUND}[data-state="ready"]').wait_for(timeout=READY_TIMEOUT)
    # the playground rewrites the address in its own terms: no `from`, no other demo's keys
    page.wait_for_function("() => !location.hash.includes('from=')", timeout=10_000)
    params = dict(parse_qsl(urlparse(page.url).fragment))
    assert params and all(k.startswith("playground.") for k in params), page.url
    # what CPython's mapping gives for the same demo settings is what the playground holds
    mapped = playground.from_demo("random-search", {"data": "spiral", "seed": "7"})
    for name, value in mapped["values"].items():
        assert page.locator(PLAYGROUND).locator(f'[name="{name}"]').input_value() == value, name
    assert params["playground.task"] == "spiral" and params["playground.seed"] == "7"
    assert mapped["text"] in page.locator(PLAYGROUND).text_content()
    assert page.locator(PLAYGROUND).locator("a.gde-open-playground").count() == 0
