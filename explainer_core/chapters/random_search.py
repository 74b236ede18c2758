"""NNFS chapter 6 (video P.9), "Introducing Optimization": random search and tweak-and-keep.

Kinsley & Kukiela, "Neural Networks from Scratch in Python" (2020), chapter 6. The network is
Dense(2, 3) - ReLU - Dense(3, 3) - softmax with categorical cross-entropy, weights 0.01 N(0, 1),
biases 0, trained for 10,000 iterations without any gradient:

* random search: every iteration draw all weights and biases afresh as 0.05 N(0, 1), keep them if
  the loss is lower than the best so far (`search.random_search(0.05)`);
* tweak-and-keep: add 0.05 N(0, 1) to the best weights and biases, keep the change if the loss
  falls, else revert (`search.tweak_and_keep(0.05)`).

The book's outcome: on vertical data random search barely moves (loss ~1.098, accuracy 0.333),
tweak-and-keep reaches accuracy ~0.93; on spiral data both stay above loss 1.0 with accuracy
around 0.35-0.40. The book seeds numpy's global generator (`nnfs.init()`); here every run takes
an explicit `numpy.random.Generator`: the seed draws the data, then the start, then the search's
noise, in the book's order. The runs go through `speculative.keep_best`, which gives the
decisions of `search.run` driving `search.random_search` / `search.tweak_and_keep` one iteration
at a time (tested) with many candidates per numpy call.

Then the book's three reasons why this cannot scale, each measured:

1. an effectively infinite space: a blind draw is a new best with chance about 1/t after t
   draws, so random search's improvements come at iterations spaced like e, e^2, e^3, ...
   (the expected count after n draws is the harmonic number H_n, less what the start takes);
2. every parameter treated as equally important: the same 0.05 step along different
   parameters changes the loss by amounts a thousand times apart, and some change nothing;
3. local minima: near the bottom of a valley almost every tweak climbs, the fraction of tweaks
   kept falls towards zero, and runs from different starts stop at different losses.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Callable, Iterator, NamedTuple

import numpy as np

from .. import datasets, nets, optim, search, speculative, train, validate

Array = np.ndarray

METHODS = {"random_search": search.random_search, "tweak_and_keep": search.tweak_and_keep}
DATA = {"vertical": datasets.vertical_data, "spiral": datasets.spiral_data}
NAMES = {"random_search": "random search", "tweak_and_keep": "tweak-and-keep"}
QUANTITIES = ("loss", "accuracy", "kept")
STATS = {"min": np.min, "max": np.max, "median": np.median, "mean": np.mean}

SAMPLES = 100  # points per class
CLASSES = 3
HIDDEN = 3
ITERATIONS = 10_000  # the book's
NOISE = 0.05  # the book's scale of every draw and every tweak
SEEDS = 10  # the seed spread: seeds 0 .. SEEDS - 1
WINDOW = 500  # iterations per window when counting the tweaks kept
RECORD_EVERY = 100  # iterations between two records of a trajectory
MAX_ITERATIONS = 1_000_000
# The square each data set is drawn in (x range, y range): fixed, so the picture does not move
# when the seed changes. The vertical blobs sit at x = 0, 1/3, 2/3 (sd 0.1) and y = 0.5.
VIEWS = {"vertical": ((-0.45, 1.12), (-0.285, 1.285)), "spiral": ((-1.1, 1.1), (-1.1, 1.1))}


def layer_sizes(classes: int = CLASSES) -> tuple[int, int, int]:
    """(2, 3, classes): two inputs, three hidden ReLU neurons, one output per class."""
    return (2, HIDDEN, validate.integer_in_range("classes", classes, 2, 1000))


def parameter_count(classes: int = CLASSES) -> int:
    """The network's weights and biases: 2·3 + 3 + 3·3 + 3 = 21 for three classes."""
    return nets.param_count(layer_sizes(classes))


def uniform_loss(classes: int = CLASSES) -> float:
    """ln C: the cross-entropy of a network that gives every class the probability 1 / C."""
    return math.log(layer_sizes(classes)[-1])


class Problem(NamedTuple):
    """The chapter's experiment before the search: data, start, and the generator that goes on."""

    data: str
    X: Array  # (N, 2)
    y: Array  # (N,) class labels
    sizes: tuple[int, int, int]
    theta: Array  # (D,) the start: weights 0.01 N(0, 1), biases 0
    rng: np.random.Generator  # after the data and the start: the search draws from here
    loss: Callable[[Array], Array]  # population loss (P, D) -> (P,)


def problem(data: str = "vertical", seed: int = 0, samples: int = SAMPLES,
            classes: int = CLASSES) -> Problem:
    """The data (`samples` points per class), the start and the search's generator of `seed`."""
    validate.choice("data", data, DATA)
    rng = validate.rng_from_seed(seed)
    sizes = layer_sizes(classes)
    X, y = DATA[data](samples, sizes[-1], rng)
    theta = nets.init_params(sizes, rng, scheme="nnfs")
    return Problem(data, X, y, sizes, theta, rng,
                   speculative.softmax_cross_entropy_loss(sizes, X, y, "relu"))


def _classes_and_confidence(theta, points, classes: int) -> tuple[Array, Array]:
    """The most probable class (the first on a tie) and its probability at each point: class by
    class over all points at once, since numpy's reductions along an axis of 3 are slow."""
    z = nets.forward(theta, layer_sizes(classes), points, "relu", "identity").T  # (C, M)
    label = np.zeros(z.shape[1], dtype=np.int64)
    top = z[0].copy()
    for c in range(1, z.shape[0]):
        higher = z[c] > top
        label[higher] = c
        np.maximum(top, z[c], out=top)
    total = np.zeros_like(top)
    for c in range(z.shape[0]):
        total += np.exp(z[c] - top)
    return label, 1.0 / total  # softmax of the top class: e^0 / sum_c e^(z_c - top)


def probabilities(theta, points, classes: int = CLASSES) -> Array:
    """softmax of the network `theta` at `points` (M, 2): (M, classes)."""
    z = nets.forward(theta, layer_sizes(classes), points, "relu", "identity")
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def predicted_classes(theta, points, classes: int = CLASSES) -> Array:
    """The most probable class at each of `points` (M, 2), the first one on a tie: (M,)."""
    return _classes_and_confidence(theta, points, classes)[0]


def accuracy(theta, X, y, classes: int = CLASSES) -> float:
    """Fraction of points whose most probable class (the first, on a tie) is their label."""
    return float(np.mean(predicted_classes(theta, X, classes) == y))


def check_settings(method: str, iterations, noise) -> tuple[str, int, float]:
    """The method's name, the iterations and the noise scale, checked (errors name them)."""
    validate.choice("method", method, METHODS)
    iterations = validate.integer_in_range("iterations", iterations, 0, MAX_ITERATIONS)
    noise = validate.positive("noise", noise)
    return method, iterations, noise


def run(method: str = "tweak_and_keep", data: str = "vertical", iterations: int = ITERATIONS,
        noise: float = NOISE, seed: int = 0, chunk: int | None = None, samples: int = SAMPLES,
        classes: int = CLASSES) -> Iterator[speculative.Progress]:
    """One run of the book's experiment: `speculative.Progress` after every `chunk` iterations
    (None: at the end only); the search starts at `problem(data, seed).theta`."""
    method, iterations, noise = check_settings(method, iterations, noise)
    p = problem(data, seed, samples, classes)
    start = float(p.loss(p.theta[None, :])[0])
    return speculative.keep_best(method, noise, p.loss, p.theta, p.rng, iterations, loss=start,
                                 chunk=chunk)


class Trajectory(NamedTuple):
    """A run recorded every `every` iterations (and at its end), for charts and the text."""

    steps: Array  # (T,) iterations done, from 0
    loss: Array  # (T,) loss of the best parameters so far
    accuracy: Array  # (T,)
    seconds: Array  # (T,) time spent computing so far
    kept_steps: Array  # (K,) iterations at which a candidate was kept
    kept_losses: Array  # (K,)
    theta: Array  # (D,) the best parameters at the end
    evaluated: int  # candidate rows evaluated (speculation's discarded ones included)


@functools.lru_cache(maxsize=512)
def _trajectory(method, data, iterations, noise, seed, every, samples, classes) -> Trajectory:
    p = problem(data, seed, samples, classes)
    clock = time.perf_counter()
    start = float(p.loss(p.theta[None, :])[0])
    steps, losses = [0], [start]
    accuracies = [accuracy(p.theta, p.X, p.y, classes)]
    seconds = [time.perf_counter() - clock]
    kept_steps: list[int] = []
    kept_losses: list[float] = []
    theta, evaluated = p.theta, 0
    for progress in speculative.keep_best(method, noise, p.loss, p.theta, p.rng, iterations,
                                          loss=start, chunk=every):
        if progress.step == 0:
            continue
        theta, evaluated = progress.theta, progress.evaluated
        steps.append(progress.step)
        losses.append(progress.loss)
        accuracies.append(accuracy(theta, p.X, p.y, classes))
        seconds.append(time.perf_counter() - clock)
        kept_steps += [k.step for k in progress.kept]
        kept_losses += [k.loss for k in progress.kept]
    arrays = [np.array(steps), np.array(losses), np.array(accuracies), np.array(seconds),
              np.array(kept_steps, dtype=np.int64), np.array(kept_losses, dtype=float),
              np.array(theta)]
    for array in arrays:
        array.flags.writeable = False  # shared by every caller of the cache
    return Trajectory(*arrays, evaluated)


def trajectory(method: str = "tweak_and_keep", data: str = "vertical",
               iterations: int = ITERATIONS, noise: float = NOISE, seed: int = 0,
               every: int = RECORD_EVERY, samples: int = SAMPLES,
               classes: int = CLASSES) -> Trajectory:
    """The run of `run(...)` recorded every `every` iterations: a `Trajectory` (computed once per
    setting and process)."""
    method, iterations, noise = check_settings(method, iterations, noise)
    validate.choice("data", data, DATA)
    seed = validate.seed(seed)
    every = validate.integer_in_range("every", every, 1, MAX_ITERATIONS)
    samples = validate.integer_in_range("samples", samples, 1, datasets.MAX_SAMPLES)
    return _trajectory(method, data, iterations, noise, seed, every, samples,
                       layer_sizes(classes)[-1])


def chapter6(
    method: str = "tweak_and_keep",
    data: str = "vertical",
    iterations: int = 10_000,
    noise: float = 0.05,
    samples: int = 100,
    classes: int = 3,
    seed: int = 0,
    record_every: int = 100,
) -> list[dict]:
    """One run of the chapter's experiment as trajectory records (`train.make_record` dicts).

    Each record has the loss and accuracy of the best parameters so far on all
    `samples * classes` points, and the forward passes spent (one per point per candidate, the
    start's evaluation included, as `search.run` counts them).
    """
    run_ = trajectory(method, data, iterations, noise, seed, record_every, samples, classes)
    n = samples * classes
    return [train.make_record(method, step, loss, n * (1 + step), 0, wall, None, 0, acc,
                              population=1, sigma=float(noise))
            for step, loss, acc, wall in zip(run_.steps.tolist(), run_.loss.tolist(),
                                              run_.accuracy.tolist(), run_.seconds.tolist())]


def summary(seeds=range(4), iterations: int = 10_000, noise: float = 0.05) -> list[dict]:
    """The chapter's four results (2 methods x 2 data sets) per seed: tidy rows.

    Rows: method, data, seed, loss, accuracy (final, best parameters), forward_passes.
    """
    rows = []
    for method in METHODS:
        for data in DATA:
            for seed in seeds:
                last = chapter6(method, data, iterations, noise, seed=seed,
                                record_every=iterations)[-1]
                rows.append({"method": method, "data": data, "seed": int(seed),
                             "loss": last["loss"], "accuracy": last["accuracy"],
                             "forward_passes": last["forward_passes"]})
    return rows


# ---- the book's outcomes, and their spread over seeds -----------------------------------------


def final(method: str = "tweak_and_keep", data: str = "vertical", quantity: str = "accuracy",
          seed: int = 0, noise: float = NOISE, iterations: int = ITERATIONS) -> float:
    """The end of one run: its loss, accuracy, or the number of candidates it kept."""
    validate.choice("quantity", quantity, QUANTITIES)
    run_ = trajectory(method, data, iterations, noise, seed, every=RECORD_EVERY)
    if quantity == "kept":
        return int(run_.kept_steps.size)
    return float((run_.loss if quantity == "loss" else run_.accuracy)[-1])


def start_loss(data: str = "vertical", seed: int = 0) -> float:
    """The loss of the start (weights 0.01 N(0, 1), biases 0): close to ln 3."""
    return float(trajectory("random_search", data, 0, NOISE, seed).loss[0])


def finals(method: str = "tweak_and_keep", data: str = "vertical", quantity: str = "accuracy",
           seeds: int = SEEDS, noise: float = NOISE, iterations: int = ITERATIONS) -> list[float]:
    """`final(...)` for the seeds 0 .. seeds - 1."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return [final(method, data, quantity, seed, noise, iterations) for seed in range(seeds)]


def spread(method: str = "tweak_and_keep", data: str = "vertical", quantity: str = "accuracy",
           stat: str = "min", seeds: int = SEEDS, noise: float = NOISE,
           iterations: int = ITERATIONS) -> float:
    """The min, max, median or mean of `finals(...)` over the seeds 0 .. seeds - 1."""
    validate.choice("stat", stat, STATS)
    return float(STATS[stat](finals(method, data, quantity, seeds, noise, iterations)))


def start_accuracy(data: str = "vertical", seed: int = 0) -> float:
    """The accuracy of the start: with weights this small, its most probable class is chance."""
    return float(trajectory("random_search", data, 0, NOISE, seed).accuracy[0])


def start_accuracy_spread(data: str = "vertical", stat: str = "min", seeds: int = SEEDS) -> float:
    """The min, max, median or mean of `start_accuracy` over the seeds 0 .. seeds - 1."""
    validate.choice("stat", stat, STATS)
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return float(STATS[stat]([start_accuracy(data, seed) for seed in range(seeds)]))


def classes_predicted(method: str = "random_search", data: str = "vertical",
                      seed: int = 0) -> int:
    """How many different classes the network at the end of a run gives the data points."""
    theta, p = end_point(method, data, seed)
    return int(np.unique(predicted_classes(theta, p.X)).size)


def seeds_with_one_class(method: str = "random_search", data: str = "vertical",
                         seeds: int = SEEDS) -> int:
    """Of the seeds 0 .. seeds - 1, how many end with every point put in the same class."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return sum(classes_predicted(method, data, seed) == 1 for seed in range(seeds))


def confidence(method: str = "random_search", data: str = "vertical", seed: int = 0) -> float:
    """The highest probability the network at the end of a run gives any class at any point."""
    theta, p = end_point(method, data, seed)
    return float(_classes_and_confidence(theta, p.X, CLASSES)[1].max())


def max_confidence(method: str = "random_search", data: str = "vertical",
                   seeds: int = SEEDS) -> float:
    """The largest `confidence` over the seeds 0 .. seeds - 1."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return max(confidence(method, data, seed) for seed in range(seeds))


def iterations_to_accuracy(threshold: float = 0.9, method: str = "tweak_and_keep",
                           data: str = "vertical", seed: int = 0) -> int:
    """The first recorded iteration (a multiple of RECORD_EVERY) at which a run's accuracy is
    at least `threshold`; a ValueError if it never gets there."""
    threshold = validate.number_in_range("threshold", threshold, 0.0, 1.0)
    run_ = trajectory(method, data, seed=seed)
    reached = np.flatnonzero(run_.accuracy >= threshold)
    if reached.size == 0:
        raise validate.ArgumentValueError(
            "threshold", f"this run never reaches an accuracy of {threshold:g}")
    return int(run_.steps[reached[0]])


def max_iterations_to_accuracy(threshold: float = 0.9, method: str = "tweak_and_keep",
                               data: str = "vertical", seeds: int = SEEDS) -> int:
    """The largest `iterations_to_accuracy` over the seeds 0 .. seeds - 1."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return max(iterations_to_accuracy(threshold, method, data, seed) for seed in range(seeds))


# ---- reason 1: an effectively infinite space ---------------------------------------------------


def random_draw_losses(data: str = "vertical", seed: int = 0, noise: float = NOISE,
                       iterations: int = ITERATIONS) -> Array:
    """The loss of every candidate random search draws, in order, all evaluated: (iterations,).

    The same draws as `run("random_search", ...)` (the generator's stream after the start), but
    every one evaluated, not only compared: the independent check of its decisions.
    """
    _, iterations, noise = check_settings("random_search", iterations, noise)
    p = problem(data, seed)
    out = np.empty(iterations)
    for start in range(0, iterations, 1000):
        rows = min(1000, iterations - start)
        out[start:start + rows] = p.loss(noise * p.rng.standard_normal((rows, p.theta.size)))
    return out


def new_bests(data: str = "vertical", seed: int = 0, noise: float = NOISE,
              iterations: int = ITERATIONS) -> int:
    """How many times random search found a new lowest loss (a candidate it kept)."""
    return int(final("random_search", data, "kept", seed, noise, iterations))


def expected_new_bests(data: str = "vertical", seed: int = 0, noise: float = NOISE,
                       iterations: int = ITERATIONS) -> float:
    """The expected number of new bests among n independent draws that must also beat the
    start, where a fraction p of all draws does:

        E = sum_{k=1}^{n} (1 - (1 - p)^k) / k  ~  H_n + ln p,

    since draw k is a new best iff it is the lowest of the first k and below the start:
    integral_0^p (1 - u)^(k-1) du. p is measured on the run's own draws.
    """
    draws = random_draw_losses(data, seed, noise, iterations)
    p = float(np.mean(draws < start_loss(data, seed)))
    k = np.arange(1, draws.size + 1)
    return float(np.sum((1.0 - (1.0 - p) ** k) / k))


def harmonic(n: int = ITERATIONS) -> float:
    """H_n = 1 + 1/2 + ... + 1/n: the expected number of new bests among n independent draws."""
    n = validate.integer_in_range("n", n, 1, 10**9)
    return float(np.sum(1.0 / np.arange(1, n + 1)))


def mean_new_bests(data: str = "vertical", seeds: int = SEEDS, expected: bool = False) -> float:
    """The mean over the seeds 0 .. seeds - 1 of `new_bests` (or of `expected_new_bests`)."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    count = expected_new_bests if expected else new_bests
    return float(np.mean([count(data, seed) for seed in range(seeds)]))


def grid_networks(values: int = 10, classes: int = CLASSES) -> float:
    """Networks on a grid of `values` settings per parameter: values ** D."""
    values = validate.integer_in_range("values", values, 2, 1000)
    return float(values) ** parameter_count(classes)


def grid_years(values: int = 10, per_second: float = 1e6) -> float:
    """Years to try every network of `grid_networks(values)` at `per_second` networks a second."""
    per_second = validate.positive("per_second", per_second)
    return grid_networks(values) / per_second / (365.25 * 24 * 3600)


# ---- reason 2: every parameter treated as equally important ------------------------------------


def parameter_names(classes: int = CLASSES) -> list[str]:
    """A name for each parameter, in theta's order: "w1 x2→h3" is the first layer's weight from
    input 2 to hidden neuron 3, "b2 c1" the bias of class 1's output."""
    names = []
    inputs, hidden, outputs = layer_sizes(classes)
    for layer, (src, n_in, dst, n_out) in enumerate([("x", inputs, "h", hidden),
                                                     ("h", hidden, "c", outputs)], start=1):
        names += [f"w{layer} {src}{i + 1}→{dst}{j + 1}"
                  for i in range(n_in) for j in range(n_out)]
        names += [f"b{layer} {dst}{j + 1}" for j in range(n_out)]
    return names


def end_point(method: str = "tweak_and_keep", data: str = "vertical", seed: int = 0,
              noise: float = NOISE, iterations: int = ITERATIONS) -> tuple[Array, Problem]:
    """The best parameters at the end of a run, with the run's problem (data and loss)."""
    run_ = trajectory(method, data, iterations, noise, seed, every=RECORD_EVERY)
    return np.array(run_.theta), problem(data, seed)


def parameter_rises(data: str = "vertical", seed: int = 0, step: float = NOISE) -> Array:
    """How much a step of `step` along one parameter alone raises the loss at tweak-and-keep's
    end point: (L(θ + h e_i) + L(θ - h e_i)) / 2 - L(θ) for each i, (D,)."""
    step = validate.positive("step", step)
    theta, p = end_point("tweak_and_keep", data, seed)
    moves = step * np.eye(theta.size)
    here = float(p.loss(theta[None, :])[0])
    return (p.loss(theta + moves) + p.loss(theta - moves)) / 2 - here


def rise(which: str = "ratio", data: str = "vertical", seed: int = 0,
         step: float = NOISE) -> float:
    """Of `parameter_rises`: the "max", "min", "median", or the "ratio" max / min."""
    rises = parameter_rises(data, seed, step)
    if which == "ratio":
        return float(rises.max() / rises.min())
    validate.choice("which", which, STATS)
    return float(STATS[which](rises))


def ranked_parameters(data: str = "vertical", seed: int = 0, step: float = NOISE) -> list[int]:
    """Parameter indices from the one whose step raises the loss most to the one it raises least."""
    return [int(i) for i in np.argsort(-parameter_rises(data, seed, step), kind="stable")]


def one_parameter_slice(index: int = 0, data: str = "vertical", seed: int = 0, span: float = 1.0,
                        n: int = 81) -> tuple[Array, Array]:
    """The loss along parameter `index` alone, the others kept, around tweak-and-keep's end
    point: offsets t in [-span, span] (n of them) and L(θ + t e_index)."""
    theta, p = end_point("tweak_and_keep", data, seed)
    index = validate.integer_in_range("index", index, 0, theta.size - 1)
    span = validate.positive("span", span)
    n = validate.integer_in_range("n", n, 2, 10_001)
    t = np.linspace(-span, span, n)
    thetas = np.repeat(theta[None, :], n, axis=0)
    thetas[:, index] += t
    return t, p.loss(thetas)


def dead_neurons(data: str = "vertical", seed: int = 0, method: str = "tweak_and_keep") -> int:
    """Hidden neurons that output 0 on every data point at the end of a run. Nothing about
    their six parameters (two weights in, a bias, three weights out) changes the loss."""
    theta, p = end_point(method, data, seed)
    (W1, b1), _ = nets.unravel(theta, p.sizes)
    return int(np.sum(np.all(p.X @ W1 + b1 <= 0.0, axis=0)))


def seeds_with_dead_neuron(data: str = "vertical", seeds: int = SEEDS) -> int:
    """Of the seeds 0 .. seeds - 1, how many end tweak-and-keep with at least one dead neuron."""
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return sum(dead_neurons(data, seed) > 0 for seed in range(seeds))


# ---- reason 3: local minima --------------------------------------------------------------------


def kept_fractions(method: str = "tweak_and_keep", data: str = "vertical", seed: int = 0,
                   window: int = WINDOW, noise: float = NOISE,
                   iterations: int = ITERATIONS) -> Array:
    """The fraction of candidates kept in each window of `window` iterations, in order:
    (iterations // window,)."""
    window = validate.integer_in_range("window", window, 1, MAX_ITERATIONS)
    run_ = trajectory(method, data, iterations, noise, seed, every=RECORD_EVERY)
    counts = np.bincount(((run_.kept_steps - 1) // window).astype(np.intp),
                         minlength=iterations // window)
    return counts[:iterations // window] / window


def kept_fraction(part: str = "first", data: str = "vertical", stat: str = "median",
                  method: str = "tweak_and_keep", seeds: int = SEEDS,
                  window: int = WINDOW) -> float:
    """The fraction of candidates kept in the "first" or "last" window of the runs of the seeds
    0 .. seeds - 1: their median (or min, max, mean)."""
    validate.choice("part", part, ("first", "last"))
    validate.choice("stat", stat, STATS)
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    index = 0 if part == "first" else -1
    return float(STATS[stat]([kept_fractions(method, data, seed, window)[index]
                              for seed in range(seeds)]))


@functools.lru_cache(maxsize=64)
def _restart(data, seed, start, noise, iterations, last) -> dict:
    p = problem(data, seed)
    rng = np.random.default_rng([seed, start])
    theta = nets.init_params(p.sizes, rng, scheme="nnfs")
    progress = list(speculative.keep_best("tweak_and_keep", noise, p.loss, theta, rng, iterations,
                                          chunk=max(1, iterations - last)))
    end = progress[-1]
    return {"start": start, "loss": end.loss, "accuracy": accuracy(end.theta, p.X, p.y),
            "kept_last": len(end.kept), "theta": tuple(end.theta.tolist())}


def restarts(data: str = "spiral", seed: int = 0, starts: int = 8, noise: float = NOISE,
             iterations: int = ITERATIONS, last: int = 1000) -> list[dict]:
    """Tweak-and-keep on the data of `seed` from `starts` different starts (start k draws its
    weights and its noise from Generator([seed, k])). Rows: start, loss and accuracy at the end,
    kept_last: the tweaks it kept in its `last` iterations, theta: where it ended."""
    validate.choice("data", data, DATA)
    seed = validate.seed(seed)
    starts = validate.integer_in_range("starts", starts, 1, 100)
    _, iterations, noise = check_settings("tweak_and_keep", iterations, noise)
    last = validate.integer_in_range("last", last, 1, max(1, iterations - 1))
    return [_restart(data, seed, k, noise, iterations, last) for k in range(starts)]


def restart_spread(quantity: str = "loss", stat: str = "min", data: str = "spiral",
                   seed: int = 0, starts: int = 8) -> float:
    """The min, max, median or mean of a column ("loss", "accuracy", "kept_last") of `restarts`."""
    validate.choice("quantity", quantity, ("loss", "accuracy", "kept_last"))
    validate.choice("stat", stat, STATS)
    return float(STATS[stat]([row[quantity] for row in restarts(data, seed, starts)]))


@functools.lru_cache(maxsize=32)
def _adam(data, seed, lr, steps) -> tuple[float, float]:
    p = problem(data, seed)
    task = train.network_task(p.sizes, p.X, p.y, loss="softmax_cross_entropy", activation="relu")
    last = list(train.run(task, optim.adam(lr), p.theta, steps=steps, record_every=steps))[-1]
    return last["loss"], last["accuracy"]


def adam(quantity: str = "loss", data: str = "spiral", seed: int = 0, lr: float = 0.05,
         steps: int = ITERATIONS) -> float:
    """Gradient descent (Adam, full batch, learning rate `lr`) on the same network, data and
    start for `steps` steps: its final loss or accuracy. Not this chapter's method: the check
    of what three hidden neurons can do at all."""
    validate.choice("quantity", quantity, ("loss", "accuracy"))
    validate.choice("data", data, DATA)
    seed = validate.seed(seed)
    lr = validate.positive("lr", lr)
    steps = validate.integer_in_range("steps", steps, 1, MAX_ITERATIONS)
    value, acc = _adam(data, seed, lr, steps)
    return float(value if quantity == "loss" else acc)


def adam_spread(quantity: str = "loss", stat: str = "min", data: str = "spiral",
                seeds: int = 5) -> float:
    """The min, max, median or mean of `adam(quantity, data, seed)` over seeds 0 .. seeds - 1."""
    validate.choice("stat", stat, STATS)
    seeds = validate.integer_in_range("seeds", seeds, 1, 1000)
    return float(STATS[stat]([adam(quantity, data, seed) for seed in range(seeds)]))


# ---- the picture: decision regions -------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _grid_points(data: str, n: int) -> Array:
    (x0, x1), (y0, y1) = VIEWS[data]
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y1 - (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    points.flags.writeable = False
    return points


def decision_regions(theta, data: str = "vertical", n: int = 60,
                     classes: int = CLASSES) -> tuple[Array, Array]:
    """The network's most probable class and that probability on an n×n grid over the data's
    view (`VIEWS`), cell centres, row by row from the top (largest y), each left to right:
    (labels (n*n,), probability (n*n,))."""
    validate.choice("data", data, DATA)
    n = validate.integer_in_range("grid", n, 2, 400)
    return _classes_and_confidence(theta, _grid_points(data, n), classes)
