"""The chapter "Where evolution still wins" timed: CPython and Pyodide under Node, side by side.

    .venv/bin/python benchmarks/bench_evolution_wins.py [--rounds 3] [--no-pyodide]

1. the build-time computations of the page's values and charts (the binary-step race, the
   integer-weight search, the divergence experiment over 20 runs of both methods, the many-start
   experiment with its 64 aligned pairs), in seconds, best of `--rounds`;
2. the demo's race (both methods, 300 generations, frames and maps included) through the
   worker's JSON entry point (`demos.start` / `advance`, 30 ms chunks as the worker cuts them):
   seconds, and generations per second; and the same for 5,000 generations.

Prints one line per figure, then the whole result as JSON. No goals are asserted here.
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
import json, time
from explainer_core import demos
from explainer_core.chapters import evolution_wins as chapter


def best(f, rounds):
    times = []
    for _ in range(rounds):
        chapter._CACHE.clear()  # the chapter keeps the page's runs: time them afresh
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def race(generations):
    stream = demos.start(json.dumps({"demo": "evolution-wins", "method": "race",
                                     "args": {"generations": str(generations)}}))
    t = time.perf_counter()
    frames = 0
    while True:
        chunk = json.loads(stream.advance(100_000, 30))
        frames += len(chunk["frames"])
        if chunk["done"]:
            break
    return time.perf_counter() - t, frames


def measure(rounds):
    out = {
        "race_summary_s": best(lambda: chapter.race_summary(0), rounds),
        "integer_search_s": best(lambda: chapter.integer_search(0), rounds),
        "divergence_summary_s": best(lambda: chapter.divergence_summary(), rounds),
        "many_starts_s": best(lambda: chapter.many_starts(), 1),
    }
    for g in (300, 5000):
        seconds, frames = race(g)
        out[f"demo_race_{g}_s"] = seconds
        out[f"demo_race_{g}_per_s"] = g / seconds
        out[f"demo_race_{g}_frames"] = frames
    return out
'''


def report(where: str, r: dict) -> None:
    for key, value in r.items():
        unit = "" if key.endswith(("_frames", "_per_s")) else " s"
        print(f"{where:8s} {key:28s} {value:10.3f}{unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
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
            for key, value in there.items():
                if key.endswith("_s"):
                    print(f"Pyodide/CPython {key:28s}: {value / results['cpython'][key]:.2f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
