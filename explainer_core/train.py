"""The training driver: run a gradient method on a task, yield a trajectory of tidy records.

    task = network_task([2, 64, 3], X, y, loss="softmax_cross_entropy", activation="relu")
    for record in run(task, optim.adam(0.05), theta, steps=1000, rng=rng, record_every=10):
        ...   # one dict per recorded step; stop consuming to stop training

`run` is a generator, so the browser can advance it a chunk of records at a time and stop it
between chunks. Search methods (`explainer_core.search`) build their records with the same
`make_record`, so charts compare gradient descent and evolution on the same axes.

A record is a flat dict (JSON-ready):

    method           name of the optimizer ("adam", "sgd", "local_search", ...)
    step             updates made so far (0 = the starting point)
    loss             loss of the current parameters on the whole training set
    accuracy         fraction classified correctly (classification tasks), else None
    forward_passes   compute spent so far, see below
    backward_passes  compute spent so far, see below
    wall_time        seconds spent inside the driver so far (time paused between chunks excluded)
    theta            the current parameters at `theta_indices(D, theta_dims)`, a list of floats
    diverged         True when the loss became NaN or infinite (the run stops there)

Units of compute (the same for every method, so they can be compared honestly):
one **forward pass** is one evaluation of the network on one example, so a mini-batch of B
examples costs B forward passes and evaluating a population of P networks on N examples costs
P * N. One **backward pass** is one backpropagation of one example's error, so a gradient on a
batch of B costs B forward and B backward passes. For a plain function of theta (a benchmark
surface), one evaluation of f is one forward pass and one gradient is one backward pass. The
loss and accuracy written into records for the reader are measurements, not training, and are
not counted.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Iterator, NamedTuple, Sequence

import numpy as np

from . import validate, activations, losses, nets

Array = np.ndarray

MAX_STEPS = 10_000_000


class Task(NamedTuple):
    """What to minimise, and at what price.

    loss_and_grad(theta (D,), rows) -> (loss, grad (D,), accuracy or None) on the examples
        `rows` (an index array; None = all of them)
    population_loss(thetas (P, D), rows) -> (P,) losses, one vectorized call
    evaluate(theta) -> (loss, accuracy or None) on all examples
    """

    name: str
    dimension: int
    n_examples: int
    classification: bool
    loss_and_grad: Callable[[Array, Array | None], tuple[float, Array, float | None]]
    population_loss: Callable[[Array, Array | None], Array]
    evaluate: Callable[[Array], tuple[float, float | None]]


def network_task(
    layer_sizes: Sequence[int],
    X,
    y,
    loss: str = "mse",
    activation: str = "tanh",
    output_activation: str = "identity",
) -> Task:
    """A network with `layer_sizes` fitted to X (N, n_in) and targets y (see `losses`)."""
    sizes = nets.check_layer_sizes(layer_sizes)
    X = nets.check_inputs(X, sizes)
    loss_fn = losses.get(loss)
    targets = loss_fn.check_targets(y, X.shape[0], sizes[-1])
    hidden = activations.get(activation)
    output = nets._output_activation(output_activation)
    classification = loss == "softmax_cross_entropy"

    def _accuracy(out: Array, rows_targets: Array) -> float | None:
        if not classification:
            return None
        return float(np.mean(np.argmax(out, axis=-1) == rows_targets))

    def loss_and_grad(theta: Array, rows: Array | None = None):
        Xb, yb = (X, targets) if rows is None else (X[rows], targets[rows])
        value, grad, out = nets.backprop_with_outputs(theta, sizes, Xb, yb, loss_fn, hidden, output)
        return value, grad, _accuracy(out, yb)

    def population_loss(thetas: Array, rows: Array | None = None) -> Array:
        Xb, yb = (X, targets) if rows is None else (X[rows], targets[rows])
        out = nets.forward_population(thetas, sizes, Xb, activation, output_activation)
        return loss_fn.value(out, yb)

    def evaluate(theta: Array):
        out = nets.forward(theta, sizes, X, activation, output_activation)
        return float(loss_fn.value(out, targets)), _accuracy(out, targets)

    name = f"mlp {'-'.join(map(str, sizes))} {activation} {loss}"
    return Task(
        name,
        nets.param_count(sizes),
        X.shape[0],
        classification,
        loss_and_grad,
        population_loss,
        evaluate,
    )


def function_task(
    name: str,
    f: Callable[[Array], Array],
    grad: Callable[[Array], Array],
    dimension: int,
) -> Task:
    """A plain function of theta: f maps (P, D) -> (P,), grad maps (D,) -> (D,).

    The benchmark surfaces of `explainer_core.datasets` (Rosenbrock, ...) have this form.
    """
    dimension = validate.integer_in_range("dimension", dimension, 1, nets.MAX_PARAMETERS)

    def loss_and_grad(theta: Array, rows=None):
        return float(f(theta[None, :])[0]), np.asarray(grad(theta), dtype=np.float64), None

    def population_loss(thetas: Array, rows=None) -> Array:
        return np.asarray(f(thetas), dtype=np.float64)

    def evaluate(theta: Array):
        return float(f(theta[None, :])[0]), None

    return Task(name, dimension, 1, False, loss_and_grad, population_loss, evaluate)


def theta_indices(dimension: int, count: int) -> Array:
    """`count` parameter indices spread evenly over 0 .. dimension - 1 (all when count >= D)."""
    if count >= dimension:
        return np.arange(dimension)
    if count <= 0:
        return np.arange(0)
    return np.unique(np.linspace(0, dimension - 1, count).round().astype(np.intp))


def make_record(
    method: str,
    step: int,
    loss: float,
    forward_passes: int,
    backward_passes: int,
    wall_time: float,
    theta: Array | None = None,
    theta_dims: int = 8,
    accuracy: float | None = None,
    **extra,
) -> dict:
    """One trajectory record as a flat JSON-ready dict (fields in the module docstring).

    `theta` (D,) is subsampled at `theta_indices(D, theta_dims)`; extra keyword fields (e.g.
    `sigma` for evolution, `lr` for a schedule) are appended as they are.
    """
    loss = float(loss)
    record = {
        "method": method,
        "step": int(step),
        "loss": loss,
        "accuracy": None if accuracy is None else float(accuracy),
        "forward_passes": int(forward_passes),
        "backward_passes": int(backward_passes),
        "wall_time": float(wall_time),
        "theta": (
            []
            if theta is None
            else [float(v) for v in np.asarray(theta)[theta_indices(len(theta), theta_dims)]]
        ),
        "diverged": not math.isfinite(loss),
    }
    record.update(extra)
    return record


def minibatches(n: int, batch_size: int, rng: np.random.Generator | None) -> Iterator[Array]:
    """Row indices of successive mini-batches, epoch after epoch, forever.

    Each epoch is a fresh permutation (`rng.permutation(n)`), cut into batches of
    `batch_size`; the last batch of an epoch is smaller when n % batch_size != 0 (as in NNFS
    and torch's DataLoader). Without rng the order stays 0 .. n - 1.
    """
    while True:
        order = np.arange(n) if rng is None else rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def run(
    task: Task,
    optimizer,
    theta,
    *,
    steps: int,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    record_every: int = 1,
    theta_dims: int = 8,
) -> Iterator[dict]:
    """Yield records of `steps` updates of `optimizer` on `task`, starting from `theta`.

    Records come at step 0, every `record_every` steps, and at the last step. With
    `batch_size` (< N) each step uses one mini-batch, reshuffled each epoch with `rng`;
    without it every step uses the whole training set. A NaN or infinite loss ends the run
    with a record marked `diverged`.
    """
    if not isinstance(task, Task):
        raise validate.ArgumentTypeError(
            "task",
            f"task must be a train.Task (network_task(...) or function_task(...)), got {task!r}",
        )
    if not (
        callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "step", None))
    ):
        raise validate.ArgumentTypeError(
            "optimizer",
            f"optimizer must come from explainer_core.optim (sgd, adam, ...), got {optimizer!r}",
        )
    theta = validate.float_array("theta", theta, ndim=1).copy()
    if theta.shape[0] != task.dimension:
        raise validate.ArgumentValueError(
            "theta",
            f"theta must have length {task.dimension} for {task.name}, got {theta.shape[0]}",
        )
    steps = validate.integer_in_range("steps", steps, 0, MAX_STEPS)
    record_every = validate.integer_in_range("record_every", record_every, 1, MAX_STEPS)
    theta_dims = validate.integer_in_range("theta_dims", theta_dims, 0, nets.MAX_PARAMETERS)
    n = task.n_examples
    if batch_size is not None:
        batch_size = validate.integer_in_range("batch_size", batch_size, 1, n)
    full_batch = batch_size is None or batch_size == n
    if not full_batch and rng is not None and not isinstance(rng, np.random.Generator):
        raise validate.ArgumentTypeError(
            "rng", f"rng must be a numpy.random.Generator or None, got {rng!r}"
        )
    return _quietly(
        _run(
            task,
            optimizer,
            theta,
            steps,
            None if full_batch else batch_size,
            rng,
            record_every,
            theta_dims,
        )
    )


def _quietly(records: Iterator[dict]) -> Iterator[dict]:
    """Overflow on the way to divergence is reported by the `diverged` record, not warnings."""
    while True:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                record = next(records)
            except StopIteration:
                return
        yield record


def _run(task, optimizer, theta, steps, batch_size, rng, record_every, theta_dims):
    name = getattr(optimizer, "name", type(optimizer).__name__)
    started, elapsed = time.perf_counter(), 0.0
    forward = backward = 0
    state = optimizer.init(theta)
    batches = None if batch_size is None else minibatches(task.n_examples, batch_size, rng)

    def record(step, value, accuracy):
        nonlocal started, elapsed
        elapsed += time.perf_counter() - started
        out = make_record(
            name, step, value, forward, backward, elapsed, theta, theta_dims, accuracy
        )
        started = time.perf_counter()
        return out

    for step in range(steps + 1):
        recording = step % record_every == 0 or step == steps
        if batches is None and step < steps:
            # full batch: the gradient's forward pass measures the current loss as well
            value, grad, accuracy = task.loss_and_grad(theta, None)
        elif recording:
            value, accuracy = task.evaluate(theta)
        if recording or not math.isfinite(value):
            yield record(step, value, accuracy)
            if not math.isfinite(value) or step == steps:
                return
        if batches is not None:
            rows = next(batches)
            batch_value, grad, _ = task.loss_and_grad(theta, rows)
            if not math.isfinite(batch_value):
                yield record(step, batch_value, None)
                return
        count = task.n_examples if batches is None else len(rows)
        forward += count
        backward += count
        theta, state = optimizer.step(theta, grad, state)
