"""The verdict chapter timed: its build-time numbers, its chart's data and the demo's race.

    .venv/bin/python benchmarks/bench_conclusion.py [--rounds 3] [--no-pyodide]

Measured side by side, CPython and (when Node and Pyodide are available) Pyodide under Node:

1. the page's `[[value: conclusion.*]]` numbers computed from scratch (no cache): seconds for
   all of them, and the slowest one;
2. the chart `conclusion_race`'s data (the race on the three tasks at 60,000 forward passes);
3. the demo's race through the worker's JSON entry point (`demos.start` / `advance`, 30 ms
   chunks as the worker cuts them), per task at the defaults, and the sphere at D = 10,000 with
   the largest budget (300,000) for its first 15 s: seconds, frames per second, and the longest
   chunk (what bounds the time Stop takes between chunks).

Prints one line per figure, then the whole result as JSON. The browser's own figures (the
default race from Play to "Done", and Stop) are printed by tests/browser/test_conclusion_page.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODE = r'''
import json, re, time
from explainer_core import demos
from explainer_core.chapters import conclusion as chapter

ROUNDS = __ROUNDS__
TEXT = __TEXT__
INLINE = re.compile(r"\[\[\s*value\s*:\s*conclusion\.(?P<name>\w+)(?P<opts>[^\]]*)\]\]")


def typed(text):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def values():
    t0, slowest = time.perf_counter(), (0.0, "")
    for m in INLINE.finditer(TEXT):
        opts = dict(o.split("=", 1) for o in m["opts"].split())
        opts.pop("format", None)
        t = time.perf_counter()
        getattr(chapter, m["name"])(**{k: typed(v) for k, v in opts.items()})
        slowest = max(slowest, (time.perf_counter() - t, m["name"] + " " + m["opts"].strip()))
    return {"seconds": time.perf_counter() - t0, "slowest": slowest[0], "slowest_name": slowest[1]}


def chart_data():
    t = time.perf_counter()
    for task in chapter.TASKS:
        chapter.race(task, budget=chapter.BUDGET, points=60)
    return {"seconds": time.perf_counter() - t}


def race(args, limit=None):
    """The race to its end (or for `limit` seconds): seconds, frames (full ones), longest chunk."""
    t = time.perf_counter()
    stream = demos.start(json.dumps({"demo": "conclusion", "method": "race", "args": args}))
    frames, longest = 0, 0.0
    while True:
        c0 = time.perf_counter()
        chunk = json.loads(stream.advance(1000, 30))
        longest = max(longest, time.perf_counter() - c0)
        frames += sum(1 for f in chunk["frames"] if not f.get("tick"))
        if chunk["done"] or (limit and time.perf_counter() - t > limit):
            break
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "frames": frames, "longest_chunk_ms": 1000 * longest}


out = {"values": min((values() for _ in range(ROUNDS)), key=lambda r: r["seconds"]),
       "chart data": min((chart_data() for _ in range(ROUNDS)), key=lambda r: r["seconds"])}
for task in chapter.TASKS:
    out[f"race {task}"] = min((race({"task": task}) for _ in range(ROUNDS)), key=lambda r: r["seconds"])
out["race sphere D=10000 budget=300000, first 15 s"] = race(
    {"task": "sphere", "dimension": "10000", "budget": "300000"}, limit=15)
result = out
'''


def report(label, results):
    for key, r in results.items():
        if key == "values":
            print(f"{label:8s} page values (all, uncached): {r['seconds']:6.2f} s; slowest "
                  f"{r['slowest']:.2f} s ({r['slowest_name']})")
        elif key == "chart data":
            print(f"{label:8s} chart data conclusion_race: {r['seconds']:6.2f} s")
        else:
            print(f"{label:8s} demo {key:36s}: {r['seconds']:6.2f} s, {r['frames']} frames "
                  f"({r['frames'] / r['seconds']:.0f}/s), longest chunk {r['longest_chunk_ms']:.0f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-pyodide", action="store_true")
    args = parser.parse_args()
    code = CODE.replace("__ROUNDS__", str(args.rounds)).replace(
        "__TEXT__", repr((ROOT / "docs" / "conclusion.md").read_text()))
    results = {}
    from tests._pyodide import run_for_benchmark, run_here
    results["cpython"] = run_here(code)
    report("cpython", results["cpython"])
    if not args.no_pyodide:
        there = run_for_benchmark(code)
        if there is not None:
            results["pyodide"] = there
            report("pyodide", there)
        else:
            print("pyodide  (not available: Node or Pyodide missing)")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
