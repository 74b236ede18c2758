"""Loss landscapes: grids over two parameters, slices through many, and where a path went.

A network with D parameters has a D-dimensional loss landscape; a reader can only see two of
those dimensions at a time. Three ways to pick them:

- a model (or benchmark surface) with exactly two parameters: the loss on a grid of
  `(x, y)` values, `loss_grid`;
- a plane through a point theta* spanned by two directions d1, d2:
  `L(theta* + x d1 + y d2)`, `slice_2d` (and `slice_1d` for a line). Random directions are
  made comparable across networks and minima by **filter normalisation**
  (`filter_normalized_direction`);
- the plane that best holds an optimisation path: its top two principal directions,
  `pca_directions`, with the path's coordinates from `project_path`.

All losses are population losses: `loss_fn(thetas) -> losses` maps `(P, D)` parameter vectors
to `(P,)` losses in one vectorized call. `network_loss` builds one for a network and a data set.
Slices are evaluated a chunk of grid points at a time (see `_chunked.MEMORY_BUDGET_BYTES`), so a
41 x 41 slice of a 10,000-parameter network needs tens of MB, not gigabytes.

The curvature (`hessian`, ...) and connectivity (`linear_path`, `bezier_path`, ...) tools live
in `curvature.py` and `connectivity.py` and are re-exported here, so `landscape` is the one
public entry point.

References:
    H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein. Visualizing the Loss Landscape of Neural
    Nets. NeurIPS 2018 (filter normalisation, section 4; PCA of the path, section 7).
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Sequence

import numpy as np

from . import validate
from ._chunked import MEMORY_BUDGET_BYTES, evaluate_rows, rows_per_chunk

Array = np.ndarray
PopulationLoss = Callable[[Array], Array]

# The grid sizes a reader can ask for in a demo; 401 x 401 = 160,801 evaluations is plenty.
MAX_GRID_SIDE = 401


class Grid(NamedTuple):
    """Losses on a rectangular grid: `loss[j, i]` is the loss at `(x[i], y[j])`.

    x: `(nx,)`, y: `(ny,)`, loss: `(ny, nx)` (rows follow y, as an image or a contour plot does).
    """

    x: Array
    y: Array
    loss: Array


# ----------------------------------------------------------------------------- grids and slices


def grid_axis(name: str, bounds: Sequence[float], n) -> Array:
    """`n` evenly spaced values from `bounds[0]` to `bounds[1]` (both included)."""
    if len(bounds) != 2:
        raise validate.ArgumentValueError(
            name, f"{name} must be a pair (low, high), got {bounds!r}")
    low = validate.real_number(f"{name}[0]", bounds[0])
    high = validate.real_number(f"{name}[1]", bounds[1])
    if not low < high:
        raise validate.ArgumentValueError(
            name, f"{name} must satisfy low < high, got ({low:g}, {high:g})")
    n = validate.integer_in_range(f"number of points along {name}", n, 2, MAX_GRID_SIDE)
    return np.linspace(low, high, n)


def loss_grid(
    loss_fn: PopulationLoss,
    x_range: Sequence[float],
    y_range: Sequence[float],
    n: int | tuple[int, int] = 41,
) -> Grid:
    """Loss of a two-parameter model or surface on an `nx x ny` grid, in one vectorized call.

    loss_fn: `(P, 2) -> (P,)`, called on all `P = nx * ny` points `(x_i, y_j)` at once.
    n: points per side, or `(nx, ny)`.
    Returns `Grid(x (nx,), y (ny,), loss (ny, nx))` with `loss[j, i] = loss_fn([x_i, y_j])`.
    """
    nx, ny = (n, n) if np.ndim(n) == 0 else n
    x = grid_axis("x_range", x_range, nx)
    y = grid_axis("y_range", y_range, ny)
    xx, yy = np.meshgrid(x, y)  # (ny, nx) each, "xy" indexing
    points = np.stack([xx.ravel(), yy.ravel()], axis=1)
    losses = np.asarray(loss_fn(points), dtype=np.float64)
    if losses.shape != (points.shape[0],):
        raise ValueError(
            f"loss_fn must map (P, 2) points to (P,) losses; got shape {losses.shape} "
            f"for P = {points.shape[0]}"
        )
    return Grid(x, y, losses.reshape(ny, nx))


def slice_1d(
    loss_fn: PopulationLoss,
    theta,
    direction,
    alphas,
    *,
    chunk_rows: int | None = None,
) -> Array:
    """Loss along a line through theta: `L(theta + alpha * d)` for each alpha, shape `(T,)`.

    theta, direction: `(D,)`; alphas: `(T,)`; loss_fn: `(P, D) -> (P,)`.
    """
    theta = validate.float_array("theta", theta, ndim=1)
    d = _direction("direction", direction, theta.size)
    alphas = validate.float_array("alphas", alphas, ndim=1)
    chunk = chunk_rows or rows_per_chunk(8 * theta.size)
    return evaluate_rows(
        loss_fn,
        lambda i, j: theta + alphas[i:j, None] * d,
        alphas.size,
        chunk,
    )


def slice_2d(
    loss_fn: PopulationLoss,
    theta,
    d1,
    d2,
    x_range: Sequence[float] = (-1.0, 1.0),
    y_range: Sequence[float] = (-1.0, 1.0),
    n: int | tuple[int, int] = 41,
    *,
    chunk_rows: int | None = None,
) -> Grid:
    """Loss on the plane through theta spanned by d1 and d2: `L(theta + x d1 + y d2)`.

    theta, d1, d2: `(D,)`; loss_fn: `(P, D) -> (P,)`. The `nx * ny` parameter vectors are built
    and evaluated `chunk_rows` at a time (default: as many as fit in MEMORY_BUDGET_BYTES).
    Returns `Grid(x (nx,), y (ny,), loss (ny, nx))`.
    (Li et al. 2018, eq. 2, with filter-normalised d1 and d2.)
    """
    theta = validate.float_array("theta", theta, ndim=1)
    d1 = _direction("d1", d1, theta.size)
    d2 = _direction("d2", d2, theta.size)
    nx, ny = (n, n) if np.ndim(n) == 0 else n
    x = grid_axis("x_range", x_range, nx)
    y = grid_axis("y_range", y_range, ny)
    xs = np.tile(x, ny)  # point k = j * nx + i sits at (x[i], y[j])
    ys = np.repeat(y, nx)
    chunk = chunk_rows or rows_per_chunk(8 * theta.size)
    losses = evaluate_rows(
        loss_fn,
        lambda i, j: theta + xs[i:j, None] * d1 + ys[i:j, None] * d2,
        xs.size,
        chunk,
    )
    return Grid(x, y, losses.reshape(ny, nx))


def evaluate_points(loss_fn: PopulationLoss, thetas, *, chunk_rows: int | None = None) -> Array:
    """`loss_fn` on the rows of `thetas` `(P, D)`, in memory-bounded chunks: shape `(P,)`."""
    thetas = validate.float_array("thetas", thetas, ndim=2)
    return evaluate_built(loss_fn, lambda i, j: thetas[i:j], thetas.shape[0], thetas.shape[1],
                          chunk_rows=chunk_rows)


def evaluate_built(loss_fn: PopulationLoss, make_rows: Callable[[int, int], Array], count: int,
                   dimension: int, *, chunk_rows: int | None = None) -> Array:
    """`loss_fn` on `count` parameter vectors of `dimension` entries, built a chunk at a time.

    `make_rows(i, j)` returns rows i..j-1 as `(j - i, D)` (for example fresh random mutations),
    so no more than one chunk of them (MEMORY_BUDGET_BYTES) is ever held. Shape `(count,)`.
    """
    chunk = chunk_rows or rows_per_chunk(8 * dimension)
    return evaluate_rows(loss_fn, make_rows, count, chunk)


def network_loss(
    layer_sizes: Sequence[int],
    X,
    y,
    *,
    loss: str = "mse",
    activation: str = "tanh",
    output_activation: str = "identity",
    memory_budget: int = MEMORY_BUDGET_BYTES,
) -> PopulationLoss:
    """A population loss for a network on a data set: `(P, D) -> (P,)`, memory-bounded.

    X: `(N, n_in)`; y: `(N, n_out)` targets, or class indices `(N,)` for cross-entropy.
    loss: "mse", "mae" or "softmax_cross_entropy" (see `losses`). It is the population loss of
    `train.network_task` (which says how `memory_budget` bounds each chunk).
    """
    from . import train

    task = train.network_task(layer_sizes, X, y, loss=loss, activation=activation,
                              output_activation=output_activation, memory_budget=memory_budget)

    def population_loss(thetas: Array) -> Array:
        return task.population_loss(thetas, None)

    return population_loss


def network_loss_and_grad(
    layer_sizes: Sequence[int],
    X,
    y,
    *,
    loss: str = "mse",
    activation: str = "tanh",
    output_activation: str = "identity",
) -> Callable[[Array], tuple[float, Array]]:
    """`theta (D,) -> (loss, grad (D,))` by backprop, for `hessian`, `fit_bezier` and training."""
    from . import nets

    def loss_and_grad(theta: Array) -> tuple[float, Array]:
        return nets.loss_and_grad(
            theta, layer_sizes, X, y, loss=loss, activation=activation,
            output_activation=output_activation,
        )

    return loss_and_grad


# ----------------------------------------------------------------------------- directions


def random_direction(dim: int, rng: np.random.Generator) -> Array:
    """A uniformly random unit vector in R^dim (a normalised standard normal draw), `(dim,)`."""
    dim = validate.integer_in_range("dim", dim, 1, 10**8)
    validate.generator(rng)
    d = rng.standard_normal(dim)
    return d / np.linalg.norm(d)


def layer_index(layer_sizes: Sequence[int]) -> list[tuple[Array, Array]]:
    """Where each layer's weights and biases sit in the flat vector theta.

    Returns `[(W_idx, b_idx), ...]` with integer arrays of shapes `(n_in, n_out)` and `(n_out,)`:
    `theta[W_idx]` is the layer's weight matrix W. Derived from `nets.unravel` itself, so the
    layout is the one the network uses, whatever it is.
    """
    from . import nets

    sizes = nets.check_layer_sizes(layer_sizes)
    positions = np.arange(nets.param_count(sizes), dtype=np.float64)
    return [
        (np.asarray(W).astype(np.int64), np.asarray(b).astype(np.int64))
        for W, b in nets.unravel(positions, sizes)
    ]


def filter_normalized_direction(
    theta, layer_sizes: Sequence[int], rng: np.random.Generator
) -> Array:
    """A random direction d with each neuron's incoming weights rescaled to theta's: `(D,)`.

    For each layer with weights W (n_in, n_out), a neuron ("filter") j owns the column W[:, j].
    Draw d ~ N(0, I), then for every column set
        d_W[:, j] <- d_W[:, j] / ||d_W[:, j]|| * ||theta_W[:, j]||,
    and set every bias entry of d to 0. A step x * d then changes each neuron's weights by the
    same fraction x of their size, so slices of differently scaled networks (or minima) can be
    compared; in particular, rescaling a ReLU layer by a and the next by 1/a leaves the slice
    unchanged. (Li et al. 2018, section 4, eq. 3; biases zeroed as in their code's "biasbn".)
    """
    idx = layer_index(layer_sizes)
    dim = sum(W.size + b.size for W, b in idx)
    theta = validate.float_array("theta", theta, ndim=1)
    if theta.size != dim:
        raise validate.ArgumentValueError(
            "theta",
            f"theta has {theta.size} entries but layer sizes {tuple(layer_sizes)} need {dim}"
        )
    validate.generator(rng)
    raw = rng.standard_normal(dim)
    d = np.zeros(dim)
    for W, _b in idx:
        block = raw[W]  # (n_in, n_out)
        target = np.linalg.norm(theta[W], axis=0)
        norms = np.linalg.norm(block, axis=0)
        d[W] = block * (target / np.where(norms > 0, norms, 1.0))
    return d


def pca_directions(path) -> tuple[Array, Array, Array]:
    """The plane that best holds an optimisation path: its top two principal directions.

    path: `(T, D)` parameter vectors theta_0 .. theta_{T-1}, T >= 2, D >= 2.
    With M the `(T, D)` matrix of rows `theta_i - theta_{T-1}` and its SVD `M = U S V^T`,
        d1, d2 = V[:, 0], V[:, 1]          (orthonormal, `(D,)` each)
        explained_variance = S[:2]**2 / sum(S**2)   (`(2,)`, summing to <= 1),
    the share of the path's squared distance from its end that the plane captures. Each
    direction's sign is fixed so that its largest-magnitude entry is positive, which makes the
    result the same on every platform. Coordinates: `project_path(path, path[-1], d1, d2)`.
    (Li et al. 2018, section 7.)
    """
    path = validate.float_array("path", path, ndim=2)
    if path.shape[0] < 2 or path.shape[1] < 2:
        raise validate.ArgumentValueError(
            "path", f"path must have at least 2 points of at least 2 parameters, got {path.shape}")
    M = path - path[-1]
    _, s, vt = np.linalg.svd(M, full_matrices=False)
    d1, d2 = vt[0].copy(), vt[1].copy()
    for d in (d1, d2):
        if d[np.argmax(np.abs(d))] < 0:
            d *= -1.0
    total = float(np.sum(s**2))
    explained = s[:2] ** 2 / total if total > 0 else np.zeros(2)
    return d1, d2, explained


def project_path(path, origin, d1, d2) -> Array:
    """Coordinates `(T, 2)` of the points of `path` in the plane `origin + x d1 + y d2`.

    Least squares: for each point p, `(x, y)` minimises `||p - origin - x d1 - y d2||`, which is
    `(d1 . (p - origin), d2 . (p - origin))` when d1, d2 are orthonormal (as PCA directions are)
    and the right answer also when they are not (as filter-normalised directions are not).
    """
    path = validate.float_array("path", path, ndim=2)
    origin = validate.float_array("origin", origin, ndim=1)
    if origin.size != path.shape[1]:
        raise validate.ArgumentValueError(
            "origin", f"origin has {origin.size} entries, path points have {path.shape[1]}")
    basis = np.stack([_direction("d1", d1, origin.size), _direction("d2", d2, origin.size)], axis=1)
    coords, *_ = np.linalg.lstsq(basis, (path - origin).T, rcond=None)
    return coords.T


# ----------------------------------------------------------------------------- checks


def _direction(name: str, value, dim: int) -> Array:
    d = validate.float_array(name, value, ndim=1)
    if d.size != dim:
        raise validate.ArgumentValueError(
            name, f"{name} must have {dim} entries like theta, got {d.size}")
    return d


# Curvature and connectivity are part of the same public API.
from .curvature import (  # noqa: E402
    direction_profiles,
    hessian,
    hessian_spectra,
    saddle,
    saddle_grad,
)
from .connectivity import (  # noqa: E402
    barrier_height,
    bezier_loss_and_grad,
    bezier_path,
    fit_bezier,
    interpolation_losses,
    linear_path,
)

__all__ = [
    "Grid",
    "MEMORY_BUDGET_BYTES",
    "barrier_height",
    "bezier_loss_and_grad",
    "bezier_path",
    "direction_profiles",
    "evaluate_built",
    "evaluate_points",
    "filter_normalized_direction",
    "fit_bezier",
    "grid_axis",
    "hessian",
    "hessian_spectra",
    "interpolation_losses",
    "layer_index",
    "linear_path",
    "loss_grid",
    "network_loss",
    "network_loss_and_grad",
    "pca_directions",
    "project_path",
    "random_direction",
    "saddle",
    "saddle_grad",
    "slice_1d",
    "slice_2d",
]
