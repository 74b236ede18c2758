"""The "Momentum and Adam" chapter timed: CPython, Pyodide under Node, and the page.

    .venv/bin/python benchmarks/bench_momentum_adam.py [--rounds 3] [--no-pyodide] [--no-browser]

Measured side by side in one run:

1. the demo's `setup` (six surfaces, a 121 x 121 map each) through the worker's JSON entry point,
   in CPython and in Pyodide: seconds (the page calls it once, when the demo mounts);
2. the demo's race, all five methods, each surface's default settings and step count, through
   `demos.start` / `advance` in 30 ms chunks as the worker cuts them: seconds and steps per second
   (a step: every method one step), CPython and Pyodide; best of `--rounds`;
3. the build-time work: the ravine chart's data (`chapter.ravine_steps`, 36 timed runs) and the
   page's values, seconds in CPython (cached afterwards);
4. in the browser (headless Chromium against the site built into a temporary folder): the
   default race from the click on Race to the end message, and the time from Stop to the demo
   being ready again during a long Rosenbrock race. Goals: the default race within 5 s, Stop
   within 0.5 s.

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
from explainer_core.chapters import momentum_adam as chapter


def call(method, args):
    t = time.perf_counter()
    answer = json.loads(demos.call(json.dumps({"demo": "momentum-adam", "method": method,
                                               "args": args})))
    assert answer["ok"], answer
    return time.perf_counter() - t


def race_seconds(surface):
    t = time.perf_counter()
    stream = demos.start(json.dumps({"demo": "momentum-adam", "method": "run",
                                     "args": {"surface": surface}}))
    frames = 0
    while True:
        chunk = json.loads(stream.advance(100_000, 30))
        assert chunk["ok"], chunk
        frames += len(chunk["frames"])
        if chunk["done"]:
            break
    return time.perf_counter() - t, frames - 1


def measure(rounds):
    out = {"setup": min(call("setup", {}) for _ in range(1))}  # setup is cached after the first
    for name in chapter.SURFACE_NAMES:
        runs = [race_seconds(name) for _ in range(rounds)]
        seconds, steps = min(runs)
        out[f"race {name}"] = {"seconds": seconds, "steps": steps}
    return out
'''


def build_time() -> dict:
    from explainer_core.chapters import momentum_adam as chapter

    t = time.perf_counter()
    chapter.steps_to_tolerance.cache_clear()
    chapter.ravine_steps()
    chart = time.perf_counter() - t
    t = time.perf_counter()
    chapter._default_end.cache_clear()
    for method in chapter.METHOD_NAMES:
        chapter.final_x(method)
    chapter.steps_to_shallow()
    chapter.ravine_speedup(1000)
    values = time.perf_counter() - t
    return {"chart_data": chart, "values": values}


def report(label: str, results: dict) -> None:
    print(f"{label:8s} setup (six surfaces, maps included): {results['setup']:.3f} s")
    for key, r in results.items():
        if key.startswith("race"):
            print(f"{label:8s} demo {key:18s}: {r['steps']:5d} steps x 5 methods in "
                  f"{r['seconds']:.3f} s ({r['steps'] / r['seconds']:8.0f} steps per second)")


def browser(rounds: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from tests.site_server import Server, build_site, launch

    out = []
    demo_css = '[data-demo="momentum-adam"]'
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        server = Server(site)
        done = build_site(site, strict=False, site_url=server.url)
        if done.returncode:
            raise SystemExit(f"the site did not build:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        with server, sync_playwright() as playwright:
            chromium = launch(playwright)
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "momentum-adam/")
            demo = page.locator(demo_css)
            demo.scroll_into_view_if_needed()
            page.locator(f'{demo_css}[data-state="ready"]').wait_for(timeout=180_000)
            for _ in range(rounds):
                demo.locator('select[name="surface"]').select_option("double_well")
                t = time.monotonic()
                demo.get_by_role("button", name="Race").click()
                page.wait_for_function(
                    """() => document.querySelector('[data-demo="momentum-adam"] .gde-message')
                             .textContent.includes("Race over")""", timeout=120_000)
                race = time.monotonic() - t
                demo.locator('select[name="surface"]').select_option("rosenbrock")
                box = demo.locator('input[name="steps"]')
                box.fill("5000")
                box.dispatch_event("change")
                demo.get_by_role("button", name="Race").click()
                page.locator(f'{demo_css}[data-state="running"]').wait_for(timeout=10_000)
                page.wait_for_timeout(500)
                t = time.monotonic()
                demo.get_by_role("button", name="Stop").click()
                page.locator(f'{demo_css}[data-state="ready"]').wait_for(timeout=5_000)
                out.append({"race_s": race, "stop_s": time.monotonic() - t})
            chromium.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
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
    results["build"] = build_time()
    print(f"CPython  build time: ravine chart data {results['build']['chart_data']:.2f} s, "
          f"page values {results['build']['values']:.2f} s")
    if not args.no_pyodide:
        from tests._pyodide import run_for_benchmark

        there = run_for_benchmark(CODE + f"\nresult = measure({args.rounds})\n")
        if there is not None:
            results["pyodide"] = there
            report("Pyodide", there)
            for key, r in there.items():
                if key.startswith("race"):
                    here = results["cpython"][key]["seconds"]
                    print(f"Pyodide/CPython time {key:18s}: {r['seconds'] / here:.2f}")
    if not args.no_browser:
        runs = browser(args.rounds)
        results["browser"] = runs
        for k, r in enumerate(runs, 1):
            print(f"browser  round {k}: default race, Race to end {r['race_s']:.2f} s "
                  f"({'within' if r['race_s'] <= 5 else 'OVER'} the 5 s goal); Stop to ready "
                  f"{r['stop_s']:.3f} s ({'within' if r['stop_s'] <= 0.5 else 'OVER'} the 0.5 s goal)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
