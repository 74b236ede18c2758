"""Every demo on every page, fuzzed as a careless or hostile reader would, in headless Chromium.

Nothing here names a page, a demo or a control: the pages are the built site's own list (its
sitemap.xml, and the links of its navigation), the demos are the elements `[data-demo]` on each
page, and the controls are whatever each demo put inside its root once it is ready. A new chapter
with a new demo is fuzzed without touching this file.

For each demo, once it is ready:

- every typed field gets each of BAD_VALUES (its other fields at their defaults), and after each
  value every button of the demo is pressed (a run it starts is stopped by pressing again);
- every select is set to every option, then the demo's primary action is pressed;
- every range input is moved to its minimum and its maximum, and every button pressed there;
- every button is pressed once with the defaults.

After each action the demo must settle (no call pending, not running) within CALL_BOUND_MS, a run
must stop within STOP_BOUND_MS of pressing Stop, and what a reader sees must hold up: no console
error or uncaught exception, no raw NaN/undefined/null/Infinity/[object Object] (nor Python's
nan/inf/None) in the demo's text, a message beside a field only with the field marked
aria-invalid, messages as plain short text (no markup from the typed value), and a value that can
never be right (not a finite number, or outside the field's data-min/data-max) explained beside
its field or in the demo's message line by at least one of the buttons. At the end every control
goes back to its default and the primary action must produce a result with no error shown.

All failures are collected with the page, the demo, the control, the value and the action, and
reported together. Screenshots: test-artifacts/fuzz-<demo>.png (after fuzzing) and
fuzz-<demo>-recovered.png (after the final run).
"""

from __future__ import annotations

import math
import re
import time
import xml.etree.ElementTree as ET
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

pytestmark = pytest.mark.browser

READY_TIMEOUT = 120_000  # ms: the first Pyodide boot on a busy 2-core machine
CALL_BOUND_MS = 10_000  # a call (or a chain of them) must answer within this
STOP_BOUND_MS = 2_000  # a run must leave data-state="running" this soon after Stop
RUN_END_MS = 30_000  # the final run may end by itself within this; else it is stopped
MESSAGE_MAX_CHARS = 300  # a message longer than this is not readable beside a 6-character field
XSS = "<img src=x onerror=window.__xss=1>"
LONG = "x" * 2000
BAD_VALUES = ["", "abc", "1e999", "-1e999", "NaN", "inf", "0", "-1", "1e308", "0.0000001",
              "99999999999", XSS, "1,5", "  3  ", LONG]
# After each of these every button is pressed; after the others (the same kinds of value again:
# another non-finite, another huge or tiny number, another malformed one) the primary action runs,
# and the other buttons only if the primary did not explain a value that can never be right.
EVERY_BUTTON = {"", "abc", "NaN", "-1", "1e308", XSS, LONG}
# Raw values a program leaks when it prints a missing or non-finite number (JavaScript's, then
# Python's). Words written for readers ("not a number", "infinity") are fine.
RAW_JS = re.compile(r"\bNaN\b|\bundefined\b|\bnull\b|\[object Object\]|\bInfinity\b")
RAW_PY = re.compile(r"(?<![\w.])(?:nan|-?inf|None)\b")
INTERNAL = "Something went wrong inside Python"

# The state of one demo as a reader sees it, read in one go. Argument: the demo's index among
# document.querySelectorAll("[data-demo]").
SNAPSHOT = """(index) => {
  const root = document.querySelectorAll("[data-demo]")[index];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const slots = [...root.querySelectorAll(".gde-field-error")].map((slot) => {
    const control = slot.closest(".gde-field")?.querySelector("input, select, textarea");
    return { name: control?.name ?? null, text: slot.textContent, html: slot.innerHTML,
             elements: slot.children.length, invalid: control?.getAttribute("aria-invalid") ?? null };
  });
  const line = root.querySelector(".gde-message");
  return {
    state: root.dataset.state,
    // (the "Python" panel's library code is not a demo's output: its None and inf are code)
    text: [...root.children].filter((el) => !el.classList.contains("gde-code")).map((el) => el.innerText).join("\\n"),
    slots,
    message: line ? { text: line.textContent, kind: line.dataset.kind ?? "", elements: line.children.length } : null,
    xss: window.__xss !== undefined,
    // (the chart pictures the build put in a demo are not typed markup)
    injected: root.querySelectorAll("img:not(.gde-chart__placeholder), [onerror], [onload], script, iframe").length,
    pending: window.gde?.worker?.().pending ?? 0,
    buttons: [...root.querySelectorAll("button")].filter(visible)
      .map((b) => ({ text: b.textContent.trim(), pressed: b.getAttribute("aria-pressed"), disabled: b.disabled })),
  };
}"""

# Resolves once the demo is quiet: not running and no call pending, for three polls in a row
# (mode "idle"), or as soon as it runs (mode "any"); {timedOut: true} after `bound` ms.
SETTLE = """([index, mode, bound]) => new Promise((resolve) => {
  const root = document.querySelectorAll("[data-demo]")[index];
  const t0 = performance.now();
  let calm = 0;
  const tick = () => {
    const state = root.dataset.state;
    const pending = window.gde?.worker?.().pending ?? 0;
    const ms = performance.now() - t0;
    if (mode === "any" && state === "running") {
      const buttons = [...root.querySelectorAll("button")]
        .filter((b) => !!(b.offsetWidth || b.offsetHeight || b.getClientRects().length))
        .map((b) => b.textContent.trim());
      return resolve({ state, pending, ms, buttons });
    }
    if (state !== "running" && state !== "loading" && pending === 0) {
      if (++calm >= 3) return resolve({ state, pending, ms });
    } else calm = 0;
    if (ms > bound) return resolve({ state, pending, ms, timedOut: true });
    setTimeout(tick, 25);
  };
  tick();
})"""

# Press button k (among the visible ones) only if the demo is still running: a run that ended by
# itself in the meantime must not be started again by a "Stop" that came too late.
STOP_IF_RUNNING = """([index, k]) => {
  const root = document.querySelectorAll("[data-demo]")[index];
  if (root.dataset.state !== "running") return false;
  [...root.querySelectorAll("button")]
    .filter((b) => !!(b.offsetWidth || b.offsetHeight || b.getClientRects().length))[k].click();
  return true;
}"""

# A reader's change of a control whose value cannot be typed (a range): set it, fire its events.
SET_VALUE = """([index, name, value]) => {
  const control = document.querySelectorAll("[data-demo]")[index].querySelector(`[name="${name}"]`);
  control.value = value;
  control.dispatchEvent(new Event("input", { bubbles: true }));
  control.dispatchEvent(new Event("change", { bubbles: true }));
  return control.value;
}"""

# The demo's controls, found in its DOM: typed fields, selects, ranges (by name) with their
# values now, and data-min/data-max where the field has them.
CONTROLS = """(index) => {
  const root = document.querySelectorAll("[data-demo]")[index];
  const typed = 'input[name]:not([type]), input[name][type="text"], input[name][type="number"], '
    + 'input[name][type="search"], input[name][type="tel"], input[name][type="email"], textarea[name]';
  const usable = (el) => !el.disabled && !el.readOnly;
  return {
    typed: [...root.querySelectorAll(typed)].filter(usable).map((el) => ({
      name: el.name, value: el.value, min: el.dataset.min ?? null, max: el.dataset.max ?? null,
      label: el.closest("label")?.querySelector("span")?.textContent?.trim() ?? el.name })),
    selects: [...root.querySelectorAll("select[name]")].filter(usable).map((el) => ({
      name: el.name, value: el.value, options: [...el.options].map((o) => o.value) })),
    ranges: [...root.querySelectorAll('input[name][type="range"]')].filter(usable).map((el) => ({
      name: el.name, value: el.value, min: el.min, max: el.max })),
  };
}"""


def site_pages(site_dir, server, context) -> list[str]:
    """Every page of the built site: the sitemap the build wrote for this server, and the
    links of the home page's navigation (so a page missing from either is still found)."""
    tree = ET.parse(site_dir / "sitemap.xml")
    pages = [el.text.strip() for el in tree.iter() if el.tag.endswith("loc")]
    assert pages and all(url.startswith(server.url) for url in pages), pages
    tab = context.new_page()
    tab.goto(server.url)
    hrefs = tab.locator("nav.md-nav a[href]").evaluate_all("links => links.map((a) => a.href)")
    tab.close()
    for href in hrefs:
        url = urldefrag(urljoin(server.url, href)).url
        if url.startswith(server.url) and url not in pages and not urlparse(url).path.endswith(
                (".xml", ".json", ".png", ".svg")):
            pages.append(url)
    return pages


def certainly_bad(value: str, field: dict) -> bool:
    """A value no numeric field can accept: empty (unless the field starts empty), not a finite
    number, or outside the field's own data-min/data-max."""
    text = value.strip()
    if text == "":
        return field["value"].strip() != ""
    try:
        number = float(text)
    except ValueError:
        return True
    if not math.isfinite(number) or text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return True
    low = float(field["min"]) if field["min"] not in (None, "") else -math.inf
    high = float(field["max"]) if field["max"] not in (None, "") else math.inf
    return not low <= number <= high


def shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else f"{value[:12]!r}…({len(value)} characters)"


class DemoFuzzer:
    """One demo on an open page: its actions, and the checks after each one."""

    def __init__(self, page, index: int, where: str, record: list[str], failures: list[str]):
        self.page = page
        self.index = index
        self.root = page.locator("[data-demo]").nth(index)
        self.where = where
        self.console = record  # the page's console errors, appended to as they come
        self.failures = failures
        self.actions = 0
        self.baseline_injected = 0
        self.judged: set[tuple[str, str]] = set()

    # ---- reading and waiting ----------------------------------------------------------------
    def snapshot(self) -> dict:
        return self.page.evaluate(SNAPSHOT, self.index)

    def settle(self, mode: str = "idle", bound: int = CALL_BOUND_MS) -> dict:
        return self.page.evaluate(SETTLE, [self.index, mode, bound])

    def fail(self, action: str, problem: str):
        self.failures.append(f"{self.where}: {action}: {problem}")

    def buttons(self) -> list[dict]:
        return self.snapshot()["buttons"]

    def button(self, k: int):
        return self.root.locator("button:visible").nth(k)

    # ---- the checks after every action -----------------------------------------------------
    def check(self, action: str, errors_before: int, fuzzed: str | None = None) -> dict:
        """What a reader sees after `action`; `fuzzed` is the typed field holding a fuzz value."""
        self.actions += 1
        snap = self.snapshot()
        for error in self.console[errors_before:]:
            self.fail(action, f"console error: {error[:300]}")
        if snap["state"] not in ("ready", "running"):
            self.fail(action, f'data-state is "{snap["state"]}"')
        text = snap["text"]
        for match in sorted(set(RAW_JS.findall(text))):
            self.fail(action, f"raw {match!r} in the demo's text: …{context(text, match)}…")
        # Python's spellings of a non-finite number, outside the messages that quote what the
        # reader typed
        quoted = text
        for slot in snap["slots"]:
            if slot["text"]:
                quoted = quoted.replace(slot["text"], "")
        if snap["message"] and snap["message"]["kind"] == "error":
            quoted = quoted.replace(snap["message"]["text"], "")
        for match in sorted(set(RAW_PY.findall(quoted))):
            self.fail(action, f"raw {match!r} in the demo's text: …{context(quoted, match)}…")
        if INTERNAL in text:
            self.fail(action, f"internal error shown: …{context(text, INTERNAL)}…")
        if snap["xss"]:
            self.fail(action, "window.__xss is set: the typed markup ran")
        if snap["injected"] > self.baseline_injected:
            self.fail(action, "markup from the typed value became elements in the demo "
                              f"({snap['injected'] - self.baseline_injected} img/script/handler)")
        for slot in snap["slots"]:
            if slot["text"] and slot["invalid"] != "true":
                self.fail(action, f'field "{slot["name"]}" shows "{slot["text"][:80]}" but is not '
                                  f'aria-invalid="true" (it is {slot["invalid"]!r})')
            if not slot["text"] and slot["invalid"] == "true":
                self.fail(action, f'field "{slot["name"]}" is aria-invalid="true" with no message')
            if slot["text"]:
                self.readable(action, f'the message beside "{slot["name"]}"', slot["text"], slot["elements"])
        if snap["message"] and snap["message"]["text"]:
            self.readable(action, "the demo's message", snap["message"]["text"], snap["message"]["elements"])
        return snap

    def readable(self, action: str, where: str, text: str, elements: int):
        if (where, text) in self.judged:  # still shown from an earlier action: judged there
            return
        self.judged.add((where, text))
        if elements:
            self.fail(action, f"{where} holds {elements} element(s), not plain text")
        if len(text) > MESSAGE_MAX_CHARS:
            self.fail(action, f"{where} is {len(text)} characters long: {text[:120]!r}…{text[-60:]!r}")
        if not re.search(r"[A-Za-z]{3}", text):
            self.fail(action, f"{where} has no words: {text[:120]!r}")

    # ---- actions ----------------------------------------------------------------------------
    def press(self, k: int, label: str, context_: str, fuzzed: str | None = None) -> dict:
        """Press button k; stop a run it starts; check after each step. Returns the snapshot
        taken once the press has settled (before any Stop)."""
        action = f'{context_}pressed "{label}"'
        before = len(self.console)
        self.button(k).click(timeout=5_000)
        settled = self.settle("any")
        if settled.get("timedOut"):
            self.fail(action, f"no answer within {CALL_BOUND_MS} ms (state {settled['state']}, "
                              f"{settled['pending']} call(s) pending)")
        snap = self.check(action, before, fuzzed)
        if settled["state"] == "running":
            self.stop(k, label, action, settled["buttons"])
        return snap

    def stop(self, k: int, label: str, action: str, while_running: list[str]):
        """The run started by button k: it read Stop while running, and pressing it ends the run
        at once (if it has not ended by itself meanwhile)."""
        before = len(self.console)
        running = while_running[k] if k < len(while_running) else None
        if running is None or "stop" not in running.lower():
            self.fail(action, f'while running, its button reads {running!r}, not "Stop"')
        if self.page.evaluate(STOP_IF_RUNNING, [self.index, k]):
            stopped = self.settle("idle", STOP_BOUND_MS)
            if stopped.get("timedOut"):
                self.fail(action + ', then "Stop"',
                          f"still {stopped['state']} {STOP_BOUND_MS} ms after Stop "
                          f"({stopped['pending']} call(s) pending)")
                self.settle("idle", CALL_BOUND_MS)
        else:
            self.settle("idle")
        self.check(action + ', then "Stop"', before)
        after = self.buttons()
        if k < len(after) and after[k]["text"] != label:
            self.fail(action + ', then "Stop"', f'the button reads {after[k]["text"]!r}, not {label!r} again')

    def press_all(self, context_: str, fuzzed: str | None = None) -> list[dict]:
        return [self.press(k, b["text"], context_, fuzzed)
                for k, b in enumerate(self.buttons()) if not b["disabled"]]

    def fill(self, name: str, value: str):
        field = self.root.locator(f'[name="{name}"]')
        field.fill(value)

    # ---- the fuzz -----------------------------------------------------------------------------
    def run(self, artifacts, slug: str):
        # a reader opens what the demo keeps folded (its <details>) before reaching the fields;
        # not the Python panel, whose editor has tests of its own (test_reader_code.py)
        self.root.evaluate("(root) => root.querySelectorAll('details:not([open]):not(.gde-code)')"
                           ".forEach((d) => { d.open = true; })")
        controls = self.page.evaluate(CONTROLS, self.index)
        self.baseline_injected = self.snapshot()["injected"]
        defaults = {c["name"]: c["value"] for kind in controls.values() for c in kind}
        names = {k: [c["name"] for c in v] for k, v in controls.items()}
        self.found = names

        for field in controls["typed"]:
            for value in BAD_VALUES:
                ctx = f'field "{field["name"]}" = {shown(value)}, '
                before = len(self.console)
                self.fill(field["name"], value)
                self.settle("idle")
                self.check(ctx + "typed", before)
                bad = certainly_bad(value, field)
                k = self.primary()
                primary = self.buttons()[k]
                if value in EVERY_BUTTON or primary["disabled"]:
                    snaps = self.press_all(ctx, field["name"])
                else:
                    snaps = [self.press(k, primary["text"], ctx, field["name"])]
                    if bad and not self.explains(field, snaps):
                        snaps += self.press_all(ctx, field["name"])
                if bad:
                    self.explained(ctx.rstrip(", "), field, snaps)
            if field is controls["typed"][-1]:  # the last bad value, and what it shows
                self.screenshot(artifacts / f"fuzz-{slug}-typed.png")
            self.fill(field["name"], field["value"])
            self.settle("idle")

        for select in controls["selects"]:
            for option in select["options"] + [select["value"]]:
                ctx = f'select "{select["name"]}" = {option!r}'
                before = len(self.console)
                self.root.locator(f'select[name="{select["name"]}"]').select_option(option)
                settled = self.settle("idle")
                if settled.get("timedOut"):
                    self.fail(ctx, f"no answer within {CALL_BOUND_MS} ms")
                self.check(ctx, before)
                snap = self.press(self.primary(), self.buttons()[self.primary()]["text"], ctx + ", ")
                self.no_error_shown(ctx + ", primary action", snap)

        for slider in controls["ranges"]:
            for end in (slider["min"], slider["max"]):
                ctx = f'range "{slider["name"]}" = {end}'
                before = len(self.console)
                self.page.evaluate(SET_VALUE, [self.index, slider["name"], end])
                settled = self.settle("idle")
                if settled.get("timedOut"):
                    self.fail(ctx, f"no answer within {CALL_BOUND_MS} ms")
                self.check(ctx, before)
                self.press_all(ctx + ", ")
            self.page.evaluate(SET_VALUE, [self.index, slider["name"], slider["value"]])
            self.settle("idle")

        self.press_all("defaults, ")
        self.screenshot(artifacts / f"fuzz-{slug}.png")

        # It works again: defaults back, the primary action gives a result, no error shown.
        for field in controls["typed"]:
            self.fill(field["name"], defaults[field["name"]])
        for select in controls["selects"]:
            self.root.locator(f'select[name="{select["name"]}"]').select_option(defaults[select["name"]])
        for slider in controls["ranges"]:
            self.page.evaluate(SET_VALUE, [self.index, slider["name"], defaults[slider["name"]]])
        self.settle("idle")
        self.recovers()
        self.screenshot(artifacts / f"fuzz-{slug}-recovered.png")

    def screenshot(self, path):
        self.root.screenshot(path=str(path), style=".md-header, .md-tabs { visibility: hidden; }")

    def primary(self) -> int:
        """The index of the demo's primary action among its visible buttons, else 0."""
        marks = self.root.locator("button:visible").evaluate_all(
            "bs => bs.map((b) => b.classList.contains('md-button--primary'))")
        return marks.index(True) if True in marks else 0

    @staticmethod
    def explains(field: dict, snaps: list[dict]) -> bool:
        """Whether one of the presses showed a message beside the field or an error message."""
        for snap in snaps:
            beside = [s for s in snap["slots"] if s["name"] == field["name"] and s["text"]]
            if beside and all(s["invalid"] == "true" for s in beside):
                return True
            if snap["message"] and snap["message"]["kind"] == "error" and snap["message"]["text"]:
                return True
        return False

    def explained(self, ctx: str, field: dict, snaps: list[dict]):
        """A value that can never be right got a message from at least one button."""
        if self.explains(field, snaps):
            return
        self.fail(ctx, f"no button explained the bad value (no message beside "
                       f'"{field["name"]}" with aria-invalid="true", none in the demo\'s message line)')

    def no_error_shown(self, action: str, snap: dict):
        for slot in snap["slots"]:
            if slot["text"]:
                self.fail(action, f'an error beside "{slot["name"]}" with valid settings: {slot["text"][:120]!r}')
        if snap["message"] and snap["message"]["kind"] == "error":
            self.fail(action, f"an error message with valid settings: {snap['message']['text'][:120]!r}")

    def recovers(self):
        k = self.primary()
        label = self.buttons()[k]["text"]
        action = f'all defaults restored, pressed "{label}"'
        before_text = self.result_text()
        before = len(self.console)
        self.button(k).click()
        started = self.settle("any")
        ran = started["state"] == "running"
        if ran:
            ended = self.settle("idle", RUN_END_MS)
            if ended.get("timedOut"):  # a long run: it showed progress; stop it
                changed = self.result_text() != before_text
                self.stop(k, label, action, started["buttons"])
                if not changed:
                    self.fail(action, f"ran {RUN_END_MS} ms without changing anything shown")
        snap = self.check(action, before)
        self.no_error_shown(action, snap)
        if not ran and self.result_text() == before_text:
            self.fail(action, "nothing happened: no run, and no readout changed")
        if ran and self.result_text() == before_text:
            self.fail(action, "the run changed nothing shown")

    def result_text(self) -> str:
        """What the demo shows as results: its text (without the link row) and its canvases."""
        return self.root.evaluate(
            """(root) => {
                 const link = [...root.querySelectorAll(".gde-demo__link, .gde-link-message")]
                   .map((el) => el.innerText);
                 let text = root.innerText;
                 for (const part of link) text = text.replace(part, "");
                 const canvases = [...root.querySelectorAll("canvas")].map((c) => c.toDataURL());
                 return [text, ...canvases].join("|");
               }""")


def context(text: str, match: str, width: int = 40) -> str:
    at = text.find(match)
    return text[max(0, at - width):at + len(match) + width].replace("\n", " ⏎ ")


def test_every_demo_survives_fuzzing(browser, server, site_dir, artifacts):
    failures: list[str] = []
    fuzzed: list[str] = []
    timings: dict[str, float] = {}
    context_ = browser.new_context(viewport={"width": 1200, "height": 900})
    pages = site_pages(site_dir, server, context_)
    context_.close()
    assert len(pages) >= 2, pages

    for url in pages:
        path = urlparse(url).path
        started = time.monotonic()
        console: list[str] = []
        requests: list[str] = []
        ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        tab = ctx.new_page()
        tab.on("console", lambda m: m.type == "error" and console.append(m.text))
        tab.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
        ctx.on("request", lambda r: requests.append(r.url))
        try:
            tab.goto(url)
            count = tab.locator("[data-demo]").count()
            for index in range(count):
                root = tab.locator("[data-demo]").nth(index)
                slug = root.get_attribute("data-demo")
                where = f"{path} demo {slug!r} (#{index})"
                root.scroll_into_view_if_needed()
                try:
                    tab.wait_for_function(
                        "(i) => document.querySelectorAll('[data-demo]')[i].dataset.state === 'ready'",
                        arg=index, timeout=READY_TIMEOUT)
                except Exception:
                    failures.append(f"{where}: never ready (data-state "
                                    f"{root.get_attribute('data-state')!r}, console {console[:3]})")
                    continue
                before = len(console)
                demo = DemoFuzzer(tab, index, where, console, failures)
                demo.check("ready", before)
                demo.run(artifacts, slug if count == 1 else f"{slug}-{index}")
                assert demo.actions > 0
                fuzzed.append(f"{path} {slug}: {demo.actions} actions on {demo.found}")
        finally:
            ctx.close()
        foreign = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
                   and urlparse(u).hostname != "127.0.0.1"]
        if foreign:
            failures.append(f"{path}: requests left 127.0.0.1: {foreign[:3]}")
        timings[path] = round(time.monotonic() - started, 1)

    print("\nfuzzed:\n  " + "\n  ".join(fuzzed) + f"\nseconds per page: {timings}")
    assert fuzzed, f"no [data-demo] on any of {pages}"
    assert not failures, report(failures)


def report(failures: list[str], examples: int = 3) -> str:
    """The failures grouped by what went wrong (numbers and quoted values aside), a few
    examples of each, so that one bug seen after many actions reads as one bug."""
    groups: dict[str, list[str]] = {}
    for failure in failures:
        problem = failure.split(": ", 2)[-1]
        kind = re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "#", problem)[:90]
        groups.setdefault(kind, []).append(failure)
    lines = [f"{len(failures)} failure(s) of {len(groups)} kind(s):"]
    for kind, items in groups.items():
        lines.append(f"- {len(items)} x {kind}")
        lines += [f"    {item[:400]}" for item in items[:examples]]
    return "\n".join(lines)
