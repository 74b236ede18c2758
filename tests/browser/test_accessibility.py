"""Every page passes axe-core (WCAG 2 A and AA, and axe's best practices) in light and dark mode,
on a wide screen and a phone, with its demos booted and its charts drawn, so that the controls
a reader uses are checked too.

The pages are the site's own list (its sitemap.xml). axe-core is the npm package, pinned by
version and hash in build_scripts/vendor.py. A screenshot of each page lands in test-artifacts/.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest

from build_scripts import vendor

expect = pytest.importorskip("playwright.sync_api").expect
# axe-core is injected as an inline script, which the site's Content-Security-Policy blocks
pytestmark = [pytest.mark.browser, pytest.mark.context(bypass_csp=True)]

AXE = vendor.VENDOR / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
WIDTHS = [1200, 390]
READY_TIMEOUT = 120_000  # ms: the first Pyodide boot on a busy 2-core machine


def site_pages(site_dir, server) -> list[str]:
    """The address of every page, from the sitemap the build wrote for this server."""
    tree = ET.parse(site_dir / "sitemap.xml")
    locs = [el.text for el in tree.iter() if el.tag.endswith("loc")]
    assert locs and all(loc.startswith(server.url) for loc in locs), locs
    return locs


def settle(page, selectors=("[data-demo]", "[data-chart]")):
    """Scroll every demo and chart into view and wait until each is ready (demos boot Python)."""
    for selector in selectors:
        for index in range(page.locator(selector).count()):
            item = page.locator(selector).nth(index)
            item.scroll_into_view_if_needed()
            if selector == "[data-chart]":
                item.locator(".gde-chart__view").hover()  # a chart goes live when pointed at
            expect(item).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    assert page.locator('[data-demo]:not([data-state="ready"])').count() == 0
    page.evaluate("window.scrollTo(0, 0)")


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        vendor.ensure()
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """(tags) => axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], elementRef: true,
            }).then((r) => r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => {
                    const owner = n.element && n.element.closest("[data-chart], [data-demo]");
                    return {
                        target: n.target.join(" "), summary: n.failureSummary,
                        within: !owner ? "" : owner.dataset.chart ? `chart:${owner.dataset.chart}`
                            : `demo:${owner.dataset.demo}`,
                    };
                }),
            })))""",
        TAGS,
    )


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    {n['target']}: {n['summary'].splitlines()[-1].strip()}" for n in v["nodes"][:6]]
            if len(v["nodes"]) > 6:
                lines.append(f"    ... and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


# each scheme once and each width once (axe on every page takes ~100 s a variant; the scheme's
# colours are also checked control by control in both schemes by test_contrast.py)
@pytest.mark.parametrize("scheme, width", [("light", WIDTHS[0]), ("dark", WIDTHS[1])])
def test_every_page_has_no_axe_violations(page, server, site_dir, artifacts, scheme, width):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    urls = site_pages(site_dir, server)
    for url in urls:
        page.goto(url)
        assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
        settle(page)
        slug = urlparse(url).path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=str(artifacts / f"a11y-{slug}-{scheme}-{width}.png"), full_page=True)
        violations = axe_violations(page)
        if violations:
            found[f"{slug} ({scheme}, {width} px)"] = violations
    assert len(urls) >= 4
    assert found == {}, "axe-core found:\n" + describe(found)


def test_axe_reports_a_known_violation(page, server):
    """The check can fail: a page given an unnamed button and grey-on-grey text is reported."""
    page.goto(server.url)
    page.evaluate("""() => {
        const p = document.createElement("p");
        p.textContent = "faint";
        p.style.cssText = "color:#999;background:#aaa";
        const b = document.createElement("button");
        document.querySelector("article").append(p, b);
    }""")
    ids = {v["id"] for v in axe_violations(page)}
    assert {"color-contrast", "button-name"} <= ids, ids


def test_the_search_dialog_has_a_name(page, server):
    page.goto(server.url)
    dialog = page.locator('[data-md-component="search"][role="dialog"]')
    assert re.search(r"\w", dialog.get_attribute("aria-label") or "")
