"""The evolution chapter timed: CPython, Pyodide under Node, and the page in Chromium.

    .venv/bin/python benchmarks/bench_evolution.py [--rounds 3] [--no-pyodide] [--no-browser]

Measured side by side, a population of 100 children on the 1-32-32-1 tanh network (1,153
parameters, 64 points), mutate many, seed 0:

1. rounds per second of the chapter's run (`chapters.evolution.rounds_of`: one batched forward
   pass over the (100, 1,153) population per round), and of the demo's whole run through the
   worker's JSON entry point (`demos.start` / `advance`, frames and curves included), in CPython
   and in Pyodide; best of `--rounds`.
2. the build-time work of the chapter: the sweep behind the heatmap (30 cells, 6,000 children
   each) in CPython, in seconds.
3. in the browser (headless Chromium against the site built into a temporary folder): Play with
   population 100 and 200 rounds, from the click to the "Done" message (the demo writes the time
   into data-run-ms). Goal: at least 20 rounds per second.

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
from explainer_core.chapters import evolution as chapter

def chapter_rate(rounds=100):
    t0 = time.perf_counter()
    for _ in chapter.rounds_of(population=100, rounds=rounds):
        pass
    return rounds / (time.perf_counter() - t0)

def demo_rate(rounds=100):
    t0 = time.perf_counter()
    stream = demos.start(json.dumps({"demo": "evolution", "method": "run",
                                     "args": {"population": "100", "rounds": str(rounds)}}))
    while not json.loads(stream.advance(100000, 30))["done"]:
        pass
    return rounds / (time.perf_counter() - t0)

def measure(rounds):
    return {"chapter": max(chapter_rate() for _ in range(rounds)),
            "demo": max(demo_rate() for _ in range(rounds))}
'''


def browser(rounds: int) -> list[float]:
    from playwright.sync_api import sync_playwright

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
            page.goto(server.url + "evolution/")
            demo = page.locator('[data-demo="evolution"]')
            demo.scroll_into_view_if_needed()
            page.locator('[data-demo="evolution"][data-state="ready"]').wait_for(timeout=180_000)
            demo.locator('[name="population"]').fill("100")
            demo.locator('[name="rounds"]').fill("200")
            for _ in range(rounds):
                demo.locator('[data-action="reset"]').click()
                page.wait_for_timeout(300)
                demo.locator('[data-action="play"]').click()
                page.wait_for_function(
                    """() => { const r = document.querySelector('[data-demo="evolution"]');
                               return r.dataset.state === "ready" && r.querySelector(".gde-message").textContent.startsWith("Done"); }""",
                    timeout=120_000)
                out.append(200 * 1000 / int(demo.get_attribute("data-run-ms")))
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
    from explainer_core.chapters import evolution as chapter

    chapter._sweep.cache_clear()
    t0 = time.perf_counter()
    chapter.sweep()
    results["sweep_seconds"] = time.perf_counter() - t0
    print(f"CPython  population 100, 1,153 parameters: chapter {results['cpython']['chapter']:6.1f} "
          f"rounds/s, demo run (JSON frames) {results['cpython']['demo']:6.1f} rounds/s")
    print(f"CPython  build-time sweep ({len(chapter.SWEEP_POPULATIONS) * len(chapter.SWEEP_RATES)} "
          f"cells x {chapter.SWEEP_CHILDREN:,} children): {results['sweep_seconds']:.1f} s")
    if not args.no_pyodide:
        from tests._pyodide import run_for_benchmark

        there = run_for_benchmark(CODE + f"\nresult = measure({args.rounds})\n")
        if there is not None:
            results["pyodide"] = there
            print(f"Pyodide  population 100, 1,153 parameters: chapter {there['chapter']:6.1f} "
                  f"rounds/s, demo run {there['demo']:6.1f} rounds/s "
                  f"({there['demo'] / results['cpython']['demo']:.2f} of CPython)")
    if not args.no_browser:
        runs = browser(args.rounds)
        results["browser"] = runs
        for k, rate in enumerate(runs, 1):
            print(f"browser  Play {k}: population 100, 200 rounds: {rate:.1f} rounds/s "
                  f"({'meets' if rate >= 20 else 'MISSES'} the 20 rounds/s goal)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
