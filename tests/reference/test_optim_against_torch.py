"""explainer_core.optim against torch.optim, step by step, for every option (float64).

Skipped when torch is not importable (torch is never a dependency of the project). Run it with
an interpreter that has torch, as a test or as a script:

    .venv-torch/bin/python tests/reference/test_optim_against_torch.py

Both optimizers get the same gradients: those of a quadratic with random curvature at the
current parameters plus a fixed stream of noise, so any difference in the update rule would
also change every later gradient.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from explainer_core import optim, schedules  # noqa: E402

STEPS = 60
D = 7

SGD_CASES = [
    dict(lr=lr, momentum=m, dampening=d, nesterov=n, weight_decay=wd)
    for lr, m, d, n, wd in itertools.product(
        [0.05, 0.3], [0.0, 0.5, 0.9], [0.0, 0.3], [False, True], [0.0, 0.01]
    )
    if not (n and (m == 0.0 or d != 0.0))
]
ADAM_CASES = [
    dict(lr=lr, b1=b1, b2=b2, eps=eps, weight_decay=wd)
    for lr, (b1, b2), eps, wd in itertools.product(
        [1e-3, 0.1], [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99)], [1e-8, 1e-3], [0.0, 0.05]
    )
]


def gradient_stream(seed: int):
    rng = np.random.default_rng(seed)
    curvature = rng.uniform(0.1, 3.0, D)
    noise = rng.standard_normal((STEPS, D)) * 0.3
    theta0 = rng.standard_normal(D)
    return theta0, lambda theta, t: curvature * theta + noise[t]


def run_ours(opt, theta0, grad):
    theta, state = theta0.copy(), opt.init(theta0)
    path = []
    for t in range(STEPS):
        theta, state = opt.step(theta, grad(theta, t), state)
        path.append(theta.copy())
    return np.array(path)


def run_torch(make_opt, theta0, grad, scheduler=None):
    import torch

    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    opt = make_opt([p])
    sched = scheduler(opt) if scheduler else None
    path = []
    for t in range(STEPS):
        p.grad = torch.tensor(grad(p.detach().numpy().copy(), t), dtype=torch.float64)
        opt.step()
        if sched:
            sched.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def max_relative_difference(a, b):
    """Largest |a - b| over the path, relative to the path's largest coordinate."""
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def compare_all() -> list[tuple[str, float]]:
    import torch

    results = []
    for i, case in enumerate(SGD_CASES):
        theta0, grad = gradient_stream(i)
        ours = run_ours(optim.sgd(**case), theta0, grad)
        theirs = run_torch(lambda ps: torch.optim.SGD(ps, foreach=False, **case), theta0, grad)
        results.append((f"sgd {case}", max_relative_difference(ours, theirs)))
    for i, case in enumerate(ADAM_CASES):
        theta0, grad = gradient_stream(100 + i)
        ours = run_ours(optim.adam(**case), theta0, grad)
        kw = dict(
            lr=case["lr"],
            betas=(case["b1"], case["b2"]),
            eps=case["eps"],
            weight_decay=case["weight_decay"],
            foreach=False,
        )
        theirs = run_torch(lambda ps: torch.optim.Adam(ps, **kw), theta0, grad)
        results.append((f"adam {case}", max_relative_difference(ours, theirs)))
    # schedules: torch's StepLR and CosineAnnealingLR update the rate after each step
    theta0, grad = gradient_stream(999)
    ours = run_ours(optim.sgd(schedules.step_decay(0.2, 10, 0.5), momentum=0.9), theta0, grad)
    theirs = run_torch(
        lambda ps: torch.optim.SGD(ps, lr=0.2, momentum=0.9, foreach=False),
        theta0,
        grad,
        lambda o: torch.optim.lr_scheduler.StepLR(o, 10, 0.5),
    )
    results.append(("sgd + step_decay vs StepLR", max_relative_difference(ours, theirs)))
    ours = run_ours(optim.adam(schedules.cosine(0.1, 40, 0.01)), theta0, grad)
    theirs = run_torch(
        lambda ps: torch.optim.Adam(ps, lr=0.1, foreach=False),
        theta0,
        grad,
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 40, 0.01),
    )
    # torch's cosine schedule is recursive and its rate leaves lr_min after T_max steps: compare
    # only the first T_max steps
    results.append(
        (
            "adam + cosine vs CosineAnnealingLR (40 steps)",
            max_relative_difference(ours[:40], theirs[:40]),
        )
    )
    # gradient clipping
    ours = run_ours(optim.clipped(optim.sgd(0.1), 0.5), theta0, grad)

    def clipped_step(ps):
        sgd = torch.optim.SGD(ps, lr=0.1, foreach=False)
        original = sgd.step

        def step():
            torch.nn.utils.clip_grad_norm_(ps, 0.5, foreach=False)
            original()

        sgd.step = step
        return sgd

    theirs = run_torch(clipped_step, theta0, grad)
    results.append(("clipped sgd vs clip_grad_norm_", max_relative_difference(ours, theirs)))
    return results


def test_optimizers_match_torch():
    import pytest

    pytest.importorskip("torch")
    for name, diff in compare_all():
        assert diff < 1e-12, name


if __name__ == "__main__":
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not importable here: nothing to compare")
        sys.exit(0)
    worst = 0.0
    for name, diff in compare_all():
        worst = max(worst, diff)
        print(f"{diff:9.2e}  {name}")
    print(
        f"{len(SGD_CASES)} SGD and {len(ADAM_CASES)} Adam settings, {STEPS} steps each; "
        f"largest relative difference {worst:.2e}"
    )
    sys.exit(0 if worst < 1e-12 else 1)
