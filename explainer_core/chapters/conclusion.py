"""The verdict: gradient descent and evolution side by side, every number measured here.

The chapter's table compares the two families on five counts. Each number comes from a run in
this module (or from the earlier chapters' public functions, called read-only):

* compute to reach a target: `compute_to_target`, on the race tasks below, counted in
  forward-pass equivalents (`train.compute`: a backward pass costs two forward passes);
* behaviour as dimensions grow: `dimensions.improvement_by_dimension` (the share of random
  mutations that improve the sphere) and `dimensions.evaluations_to_target`;
* need for differentiability: `evolution_wins.gradient_vs_evolution` (a binary-step network,
  whose backpropagated gradient is exactly zero);
* sensitivity to settings and to chance: `settings_reaching_target` (a grid of learning rates
  or mutation scales) and `seed_spread` (the same run from several seeds);
* parallelism: `sequential_rounds` (updates one after the other to reach the target; the
  evaluations inside one generation are independent of each other).

The race. Three tasks, each with a starting point fixed by the seed:

* "fit": a 1-8-1 tanh network fitted to sin(2 pi x) at 32 points, mean squared error, Xavier
  start: a smooth, differentiable problem with 25 parameters;
* "sphere": U(x) = |x|^2 in D dimensions from a random point at distance 1 (U = 1);
* "xor": `evolution_wins.xor_task`, a 2-8-1 network of binary steps on the XOR of signs, whose
  loss is the share of points misclassified and whose gradient is zero everywhere.

Two methods: Adam (`optim.adam`, full batch) and the video's local search
(`search.local_search`: P mutated children of one parent, the best kept if better). Both run
until they have spent the same compute budget.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from .. import datasets, nets, optim, search, train, validate
from . import dimensions, evolution_wins

Array = np.ndarray

TASKS = ("fit", "sphere", "xor")
TASK_NAMES = {"fit": "smooth 1-D fit", "sphere": "sphere", "xor": "binary-step XOR"}
METHODS = ("adam", "local_search")
METHOD_NAMES = {"adam": "Adam", "local_search": "local search"}

FIT_POINTS = 32
FIT_HIDDEN = 8
XOR_POINTS = 200
XOR_HIDDEN = 8
DIMENSION = 100  # the sphere's default parameter count
MAX_DIMENSION = 10_000
BUDGET = 60_000  # forward-pass equivalents each method may spend
MAX_BUDGET = 1_000_000
LR = 0.05  # Adam's learning rate
MAX_LR = 10.0
SIGMA = 0.1  # local search's mutation scale
MAX_SIGMA = 10.0
POPULATION = 10  # local search's children per generation
MAX_POPULATION = 1000
TARGETS = {"fit": 0.05, "sphere": 0.01, "xor": 0.2}  # the loss "reached" means
GRID = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)  # learning rates / mutation scales tried
SETTINGS_BUDGET = 200_000  # compute each setting of the grid may spend
SEEDS = 5  # seeds 0 .. SEEDS - 1 for the spread


def sphere(population: Array) -> Array:
    """U(x) = |x|^2 for a population (P, D) -> (P,)."""
    return np.einsum("pd,pd->p", population, population)


def check(task: str = "fit", dimension: int = DIMENSION, budget: int = BUDGET, lr: float = LR,
          sigma: float = SIGMA, population: int = POPULATION, seed: int = 0) -> dict:
    """Every race setting checked (each error names its setting and says its range)."""
    return {
        "task": validate.choice("task", task, TASKS),
        "dimension": validate.integer_in_range("dimension", dimension, 1, MAX_DIMENSION),
        "budget": validate.integer_in_range("budget", budget, 1, MAX_BUDGET),
        "lr": validate.positive("lr", lr, MAX_LR),
        "sigma": validate.positive("sigma", sigma, MAX_SIGMA),
        "population": validate.integer_in_range("population", population, 1, MAX_POPULATION),
        "seed": validate.seed(seed),
    }


def problem(task: str = "fit", dimension: int = DIMENSION, seed: int = 0):
    """(train.Task, start theta, generator that goes on) of the race task `task` and `seed`."""
    task = validate.choice("task", task, TASKS)
    dimension = validate.integer_in_range("dimension", dimension, 1, MAX_DIMENSION)
    rng = validate.rng_from_seed(seed)
    if task == "fit":
        sizes = (1, FIT_HIDDEN, 1)
        X, y = datasets.sine_data(FIT_POINTS)
        t = train.network_task(sizes, X, y, loss="mse", activation="tanh")
        theta = nets.init_params(sizes, rng, scheme="xavier")
    elif task == "sphere":
        t = train.function_task("sphere", sphere, lambda x: 2.0 * x, dimension)
        x = rng.standard_normal(dimension)
        theta = x / np.linalg.norm(x)
    else:
        t, sizes = evolution_wins.xor_task(XOR_POINTS, XOR_HIDDEN, rng)
        theta = nets.init_params(sizes, rng, scheme="normal")
    return t, theta, rng


def parameters(task: str = "fit", dimension: int = DIMENSION) -> int:
    """The number of parameters of the race task."""
    return int(problem(task, dimension)[0].dimension)


def start_loss(task: str = "fit", dimension: int = DIMENSION, seed: int = 0) -> float:
    """The loss at the seed's start (the same for both methods)."""
    t, theta, _ = problem(task, dimension, seed)
    return float(t.evaluate(theta)[0])


def runner(method: str = "adam", task: str = "fit", dimension: int = DIMENSION, budget: int = BUDGET,
           lr: float = LR, sigma: float = SIGMA, population: int = POPULATION,
           seed: int = 0) -> Iterator[dict]:
    """Records (one per update) of `method` on the race task until it has spent `budget`
    forward-pass equivalents; each record gains `compute` (train.compute of its counts)."""
    method = validate.choice("method", method, METHODS)
    s = check(task, dimension, budget, lr, sigma, population, seed)
    t, theta, rng = problem(s["task"], s["dimension"], s["seed"])
    if method == "adam":
        # a full-batch gradient costs N forward and N backward passes: 3 N in compute
        runs = train.run(t, optim.adam(s["lr"]), theta, steps=train.MAX_STEPS, theta_dims=0,
                         max_forward_passes=max(1, s["budget"] // (1 + train.BACKWARD_COST)))
    else:
        runs = train.run(t, search.local_search(s["population"], s["sigma"]), theta,
                         steps=train.MAX_STEPS, rng=rng, theta_dims=0,
                         max_forward_passes=s["budget"])
    for record in runs:
        record["compute"] = train.compute(record["forward_passes"], record["backward_passes"])
        yield record


def race_frames(task: str = "fit", dimension: int = DIMENSION, budget: int = BUDGET,
                lr: float = LR, sigma: float = SIGMA, population: int = POPULATION, seed: int = 0,
                points: int = 60) -> Iterator[dict]:
    """Both methods side by side at `points` + 1 compute values 0, budget / points, ..., budget:
    one frame per value, {index, compute, adam: record, local_search: record}, each record the
    last update of that method that fits within that compute (its start while none fits)."""
    points = validate.integer_in_range("points", points, 1, 10_000_000)
    s = check(task, dimension, budget, lr, sigma, population, seed)
    runs = {method: runner(method, **s) for method in METHODS}
    ahead = {method: next(runs[method]) for method in METHODS}  # the next record not yet shown
    start = dict(ahead)
    fits = {method: None for method in METHODS}  # the last record within the compute so far
    for index in range(points + 1):
        compute = s["budget"] * index / points
        for method in METHODS:
            while ahead[method] is not None and ahead[method]["compute"] <= compute:
                fits[method] = ahead[method]
                ahead[method] = next(runs[method], None)
        yield {"index": index, "compute": compute,
               **{m: fits[m] if fits[m] is not None else start[m] for m in METHODS}}


def race(task: str = "fit", dimension: int = DIMENSION, budget: int = BUDGET, lr: float = LR,
         sigma: float = SIGMA, population: int = POPULATION, seed: int = 0,
         points: int = 60) -> list[dict]:
    """`race_frames` as tidy records {task, method, compute, loss, step, spent}."""
    out = []
    for frame in race_frames(task, dimension, budget, lr, sigma, population, seed, points):
        for method in METHODS:
            r = frame[method]
            out.append({"task": task, "method": method, "compute": float(frame["compute"]),
                        "loss": r["loss"], "step": r["step"], "spent": r["compute"]})
    return out


def final(method: str = "adam", task: str = "fit", quantity: str = "loss",
          dimension: int = DIMENSION, budget: int = BUDGET, seed: int = 0, lr: float = LR,
          sigma: float = SIGMA, population: int = POPULATION) -> float:
    """The last record's `quantity` (loss, compute, step) of `method` within `budget`."""
    validate.choice("quantity", quantity, ("loss", "compute", "step"))
    last = None
    for last in runner(method, task, dimension, budget, lr, sigma, population, seed):
        pass
    return float(last[quantity]) if quantity == "loss" else int(last[quantity])


def to_target(method: str = "adam", task: str = "fit", target: float | None = None,
              dimension: int = DIMENSION, budget: int = MAX_BUDGET, seed: int = 0,
              lr: float = LR, sigma: float = SIGMA, population: int = POPULATION) -> dict | None:
    """The first record of `method` with loss <= target (TARGETS[task] by default) within
    `budget`, or None when the budget runs out first."""
    target = TARGETS[validate.choice("task", task, TASKS)] if target is None else \
        validate.real_number("target", target)
    for record in runner(method, task, dimension, budget, lr, sigma, population, seed):
        if record["loss"] <= target:
            return record
    return None


def compute_to_target(method: str = "adam", task: str = "fit", dimension: int = DIMENSION,
                      seed: int = 0, population: int = POPULATION) -> int:
    """Forward-pass equivalents `method` spends to bring the task's loss to TARGETS[task]
    (its default settings, at most MAX_BUDGET; ValueError when it does not get there)."""
    record = to_target(method, task, dimension=dimension, seed=seed, population=population)
    if record is None:
        raise ValueError(f"{method} does not reach {TARGETS[task]} on {task} within {MAX_BUDGET}")
    return int(record["compute"])


def compute_ratio(task: str = "fit", dimension: int = DIMENSION, seed: int = 0) -> float:
    """Local search's compute to the target over Adam's."""
    return (compute_to_target("local_search", task, dimension, seed)
            / compute_to_target("adam", task, dimension, seed))


def sequential_rounds(method: str = "adam", task: str = "fit", dimension: int = DIMENSION,
                      seed: int = 0, population: int = POPULATION) -> int:
    """Updates made one after the other (Adam's steps, local search's generations) until the
    target: the part of the work that cannot run at the same time."""
    record = to_target(method, task, dimension=dimension, seed=seed, population=population)
    if record is None:
        raise ValueError(f"{method} does not reach {TARGETS[task]} on {task} within {MAX_BUDGET}")
    return int(record["step"])


def settings_reaching_target(method: str = "adam", task: str = "fit", budget: int = SETTINGS_BUDGET,
                             seed: int = 0) -> int:
    """How many of the GRID values (Adam's learning rate, or local search's mutation scale)
    bring the task to its target within `budget`."""
    count = 0
    for value in GRID:
        kwargs = {"lr": value} if method == "adam" else {"sigma": value}
        if to_target(method, task, budget=budget, seed=seed, **kwargs) is not None:
            count += 1
    return count


def grid_size() -> int:
    return len(GRID)


def seed_losses(method: str = "adam", task: str = "fit", budget: int = BUDGET) -> list[float]:
    """The final loss within `budget` from seeds 0 .. SEEDS - 1 (start and mutations)."""
    return [final(method, task, "loss", budget=budget, seed=seed) for seed in range(SEEDS)]


def seed_spread(method: str = "adam", task: str = "fit", stat: str = "max",
                budget: int = BUDGET) -> float:
    """min or max over seeds of the final loss within `budget`."""
    validate.choice("stat", stat, ("min", "max"))
    losses = seed_losses(method, task, budget)
    return float(min(losses) if stat == "min" else max(losses))


def seed_count() -> int:
    return SEEDS


# ---- the other chapters' experiments, as the table's cells ------------------------------------

DIMENSION_SMALL, DIMENSION_LARGE = 10, 1000


def improving_share(dimension: int = DIMENSION_SMALL, sigma: float = 0.1) -> float:
    """Share of random mutations (scale sigma per parameter) that improve the sphere at distance
    1, from `dimensions.improvement_by_dimension`."""
    return float(dimensions.improvement_by_dimension((dimension,), sigma=sigma, samples=2000,
                                                     seed=0)[0]["fraction"])


def _evaluations(dimension: int) -> list[dict]:
    return dimensions.evaluations_to_target((dimension,), target=0.5, sigma="1/D", seed=0)


def evolution_evaluations(dimension: int = DIMENSION_SMALL) -> int:
    """Forward passes tweak-and-keep (sigma = 1/D) needs to halve the sphere's loss."""
    record = next(r for r in _evaluations(dimension) if r["method"] == "tweak_and_keep")
    if not record["reached"]:
        raise ValueError("tweak-and-keep did not reach the target")
    return int(record["forward_passes"])


def descent_steps(dimension: int = DIMENSION_SMALL) -> int:
    """Gradient descent steps (lr 0.1) to halve the sphere's loss."""
    record = next(r for r in _evaluations(dimension) if r["method"] == "gradient_descent")
    if not record["reached"]:
        raise ValueError("gradient descent did not reach the target")
    return int(record["generations"])


def step_network() -> list[dict]:
    """`evolution_wins.gradient_vs_evolution` at its defaults."""
    return evolution_wins.gradient_vs_evolution()


def step_network_figure(method: str = "sgd", quantity: str = "final") -> float:
    """On the binary-step network: the start or final loss of `method` ("sgd" or
    "local_search"), or "grad" the largest gradient norm any record of SGD saw."""
    validate.choice("method", method, ("sgd", "local_search"))
    validate.choice("quantity", quantity, ("start", "final", "grad"))
    records = [r for r in step_network() if r["method"] == method]
    if quantity == "grad":
        return float(max(r["grad_norm"] for r in records))
    return float(records[0 if quantity == "start" else -1]["loss"])


def target(task: str = "fit") -> float:
    """The loss the table counts as "reached" on the race task."""
    return TARGETS[validate.choice("task", task, TASKS)]
