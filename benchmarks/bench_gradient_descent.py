"""The chapter "Gradient descent" timed: CPython and Pyodide (under Node), side by side.

    .venv/bin/python benchmarks/bench_gradient_descent.py [--rounds 3] [--no-pyodide]

Measured, best of `--rounds`:

1. the three demos through the worker's JSON entry points (`demos.call`, and `demos.start` /
   `advance` in 30 ms chunks as the worker cuts them): the backprop table and one gradient step;
   the learning-rate demo's default run (300 full-batch steps) and its divergence at 0.3; the
   batches demo at B = 1 at equal steps and at equal compute (25,600 steps), and "Run all 5 seeds"
   at B = 1 and equal compute (the slowest thing a reader can ask for);
2. the chapter's build-time work behind the page's numbers and charts: the six learning-rate
   curves, and every batch size and seed at both budgets (`batch_results`).

Prints one line per figure, CPython beside Pyodide, then the whole result as JSON.
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
from explainer_core.chapters import gradient_descent as chapter


def call(demo, method, **args):
    out = json.loads(demos.call(json.dumps({"demo": demo, "method": method, "args": args})))
    assert out["ok"], out


def stream(demo, method, **args):
    run = demos.start(json.dumps({"demo": demo, "method": method, "args": args}))
    frames = 0
    while True:
        chunk = json.loads(run.advance(100_000, 30))
        assert chunk["ok"], chunk
        frames += len(chunk["frames"])
        if chunk["done"]:
            return frames


CASES = {
    "backprop table": lambda: call("gradient-descent-backprop", "table"),
    "backprop one step": lambda: call("gradient-descent-backprop", "step", lr="0.1"),
    "lr demo, 300 steps at 0.1": lambda: stream("gradient-descent", "train", lr="0.1"),
    "lr demo, diverges at 0.3": lambda: stream("gradient-descent", "train", lr="0.3"),
    "batches B=1, equal steps": lambda: stream("gradient-descent-batches", "train", batch_size="1"),
    "batches B=1, equal compute": lambda: stream("gradient-descent-batches", "train",
                                                 batch_size="1", budget="compute"),
    "5 seeds, B=1, equal compute": lambda: stream("gradient-descent-batches", "seeds",
                                                  batch_size="1", budget="compute"),
}


def build_time():
    chapter._BATCH_CACHE.clear()
    t = time.perf_counter()
    for lr in chapter.LEARNING_RATES:
        chapter.lr_curve(lr)
    curves = time.perf_counter() - t
    t = time.perf_counter()
    chapter.batch_results("steps")
    chapter.batch_results("compute")
    return {"learning-rate curves": curves, "batch_results (both budgets)": time.perf_counter() - t}


def measure(rounds):
    out = {}
    for name, case in CASES.items():
        best = float("inf")
        for _ in range(rounds):
            t = time.perf_counter()
            case()
            best = min(best, time.perf_counter() - t)
        out[name] = best
    out.update(build_time())
    return out
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    args = parser.parse_args()
    try:
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    ns: dict = {}
    exec(CODE, ns)
    results = {"cpython": ns["measure"](args.rounds)}
    if not args.no_pyodide:
        from tests._pyodide import run_for_benchmark

        there = run_for_benchmark(CODE + f"\nresult = measure({args.rounds})\n")
        if there is not None:
            results["pyodide"] = there
    print(f"{'':32s} {'CPython':>10s} {'Pyodide':>10s} {'ratio':>7s}")
    for name, here in results["cpython"].items():
        there = results.get("pyodide", {}).get(name)
        extra = f"{there:9.3f}s {there / here:6.2f}x" if there is not None else f"{'-':>10s}"
        print(f"{name:32s} {here:9.3f}s {extra}")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
