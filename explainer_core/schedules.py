"""Learning-rate schedules: the learning rate as a function of the step count t = 0, 1, 2, ...

An optimizer in `explainer_core.optim` accepts a schedule wherever it accepts a number for `lr`,
and evaluates it at the number of steps already taken (t = 0 for the first step).

- `constant(lr)`:                    lr_t = lr
- `step_decay(lr, step_size, gamma)`: lr_t = lr * gamma^floor(t / step_size)   (torch StepLR)
- `inverse_time(lr, decay)`:         lr_t = lr / (1 + decay * t)               (NNFS chapter 10)
- `cosine(lr, steps, lr_min)`:       lr_t = lr_min + (lr - lr_min) (1 + cos(pi t / steps)) / 2,
  and lr_min after `steps`   (Loshchilov & Hutter 2017, SGDR, without restarts)
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from . import validate


class Schedule(NamedTuple):
    """A learning rate per step: `schedule(t) -> float`, with its name and settings for charts."""

    name: str
    settings: dict
    fn: Callable[[int], float]

    def __call__(self, t: int) -> float:
        return self.fn(t)

    def values(self, steps: int) -> np.ndarray:
        """lr_0 ... lr_{steps-1} as an array, for plotting."""
        steps = validate.integer_in_range("steps", steps, 0, 10_000_000)
        return np.array([self.fn(t) for t in range(steps)], dtype=np.float64)


def _lr(value, name: str = "lr") -> float:
    return validate.number_in_range(name, value, 0.0, 1e6)


def constant(lr: float) -> Schedule:
    """lr_t = lr."""
    lr = _lr(lr)
    return Schedule("constant", {"lr": lr}, lambda t: lr)


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """lr_t = lr * gamma^floor(t / step_size): multiply by gamma every step_size steps."""
    lr = _lr(lr)
    step_size = validate.integer_in_range("step_size", step_size, 1, 10**12)
    gamma = validate.number_in_range("gamma", gamma, 0.0, 1.0)
    return Schedule(
        "step_decay",
        {"lr": lr, "step_size": step_size, "gamma": gamma},
        lambda t: lr * gamma ** (t // step_size),
    )


def inverse_time(lr: float, decay: float) -> Schedule:
    """lr_t = lr / (1 + decay * t), NNFS's `current_learning_rate` (chapter 10)."""
    lr = _lr(lr)
    decay = validate.number_in_range("decay", decay, 0.0, 1e6)
    return Schedule(
        "inverse_time", {"lr": lr, "decay": decay}, lambda t: lr * (1.0 / (1.0 + decay * t))
    )


def cosine(lr: float, steps: int, lr_min: float = 0.0) -> Schedule:
    """Cosine annealing from lr down to lr_min over `steps` steps, then lr_min."""
    lr = _lr(lr)
    steps = validate.integer_in_range("steps", steps, 1, 10**12)
    lr_min = validate.number_in_range("lr_min", lr_min, 0.0, lr)

    def fn(t: int) -> float:
        if t >= steps:
            return lr_min
        return lr_min + (lr - lr_min) * 0.5 * (1.0 + math.cos(math.pi * t / steps))

    return Schedule("cosine", {"lr": lr, "steps": steps, "lr_min": lr_min}, fn)


SCHEDULES = {
    "constant": constant,
    "step_decay": step_decay,
    "inverse_time": inverse_time,
    "cosine": cosine,
}


def get(name: str, **settings) -> Schedule:
    """The schedule called `name` built with `settings`; ValueError listing the names otherwise."""
    validate.choice("schedule", name, SCHEDULES)
    return SCHEDULES[name](**settings)


def as_schedule(lr, name: str = "lr") -> Callable[[int], float]:
    """A number becomes a constant schedule; a Schedule (or any callable t -> lr) stays."""
    if callable(lr):
        return lr
    value = _lr(lr, name)
    return lambda t: value
