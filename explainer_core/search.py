"""Optimizers that never compute a gradient: random search, hill climbing, evolution, ES.

Every method is built by a function of its settings and returned as a `SearchMethod`, a small
NamedTuple of pure functions in the style of evosax and pycma:

    method = local_search(population=32, sigma=0.1)
    state = method.init(theta, rng, loss=loss_of_theta)      # loss may be left at inf (unknown)
    population, state = method.ask(state, rng)               # (method.batch, D)
    state = method.tell(state, population, loss_fn(population))   # losses (method.batch,)
    state.theta, state.loss                                  # current parameters and their loss

`ask` draws every random number a generation needs (the noise and, for Metropolis, the uniform
used to accept), so `tell` is deterministic and needs no generator. The losses of a population
come from one vectorized call `loss_fn(population) -> (P,)`; nothing here loops over individuals.
`run` drives any method and yields the same trajectory records as the gradient optimizers, with
forward passes counted from the rows actually evaluated (P rows on N examples cost P * N).

Methods (D parameters, P = population):

* `random_search(scale)`: draw every parameter afresh, theta' ~ N(0, scale^2 I); keep the best
  candidate if it is strictly better.  NNFS P.9 / chapter 6.
* `tweak_and_keep(scale)`: theta' = theta + scale * eps; keep if strictly better.  NNFS P.9.
* `local_search(population, sigma, decay, mutate, fraction, reset_after)`: the video's evolution.
  Each round P children of the parent; "many" adds N(0, sigma^2) to each parameter with
  probability `fraction`, "one" to exactly one random parameter, "all" to every parameter. The
  best child replaces the parent if strictly better. The mutation scale ("learning rate")
  shrinks by `decay` every round and resets to its first value after `reset_after` rounds without
  improvement.
* `genetic(population, sigma, parents, elitist, crossover)`: (mu, lambda) or elitist (mu + lambda)
  truncation selection, uniform crossover of two random parents, Gaussian mutation.
* `openai_es(population, sigma, optimizer)`: Salimans et al. 2017. Antithetic pairs eps, -eps,
  centred-rank fitness shaping, pseudo-gradient g = 1/(P sigma) sum_i f_i eps_i handed to a
  gradient optimizer (plain or Adam from `explainer_core.optim`).
* `metropolis(sigma, beta)`: Whitelam, Selin, Park & Tamblyn, "Correspondence between
  neuroevolution and gradient descent", Nat. Commun. 12, 6317 (2021). Mutate every weight,
  x_i -> x_i + eps_i with eps_i ~ N(0, sigma^2), accept with min(1, exp(-beta dU)); beta = inf
  accepts when the loss does not increase. See `explainer_core.correspondence` for why, averaged
  over runs, this is gradient descent.

Bad input raises ValueError/TypeError naming the argument. Memory is bounded: a population of
`batch` rows times D parameters may hold at most `MAX_ELEMENTS` float64 numbers (128 MiB), so a
browser tab refuses a too large request instead of freezing.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterator, NamedTuple

import numpy as np

from . import train, validate
from .validate import MAX_ELEMENTS, MAX_POPULATION  # noqa: F401  (documented limits)
from .validate import memory as check_memory

Array = np.ndarray


class SearchMethod(NamedTuple):
    """A gradient-free optimizer as pure functions (evosax/pycma style).

    init(theta (D,), rng, loss=inf) -> state
    ask(state, rng) -> (population (batch, D), state)
    tell(state, population (batch, D), losses (batch,)) -> state
    """

    name: str
    settings: dict
    batch: int
    init: Callable[..., Any]
    ask: Callable[..., tuple]
    tell: Callable[..., Any]


# ---------------------------------------------------------------- argument checks


def _theta(theta, batch: int) -> Array:
    theta = validate.float_array("theta", theta, ndim=1)
    if theta.size == 0:
        raise validate.ArgumentValueError(
            "theta", "theta must have at least one parameter, got shape (0,)")
    check_memory(batch, theta.size)
    return theta.copy()


def _start_loss(loss) -> float:
    """The loss of the starting point: a number, or inf when unknown (never NaN)."""
    if loss is None:
        return math.inf
    value = float(loss)
    return math.inf if math.isnan(value) else value


def _clean(losses, batch: int) -> Array:
    """Losses as (batch,) float64 with NaN replaced by +inf, so a diverged candidate never wins."""
    losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    if losses.shape != (batch,):
        raise ValueError(f"losses must have shape ({batch},), got {np.shape(losses)}")
    return np.where(np.isnan(losses), np.inf, losses)


# ---------------------------------------------------------------- keep-the-best family


class KeepBestState(NamedTuple):
    theta: Array  # (D,) best parameters so far
    loss: float  # their loss
    sigma: float  # current mutation scale
    stale: int  # rounds since the last improvement
    generation: int
    improvements: int  # rounds whose best candidate replaced the parent


def select(losses: Array, loss: float) -> int:
    """Selection: the index of the candidate that replaces the current point, the one of lowest
    loss in `losses` (B,) if it is strictly lower than the current `loss`; -1 keeps the current
    point. (Non-finite losses arrive as +inf: never kept.)"""
    best = int(np.argmin(losses))
    return best if losses[best] < loss else -1


def _keep_best(name: str, settings: dict, batch: int, sigma: float, propose, decay=1.0,
               reset_after=None) -> SearchMethod:
    """Shared skeleton: propose `batch` candidates, keep the best one if strictly better."""

    def init(theta, rng=None, loss=math.inf) -> KeepBestState:
        return KeepBestState(_theta(theta, batch), _start_loss(loss), sigma, 0, 0, 0)

    def ask(state: KeepBestState, rng: np.random.Generator):
        return propose(state, rng), state

    def tell(state: KeepBestState, population, losses) -> KeepBestState:
        losses = _clean(losses, batch)
        best = int(select(losses, state.loss))
        improved = best >= 0
        theta = np.array(population[best], dtype=np.float64) if improved else state.theta
        loss = float(losses[best]) if improved else state.loss
        stale = 0 if improved else state.stale + 1
        next_sigma = state.sigma * decay
        if reset_after is not None and stale >= reset_after:
            next_sigma, stale = sigma, 0
        return KeepBestState(theta, loss, next_sigma, stale, state.generation + 1,
                             state.improvements + int(improved))

    return SearchMethod(name, settings, batch, init, ask, tell)


def random_search(scale: float = 0.05, population: int = 1) -> SearchMethod:
    """Pure random search: every round draw theta' ~ N(0, scale^2 I) afresh; keep it if better.

    NNFS P.9 (chapter 6): "randomly select weights and biases, keep the best". Shapes: ask returns
    (population, D). Fitness never uses the current parameters, so progress is pure luck.
    """
    scale = validate.positive("scale", scale)
    population = validate.population(population)

    def propose(state, rng):
        return scale * rng.standard_normal((population, state.theta.size))

    settings = {"scale": scale, "population": population}
    return _keep_best("random_search", settings, population, scale, propose)


def tweak_and_keep(scale: float = 0.05, population: int = 1) -> SearchMethod:
    """Hill climbing: theta' = theta + scale * eps, eps ~ N(0, I); keep theta' if strictly better.

    NNFS P.9 (chapter 6): "adjust the best weights by a fraction of random values, revert if the
    loss did not fall". Shapes: ask returns (population, D).
    """
    scale = validate.positive("scale", scale)
    population = validate.population(population)

    def propose(state, rng):
        return state.theta + scale * rng.standard_normal((population, state.theta.size))

    settings = {"scale": scale, "population": population}
    return _keep_best("tweak_and_keep", settings, population, scale, propose)


MUTATIONS = ("many", "one", "all")


def _mutations(theta: Array, rows: int, sigma: float, rng, how: str, fraction: float) -> Array:
    """`mutate` on checked arguments: the inner loop of local search."""
    dimension = theta.size
    if how == "all":
        return theta + sigma * rng.standard_normal((rows, dimension))
    if how == "one":
        children = np.repeat(theta[None, :], rows, axis=0)
        index = rng.integers(0, dimension, size=rows)
        children[np.arange(rows), index] += sigma * rng.standard_normal(rows)
        return children
    mask = rng.random((rows, dimension)) < fraction
    return theta + np.where(mask, sigma * rng.standard_normal((rows, dimension)), 0.0)


def mutate(theta: Array, rows: int, sigma: float, rng: np.random.Generator, how: str = "many",
           fraction: float = 0.1) -> Array:
    """`rows` mutated copies of `theta` (D,) -> (rows, D).

    "all": theta + sigma * eps. "many": each parameter gets N(0, sigma^2) independently with
    probability `fraction`. "one": exactly one parameter per child, chosen uniformly.
    """
    theta = validate.float_array("theta", theta, ndim=1)
    rows = validate.population(rows, "rows")
    sigma = validate.positive("sigma", sigma)
    validate.generator(rng)
    how = validate.choice("mutate", how, MUTATIONS)
    fraction = validate.number_in_range("fraction", fraction, 0.0, 1.0, low_open=True)
    return _mutations(theta, rows, sigma, rng, how, fraction)


def local_search(
    population: int,
    sigma: float,
    decay: float = 1.0,
    mutate: str = "many",
    fraction: float = 0.1,
    reset_after: int | None = None,
) -> SearchMethod:
    """The video's evolution: P mutated children of one parent; the best replaces it if better.

    Mutation scale ("learning rate") sigma_k = sigma * decay^k, back to sigma after `reset_after`
    rounds without improvement (None: never). `mutate`: "many" (N(0, sigma^2) on a random subset,
    each parameter with probability `fraction` in (0, 1]), "one" (a single random parameter) or
    "all". Emergent Garden, "Gradient Descent vs Evolution | How Neural Networks Learn".
    """
    population = validate.population(population)
    sigma = validate.positive("sigma", sigma)
    decay = validate.number_in_range("decay", decay, 0.0, 1.0, low_open=True)
    how = validate.choice("mutate", mutate, MUTATIONS)
    fraction = validate.number_in_range("fraction", fraction, 0.0, 1.0, low_open=True)
    if reset_after is not None:
        reset_after = validate.integer_in_range("reset_after", reset_after, 1, 10**9)

    def propose(state, rng):
        return _mutations(state.theta, population, state.sigma, rng, how, fraction)

    settings = {"population": population, "sigma": sigma, "decay": decay, "mutate": how,
                "fraction": fraction, "reset_after": reset_after}
    return _keep_best("local_search", settings, population, sigma, propose, decay, reset_after)




# ---------------------------------------------------------------- genetic algorithm


class GeneticState(NamedTuple):
    theta: Array  # (D,) best parent
    loss: float
    parents: Array  # (mu, D)
    parent_losses: Array  # (mu,)
    generation: int


def genetic(
    population: int,
    sigma: float,
    parents: int | None = None,
    elitist: bool = True,
    crossover: bool = True,
) -> SearchMethod:
    """A genetic algorithm: (mu, lambda) or elitist (mu + lambda) selection with crossover.

    Each child: two parents drawn uniformly from the mu best, uniform crossover (each parameter
    from either parent with probability 1/2), then Gaussian mutation N(0, sigma^2) on every
    parameter. Selection keeps the mu lowest losses among the children ((mu, lambda),
    `elitist=False`) or among parents and children together ((mu + lambda)). Eiben & Smith,
    "Introduction to Evolutionary Computing", ch. 4-5. lambda = `population`, mu = `parents`
    (default population // 4, at least 1).
    """
    population = validate.population(population)
    sigma = validate.positive("sigma", sigma)
    if parents is None:
        parents = max(1, population // 4)
    mu = validate.integer_in_range("parents", parents, 1, population)
    elitist = validate.flag("elitist", elitist)
    crossover = validate.flag("crossover", crossover)

    def init(theta, rng=None, loss=math.inf) -> GeneticState:
        theta = _theta(theta, population + mu)
        start = _start_loss(loss)
        return GeneticState(theta, start, np.repeat(theta[None, :], mu, axis=0),
                            np.full(mu, start), 0)

    def ask(state: GeneticState, rng: np.random.Generator):
        dimension = state.theta.size
        first = state.parents[rng.integers(0, mu, size=population)]
        if crossover:
            second = state.parents[rng.integers(0, mu, size=population)]
            children = np.where(rng.random((population, dimension)) < 0.5, first, second)
        else:
            children = first
        return children + sigma * rng.standard_normal((population, dimension)), state

    def tell(state: GeneticState, children, losses) -> GeneticState:
        losses = _clean(losses, population)
        children = np.asarray(children, dtype=np.float64)
        if elitist:
            pool = np.concatenate([state.parents, children])
            pool_losses = np.concatenate([state.parent_losses, losses])
        else:
            pool, pool_losses = children, losses
        keep = np.argsort(pool_losses, kind="stable")[:mu]
        kept, kept_losses = pool[keep], pool_losses[keep]
        return GeneticState(kept[0].copy(), float(kept_losses[0]), kept, kept_losses,
                            state.generation + 1)

    settings = {"population": population, "sigma": sigma, "parents": mu,
                "elitist": bool(elitist), "crossover": bool(crossover)}
    return SearchMethod("genetic", settings, population, init, ask, tell)


# ---------------------------------------------------------------- OpenAI evolution strategy


def centred_ranks(losses: Array) -> Array:
    """Fitness shaping: ranks of `losses` (P,) mapped linearly onto [-0.5, 0.5], lowest -> -0.5.

    Salimans et al. 2017, "Evolution Strategies as a Scalable Alternative to Reinforcement
    Learning", sec. 2.2. Invariant to any increasing transformation of the loss.
    """
    losses = np.asarray(losses, dtype=np.float64)
    count = losses.size
    if count < 2:
        return np.zeros(count)
    ranks = np.empty(count)
    ranks[np.argsort(losses, kind="stable")] = np.arange(count)
    return ranks / (count - 1) - 0.5


class ESState(NamedTuple):
    theta: Array  # (D,) the last mean whose loss was evaluated
    loss: float  # its loss
    mean: Array  # (D,) the current mean, one optimizer step ahead of theta
    noise: Array  # (P/2, D) the last half population of eps (antithetic partners are -eps)
    opt_state: Any
    generation: int
    grad: Array  # (D,) the last pseudo-gradient


def openai_es(population: int, sigma: float, optimizer) -> SearchMethod:
    """OpenAI-ES: antithetic Gaussian perturbations, centred ranks, pseudo-gradient to an optimizer.

    With eps_j ~ N(0, I), j = 1..P/2, the population is mean +- sigma eps_j and
        g = 1/(P sigma) * sum_i f_i eps_i,   f = centred_ranks(losses),
    an estimate of the gradient of the Gaussian-smoothed loss E[U(mean + sigma eps)]. `optimizer`
    (plain gradient descent or Adam from `explainer_core.optim`, an object with
    `init(theta) -> state` and `step(theta, grad, state) -> (theta, state)`) turns g into the step.
    Salimans, Ho, Chen, Sidor & Sutskever 2017.

    `ask` returns population + 1 rows: the current mean first (so its loss is measured, honestly
    counted, and reported as state.loss), then mean + sigma eps_j, then mean - sigma eps_j.
    `population` must be even.
    """
    population = validate.population(population, low=2)
    if population % 2:
        raise validate.ArgumentValueError(
            "population", f"population must be even (antithetic pairs), got {population}")
    sigma = validate.positive("sigma", sigma)
    if not all(callable(getattr(optimizer, f, None)) for f in ("init", "step")):
        raise validate.ArgumentTypeError(
            "optimizer", "optimizer must have init(theta) and step(theta, grad, state), "
            f"like explainer_core.optim.sgd(...); got {optimizer!r}")
    half = population // 2
    batch = population + 1

    def init(theta, rng=None, loss=math.inf) -> ESState:
        theta = _theta(theta, batch)
        return ESState(theta, _start_loss(loss), theta.copy(), np.zeros((half, theta.size)),
                       optimizer.init(theta), 0, np.zeros(theta.size))

    def ask(state: ESState, rng: np.random.Generator):
        noise = rng.standard_normal((half, state.mean.size))
        rows = np.concatenate([state.mean[None, :], state.mean + sigma * noise,
                               state.mean - sigma * noise])
        return rows, state._replace(noise=noise)

    def tell(state: ESState, rows, losses) -> ESState:
        losses = _clean(losses, batch)
        shaped = centred_ranks(losses[1:])
        # sum_i f_i eps_i with eps of the second half = -eps of the first half
        grad = (shaped[:half] - shaped[half:]) @ state.noise / (population * sigma)
        mean, opt_state = optimizer.step(state.mean, grad, state.opt_state)
        return ESState(np.array(rows[0], dtype=np.float64), float(losses[0]),
                       np.asarray(mean, dtype=np.float64), state.noise, opt_state,
                       state.generation + 1, grad)

    settings = {"population": population, "sigma": sigma,
                "optimizer": getattr(optimizer, "name", type(optimizer).__name__)}
    return SearchMethod("openai_es", settings, batch, init, ask, tell)


# ---------------------------------------------------------------- Metropolis neuroevolution


def metropolis_accept(delta: Array, beta: float, uniform: Array) -> Array:
    """Metropolis acceptance of loss changes `delta` (any shape) with uniforms in [0, 1).

    Accept with probability min(1, exp(-beta * delta)): with beta = inf, iff delta <= 0; with
    finite beta, iff u < exp(-beta delta) (always when delta <= 0). A NaN delta is rejected.
    """
    delta = np.asarray(delta, dtype=np.float64)
    if beta == math.inf:
        return delta <= 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        return (delta <= 0.0) | (np.asarray(uniform) < np.exp(-beta * delta))


class MetropolisState(NamedTuple):
    chains: Array  # (R, D) the current parameters of each independent chain
    losses: Array  # (R,) their losses
    uniform: Array  # (R,) drawn by ask, used by tell for the acceptance test
    generation: int
    accepted: int  # accepted moves, summed over the chains

    @property
    def theta(self) -> Array:
        """The first chain's parameters (the only one unless `chains` > 1)."""
        return self.chains[0]

    @property
    def loss(self) -> float:
        return float(self.losses[0])


def metropolis(sigma: float, beta: float = math.inf, chains: int = 1) -> SearchMethod:
    """Neuroevolution by conditioned stochastic mutation (Whitelam et al. 2021).

    One step: x' = x + eps, eps_i ~ N(0, sigma^2) for every weight; accept with probability
    min(1, exp(-beta (U(x') - U(x)))). beta = inf: accept iff the loss does not increase.
    Averaged over runs, with sigma -> 0, this is normalised gradient descent with learning rate
    alpha on the time axis t = alpha * lambda * steps, where sigma = sqrt(2 pi) lambda alpha
    (beta = inf); or plain gradient descent with alpha = beta sigma^2 / 2 (finite beta).
    `chains` independent runs from the same start advance together, one population row each
    (ask returns (chains, D)), so their average is one vectorized loss call per step.
    Whitelam, Selin, Park & Tamblyn, Nat. Commun. 12, 6317 (2021), arXiv:2008.06643.
    """
    sigma = validate.positive("sigma", sigma)
    beta = validate.beta(beta)
    chains = validate.population(chains, "chains")

    def init(theta, rng=None, loss=math.inf) -> MetropolisState:
        start = np.repeat(_theta(theta, chains)[None, :], chains, axis=0)
        return MetropolisState(start, np.full(chains, _start_loss(loss)), np.zeros(chains), 0, 0)

    def ask(state: MetropolisState, rng: np.random.Generator):
        children = state.chains + sigma * rng.standard_normal(state.chains.shape)
        return children, state._replace(uniform=rng.random(chains))

    def tell(state: MetropolisState, population, losses) -> MetropolisState:
        new = _clean(losses, chains)
        with np.errstate(invalid="ignore"):  # inf - inf: both unknown, rejected below
            delta = np.where(np.isfinite(state.losses), new - state.losses, -math.inf)
        delta = np.where(new == math.inf, math.inf, delta)
        ok = metropolis_accept(delta, beta, state.uniform)
        return MetropolisState(np.where(ok[:, None], population, state.chains),
                               np.where(ok, new, state.losses), state.uniform,
                               state.generation + 1, state.accepted + int(np.sum(ok)))

    settings = {"sigma": sigma, "beta": beta, "chains": chains}
    return SearchMethod("metropolis", settings, chains, init, ask, tell)


# ---------------------------------------------------------------- the driver


def run(
    method: SearchMethod,
    task,
    theta,
    rng: np.random.Generator,
    *,
    generations: int,
    record_every: int = 1,
    theta_dims: int = 8,
    max_forward_passes: int | None = None,
    examples: int = 1,
) -> Iterator[dict]:
    """`train.run` for a search method: records of `generations` rounds of ask/tell.

    `task` is a `train.Task` (its `population_loss` gives the losses of a whole population in
    one call, its `n_examples` the price of one row) or a plain callable `loss_fn((P, D)) ->
    (P,)`, for which one row costs `examples` forward passes (1 for a function of theta).
    Records are `train.make_record` dicts: step = generations done, forward_passes = rows
    evaluated x examples (the starting point's evaluation included), backward_passes = 0.
    """
    if not isinstance(method, SearchMethod):
        raise validate.ArgumentTypeError(
            "method", f"method must come from explainer_core.search (local_search(...), ...), "
                      f"got {method!r}")
    if not isinstance(task, train.Task):
        if not callable(task):
            raise validate.ArgumentTypeError(
                "task", f"task must be a train.Task or a population loss function, got {task!r}")
        dimension = validate.float_array("theta", theta, ndim=1).size
        task = train.population_task(task, max(1, dimension), examples)
    generations = validate.integer_in_range("generations", generations, 0, train.MAX_STEPS)
    return train.run(task, method, theta, steps=generations, rng=rng, record_every=record_every,
                     theta_dims=theta_dims, max_forward_passes=max_forward_passes)
