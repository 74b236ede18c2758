"""The book's experiment (NNFS chapter 6) timed: CPython, Pyodide under Node, and the page.

    .venv/bin/python benchmarks/bench_random_search.py [--rounds 3] [--no-pyodide] [--no-browser]

Measured side by side in one run, the book's network (2-3-3, ReLU, softmax cross-entropy) on its
300 points, seed 0, 10,000 iterations of each method:

1. iterations per second, CPython and Pyodide: the chapter's runs (`speculative.keep_best` with
   `speculative.softmax_cross_entropy_loss`, blocks of candidates per numpy call) against the
   library's one-candidate-per-iteration loop (`search.run` with `search.random_search` /
   `search.tweak_and_keep` on `train.network_task`), which the tests check it agrees with; best of
   `--rounds` runs. Also the candidate rows speculation evaluated (the discarded ones included).
2. the demo's whole race (both methods, 10,000 iterations each, frames and maps included) through
   the worker's JSON entry point (`demos.start` / `advance`, 30 ms chunks as the worker cuts
   them), in CPython and in Pyodide: seconds, and maps per second.
3. in the browser (headless Chromium against the site built into a temporary folder): Play on
   the page with the defaults, from the click to the "Done" message, and the new maps drawn per
   second while it runs (the demo writes both into data-run-ms and data-redraws). Goals: the run
   within 5 s, the maps redrawn at least 10 times a second.

Prints one line per figure, then the whole result as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODE = r'''
import json, time
import numpy as np
from explainer_core import demos, search, speculative, train
from explainer_core.chapters import random_search as chapter

ITERATIONS = 10_000


def speculative_rate(method, data):
    p = chapter.problem(data, 0)
    start = float(p.loss(p.theta[None, :])[0])
    t = time.perf_counter()
    *_, last = speculative.keep_best(method, 0.05, p.loss, p.theta, p.rng, ITERATIONS, loss=start,
                                     chunk=100)
    return ITERATIONS / (time.perf_counter() - t), last.evaluated, last.loss


def library_rate(method, data):
    p = chapter.problem(data, 0)
    task = train.network_task(p.sizes, p.X, p.y, loss="softmax_cross_entropy", activation="relu")
    t = time.perf_counter()
    *_, last = search.run(chapter.METHODS[method](0.05), task, p.theta, p.rng,
                          generations=ITERATIONS, record_every=100, theta_dims=0)
    return ITERATIONS / (time.perf_counter() - t), last["loss"]


def race_seconds(data):
    t = time.perf_counter()
    stream = demos.start(json.dumps({"demo": "random-search", "method": "race",
                                     "args": {"data": data}}))
    maps = 0
    while True:
        chunk = json.loads(stream.advance(100_000, 30))
        maps += sum("regions" in f for f in chunk["frames"])
        if chunk["done"]:
            break
    return time.perf_counter() - t, maps


def measure(rounds):
    out = {}
    for method in ("random_search", "tweak_and_keep"):
        for data in ("vertical", "spiral"):
            fast = [speculative_rate(method, data) for _ in range(rounds)]
            slow = [library_rate(method, data) for _ in range(max(1, rounds - 1))]
            out[f"{method} {data}"] = {
                "speculative": max(r[0] for r in fast), "library": max(r[0] for r in slow),
                "evaluated": fast[0][1], "loss_diff": abs(fast[0][2] - slow[0][1])}
    for data in ("vertical", "spiral"):
        runs = [race_seconds(data) for _ in range(rounds)]
        seconds, maps = min(runs)
        out[f"race {data}"] = {"seconds": seconds, "maps": maps}
    return out
'''


def report(label: str, results: dict) -> None:
    for key, r in results.items():
        if key.startswith("race"):
            print(f"{label:8s} demo {key}: 10,000 iterations of both methods in {r['seconds']:.2f} s, "
                  f"{r['maps']} maps ({r['maps'] / r['seconds']:.1f} per second)")
        else:
            print(f"{label:8s} {key:24s}: {r['speculative']:8.0f} iterations/s "
                  f"(one at a time: {r['library']:6.0f}/s, {r['speculative'] / r['library']:4.1f}x; "
                  f"{r['evaluated']:,} rows evaluated; final loss differs by {r['loss_diff']:.1e})")


def browser(rounds: int) -> list[dict]:
    """Play on the built page, `rounds` times (Reset between): run ms and new maps drawn."""
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
            page.goto(server.url + "random-search/")
            demo = page.locator('[data-demo="random-search"]')
            demo.scroll_into_view_if_needed()
            page.locator('[data-demo="random-search"][data-state="ready"]').wait_for(timeout=180_000)
            for _ in range(rounds):
                demo.locator('[data-action="reset"]').click()
                page.wait_for_timeout(300)
                demo.locator('[data-action="play"]').click()
                page.wait_for_function(
                    """() => document.querySelector('[data-demo="random-search"] .gde-message')
                             .textContent.startsWith("Done")""", timeout=120_000)
                page.wait_for_function(
                    """() => document.querySelector('[data-demo="random-search"]').dataset.state === "ready" """)
                run_ms = int(demo.get_attribute("data-run-ms"))
                redraws = int(demo.get_attribute("data-redraws"))
                out.append({"run_ms": run_ms, "redraws": redraws,
                            "per_second": 1000 * redraws / run_ms})
            chromium.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    try:
        load = os.getloadavg()[0]
        print(f"load average (1 min) at the start: {load:.2f} on {os.cpu_count()} CPUs")
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
            for key, r in there.items():
                if not key.startswith("race"):
                    here = results["cpython"][key]["speculative"]
                    print(f"Pyodide/CPython {key:24s}: {r['speculative'] / here:.2f}")
    if not args.no_browser:
        runs = browser(args.rounds)
        results["browser"] = runs
        for k, r in enumerate(runs, 1):
            print(f"browser  round {k}: Play to Done {r['run_ms'] / 1000:.2f} s "
                  f"({'within' if r['run_ms'] <= 5000 else 'OVER'} the 5 s goal), "
                  f"{r['redraws']} new maps drawn, {r['per_second']:.1f} per second "
                  f"({'meets' if r['per_second'] >= 10 else 'MISSES'} the 10 per second goal)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
