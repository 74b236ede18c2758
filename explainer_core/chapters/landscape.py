"""Chapter "The loss landscape": one neuron, two knobs, and a loss you can see.

    y_hat(x) = f(a·x + b)

fitted to y = sin(x) at the three points x = -1.5, 0, 1.5 (as in the video). This is the
smallest network of `nets`: layer sizes (1, 1) with the activation f on its output, so
theta = (a, b) in nets' layout (the weight, then the bias). With only two parameters the whole
loss landscape L(a, b) is a picture, and every optimizer's path can be drawn on it. The chapter
drives it with `optim` and `search` like any other task.

A forward pass is one evaluation of the model on one data point: the loss of one (a, b) costs
N = 3 forward passes, its gradient N forward plus N backward passes (see `train`).
"""

from __future__ import annotations

import numpy as np

from .. import landscape, nets, train, validate

DATA_X = np.array([-1.5, 0.0, 1.5])
DATA_Y = np.sin(DATA_X)
BOUNDS = (-5.0, 5.0)
LOSSES = ("mse", "mae")
LAYER_SIZES = (1, 1)


def neuron_task(activation: str = "tanh", loss: str = "mse", x=DATA_X, y=DATA_Y) -> train.Task:
    """The neuron f(a·x + b) fitted to the points (x, y), as a `train.Task` with D = 2."""
    validate.choice("loss", loss, LOSSES)
    x = validate.float_array("x", x, ndim=1)
    y = validate.float_array("y", y, ndim=1)
    return train.network_task(LAYER_SIZES, x[:, None], y[:, None], loss=loss,
                              activation="identity", output_activation=activation)


def predict(params, x, activation: str = "tanh") -> np.ndarray:
    """Model outputs f(a·x + b) of each parameter pair: params (P, 2) or (2,) -> (P, N)."""
    params = validate.float_array("params", params)
    thetas = params.reshape(-1, 2) if params.ndim == 1 else params
    X = validate.float_array("x", x, ndim=1)[:, None]
    out = nets.forward_population(thetas, LAYER_SIZES, X, "identity", activation)
    return out[..., 0]


def loss_grid(activation: str = "tanh", loss: str = "mse", n: int = 100,
              bounds: tuple[float, float] = BOUNDS, x=DATA_X, y=DATA_Y) -> landscape.Grid:
    """The landscape L(a, b) on an n×n grid over `bounds`²: x holds a, y holds b."""
    n = validate.integer_in_range("grid size", n, 2, 1000)
    task = neuron_task(activation, loss, x, y)
    return landscape.loss_grid(task.population_loss, bounds, bounds, n=n)


def global_minimum(activation: str = "tanh", loss: str = "mse",
                   bounds: tuple[float, float] = BOUNDS, x=DATA_X, y=DATA_Y, n: int = 201,
                   zooms: int = 8) -> tuple[float, float, float]:
    """(a, b, loss) of the lowest point in the box, by a grid search refined by zooming in.

    Needs no gradient, so it also works for the binary step and for MAE's kinks. Each zoom keeps
    the best point and searches a 21×21 grid ten times narrower around it, clipped to the box.
    """
    task = neuron_task(activation, loss, x, y)
    grid = landscape.loss_grid(task.population_loss, bounds, bounds, n=n)
    j, i = np.unravel_index(np.argmin(grid.loss), grid.loss.shape)
    best, best_loss = np.array([grid.x[i], grid.y[j]]), grid.loss[j, i]
    half = (bounds[1] - bounds[0]) / (n - 1)
    for _ in range(zooms):
        offsets = np.linspace(-half, half, 21)
        aa, bb = np.meshgrid(np.clip(best[0] + offsets, *bounds),
                             np.clip(best[1] + offsets, *bounds))
        candidates = np.stack([aa.ravel(), bb.ravel()], axis=1)
        values = task.population_loss(candidates)
        k = int(np.argmin(values))
        if values[k] <= best_loss:
            best, best_loss = candidates[k], values[k]
        half /= 10.0
    return float(best[0]), float(best[1]), float(best_loss)
