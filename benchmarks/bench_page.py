"""Page performance of "The loss landscape", measured side by side in one headless Chromium.

    .venv/bin/python benchmarks/bench_page.py [--rounds 5]

Reports:
- navigation -> demo `ready` on the landscape page, against navigation -> Pyodide + numpy ready
  in a bare worker page served from the same site (same files, same browser, alternating runs);
  the ratio is the demo's own overhead (target <= 1.15);
- first contentful paint of the page, against the demo's ready time (the text must not wait);
- one slider move, from the `input` event to the redrawn curve, loss and marker: p50 / p95 over
  200 moves (target p95 <= 16 ms);
- the 100x100 landscape in Pyodide: `toy.loss_grid` alone (under Node) and the demo's whole
  `setup` call (grid + minimum search + JSON) as the page sees it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests._pyodide import run_in_pyodide  # noqa: E402
from tests.site_server import Server, build_site, launch  # noqa: E402

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

READY_PROBE = """
new MutationObserver(() => {
  const demo = document.querySelector('[data-demo="landscape"]');
  if (demo && demo.dataset.state === "ready" && !window.demoReady) window.demoReady = performance.now();
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""

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


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        done = build_site(site)
        if done.returncode:
            sys.exit(done.stderr)
        (site / "__bench").mkdir()
        (site / "__bench" / "bare.html").write_text(BARE_HTML)
        (site / "__bench" / "bare-worker.js").write_text(BARE_WORKER)

        bare, demo, paint = [], [], []
        with Server(site) as server, sync_playwright() as playwright:
            browser = launch(playwright)
            for _ in range(args.rounds):
                page = browser.new_page()
                page.goto(server.url + "__bench/bare.html")
                page.wait_for_function("window.bareReady", timeout=180_000)
                bare.append(page.evaluate("window.bareReady"))
                page.close()

                # A tall window, so the demo is in view from the start and boots at once.
                page = browser.new_page(viewport={"width": 1200, "height": 4000})
                page.add_init_script(READY_PROBE)
                page.goto(server.url + "landscape/")
                page.wait_for_function("window.demoReady", timeout=180_000)
                demo.append(page.evaluate("window.demoReady"))
                paint.append(page.evaluate(
                    "performance.getEntriesByName('first-contentful-paint')[0].startTime"))
                page.close()

            page = browser.new_page(viewport={"width": 1200, "height": 4000})
            page.goto(server.url + "landscape/")
            page.wait_for_selector('[data-demo="landscape"][data-state="ready"]', timeout=180_000)
            pairs = page.evaluate(SLIDER_MOVES, 200)
            moves = [p[0] for p in pairs]
            frames = [p[1] for p in pairs]
            setup_ms = page.evaluate(SETUP_CALL)
            browser.close()

    grid_ms = run_in_pyodide(
        "import time\nfrom explainer_core.chapters import landscape as toy\ntoy.loss_grid('tanh', 'mse', 100)\n"
        "ts = []\nfor _ in range(20):\n    t = time.perf_counter(); toy.loss_grid('tanh', 'mse', 100)\n"
        "    ts.append((time.perf_counter() - t) * 1e3)\nresult = sorted(ts)[len(ts) // 2]\n"
    )

    b, d = statistics.median(bare), statistics.median(demo)
    print(f"navigation -> ready, median of {args.rounds} alternating runs:")
    print(f"  bare Pyodide + numpy worker : {b:8.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in bare)})")
    print(f"  landscape demo ready        : {d:8.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in demo)})")
    print(f"  ratio demo / bare           : {d / b:8.3f}   (target <= 1.15)")
    print(f"first contentful paint        : {statistics.median(paint):8.0f} ms   "
          f"({statistics.median(paint) / d:.3f} of the demo's ready time)")
    print(f"slider move -> redrawn        : p50 {percentile(moves, 50):.1f} ms, "
          f"p95 {percentile(moves, 95):.1f} ms, max {max(moves):.1f} ms over {len(moves)} moves "
          "(target p95 <= 16 ms)")
    print(f"slider move -> next frame     : p50 {percentile(frames, 50):.1f} ms, "
          f"p95 {percentile(frames, 95):.1f} ms (adds the wait for the display's next frame)")
    print(f"100x100 landscape in Pyodide  : toy.loss_grid {grid_ms:.1f} ms (median of 20, Node); "
          f"demo setup call {statistics.median(setup_ms):.1f} ms (median of 5, in the page)")


if __name__ == "__main__":
    main()
