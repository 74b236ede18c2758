"""Page performance of the site, measured side by side in one run (headless Chromium, Lighthouse).

    .venv/bin/python benchmarks/bench_page.py [--rounds 5] [--skip-lighthouse] [--stops 20]

The script builds the site itself (into a temporary folder, with site_url set to the
address it serves it at, so Material's instant navigation takes over the site's links) and prints
one table of ratios and latencies, each beside its goal:

1. cold demo ready / bare boot (goal <= 1.0): navigation -> the "The loss landscape" demo's
   data-state="ready", against navigation -> Pyodide + numpy ready in a bare worker page served
   from the same site; the two alternate (the order swaps every round), each in a fresh browser
   context (empty cache), median of the rounds. The reader is simulated as scrolling the demo
   into view at once: from the moment a demo is in the DOM until it is ready, the probe keeps it
   in the viewport (a 1280x800 window), so the page's own IntersectionObserver starts Python.
2. next chapter / cold (goal <= 0.1): in the same context, once the service worker (if any) has
   finished installing, as it would while the reader reads, click the navigation's link to
   "Real landscapes" (instant navigation: same document, the worker survives), its demo is
   scrolled into view, time click -> its demo ready. Checks that pyodide.asm.wasm was fetched once
   by the page and its worker and that window.gde.worker().starts == 1.
3. repeat visit / first visit (goal <= 0.5): the same context's first visit (1. above) against a
   new page in that context after the first one is closed (service worker and HTTP cache kept;
   the test server sends `Cache-Control: no-store`, so only the service worker can help).
4. Lighthouse (pinned, installed into .cache/node/ on first use), default mobile settings, of every
   page in the build's sitemap.xml, against the site served gzipped like GitHub Pages
   (Server(compress=True)): scores, TBT, CLS, LCP, what costs blocking time, failing audits.
   JSON reports in test-artifacts/lighthouse/.
5. Stop latency (goal p95 <= 0.5 s): the landscape demo's run button (Train, now Play: the button
   with aria-pressed), Stop after a random delay, the demo reset before each run; and
   "Run the race" then Stop on "Real landscapes" (its steps field set to 5000, the maximum, so a
   race outlasts the delay). From the Stop click's event time to data-state leaving "running"
   with the button showing its start label again. Real mouse clicks (Playwright), seeded delays.
6. Slider move (goal p95 <= 16 ms): from the `input` event to the redrawn curve, loss and marker,
   over 200 moves; also the 100x100 landscape in Pyodide (`toy.loss_grid` under Node, and the
   demo's `setup` call in the page).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests._pyodide import run_for_benchmark  # noqa: E402
from tests.site_server import CHROMIUM_ARGS, Server, build_site, chromium_path, launch  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"  # the newest that runs on Node 20 (13.x wants Node >= 22.19)
NODE_PREFIX = ROOT / ".cache" / "node"
LIGHTHOUSE_OUT = ROOT / "test-artifacts" / "lighthouse"
VIEWPORT = {"width": 1280, "height": 800}  # wide enough for Material's left navigation
NEXT_LINK = 'nav.md-nav--primary a.md-nav__link[href$="real-landscapes/"]'
TIMEOUT = 180_000

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare</title>
<script>
const w = new Worker("bare-worker.js");
w.onmessage = () => { window.bareReady = performance.now(); };
</script>"""
BARE_WORKER = """importScripts("../assets/vendor/pyodide/pyodide.js");
(async () => {
  const pyodide = await loadPyodide({ indexURL: "../assets/vendor/pyodide/" });
  await pyodide.loadPackage("numpy", { messageCallback: () => {} });
  pyodide.runPython("import numpy");
  postMessage("ready");
})();"""

# In every page of a context, from its first byte: the time each demo first became ready, the
# reader's scrolling (each demo kept in view from the moment it is in the DOM until it is ready)
# and the time of the last click on a link (the event's own time stamp).
PROBE = """
window.gdeBench = { ready: {}, clickAt: null };
let watching = false;
function keepInView() {  // the page's first demo still loading: the one the reader went to
  const demo = [...document.querySelectorAll("[data-demo]")].find((d) => d.dataset.state === "loading");
  watching = !!demo;
  if (!demo) return;
  const box = demo.getBoundingClientRect();
  if (box.bottom < 0 || box.top > innerHeight) demo.scrollIntoView({ block: "start" });
  requestAnimationFrame(keepInView);
}
new MutationObserver(() => {
  for (const demo of document.querySelectorAll("[data-demo]")) {
    const name = demo.dataset.demo;
    if (demo.dataset.state === "ready" && !(name in window.gdeBench.ready)) {
      window.gdeBench.ready[name] = performance.now();
    }
  }
  if (!watching) keepInView();
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
addEventListener("click", (event) => {
  if (event.target.closest("a")) window.gdeBench.clickAt = event.timeStamp;
}, { capture: true });
"""

SW_SETTLED = """async () => {
  if (!("serviceWorker" in navigator)) return { registered: false, why: "no navigator.serviceWorker" };
  let reg = null;
  for (let k = 0; k < 50 && !reg; k++) {  // the site registers it after the load event
    reg = await navigator.serviceWorker.getRegistration();
    if (!reg) await new Promise((r) => setTimeout(r, 100));
  }
  if (!reg) return { registered: false, why: "no registration 5 s after ready" };
  const t0 = performance.now();
  const worker = reg.installing || reg.waiting || reg.active;
  while (!["activated", "redundant"].includes(worker.state) && performance.now() - t0 < 120000) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return { registered: true, state: worker.state, script: worker.scriptURL, waited: performance.now() - t0 };
}"""

SLIDER_MOVES = """async (n) => {
  const root = document.querySelector('[data-demo="landscape"]');
  const input = root.querySelector('input[name="a"]');
  const times = [];
  for (let k = 0; k < n; k++) {
    const done = new Promise((resolve) => root.addEventListener("gde:updated", resolve, { once: true }));
    const t0 = performance.now();
    input.value = String(-4 + (8 * k) / n);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await done;  // the worker answered and the canvases, loss and marker are redrawn
    const drawn = performance.now() - t0;
    await new Promise(requestAnimationFrame);  // the next frame, which paints the redraw
    times.push([drawn, performance.now() - t0]);
  }
  return times;
}"""

SETUP_CALL = """async () => {
  const times = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const answer = await window.gde.call("landscape", "setup", { grid: 100 });
    if (!answer.ok) throw new Error(answer.error.message);
    times.push(performance.now() - t0);
  }
  return times;
}"""

# Before each run of the landscape demo: back to the page's start, as a reader would, so every
# run starts alike and lasts (2000 steps): the sliders to (-1, 1.5), then its Reset button where
# it has one (its counters and trails cleared), else its Clear button.
RESET_POINT = """async () => {
  const root = document.querySelector('[data-demo="landscape"]');
  const updated = () => Promise.race([
    new Promise((resolve) => root.addEventListener("gde:updated", resolve, { once: true })),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
  const a = root.querySelector('input[name="a"]'), b = root.querySelector('input[name="b"]');
  let done = updated();
  a.value = "-1"; b.value = "1.5";
  a.dispatchEvent(new Event("input", { bubbles: true }));
  await done;
  const reset = root.querySelector('[data-action="reset"]');
  if (reset) {
    done = updated();
    reset.click();
    await done;
  }
  root.querySelector('[data-action="clear"]')?.click();
}"""

# Armed before the Stop click: the click's event time, the state at that moment (a run that had
# already ended makes the click a start, not a stop), and when data-state leaves "running".
ARM_STOP = """([name, selector]) => {
  const root = document.querySelector(`[data-demo="${name}"]`);
  const button = root.querySelector(selector);
  const s = window.gdeStop = { clickAt: null, stateAtClick: null, leftAt: null, label: null };
  button.addEventListener("click", (event) => {
    s.clickAt = event.timeStamp;
    s.stateAtClick = root.dataset.state;
  }, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    if (s.clickAt !== null && root.dataset.state !== "running") {
      s.leftAt = performance.now();
      s.state = root.dataset.state;
      s.label = button.textContent.trim();
      observer.disconnect();
    }
  });
  observer.observe(root, { attributes: true, attributeFilter: ["data-state"] });
}"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def demo_state(page, name):
    return page.eval_on_selector(f'[data-demo="{name}"]', "el => el.dataset.state")


# ---- 1-3: cold, next chapter, repeat visit -----------------------------------------------------

def bare_run(browser, url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "__bench/bare.html")
    page.wait_for_function("() => window.bareReady", timeout=TIMEOUT)
    ms = page.evaluate("window.bareReady")
    context.close()
    return ms


def visit_run(browser, url):
    """One fresh context: first visit (cold), link click to the next chapter, repeat visit."""
    out = {}
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(PROBE)
    # every pyodide.asm.wasm response: (visit, who fetched it: "page" (the page or its worker) or
    # "service worker" (its own fetches, e.g. at install), answered by the service worker)
    wasm = []
    visit = {"n": 1}
    context.on("response", lambda r: r.url.endswith("pyodide.asm.wasm") and wasm.append(
        (visit["n"], "page" if r.request.service_worker is None else "service worker", r.from_service_worker)))

    page = context.new_page()
    page.goto(url + "landscape/")
    page.wait_for_function("() => 'landscape' in window.gdeBench.ready", timeout=TIMEOUT)
    out["cold"] = page.evaluate("window.gdeBench.ready.landscape")
    out["timings"] = page.evaluate("window.gde.worker().timings")
    out["fcp"] = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
    page.evaluate("window.benchSameDocument = true")

    out["sw"] = page.evaluate(SW_SETTLED)  # what the reader's reading time would let it do

    page.click(NEXT_LINK)
    page.wait_for_function("() => 'real-landscapes' in window.gdeBench.ready", timeout=TIMEOUT)
    out["next"] = page.evaluate("window.gdeBench.ready['real-landscapes'] - window.gdeBench.clickAt")
    out["instant"] = page.evaluate("window.benchSameDocument === true && location.pathname.endsWith('/real-landscapes/')")
    out["starts"] = page.evaluate("window.gde.worker().starts")
    out["wasm_first"] = sum(1 for n, who, _ in wasm if n == 1 and who == "page")
    out["wasm_sw_install"] = sum(1 for n, who, _ in wasm if n == 1 and who == "service worker")
    page.close()

    visit["n"] = 2
    page = context.new_page()
    page.goto(url + "landscape/")
    page.wait_for_function("() => 'landscape' in window.gdeBench.ready", timeout=TIMEOUT)
    out["repeat"] = page.evaluate("window.gdeBench.ready.landscape")
    out["controlled"] = page.evaluate("!!navigator.serviceWorker?.controller")
    second = [sw for n, who, sw in wasm if n == 2 and who == "page"]
    out["wasm_repeat"] = ("not fetched" if not second else
                          "+".join("service worker" if sw else "network" for sw in second))
    context.close()
    return out


# ---- 5-6: interactions -----------------------------------------------------------------------

# A demo's start/stop button: the one whose aria-pressed says whether it runs (Train, Play,
# "Run the race"; its label reads Stop while it runs).
RUN_BUTTON = "button[aria-pressed]"


def stop_latencies(page, name, count, rng, delay, reset=None):
    """`count` Stop clicks at random moments of a run; returns (latencies in ms, problems)."""
    button = page.locator(f'[data-demo="{name}"] {RUN_BUTTON}').first
    label = button.text_content().strip()
    latencies, problems, attempts = [], [], 0
    while len(latencies) < count and attempts < 3 * count:
        attempts += 1
        if reset:
            page.evaluate(reset)
        button.click()
        page.wait_for_function(f"() => document.querySelector('[data-demo=\"{name}\"]').dataset.state === 'running'",
                               timeout=60_000)
        time.sleep(rng.uniform(*delay))
        page.evaluate(ARM_STOP, [name, RUN_BUTTON])
        button.click()
        page.wait_for_function("() => window.gdeStop.stateAtClick !== null", timeout=60_000)
        s = page.evaluate("window.gdeStop")
        if s["stateAtClick"] != "running":  # the run had ended by itself: this click started one
            page.wait_for_timeout(300)
            if demo_state(page, name) == "running":
                button.click()
            page.wait_for_function(f"() => document.querySelector('[data-demo=\"{name}\"]').dataset.state !== 'running'",
                                   timeout=60_000)
            problems.append("run ended by itself before Stop (not counted; tried again)")
            continue
        page.wait_for_function("() => window.gdeStop.leftAt !== null", timeout=60_000)
        s = page.evaluate("window.gdeStop")
        latencies.append(s["leftAt"] - s["clickAt"])
        if s["label"] != label or s["state"] != "ready":
            problems.append(f"after Stop: state {s['state']!r}, button {s['label']!r} (wanted 'ready', {label!r})")
    return latencies, problems


def interaction_run(browser, url, moves, stops):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(url + "landscape/")
    page.wait_for_function("() => 'landscape' in window.gdeBench.ready", timeout=TIMEOUT)
    result = {"moves": [], "frames": [], "setup": [], "train": [], "race": [], "train_problems": [],
              "race_problems": [], "errors": []}
    try:
        pairs = page.evaluate(SLIDER_MOVES, moves)
        result["moves"], result["frames"] = [p[0] for p in pairs], [p[1] for p in pairs]
        result["setup"] = page.evaluate(SETUP_CALL)
    except Exception as error:  # noqa: BLE001 - the demos change under us: report, go on
        result["errors"].append(f"slider / setup on landscape: {str(error).splitlines()[0]}")
    rng = random.Random(20240601)
    try:
        result["train"], result["train_problems"] = stop_latencies(
            page, "landscape", stops, rng, (0.1, 1.5), RESET_POINT)
    except Exception as error:  # noqa: BLE001
        result["errors"].append(f"Stop on landscape: {str(error).splitlines()[0]}")
    try:
        page.click(NEXT_LINK)
        page.wait_for_function("() => 'real-landscapes' in window.gdeBench.ready", timeout=TIMEOUT)
        steps = page.locator('[data-demo="real-landscapes"] input[name="steps"]')
        if steps.count():
            steps.fill("5000")
        result["race"], result["race_problems"] = stop_latencies(page, "real-landscapes", stops, rng, (0.1, 1.5))
    except Exception as error:  # noqa: BLE001
        result["errors"].append(f"Stop on real-landscapes: {str(error).splitlines()[0]}")
    context.close()
    return result


# ---- 4: Lighthouse ----------------------------------------------------------------------------

def lighthouse_cli() -> Path:
    cli = NODE_PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = NODE_PREFIX / "node_modules" / "lighthouse" / "package.json"
    if not package.exists() or json.loads(package.read_text())["version"] != LIGHTHOUSE_VERSION:
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {NODE_PREFIX} ...", flush=True)
        subprocess.run(["npm", "install", "--prefix", str(NODE_PREFIX), f"lighthouse@{LIGHTHOUSE_VERSION}",
                        "--no-audit", "--no-fund"], check=True, stdout=subprocess.DEVNULL)
    return cli


def sitemap_pages(site: Path) -> list[str]:
    tree = ET.parse(site / "sitemap.xml")
    return [loc.text.strip() for loc in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def run_lighthouse(cli: Path, url: str, out: Path) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    env = {**os.environ, "CHROME_PATH": chromium_path() or "/usr/bin/chromium"}
    done = subprocess.run(
        ["node", str(cli), url, "--output=json", f"--output-path={out}", "--quiet",
         "--only-categories=performance,accessibility,best-practices", f"--chrome-flags={flags}"],
        capture_output=True, text=True, env=env, timeout=600)
    if done.returncode or not out.exists():
        raise RuntimeError(f"lighthouse exit {done.returncode}: {done.stderr[-1500:]}")
    return json.loads(out.read_text())


def short(url: str, base: str) -> str:
    return url.replace(base, "/") if url.startswith(base) else url


def lighthouse_summary(report: dict, base: str) -> dict:
    audits, cats = report["audits"], report["categories"]
    score = lambda c: cats[c]["score"]  # noqa: E731
    summary = {
        "perf": score("performance"), "a11y": score("accessibility"), "bp": score("best-practices"),
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "error": report.get("runtimeError", {}).get("message"),
    }
    items = lambda a: (audits.get(a, {}).get("details") or {}).get("items", [])  # noqa: E731
    summary["bootup"] = [(short(i["url"], base), i.get("total", 0), i.get("scripting", 0))
                         for i in sorted(items("bootup-time"), key=lambda i: -i.get("total", 0))[:4]]
    summary["mainthread"] = [(i.get("groupLabel", i.get("group")), i["duration"])
                             for i in sorted(items("mainthread-work-breakdown"), key=lambda i: -i["duration"])[:4]]
    summary["long"] = [(short(i["url"], base), i["duration"], i.get("startTime", 0))
                       for i in sorted(items("long-tasks"), key=lambda i: -i["duration"])[:4]]
    failing = {}
    for cat in ("accessibility", "best-practices", "performance"):
        for ref in cats[cat]["auditRefs"]:
            audit = audits[ref["id"]]
            if audit.get("scoreDisplayMode") not in ("binary", "numeric", "metricSavings"):
                continue
            if audit.get("score") is None or audit["score"] >= (0.9 if cat == "performance" else 1):
                continue
            if cat == "performance" and ref.get("group") == "metrics":
                continue  # the metrics are printed above
            where = []
            for item in items(ref["id"])[:3]:
                node = item.get("node") or {}
                source = item.get("source") if isinstance(item.get("source"), dict) else {}
                text = (node.get("selector") or item.get("url") or item.get("scriptUrl") or source.get("url")
                        or item.get("reason") or item.get("description") or "")
                where.append(short(str(text), base)[:100])
            failing.setdefault(cat, []).append((ref["id"], audit["title"], audit.get("displayValue", ""),
                                                len(items(ref["id"])), [w for w in where if w]))
    summary["failing"] = failing
    return summary


def lighthouse_part(tmp: Path) -> list[tuple[str, dict | str]]:
    cli = lighthouse_cli()
    site = tmp / "site-gzip"
    server = Server(site, compress=True)
    done = build_site(site, site_url=server.url)
    if done.returncode:
        sys.exit(done.stderr)
    LIGHTHOUSE_OUT.mkdir(parents=True, exist_ok=True)
    results = []
    with server:
        for url in sitemap_pages(site):
            slug = urlparse(url).path.strip("/").replace("/", "-") or "home"
            print(f"  lighthouse {short(url, server.url)} ...", flush=True)
            try:
                report = run_lighthouse(cli, url, LIGHTHOUSE_OUT / f"{slug}.json")
                results.append((short(url, server.url), lighthouse_summary(report, server.url)))
            except Exception as error:  # noqa: BLE001 - one page's failure is reported, not fatal
                results.append((short(url, server.url), f"failed: {error}"))
    return results


# ---- the report ---------------------------------------------------------------------------------

def verdict(value, goal):
    return "ok" if value <= goal else "OVER"


def print_report(args, bare, visits, inter, grid_ms, lighthouse, seconds):
    med = statistics.median
    cold = [v["cold"] for v in visits]
    nxt = [v["next"] for v in visits]
    rep = [v["repeat"] for v in visits]
    b, c, n, r = med(bare), med(cold), med(nxt), med(rep)
    runs = lambda xs: ", ".join(f"{x:.0f}" for x in xs)  # noqa: E731
    sw = visits[0]["sw"]
    rows = [
        ("1 cold demo ready / bare Pyodide+numpy", c / b, 1.0, f"{c:.0f} / {b:.0f} ms"),
        ("2 next chapter ready after click / cold", n / c, 0.1, f"{n:.0f} / {c:.0f} ms"),
        ("3 repeat visit / first visit", r / c, 0.5, f"{r:.0f} / {c:.0f} ms"),
    ]
    for name, key in (("landscape run", "train"), ("race", "race")):
        xs = inter[key]
        if xs:
            rows.append((f"5 Stop -> idle p95, {name} (s)", percentile(xs, 95) / 1e3, 0.5,
                         f"p50 {percentile(xs, 50):.0f}, max {max(xs):.0f} ms, n={len(xs)}"))
    moves = inter["moves"]
    if moves:
        rows.append(("6 slider move -> redrawn p95 (ms)", percentile(moves, 95), 16,
                     f"p50 {percentile(moves, 50):.1f}, max {max(moves):.1f} ms, n={len(moves)}"))

    print()
    print(f"=== bench_page: {args.rounds} round(s), {seconds:.0f} s in all ===")
    print(f"{'measure':46} {'value':>8} {'goal':>7}  {'':4}  detail")
    for label, value, goal, detail in rows:
        print(f"{label:46} {value:8.3f} {'<= ' + format(goal, 'g'):>7}  {verdict(value, goal):4}  {detail}")

    print("\nruns (ms): bare " + runs(bare) + " | cold demo " + runs(cold) + " | next chapter "
          + runs(nxt) + " | repeat " + runs(rep))
    fcp = [v["fcp"] for v in visits if v["fcp"] is not None]
    if fcp:
        print(f"first contentful paint (cold): {med(fcp):.0f} ms = {med(fcp) / c:.3f} of the demo's ready time")
    timed = [v["timings"] for v in visits if v.get("timings")]
    if timed:
        part = lambda k: med([t.get(k) or 0 for t in timed])  # noqa: E731
        phases = ", ".join(f"{k} {part(k):.0f}" for k in timed[0] if k not in ("startedAt", "readyAt")
                           and isinstance(timed[0][k], (int, float)))
        print(f"cold visit, window.gde.worker().timings (medians): worker started {part('startedAt'):.0f} ms after "
              f"navigation, Python ready at {part('readyAt'):.0f} ms (in the worker: {phases} ms); "
              f"demo ready at {c:.0f} ms")
    checks = [
        ("instant navigation kept the document", all(v["instant"] for v in visits)),
        ("pyodide.asm.wasm fetched once (page + its worker)", all(v["wasm_first"] == 1 for v in visits)),
        ("window.gde.worker().starts == 1 after the click", all(v["starts"] == 1 for v in visits)),
    ]
    for text, good in checks:
        print(f"check: {text}: " + ("yes" if good else
              f"NO (per round: wasm fetches {[v['wasm_first'] for v in visits]}, "
              f"starts {[v['starts'] for v in visits]}, instant {[v['instant'] for v in visits]})"))
    if sw.get("registered"):
        print(f"service worker: registered ({urlparse(sw['script']).path}), {sw['state']} "
              f"{sw['waited'] / 1e3:.1f} s after the demo was ready (the click waited for it); "
              f"its own fetches of pyodide.asm.wasm on the first visit: {[v['wasm_sw_install'] for v in visits]}; "
              f"repeat visit controlled by it: {[v['controlled'] for v in visits]}, "
              f"its wasm from: {[v['wasm_repeat'] for v in visits]}")
    else:
        print(f"service worker: NOT registered ({sw.get('why')}); the repeat visit had only the HTTP cache")
    print("note: the test server sends Cache-Control: no-store, so the repeat visit gets nothing from the "
          "HTTP cache (GitHub Pages sends max-age=600)")
    for error in inter["errors"]:
        print(f"FAILED: {error}")
    for key, name in (("train_problems", "landscape run"), ("race_problems", "race")):
        for problem in sorted(set(inter[key])):
            print(f"stop ({name}): {inter[key].count(problem)}x {problem}")
    print(f"stop latency raw (ms): landscape {runs(inter['train'])}")
    print(f"                       race      {runs(inter['race'])}")
    frames = inter["frames"]
    if frames:
        print(f"slider move -> next frame: p50 {percentile(frames, 50):.1f} ms, p95 {percentile(frames, 95):.1f} ms")
    grid = f"toy.loss_grid {grid_ms:.1f} ms (median of 20, Node); " if grid_ms is not None else ""
    setup = f"demo setup call {med(inter['setup']):.1f} ms (median of 5, in the page)" if inter["setup"] else ""
    print(f"100x100 landscape in Pyodide: {grid}{setup}")

    if lighthouse is None:
        print("\nLighthouse: skipped (--skip-lighthouse)")
        return
    print(f"\n=== Lighthouse {LIGHTHOUSE_VERSION}, default mobile settings, site served gzipped; "
          f"reports in {LIGHTHOUSE_OUT.relative_to(ROOT)}/ ===")
    print(f"{'page':20} {'perf':>5} {'a11y':>5} {'b-p':>5} {'TBT ms':>7} {'CLS':>6} {'LCP s':>6} {'FCP s':>6}")
    for page, s in lighthouse:
        if isinstance(s, str):
            print(f"{page:20} {s}")
            continue
        pct = lambda x: "-" if x is None else f"{x * 100:.0f}"  # noqa: E731
        print(f"{page:20} {pct(s['perf']):>5} {pct(s['a11y']):>5} {pct(s['bp']):>5} {s['tbt']:7.0f} "
              f"{s['cls']:6.3f} {s['lcp'] / 1e3:6.2f} {s['fcp'] / 1e3:6.2f}")
    for page, s in lighthouse:
        if isinstance(s, str):
            continue
        print(f"\n{page}" + (f"  (runtime error: {s['error']})" if s["error"] else ""))
        print("  bootup-time (ms total / scripting): " + "; ".join(f"{u} {t:.0f}/{sc:.0f}" for u, t, sc in s["bootup"]))
        print("  main thread (ms): " + "; ".join(f"{g} {d:.0f}" for g, d in s["mainthread"]))
        print("  long tasks (ms, at ms): " + ("; ".join(f"{u} {d:.0f} @{st:.0f}" for u, d, st in s["long"]) or "none"))
        for cat in ("accessibility", "best-practices"):
            for audit_id, title, display, count, where in s["failing"].get(cat, []):
                extra = f" [{display}]" if display else ""
                print(f"  FAILING {cat}: {audit_id} - {title}{extra}"
                      + (f" ({count} items: {'; '.join(where)})" if count else ""))
            if cat not in s["failing"]:
                print(f"  {cat}: no failing audits")
        weak = s["failing"].get("performance", [])
        if weak:
            print("  performance audits scoring < 0.9: " + ", ".join(
                f"{audit_id}" + (f" [{display}]" if display else "") for audit_id, _, display, _, _ in weak))
        if any(a[0] == "bf-cache" for a in weak):
            print("    (bf-cache: the test server's Cache-Control: no-store blocks it; GitHub Pages does not send no-store)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stops", type=int, default=20, help="Stop clicks per demo")
    parser.add_argument("--moves", type=int, default=200, help="slider moves")
    parser.add_argument("--skip-lighthouse", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-", dir="/tmp") as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        server = Server(site)
        done = build_site(site, site_url=server.url)
        if done.returncode:
            sys.exit(done.stderr)
        (site / "__bench").mkdir()
        (site / "__bench" / "bare.html").write_text(BARE_HTML)
        (site / "__bench" / "bare-worker.js").write_text(BARE_WORKER)

        bare, visits = [], []
        with server, sync_playwright() as playwright:
            browser = launch(playwright)
            for k in range(args.rounds):
                print(f"round {k + 1}/{args.rounds} ...", flush=True)
                if k % 2 == 0:
                    bare.append(bare_run(browser, server.url))
                    visits.append(visit_run(browser, server.url))
                else:
                    visits.append(visit_run(browser, server.url))
                    bare.append(bare_run(browser, server.url))
            print("slider moves and Stop clicks ...", flush=True)
            inter = interaction_run(browser, server.url, args.moves, args.stops)
            browser.close()

        print("landscape grid in Pyodide (Node) ...", flush=True)
        grid_ms = run_for_benchmark(
            "import time\nfrom explainer_core.chapters import landscape as toy\ntoy.loss_grid('tanh', 'mse', 100)\n"
            "ts = []\nfor _ in range(20):\n    t = time.perf_counter(); toy.loss_grid('tanh', 'mse', 100)\n"
            "    ts.append((time.perf_counter() - t) * 1e3)\nresult = sorted(ts)[len(ts) // 2]\n"
        )
        lighthouse = None if args.skip_lighthouse else lighthouse_part(tmp)
    print_report(args, bare, visits, inter, grid_ms, lighthouse, time.monotonic() - started)


if __name__ == "__main__":
    if shutil.which("node") is None:
        print("note: node is not installed: Lighthouse and the Node Pyodide timing cannot run", file=sys.stderr)
    main()
