"""Where evolution still wins: a binary-step network, whose backpropagated gradient is exactly 0.

With f(z) = 1 if z >= 0 else 0 in every layer, f'(z) = 0 wherever it exists, so backpropagation
multiplies every error by zero: dL/dtheta = 0 for every weight and gradient descent does not
move, at any learning rate. The loss is still a perfectly good function of theta (piecewise
constant: here the fraction of points misclassified, since outputs and targets are 0 or 1), and
a search that only compares losses (`search.local_search`) lowers it.

The task: points uniform in [-1, 1]^2, label 1 when x1 * x2 > 0 (the XOR of the signs), which no
single step unit solves but a hidden layer of step units does.
"""

from __future__ import annotations

import numpy as np

from .. import nets, optim, search, train, validate

Array = np.ndarray


def xor_task(points: int = 200, hidden: int = 8, rng: np.random.Generator | None = None):
    """A 2-hidden-1 binary-step network on XOR-of-signs data, as a `train.Task` with MSE loss.

    Returns (task, layer_sizes). X ~ U([-1, 1]^2) (points, 2), y = [x1 x2 > 0] (points, 1).
    """
    points = validate.integer_in_range("points", points, 4, 100_000)
    hidden = validate.integer_in_range("hidden", hidden, 1, 10_000)
    rng = validate.generator(rng)
    X = rng.uniform(-1.0, 1.0, size=(points, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)[:, None]
    sizes = (2, hidden, 1)
    task = train.network_task(sizes, X, y, loss="mse", activation="binary_step",
                              output_activation="binary_step")
    return task, sizes


def gradient_vs_evolution(
    points: int = 200,
    hidden: int = 8,
    gd_steps: int = 100,
    lr: float = 0.5,
    population: int = 20,
    sigma: float = 0.3,
    generations: int = 300,
    seed: int = 0,
    record_every: int = 10,
) -> list[dict]:
    """Race gradient descent and local search on the binary-step network: tidy records.

    Both start from the same N(0, 1) weights. Records are `train.make_record` dicts with
    `method` "sgd" or "local_search" and, on every record, `grad_norm`, the norm of the
    backpropagated gradient at the recorded parameters (0 for this network).
    """
    rng = validate.rng_from_seed(seed)
    task, sizes = xor_task(points, hidden, rng)
    theta0 = nets.init_params(sizes, rng, scheme="normal")
    dims = task.dimension
    records = list(train.run(task, optim.sgd(lr), theta0, steps=gd_steps,
                             record_every=record_every, theta_dims=dims))
    records += list(search.run(search.local_search(population, sigma, mutate="all"), task,
                               theta0, rng, generations=generations, record_every=record_every,
                               theta_dims=dims))
    for record in records:
        grad = task.loss_and_grad(np.asarray(record["theta"]), None)[1]
        record["grad_norm"] = float(np.linalg.norm(grad))
    return records
