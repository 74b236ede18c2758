"""Your own methods, for the playground's "your own" runs: a search method (`ask` and `tell`) and
a gradient method (`update`), templates the reader rewrites in the playground's Python panel
(`explainer_core.usercode` puts the reader's versions in place of these while the race runs).

A search method works on a state, here a `State`:

    state = State(theta, loss, sigma, step, memory)    # made by the playground from the start
    population = ask(state, rng, size)                 # (size, D): the candidates to try
    state = tell(state, population, losses)            # losses (size,): theirs; the new state

`theta` is the method's answer so far and `loss` its loss (what the playground charts); `sigma`
is the run's σ field, `size` its population field, `step` the steps taken before this one, and
`memory` a dict for anything else the method keeps. `rng` is a numpy Generator seeded by the
run's seed, so a run with the same code and seed gives the same numbers everywhere. The template
is the simplest evolution there is: `size` mutated copies of the current point, and the best
replaces it if it is lower (the local search of the evolution chapter, every weight mutated).

A gradient method is one function:

    theta, state = update(theta, grad, state)           # grad (D,): the gradient at theta

with a `GradientState(lr, step, memory)`: `lr` is the run's learning rate for this step (its
schedule applied), `step` the steps taken before this one, `memory` a dict that starts empty
(for a momentum, say). The template is plain gradient descent, theta - lr * grad.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import optim, schedules, search, validate

Array = np.ndarray


class State(NamedTuple):
    theta: Array  # (D,) the method's current answer
    loss: float  # its loss (inf when not known yet)
    sigma: float  # the run's σ field
    step: int  # steps taken
    memory: dict  # anything else the method keeps


def ask(state: State, rng: np.random.Generator, size: int) -> Array:
    """The candidates to try: an array of shape (size, D), one row per candidate.

    Here: `size` copies of the current point, each plus Gaussian noise of scale sigma.
    """
    noise = rng.standard_normal((size, state.theta.size))
    return state.theta + state.sigma * noise


def tell(state: State, population: Array, losses: Array) -> State:
    """The new state, from the candidates (size, D) and their losses (size,).

    Here: move to the best candidate if its loss is lower than the current one.
    """
    best = int(np.argmin(losses))
    if losses[best] < state.loss:
        return state._replace(theta=population[best], loss=float(losses[best]), step=state.step + 1)
    return state._replace(step=state.step + 1)


def method(size: int, sigma: float) -> search.SearchMethod:
    """The playground's run of `ask` and `tell` (looked up at every step, so the reader's own
    versions run when they are in place), as a `search.SearchMethod` of `size` candidates."""
    size = validate.population(size)
    sigma = validate.positive("sigma", sigma)

    def init(theta, rng=None, loss=math.inf) -> State:
        theta = validate.float_array("theta", theta, ndim=1).copy()
        validate.memory(size, theta.size)
        return State(theta, math.inf if loss is None or math.isnan(loss) else float(loss), sigma, 0, {})

    def ask_(state: State, rng: np.random.Generator):
        return ask(state, rng, size), state

    def tell_(state: State, population, losses) -> State:
        losses = np.where(np.isnan(losses), np.inf, np.asarray(losses, dtype=np.float64))
        return tell(state, population, losses)

    return search.SearchMethod("yours", {"population": size, "sigma": sigma}, size, init, ask_, tell_)


def state_contract(args: dict, value) -> str | None:
    """What `tell` must return: a State whose theta has the shape of the old one and whose loss
    is a number (usercode's contract form)."""
    old = args["state"]
    if not isinstance(value, State):
        return ("should return a State (for example `state._replace(theta=..., loss=...)`); "
                f"yours returned {type(value).__name__ if value is not None else 'None (did the function forget to return?)'}")
    theta = value.theta
    if not isinstance(theta, np.ndarray) or theta.shape != old.theta.shape or theta.dtype.kind not in "biuf":
        shape = getattr(theta, "shape", None)
        return (f"should return a State whose `theta` is an array of shape {old.theta.shape} of numbers; "
                f"yours has {('an array of shape ' + str(tuple(shape))) if shape is not None else type(theta).__name__}")
    if isinstance(value.loss, (bool, np.bool_)) or not isinstance(value.loss, (int, float, np.integer, np.floating)):
        return f"should return a State whose `loss` is a number; yours has {type(value.loss).__name__}"
    return None


class GradientState(NamedTuple):
    lr: float  # the learning rate for this step
    step: int  # steps taken
    memory: dict  # anything else the method keeps


def update(theta: Array, grad: Array, state: GradientState) -> tuple[Array, GradientState]:
    """One step from `theta` (D,) with the gradient `grad` (D,) there: (new theta, new state).

    Here: plain gradient descent, a step of lr times the gradient downhill.
    """
    return theta - state.lr * grad, state._replace(step=state.step + 1)


def gradient_method(lr) -> optim.GradientOptimizer:
    """The playground's run of `update` (looked up at every step) at the learning rate `lr`, a
    number or a schedule of `explainer_core.schedules`."""
    schedule = schedules.as_schedule(lr)

    def init(theta) -> GradientState:
        validate.float_array("theta", theta, ndim=1)
        return GradientState(float(schedule(0)), 0, {})

    def step(theta, grad, state: GradientState):
        return update(theta, grad, state._replace(lr=float(schedule(state.step))))

    return optim.GradientOptimizer("yours_gradient", {"lr": optim._settings_lr(lr)}, init, step)


def update_contract(args: dict, value) -> str | None:
    """What `update` must return: (theta of the old theta's shape, a GradientState)."""
    old = args["theta"]
    if not isinstance(value, tuple) or len(value) != 2:
        return ("should return two things, (theta, state); "
                f"yours returned {'a tuple of ' + str(len(value)) + ' items' if isinstance(value, tuple) else type(value).__name__}")
    theta, state = value
    if not isinstance(theta, np.ndarray) or theta.shape != np.shape(old) or theta.dtype.kind not in "biuf":
        shape = getattr(theta, "shape", None)
        return (f"should return (theta, state) with `theta` an array of shape {np.shape(old)} of numbers; "
                f"yours has {('an array of shape ' + str(tuple(shape))) if shape is not None else type(theta).__name__}")
    if not isinstance(state, GradientState):
        return ("should return (theta, state) with `state` a GradientState "
                f"(for example `state._replace(step=state.step + 1)`); yours has {type(state).__name__}")
    return None
