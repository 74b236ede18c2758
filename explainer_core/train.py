"""The driver: run any optimizer on a task and yield a trajectory of tidy records.

    task = network_task([2, 64, 3], X, y, loss="softmax_cross_entropy", activation="relu")
    for record in run(task, optim.adam(0.05), theta, steps=1000, rng=rng, record_every=10):
        ...   # one dict per recorded step; stop consuming to stop training
    for record in run(task, search.local_search(32, 0.1), theta, steps=300, rng=rng):
        ...   # the same loop for a method that never computes a gradient

One loop drives both families: a gradient optimizer (`explainer_core.optim`: init/step) and a
search method (`explainer_core.search`: init/ask/tell), so charts compare gradient descent and
evolution on the same axes and the same units of compute. `run` is a generator, so the browser
can advance it a chunk of records at a time and stop it between chunks.

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
    population       (search methods) rows evaluated per generation
    sigma            (search methods with a mutation scale) the current scale

Units of compute (the same for every method, so they can be compared honestly):
one **forward pass** is one evaluation of the network on one example, so a mini-batch of B
examples costs B forward passes and evaluating a population of P networks on N examples costs
P * N. One **backward pass** is one backpropagation of one example's error, so a gradient on a
batch of B costs B forward and B backward passes. For a plain function of theta (a benchmark
surface), one evaluation of f is one forward pass and one gradient is one backward pass. A
search method pays for every row it evaluates, its starting point included (it needs that loss
to compare against). The loss and accuracy written into records for the reader are
measurements, not training, and are not counted.

Comparing the two families needs one number: **compute**, in forward-pass equivalents, counts a
backward pass as BACKWARD_COST = 2 forward passes (`compute`). Backpropagating through a dense
layer takes two matrix products (the error times the weights, for the layer below, and the error
times the layer's inputs, for the weight gradient) where the forward pass takes one; the usual
estimate of training cost counts it the same way (Kaplan et al. 2020, "Scaling laws for neural
language models": 2 N operations per example forward, 4 N backward). So a gradient step on B
examples costs 3 B, and a population of P on B examples P B.
"""

from __future__ import annotations

BACKWARD_COST = 2  # forward passes one backward pass costs (module docstring)


def compute(forward_passes: int, backward_passes: int) -> int:
    """Compute spent, in forward-pass equivalents (a backward pass counts BACKWARD_COST)."""
    return int(forward_passes) + BACKWARD_COST * int(backward_passes)

import math
import time
from typing import Callable, Iterator, NamedTuple, Sequence

import numpy as np

from . import activations, losses, nets, validate
from ._chunked import MEMORY_BUDGET_BYTES, evaluate_rows, rows_per_chunk

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
    memory_budget: int = MEMORY_BUDGET_BYTES,
) -> Task:
    """A network with `layer_sizes` fitted to X (N, n_in) and targets y (see `losses`).

    Its population loss runs `nets.forward_population` on as many parameter vectors at a time
    as keep their activations (about `2 N (n_1 + ... + n_L)` floats per vector: the
    pre-activations and activations of one layer pair alive at once, over-counted) and the
    vectors themselves within `memory_budget` bytes, so any population fits in memory.
    """
    sizes = nets.check_layer_sizes(layer_sizes)
    X = nets.check_inputs(X, sizes)
    loss_fn = losses.get(loss)
    targets = loss_fn.check_targets(y, X.shape[0], sizes[-1])
    hidden = activations.get(activation)
    output = nets.output_activation_named(output_activation)
    classification = loss == "softmax_cross_entropy"
    dimension = nets.param_count(sizes)
    chunk = rows_per_chunk(8 * (dimension + 2 * X.shape[0] * sum(sizes[1:])), memory_budget)

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
        thetas = nets.check_population(thetas, sizes)

        def block_loss(block: Array) -> Array:
            return loss_fn.value(nets.forward_population(block, sizes, Xb, activation,
                                                         output_activation), yb)

        if thetas.shape[0] <= chunk:
            return block_loss(thetas)
        return evaluate_rows(block_loss, lambda i, j: thetas[i:j], thetas.shape[0], chunk)

    def evaluate(theta: Array):
        out = nets.forward(theta, sizes, X, activation, output_activation)
        return float(loss_fn.value(out, targets)), _accuracy(out, targets)

    name = f"mlp {'-'.join(map(str, sizes))} {activation} {loss}"
    return Task(
        name,
        dimension,
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
    return _plain_task(name, f, grad, dimension, 1)


def population_task(loss_fn: Callable[[Array], Array], dimension: int, examples: int = 1) -> Task:
    """A task known only by its population loss `loss_fn((P, D)) -> (P,)`: for search methods.

    One row costs `examples` forward passes (1 for a function of theta). It has no gradient.
    """
    dimension = validate.integer_in_range("dimension", dimension, 1, nets.MAX_PARAMETERS)
    examples = validate.integer_in_range("examples", examples, 1, 10**9)

    def no_gradient(theta):
        raise validate.ArgumentTypeError(
            "task", "this task has only a population loss: use a search method, not a gradient")

    return _plain_task("population loss", loss_fn, no_gradient, dimension, examples)


def _plain_task(name, f, grad, dimension, examples) -> Task:

    def loss_and_grad(theta: Array, rows=None):
        return float(f(theta[None, :])[0]), np.asarray(grad(theta), dtype=np.float64), None

    def population_loss(thetas: Array, rows=None) -> Array:
        return np.asarray(f(thetas), dtype=np.float64)

    def evaluate(theta: Array):
        return float(f(theta[None, :])[0]), None

    return Task(name, dimension, examples, False, loss_and_grad, population_loss, evaluate)


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
    max_forward_passes: int | None = None,
) -> Iterator[dict]:
    """Yield records of `steps` updates of `optimizer` on `task`, starting from `theta`.

    `optimizer` is a gradient optimizer (`explainer_core.optim`) or a search method
    (`explainer_core.search`, which needs `rng`; a step is one generation). Records come at
    step 0, every `record_every` steps, and at the last step. With `batch_size` (< N) each
    gradient step uses one mini-batch, reshuffled each epoch with `rng`; without it every step
    uses the whole training set. With `max_forward_passes`, no step is started that would spend
    more, so methods can be raced on equal compute. A NaN or infinite loss ends the run with a
    record marked `diverged`.
    """
    if not isinstance(task, Task):
        raise validate.ArgumentTypeError(
            "task",
            f"task must be a train.Task (network_task(...), function_task(...), ...), got {task!r}",
        )
    searching = _is_search_method(optimizer)
    if not searching and not _has(optimizer, "init", "step"):
        raise validate.ArgumentTypeError(
            "optimizer",
            "optimizer must come from explainer_core.optim (sgd, adam, ...) or "
            f"explainer_core.search (local_search, ...), got {optimizer!r}",
        )
    theta = validate.float_array("theta", theta, ndim=1).copy()
    if theta.shape[0] != task.dimension:
        raise validate.ArgumentValueError(
            "theta",
            f"theta must have length {task.dimension} for {task.name}, got {theta.shape[0]}",
        )
    steps = validate.integer_in_range("steps", steps, 0, MAX_STEPS)
    record_every = validate.integer_in_range("record_every", record_every, 1, MAX_STEPS)
    theta_dims = validate.integer_in_range("theta_dims", theta_dims, 0, 10**9)
    if max_forward_passes is not None:
        max_forward_passes = validate.integer_in_range(
            "max_forward_passes", max_forward_passes, 1, 10**18)
    settings = _Settings(steps, record_every, theta_dims, max_forward_passes)
    if searching:
        rng = validate.generator(rng)
        validate.memory(optimizer.batch, theta.size)
        return _timed(_search_loop, task, optimizer, theta, rng, settings)
    n = task.n_examples
    if batch_size is not None:
        batch_size = validate.integer_in_range("batch_size", batch_size, 1, n)
    full_batch = batch_size is None or batch_size == n
    if not full_batch:
        rng = validate.generator(rng, optional=True)
    batches = None if full_batch else minibatches(n, batch_size, rng)
    return _timed(_gradient_loop, task, optimizer, theta, batches, settings)


class _Settings(NamedTuple):
    steps: int
    record_every: int
    theta_dims: int
    budget: int | None  # max_forward_passes


def _has(obj, *names: str) -> bool:
    return all(callable(getattr(obj, name, None)) for name in names)


def _is_search_method(optimizer) -> bool:
    return _has(optimizer, "init", "ask", "tell") and hasattr(optimizer, "batch")


class _Stopwatch:
    """Seconds spent inside the driver: the time a consumer holds a record is not counted."""

    def __init__(self):
        self.elapsed, self._since = 0.0, 0.0

    def resume(self) -> None:
        self._since = time.perf_counter()

    def lap(self) -> float:
        """The seconds counted so far, including those since the last resume or lap."""
        now = time.perf_counter()
        self.elapsed += now - self._since
        self._since = now
        return self.elapsed


def _timed(loop, *args) -> Iterator[dict]:
    """Run the generator `loop(*args, clock)`, timing only the work inside it.

    Overflow on the way to divergence is reported by the `diverged` record, not warnings.
    """
    clock = _Stopwatch()
    records = loop(*args, clock)
    while True:
        clock.resume()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            try:
                record = next(records)
            except StopIteration:
                return
        yield record


def _gradient_loop(task, optimizer, theta, batches, settings: _Settings, clock: _Stopwatch):
    name = getattr(optimizer, "name", type(optimizer).__name__)
    forward = backward = 0
    state = optimizer.init(theta)
    steps = settings.steps

    def record(step, value, accuracy):
        return make_record(name, step, value, forward, backward, clock.lap(), theta,
                           settings.theta_dims, accuracy)

    for step in range(steps + 1):
        rows = next(batches) if batches is not None and step < steps else None
        cost = 0 if step == steps else task.n_examples if rows is None else len(rows)
        last = step == steps or (settings.budget is not None and forward + cost > settings.budget)
        recording = last or step % settings.record_every == 0
        if rows is None and not last:
            # full batch: the gradient's forward pass measures the current loss as well
            value, grad, accuracy = task.loss_and_grad(theta, None)
        elif recording:
            value, accuracy = task.evaluate(theta)
        if recording or not math.isfinite(value):
            yield record(step, value, accuracy)
            if last or not math.isfinite(value):
                return
        if rows is not None:
            batch_value, grad, _ = task.loss_and_grad(theta, rows)
            if not math.isfinite(batch_value):
                yield record(step, batch_value, None)
                return
        forward += cost
        backward += cost
        theta, state = optimizer.step(theta, grad, state)


def _losses(task: Task, population: Array) -> Array:
    values = np.asarray(task.population_loss(population, None), dtype=np.float64)
    if values.shape != (population.shape[0],):
        raise ValueError(f"the loss function must map (P, D) to (P,); got shape {values.shape} "
                         f"for P = {population.shape[0]}")
    return values


def _search_loop(task, method, theta, rng, settings: _Settings, clock: _Stopwatch):
    price = task.n_examples
    forward = price
    start_loss = float(_losses(task, theta[None, :])[0])
    state = method.init(theta, rng, loss=start_loss)

    def record(generation):
        accuracy = task.evaluate(state.theta)[1] if task.classification else None
        extra = {"sigma": float(state.sigma)} if hasattr(state, "sigma") else {}
        return make_record(method.name, generation, state.loss, forward, 0, clock.lap(),
                           state.theta, settings.theta_dims, accuracy, population=method.batch,
                           **extra)

    yield record(0)
    if not math.isfinite(start_loss):
        return  # a diverged start: the record says so and the run stops
    for generation in range(1, settings.steps + 1):
        cost = method.batch * price
        if settings.budget is not None and forward + cost > settings.budget:
            if (generation - 1) % settings.record_every:
                yield record(generation - 1)
            return
        population, state = method.ask(state, rng)
        losses = _losses(task, population)
        forward += cost
        state = method.tell(state, population, losses)
        finite = math.isfinite(state.loss)
        if generation % settings.record_every == 0 or generation == settings.steps or not finite:
            yield record(generation)
        if not finite:
            return
