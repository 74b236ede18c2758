"""Numerical derivatives, and what a numerical gradient costs next to backpropagation.

NNFS chapter 7 ("Derivatives") and the P.9 walk-through: the slope of f at x is approximated by
nudging x by a small delta,

    forward difference:  f'(x) ~ (f(x + delta) - f(x)) / delta              error O(delta)
    central difference:  f'(x) ~ (f(x + delta) - f(x - delta)) / (2 delta)  error O(delta^2)

and the tangent line through (x + delta, f(x + delta)) is y = m x + b with m the forward
difference and b = f(x + delta) - m (x + delta), NNFS's `approximate_derivative` and `b`.

For a network's loss with D parameters, the numerical gradient perturbs one parameter at a
time: D + 1 loss evaluations (forward) or 2 D (central), each a forward pass over all N examples,
so (D + 1) N or 2 D N forward passes, where backprop needs N forward and N backward passes.
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

import numpy as np

from . import validate, activations, losses, nets

Array = np.ndarray

METHODS = ("forward", "central")


def _delta(delta) -> float:
    return validate.number_in_range("delta", delta, 0.0, 1e6, low_open=True)


def forward_difference(f: Callable[[Array], Array], x, delta: float = 1e-4) -> Array:
    """(f(x2) - f(x1)) / (x2 - x1) with x1 = x, x2 = x + delta, elementwise (NNFS chapter 7).

    Dividing by the difference actually represented in floating point, x2 - x1, rather than
    by delta removes the rounding of x + delta from the error.
    """
    x1 = validate.float_array("x", x)
    x2 = x1 + _delta(delta)
    return (f(x2) - f(x1)) / (x2 - x1)


def central_difference(f: Callable[[Array], Array], x, delta: float = 1e-4) -> Array:
    """(f(x + delta) - f(x - delta)) / (2 delta), elementwise (again over the represented step)."""
    x = validate.float_array("x", x)
    delta = _delta(delta)
    plus, minus = x + delta, x - delta
    return (f(plus) - f(minus)) / (plus - minus)


def tangent_line(f: Callable[[Array], Array], x, delta: float = 1e-4) -> tuple[Array, Array]:
    """(m, b) of the approximate tangent y = m x + b at x, exactly as NNFS chapter 7.

    x1 = x, x2 = x + delta, m = (f(x2) - f(x1)) / (x2 - x1), b = f(x2) - m x2.
    """
    x1 = validate.float_array("x", x)
    x2 = x1 + _delta(delta)
    y1, y2 = f(x1), f(x2)
    m = (y2 - y1) / (x2 - x1)
    return m, y2 - m * x2


class NumericalGradient(NamedTuple):
    grad: Array  # (D,)
    forward_passes: int  # network evaluations on one example each, as in explainer_core.train


def forward_passes_numerical(dimension: int, n_examples: int, method: str = "central") -> int:
    """Forward passes of one numerical gradient: (D + 1) N (forward) or 2 D N (central)."""
    validate.choice("method", method, METHODS)
    evaluations = dimension + 1 if method == "forward" else 2 * dimension
    return evaluations * n_examples


def passes_backprop(n_examples: int) -> tuple[int, int]:
    """(forward, backward) passes of one gradient by backpropagation: (N, N)."""
    return n_examples, n_examples


def numerical_gradient(
    loss_fn: Callable[[Array], Array],
    theta,
    delta: float = 1e-5,
    method: str = "central",
    chunk: int = 256,
) -> Array:
    """Gradient of a population loss `loss_fn((P, D)) -> (P,)` at theta by finite differences.

    All perturbed copies theta +- delta e_i are evaluated as populations of `chunk` rows, so a
    network's numerical gradient is a few vectorized calls.
    """
    theta = validate.float_array("theta", theta, ndim=1)
    delta = _delta(delta)
    validate.choice("method", method, METHODS)
    chunk = validate.integer_in_range("chunk", chunk, 1, 1_000_000)
    D = theta.shape[0]
    grad = np.empty(D)
    base = None if method == "central" else float(loss_fn(theta[None, :])[0])
    for start in range(0, D, chunk):  # a loop over chunks of parameters, to bound memory
        idx = np.arange(start, min(D, start + chunk))
        rows = np.arange(len(idx))
        plus = np.repeat(theta[None, :], len(idx), axis=0)
        plus[rows, idx] += delta
        if method == "forward":
            # divide by the step actually represented, (theta + delta) - theta
            grad[idx] = (loss_fn(plus) - base) / (plus[rows, idx] - theta[idx])
        else:
            minus = np.repeat(theta[None, :], len(idx), axis=0)
            minus[rows, idx] -= delta
            grad[idx] = (loss_fn(plus) - loss_fn(minus)) / (plus[rows, idx] - minus[rows, idx])
    return grad


def network_numerical_gradient(
    theta,
    layer_sizes: Sequence[int],
    X,
    y,
    loss: str = "mse",
    activation: str = "tanh",
    output_activation: str = "identity",
    delta: float = 1e-5,
    method: str = "central",
) -> NumericalGradient:
    """The numerical gradient of a network's loss, and the forward passes it cost.

    Compare with `nets.loss_and_grad`, which costs N forward and N backward passes.
    """
    sizes = nets.check_layer_sizes(layer_sizes)
    theta = nets.check_theta(theta, sizes)
    X = nets.check_inputs(X, sizes)
    loss_fn = losses.get(loss)
    targets = loss_fn.check_targets(y, X.shape[0], sizes[-1])
    activations.get(activation)
    nets.output_activation_named(output_activation)

    def population_loss(thetas: Array) -> Array:
        out = nets.forward_population(thetas, sizes, X, activation, output_activation)
        return loss_fn.value(out, targets)

    # keep each chunk's activations near 32 MB
    per_row = 8 * X.shape[0] * max(sizes[1:]) * 3 + 8 * theta.shape[0]
    chunk = max(1, min(1024, (32 * 2**20) // per_row))
    grad = numerical_gradient(population_loss, theta, delta, method, chunk)
    return NumericalGradient(grad, forward_passes_numerical(theta.shape[0], X.shape[0], method))
