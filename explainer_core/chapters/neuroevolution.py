"""Neuroevolution, averaged over runs, is gradient descent (Whitelam et al. 2021).

Whitelam, Selin, Park & Tamblyn, "Correspondence between neuroevolution and gradient descent",
Nat. Commun. 12, 6317 (2021), arXiv:2008.06643.

The algorithm (`search.metropolis`): mutate every weight, x -> x + eps, eps ~ N(0, sigma^2 I),
accept with probability min(1, exp(-beta dU)), dU = U(x + eps) - U(x).

Derivation of the mean step. For small sigma, dU = eps . g + O(sigma^2) with g = grad U(x).
Split eps = sigma z g_hat + eps_perp, z ~ N(0, 1), g_hat = g / |g|, eps_perp independent of z and
of mean zero. The acceptance depends on z only, so eps_perp averages out and

    E[dx] = sigma g_hat E[z a(b z)],   a(s) = min(1, exp(-s)),   b = beta sigma |g|.

With phi, Phi the standard normal density and distribution:

    E[z a(b z)] = E[z; z <= 0] + E[z exp(-b z); z > 0]
                = -phi(0) + exp(b^2/2) (phi(b) - b Phi(-b))      (complete the square)
                = -b exp(b^2/2) Phi(-b)                           (exp(b^2/2) phi(b) = phi(0)).

So, exactly for a locally linear loss, E[dx] = -sigma b exp(b^2/2) Phi(-b) g_hat (`mean_step`).
Two limits:

* beta = inf (b -> inf, Phi(-b) ~ phi(b) / b): E[dx] = -(sigma / sqrt(2 pi)) g / |g|, a step of
  normalised gradient descent. Written as gradient descent with learning rate alpha and a number
  lambda of descent steps per mutation, sigma / sqrt(2 pi) = lambda alpha, i.e.
  sigma = sqrt(2 pi) lambda alpha, and n mutations cover the time t = alpha lambda n of the flow
  dx/dt = -g / |g|, on which descent at rate alpha takes t / alpha steps.
* finite beta, b -> 0 (Phi(0) = 1/2): E[dx] = -(beta sigma^2 / 2) g, a step of plain gradient
  descent with learning rate alpha = beta sigma^2 / 2, time t = alpha n.

Around the mean each step adds noise of variance ~ sigma^2 per weight: neuroevolution is
gradient descent plus Gaussian white noise. Averaging R independent runs divides the noise's
variance by R; the neglected O(sigma^2) terms vanish as sigma -> 0. Hence the measured distance

    Delta(t) = 1/D |<x>_R(t) - x_GD(t)|^2

between the run-averaged parameters and gradient descent shrinks as sigma shrinks and as R
grows, which is what `neuroevolution_vs_gradient_descent` returns and the tests check.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from .. import datasets, nets, optim, search, train, validate

Array = np.ndarray


def mean_step(sigma: float, beta: float, grad_norm: float) -> float:
    """Expected move along -grad U per mutation for a locally linear loss (see the docstring).

    sigma * b * exp(b^2/2) * Phi(-b), b = beta * sigma * |grad U|; sigma / sqrt(2 pi) when
    beta = inf, ~ beta sigma^2 |grad U| / 2 when b is small.
    """
    sigma = validate.positive("sigma", sigma)
    beta = validate.beta(beta)
    grad_norm = validate.number_in_range("grad_norm", grad_norm, 0.0)
    b = beta * sigma * grad_norm
    if b == math.inf:
        return sigma / math.sqrt(2.0 * math.pi)
    if b < 30.0:
        return sigma * b * math.exp(0.5 * b * b) * 0.5 * math.erfc(b / math.sqrt(2.0))
    # exp(b^2/2) Phi(-b) = phi(0)/b (1 - 1/b^2 + 3/b^4 - 15/b^6 + ...), the asymptotic series
    inv = 1.0 / (b * b)
    return sigma / math.sqrt(2.0 * math.pi) * (1.0 - inv + 3.0 * inv**2 - 15.0 * inv**3)


def time_per_mutation(sigma: float, beta: float) -> float:
    """Flow time one mutation stands for: sigma / sqrt(2 pi) (beta = inf), else beta sigma^2 / 2."""
    sigma = validate.positive("sigma", sigma)
    beta = validate.beta(beta)
    return sigma / math.sqrt(2.0 * math.pi) if beta == math.inf else beta * sigma * sigma / 2.0


def metropolis_runs(
    loss_fn: Callable[[Array], Array],
    theta0,
    sigma: float,
    beta: float,
    runs: int,
    steps: int,
    rng: np.random.Generator,
    record_steps: Sequence[int],
) -> Array:
    """R independent Metropolis runs from theta0, advanced together: one loss call per step.

    `search.metropolis(sigma, beta, chains=R)`: row r of the population is run r, so `loss_fn`
    ((R, D) -> (R,)) sees all runs at once. Returns the parameters of every run at each step in
    `record_steps`: (len(record_steps), R, D).
    """
    runs = validate.population(runs, "runs")
    method = search.metropolis(sigma, beta, chains=runs)
    steps = validate.integer_in_range("steps", steps, 0, 10**8)
    theta0 = validate.float_array("theta0", theta0, ndim=1)
    search.check_memory(runs * (len(record_steps) + 2), theta0.size, "runs")
    wanted = sorted(set(int(s) for s in record_steps))
    if wanted and (wanted[0] < 0 or wanted[-1] > steps):
        raise ValueError(f"record_steps must lie in [0, {steps}], got {wanted[0]}..{wanted[-1]}")
    start = np.repeat(theta0[None, :], runs, axis=0)
    state = method.init(theta0, rng, loss=float(np.asarray(loss_fn(start))[0]))
    seen = {}
    for step in range(steps + 1):
        if step in wanted:
            seen[step] = state.chains
        if step == steps:
            break
        population, state = method.ask(state, rng)
        state = method.tell(state, population, loss_fn(population))
    return np.stack([seen[int(s)] for s in record_steps])


def gradient_descent_path(task: train.Task, theta0, optimizer, steps: int,
                          record_steps: Sequence[int]) -> Array:
    """Parameters of `optimizer` (explainer_core.optim) on `task` at `record_steps`: (T, D).

    The full-batch gradient run of `train.run`, recording every parameter at every step.
    """
    records = train.run(task, optimizer, theta0, steps=int(steps), theta_dims=task.dimension)
    path = {r["step"]: r["theta"] for r in records}
    return np.array([path[int(s)] for s in record_steps])


def sine_task(points: int = 64, hidden: int = 30) -> train.Task:
    """The paper's kind of toy problem: a 1-hidden-30-1 tanh network fitting sin(2 pi x) on [0, 1).

    The data come from `datasets.sine_data`; the loss is the mean squared error.
    """
    points = validate.integer_in_range("points", points, 2, 100_000)
    hidden = validate.integer_in_range("hidden", hidden, 1, 10_000)
    return train.network_task((1, hidden, 1), *datasets.sine_data(points), activation="tanh")


def neuroevolution_vs_gradient_descent(
    sigmas: Sequence[float] = (0.02, 0.005),
    runs: Sequence[int] = (10, 100),
    beta: float = math.inf,
    alpha: float | None = None,
    t_max: float = 0.5,
    samples: int = 6,
    points: int = 64,
    hidden: int = 30,
    seed: int = 0,
) -> list[dict]:
    """Delta(t) = 1/D |<x>_R(t) - x_GD(t)|^2 for each sigma and R, as tidy records.

    beta = inf: the reference is normalised gradient descent at learning rate `alpha`, by default
    the smallest sigma / sqrt(2 pi), so that each mutation stands for lambda = sigma /
    (sqrt(2 pi) alpha) >= 1 descent steps (module docstring); time t = alpha lambda n after n
    mutations, t = alpha m after m descent steps. Finite beta: plain gradient descent with
    alpha = beta sigma^2 / 2 for each sigma, one descent step per mutation.
    Every run and the descent start from the same theta0 (Xavier initialisation, `seed`); the
    averages over R runs use the first R of max(runs) runs, so the R's are nested.
    Records: sigma, beta, runs, lambda, alpha, t, mutations n and gd_steps m (rounded to whole
    steps; t_evolution = n alpha lambda and t_descent = m alpha are the exact times), delta, and
    gd_moved = 1/D |x_GD(t) - x_GD(0)|^2 (the scale Delta is small against).
    """
    beta = validate.beta(beta)
    sigmas = [validate.positive("sigmas", s) for s in sigmas]
    runs = [validate.population(r, "runs") for r in runs]
    if not sigmas or not runs:
        raise ValueError("sigmas and runs must each hold at least one value")
    t_max = validate.positive("t_max", t_max)
    samples = validate.integer_in_range("samples", samples, 2, 1000)
    rng = validate.rng_from_seed(seed)
    task = sine_task(points, hidden)
    theta0 = nets.init_params((1, hidden, 1), rng, scheme="xavier")

    def population_loss(thetas):
        return task.population_loss(thetas, None)

    times = np.linspace(0.0, t_max, samples)
    records: list[dict] = []
    infinite = beta == math.inf
    if infinite:
        alpha = min(sigmas) / math.sqrt(2.0 * math.pi) if alpha is None else alpha
        alpha = validate.positive("alpha", alpha)
        gd_steps = np.rint(times / alpha).astype(int)
        gd = gradient_descent_path(task, theta0, optim.normalized_gd(alpha), int(gd_steps[-1]),
                                   gd_steps)
    for sigma in sigmas:
        tau = time_per_mutation(sigma, beta)
        if not infinite:
            alpha = tau
            gd_steps = np.rint(times / alpha).astype(int)
            gd = gradient_descent_path(task, theta0, optim.sgd(alpha), int(gd_steps[-1]),
                                       gd_steps)
        ne_steps = np.rint(times / tau).astype(int)
        chains = metropolis_runs(population_loss, theta0, sigma, beta, max(runs),
                                 int(ne_steps[-1]), rng, ne_steps)
        for r in runs:
            mean = chains[:, :r, :].mean(axis=1)
            delta = np.mean((mean - gd) ** 2, axis=1)
            moved = np.mean((gd - theta0) ** 2, axis=1)
            for k, t in enumerate(times):
                records.append({
                    "sigma": sigma, "beta": beta if not infinite else "inf", "runs": r,
                    "lambda": tau / alpha, "alpha": alpha, "t": float(t),
                    "mutations": int(ne_steps[k]), "gd_steps": int(gd_steps[k]),
                    "t_evolution": float(ne_steps[k] * tau),
                    "t_descent": float(gd_steps[k] * alpha),
                    "delta": float(delta[k]), "gd_moved": float(moved[k]),
                })
    return records
