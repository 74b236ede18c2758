"""The demos' controls and text have WCAG 2.1 contrast in light and dark mode, on a wide screen
and a phone, at rest, under the pointer and with keyboard focus.

Nothing here names a page or a control: the pages are those of the site's sitemap whose HTML has
a `[data-demo]` element, and once each demo is ready (`data-state="ready"`) every visible element
inside it that shows text is measured: the colour of its text, composited over its effective
background (its own and its ancestors' background colours, semi-transparent ones laid over the
page's body background, the base), must reach 4.5:1, or 3:1 for large text (24 px, or 18.66 px
bold) (SC 1.4.3). Buttons, inputs and selects must also stand out from what is around them by
3:1 (SC 1.4.11): their border (drawn over their own background) or their background, whichever is
stronger, against the background behind them. Then the mouse hovers every button, input, select
and summary (on the phone, where the same rules apply, the buttons only), and the keyboard walks
through the demo with Tab (`:focus-visible`); each is measured again in each state. With keyboard
focus a drawn outline must reach 3:1 against what is around it, a focused control must look
different from the same control unfocused, and every control must be reached.

What a reader sees only sometimes is shown first: closed `<details>` are opened, and every empty
message slot (`[aria-live]`, `output`, `[data-kind]`) is filled with a sample message in each kind
the demos give them (info, warning, error; a field whose description is the slot marked
aria-invalid, as the demos' showError does) and restored after.

Controls drawn by the browser itself (range inputs, check boxes) are measured from the pixels of
a screenshot: their most contrasting colour that covers at least 1% of the control (a slider's
thumb) must reach 3:1. Their weakest part along the whole width (a slider's empty track) is
reported, and required only if the author changed the control's look (`appearance` or
`accent-color`): SC 1.4.11 excepts an appearance the browser determines. Disabled controls are
skipped (inactive components are excepted). Text drawn into a canvas or a chart's SVG is not
measured here.

All failures are reported together. A screenshot of each demo in each theme and width:
test-artifacts/contrast-<slug>-<theme>-<width>.png; every measured ratio:
test-artifacts/contrast-report.txt.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from urllib.parse import urlparse

import pytest

expect = pytest.importorskip("playwright.sync_api").expect
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError
pytestmark = pytest.mark.browser

SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
VIEWPORTS = [(1280, 900), (390, 844)]
KNOWN_DEMO_PAGES = ["function/", "landscape/", "random-search/", "derivatives/", "real-landscapes/"]  # only if the build wrote no sitemap
READY_TIMEOUT = 120_000  # ms: the first Pyodide boot on a busy 2-core machine
CHART_FIT_TIMEOUT = 20_000  # ms: a chart drawn again for a new width
# What a reader hovers and reaches with Tab (canvases and links with keyboard handlers too).
FOCUSABLE = "button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex='-1'])"
DRAWN_BY_BROWSER = "input:is([type=range], [type=checkbox], [type=radio], [type=color])"
DEMO_TAG = re.compile(r"<[a-zA-Z][^<>]*\sdata-demo=")

# The measuring code, installed in each page as window.__contrast. Colours are sRGB 0-255 with
# alpha 0-1; `over` lays a colour over an opaque one, as the browser composites.
LIBRARY = r"""() => {
  if (window.__contrast) return;
  const scratch = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  const parse = (text) => {
    const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+)(%?))?\s*\)$/.exec(text);
    if (m) return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : m[5] ? m[4] / 100 : +m[4] };
    scratch.clearRect(0, 0, 1, 1);  // any other syntax (oklch, color-mix...): let a canvas convert it
    scratch.fillStyle = "rgba(0, 0, 0, 0)";
    scratch.fillStyle = text;
    scratch.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = scratch.getImageData(0, 0, 1, 1).data;
    return { r, g, b, a: a / 255 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const style = (el, pseudo) => getComputedStyle(el, pseudo);

  const describe = (el) => {
    const tag = el.tagName.toLowerCase();
    let s = tag;
    const attr = ["name", "data-action", "data-role"].find((a) => el.hasAttribute(a));
    if (attr) s += `[${attr}=${el.getAttribute(attr)}]`;
    else if ([...el.classList].some((c) => c !== "focus-visible")) {
      s += "." + [...el.classList].find((c) => c !== "focus-visible");
    }
    if (tag === "input" && el.type !== "text") s += `[type=${el.type}]`;
    const text = (tag === "select" ? el.selectedOptions[0]?.text ?? ""
      : tag === "input" || tag === "textarea" ? el.value : el.textContent).trim().replace(/\s+/g, " ");
    if (text) s += ` "${text.length > 34 ? text.slice(0, 32) + "…" : text}"`;
    return s;
  };
  // The page's own background: the body's over the root's over the browser's white canvas.
  const base = () => [document.documentElement, document.body].reduce(
    (c, el) => over(parse(style(el).backgroundColor), c), { r: 255, g: 255, b: 255, a: 1 });
  // What is painted behind el's text (with itself) or behind el (without): background colours
  // up to the first opaque one, laid over the page's background.
  const backdrop = (el, withSelf) => {
    const layers = [];
    const images = [];
    for (let n = withSelf ? el : el.parentElement; n && n !== document.body && n !== document.documentElement;
         n = n.parentElement) {
      const cs = style(n);
      if (cs.backgroundImage !== "none") images.push(describe(n));
      const c = parse(cs.backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    return { color: layers.reverse().reduce((c, layer) => over(layer, c), base()), images };
  };
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n; n = n.parentElement) o *= parseFloat(style(n).opacity);
    return o;
  };
  const visible = (el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;
    for (let n = el; n && n !== document.body; n = n.parentElement) {
      const cs = style(n);
      if (cs.clip !== "auto" && /absolute|fixed/.test(cs.position)) return false;  // screen-reader only
      if (n !== el && cs.overflow !== "visible") {
        const b = n.getBoundingClientRect();
        if (b.width <= 1 || b.height <= 1) return false;
      }
    }
    return true;
  };
  const NATIVE = new Set(["range", "checkbox", "radio", "color", "file"]);
  const drawnByBrowser = (el) => el.tagName === "INPUT" && NATIVE.has(el.type);
  const isControl = (el) => el.matches("button, select, textarea, input") && !drawnByBrowser(el)
    && el.type !== "hidden";
  const showsText = (el) => !el.closest("svg, noscript, option, canvas, template, script, style")
    && (isControl(el) || [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));

  const textRecord = (el, state, pseudo) => {
    const cs = style(el, pseudo);
    const bg = backdrop(el, true);
    const fg = parse(cs.webkitTextFillColor || cs.color);
    fg.a *= opacity(el);
    const shown = over(fg, bg.color);
    const px = parseFloat(cs.fontSize);
    const bold = parseInt(cs.fontWeight, 10) >= 700;
    const large = px >= 24 || (bold && px >= 18.66);
    return {
      state, check: pseudo ? "placeholder text" : "text", element: describe(el), fg: hex(shown), bg: hex(bg.color),
      ratio: ratio(shown, bg.color), need: large ? 3 : 4.5, font: `${px}px${bold ? " bold" : ""}`,
      problem: bg.images.length ? `background image under the text (${bg.images[0]}): check by hand` : null,
    };
  };
  const texts = (el, state) => {
    if (el.disabled) return [];
    const out = [textRecord(el, state)];
    if (el.matches("input, textarea") && el.placeholder) out.push(textRecord(el, state, "::placeholder"));
    return out;
  };
  // A control against what is behind it: its border (over its own background) or its background.
  const boundaryRecord = (el, state) => {
    const cs = style(el);
    const around = backdrop(el, false).color;
    const own = over(parse(cs.backgroundColor), around);
    const under = cs.backgroundClip === "border-box" ? own : around;
    let best = { ratio: ratio(own, around), what: "background", color: own };
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      if (parseFloat(cs[`border${side}Width`]) < 1 || /none|hidden/.test(cs[`border${side}Style`])) continue;
      const color = over(parse(cs[`border${side}Color`]), under);
      const r = ratio(color, around);
      if (r > best.ratio) best = { ratio: r, what: `border`, color };
    }
    return {
      state, check: `boundary (${best.what})`, element: describe(el), fg: hex(best.color), bg: hex(around),
      ratio: best.ratio, need: 3, problem: null,
    };
  };
  const look = (el) => {
    const cs = style(el);
    return ["color", "backgroundColor", "borderColor", "outlineStyle", "outlineColor", "outlineWidth", "boxShadow",
      "textDecorationLine"].map((p) => cs[p]).join("|");
  };
  // With keyboard focus: the outline (or a box shadow) against what is around the control.
  const focusRecord = (el, restLook) => {
    const cs = style(el);
    const around = backdrop(el, false).color;
    const record = { state: "focus-visible", check: "focus indicator", element: describe(el), need: 3, problem: null };
    if (!/none|hidden/.test(cs.outlineStyle) && parseFloat(cs.outlineWidth) >= 1) {
      const color = over(parse(cs.outlineColor), around);
      return { ...record, check: "focus outline", fg: hex(color), bg: hex(around), ratio: ratio(color, around) };
    }
    const shadow = /^(rgba?\([^)]*\))/.exec(cs.boxShadow);
    if (cs.boxShadow !== "none" && shadow) {
      const color = over(parse(shadow[1]), around);
      return { ...record, check: "focus shadow", fg: hex(color), bg: hex(around), ratio: ratio(color, around) };
    }
    if (look(el) === restLook) return { ...record, ratio: null, problem: "no visible change with keyboard focus" };
    return null;  // no outline: the changed look is measured as the boundary and text of this state
  };

  window.__contrast = {
    // Every visible text and control of a demo, as it is now.
    demo(root) {
      const out = [];
      for (const el of [root, ...root.querySelectorAll("*")]) {
        if (!visible(el) || el.disabled) continue;
        if (showsText(el)) out.push(...texts(el, "rest"));
        if (isControl(el)) out.push(boundaryRecord(el, "rest"));
      }
      return out;
    },
    // The message slots filled with a sample message of each kind, measured, then restored.
    slots(root, sample) {
      const slots = [...root.querySelectorAll("[aria-live], output, [data-kind]")]
        .filter((el) => !el.closest("svg") && !el.textContent.trim() && !el.children.length);
      const out = [];
      for (const kind of ["info", "warning", "error"]) {
        const saved = slots.map((el) => [el, el.getAttribute("data-kind")]);
        const marked = [];
        for (const el of slots) {
          el.textContent = sample;
          el.dataset.kind = kind;
          if (kind === "error" && el.id) {
            for (const input of root.querySelectorAll(`[aria-describedby~="${CSS.escape(el.id)}"]`)) {
              if (!input.hasAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); marked.push(input); }
            }
          }
        }
        for (const el of slots) if (visible(el)) out.push(...texts(el, `${kind} message`));
        for (const input of marked) if (visible(input)) out.push(boundaryRecord(input, "marked invalid"));
        for (const [el, was] of saved) {
          el.textContent = "";
          if (was === null) el.removeAttribute("data-kind"); else el.setAttribute("data-kind", was);
        }
        marked.forEach((input) => input.removeAttribute("aria-invalid"));
      }
      return out;
    },
    // One control in a state the caller has put it in (hover, focus-visible).
    control(el, state, restLook) {
      const matched = state === "hover" ? el.matches(":hover")
        : el.matches(":focus-visible") && document.activeElement === el;
      const record = { state, element: describe(el), ratio: null, need: 3 };
      if (!matched) {
        const box = el.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        const why = state === "hover" && hit && !el.contains(hit) ? `: ${describe(hit)} covers its centre` : "";
        return [{ ...record, check: state, problem: `could not put it in the ${state} state${why}` }];
      }
      const out = [];
      for (const n of [el, ...el.querySelectorAll("*")]) if (visible(n) && showsText(n)) out.push(...texts(n, state));
      if (isControl(el)) out.push(boundaryRecord(el, state));
      if (state === "focus-visible") {
        const focus = focusRecord(el, restLook);
        if (focus) out.push(focus);
      }
      return out;
    },
    // The elements of a demo a reader can reach, by their index among root's FOCUSABLE, and
    // how each looks now (neither hovered nor focused).
    usable(root, selector) {
      return [...root.querySelectorAll(selector)].map((el, index) => ({ index, el }))
        .filter(({ el }) => visible(el) && !el.disabled)
        .map(({ el, index }) => ({ index, look: look(el), interactive: el.matches("button, input, select, textarea, summary"),
                                   element: describe(el) }));
    },
    // Scroll the element to the middle of the window; where the mouse should go to hover it.
    pointAt(el) {
      el.scrollIntoView({ block: "center", inline: "nearest", behavior: "instant" });
      const box = el.getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    },
    // The element that has the keyboard focus, if it is in root, measured.
    focused(root, selector, looks) {
      const el = document.activeElement;
      if (!el || el === root || !root.contains(el)) return { index: null, records: [] };
      const index = [...root.querySelectorAll(selector)].indexOf(el);
      return { index, records: this.control(el, "focus-visible", looks[index] ?? null) };
    },
    look,
    visible,
    disabled: (el) => !!el.disabled,
    // One element hovered (index `current` among root's `selector`), measured; then the next
    // one scrolled to the middle of the window, and where the mouse should go to hover it.
    hoverStep(root, selector, current, next) {
      const all = root.querySelectorAll(selector);
      return { records: current === null ? [] : this.control(all[current], "hover"),
               point: next === null ? null : this.pointAt(all[next]) };
    },
    // The controls the browser draws, cut out of a PNG of the whole demo (root's box).
    async drawn(root, png, selector) {
      const bytes = Uint8Array.from(atob(png), (ch) => ch.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(bitmap, 0, 0);
      const origin = root.getBoundingClientRect();
      const out = [];
      for (const el of root.querySelectorAll(selector)) {
        if (!visible(el) || el.disabled) continue;
        const box = el.getBoundingClientRect();
        const [x, y] = [Math.round(box.left - origin.left), Math.round(box.top - origin.top)];
        const [w, h] = [Math.min(Math.round(box.width), bitmap.width - x), Math.min(Math.round(box.height), bitmap.height - y)];
        if (w < 1 || h < 1) continue;
        out.push(...this.pixels(el, ctx.getImageData(x, y, w, h)));
      }
      return out;
    },
    // A control the browser draws, from the pixels of its box: the best colour covering >= 1% of
    // it (a slider's thumb) and the weakest column (a slider's empty track) against what is around.
    pixels(el, { data, width, height }) {
      const around = backdrop(el, false).color;
      const counts = new Map();
      const column = new Array(width).fill(1);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = 4 * (y * width + x);
          const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
          counts.set(key, (counts.get(key) || 0) + 1);
          column[x] = Math.max(column[x], ratio({ r: data[i], g: data[i + 1], b: data[i + 2] }, around));
        }
      }
      let best = { ratio: 1, color: around };
      for (const [key, n] of counts) {
        if (n < 0.01 * width * height) continue;
        const color = { r: key >> 16, g: (key >> 8) & 255, b: key & 255 };
        const r = ratio(color, around);
        if (r > best.ratio) best = { ratio: r, color };
      }
      const edge = Math.min(4, Math.floor(width / 4));  // rounded ends
      let weakest = { ratio: Infinity, x: 0 };
      for (let x = edge; x < width - edge; x++) if (column[x] < weakest.ratio) weakest = { ratio: column[x], x };
      const cs = style(el);
      const authored = cs.appearance === "none" || cs.accentColor !== "auto";
      const element = describe(el);
      return [
        { state: "rest", check: "drawn control (its strongest part)", element, fg: hex(best.color),
          bg: hex(around), ratio: best.ratio, need: 3, problem: null },
        { state: "rest", check: `drawn control (its weakest column, x=${weakest.x}${authored ? "" : "; browser's look: not required"})`,
          element, fg: "", bg: hex(around), ratio: weakest.ratio, need: authored ? 3 : null, problem: null },
      ];
    },
  };
}"""

# Resolves when el (or the focused element) has no transition running, or after 1 s.
SETTLED = """(el) => new Promise((resolve) => requestAnimationFrame(resolve)).then(() => Promise.race([
  Promise.all((el ?? document.activeElement ?? document.body).getAnimations({ subtree: true })
    .map((a) => a.finished.catch(() => null))),
  new Promise((resolve) => setTimeout(resolve, 1000)),
]))"""

CHARTS_FIT = """() => [...document.querySelectorAll("[data-demo] [data-chart]")].every((figure) => {
  const box = figure.getBoundingClientRect();
  return [...figure.querySelectorAll("svg, canvas")].filter((g) => !g.parentElement.closest("svg"))
    .every((g) => { const b = g.getBoundingClientRect(); return b.width <= box.width + 2 && b.height <= box.height + 2; });
})"""

CHARTS_SIZES = """() => [...document.querySelectorAll("[data-demo] [data-chart]")].map((figure) => {
  const size = (el) => { const b = el.getBoundingClientRect(); return `${Math.round(b.width)}x${Math.round(b.height)}`; };
  const drawn = [...figure.querySelectorAll("svg, canvas")].filter((g) => !g.parentElement.closest("svg"));
  return `${figure.dataset.chart} ${size(figure)} (${figure.dataset.state}), drawn ${drawn.map(size).join(", ")}`;
}).join("; ")"""

FORGET_PALETTE = """for (const key of Object.keys(localStorage)) {
  if (key.endsWith("__palette")) localStorage.removeItem(key);
}"""
SAMPLE = "Sample message: 12.5 is above the largest value, 10"


def demo_pages(site_dir, server) -> list[str]:
    """The pages whose built HTML has a demo, from the sitemap the build wrote for this server."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return [server.url + path for path in KNOWN_DEMO_PAGES]
    locs = [el.text.strip() for el in ET.parse(sitemap).iter() if el.tag.endswith("loc")]
    assert locs and all(loc.startswith(server.url) for loc in locs), locs
    pages = []
    for loc in locs:
        path = urlparse(loc).path[len(urlparse(server.url).path):]
        html = site_dir / (path if path.endswith(".html") else path + "index.html")
        if html.exists() and DEMO_TAG.search(html.read_text(encoding="utf-8")):
            pages.append(loc)
    return pages


def open_page(page, url, md_scheme, load):
    """Open `url` in the emulated colour scheme, with every demo ready and its details open:
    loaded afresh (`load`), else as a reader goes on to it, by a link of the page (Material's
    instant navigation keeps the booted Python worker; a page no link reaches is loaded)."""
    followed = not load and page.evaluate("""(url) => {
        const link = [...document.querySelectorAll("a[href]")].find((a) => a.href === url);
        window.__contrastLeft = [...document.querySelectorAll("[data-demo]")];
        if (link) link.click();
        return !!link;
    }""", url)
    if followed:  # the new page's content is in: the URL changed and the old demos are gone
        page.wait_for_function("""(url) => document.location.href === url
            && window.__contrastLeft.every((el) => !el.isConnected)
            && !!document.querySelector("[data-demo]")""", arg=url)
    else:
        page.goto(url)
    assert page.evaluate("document.body.dataset.mdColorScheme") == md_scheme
    demos = page.locator("[data-demo]")
    assert demos.count() > 0, f"{url}: its HTML has a demo, the page shows none"
    for index in range(demos.count()):
        demos.nth(index).scroll_into_view_if_needed()
        expect(demos.nth(index)).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    # A chart in a demo is the build's picture until it goes live (pointed at, or fed by a run):
    # point at it and let its first drawing finish before any resize (charts.js loses a resize
    # that crosses the chart's layout width during a first drawing: the chart keeps the other
    # width's layout, stretched over the text below it).
    charts = page.locator("[data-demo] [data-chart]")
    for index in range(charts.count()):
        charts.nth(index).hover()
        expect(charts.nth(index)).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.mouse.move(0, 0)
    page.evaluate(LIBRARY)
    page.evaluate("""() => document.querySelectorAll("[data-demo] details:not([open])")
                             .forEach((d) => { d.open = true; })""")


def settle(page) -> list[dict]:
    """After a resize: every demo and chart ready again, no transition running (else a problem)."""
    for selector in ("[data-demo]", "[data-demo] [data-chart]"):
        for index in range(page.locator(selector).count()):
            expect(page.locator(selector).nth(index)).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    # a chart drawn again in the layout of the new width keeps data-state="ready" meanwhile:
    # wait until every chart's drawing fits in its figure again
    try:
        page.wait_for_function(CHARTS_FIT, timeout=CHART_FIT_TIMEOUT)
    except PlaywrightTimeout:
        return [{"state": "rest", "check": "layout", "element": "chart", "ratio": None, "need": None,
                 "problem": f"a chart's drawing still overflows its figure {CHART_FIT_TIMEOUT} ms after the "
                            f"resize: {page.evaluate(CHARTS_SIZES)}"}]
    page.locator("body").evaluate(SETTLED)
    return []


def shot(page, locator, path):
    """A picture of `locator` as the page lays it out: a full-page capture scrolled to the top,
    so that the sticky header stays at the top of the page instead of covering the element."""
    page.evaluate("window.scrollTo(0, 0)")
    box = locator.bounding_box()
    return page.screenshot(path=path, full_page=True, clip=box)


def states(page, root, hover_all) -> list[dict]:
    """Every button of the demo under the mouse (and every input, select and summary too when
    `hover_all`), then the keyboard walked through the demo with Tab, everything it reaches
    measured with :focus-visible (and a control that Tab never reaches reported)."""
    out = []
    usable = root.evaluate("(root, s) => window.__contrast.usable(root, s)", FOCUSABLE)
    controls = root.locator(FOCUSABLE)
    hovered = [item["index"] for item in usable
               if item["interactive"] and (hover_all or item["element"].startswith("button"))]
    step = f"""(root, [s, current, next]) => ({SETTLED})(current === null ? null : root.querySelectorAll(s)[current])
        .then(() => window.__contrast.hoverStep(root, s, current, next))"""
    for current, following in zip([None] + hovered, hovered + [None]):
        done = root.evaluate(step, [FOCUSABLE, current, following])
        out += done["records"]
        if done["point"]:
            page.mouse.move(done["point"]["x"], done["point"]["y"])
    page.mouse.move(0, 0)
    if not usable:
        return out
    looks = {item["index"]: item["look"] for item in usable}
    controls.nth(usable[0]["index"]).focus()
    page.keyboard.press("Shift+Tab")
    reached = set()
    for _ in range(2 * len(usable) + 10):
        if page.evaluate("() => !!document.activeElement?.closest('.cm-editor')"):
            page.keyboard.press("Escape")  # the code editor's Tab indents; Escape, then Tab, leaves it
        page.keyboard.press("Tab")
        found = root.evaluate(
            f"(root, [s, looks]) => ({SETTLED})(null).then(() => window.__contrast.focused(root, s, looks))",
            [FOCUSABLE, {str(k): v for k, v in looks.items()}])
        if found["index"] is None or found["index"] in reached:
            break  # Tab has left the demo (or gone round in it)
        if found["index"] >= 0:  # (-1: something focusable that FOCUSABLE does not name)
            reached.add(found["index"])
        out += found["records"]
    page.evaluate("document.activeElement?.blur()")
    out += [{"state": "focus-visible", "check": "keyboard", "element": item["element"], "ratio": None, "need": 3,
             "problem": "Tab never reaches it"} for item in usable if item["interactive"] and item["index"] not in reached]
    return out


def failed(record) -> bool:
    return bool(record["problem"]) or (record["need"] is not None and record["ratio"] < record["need"] - 1e-9)


def describe(failures: list[dict]) -> str:
    grouped = defaultdict(list)
    for r in failures:
        key = (r["page"], r["theme"], r["demo"], r["state"], r["element"], r["check"], r.get("fg"), r.get("bg"),
               None if r["ratio"] is None else round(r["ratio"], 2), r["need"], r["problem"])
        grouped[key].append(str(r["width"]))
    lines = []
    for (page, theme, demo, state, element, check, fg, bg, ratio, need, problem), widths in sorted(
            grouped.items(), key=lambda item: tuple(str(part) for part in item[0])):
        where = f"{page} ({theme}, {'/'.join(widths)} px) demo {demo}, {state}: {element}: {check}"
        lines.append(f"{where}: {problem}" if problem else f"{where}: {fg} on {bg} = {ratio}:1, needs {need}:1")
    return "\n".join(lines)


def summary(records: list[dict]) -> str:
    """The lowest measured ratio of each check in each theme (the weakest of all states)."""
    lines = []
    for theme in SCHEMES:
        lowest = {}
        for r in records:
            if r["theme"] != theme or r["ratio"] is None:
                continue
            check = r["check"].split(" (")[0] if r["check"].startswith("boundary") else r["check"].split(" (x=")[0]
            if check.startswith("drawn control (its weakest"):
                check = "drawn control (its weakest column)"
            if check not in lowest or r["ratio"] < lowest[check]["ratio"]:
                lowest[check] = r
        for check, r in sorted(lowest.items()):
            lines.append(f"{theme}: lowest {check}: {r['ratio']:.2f}:1 ({r['page']}, {r['width']} px, {r['state']}: "
                         f"{r['element']}, {r.get('fg')} on {r.get('bg')})")
    return "\n".join(lines)


def test_demo_controls_have_enough_contrast(page, server, site_dir, artifacts):
    urls = demo_pages(site_dir, server)
    assert urls, "no page of the site has a demo"
    records = []
    demos_seen = set()
    # Each page load follows the emulated colour scheme, as on a first visit: Material would
    # otherwise keep the palette it stored on the previous load.
    page.add_init_script(FORGET_PALETTE)
    for theme, md_scheme in SCHEMES.items():
        page.emulate_media(color_scheme=theme)
        for number, url in enumerate(urls):
            open_page(page, url, md_scheme, load=number == 0)
            slug = urlparse(url).path.strip("/").replace("/", "-") or "home"
            roots = page.locator("[data-demo]")
            for width, height in VIEWPORTS:
                page.set_viewport_size({"width": width, "height": height})
                for r in settle(page):
                    r.update(page=slug, theme=theme, width=width, demo="")
                    records.append(r)
                for index in range(roots.count()):
                    root = roots.nth(index)
                    name = root.get_attribute("data-demo")
                    label = slug if roots.count() == 1 else f"{slug}-{index + 1}"
                    png = shot(page, root, str(artifacts / f"contrast-{label}-{theme}-{width}.png"))
                    found = root.evaluate("(root) => window.__contrast.demo(root)")
                    assert found, f"{url}: nothing to measure in demo {name}"
                    found += root.evaluate("(root, sample) => window.__contrast.slots(root, sample)", SAMPLE)
                    found += root.evaluate("(root, [png, s]) => window.__contrast.drawn(root, png, s)",
                                           [base64.b64encode(png).decode(), DRAWN_BY_BROWSER])
                    found += states(page, root, hover_all=width == VIEWPORTS[0][0])
                    for r in found:
                        r.update(page=slug, theme=theme, width=width, demo=name)
                    records += found
                    demos_seen.add((slug, name))
    report = summary(records)
    failures = [r for r in records if failed(r)]
    (artifacts / "contrast-report.txt").write_text(
        report + "\n\n" + (describe(failures) or "no failures") + "\n\nall measurements:\n" + "\n".join(
            f"{r['page']} {r['theme']} {r['width']} {r['state']}: {r['element']}: {r['check']}: "
            + (f"{r.get('fg')} on {r.get('bg')} = {r['ratio']:.2f}" if r["ratio"] is not None else str(r["problem"]))
            for r in records) + "\n", encoding="utf-8")
    print(report)
    assert demos_seen, "no demo measured"
    assert not failures, (f"{len(failures)} contrast failure(s) in {len(demos_seen)} demo(s):\n"
                          + describe(failures) + "\n\n" + report)
