"""Mode connectivity: paths between two trained solutions and the loss barrier along them.

Two networks trained from different seeds usually sit in different minima. On the straight line
between them, `(1 - t) theta_a + t theta_b`, the loss typically rises in the middle: a barrier.
Yet a *curved* path of low loss often joins them; Garipov et al. find one as a quadratic Bezier
curve
    phi(t) = (1 - t)^2 theta_a + 2 t (1 - t) theta_mid + t^2 theta_b,     t in [0, 1],
whose middle control point theta_mid is trained to minimise the loss averaged along the curve,
`E_{t ~ U(0,1)} L(phi(t))`, by stochastic gradient steps on one random t at a time, using
    d L(phi(t)) / d theta_mid = 2 t (1 - t) grad L(phi(t)).

References:
    T. Garipov, P. Izmailov, D. Podoprikhin, D. Vetrov, A. G. Wilson. Loss Surfaces, Mode
    Connectivity, and Fast Ensembling of DNNs. NeurIPS 2018.
    F. Draxler, K. Veschgini, M. Salmhofer, F. Hamprecht. Essentially No Barriers in Neural
    Network Energy Landscape. ICML 2018.
    R. Entezari, H. Sedghi, O. Saukh, B. Neyshabur. The Role of Permutation Invariance in Linear
    Mode Connectivity of Neural Networks. ICLR 2022 (the barrier definition used here).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from . import validate
from ._chunked import evaluate_rows, rows_per_chunk

Array = np.ndarray

MAX_BEZIER_STEPS = 100_000


class BezierFit(NamedTuple):
    """The trained middle point `(D,)`, the sampled loss `L(phi(t_k))` of each step and its t_k.

    theta_mid: `(D,)`; losses, ts: `(steps,)`.
    """

    theta_mid: Array
    losses: Array
    ts: Array


def linear_path(theta_a, theta_b, ts) -> Array:
    """Points `(1 - t) theta_a + t theta_b` for each t: `(T, D)`."""
    a, b = _endpoints(theta_a, theta_b)
    t = validate.float_array("ts", ts, ndim=1)[:, None]
    return (1.0 - t) * a + t * b


def bezier_path(theta_a, theta_mid, theta_b, ts) -> Array:
    """Points of the quadratic Bezier curve `(1-t)^2 a + 2 t (1-t) mid + t^2 b`: `(T, D)`."""
    a, b = _endpoints(theta_a, theta_b)
    mid = validate.float_array("theta_mid", theta_mid, ndim=1)
    if mid.size != a.size:
        raise validate.ArgumentValueError(
            "theta_mid", f"theta_mid has {mid.size} entries, the endpoints have {a.size}")
    t = validate.float_array("ts", ts, ndim=1)[:, None]
    return (1.0 - t) ** 2 * a + 2.0 * t * (1.0 - t) * mid + t**2 * b


def interpolation_losses(
    loss_fn: Callable[[Array], Array],
    theta_a,
    theta_b,
    ts,
    theta_mid=None,
    *,
    chunk_rows: int | None = None,
) -> Array:
    """Loss along the straight line (or, given theta_mid, the Bezier curve) from a to b: `(T,)`.

    loss_fn: population loss `(P, D) -> (P,)`; ts: `(T,)`, usually `linspace(0, 1, T)`, so that
    the first and last values are `L(theta_a)` and `L(theta_b)`.
    """
    if theta_mid is None:
        points = linear_path(theta_a, theta_b, ts)
    else:
        points = bezier_path(theta_a, theta_mid, theta_b, ts)
    chunk = chunk_rows or rows_per_chunk(8 * points.shape[1])
    return evaluate_rows(loss_fn, lambda i, j: points[i:j], points.shape[0], chunk)


def barrier_height(ts, losses) -> float:
    """How far the loss along a path rises above the straight line between its end losses.

        B = max_t [ L(t) - ((1 - t) L(0) + t L(1)) ]        (Entezari et al. 2022, eq. 1)

    ts: `(T,)` increasing from 0 to 1; losses: `(T,)` along the path. B = 0 means no barrier
    (the path is at least as good as mixing the two endpoints' losses); it is never negative,
    since the endpoints themselves give 0.
    """
    t = validate.float_array("ts", ts, ndim=1)
    L = validate.float_array("losses", losses, ndim=1)
    if t.size != L.size or t.size < 2:
        raise validate.ArgumentValueError(
            "losses", f"ts and losses must have the same length >= 2, got {t.size} and {L.size}")
    if t[0] != 0.0 or t[-1] != 1.0 or np.any(np.diff(t) <= 0):
        raise validate.ArgumentValueError("ts", "ts must increase strictly from 0 to 1")
    return float(np.max(L - ((1.0 - t) * L[0] + t * L[-1])))


def bezier_loss_and_grad(
    loss_and_grad_fn: Callable[[Array], tuple[float, Array]],
    theta_a,
    theta_mid,
    theta_b,
    t: float,
) -> tuple[float, Array]:
    """`L(phi(t))` on the Bezier curve and its gradient with respect to theta_mid, `(D,)`.

    By the chain rule, `d L(phi(t)) / d theta_mid = 2 t (1 - t) grad L(phi(t))`.
    loss_and_grad_fn: `theta (D,) -> (loss, grad (D,))`.
    """
    t = validate.number_in_range("t", t, 0.0, 1.0)
    point = bezier_path(theta_a, theta_mid, theta_b, np.array([t]))[0]
    loss, grad = loss_and_grad_fn(point)
    return float(loss), 2.0 * t * (1.0 - t) * np.asarray(grad, dtype=np.float64)


def fit_bezier(
    loss_and_grad_fn: Callable[[Array], tuple[float, Array]],
    theta_a,
    theta_b,
    rng: np.random.Generator,
    *,
    steps: int = 500,
    optimizer=None,
    learning_rate: float = 0.01,
    theta_mid=None,
) -> BezierFit:
    """Train the middle point of a quadratic Bezier curve of low loss from theta_a to theta_b.

    Each step draws `t ~ U(0, 1)` from rng and moves theta_mid along
    `-2 t (1 - t) grad L(phi(t))` with the given `optim` optimizer (default:
    `optim.adam(learning_rate)`; anything with `init(theta)` and
    `step(theta, grad, state) -> (theta, state)` will do). theta_mid starts at the midpoint
    `(a + b) / 2`, where the curve is the straight line, unless given. (Garipov et al. 2018,
    section 3.)
    """
    a, b = _endpoints(theta_a, theta_b)
    validate.integer_in_range("steps", steps, 1, MAX_BEZIER_STEPS)
    validate.generator(rng)
    if theta_mid is None:
        mid = 0.5 * (a + b)
    else:
        mid = validate.float_array("theta_mid", theta_mid, ndim=1).copy()
    if optimizer is None:
        from . import optim

        optimizer = optim.adam(learning_rate)
    state = optimizer.init(mid)
    ts = rng.uniform(0.0, 1.0, size=steps)
    losses = np.empty(steps)
    for k in range(steps):
        losses[k], grad = bezier_loss_and_grad(loss_and_grad_fn, a, mid, b, ts[k])
        mid, state = optimizer.step(mid, grad, state)
    return BezierFit(mid, losses, ts)


def _endpoints(theta_a, theta_b) -> tuple[Array, Array]:
    a = validate.float_array("theta_a", theta_a, ndim=1)
    b = validate.float_array("theta_b", theta_b, ndim=1)
    if a.size != b.size:
        raise validate.ArgumentValueError(
            "theta_b", f"theta_a and theta_b must have the same size, got {a.size} and {b.size}")
    return a, b
