"""Benchmark of the neuroevolution chapter on CPython: the demo's calls and frames, the chapter's
build-time values and charts. Prints measured figures side by side; asserts nothing.

    .venv/bin/python benchmarks/bench_neuroevolution.py

The browser figure (updates per second of the default run in Pyodide) is printed by
tests/browser/test_neuroevolution_page.py (run it with -s).
"""

from __future__ import annotations

import time

from explainer_core.chapters import neuroevolution as chapter
from explainer_core.demos import neuroevolution as demo


def timed(fn, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    print("demo (CPython)")
    print(f"{'network':8} {'runs':>5} {'mutations':>9} {'setup s':>8} {'run s':>7} {'frames':>6} "
          f"{'ms/frame':>8} {'frames/s':>8}")
    for network in ("shallow", "deep"):
        for runs, mutations in ((1, 250), (100, 250), (200, 250), (100, 3000)):
            args = dict(runs=str(runs), mutations=str(mutations), network=network)
            demo._PATHS.clear()
            setup_s, _ = timed(lambda: demo.setup(**args))
            run_s, frames = timed(lambda: list(demo.run(**args)))
            n = len(frames)
            print(f"{network:8} {runs:5d} {mutations:9d} {setup_s:8.3f} {run_s:7.3f} {n:6d} "
                  f"{1000 * run_s / n:8.2f} {n / run_s:8.1f}")
    print()
    print("build-time values and charts (CPython)")
    for network in ("shallow", "deep"):
        chapter._RECORDS.clear()
        s, _ = timed(lambda: chapter.records(network))
        print(f"  records({network!r}) for the charts and values: {s:6.2f} s")
    s, _ = timed(lambda: [chapter.measured_step(0.02, b, n, quantity="along")
                          for b in ("inf", 10.0) for n in ("shallow", "deep")])
    print(f"  four measured steps (20,000 mutations each):      {s:6.2f} s")


if __name__ == "__main__":
    main()
