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
