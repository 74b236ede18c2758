"""A 41 x 41 filter-normalised slice of a 10,000-parameter network: CPython and Pyodide times.

    python benchmarks/bench_landscape.py [--repeats 3] [--no-pyodide]

Measured side by side in one run, on the same machine, with the same code and seed:

1. CPython, `landscape.slice_2d` with the default memory budget (chunks of parameter vectors
   through `nets.forward_population`);
2. CPython, the same slice one grid point at a time with `nets.forward` (the reference a
   vectorised slice should beat; its losses must agree to 1e-12);
3. CPython, the vectorised slice with a budget of 4 MiB instead of 32 MiB (what the chunk size
   costs);
4. Pyodide 0.27.7 under Node, the vectorised slice (1) run by the same source.

Prints the times (best of `--repeats`), the ratios, and the peak size of the arrays per chunk.
CPython's BLAS runs on one thread unless `OPENBLAS_NUM_THREADS` says otherwise: Pyodide has one,
and on a machine shared with other jobs a multithreaded BLAS makes the timings erratic.
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

# Layer sizes with D = 3*100 + 101*96 + 97*1 = 10,093 parameters, on 256 two-dimensional points.
SIZES = (2, 100, 96, 1)
N_POINTS = 256
GRID = 41

SETUP = f"""
import time
import numpy as np
from explainer_core import landscape, nets

SIZES, N_POINTS, GRID = {SIZES!r}, {N_POINTS}, {GRID}
rng = np.random.default_rng(0)
X = rng.uniform(-1.0, 1.0, size=(N_POINTS, 2))
y = np.sin(3.0 * X[:, :1]) * np.cos(2.0 * X[:, 1:])
theta = nets.init_params(SIZES, rng, "xavier")
d1 = landscape.filter_normalized_direction(theta, SIZES, rng)
d2 = landscape.filter_normalized_direction(theta, SIZES, rng)


def vectorised(budget=landscape.MEMORY_BUDGET_BYTES):
    loss = landscape.network_loss(SIZES, X, y, memory_budget=budget)
    return landscape.slice_2d(loss, theta, d1, d2, (-1, 1), (-1, 1), n=GRID,
                              chunk_rows=max(1, budget // (8 * theta.size))).loss


def best_of(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out
"""


def per_point(ns) -> object:
    np, nets = ns["np"], ns["nets"]
    theta, d1, d2, X, y = ns["theta"], ns["d1"], ns["d2"], ns["X"], ns["y"]
    xs = np.linspace(-1, 1, GRID)
    out = np.empty((GRID, GRID))
    for j, b in enumerate(xs):
        for i, a in enumerate(xs):
            pred = nets.forward(theta + a * d1 + b * d2, SIZES, X)
            out[j, i] = np.mean((pred - y) ** 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    args = parser.parse_args()

    ns: dict = {}
    exec(SETUP, ns)
    np = ns["np"]
    D = int(ns["theta"].size)
    budget = ns["landscape"].MEMORY_BUDGET_BYTES
    per_vector = 8 * (D + 2 * N_POINTS * sum(SIZES[1:]))
    print(f"network {SIZES}: D = {D} parameters, N = {N_POINTS} points, grid {GRID} x {GRID}, "
          f"tanh; BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}")
    print(
        f"memory budget {budget / 2**20:.0f} MiB per chunk: {max(1, budget // (8 * D))} "
        f"parameter vectors per slice chunk, {max(1, budget // per_vector)} networks per "
        f"forward call (~{per_vector / 2**10:.0f} KiB each)"
    )

    t_vec, loss_vec = ns["best_of"](ns["vectorised"], args.repeats)
    t_loop, loss_loop = ns["best_of"](lambda: per_point(ns), 1)
    t_small, loss_small = ns["best_of"](lambda: ns["vectorised"](4 * 2**20), args.repeats)
    agree = float(np.max(np.abs(loss_vec - loss_loop)))
    assert agree < 1e-12 and np.array_equal(loss_vec, loss_small), agree
    print(f"CPython  vectorised slice_2d (32 MiB):   {t_vec:8.3f} s")
    print(f"CPython  vectorised slice_2d (4 MiB):    {t_small:8.3f} s   ({t_small / t_vec:.2f}x)")
    print(f"CPython  one point at a time (forward):  {t_loop:8.3f} s   "
          f"(vectorised is {t_loop / t_vec:.2f}x faster; max |diff| {agree:.1e})")

    if args.no_pyodide:
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from _pyodide import run_for_benchmark

    result = run_for_benchmark(SETUP + (
        f"\nt, out = best_of(vectorised, {args.repeats})\n"
        "result = {'seconds': t, 'checksum': float(out.sum()), 'numpy': np.__version__}\n"
    ))
    if result is None:
        return
    t_py = result["seconds"]
    same = abs(result["checksum"] - float(loss_vec.sum())) <= 1e-9 * abs(float(loss_vec.sum()))
    print(f"Pyodide  vectorised slice_2d (32 MiB):   {t_py:8.3f} s   "
          f"({t_py / t_vec:.2f}x CPython; numpy {result['numpy']}; same losses: {same})")
    print(json.dumps({"cpython_s": t_vec, "cpython_loop_s": t_loop, "cpython_4mib_s": t_small,
                      "pyodide_s": t_py, "parameters": D}))


if __name__ == "__main__":
    main()
