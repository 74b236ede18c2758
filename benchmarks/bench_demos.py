"""Steps per second of the live demos' runs, in CPython and in Pyodide (what a reader waits for).

    python benchmarks/bench_demos.py [--repeats 3] [--no-pyodide]

Each workload drives a demo's own streaming entry point (`explainer_core.demos.<module>`) to its
end, exactly as the worker does, and counts the frames it yields:

1. landscape, gradient descent: `train(a=-2, b=3, lr=0.01, max_steps=2000)` (the loss keeps
   falling, so all 2,000 steps run);
2. landscape, local search: 8 neighbours of step size 0.05 for 2,000 rounds;
3. the optimizer race on the sine network (five methods, the chart's 500 steps of compute).

Prints frames per second (best of `--repeats`) in both runtimes and their ratio, from one run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CODE = r'''
import importlib
import time

from explainer_core import demos

RACE = "real-landscapes" if "real-landscapes" in demos.DEMOS else "race"  # its older name


def module(name):
    return importlib.import_module("explainer_core.demos." + name.replace("-", "_"))


WORKLOADS = {
    "landscape, gradient descent (2,000 steps)": lambda: module("landscape").train(
        a=-2, b=3, lr="0.01", max_steps="2000", tolerance=-1.0),
    "landscape, local search (2,000 rounds)": lambda: module("landscape").train(
        a=-2, b=3, method="local_search", neighbours="8", step_size="0.05", max_steps="2000",
        tolerance=-1.0),
    "optimizer race, sine network": lambda: module(RACE).run(task="sine"),
}


def frames_per_second(make, repeats):
    best = 0.0
    for _ in range(repeats):
        start, count = time.perf_counter(), 0
        for _frame in make():
            count += 1
        best = max(best, count / (time.perf_counter() - start))
    return best
'''


def measure(repeats: int) -> str:
    return CODE + f"\nresult = {{k: frames_per_second(f, {repeats}) for k, f in WORKLOADS.items()}}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    args = parser.parse_args()

    namespace: dict = {}
    exec(compile(measure(args.repeats), "<bench>", "exec"), namespace)
    here = namespace["result"]
    there = None
    if not args.no_pyodide:
        sys.path.insert(0, str(ROOT / "tests"))
        from _pyodide import run_for_benchmark

        there = run_for_benchmark(measure(args.repeats))
    for name, rate in here.items():
        line = f"{name:45s} CPython {rate:9.0f} frames/s"
        if there:
            line += f"   Pyodide {there[name]:9.0f} frames/s   ({rate / there[name]:.2f}x slower)"
        print(line)


if __name__ == "__main__":
    main()
