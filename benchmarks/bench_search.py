"""Generations per second of evolution on a 1-16-16-1 network over 256 points, CPython and Pyodide.

    python benchmarks/bench_search.py [--seconds 1.0] [--no-pyodide]

Measured side by side in one run, same code, same seed, for populations P = 10, 100, 1000:

1. vectorized: `search.local_search` driven by `search.run` on a `train.network_task`, whose
   population loss evaluates all P children in one `nets.forward_population` call;
2. loop: the same ask/tell, but the losses computed one child at a time with `nets.forward`
   (what the vectorized call must beat; both give the same losses to 1e-12).

Each figure is generations per second over at least `--seconds` of running (best of 3 blocks).
The browser demos need P = 100 at 20 generations per second or more in Pyodide; the script
prints whether that holds. CPython's BLAS runs on one thread (Pyodide has one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETUP = r'''
import time
import numpy as np
from explainer_core import losses, nets, search, train

SIZES, N_POINTS = (1, 16, 16, 1), 256
rng = np.random.default_rng(0)
X = np.linspace(-1.0, 1.0, N_POINTS)[:, None]
y = np.sin(3.0 * X)
task = train.network_task(SIZES, X, y, loss="mse", activation="tanh")
theta0 = nets.init_params(SIZES, rng, "xavier")


def loop_loss(population, rows=None):
    return np.array([float(np.mean((nets.forward(p, SIZES, X) - y) ** 2)) for p in population])


def rate(population, vectorized, seconds):
    """Best of 3 blocks of generations per second, each block at least `seconds` / 3 long.

    The generations are those of `search.run` (one record per generation, as a demo streams).
    """
    method = search.local_search(population, 0.05)
    loss_fn = task if vectorized else loop_loss
    best = 0.0
    for block in range(3):
        records = search.run(method, loss_fn, theta0, np.random.default_rng(block),
                             generations=10**7, theta_dims=0, examples=N_POINTS)
        next(records)  # the starting point
        count, start = 0, time.perf_counter()
        for record in records:
            count += 1
            if time.perf_counter() - start >= seconds / 3 and count >= 2:
                break
        best = max(best, count / (time.perf_counter() - start))
    return best


def agree(population):
    children = theta0 + 0.05 * np.random.default_rng(3).standard_normal((population, theta0.size))
    return float(np.max(np.abs(task.population_loss(children, None) - loop_loss(children))))


def measure(seconds, populations=(10, 100, 1000)):
    out = {}
    for population in populations:
        out[population] = {"vectorized": rate(population, True, seconds),
                           "loop": rate(population, False, seconds),
                           "max_diff": agree(population)}
    return out
'''


def report(label: str, results: dict) -> None:
    for population, r in sorted(results.items(), key=lambda kv: int(kv[0])):
        print(f"{label:8s} P = {int(population):5d}: vectorized {r['vectorized']:9.1f} gen/s, "
              f"loop {r['loop']:8.1f} gen/s, vectorized/loop {r['vectorized'] / r['loop']:6.1f}x "
              f"(max |loss diff| {r['max_diff']:.1e})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--no-pyodide", action="store_true")
    args = parser.parse_args()

    ns: dict = {}
    exec(SETUP, ns)
    D = int(ns["theta0"].size)
    print(f"network {ns['SIZES']}: D = {D} parameters, N = {ns['N_POINTS']} points, tanh, "
          f"local_search(P, 0.05); BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}")
    here = ns["measure"](args.seconds)
    report("CPython", here)

    if args.no_pyodide:
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from _pyodide import run_for_benchmark

    there = run_for_benchmark(SETUP + f"\nresult = measure({args.seconds!r})\n")
    if there is None:
        return
    there = {int(k): v for k, v in there.items()}
    report("Pyodide", there)
    for population in sorted(here):
        print(f"Pyodide/CPython P = {population:5d}: vectorized "
              f"{there[population]['vectorized'] / here[population]['vectorized']:.2f}, "
              f"loop {there[population]['loop'] / here[population]['loop']:.2f}")
    live = there[100]["vectorized"]
    verdict = "meets" if live >= 20 else "MISSES"
    print(f"Pyodide P = 100: {live:.1f} generations per second ({verdict} the 20 gen/s target)")
    print(json.dumps({"cpython": here, "pyodide": there}))


if __name__ == "__main__":
    main()
