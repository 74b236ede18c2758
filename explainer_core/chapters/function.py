"""Chapter "A network is a function with knobs": one input, n neurons, one output.

    y_hat(x) = sum_j v_j f(w_j x + b_j) + c        (`shallow`: 3n + 1 parameters)

fitted to a target y(x) on [-3, 3] (a sine, a step, |x|, a bump, or the reader's formula, parsed
by `expr`) at SAMPLES evenly spaced points, by minimising the mean squared error with Adam
(full batch, learning rate LEARNING_RATE). The video (Emergent Garden, "Gradient Descent vs
Evolution") opens with networks as universal function approximators: more parameters, more
complex functions. Cybenko (1989) and Hornik (1991) proved that such sums can come as close as you
like to any continuous function on an interval, given enough neurons; they say nothing about how
many, or whether training finds the knobs. This module measures both: the best error training
reaches for each number of neurons (`best_errors`), and what one press of the demo's Fit does
(`fit_run`).

Each neuron's knobs start at random, drawn neuron by neuron from the seed (`initial_params`), so
the first n neurons of a wider network start where an n-neuron network starts: adding neurons
adds pieces and leaves the others alone.
"""

from __future__ import annotations

import functools
import math
from typing import Iterator

import numpy as np

from .. import expr, expr_position, optim, shallow, validate

DOMAIN = (-3.0, 3.0)
SAMPLES = 100  # even: no sample at x = 0, where the step jumps
X = np.linspace(DOMAIN[0], DOMAIN[1], SAMPLES)
TARGETS = {  # name: the formula, in the syntax a reader types
    "sine": "sin(2*x)",
    "step": "step(x)",
    "abs": "abs(x)",
    "bump": "exp(-x^2)",
}
TARGET_LABELS = {"sine": "sine, sin(2x)", "step": "step", "abs": "|x|", "bump": "bump, exp(−x²)"}
ACTIVATIONS = ("tanh", "relu", "sigmoid")
MAX_WIDTH = 64
TARGET_LIMIT = 100.0  # |y| on the samples: larger targets need far more steps at this rate
LEARNING_RATE = 0.02
STEPS = 2000  # one press of the demo's Fit, and every run of the chart
RESTARTS = 3  # the chart's best of this many random starts
WIDTHS = (1, 2, 4, 8, 16, 32, 64)
TOLERANCE = 1e-6  # a fit with a mean squared error below this matches the target on the plot


def parameter_count(width: int = 1) -> int:
    """3n + 1 parameters for n neurons: a weight, a bias and an output weight each, one bias."""
    return shallow.param_count(validate.integer_in_range("neurons", width, 1, 10**6))


def _width(width) -> int:
    return validate.integer_in_range("neurons", width, 1, MAX_WIDTH)


def _activation(activation: str) -> str:
    return validate.choice("activation", activation, ACTIVATIONS)


def target_expression(target: str = "sine") -> str:
    """The formula of a named target (`TARGETS`)."""
    return TARGETS[validate.choice("target", target, TARGETS)]


def target_values(expression: str, x=X) -> np.ndarray:
    """The target y(x) of a formula at x, checked: it must parse (a refusal says where, see
    `expr_position`) and be a finite number no larger than TARGET_LIMIT at every sample."""
    expr_position.check(expression)  # a refusal that says where
    f = expr.compile_expression(expression)
    x = validate.float_array("x", x, ndim=1)
    y = f(x=x)
    bad = ~np.isfinite(y)
    if bad.any():
        raise validate.ArgumentValueError(
            "expression", f"the formula is not a finite number at x = {x[bad][0]:.3g}: the "
                          f"target needs a value everywhere on [{DOMAIN[0]:g}, {DOMAIN[1]:g}]")
    big = np.abs(y) > TARGET_LIMIT
    if big.any():
        k = int(np.argmax(np.abs(y)))
        raise validate.ArgumentValueError(
            "expression", f"the formula reaches {y[k]:.3g} at x = {x[k]:.3g}; keep it between "
                          f"-{TARGET_LIMIT:g} and {TARGET_LIMIT:g} on [{DOMAIN[0]:g}, {DOMAIN[1]:g}] "
                          f"(divide it by a number)")
    return y


def _values(target: str) -> np.ndarray:
    return target_values(target_expression(target))


def initial_params(width: int = 3, seed: int = 0, restart: int = 0) -> np.ndarray:
    """Random starting knobs for `width` neurons, neuron by neuron from Generator([seed, restart]):

    w_j = ±U(0.5, 3) (either sign), b_j = -w_j u_j with the bend u_j ~ U(-3, 3) (so every neuron
    changes somewhere on the plot), v_j ~ U(-1, 1), and c = 0. The first n neurons of a wider
    network are the n neurons of this one.
    """
    rng = np.random.default_rng([validate.seed(seed), validate.seed(restart, "restart")])
    n = validate.integer_in_range("neurons", width, 1, shallow.MAX_WIDTH)
    u = rng.uniform(size=(n, 4))
    w = np.where(u[:, 0] < 0.5, -1.0, 1.0) * (0.5 + 2.5 * u[:, 1])
    b = -w * (DOMAIN[0] + (DOMAIN[1] - DOMAIN[0]) * u[:, 2])
    v = 2.0 * u[:, 3] - 1.0
    return np.concatenate([w, b, v, [0.0]])


def curve(theta, activation: str = "tanh", x=X) -> np.ndarray:
    """The network's output y_hat(x) for one theta (3n + 1,)."""
    return shallow.forward(validate.float_array("theta", theta, ndim=1), x, _activation(activation))


def pieces(theta, activation: str = "tanh", x=X) -> np.ndarray:
    """Each neuron's piece v_j f(w_j x + b_j) of the curve: (n, len(x))."""
    theta = validate.float_array("theta", theta, ndim=1)
    return shallow.pieces(theta, x, _activation(activation))[0].T


def mse(theta, expression: str, activation: str = "tanh") -> float:
    """The mean squared error of theta against the formula at the SAMPLES points."""
    y = target_values(expression)
    return float(np.mean((curve(theta, activation) - y) ** 2))


def embed(theta, width: int) -> np.ndarray:
    """The same curve with `width` >= n neurons: the extra neurons get output weight 0 (their
    w and b are 1 and 0, and do not matter). A wider network can always copy a narrower one, so
    the best error possible never rises with the number of neurons."""
    theta = validate.float_array("theta", theta, ndim=1)
    n = shallow.width_of(theta)
    width = validate.integer_in_range("neurons", width, n, shallow.MAX_WIDTH)
    w, b, v, c = shallow.split(theta)
    extra = width - n
    return np.concatenate([w, np.ones(extra), b, np.zeros(extra), v, np.zeros(extra), [c]])


def training(thetas, expression: str, activation: str = "tanh",
             lr: float = LEARNING_RATE) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Adam on the mean squared error, full batch, for one theta (D,) or several (P, D) side by
    side: yields (step, thetas (P, D), losses (P,)) from step 0, forever (`shallow.fit`)."""
    y = target_values(expression)
    lr = validate.positive("learning rate", lr, 10.0)
    return shallow.fit(thetas, X, y, _activation(activation), optim.adam(lr))


def fit_run(theta, expression: str, activation: str = "tanh", steps: int = STEPS,
            lr: float = LEARNING_RATE) -> Iterator[dict]:
    """One press of the demo's Fit: up to `steps` Adam steps from theta.

    Yields {step, theta, loss, outcome} after every step (step 0: the start); the last has the
    outcome "converged" (loss below TOLERANCE), "diverged" (not a finite number) or
    "step_limit"; the others None.
    """
    steps = validate.integer_in_range("steps", steps, 1, 10**6)
    for step, thetas, losses in training(theta, expression, activation, lr):
        loss = float(losses[0])
        outcome = ("diverged" if not math.isfinite(loss) else "converged" if loss < TOLERANCE
                   else "step_limit" if step >= steps else None)
        yield {"step": step, "theta": thetas[0], "loss": loss, "outcome": outcome}
        if outcome:
            return


def fit_loss(target: str = "sine", width: int = 3, activation: str = "tanh", seed: int = 0,
             steps: int = STEPS, presses: int = 1) -> float:
    """The loss when the demo's Fit ends, from the starting knobs for `seed`, after `presses`
    presses (each a new run of `steps` Adam steps from where the last one ended)."""
    theta = initial_params(_width(width), seed)
    for _ in range(validate.integer_in_range("presses", presses, 1, 100)):
        *_, last = fit_run(theta, target_expression(target), activation, steps)
        theta = last["theta"]
        if last["outcome"] != "step_limit":
            break
    return last["loss"]


def fit_losses(target: str = "sine", width: int = 3, activation: str = "tanh", seed: int = 0,
               steps: int = STEPS) -> np.ndarray:
    """The loss after every step of one press of Fit from the starting knobs for `seed`."""
    theta = initial_params(_width(width), seed)
    return np.array([r["loss"] for r in fit_run(theta, target_expression(target), activation, steps)])


@functools.lru_cache(maxsize=256)
def _best_fit(target: str, activation: str, width: int, steps: int, restarts: int, seed: int,
              lr: float) -> tuple[float, tuple[float, ...]]:
    starts = np.stack([initial_params(width, seed, r) for r in range(restarts)])
    best = np.full(restarts, math.inf)
    best_theta = starts.copy()
    for step, thetas, losses in training(starts, target_expression(target), activation, lr):
        better = losses < best
        best[better] = losses[better]
        best_theta[better] = thetas[better]
        if step >= steps:
            break
    k = int(np.argmin(best))
    return float(best[k]), tuple(best_theta[k].tolist())


def best_fit(target: str = "sine", activation: str = "tanh", width: int = 1, steps: int = STEPS,
             restarts: int = RESTARTS, seed: int = 0,
             lr: float = LEARNING_RATE) -> tuple[float, np.ndarray]:
    """(lowest mean squared error, its theta) that `steps` Adam steps reached from each of
    `restarts` random starts (`initial_params(width, seed, r)`), the best over every step."""
    seed = validate.seed(seed)
    key = (validate.choice("target", target, TARGETS), _activation(activation), _width(width),
           validate.integer_in_range("steps", steps, 0, 10**6),
           validate.integer_in_range("restarts", restarts, 1, 100), seed,
           validate.positive("learning rate", lr, 10.0))
    loss, theta = _best_fit(*key)
    return loss, np.array(theta)


def best_error(target: str = "sine", activation: str = "tanh", width: int = 1,
               seed: int = 0) -> float:
    """The chart's number: the lowest mean squared error for `width` neurons (`best_fit`)."""
    return best_fit(target, activation, width, seed=seed)[0]


def error_drop(target: str = "sine", activation: str = "tanh", low: int = 1, high: int = 64,
               seed: int = 0) -> float:
    """How many times lower the best error is with `high` neurons than with `low`."""
    return best_error(target, activation, low, seed) / best_error(target, activation, high, seed)


def fewest_neurons(target: str = "sine", activation: str = "tanh", below: float = 1e-3,
                   seed: int = 0) -> int:
    """The fewest neurons of WIDTHS whose best error is below `below` (0 if none)."""
    below = validate.positive("below", below)
    for width in WIDTHS:
        if best_error(target, activation, width, seed) < below:
            return width
    return 0


def best_errors(activation: str = "tanh", targets=tuple(TARGETS), widths=WIDTHS,
                seed: int = 0) -> list[dict]:
    """The chart's records: {activation, target, label, neurons, parameters, mse} for every
    target and number of neurons."""
    seed = validate.seed(seed)
    rows = []
    for target in targets:
        for width in widths:
            rows.append({"activation": _activation(activation), "target": target,
                         "label": TARGET_LABELS[target], "neurons": int(width),
                         "parameters": parameter_count(width),
                         "mse": best_error(target, activation, width, seed)})
    return rows


def relu_interpolant(target: str = "sine", width: int = 16) -> np.ndarray:
    """Knobs, set by hand, of `width` ReLU neurons that join the dots of the target at width + 1
    evenly spaced points t_0 = -3 < ... < t_n = 3 with straight lines: no training.

    With slopes s_k = (y(t_{k+1}) - y(t_k)) / (t_{k+1} - t_k), the line through the dots is
        y(t_0) + s_0 ReLU(x - t_0) + sum_{k=1}^{n-1} (s_k - s_{k-1}) ReLU(x - t_k)   (x >= t_0):
    neuron k has w = 1, b = -t_k and v = s_k - s_{k-1} (v = s_0 for the first), and c = y(t_0).
    """
    n = _width(width)
    t = np.linspace(DOMAIN[0], DOMAIN[1], n + 1)
    y = target_values(target_expression(target), t)
    slopes = np.diff(y) / np.diff(t)
    v = np.concatenate([[slopes[0]], np.diff(slopes)])
    return np.concatenate([np.ones(n), -t[:-1], v, [y[0]]])


def interpolant_error(target: str = "sine", width: int = 16) -> float:
    """The mean squared error of `relu_interpolant` at the chapter's samples."""
    return mse(relu_interpolant(target, width), target_expression(target), "relu")


def interpolant_drop(target: str = "sine", low: int = 16, high: int = 64) -> float:
    """How many times lower the joined-dots error is with `high` neurons than with `low`."""
    return interpolant_error(target, low) / interpolant_error(target, high)


def fitted_weight(target: str = "step", activation: str = "tanh", width: int = 1,
                  seed: int = 0) -> float:
    """The largest |w_j| of the best fit (`best_fit`): how steep training made the pieces."""
    _, theta = best_fit(target, activation, width, seed=seed)
    return float(np.max(np.abs(shallow.split(theta)[0])))


def steeper_error(target: str = "step", activation: str = "tanh", width: int = 1,
                  factor: float = 10.0, seed: int = 0) -> float:
    """The error of the best fit with every neuron `factor` times steeper around the same place
    (w_j and b_j both times `factor`: the piece changes at the same x = -b_j / w_j, faster)."""
    factor = validate.positive("factor", factor, 1e6)
    _, theta = best_fit(target, activation, width, seed=seed)
    theta = theta.copy()
    n = shallow.width_of(theta)
    theta[:2 * n] *= factor
    return mse(theta, target_expression(target), activation)


ABS_KNOBS = (1.0, -1.0, 0.0, 0.0, 1.0, 1.0, 0.0)  # w1, w2, b1, b2, v1, v2, c: ReLU(x) + ReLU(-x)


def abs_from_two_relus() -> float:
    """The loss of two ReLU neurons set by hand to max(0, x) + max(0, -x) against |x|."""
    return mse(np.array(ABS_KNOBS), target_expression("abs"), "relu")
