"""The smallest network worth a landscape: one neuron, two parameters.

    y_hat(x) = f(a·x + b)

fitted to y = sin(x) at the three points x = -1.5, 0, 1.5 (as in the video). With only two
parameters the whole loss landscape L(a, b) is a picture, so every optimizer's path can be seen.

Shapes: parameters come as a population `params` of shape (P, 2) with columns (a, b); data `x`, `y`
of shape (N,). Losses (P,), gradients (P, 2).

    MSE:  L = (1/N) Σ (y_hat - y)²      dL/dy_hat = 2 (y_hat - y) / N
    MAE:  L = (1/N) Σ |y_hat - y|       dL/dy_hat = sign(y_hat - y) / N
    chain rule:  dL/da = Σ dL/dy_hat · f'(a·x + b) · x,   dL/db = Σ dL/dy_hat · f'(a·x + b)

A forward pass is one evaluation of the model on one data point, so one loss evaluation of one
parameter pair costs N forward passes and one gradient costs N forward plus N backward passes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import validate, activations

DATA_X = np.array([-1.5, 0.0, 1.5])
DATA_Y = np.sin(DATA_X)
BOUNDS = (-5.0, 5.0)
LOSSES = ("mse", "mae")


def _params(params) -> np.ndarray:
    params = validate.float_array("params", params)
    if params.ndim == 1:
        params = params[None, :]
    if params.ndim != 2 or params.shape[1] != 2:
        raise validate.ArgumentValueError(
            "params", f"params must have shape (P, 2) with columns (a, b), got {params.shape}"
        )
    return params


def predict(params, x, activation: str = "tanh") -> np.ndarray:
    """Model outputs f(a·x + b), shape (P, N)."""
    params = _params(params)
    f = activations.get(activation).f
    return f(params[:, :1] * np.asarray(x, dtype=np.float64)[None, :] + params[:, 1:])


def loss(params, x=DATA_X, y=DATA_Y, activation: str = "tanh", loss: str = "mse") -> np.ndarray:
    """Loss of each parameter pair, shape (P,)."""
    validate.choice("loss", loss, LOSSES)
    residual = predict(params, x, activation) - np.asarray(y, dtype=np.float64)[None, :]
    if loss == "mse":
        return np.mean(residual**2, axis=1)
    return np.mean(np.abs(residual), axis=1)


def grad(params, x=DATA_X, y=DATA_Y, activation: str = "tanh", loss: str = "mse") -> np.ndarray:
    """Analytic gradient (dL/da, dL/db) of each parameter pair, shape (P, 2)."""
    validate.choice("loss", loss, LOSSES)
    params = _params(params)
    x = np.asarray(x, dtype=np.float64)
    act = activations.get(activation)
    z = params[:, :1] * x[None, :] + params[:, 1:]
    residual = act.f(z) - np.asarray(y, dtype=np.float64)[None, :]
    n = x.shape[0]
    dl_dyhat = 2.0 * residual / n if loss == "mse" else np.sign(residual) / n
    delta = dl_dyhat * act.df(z)  # dL/dz, shape (P, N)
    return np.stack([delta @ x, delta.sum(axis=1)], axis=1)


class Grid(NamedTuple):
    a: np.ndarray  # (n,) values of a (columns)
    b: np.ndarray  # (n,) values of b (rows)
    loss: np.ndarray  # (n, n): loss[i, j] = L(a[j], b[i])


def loss_grid(
    activation: str = "tanh",
    loss_name: str = "mse",
    n: int = 100,
    bounds: tuple[float, float] = BOUNDS,
    x=DATA_X,
    y=DATA_Y,
) -> Grid:
    """The landscape L(a, b) on an n×n grid over `bounds`², in one vectorized call."""
    n = validate.integer_in_range("grid size", n, 2, 1000)
    a = np.linspace(bounds[0], bounds[1], n)
    b = np.linspace(bounds[0], bounds[1], n)
    aa, bb = np.meshgrid(a, b)  # aa[i, j] = a[j], bb[i, j] = b[i]
    values = loss(np.stack([aa.ravel(), bb.ravel()], axis=1), x, y, activation, loss_name)
    return Grid(a, b, values.reshape(n, n))


def global_minimum(
    activation: str = "tanh",
    loss_name: str = "mse",
    bounds: tuple[float, float] = BOUNDS,
    x=DATA_X,
    y=DATA_Y,
    n: int = 201,
    zooms: int = 8,
) -> tuple[float, float, float]:
    """(a, b, loss) of the lowest point in the box, by a grid search refined by zooming in.

    Needs no gradient, so it also works for the binary step and for MAE's kinks. Each zoom keeps
    the best point and searches a grid 10× narrower around it, clipped to the box.
    """
    grid = loss_grid(activation, loss_name, n, bounds, x, y)
    i, j = np.unravel_index(np.argmin(grid.loss), grid.loss.shape)
    best = np.array([grid.a[j], grid.b[i]])
    best_loss = grid.loss[i, j]
    half = (bounds[1] - bounds[0]) / (n - 1)
    for _ in range(zooms):
        offsets = np.linspace(-half, half, 21)
        aa, bb = np.meshgrid(
            np.clip(best[0] + offsets, *bounds), np.clip(best[1] + offsets, *bounds)
        )
        candidates = np.stack([aa.ravel(), bb.ravel()], axis=1)
        values = loss(candidates, x, y, activation, loss_name)
        k = int(np.argmin(values))
        if values[k] <= best_loss:
            best, best_loss = candidates[k], values[k]
        half /= 10.0
    return float(best[0]), float(best[1]), float(best_loss)


def gradient_step(params, lr: float, activation="tanh", loss_name="mse", x=DATA_X, y=DATA_Y):
    """One step of gradient descent: θ ← θ - lr · ∇L(θ). Returns the new (P, 2) parameters."""
    lr = validate.positive("learning rate", lr)
    params = _params(params)
    return params - lr * grad(params, x, y, activation, loss_name)


def local_search_step(
    params,
    rng: np.random.Generator,
    neighbours: int = 8,
    step_size: float = 0.3,
    activation: str = "tanh",
    loss_name: str = "mse",
    x=DATA_X,
    y=DATA_Y,
) -> tuple[np.ndarray, float, bool]:
    """One round of local search from a single point (1, 2).

    Draws `neighbours` candidates θ + step_size·ε, ε ~ N(0, I), evaluates them in one call and
    moves to the best one if it is strictly lower. Returns (params, loss, moved).
    """
    neighbours = validate.integer_in_range("neighbours", neighbours, 1, 10_000)
    step_size = validate.positive("step size", step_size)
    params = _params(params)
    if params.shape[0] != 1:
        raise validate.ArgumentValueError("params", "local search starts from one point, shape (1, 2)")
    current = float(loss(params, x, y, activation, loss_name)[0])
    candidates = params + step_size * rng.standard_normal((neighbours, 2))
    values = loss(candidates, x, y, activation, loss_name)
    k = int(np.argmin(values))
    if values[k] < current:
        return candidates[k : k + 1], float(values[k]), True
    return params, current, False
