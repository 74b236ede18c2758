"""The curse of dimensionality for random mutation, and why gradient descent escapes it.

A mutation theta + sigma eps (eps ~ N(0, I_D)) of a point at distance r from the minimum of the
sphere U(x) = |x|^2 improves the loss iff 2 r sigma z + sigma^2 chi2_D < 0, z ~ N(0, 1), chi2_D
the squared length of eps. Since chi2_D ~ D, the improving fraction is about Phi(-sigma D / (2 r)):

* with a mutation scale sigma per parameter that does not shrink with D, it falls to zero
  exponentially as D grows: almost every random direction in a high-dimensional space points
  uphill, because the step's length sqrt(D) sigma overwhelms its useful component sigma z;
* with sigma ~ r / D (the best one can do, Rechenberg 1973) the fraction stays put, but each
  success gains only O(r^2 / D): the evaluations to reach a target grow in proportion to D.

Gradient descent reads the downhill direction from one backward pass, whatever D: on the sphere
with learning rate 0.1 it needs the same two steps at D = 2 and at D = 10,000.

Functions return tidy records for the article's charts; compute is counted as in `train`.
"""

from __future__ import annotations

import functools
import math
from typing import Callable, Sequence

import numpy as np

from .. import datasets, landscape, nets, optim, search, train, validate

Array = np.ndarray


def improving_fraction(
    loss_fn: Callable[[Array], Array],
    theta,
    sigma: float,
    samples: int,
    rng: np.random.Generator,
) -> float:
    """Fraction of `samples` mutations theta + sigma eps with a strictly lower loss than theta.

    loss_fn maps (P, D) -> (P,); the mutations are drawn and evaluated in memory-bounded chunks
    (a few vectorized calls, no loop over individuals).
    """
    theta = validate.float_array("theta", theta, ndim=1)
    sigma = validate.positive("sigma", sigma)
    samples = validate.integer_in_range("samples", samples, 1, 10**7)
    base = float(np.asarray(loss_fn(theta[None, :]), dtype=np.float64)[0])
    losses = landscape.evaluate_built(
        loss_fn, lambda i, j: theta + sigma * rng.standard_normal((j - i, theta.size)), samples,
        theta.size)
    return float(np.mean(losses < base))


def sphere(population: Array) -> Array:
    """U(x) = |x|^2 for a population (P, D) -> (P,)."""
    return np.einsum("pd,pd->p", population, population)


def _sphere_start(dimension: int, rng: np.random.Generator) -> Array:
    """A uniformly random point at distance 1 from the origin."""
    x = rng.standard_normal(dimension)
    return x / np.linalg.norm(x)


def _dimensions(dimensions: Sequence[int]) -> list[int]:
    out = [validate.integer_in_range("dimensions", d, 1, 10**6) for d in dimensions]
    if not out:
        raise validate.ArgumentValueError("dimensions", "dimensions must hold at least one value")
    return out


def improvement_by_dimension(
    dimensions: Sequence[int] = (2, 10, 100, 1000, 10000),
    sigma: float = 0.1,
    samples: int = 2000,
    task: str = "sphere",
    seed: int = 0,
) -> list[dict]:
    """Fraction of random mutations that improve the loss as the parameter count grows.

    The mutation scale `sigma` per parameter is the same at every D, as in a fixed evolution
    setup. task "sphere": U = |x|^2 at a random point at distance 1; records also carry
    `approx` = Phi(-sigma D / 2), the chi2_D ~ D approximation of the module docstring.
    task "network": a 1-h-1 tanh network on sin(2 pi x) (64 points) at its Xavier
    initialisation, h = (D - 1) / 3 so that it has about D parameters.
    Records: task, parameters, sigma, samples, fraction (and approx for the sphere).
    """
    dims = _dimensions(dimensions)
    validate.choice("task", task, ("sphere", "network"))
    sigma = validate.positive("sigma", sigma)
    rng = validate.rng_from_seed(seed)
    records = []
    for dimension in dims:
        if task == "sphere":
            theta, loss_fn = _sphere_start(dimension, rng), sphere
        else:
            theta, loss_fn = _network_start(dimension, rng)
        record = {"task": task, "parameters": int(theta.size), "sigma": sigma,
                  "samples": samples,
                  "fraction": improving_fraction(loss_fn, theta, sigma, samples, rng)}
        if task == "sphere":
            record["approx"] = 0.5 * math.erfc(sigma * dimension / 2.0 / math.sqrt(2.0))
        records.append(record)
    return records


def _network_start(dimension: int, rng: np.random.Generator):
    """A 1-h-1 tanh network on sin(2 pi x) (64 points) with about `dimension` parameters, at its
    Xavier initialisation, and its memory-bounded population loss."""
    sizes = (1, max(1, round((dimension - 1) / 3)), 1)
    task = train.network_task(sizes, *datasets.sine_data(64), activation="tanh")
    theta = nets.init_params(sizes, rng, scheme="xavier")
    return theta, lambda population: task.population_loss(population, None)


def evaluations_to_target(
    dimensions: Sequence[int] = (2, 10, 100, 1000, 10000),
    target: float = 0.5,
    sigma: float | str = "1/D",
    lr: float = 0.1,
    max_forward_passes: int = 1_000_000,
    seed: int = 0,
) -> list[dict]:
    """Compute needed to bring the sphere from U = 1 to U <= target, evolution vs descent.

    Evolution: `search.tweak_and_keep` with mutation scale sigma per parameter, "1/D" for the
    dimension-aware choice sigma = 1 / D (improving fraction ~ Phi(-1/2) at the start), or a
    number (the same scale at every D). Gradient descent: `optim.sgd(lr)` on the gradient 2x.
    Counting as in `train`: one evaluation of U is one forward pass, one gradient one backward
    pass. Records: method, parameters, sigma (None for descent), forward_passes,
    backward_passes, generations (or steps) and reached (False when `max_forward_passes` ran
    out first; the counts are then those spent).
    """
    dims = _dimensions(dimensions)
    target = validate.number_in_range("target", target, 0.0, 1.0, low_open=True, high_open=True)
    if sigma != "1/D":
        sigma = validate.positive("sigma", sigma)
    budget = validate.integer_in_range("max_forward_passes", max_forward_passes, 1, 10**9)
    rng = validate.rng_from_seed(seed)
    records = []
    for dimension in dims:
        start = _sphere_start(dimension, rng)
        scale = 1.0 / dimension if sigma == "1/D" else sigma
        last = None
        for last in search.run(search.tweak_and_keep(scale), sphere, start, rng,
                               generations=train.MAX_STEPS, theta_dims=0,
                               max_forward_passes=budget):
            if last["loss"] <= target:
                break
        records.append({"method": "tweak_and_keep", "parameters": dimension, "sigma": scale,
                        "forward_passes": last["forward_passes"], "backward_passes": 0,
                        "generations": last["step"], "reached": last["loss"] <= target})
        task = train.function_task("sphere", sphere, lambda x: 2.0 * x, dimension)
        for last in train.run(task, optim.sgd(lr), start, steps=10_000, theta_dims=0):
            if last["loss"] <= target:
                break
        records.append({"method": "gradient_descent", "parameters": dimension, "sigma": None,
                        "forward_passes": last["forward_passes"],
                        "backward_passes": last["backward_passes"],
                        "generations": last["step"], "reached": last["loss"] <= target})
    return records


# ---------------------------------------------------------------- the live count (the demo)

SCALINGS = ("fixed", "sqrt", "linear")
"""How the mutation size per parameter follows D: sigma, sigma / sqrt(D), sigma / D."""
TASKS = ("sphere", "network")
CHUNK_VALUES = 200_000  # random numbers drawn per chunk of mutations on the sphere
CHUNK_ACTIVATIONS = 300_000  # hidden activations per chunk of networks


def normal_cdf(x: float) -> float:
    """Phi(x), the standard normal distribution function."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def formula_fraction(dimension: int, sigma: float, radius: float = 1.0) -> float:
    """The large-D share of improving mutations on the sphere, Phi(-sigma D / (2 r))."""
    return normal_cdf(-sigma * dimension / (2.0 * radius))


def mutation_scale(sigma: float, scaling: str, dimension: int) -> float:
    """The mutation size per parameter: sigma, sigma / sqrt(D) or sigma / D."""
    scaling = validate.choice("scaling", scaling, SCALINGS)
    return {"fixed": sigma, "sqrt": sigma / math.sqrt(dimension),
            "linear": sigma / dimension}[scaling]


def hidden_units(dimension: int) -> int:
    """Hidden units h of the 1-h-1 network with about `dimension` = 3h + 1 parameters."""
    return max(1, round((dimension - 1) / 3))


def network_parameters(dimension: int) -> int:
    """The parameters the 1-h-1 network chosen for `dimension` really has: 3h + 1."""
    return 3 * hidden_units(dimension) + 1


def count_improving(task: str = "sphere", dimension: int = 100, sigma: float = 0.1,
                    scaling: str = "fixed", samples: int = 1000, seed: int = 0):
    """A generator: mutations theta + s eps (s = mutation_scale) drawn in chunks, one record per
    chunk with the running count of those that strictly lower the loss.

    The start is the one of `improvement_by_dimension` (sphere: a random point at distance 1;
    network: a 1-h-1 tanh network on sin(2 pi x) at its Xavier initialisation). The chunk sizes
    depend only on the settings, so a run gives the same counts however it is consumed.
    Records: task, parameters, scale, samples, done, improved, fraction, formula (sphere only,
    Phi(-s D / 2), else None).
    """
    task = validate.choice("task", task, TASKS)
    dimension = validate.integer_in_range("dimension", dimension, 1, 10**6)
    sigma = validate.positive("sigma", sigma)
    samples = validate.integer_in_range("samples", samples, 1, 10**6)
    rng = validate.rng_from_seed(seed)
    if task == "sphere":
        theta, loss_fn = _sphere_start(dimension, rng), sphere
        rows = max(1, CHUNK_VALUES // dimension)
    else:
        theta, loss_fn = _network_start(dimension, rng)
        rows = max(1, CHUNK_ACTIVATIONS // (64 * hidden_units(dimension)))
    size = theta.size
    scale = mutation_scale(sigma, scaling, size)
    base = float(np.asarray(loss_fn(theta[None, :]), dtype=np.float64)[0])
    formula = formula_fraction(size, scale) if task == "sphere" else None
    done = improved = 0
    while done < samples:
        n = min(rows, samples - done)
        with np.errstate(all="ignore"):
            losses = np.asarray(loss_fn(theta + scale * rng.standard_normal((n, size))))
        improved += int(np.count_nonzero(losses < base))
        done += n
        yield {"task": task, "parameters": int(size), "scale": scale, "samples": samples,
               "done": done, "improved": improved, "fraction": improved / done,
               "formula": formula}


def live_fraction(task: str = "sphere", dimension: int = 100, sigma: float = 0.1,
                  scaling: str = "fixed", samples: int = 1000, seed: int = 0) -> float:
    """The share of `samples` mutations that improve, the demo's final count."""
    last = None
    for last in count_improving(task, dimension, sigma, scaling, samples, seed):
        pass
    return last["fraction"]


def live_formula(dimension: int = 100, sigma: float = 0.1, scaling: str = "fixed") -> float:
    """Phi(-s D / 2) with the demo's mutation size s on the sphere."""
    return formula_fraction(dimension, mutation_scale(sigma, scaling, dimension))


# ---------------------------------------------------------------- the best mutation size


def expected_gain(t: float) -> float:
    """E[gain] per mutation on the sphere, in units of 4 r^2 / D, at t = sigma D / (2 r):
    t (phi(t) - t Phi(-t)) (large D: the loss change is 2 r sigma z + sigma^2 D)."""
    phi = math.exp(-t * t / 2.0) / math.sqrt(2.0 * math.pi)
    return t * (phi - t * normal_cdf(-t))


def best_normalised_sigma() -> float:
    """sigma* D / r maximising the expected gain of one mutation: 2 t*, where
    phi(t*) = 2 t* Phi(-t*) (the derivative of `expected_gain` vanishes); about 1.224."""
    low, high = 0.1, 2.0
    f = lambda t: math.exp(-t * t / 2.0) / math.sqrt(2.0 * math.pi) - 2.0 * t * normal_cdf(-t)  # noqa: E731
    for _ in range(80):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if f(mid) > 0 else (low, mid)
    return low + high  # 2 t*


def gains_by_sigma(dimension: int = 1000, normalised: Sequence[float] = (0.5, 1.0, 1.224, 2.0),
                   samples: int = 2000, seed: int = 0) -> list[dict]:
    """Mean gain U(theta) - U(theta + sigma eps), counted only when positive (a kept
    mutation), at sigma = c / D for each c of `normalised`, from a random point at distance 1.

    The same draws serve every sigma (common random numbers): U(theta + sigma eps) - U(theta)
    = 2 sigma theta.eps + sigma^2 |eps|^2 exactly, so only theta.eps and |eps|^2 are kept.
    Records: parameters, normalised (c), sigma, gain, fraction.
    """
    seed = validate.seed(seed)
    dimension = validate.integer_in_range("dimension", dimension, 1, 10**6)
    samples = validate.integer_in_range("samples", samples, 1, 10**6)
    rng = validate.rng_from_seed(seed)
    theta = _sphere_start(dimension, rng)
    along = np.empty(samples)
    length2 = np.empty(samples)
    rows = max(1, CHUNK_VALUES // dimension)
    for i in range(0, samples, rows):
        eps = rng.standard_normal((min(rows, samples - i), dimension))
        along[i:i + len(eps)] = eps @ theta
        length2[i:i + len(eps)] = np.einsum("pd,pd->p", eps, eps)
    records = []
    for c in normalised:
        sigma = validate.positive("normalised", c) / dimension
        gain = -(2.0 * sigma * along + sigma * sigma * length2)
        records.append({"parameters": dimension, "normalised": float(c), "sigma": sigma,
                        "gain": float(np.mean(np.maximum(gain, 0.0))),
                        "fraction": float(np.mean(gain > 0.0))})
    return records


SIGMA_GRID = tuple(float(c) for c in np.geomspace(0.125, 8.0, 25))  # sigma D / r, 2^(1/4) apart


def best_sigma_by_dimension(dimensions: Sequence[int] = (2, 5, 10, 30, 100, 300, 1000, 3000,
                                                         10000),
                            samples: int = 2000, seed: int = 0) -> list[dict]:
    """The measured best mutation size at each D (the grid value of SIGMA_GRID / D with the
    largest mean gain) beside the theory's best_normalised_sigma() / D.
    Records: parameters, best_sigma, theory_sigma, best_normalised, gain."""
    records = []
    for k, dimension in enumerate(_dimensions(dimensions)):
        rows = gains_by_sigma(dimension, SIGMA_GRID, samples, seed + k)
        best = max(rows, key=lambda r: r["gain"])
        records.append({"parameters": dimension, "best_sigma": best["sigma"],
                        "best_normalised": best["normalised"],
                        "theory_sigma": best_normalised_sigma() / dimension,
                        "gain": best["gain"]})
    return records


def best_sigma_at(dimension: int = 1000, samples: int = 2000, seed: int = 0) -> float:
    """The measured best mutation size per parameter at one D (from the grid)."""
    return best_sigma_by_dimension((dimension,), samples, seed)[0]["best_sigma"]


# ---------------------------------------------------------------- compute to a target, 3 methods

ES_POPULATION = 20


def es_settings(dimension: int, population: int = ES_POPULATION) -> dict:
    """OpenAI-ES settings for the sphere at distance 1, from the estimator's own statistics.

    sigma = 0.1 / sqrt(D) keeps the ranking linear (sigma^2 |eps|^2 varies less than 2 sigma
    theta.eps); with centred ranks the estimate g has a component proportional to 1 / sigma
    along the gradient and about sqrt(D / (12 P)) / sigma of noise across it, so the best
    step shrinks like lr = sigma * c / (0.078 + D / (12 P)). The constant c = 0.084 was tuned
    here on the sphere (multiples 0.1 to 0.5 of a first guess tried at D = 10, 100, 1000).
    """
    sigma = 0.1 / math.sqrt(dimension)
    return {"population": population, "sigma": sigma,
            "lr": sigma * 0.084 / (0.078 + dimension / (12.0 * population))}


def es_evaluations_to_target(dimensions: Sequence[int] = (2, 10, 100, 1000), target: float = 0.5,
                             population: int = ES_POPULATION,
                             max_forward_passes: int = 1_000_000, seed: int = 0) -> list[dict]:
    """OpenAI-ES (`search.openai_es` with plain gradient descent on its estimate, settings from
    `es_settings`) from U = 1 to U <= target on the sphere. Each generation evaluates the mean
    and P perturbations: P + 1 forward passes. Records as `evaluations_to_target`."""
    dims = _dimensions(dimensions)
    target = validate.number_in_range("target", target, 0.0, 1.0, low_open=True, high_open=True)
    budget = validate.integer_in_range("max_forward_passes", max_forward_passes, 1, 10**9)
    rng = validate.rng_from_seed(seed)
    records = []
    for dimension in dims:
        start = _sphere_start(dimension, rng)
        s = es_settings(dimension, population)
        method = search.openai_es(s["population"], s["sigma"], optim.sgd(s["lr"]))
        last = None
        for last in search.run(method, sphere, start, rng, generations=train.MAX_STEPS,
                               theta_dims=0, max_forward_passes=budget):
            if last["loss"] <= target:
                break
        records.append({"method": "openai_es", "parameters": dimension, "sigma": s["sigma"],
                        "forward_passes": last["forward_passes"], "backward_passes": 0,
                        "generations": last["step"], "reached": last["loss"] <= target})
    return records


METHOD_NAMES = {"tweak_and_keep": "local search (σ = 1.22/D)",
                "openai_es": "OpenAI-ES (P = 20)",
                "gradient_descent": "gradient descent (lr 0.1)"}


CHART_DIMENSIONS = (2, 5, 10, 30, 100, 300, 1000, 3000)


def compute_by_dimension(dimensions: Sequence[int] = CHART_DIMENSIONS,
                         seeds: int = 3, target: float = 0.5) -> list[dict]:
    """Compute (forward passes + 2 x backward passes, `train.compute`) from U = 1 to U <= target
    on the sphere for local search (tweak-and-keep with the best sigma = 1.224 / D), OpenAI-ES
    and gradient descent, over `seeds` seeds. Records: method, parameters, seed, compute,
    forward_passes, backward_passes, reached."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 20)
    sigma_star = best_normalised_sigma()
    records = []
    for seed in range(seeds):
        rows = [r for d in _dimensions(dimensions)
                for r in evaluations_to_target((d,), target, sigma_star / d, seed=seed * 1000 + d)]
        rows += [r for d in _dimensions(dimensions)
                 for r in es_evaluations_to_target((d,), target, seed=seed * 1000 + d)]
        for r in rows:
            records.append({"method": r["method"], "parameters": r["parameters"], "seed": seed,
                            "forward_passes": r["forward_passes"],
                            "backward_passes": r["backward_passes"],
                            "compute": train.compute(r["forward_passes"], r["backward_passes"]),
                            "reached": bool(r["reached"])})
    return records


@functools.lru_cache(maxsize=64)
def _compute_rows(dimension: int, seeds: int, target: float) -> tuple:
    return tuple(compute_by_dimension((dimension,), seeds, target))


def median_compute(method: str = "tweak_and_keep", dimension: int = 1000, seeds: int = 3,
                   target: float = 0.5) -> int:
    """The median over seeds of `compute_by_dimension` for one method at one D."""
    validate.choice("method", method, tuple(METHOD_NAMES))
    rows = [r["compute"] for r in _compute_rows(int(dimension), int(seeds), float(target))
            if r["method"] == method]
    return int(np.median(rows))


def compute_slope(method: str = "tweak_and_keep", low: int = 100, high: int = 3000,
                  seeds: int = 3) -> float:
    """The log-log slope of the median compute between D = low and D = high (1: in
    proportion to D, 0: independent of D)."""
    a = median_compute(method, low, seeds)
    b = median_compute(method, high, seeds)
    return math.log(b / a) / math.log(high / low)


# ---------------------------------------------------------------- minima become saddles


def minimum_share(dimension: int = 2, samples: int = 100_000, seed: int = 0) -> float:
    """Share of random symmetric D x D matrices (GOE: H = (A + A^T) / 2, A Gaussian) that are
    positive definite: the chance that a point of zero slope with a random curvature is a
    minimum rather than a saddle (or a maximum). Exactly 1/2 at D = 1 and (2 - sqrt 2) / 4 at
    D = 2; it falls faster than exponentially (Dean & Majumdar 2006)."""
    dimension = validate.integer_in_range("dimension", dimension, 1, 12)
    samples = validate.integer_in_range("samples", samples, 1, 10**6)
    rng = validate.rng_from_seed(seed)
    a = rng.standard_normal((samples, dimension, dimension))
    smallest = np.linalg.eigvalsh(0.5 * (a + np.transpose(a, (0, 2, 1))))[:, 0]
    return float(np.mean(smallest > 0.0))


def minimum_shares(dimensions: Sequence[int] = (1, 2, 3, 4, 5, 6), samples: int = 100_000,
                   seed: int = 0) -> list[dict]:
    """`minimum_share` for several D, with the coin-flip guess 2^-D. Records: parameters,
    share, coin."""
    seed = validate.seed(seed)
    return [{"parameters": d, "share": minimum_share(d, samples, seed + d), "coin": 2.0 ** -d}
            for d in _dimensions(dimensions)]


def theory_sigma_at(dimension: int = 1000) -> float:
    """The theory's best mutation size per parameter at distance 1: best_normalised_sigma() / D."""
    return best_normalised_sigma() / validate.integer_in_range("dimension", dimension, 1, 10**6)


def best_gain_times_d(dimension: int = 1000, samples: int = 2000, seed: int = 0) -> float:
    """The measured mean gain of one mutation of the best size, times D (at U = 1): the share
    of the loss one mutation removes, in units of 1/D (theory: 4 x 0.101 = 0.405)."""
    record = best_sigma_by_dimension((dimension,), samples, seed)[0]
    return record["gain"] * record["parameters"]
