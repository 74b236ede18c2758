"""The playground timed: four runs racing on a network of about 1,000 parameters, against the
same runs one at a time.

    .venv/bin/python benchmarks/bench_playground.py [--seconds 6] [--no-browser] [--site DIR]

Setup: the spiral data (300 points), a 2-28-28-3 tanh network (983 parameters), four runs: Adam,
SGD with momentum (batch 32), local search (10 children) and the genetic algorithm (10 children,
3 parents).

1. CPython, through the demo's JSON entry point in 30 ms chunks (as the worker cuts them): each
   run's steps per second while the four race in lockstep in one thread, and each run's steps
   per second when it races alone (the other three off).
2. In the browser (headless Chromium against the site built into a temporary folder, or
   --site): Play on the same setup for --seconds; the main thread's frames per second (a
   requestAnimationFrame loop: what a reader's scrolling and clicks get), the page's redraws of
   the chart and the task view per second (data-draws), each run's steps per second as the
   page's table shows them, then the same with each run alone; and the time from Stop to
   data-state="ready". Goal: at least 30 UI frames per second while the four race.

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
from urllib.parse import urlencode

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer_core import demos  # noqa: E402
from explainer_core.demos import playground as pg  # noqa: E402

SETUP = {"task": "spiral", "layers": "2", "width": "28", "steps": "20000",
         "r1_method": "adam", "r1_lr": "0.01",
         "r2_method": "sgd", "r2_momentum": "0.9", "r2_batch": "32",
         "r3_method": "local_search", "r3_population": "10",
         "r4_method": "genetic", "r4_population": "10", "r4_parents": "3"}
SLOTS = ("1", "2", "3", "4")


def alone(values: dict, slot: str) -> dict:
    """The setup with only run `slot` on."""
    return {**values, **{f"r{s}_method": "off" for s in SLOTS if s != slot}}


def cpython(values: dict, seconds: float) -> dict:
    stream = demos.start(json.dumps({"demo": "playground", "method": "race", "args": values}))
    t = time.perf_counter()
    last = None
    while time.perf_counter() - t < seconds:
        chunk = json.loads(stream.advance(100_000, 30))
        if chunk["frames"]:
            last = chunk["frames"][-1]
    elapsed = time.perf_counter() - t
    stream.close()
    return {slot: state["step"] / elapsed for slot, state in last["runs"].items()}


RAF = """(seconds) => new Promise((resolve) => {
  let ticks = 0; const t0 = performance.now();
  const root = document.querySelector('[data-demo="playground"]');
  const draws0 = Number(root.dataset.draws || 0);
  const tick = () => {
    ticks++;
    if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(tick);
    else resolve({ fps: ticks / seconds, draws: (Number(root.dataset.draws || 0) - draws0) / seconds });
  };
  requestAnimationFrame(tick);
})"""


def browser_figures(site: Path, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright
    from tests.site_server import Server, launch

    demo = '[data-demo="playground"]'
    out = {}
    with Server(site) as server, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for label, values in [("race", SETUP)] + [(f"alone {s}", alone(SETUP, s)) for s in SLOTS]:
            fragment = "#" + urlencode({f"playground.{k}": v for k, v in values.items()})
            page.goto("about:blank")
            page.goto(server.url + "playground/" + fragment)
            page.locator(demo).scroll_into_view_if_needed()
            page.locator(f'{demo}[data-state="ready"]').wait_for(timeout=180_000)
            page.wait_for_timeout(500)
            page.locator(f"{demo} [data-action=play]").click()
            page.wait_for_function(f"() => document.querySelector('{demo}').dataset.state === 'running'")
            page.wait_for_timeout(1000)  # the first chunks
            steps0 = page.evaluate(f"() => [...document.querySelectorAll('{demo} [data-role=table] tr')].map((r) => Number(r.children[2].textContent.replace(/,/g, '')))")
            t0 = time.monotonic()
            ui = page.evaluate(RAF, seconds)
            steps1 = page.evaluate(f"() => [...document.querySelectorAll('{demo} [data-role=table] tr')].map((r) => Number(r.children[2].textContent.replace(/,/g, '')))")
            elapsed = time.monotonic() - t0
            stop0 = time.monotonic()
            page.locator(f"{demo} [data-action=stop]").click()
            page.wait_for_function(f"() => document.querySelector('{demo}').dataset.state === 'ready'")
            stop = time.monotonic() - stop0
            rates = [(b - a) / elapsed for a, b in zip(steps0, steps1)]
            out[label] = {"ui_fps": ui["fps"], "draws_per_s": ui["draws"], "steps_per_s": rates,
                          "stop_s": stop}
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--site", type=Path)
    args = parser.parse_args()
    print(f"network {pg.setup(**SETUP)['sizes']}: {pg.setup(**SETUP)['parameters']} parameters")
    result = {"cpython": {"race": cpython(SETUP, args.seconds / 2)}}
    for s in SLOTS:
        result["cpython"][f"alone {s}"] = cpython(alone(SETUP, s), args.seconds / 4)[s]
    names = {s: pg.METHOD_NAMES[SETUP[f"r{s}_method"]] for s in SLOTS}
    for s in SLOTS:
        r, a = result["cpython"]["race"][s], result["cpython"][f"alone {s}"]
        print(f"CPython  run {s} {names[s]:18s} racing {r:7.1f} steps/s   alone {a:7.1f} steps/s"
              f"   ratio {r / a:.2f}")
    if not args.no_browser:
        site = args.site
        if site is None:
            from tests.site_server import build_site
            site = Path(tempfile.mkdtemp(prefix="bench-playground-"))
            done = build_site(site)
            assert done.returncode == 0, done.stderr
        b = browser_figures(site, args.seconds)
        result["browser"] = b
        race = b["race"]
        print(f"Chromium four racing: {race['ui_fps']:.1f} UI frames/s, {race['draws_per_s']:.1f} "
              f"redraws/s (chart and task view), Stop to ready {race['stop_s'] * 1000:.0f} ms")
        for k, s in enumerate(SLOTS):
            a = b[f"alone {s}"]
            r_rate = race["steps_per_s"][k] if k < len(race["steps_per_s"]) else float("nan")
            a_rate = a["steps_per_s"][0] if a["steps_per_s"] else float("nan")
            print(f"Chromium run {s} {names[s]:18s} racing {r_rate:7.1f} steps/s   alone "
                  f"{a_rate:7.1f} steps/s   ratio {r_rate / a_rate:.2f}   (alone: "
                  f"{a['ui_fps']:.1f} UI frames/s, {a['draws_per_s']:.1f} redraws/s)")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
