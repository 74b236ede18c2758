"""Curvature of a loss: Hessians, their spectra along a path, saddles, flat and sharp minima.

At a critical point (gradient zero) the Hessian's eigenvalues say what kind of point it is:
all positive, a minimum; mixed signs, a saddle, with an escape route along each negative
eigenvector; large eigenvalues, a sharp minimum that small parameter changes leave quickly.
The textbook saddle is `f(x, y) = x^2 - y^2`, Hessian `diag(2, -2)`.

The Hessian here comes from central finite differences of the analytic gradient, one column per
parameter, so it costs `2 D` gradient calls: fine for the small networks of the article
(hundreds of parameters), and it needs nothing but `grad_fn`.

References:
    Y. Dauphin, R. Pascanu, C. Gulcehre, K. Cho, S. Ganguli, Y. Bengio. Identifying and
    attacking the saddle point problem in high-dimensional non-convex optimization. NeurIPS 2014.
    N. S. Keskar, D. Mudigere, J. Nocedal, M. Smelyanskiy, P. T. P. Tang. On Large-Batch
    Training for Deep Learning: Generalization Gap and Sharp Minima. ICLR 2017.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from . import validate
from ._chunked import evaluate_rows, rows_per_chunk

Array = np.ndarray

# A dense D x D Hessian of 2,000 parameters is 32 MB and 4,000 gradient calls; beyond that the
# finite-difference Hessian is the wrong tool (use Hessian-vector products).
MAX_HESSIAN_DIM = 2000


def hessian(grad_fn: Callable[[Array], Array], theta, eps: float = 1e-5) -> Array:
    """The Hessian `(D, D)` of a loss at theta, by central differences of its gradient.

    grad_fn: `(D,) -> (D,)`, the analytic gradient. Column i is
        H[:, i] = (g(theta + h_i e_i) - g(theta - h_i e_i)) / (2 h_i),
        h_i = eps * max(1, |theta_i|),
    exact for a quadratic loss up to rounding (error O(h^2) otherwise); the result is
    symmetrised, `(H + H^T) / 2`. The default eps ~ (machine epsilon)^(1/3) balances truncation
    and rounding error.
    """
    theta = validate.float_array("theta", theta, ndim=1)
    eps = validate.positive("eps", eps)
    dim = theta.size
    if dim > MAX_HESSIAN_DIM:
        raise validate.ArgumentValueError(
            "theta",
            f"theta has {dim} parameters; the finite-difference Hessian is limited to "
            f"{MAX_HESSIAN_DIM} (it costs 2 D gradient calls and D^2 floats)"
        )
    steps = eps * np.maximum(1.0, np.abs(theta))
    H = np.empty((dim, dim))
    for i in range(dim):  # one column per parameter: a loop over parameters, not data
        e = np.zeros(dim)
        e[i] = steps[i]
        plus = _gradient(grad_fn, theta + e, dim)
        minus = _gradient(grad_fn, theta - e, dim)
        H[:, i] = (plus - minus) / (2.0 * steps[i])
    return 0.5 * (H + H.T)


def hessian_spectra(grad_fn: Callable[[Array], Array], path, eps: float = 1e-5) -> Array:
    """Eigenvalues of the Hessian at each point of a path, ascending: `(T, D)`.

    path: `(T, D)`. A negative first column marks the points where the path is near a saddle
    (or a maximum); the last column is the sharpness lambda_max.
    """
    path = validate.float_array("path", path, ndim=2)
    return np.stack([np.linalg.eigvalsh(hessian(grad_fn, p, eps)) for p in path])


def saddle(points) -> Array:
    """The saddle surface `f(x, y) = x^2 - y^2` for points `(P, 2)`: losses `(P,)`.

    Its only critical point is the origin, with Hessian diag(2, -2): a minimum along x, a
    maximum along y. Gradient descent started exactly on the x axis converges to the saddle;
    any offset in y grows by a factor (1 + 2 lr) per step and escapes.
    """
    p = validate.float_array("points", points, ndim=2)
    if p.shape[1] != 2:
        raise validate.ArgumentValueError(
            "points", f"points must have shape (P, 2), got {p.shape}")
    return p[:, 0] ** 2 - p[:, 1] ** 2


def saddle_grad(theta) -> Array:
    """Gradient `(2 x, -2 y)` of the saddle surface at theta `(2,)`."""
    t = validate.float_array("theta", theta, ndim=1)
    if t.size != 2:
        raise validate.ArgumentValueError("theta", f"theta must have 2 entries, got {t.size}")
    return np.array([2.0 * t[0], -2.0 * t[1]])


def direction_profiles(
    loss_fn: Callable[[Array], Array],
    theta,
    directions,
    alphas,
    *,
    chunk_rows: int | None = None,
) -> Array:
    """Loss along several lines through theta: `out[k, t] = L(theta + alphas[t] * directions[k])`.

    theta: `(D,)`; directions: `(K, D)` (unit vectors for a surface, filter-normalised for a
    network, so that two minima are compared at the same relative step); alphas: `(T,)`.
    Returns `(K, T)`. Around a sharp minimum the curves rise steeply, around a flat one slowly;
    near alpha = 0 each is `L(theta) + alpha^2 / 2 * d^T H d`. (Keskar et al. 2017; Li et al.
    2018, section 5.)
    """
    theta = validate.float_array("theta", theta, ndim=1)
    directions = validate.float_array("directions", directions, ndim=2)
    alphas = validate.float_array("alphas", alphas, ndim=1)
    if directions.shape[1] != theta.size:
        raise validate.ArgumentValueError(
            "directions",
            f"directions must have shape (K, {theta.size}) like theta, got {directions.shape}"
        )
    K, T = directions.shape[0], alphas.size
    k_of = np.repeat(np.arange(K), T)
    a_of = np.tile(alphas, K)
    chunk = chunk_rows or rows_per_chunk(8 * theta.size)
    losses = evaluate_rows(
        loss_fn,
        lambda i, j: theta + a_of[i:j, None] * directions[k_of[i:j]],
        K * T,
        chunk,
    )
    return losses.reshape(K, T)


def _gradient(grad_fn, theta: Array, dim: int) -> Array:
    g = np.asarray(grad_fn(theta), dtype=np.float64)
    if g.shape != (dim,):
        raise ValueError(f"grad_fn must return a ({dim},) gradient, got shape {g.shape}")
    return g
