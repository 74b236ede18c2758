"""The dimensions demo's live count timed: CPython, Pyodide under Node, and the page in Chromium.

    .venv/bin/python benchmarks/bench_dimensions.py [--rounds 3] [--no-pyodide] [--no-browser]

Measured side by side, for the sphere and the 1-h-1 network at D = 100, 1,000 and 10,000 (1,000
mutations, sigma 0.001, seed 0), through the worker's JSON entry point (`demos.start` /
`advance` with 30 ms chunks, as the worker cuts them):

1. the time to the first frame (the first live count the reader sees after moving the slider;
   goal: within 100 ms up to D = 10,000) and to the whole count, CPython and Pyodide, best of
   `--rounds`;
2. in the browser (headless Chromium against the site built into a temporary folder): the slider
   moved to D = 10,000 on the page, from the input event to the first count shown (the demo
   writes it into data-first-ms) and to the "Done" message (data-count-ms).
3. the build-time compute of the chapter's charts' data (CPython).

Prints one line per figure, then the whole result as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODE = r'''
import json, time
from explainer_core import demos


def count_times(task, d):
    t = time.perf_counter()
    stream = demos.start(json.dumps({"demo": "dimensions", "method": "count",
                                     "args": {"task": task, "d": d, "sigma": "0.001"}}))
    first = None
    while True:
        chunk = json.loads(stream.advance(1, 30))
        if first is None and chunk["frames"]:
            first = time.perf_counter() - t
        if chunk["done"]:
            return first, time.perf_counter() - t


def measure(rounds):
    out = {}
    for task in ("sphere", "network"):
        for d in (100, 1000, 10000):
            runs = [count_times(task, d) for _ in range(rounds)]
            out[f"{task} D={d}"] = {"first_ms": 1000 * min(r[0] for r in runs),
                                    "whole_ms": 1000 * min(r[1] for r in runs)}
    return out
'''


def report(label: str, results: dict) -> None:
    for key, r in results.items():
        print(f"{label:8s} {key:16s}: first count {r['first_ms']:7.1f} ms "
              f"({'within' if r['first_ms'] <= 100 else 'OVER'} 100 ms), "
              f"all 1,000 mutations {r['whole_ms']:8.1f} ms")


def browser(rounds: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from explainer_core.demos import dimensions as demo
    from tests.site_server import Server, build_site, launch

    out = []
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        server = Server(site)
        done = build_site(site, site_url=server.url)
        if done.returncode:
            raise SystemExit(f"the site did not build:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        with server, sync_playwright() as playwright:
            chromium = launch(playwright)
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "dimensions/#dimensions.sigma=0.001")
            root = page.locator('[data-demo="dimensions"]')
            root.scroll_into_view_if_needed()
            page.locator('[data-demo="dimensions"][data-state="ready"]').wait_for(timeout=180_000)
            for task in ("sphere", "network"):
                root.locator('[name="task"]').select_option(task)
                for k in range(rounds):
                    d = demo.TICKS.index(10_000 if k % 2 == 0 else 9184)
                    page.wait_for_timeout(300)
                    page.wait_for_function(
                        """() => document.querySelector('[data-demo="dimensions"]').dataset.state === "ready" """,
                        timeout=120_000)
                    page.evaluate("""(i) => { const s = document.querySelector('[data-demo="dimensions"] [name="d"]');
                        s.value = String(i); s.dispatchEvent(new Event("input", {bubbles: true})); }""", d)
                    page.wait_for_timeout(50)
                    page.wait_for_function(
                        """() => { const r = document.querySelector('[data-demo="dimensions"]');
                                   return r.dataset.state === "ready" && r.querySelector('.gde-message').textContent.startsWith("Done"); }""",
                        timeout=120_000)
                    out.append({"task": task, "first_ms": int(root.get_attribute("data-first-ms")),
                                "count_ms": int(root.get_attribute("data-count-ms"))})
            chromium.close()
    return out


def chart_compute() -> dict:
    from explainer_core.chapters import dimensions as chapter
    times = {}
    for name, fn in (("fraction", lambda: (chapter.improvement_by_dimension(
                          (2, 5, 10, 20, 50, 100, 200, 500, 1000, 3000, 10000), 0.01, 2000),
                          chapter.improvement_by_dimension((5, 10, 20, 50, 100, 200, 500, 1000),
                                                           1.0, 1000, "network"))),
                     ("best_sigma", chapter.best_sigma_by_dimension),
                     ("compute", chapter.compute_by_dimension),
                     ("minima", chapter.minimum_shares)):
        t = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-charts", action="store_true")
    args = parser.parse_args()
    try:
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    results: dict = {}
    ns: dict = {}
    exec(CODE, ns)
    results["cpython"] = ns["measure"](args.rounds)
    report("CPython", results["cpython"])
    if not args.no_pyodide:
        from tests._pyodide import run_for_benchmark

        there = run_for_benchmark(CODE + f"\nresult = measure({args.rounds})\n")
        if there is not None:
            results["pyodide"] = there
            report("Pyodide", there)
    if not args.no_browser:
        runs = browser(args.rounds)
        results["browser"] = runs
        for r in runs:
            print(f"browser  {r['task']:8s} slider to D = 10,000: first count shown after "
                  f"{r['first_ms']} ms ({'within' if r['first_ms'] <= 100 else 'OVER'} 100 ms), "
                  f"1,000 mutations counted in {r['count_ms']} ms")
    if not args.no_charts:
        results["charts"] = chart_compute()
        print("chart data, CPython: " + ", ".join(f"{k} {v:.1f} s" for k, v in results["charts"].items()))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
