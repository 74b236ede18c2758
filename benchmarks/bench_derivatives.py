"""Performance of the "Slopes" chapter: the demo in headless Chromium, the numerics in CPython and
in Pyodide, measured side by side in one run.

    .venv/bin/python benchmarks/bench_derivatives.py [--moves 200] [--stops 10] [--no-browser]

1. Browser (the site built into a temporary folder and served on 127.0.0.1, as the tests do):
   - δ slider move -> redrawn (goal p95 <= 16 ms... of the page's own work; the worker's answer
     is most of it): from the `input` event to the demo's `gde:updated` (the worker answered,
     the table and both canvases redrawn), and to the next animation frame (painted), over
     `--moves` moves across the slider;
   - x move -> redrawn: the same for the x field (a new curve and error curve: a bigger answer);
   - Stop latency (goal p95 <= 0.5 s) of Shrink δ and of Count forward passes on 1,000,000
     parameters, Stop after a random delay, from the click's event time to data-state leaving
     "running";
   - Count forward passes on 10,000 parameters: wall time of the whole numerical gradient in the
     page, and forward passes per second.
2. CPython and Pyodide (Node), the same code: `evaluate` with and without curves, the shrink run,
   and the numerical gradient of 10,000 parameters against one backprop gradient (wall times and
   their ratio, beside the ratio of forward-pass equivalents, 2 D N / 3 N).

CPython's BLAS runs on one thread (as Pyodide's does) unless OPENBLAS_NUM_THREADS says otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests._pyodide import run_for_benchmark  # noqa: E402
from tests.site_server import Server, build_site, launch  # noqa: E402

DEMO = '[data-demo="derivatives"]'
TIMEOUT = 180_000

# One move of a control, timed in the page: to gde:updated (answered and drawn) and to the next
# animation frame (painted). Returns [[drawn ms, painted ms], ...].
MOVES = """async ([name, values]) => {
  const root = document.querySelector('[data-demo="derivatives"]');
  const input = root.querySelector(`[name="${name}"]`);
  const times = [];
  for (const value of values) {
    const done = new Promise((resolve) => root.addEventListener("gde:updated", resolve, { once: true }));
    const t0 = performance.now();
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await done;
    const drawn = performance.now() - t0;
    await new Promise(requestAnimationFrame);
    times.push([drawn, performance.now() - t0]);
  }
  return times;
}"""

ARM_STOP = """(action) => {
  const root = document.querySelector('[data-demo="derivatives"]');
  const button = root.querySelector(`[data-action="${action}"]`);
  const s = window.gdeStop = { clickAt: null, stateAtClick: null, leftAt: null };
  button.addEventListener("click", (event) => {
    s.clickAt = event.timeStamp;
    s.stateAtClick = root.dataset.state;
  }, { capture: true, once: true });
  const observer = new MutationObserver(() => {
    if (s.clickAt !== null && root.dataset.state !== "running") {
      s.leftAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(root, { attributes: true, attributeFilter: ["data-state"] });
}"""

SET = """([name, value]) => new Promise((resolve) => {
  const root = document.querySelector('[data-demo="derivatives"]');
  root.addEventListener("gde:updated", resolve, { once: true });
  const control = root.querySelector(`[name="${name}"]`);
  control.value = String(value);
  control.dispatchEvent(new Event(control.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
})"""

NUMERICS = """
import time, json
import numpy as np
from explainer_core import nets
from explainer_core.chapters import derivatives as chapter
from explainer_core.demos import derivatives as demo

def best(fn, repeats=5):
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1e3)
    return min(times)

out = {}
out["evaluate, no curves (ms)"] = best(lambda: demo.evaluate("2*x^2", "1", "0.0001", curves=False), 20)
out["evaluate, with curves (ms)"] = best(lambda: demo.evaluate("sin(3*x) + x^2", "0.4", "0.001"), 10)
out["shrink, 65 frames (ms)"] = best(lambda: list(demo.shrink("sin(x)", "1")), 3)
sizes, X, y, theta = chapter.network(10000)
out["backprop, 10,000 parameters (ms)"] = best(lambda: nets.loss_and_grad(theta, sizes, X, y), 20)
t = time.perf_counter(); *_, last = chapter.gradient_check_steps(10000, "central")
out["numerical central gradient, 10,000 parameters (ms)"] = (time.perf_counter() - t) * 1e3
out["forward passes counted"] = last["forward_passes"]
result = out
"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(values):
    return (f"p50 {percentile(values, 50):7.1f}   p95 {percentile(values, 95):7.1f}   "
            f"max {max(values):7.1f}   (n = {len(values)})")


def stop_latencies(page, action, count, rng, setup=None):
    out = []
    for _ in range(count):
        if setup:
            setup()
        page.locator(f'{DEMO} [data-action="{action}"]').click()
        page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state === 'running'",
                               timeout=60_000)
        time.sleep(rng.uniform(0.2, 1.5))
        page.evaluate(ARM_STOP, action)
        page.locator(f'{DEMO} [data-action="{action}"]').click()
        page.wait_for_function("() => window.gdeStop.leftAt !== null || "
                               f"document.querySelector('{DEMO}').dataset.state !== 'running'",
                               timeout=60_000)
        s = page.evaluate("window.gdeStop")
        if s["stateAtClick"] != "running" or s["leftAt"] is None:  # ended by itself: not counted
            page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state !== 'running'")
            continue
        out.append(s["leftAt"] - s["clickAt"])
    return out


def browser_part(moves: int, stops: int) -> dict:
    from playwright.sync_api import sync_playwright

    result = {}
    with tempfile.TemporaryDirectory(prefix="bench-dv-", dir="/tmp") as tmp:
        site = Path(tmp) / "site"
        server = Server(site)
        print("building the site ...", flush=True)
        done = build_site(site, site_url=server.url)
        if done.returncode:
            sys.exit(done.stderr[-3000:])
        with server, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            t0 = time.monotonic()
            page.goto(server.url + "derivatives/")
            page.locator(DEMO).scroll_into_view_if_needed()
            page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=TIMEOUT)
            result["ready (s, cold)"] = time.monotonic() - t0
            slider = [round(-16 + 16 * ((k * 7) % moves) / moves * 4) / 4 for k in range(moves)]
            pairs = page.evaluate(MOVES, ["log_delta", slider])
            result["slider"] = pairs
            xs = [round(-3 + 6 * ((k * 7) % moves) / moves, 2) for k in range(moves // 2)]
            result["x"] = page.evaluate(MOVES, ["x", xs])
            page.evaluate(SET, ["x", "1"])
            page.evaluate(SET, ["f", "sin(x)"])
            rng = random.Random(20240601)
            result["stop shrink"] = stop_latencies(page, "shrink", stops, rng)
            page.evaluate(SET, ["parameters", "1000000"])
            result["stop count 1e6"] = stop_latencies(page, "count", stops, rng)
            result["stop message"] = page.locator(f'{DEMO} [data-role="count-message"]').text_content()
            page.evaluate(SET, ["parameters", "10000"])
            t = time.monotonic()
            page.locator(f'{DEMO} [data-action="count"]').click()
            page.wait_for_function("() => document.querySelector('[data-role=\"count-message\"]')"
                                   ".textContent.startsWith('The central-difference gradient')",
                                   timeout=TIMEOUT)
            result["count 10,000 in the page (s)"] = time.monotonic() - t
            result["count message"] = page.locator(f'{DEMO} [data-role="count-message"]').text_content()
            browser.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--stops", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()

    print("numerics in CPython ...", flush=True)
    namespace: dict = {}
    exec(compile(NUMERICS, "<numerics>", "exec"), namespace)
    here = namespace["result"]
    print("numerics in Pyodide (Node) ...", flush=True)
    there = run_for_benchmark(NUMERICS)

    browser = None if args.no_browser else browser_part(args.moves, args.stops)

    print("\n== numerics: best of repeats, ms (one thread) ==")
    print(f"{'':54s} {'CPython':>10s} {'Pyodide':>10s} {'ratio':>7s}")
    for key, value in here.items():
        other = there.get(key) if there else None
        ratio = f"{other / value:7.1f}" if other and value and "counted" not in key else ""
        print(f"{key:54s} {value:10,.2f} {other if other is None else format(other, '10,.2f'):>10} {ratio}")
    for name, numbers in (("CPython", here), ("Pyodide", there)):
        if not numbers:
            continue
        wall = numbers["numerical central gradient, 10,000 parameters (ms)"] / \
            numbers["backprop, 10,000 parameters (ms)"]
        print(f"{name}: numerical / backprop wall time, 10,000 parameters: {wall:,.0f} "
              f"(forward-pass equivalents: 2 D N / 3 N = {2 * 10000 / 3:,.0f})")
    if browser:
        print("\n== in the browser (headless Chromium) ==")
        print(f"demo ready, cold: {browser['ready (s, cold)']:.1f} s")
        print(f"δ slider move -> drawn (ms):   {summary([p[0] for p in browser['slider']])}")
        print(f"δ slider move -> painted (ms): {summary([p[1] for p in browser['slider']])}")
        print(f"x move -> drawn (ms):          {summary([p[0] for p in browser['x']])}")
        print(f"x move -> painted (ms):        {summary([p[1] for p in browser['x']])}")
        for key in ("stop shrink", "stop count 1e6"):
            values = browser[key]
            verdict = "ok" if values and percentile(values, 95) <= 500 else "OVER 0.5 s"
            print(f"{key:>16s} -> idle (ms):   {summary(values) if values else 'none'}   goal p95 <= 500: {verdict}")
        print(f"  after the last Stop on 1,000,000 parameters: {browser['stop message']}")
        print(f"Count forward passes, 10,000 parameters, in the page: "
              f"{browser['count 10,000 in the page (s)']:.1f} s "
              f"({200_000 / browser['count 10,000 in the page (s)']:,.0f} forward passes per second)")
        print(f"  its message: {browser['count message']}")
    print(f"\n(benchmark took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
