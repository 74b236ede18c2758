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

import math

import numpy as np

from .. import landscape, nets, train, validate

DATA_X = np.array([-1.5, 0.0, 1.5])
DATA_Y = np.sin(DATA_X)
BOUNDS = (-5.0, 5.0)
LOSSES = ("mse", "mae")
LAYER_SIZES = (1, 1)


def data_point(index: int, axis: str = "x") -> float:
    """The chapter's data, one number at a time, for the text: point `index` (0, 1, 2), its x or y."""
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', not {axis!r}")
    return float((DATA_X if axis == "x" else DATA_Y)[index])


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


def lowest_points(activation: str = "tanh", loss: str = "mse",
                  bounds: tuple[float, float] = BOUNDS, x=DATA_X, y=DATA_Y, n: int = 201,
                  zooms: int = 8, candidates: int = 200, separation: float = 0.06,
                  rtol: float = 1e-9, atol: float = 1e-9) -> list[tuple[float, float, float]]:
    """Every lowest point of the box: [(a, b, loss)], lowest first.

    The grid's local minima (no higher than their 8 neighbours; the `candidates` lowest of them)
    are each refined by zooming in as in `global_minimum`, merged when closer than `separation`,
    and kept when their loss is within atol + rtol·|lowest| of the lowest. A landscape with one
    best point gives one; sin gives several equally good ones; a flat valley floor or plateau
    gives many. A point on the box's edge means the loss falls further outside the box.
    """
    task = neuron_task(activation, loss, x, y)
    grid = landscape.loss_grid(task.population_loss, bounds, bounds, n=n)
    values = grid.loss
    padded = np.pad(values, 1, constant_values=np.inf)
    local = np.ones(values.shape, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                local &= values <= padded[1 + di:1 + di + values.shape[0],
                                          1 + dj:1 + dj + values.shape[1]]
    seeds = np.argwhere(local)
    seeds = seeds[np.argsort(values[seeds[:, 0], seeds[:, 1]], kind="stable")[:candidates]]
    best = np.stack([grid.x[seeds[:, 1]], grid.y[seeds[:, 0]]], axis=1)  # (S, 2)
    best_loss = values[seeds[:, 0], seeds[:, 1]]
    half = (bounds[1] - bounds[0]) / (n - 1)
    for _ in range(zooms):  # every seed zooms at once: one population_loss call per zoom
        offsets = np.linspace(-half, half, 21)
        oa, ob = (o.ravel() for o in np.meshgrid(offsets, offsets))
        points = np.clip(np.stack([best[:, None, 0] + oa, best[:, None, 1] + ob], axis=2), *bounds)
        found = task.population_loss(points.reshape(-1, 2)).reshape(len(best), -1)
        k = np.argmin(found, axis=1)
        lower = found[np.arange(len(best)), k] <= best_loss
        best[lower] = points[np.arange(len(best)), k][lower]
        best_loss = np.where(lower, found[np.arange(len(best)), k], best_loss)
        half /= 10.0
    refined = [(float(a), float(b), float(v)) for (a, b), v in zip(best, best_loss)]
    refined.sort(key=lambda p: p[2])
    lowest = refined[0][2]
    kept: list[tuple[float, float, float]] = []
    for a, b, value in refined:
        if value > lowest + atol + rtol * abs(lowest):
            break
        if all(math.hypot(a - a2, b - b2) > separation for a2, b2, _ in kept):
            kept.append((a, b, value))
    return kept


def local_minima(activation: str = "tanh", loss: str = "mse",
                 bounds: tuple[float, float] = BOUNDS, x=DATA_X, y=DATA_Y,
                 n: int = 201) -> list[tuple[float, float, float]]:
    """Every distinct minimum inside the box (not on its edge), whatever its height: the grid's
    local minima refined as in `lowest_points` (with no height cut), lowest first."""
    everything = lowest_points(activation, loss, bounds, x, y, n, rtol=math.inf, atol=math.inf)
    edge = lambda v: v <= bounds[0] + 1e-9 or v >= bounds[1] - 1e-9  # noqa: E731
    return [p for p in everything if not (edge(p[0]) or edge(p[1]))]


def step_compute(method: str = "gradient", neighbours: int = 8) -> int:
    """The compute of one step of the demo's methods on the chapter's three points, counted by
    running it (`train.compute`: forward passes + 2 x backward passes): a gradient step, or one
    round of local search with `neighbours` tried. The search's evaluation of its starting point
    is not counted (the demo knows that loss already)."""
    from .. import optim, search

    validate.choice("method", method, ("gradient", "local_search"))
    task = neuron_task()
    theta = np.array([-1.0, 1.5])
    if method == "gradient":
        records = list(train.run(task, optim.sgd(0.1), theta, steps=1, theta_dims=2))
    else:
        local = search.local_search(population=int(neighbours), sigma=0.3, mutate="all")
        records = list(train.run(task, local, theta, steps=1, rng=np.random.default_rng(0),
                                 theta_dims=2))
    start, last = records[0], records[-1]
    return (train.compute(last["forward_passes"], last["backward_passes"])
            - train.compute(start["forward_passes"], start["backward_passes"]))
