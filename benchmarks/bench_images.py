"""The image race timed: CPython, Pyodide under Node (optional), and the page in Chromium.

    .venv/bin/python benchmarks/bench_images.py [--seconds 6] [--no-pyodide] [--no-browser] [--site DIR]

Figures, at 32 x 32 and at 64 x 64, for the page's network (2 hidden layers of 32 tanh units,
1,185 parameters) with the page's settings (20 children, SGD batch 64):

1. each method alone, through the chapter's `Racer` (CPython, and Pyodide when available):
   Adam full-batch steps per second, evolution rounds per second, SGD steps per second;
2. the demo's race of the three methods in one thread through the worker's JSON entry point
   (30 ms chunks, as the worker cuts them): each method's steps per second while the three share
   one thread, and pictures per second (the page runs each method in a worker of its own; this
   is the figure for one worker);
3. in the browser (headless Chromium against the site built into a temporary folder, or --site):
   Play with a budget too large to finish, for --seconds; each method's steps per second as the
   page shows them (each method in its own worker), new pictures drawn per second (data-redraws,
   and per panel), the main thread's longest
   delay of a 0 ms timer while the race runs (what a click or a slider waits at most), and the
   time from Stop to data-state="ready", with each method in a worker of its own (what the page
   does) and with the three in one worker (data-lanes="off"); and Chromium's memory with one worker and with the
   race's three. Goals (issue 15): at 32 x 32 Adam >= 60 steps/s,
   evolution >= 10 rounds/s, >= 10 redraws/s, a reaction within 100 ms.

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
from explainer_core.chapters import images as chapter


def alone(size, seconds=1.5):
    out = {}
    for method, r in chapter.racers("smiley", chapter.SETTINGS._replace(size=size)).items():
        t = time.perf_counter()
        while time.perf_counter() - t < seconds:
            r.one_step()
        out[method] = r.step / (time.perf_counter() - t)
    return out


def race(size, seconds=3.0):
    stream = demos.start(json.dumps({"demo": "images", "method": "race",
                                     "args": {"size": str(size), "budget": "1000000"}}))
    t = time.perf_counter()
    pictures, last = 0, None
    while time.perf_counter() - t < seconds:
        chunk = json.loads(stream.advance(100_000, 30))
        pictures += sum("images" in f for f in chunk["frames"])
        if chunk["frames"]:
            last = chunk["frames"][-1]
    elapsed = time.perf_counter() - t
    out = {m: s["step"] / elapsed for m, s in last["methods"].items()}
    out["pictures"] = pictures / elapsed
    return out


def measure():
    return {str(size): {"alone": alone(size), "race": race(size)} for size in (32, 64)}
'''


def report(label: str, results: dict) -> None:
    for size, r in results.items():
        a, g = r["alone"], r["race"]
        print(f"{label:8s} {size}x{size} alone: Adam {a['adam']:6.1f} steps/s, evolution "
              f"{a['evolution']:5.1f} rounds/s, SGD {a['sgd']:6.0f} steps/s")
        print(f"{label:8s} {size}x{size} race : Adam {g['adam']:6.1f} steps/s, evolution "
              f"{g['evolution']:5.1f} rounds/s, SGD {g['sgd']:6.0f} steps/s, "
              f"{g['pictures']:.1f} pictures/s sent")


LAG = """(ms) => new Promise((resolve) => {
  let worst = 0, last = performance.now();
  const t0 = last;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (now - t0 < ms) setTimeout(tick, 0); else resolve(worst);
  };
  setTimeout(tick, 0);
})"""

STOP = """() => new Promise((resolve) => {
  const root = document.querySelector('[data-demo="images"]');
  const t0 = performance.now();
  root.querySelector('[data-action="play"]').click();
  const tick = () => root.dataset.state === "running" ? setTimeout(tick, 5) : resolve(performance.now() - t0);
  tick();
})"""

STEPS = """() => Object.fromEntries(["evolution", "sgd", "adam"].map((m) => [m,
  Number(document.querySelector(`[data-demo="images"] [data-role="${m}-step"]`).dataset.value)]))"""

PANELS = """() => Object.fromEntries(["evolution", "sgd", "adam"].map((m) => [m,
  Number(document.querySelector(`[data-demo="images"] [data-panel="${m}"]`).dataset.redraws || 0)]))"""


def chromium_rss_mb() -> float:
    """Resident memory of the Chromium processes this benchmark started (browser, renderers,
    GPU: every descendant of this process whose name says so), in MB."""
    parent, rss, name = {}, {}, {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        parent[pid] = int(fields.get("PPid", "0"))
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        name[pid] = fields.get("Name", "").strip()

    def ours(pid: int) -> bool:
        while pid > 1:
            if pid == os.getpid():
                return True
            pid = parent.get(pid, 0)
        return False

    return sum(rss[p] for p in rss if "chrom" in name[p] and ours(p)) / 1024


def memory(chromium, server) -> dict:
    """Chromium's memory with the site's one worker (the landscape page) and with the image
    race's three (its own page, each in a fresh browser context)."""
    out = {"browser_alone_mb": chromium_rss_mb()}
    for path, key in (("landscape/", "one_worker_mb"), ("images/", "three_workers_mb")):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(server.url + path)
        page.locator("[data-demo]").first.scroll_into_view_if_needed()
        page.locator('[data-demo][data-state="ready"]').first.wait_for(timeout=180_000)
        if path == "images/":
            page.evaluate("() => { document.querySelector('[data-demo=\"images\"]').dataset.lanes = 'on'; }")
            page.wait_for_function(
                "() => ['images-evolution', 'images-sgd'].every((n) => window.gde.worker().lanes[n]?.ready)",
                timeout=180_000)
        page.wait_for_timeout(3000)
        out[key] = chromium_rss_mb()
        context.close()
    return out


def browser(seconds: float, site_dir: str | None, only_one_worker: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.site_server import Server, build_site, launch

    out = {}
    with tempfile.TemporaryDirectory() as folder:
        site = Path(site_dir) if site_dir else Path(folder) / "site"
        server = Server(site)
        if not site_dir:
            done = build_site(site, site_url=server.url, strict=False)
            if done.returncode:
                raise SystemExit(f"the site did not build:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        with server, sync_playwright() as playwright:
            chromium = launch(playwright)
            if not only_one_worker:
                out["memory"] = memory(chromium, server)
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            t = time.perf_counter()
            page.goto(server.url + "images/")
            demo = page.locator('[data-demo="images"]')
            demo.scroll_into_view_if_needed()
            page.locator('[data-demo="images"][data-state="ready"]').wait_for(timeout=180_000)
            out["ready_s"] = time.perf_counter() - t
            # one worker per method (what the page does), measured beside the three in one worker:
            # the two workers of their own boot while the reader reads
            if only_one_worker:
                page.evaluate("() => { document.querySelector('[data-demo=\"images\"]').dataset.lanes = 'off'; }")
            else:
                page.evaluate("() => { document.querySelector('[data-demo=\"images\"]').dataset.lanes = 'on'; }")
                page.wait_for_function(
                    "() => ['images-evolution', 'images-sgd'].every((n) => window.gde.worker().lanes[n]?.ready)",
                    timeout=180_000)
                out["lanes_ready_s"] = time.perf_counter() - t
                out["lane_boot_ms"] = page.evaluate(
                    "() => Object.fromEntries(Object.entries(window.gde.worker().lanes).map(([n, l]) => [n, l.timings && l.timings.total]))")
            for size, lanes in (("32", "on"), ("32", "off"), ("64", "on"), ("64", "off")):
                if only_one_worker and lanes == "on":
                    continue
                page.evaluate("(lanes) => { document.querySelector('[data-demo=\"images\"]').dataset.lanes = lanes; }", lanes)
                demo.locator('[name="size"]').select_option(size)
                demo.locator('[name="budget"]').fill("1000000")
                page.wait_for_timeout(800)
                demo.locator('[data-action="play"]').click()
                page.wait_for_function("() => document.querySelector('[data-demo=\"images\"]').dataset.state === 'running'")
                page.wait_for_timeout(1000)  # past the first frames
                before, redraws0, t0 = page.evaluate(STEPS), int(demo.get_attribute("data-redraws") or 0), time.perf_counter()
                panels0 = page.evaluate(PANELS)
                lag = page.evaluate(LAG, int(seconds * 1000))
                after, redraws1, t1 = page.evaluate(STEPS), int(demo.get_attribute("data-redraws") or 0), time.perf_counter()
                panels1 = page.evaluate(PANELS)
                stop_ms = page.evaluate(STOP)
                rates = {m: (after[m] - before[m]) / (t1 - t0) for m in after}
                panel_rates = {m: (panels1[m] - panels0[m]) / (t1 - t0) for m in panels1}
                out[f"{size} lanes {lanes}"] = {**rates, "redraws_per_s": (redraws1 - redraws0) / (t1 - t0),
                             "panel_redraws_per_s": panel_rates,
                             "worst_timer_delay_ms": lag, "stop_ms": stop_ms}
                demo.locator('[data-action="reset"]').click()
                page.wait_for_timeout(500)
            chromium.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--no-pyodide", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--one-worker", action="store_true",
                        help="measure only the three methods in one worker, with no other worker started")
    parser.add_argument("--site", help="an already built site folder (built for its server's URL)")
    args = parser.parse_args()
    try:
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    results: dict = {}
    ns: dict = {}
    exec(CODE, ns)
    results["cpython"] = ns["measure"]()
    report("CPython", results["cpython"])
    if not args.no_pyodide:
        from tests._pyodide import run_for_benchmark

        there = run_for_benchmark(CODE + "\nresult = measure()\n")
        if there is not None:
            results["pyodide"] = there
            report("Pyodide", there)
    if not args.no_browser:
        b = browser(args.seconds, args.site, args.one_worker)
        results["browser"] = b
        print(f"browser  page ready (Pyodide booted) in {b['ready_s']:.1f} s")
        if "lanes_ready_s" in b:
            print(f"browser  the methods' own workers ready at {b['lanes_ready_s']:.1f} s (boot of each, ms: "
                  f"{b['lane_boot_ms']})")
        m = b.get("memory")
        if m:
            print(f"browser  memory of the benchmark's Chromium processes: {m['browser_alone_mb']:.0f} MB with "
                  f"no page, {m['one_worker_mb']:.0f} MB on a page with the shared worker, "
                  f"{m['three_workers_mb']:.0f} MB on the image race with its three")
        for key in ("32 lanes on", "32 lanes off", "64 lanes on", "64 lanes off"):
            if key not in b:
                continue
            r = b[key]
            size, _, lanes = key.partition(" lanes ")
            where = "a worker per method" if lanes == "on" else "the three in one worker"
            print(f"browser  {size}x{size} race, {where:23s}: Adam {r['adam']:.1f} steps/s, evolution "
                  f"{r['evolution']:.1f} rounds/s, SGD {r['sgd']:.0f} steps/s, "
                  f"{r['redraws_per_s']:.1f} redraws/s (new pictures per panel: "
                  + ", ".join(f"{m} {v:.1f}/s" for m, v in r["panel_redraws_per_s"].items())
                  + "); longest main-thread delay "
                  f"{r['worst_timer_delay_ms']:.0f} ms; Stop to ready {r['stop_ms']:.0f} ms")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
