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
    network: str = "shallow",
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
    `network` "shallow" is 1-`hidden`-1; "deep" is NETWORKS["deep"] (then `hidden` is unused).
    """
    beta = validate.beta(beta)
    sigmas = [validate.positive("sigmas", s) for s in sigmas]
    runs = [validate.population(r, "runs") for r in runs]
    if not sigmas or not runs:
        raise ValueError("sigmas and runs must each hold at least one value")
    t_max = validate.positive("t_max", t_max)
    samples = validate.integer_in_range("samples", samples, 2, 1000)
    rng = validate.rng_from_seed(seed)
    network = validate.choice("network", network, list(NETWORKS))
    sizes = (1, hidden, 1) if network == "shallow" else NETWORKS[network]
    task = network_task(network, points, hidden)
    theta0 = nets.init_params(sizes, rng, scheme="xavier")

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


# ---- the page's experiments: shallow and deep networks, the demo's runs, the measured step ----

NETWORKS = {"shallow": (1, 30, 1), "deep": (1, 8, 8, 8, 1)}
"""The two networks of the page: one hidden layer of 30 tanh units, three of 8."""
POINTS = 64
SEED = 0
PAGE_SIGMA = 0.02
PAGE_RUNS = 100
PAGE_T = 2.0
CHART_SIGMAS = (0.04, 0.02, 0.01, 0.005)
CHART_RUNS = (1, 3, 10, 30, 100)


def network_task(network: str = "shallow", points: int = POINTS, hidden: int = 30) -> train.Task:
    """The sine task (`sine_task`) on the network `network` ("shallow": 1-hidden-1, "deep":
    1-8-8-8-1), tanh hidden units, mean squared error."""
    network = validate.choice("network", network, list(NETWORKS))
    if network == "shallow":
        return sine_task(points, hidden)
    points = validate.integer_in_range("points", points, 2, 100_000)
    return train.network_task(NETWORKS[network], *datasets.sine_data(points), activation="tanh")


def parameter_count(network: str = "shallow") -> int:
    """Weights and biases of the network."""
    network = validate.choice("network", network, list(NETWORKS))
    return nets.param_count(NETWORKS[network])


def start(network: str = "shallow", seed: int = SEED) -> Array:
    """theta0: the Xavier initialisation drawn first from `seed` (as
    `neuroevolution_vs_gradient_descent` draws it), and the generator, which goes on to draw the
    mutations."""
    network = validate.choice("network", network, list(NETWORKS))
    rng = validate.rng_from_seed(seed)
    return nets.init_params(NETWORKS[network], rng, scheme="xavier"), rng


def reference(sigma: float, beta: float) -> tuple[float, object]:
    """The gradient descent one mutation corresponds to, one descent step per mutation
    (lambda = 1): (alpha, optimizer). beta = inf: normalised descent at alpha = sigma / sqrt(2 pi);
    finite beta: plain descent at alpha = beta sigma^2 / 2."""
    alpha = time_per_mutation(sigma, beta)
    beta = validate.beta(beta)
    return alpha, (optim.normalized_gd(alpha) if beta == math.inf else optim.sgd(alpha))


def descent_path(task: train.Task, theta0, sigma: float, beta: float, steps: int) -> Array:
    """x_GD after 0 .. `steps` steps of `reference(sigma, beta)`: (steps + 1, D); the rows from
    the step where the loss or a weight stops being finite (too large a learning rate) are NaN."""
    _, optimizer = reference(sigma, beta)
    steps = validate.integer_in_range("steps", steps, 0, 10**7)
    path = np.full((steps + 1, task.dimension), np.nan)
    for r in train.run(task, optimizer, theta0, steps=steps, theta_dims=task.dimension):
        theta = np.asarray(r["theta"], dtype=np.float64)
        if r.get("diverged") or not np.all(np.isfinite(theta)):
            break  # the rows from here on stay NaN: descent diverged (see `diverged_at`)
        path[r["step"]] = theta
    return path


def diverged_at(path) -> int | None:
    """The first step of a `descent_path` that is not finite (descent diverged), or None."""
    bad = np.flatnonzero(~np.all(np.isfinite(np.asarray(path)), axis=1))
    return int(bad[0]) if bad.size else None


def step_statistics(task: train.Task, theta, sigma: float, beta: float, samples: int,
                    rng: np.random.Generator) -> dict:
    """One mutation from `theta`, `samples` times over: the measured mean step against the
    predicted one.

    along: the mean displacement's component along -g/|g| (what `mean_step` predicts), with its
    standard error; across: the length of the rest of the mean displacement (predicted 0, up to
    chance: of order sigma sqrt(D / samples)); accepted: the share of mutations kept.
    predicted: `mean_step(sigma, beta, |g|)` (exact for a linear loss); limit: its small-mutation
    limit, sigma / sqrt(2 pi) (beta = inf) or beta sigma^2 |g| / 2 (finite beta).
    """
    sigma = validate.positive("sigma", sigma)
    beta = validate.beta(beta)
    samples = validate.integer_in_range("samples", samples, 2, 1_000_000)
    theta = validate.float_array("theta", theta, ndim=1)
    loss0, grad, _ = task.loss_and_grad(theta, None)
    norm = float(np.linalg.norm(grad))
    unit = grad / norm
    eps = sigma * rng.standard_normal((samples, theta.size))
    uniform = rng.random(samples)
    losses = task.population_loss(theta[None, :] + eps, None)
    ok = search.metropolis_accept(losses - loss0, beta, uniform)
    moves = eps * ok[:, None]
    along = -(moves @ unit)
    mean = moves.mean(axis=0)
    across = mean + float(along.mean()) * unit
    b = beta * sigma * norm
    limit = sigma / math.sqrt(2.0 * math.pi) if beta == math.inf else beta * sigma**2 * norm / 2
    return {"along": float(along.mean()),
            "standard_error": float(along.std(ddof=1) / math.sqrt(samples)),
            "across": float(np.linalg.norm(across)),
            "accepted": float(ok.mean()), "predicted": mean_step(sigma, beta, norm),
            "limit": float(limit), "grad_norm": norm, "b": float(b) if b == b else math.inf,
            "samples": samples}


def measured_step(sigma: float = PAGE_SIGMA, beta="inf", network: str = "shallow",
                  samples: int = 20_000, seed: int = SEED, quantity: str = "along") -> float:
    """`step_statistics` at the network's start theta0 (seed `seed`): one of its numbers."""
    theta0, rng = start(network, seed)
    stats = step_statistics(network_task(network), theta0, sigma, beta, samples, rng)
    quantity = validate.choice("quantity", quantity, list(stats))
    return stats[quantity]


_RECORDS: dict = {}


def records(network: str = "shallow", beta="inf", t_max: float = PAGE_T,
            seed: int = SEED) -> list[dict]:
    """The page's grid: `neuroevolution_vs_gradient_descent` for CHART_SIGMAS x CHART_RUNS
    (the reference descent at alpha = smallest sigma / sqrt(2 pi) for beta = inf), sampled at
    t = 0, t_max / 4, ..., t_max. Kept in memory: the page asks for it many times."""
    key = (network, str(beta), float(t_max), int(seed))
    if key not in _RECORDS:
        _RECORDS[key] = neuroevolution_vs_gradient_descent(
            sigmas=CHART_SIGMAS, runs=CHART_RUNS, beta=beta, t_max=t_max, samples=5,
            points=POINTS, seed=seed, network=network)
    return _RECORDS[key]


def predicted_delta(t: float, sigma: float, runs: int, beta="inf") -> float:
    """The noise of an average of R runs at beta = inf: t sigma sqrt(2 pi) / (2 R) (each of the
    n = t sqrt(2 pi) / sigma mutations is kept half the time and adds sigma^2 per weight)."""
    if validate.beta(beta) != math.inf:
        raise validate.ArgumentValueError("beta", "predicted_delta is the beta = inf formula")
    return float(t) * validate.positive("sigma", sigma) * math.sqrt(2 * math.pi) / (
        2 * validate.population(runs, "runs"))


def delta(sigma: float = PAGE_SIGMA, runs: int = PAGE_RUNS, network: str = "shallow",
          t: float = PAGE_T, quantity: str = "delta", beta="inf") -> float:
    """One number of `records`: Delta (or gd_moved, or delta / predicted_delta with
    quantity="ratio") at sigma, R and time t (one of the sampled times)."""
    [record] = [r for r in records(network, beta) if r["sigma"] == sigma and r["runs"] == runs
                and abs(r["t"] - t) < 1e-12] or [None]
    if record is None:
        raise ValueError(f"no record at sigma={sigma}, runs={runs}, t={t}")
    if quantity == "ratio":
        return record["delta"] / predicted_delta(t, sigma, runs)
    quantity = validate.choice("quantity", quantity, ["delta", "gd_moved", "lambda", "mutations",
                                                      "gd_steps"])
    return record[quantity]


def delta_ratio(network: str = "shallow", vary: str = "runs", t: float = PAGE_T) -> float:
    """How much Delta shrinks: runs 1 -> 100 (vary="runs", at sigma = PAGE_SIGMA), or sigma
    0.04 -> 0.005 (vary="sigma", at R = PAGE_RUNS)."""
    vary = validate.choice("vary", vary, ["runs", "sigma"])
    if vary == "runs":
        return delta(PAGE_SIGMA, 1, network, t) / delta(PAGE_SIGMA, 100, network, t)
    return delta(CHART_SIGMAS[0], PAGE_RUNS, network, t) / delta(CHART_SIGMAS[-1], PAGE_RUNS,
                                                                  network, t)
