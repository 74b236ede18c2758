"""Adam steps per second on a small MLP: explainer_core vs PyTorch, and CPython vs Pyodide.

    python benchmarks/bench_gradient.py [--steps 2000] [--repeats 3] [--no-pyodide]
    .venv-torch/bin/python benchmarks/bench_gradient.py     # with PyTorch in the same run

(a separate venv: python3 -m venv .venv-torch && .venv-torch/bin/pip install torch==2.13.0 numpy)

Measured side by side in one run, on the same machine, same network and data:

1. explainer_core: 2-32-32-1 tanh MLP, 256 points, float64, full-batch MSE; one step is
   `nets.backprop` + `optim.adam(...).step` (the inner loop of `train.run`); also through the
   whole driver `train.run` (records every 100 steps);
2. PyTorch CPU, one thread, the same network in float64: zero_grad, forward, MSE, backward,
   `torch.optim.Adam.step` (only when `import torch` works in this interpreter; torch is never a
   dependency of explainer_core or its tests);
3. the same explainer_core loop inside Pyodide 0.27.7 under Node (tests/_pyodide.py);
4. population forward throughput: P = 10, 100, 1000 networks on the 256 points with one
   `nets.forward_population` call, against a Python loop of `nets.forward` over individuals.

Prints steps per second (best of `--repeats`) and the ratios. BLAS runs on one thread in both
libraries (Pyodide has one), which also keeps timings steady on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (2, 32, 32, 1)
N_POINTS = 256

# Runs unchanged in CPython and in Pyodide; defines numpy_steps_per_second(steps, repeats).
NUMPY_CODE = f"""
import time
import numpy as np
from explainer_core import activations, losses, nets, optim, train

SIZES, N_POINTS = {SIZES!r}, {N_POINTS}
rng = np.random.default_rng(0)
X = rng.uniform(-1.0, 1.0, size=(N_POINTS, 2))
y = np.sin(3.0 * X[:, :1]) * np.cos(2.0 * X[:, 1:])
theta0 = nets.init_params(SIZES, rng, "xavier")
mse, tanh, identity = losses.get("mse"), activations.get("tanh"), activations.get("identity")


def numpy_loop(steps, activation=tanh):
    opt = optim.adam(1e-3)
    theta, state = theta0.copy(), opt.init(theta0)
    for _ in range(steps):
        value, grad = nets.backprop(theta, SIZES, X, y, mse, activation, identity)
        theta, state = opt.step(theta, grad, state)
    return value


def driver_loop(steps):
    task = train.network_task(SIZES, X, y, loss="mse", activation="tanh")
    records = list(train.run(task, optim.adam(1e-3), theta0, steps=steps, record_every=100))
    return records[-1]["loss"]


def best_rate(loop, steps, repeats):
    loop(10)  # warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        loop(steps)
        best = min(best, time.perf_counter() - start)
    return steps / best


def numpy_steps_per_second(steps, repeats):
    return best_rate(numpy_loop, steps, repeats)


def relu_loop(steps):
    return numpy_loop(steps, activations.get("relu"))


def driver_steps_per_second(steps, repeats):
    return best_rate(driver_loop, steps, repeats)
"""


def torch_loop(activation: str = "tanh"):
    """A function running n PyTorch Adam steps, or None when torch is not importable."""
    try:
        import torch
    except ImportError:
        return None
    import numpy as np

    from explainer_core import nets

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.0, 1.0, size=(N_POINTS, 2))
    y = np.sin(3.0 * X[:, :1]) * np.cos(2.0 * X[:, 1:])
    theta0 = nets.init_params(SIZES, rng, "xavier")
    Xt, yt = torch.tensor(X), torch.tensor(y)

    def make():
        act = torch.nn.Tanh if activation == "tanh" else torch.nn.ReLU
        model = torch.nn.Sequential(
            torch.nn.Linear(2, 32),
            act(),
            torch.nn.Linear(32, 32),
            act(),
            torch.nn.Linear(32, 1),
        ).double()
        with torch.no_grad():  # the same starting point as explainer_core
            linears = [m for m in model if isinstance(m, torch.nn.Linear)]
            for layer, (W, b) in zip(linears, nets.unravel(theta0, SIZES)):
                layer.weight.copy_(torch.tensor(W.T))
                layer.bias.copy_(torch.tensor(b))
        return model

    def loop(n):
        model = make()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.MSELoss()
        for _ in range(n):
            opt.zero_grad()
            loss = loss_fn(model(Xt), yt)
            loss.backward()
            opt.step()
        return loss.item()

    return loop


def interleaved_rates(loops: dict, steps: int, repeats: int) -> dict:
    """Steps per second of each loop, best of `repeats`, the loops taking turns.

    Taking turns (a, b, a, b, ...) rather than (a, a, ..., b, b, ...) exposes every loop to the
    same background load of a shared machine.
    """
    for loop in loops.values():
        loop(10)  # warm up
    best = {name: float("inf") for name in loops}
    for _ in range(repeats):
        for name, loop in loops.items():
            start = time.perf_counter()
            loop(steps)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: steps / t for name, t in best.items()}


def population_throughput(repeats: int) -> list[dict]:
    """Network evaluations per second: one population call vs a Python loop over individuals."""
    import numpy as np

    from explainer_core import nets

    rng = np.random.default_rng(1)
    rows = []
    for n_points in (16, N_POINTS):
        X = rng.uniform(-1.0, 1.0, size=(n_points, 2))
        for P in (10, 100, 1000):
            thetas = rng.standard_normal((P, nets.param_count(SIZES))) * 0.3

            def vectorised():
                return nets.forward_population(thetas, SIZES, X, "tanh")

            def looped():
                return np.stack([nets.forward(t, SIZES, X, "tanh") for t in thetas])

            assert np.allclose(vectorised(), looped(), rtol=1e-12, atol=1e-13)
            best = {"population": float("inf"), "loop": float("inf")}
            for _ in range(repeats):
                for name, fn in (("population", vectorised), ("loop", looped)):
                    start = time.perf_counter()
                    fn()
                    best[name] = min(best[name], time.perf_counter() - start)
            rows.append(
                {
                    "N": n_points,
                    "P": P,
                    "networks_per_s_population": P / best["population"],
                    "networks_per_s_loop": P / best["loop"],
                    "speedup": best["loop"] / best["population"],
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-pyodide", action="store_true")
    args = parser.parse_args()

    namespace: dict = {}
    exec(compile(NUMPY_CODE, "<bench>", "exec"), namespace)
    import numpy

    print(
        f"network {'-'.join(map(str, SIZES))} tanh, {N_POINTS} points, float64, full-batch MSE, "
        f"Adam; best of {args.repeats} x {args.steps} steps"
    )
    print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}")
    loops = {
        "numpy": namespace["numpy_loop"],
        "driver": namespace["driver_loop"],
        "numpy_relu": namespace["relu_loop"],
    }
    have_torch = torch_loop() is not None
    if have_torch:
        loops["torch"] = torch_loop("tanh")
        loops["torch_relu"] = torch_loop("relu")
    rates = interleaved_rates(loops, args.steps, args.repeats)
    ours = rates["numpy"]
    print(f"explainer_core (CPython), tanh, backprop + adam.step : {ours:8.0f} steps/s")
    print(f"explainer_core (CPython), tanh, train.run driver     : {rates['driver']:8.0f} steps/s")
    print(
        f"explainer_core (CPython), relu, backprop + adam.step : {rates['numpy_relu']:8.0f} steps/s"
    )
    if not have_torch:
        print(
            "PyTorch: not importable in this interpreter; run with an interpreter that has "
            "torch (e.g. .venv-torch/bin/python) to compare"
        )
    else:
        import torch

        print(f"PyTorch {torch.__version__} CPU, 1 thread, tanh   : {rates['torch']:8.0f} steps/s")
        print(
            f"PyTorch {torch.__version__} CPU, 1 thread, relu   : {rates['torch_relu']:8.0f} steps/s"
        )
        print(
            f"  explainer_core / PyTorch: tanh {ours / rates['torch']:.2f}x, "
            f"relu {rates['numpy_relu'] / rates['torch_relu']:.2f}x  (goal >= 3x)"
        )

    if not args.no_pyodide:
        from tests._pyodide import run_for_benchmark

        there = run_for_benchmark(NUMPY_CODE + (
            f"\nresult = [numpy_steps_per_second({args.steps}, {args.repeats}), "
            f"driver_steps_per_second({args.steps}, {args.repeats})]\n"
        ))
        if there is not None:
            in_browser, driver_browser = there
            print(f"explainer_core (Pyodide), backprop + adam.step : {in_browser:10.0f} steps/s")
            print(
                f"explainer_core (Pyodide), train.run driver     : {driver_browser:10.0f} steps/s"
            )
            print(f"  Pyodide is {ours / in_browser:.2f}x slower than CPython (goal <= 4x)")

    print("population forward, 2-32-32-1 tanh (networks evaluated per second):")
    for row in population_throughput(args.repeats):
        print(
            f"  N = {row['N']:3d} points, P = {row['P']:4d}: one call "
            f"{row['networks_per_s_population']:9.0f}/s, "
            f"Python loop {row['networks_per_s_loop']:9.0f}/s, speed-up {row['speedup']:.1f}x"
        )


if __name__ == "__main__":
    main()
