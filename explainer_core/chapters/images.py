"""Chapter "The image race" (slug `images`): a network paints a picture, three ways.

The network maps a pixel's coordinates (x, y) in [-1, 1]^2 to its grey level; the loss is the mean
squared error over every pixel of the target. Three methods start from the same network:

- evolution: the video's local search (`search.local_search`), `children` mutated copies of the
  parent each round, the best replaces it if it is better;
- SGD: plain stochastic gradient descent on mini-batches of `batch` random pixels
  (`train.minibatches`, a fresh shuffle every epoch);
- Adam: `optim.adam` on the whole image every step (full batch).

Compute is counted in image passes: one forward pass over every pixel of the target is 1, a
backward pass costs `train.BACKWARD_COST` forward passes (so an Adam step costs 3, an SGD step on
B of N pixels 3 B / N, an evolution round with P children P). The race runs the three in lockstep
of compute: a method takes its next step only while that step keeps it within the compute spent so
far by the race (`Racer.advance`), so at the end each has spent at most the budget and less than
one of its own steps below it. The loss on the whole image, measured for the reader, is not
counted: it is not part of any method (evolution's comes with its round anyway).

Every number the page states comes from `final_loss`, `median_final`, `halves` and their kin,
computed with the settings below (`SETTINGS`) and cached for the build.
"""

from __future__ import annotations

import functools
import math
from typing import Iterator, NamedTuple

import numpy as np

from .. import activations, images, losses, nets, optim, search, train, validate

Array = np.ndarray

METHODS = ("evolution", "sgd", "adam")
NAMES = {"evolution": "Evolution (local search)", "sgd": "SGD (mini-batches)", "adam": "Adam"}
PICTURES = images.IMAGES  # ("smiley", "photo")
SIZES = (16, 32, 64)
ACTIVATIONS = ("tanh", "relu", "sin", "gelu", "sigmoid")

# The page's experiment (and the demo's defaults).
SIZE = 32
WIDTH = 32
DEPTH = 2
ACTIVATION = "tanh"
CHILDREN = 20
SIGMA = 0.02  # evolution's mutation scale: N(0, sigma^2) added to every parameter
SGD_LR = 0.3
BATCH = 64
ADAM_LR = 0.03
BUDGET = 2000  # image passes
SEEDS = 3
RECORDS = 60  # records per run for the chart (and one at the start)

# Memory budget: what a browser tab is asked to hold at most.
MAX_PARAMETERS = 20_000
MAX_CHILD_NUMBERS = 2_000_000  # children x parameters (16 MB of float64)
MAX_LAYER_NUMBERS = 2**21  # pixels x width, one layer's output for one network (16 MB)
MAX_BUDGET = 1_000_000


class Settings(NamedTuple):
    size: int = SIZE
    width: int = WIDTH
    depth: int = DEPTH
    activation: str = ACTIVATION
    children: int = CHILDREN
    sigma: float = SIGMA
    sgd_lr: float = SGD_LR
    batch: int = BATCH
    adam_lr: float = ADAM_LR
    budget: float = BUDGET
    seed: int = 0


SETTINGS = Settings()


def layer_sizes(width: int, depth: int) -> tuple[int, ...]:
    """[2, width, ..., width, 1] with `depth` hidden layers."""
    return (2,) + (int(width),) * int(depth) + (1,)


def parameter_count(width: int, depth: int) -> int:
    """Weights and biases of the network with `depth` hidden layers of `width` units."""
    return nets.param_count(layer_sizes(width, depth))


def check_memory(size: int, width: int, depth: int, children: int) -> None:
    """A ValueError naming the control (width or children) when the race would not fit the memory
    budget, with the budget and the size asked for."""
    count = parameter_count(width, depth)
    if count > MAX_PARAMETERS:
        raise validate.ArgumentValueError(
            "width", f"a network of {count:,} parameters is over the memory budget of "
                     f"{MAX_PARAMETERS:,} parameters: use fewer units or layers")
    if children * count > MAX_CHILD_NUMBERS:
        raise validate.ArgumentValueError(
            "children", f"{children:,} children of {count:,} parameters are {children * count:,} "
                        f"numbers, over the memory budget of {MAX_CHILD_NUMBERS:,}: use fewer "
                        "children or a smaller network")
    if size * size * width > MAX_LAYER_NUMBERS:
        raise validate.ArgumentValueError(
            "width", f"{size * size:,} pixels x {width:,} units is {size * size * width:,} numbers "
                     f"per layer, over the memory budget of {MAX_LAYER_NUMBERS:,}: use fewer units "
                     "or a smaller image")


def target(picture, size: int = SIZE) -> Array:
    """The target (size, size) in [0, 1]: "smiley", "photo", or the reader's own grey levels (a
    flat list of size * size numbers in [0, 1], rows from the top)."""
    size = validate.integer_in_range("size", size, 4, 64)
    if isinstance(picture, str):
        return images.image(picture, size)
    pixels = validate.float_array("picture", picture)
    if pixels.size != size * size:
        raise validate.ArgumentValueError(
            "picture", f"your picture must have {size * size:,} grey levels for {size} x {size}, "
                       f"got {pixels.size:,}: choose it again")
    if np.any(pixels < 0.0) or np.any(pixels > 1.0):
        raise validate.ArgumentValueError("picture", "your picture's grey levels must lie in [0, 1]")
    return pixels.reshape(size, size)


class Problem(NamedTuple):
    sizes: tuple[int, ...]
    X: Array  # (N, 2) pixel centres
    y: Array  # (N, 1) grey levels
    activation: str
    theta: Array  # the common start


def problem(picture, settings: Settings = SETTINGS) -> Problem:
    """The target as data and the common start: the network drawn from `settings.seed`."""
    sizes = layer_sizes(settings.width, settings.depth)
    X, y = images.image_data(target(picture, settings.size))
    scheme = "he" if settings.activation in ("relu", "gelu") else "xavier"
    theta = nets.init_params(sizes, validate.rng_from_seed(settings.seed), scheme)
    return Problem(sizes, X, y, settings.activation, theta)


def population_loss(p: Problem, thetas: Array) -> Array:
    """Mean squared error over the image of each network in `thetas` (P, D) -> (P,)."""
    out = nets.forward_population(thetas, p.sizes, p.X, p.activation)
    diff = out - p.y[None, :, :]
    return np.mean(diff * diff, axis=(1, 2))


def loss(p: Problem, theta: Array) -> float:
    """Mean squared error over the image of the network `theta`."""
    return float(population_loss(p, theta[None, :])[0])


def picture_of(p: Problem, theta: Array) -> Array:
    """What the network `theta` draws: (size, size) grey levels clipped to [0, 1]."""
    side = int(round(math.sqrt(p.X.shape[0])))
    out = nets.forward_population(theta[None, :], p.sizes, p.X, p.activation)[0]
    return images.to_image(out, side, side)


class Racer:
    """One method on one problem: `advance(limit)` takes steps while each keeps its compute (image
    passes) within `limit`. `theta`, `step`, `compute`, `diverged` (the step at which the loss or
    a parameter stopped being finite, else None)."""

    def __init__(self, method: str, p: Problem, settings: Settings, rng: np.random.Generator):
        self.method, self.p, self.rng = method, p, rng
        self.theta = p.theta.copy()
        self.step = 0
        self.compute = 0.0
        self.diverged = None
        self.last_loss = loss(p, self.theta)
        self.start_loss = self.last_loss
        n = p.X.shape[0]
        self.pixels = n
        self.loss_fn = losses.get("mse")
        self.hidden = activations.get(p.activation)
        self.output = activations.get("identity")
        if method == "evolution":
            self.search = search.local_search(population=settings.children, sigma=settings.sigma,
                                              mutate="all")
            self.state = self.search.init(self.theta, loss=self.last_loss)
            self.cost = float(settings.children)
        elif method == "sgd":
            self.batch = min(settings.batch, n)
            self.batches = train.minibatches(n, self.batch, rng)
            self.opt = optim.sgd(settings.sgd_lr)
            self.opt_state = self.opt.init(self.theta)
            self.cost = train.compute(self.batch, self.batch) / n
        else:
            self.opt = optim.adam(settings.adam_lr)
            self.opt_state = self.opt.init(self.theta)
            self.cost = float(train.compute(n, n)) / n

    def advance(self, limit: float) -> None:
        """Steps while the next one keeps the compute within `limit` (none after divergence)."""
        while self.diverged is None and self.compute + self.cost <= limit + 1e-9:
            self.one_step()

    def advance_steps(self, steps: int) -> None:
        """Steps until `steps` have been taken (none after divergence)."""
        while self.diverged is None and self.step < steps:
            self.one_step()

    def one_step(self) -> None:
        p = self.p
        if self.method == "evolution":
            children, self.state = self.search.ask(self.state, self.rng)
            self.state = self.search.tell(self.state, children, population_loss(p, children))
            self.theta = self.state.theta
            self.last_loss = self.state.loss
        else:
            rows = next(self.batches) if self.method == "sgd" else None
            X, y = (p.X, p.y) if rows is None else (p.X[rows], p.y[rows])
            with np.errstate(all="ignore"):
                value, grad = nets.backprop(self.theta, p.sizes, X, y, self.loss_fn, self.hidden,
                                            self.output)
                self.theta, self.opt_state = self.opt.step(self.theta, grad, self.opt_state)
            if rows is None:
                self.last_loss = value  # full batch: the loss of the network before this step
            if not (math.isfinite(value) and np.all(np.isfinite(self.theta))):
                self.diverged = self.step + 1
        self.step += 1
        self.compute += self.cost

    def loss(self) -> float:
        """The loss of the current network on the whole image (inf once diverged)."""
        if self.diverged is not None:
            return math.inf
        if self.method == "evolution":
            return float(self.state.loss)
        with np.errstate(all="ignore"):
            value = loss(self.p, self.theta) if np.all(np.isfinite(self.theta)) else math.inf
        if not math.isfinite(value):
            self.diverged = self.step
            return math.inf
        return value


def racers(picture, settings: Settings = SETTINGS) -> dict[str, Racer]:
    """The three methods from the same start; each method's noise from its own stream of the seed."""
    p = problem(picture, settings)
    return {m: Racer(m, p, settings, np.random.default_rng([settings.seed, k + 1]))
            for k, m in enumerate(METHODS)}


def race(picture, settings: Settings = SETTINGS, every: float | None = None) -> Iterator[dict]:
    """The race to `settings.budget` image passes: one record per `every` image passes (and one at
    the start): {compute, methods: {method: {step, compute, loss, diverged}}}."""
    runners = racers(picture, settings)
    budget = float(settings.budget)
    every = budget / RECORDS if every is None else float(every)
    level = 0.0
    while True:
        record = {"compute": level, "methods": {}}
        for m, r in runners.items():
            record["methods"][m] = {"step": r.step, "compute": r.compute, "loss": r.loss(),
                                    "diverged": r.diverged}
        yield record
        if level >= budget:
            return
        level = min(budget, level + every)
        for r in runners.values():
            r.advance(level)


@functools.lru_cache(maxsize=64)
def _run(picture: str, seed: int, budget: float, checkpoints: tuple = ()) -> dict:
    settings = SETTINGS._replace(seed=seed, budget=budget)
    runners = racers(picture, settings)
    records, shots = [], {}
    marks = sorted(set(checkpoints))
    every = budget / RECORDS
    level = 0.0
    levels = sorted(set([every * k for k in range(RECORDS + 1)] + list(marks)))
    for level in levels:
        for r in runners.values():
            r.advance(level)
        records.append({"compute": level, "methods": {
            m: {"step": r.step, "compute": r.compute, "loss": r.loss()} for m, r in runners.items()}})
        if level in marks:
            shots[level] = {m: picture_of(r.p, r.theta) for m, r in runners.items()}
    improvements = runners["evolution"].state.improvements
    return {"records": records, "shots": shots, "evolution_improvements": improvements,
            "start_loss": runners["adam"].start_loss}


def run(picture: str = "smiley", seed: int = 0, budget: float = BUDGET) -> dict:
    """The page's race on a shipped picture: records at RECORDS + 1 compute levels."""
    validate.choice("picture", picture, PICTURES)
    return _run(picture, validate.seed(seed), float(budget))


def final_loss(method: str = "adam", picture: str = "smiley", seed: int = 0,
               budget: float = BUDGET) -> float:
    """The loss each method reaches on the whole image at the budget."""
    validate.choice("method", method, METHODS)
    return run(picture, seed, budget)["records"][-1]["methods"][method]["loss"]


def start_loss(picture: str = "smiley", seed: int = 0) -> float:
    """The loss of the common start."""
    return run(picture, seed)["start_loss"]


def steps_taken(method: str = "adam", picture: str = "smiley", budget: float = BUDGET) -> int:
    """Steps (evolution: rounds) each method takes within the budget."""
    validate.choice("method", method, METHODS)
    return run(picture, 0, budget)["records"][-1]["methods"][method]["step"]


def median_final(method: str = "adam", picture: str = "smiley", seeds: int = SEEDS) -> float:
    """The median over seeds 0 .. seeds - 1 of the final loss."""
    return float(np.median([final_loss(method, picture, s) for s in range(seeds)]))


def rms_grey(method: str = "adam", picture: str = "smiley", seed: int = 0) -> float:
    """The root-mean-square error in grey levels out of 255 (sqrt of the loss times 255)."""
    return math.sqrt(final_loss(method, picture, seed)) * 255.0


def loss_at(method: str = "evolution", picture: str = "smiley", fraction: float = 0.5,
            seed: int = 0) -> float:
    """The loss after `fraction` of the budget (a multiple of 1 / RECORDS)."""
    k = int(round(float(fraction) * RECORDS))
    return run(picture, seed)["records"][k]["methods"][method]["loss"]


def halves(method: str = "evolution", picture: str = "smiley", half: int = 1,
           seed: int = 0) -> float:
    """How much the loss fell in the first (half=1) or second (half=2) half of the budget."""
    if half == 1:
        return start_loss(picture, seed) - loss_at(method, picture, 0.5, seed)
    return loss_at(method, picture, 0.5, seed) - loss_at(method, picture, 1.0, seed)


def ratio(method: str = "evolution", other: str = "adam", picture: str = "smiley",
          seed: int = 0) -> float:
    """final_loss(method) / final_loss(other)."""
    return final_loss(method, picture, seed) / final_loss(other, picture, seed)


def evolution_improvements(picture: str = "smiley", seed: int = 0) -> int:
    """Rounds in which evolution's best child replaced the parent."""
    return run(picture, seed)["evolution_improvements"]


def evolution_rounds(picture: str = "smiley") -> int:
    return steps_taken("evolution", picture)


def checkpoints(picture: str = "smiley", seed: int = 0, fractions=(0.1, 0.3, 1.0)) -> dict:
    """What each method had drawn after each fraction of the budget: {fraction: {method: image}}."""
    validate.choice("picture", picture, PICTURES)
    levels = tuple(float(f) * BUDGET for f in fractions)
    out = _run(picture, validate.seed(seed), float(BUDGET), levels)["shots"]
    return {f: out[level] for f, level in zip(fractions, levels)}


@functools.lru_cache(maxsize=16)
def evolution_with(sigma: float = SIGMA, picture: str = "smiley", seed: int = 0) -> float:
    """Evolution's final loss with the mutation scale `sigma` (the other settings the page's)."""
    validate.choice("picture", picture, PICTURES)
    sigma = validate.positive("sigma", sigma)
    r = racers(picture, SETTINGS._replace(sigma=sigma, seed=validate.seed(seed)))["evolution"]
    r.advance(BUDGET)
    return r.loss()


def parameters() -> int:
    """The page network's parameter count."""
    return parameter_count(WIDTH, DEPTH)
