"""Performance of "A network is a function with knobs", measured (headless Chromium, CPython).

    .venv/bin/python benchmarks/bench_function.py [--moves 200] [--stops 10] [--skip-browser]

The script builds the site itself into a temporary folder, serves it on 127.0.0.1 and prints one
table, each figure beside its goal where there is one:

1. Slider move -> redrawn curve (goal p95 <= 16 ms for up to 16 neurons): from the slider's
   `input` event to the end of its handler, which has drawn the curve, every piece and the axes
   on the canvas (the page computes the curve from the knobs in JavaScript; the browser tests
   check that curve equals Python's), and to the next animation frame, which paints it; 200
   moves at each of 1, 4, 8 and 16 neurons.
2. The loss after a slider move: the round trip of the demo's `evaluate` call to the Python
   worker (what the page shows under the buttons a moment after the curve), at 16 neurons.
3. Fit: Adam steps per second in the page (Pyodide) at 3, 16 and 64 neurons, a whole press.
4. Stop (goal p95 <= 500 ms): Stop pressed at a random moment of a Fit of 64 neurons, from the
   click to data-state leaving "running".
5. CPython: the chart's experiment (`best_errors` for tanh and ReLU: 56 x 3 runs of 2000 steps),
   and one Adam step of 3 networks side by side with `shallow.fit` against 3 separate
   `train.run` steps through `nets` (the ratio is why `shallow` exists).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from explainer_core import nets, optim, shallow, train  # noqa: E402
from explainer_core.chapters import function as chapter  # noqa: E402
from tests.site_server import Server, build_site, launch  # noqa: E402

DEMO = '[data-demo="function"]'
TIMEOUT = 180_000

SLIDER_MOVES = """async ([n, name]) => {
  const root = document.querySelector('[data-demo="function"]');
  const input = root.querySelector(`input[name="${name}"]`);
  const lo = Number(input.min), hi = Number(input.max);
  const times = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    input.value = String(lo + ((hi - lo) * (k % 50)) / 50);
    input.dispatchEvent(new Event("input", { bubbles: true }));  // the handler draws at once
    const drawn = performance.now() - t0;
    await new Promise(requestAnimationFrame);  // the frame that paints it
    times.push([drawn, performance.now() - t0]);
  }
  return times;
}"""

EVALUATE_CALLS = """async ([n, knobs]) => {
  const times = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    const answer = await window.gde.call("function", "evaluate", { expression: "sin(2*x)", width: "16", knobs });
    if (!answer.ok) throw new Error(answer.error.message);
    times.push(performance.now() - t0);
  }
  return times;
}"""


def percentile(values, q):
    return float(np.percentile(np.asarray(values, dtype=float), q))


def wait_idle(page, timeout=TIMEOUT):
    page.wait_for_function(
        f"() => document.querySelector('{DEMO}').dataset.state === 'ready' && window.gde.worker().pending === 0",
        timeout=timeout)


def set_width(page, width: int):
    page.fill(f'{DEMO} input[name="width"]', str(width))
    page.wait_for_function(
        f"() => document.querySelector('{DEMO} [data-role=parameters]').textContent.startsWith('{width} neuron')",
        timeout=30_000)
    wait_idle(page)


def browser_figures(args, rows):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        server = Server(site)
        done = build_site(site, site_url=server.url)
        if done.returncode:
            raise SystemExit(f"mkdocs build failed:\n{done.stderr[-3000:]}")
        with server, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "function/")
            page.locator(DEMO).scroll_into_view_if_needed()
            page.locator(f'{DEMO}[data-state="ready"]').wait_for(timeout=TIMEOUT)
            wait_idle(page)

            for width in (1, 4, 8, 16):
                set_width(page, width)
                times = page.evaluate(SLIDER_MOVES, [args.moves, f"b{width}"])
                drawn = [t[0] for t in times]
                painted = [t[1] for t in times]
                wait_idle(page)
                rows.append((f"1 slider move -> curve drawn, {width:2d} neurons: p50 / p95 (ms)",
                             f"{percentile(drawn, 50):.2f} / {percentile(drawn, 95):.2f}", "p95 <= 16"))
                rows.append((f"  ... -> next frame painted, {width:2d} neurons: p50 / p95 (ms)",
                             f"{percentile(painted, 50):.1f} / {percentile(painted, 95):.1f}", ""))

            knobs = json.loads(json.dumps(chapter_knobs()))
            calls = page.evaluate(EVALUATE_CALLS, [50, knobs])
            rows.append(("2 loss after a move: evaluate round trip, 16 neurons: p50 / p95 (ms)",
                         f"{percentile(calls, 50):.1f} / {percentile(calls, 95):.1f}", ""))

            for width in (3, 16, 64):
                set_width(page, width)
                t0 = time.perf_counter()
                page.get_by_role("button", name="Fit").click()
                page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
                wait_idle(page)
                seconds = time.perf_counter() - t0
                steps = page.locator(f'{DEMO} [data-role="steps"]').text_content()
                rows.append((f"3 Fit, {width:2d} neurons: {steps} in (s) / steps per second",
                             f"{seconds:.2f} / {chapter.STEPS / seconds:,.0f}", ""))

            rng = random.Random(0)
            stops = []
            set_width(page, 64)
            for _ in range(args.stops):
                page.get_by_role("button", name="New random knobs").click()
                wait_idle(page)
                page.get_by_role("button", name="Fit").click()
                page.locator(f'{DEMO}[data-state="running"]').wait_for(timeout=10_000)
                page.wait_for_timeout(rng.uniform(100, 800))
                if page.locator(DEMO).get_attribute("data-state") != "running":
                    continue
                t0 = page.evaluate("performance.now()")
                page.get_by_role("button", name="Stop").click()
                page.wait_for_function(f"() => document.querySelector('{DEMO}').dataset.state !== 'running'",
                                       timeout=10_000)
                stops.append(page.evaluate("performance.now()") - t0)
                wait_idle(page)
            if stops:
                rows.append((f"4 Stop during a 64-neuron Fit ({len(stops)} runs): p50 / p95 (ms)",
                             f"{percentile(stops, 50):.0f} / {percentile(stops, 95):.0f}", "p95 <= 500"))
            browser.close()


def chapter_knobs():
    theta = chapter.initial_params(64, 0)
    w, b, v, c = shallow.split(theta)
    return {"w": w.tolist(), "b": b.tolist(), "v": v.tolist(), "c": float(c)}


def cpython_figures(rows):
    t0 = time.perf_counter()
    chapter.best_errors("tanh")
    chapter.best_errors("relu")
    rows.append(("5 CPython: the chart's experiment, 2 x 4 x 7 x 3 runs of 2000 steps (s)",
                 f"{time.perf_counter() - t0:.1f}", ""))
    x, y = chapter.X, np.sin(2 * chapter.X)
    for width in (4, 64):
        thetas = np.stack([chapter.initial_params(width, 0, r) for r in range(3)])
        steps = 300
        run = shallow.fit(thetas, x, y, "tanh", optim.adam(0.02))
        t0 = time.perf_counter()
        for step, _, _ in run:
            if step == steps:
                break
        side_by_side = (time.perf_counter() - t0) / steps
        t0 = time.perf_counter()
        for p in range(3):
            task = train.network_task([1, width, 1], x[:, None], y[:, None], activation="tanh")
            for _ in train.run(task, optim.adam(0.02), thetas[p], steps=steps, record_every=steps):
                pass
        separate = (time.perf_counter() - t0) / steps
        rows.append((f"  one Adam step of 3 networks of {width:2d} neurons: shallow.fit / 3 x train.run (us)",
                     f"{side_by_side * 1e6:.0f} / {separate * 1e6:.0f} (x{separate / side_by_side:.1f})", ""))
    assert nets.param_count([1, 64, 1]) == shallow.param_count(64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=200, help="slider moves per width")
    parser.add_argument("--stops", type=int, default=10, help="Stop presses")
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    if not args.skip_browser:
        print("building the site and measuring in Chromium ...", flush=True)
        browser_figures(args, rows)
    print("measuring CPython ...", flush=True)
    cpython_figures(rows)
    width = max(len(r[0]) for r in rows)
    print()
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>22}  {goal}")


if __name__ == "__main__":
    main()
