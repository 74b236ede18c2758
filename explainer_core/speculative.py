"""Random search and tweak-and-keep, many iterations per numpy call, with the same result.

NNFS chapter 6's two methods (`search.random_search`, `search.tweak_and_keep`) make one
candidate per iteration and keep it when its loss is strictly lower than the best so far:

    random search:   candidate_t = scale * eps_t
    tweak-and-keep:  candidate_t = best_{t-1} + scale * eps_t

where eps_t ~ N(0, I) is the t-th row of the generator's stream of normals (D numbers per
row). One candidate per numpy call is slow, and slower still in the browser's WebAssembly:
the price of a call, not the arithmetic, sets the pace. But random search's candidates do not
depend on the best at all, and tweak-and-keep's depend on it only through the last
acceptance. So `keep_best` evaluates a block of K future candidates in one call of the
population loss, all proposed from the current best: the first one that is lower is kept, the
rest of the block is thrown away, and its rows eps_t (not new draws) are proposed again from
the new best. This is speculative execution: the candidates, the decisions and the kept
parameters are those of `search.run` driving the library's methods one iteration at a time
(tests/lib/test_speculative.py checks it); only the work differs (`evaluated` counts the rows
really evaluated, the thrown-away ones included). K follows the recent spacing g of acceptances
(K = sqrt(2 CALL_ROWS g), see below), so few rows are wasted: early on, when a third of the
tweaks are kept, blocks are short; later, when one tweak in a hundred is kept, they are long.
Random search's blocks are as long as MAX_BLOCK allows.

`softmax_cross_entropy_loss` is the population loss of a small classifier
(`train.network_task(..., loss="softmax_cross_entropy")`), laid out along the population: a
layer's values are an (N, units, P) array, so each numpy call loops over the P networks at once,
where the library's layout loops over a layer of 3 units and numpy's reductions over an axis of 3
cost more than the network itself. It equals the task's `population_loss` to rounding (tested to
1e-12), and gives a network the same loss whatever the population it is evaluated in.
"""

from __future__ import annotations

import math
from typing import Callable, Iterator, NamedTuple, Sequence

import numpy as np

from . import activations, nets, validate

Array = np.ndarray

KINDS = ("random_search", "tweak_and_keep")
MAX_BLOCK = 256  # candidates per call at most: 256 x 21 numbers, a few hundred kB of activations
# A call costs about as much as CALL_ROWS rows of candidates (CPython and Pyodide alike). With
# acceptances g iterations apart, a block of k rows wastes about k^2 / (2 g) of them on average
# (for k << g), so the cost per iteration, (CALL_ROWS + k) / k + k / (2 g), is least at
# k = sqrt(2 CALL_ROWS g).
CALL_ROWS = 5.0
WIDE_PRODUCTS = 256  # networks with at most this many weights are evaluated population-wide


class Kept(NamedTuple):
    """A candidate that was kept: at iteration `step` (1-based), with its loss and parameters."""

    step: int
    loss: float
    theta: Array


class Progress(NamedTuple):
    """Where a run stands after `step` iterations.

    theta, loss: the best parameters so far and their loss; kept: the candidates kept since
    the last Progress (oldest first); evaluated: candidate rows evaluated so far, including those
    speculation threw away (the algorithm itself evaluates exactly `step` of them).
    """

    step: int
    theta: Array
    loss: float
    kept: list
    evaluated: int


def _clean(losses, rows: int) -> Array:
    losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    if losses.shape != (rows,):
        raise ValueError(f"the loss function must map (P, D) to (P,); got shape {losses.shape} "
                         f"for P = {rows}")
    return np.where(np.isnan(losses), np.inf, losses)  # a NaN candidate never wins, as in search


def tweak(best: Array, noise: Array, scale: float) -> Array:
    """Tweak-and-keep's candidates: the best parameters so far `best` (D,) plus `scale` times
    the noise, one row of `noise` (K, D) per candidate -> (K, D)."""
    return best + scale * noise


def keep_best(kind: str, scale: float, loss_fn: Callable[[Array], Array], theta,
              rng: np.random.Generator, steps: int, *, loss: float | None = None,
              chunk: int | None = None, max_block: int = MAX_BLOCK) -> Iterator[Progress]:
    """Run `steps` iterations of random search or tweak-and-keep; yield a `Progress` after every
    `chunk` iterations (None: only at the end) and after the last one.

    kind: "random_search" or "tweak_and_keep"; scale: the standard deviation of eps (NNFS: 0.05);
    loss_fn: population loss (P, D) -> (P,); theta (D,): the start; loss: its loss if known
    (else evaluated, as `search.run` does). Draws from `rng` exactly the rows the one-at-a-time
    run draws, in the same order, and never more than `steps` rows.
    """
    validate.choice("kind", kind, KINDS)
    scale = validate.positive("scale", scale)
    best = validate.float_array("theta", theta, ndim=1).copy()
    rng = validate.generator(rng)
    steps = validate.integer_in_range("steps", steps, 0, 10**9)
    chunk = steps if chunk is None else validate.integer_in_range("chunk", chunk, 1, 10**9)
    max_block = validate.integer_in_range("max_block", max_block, 1, 65_536)
    validate.memory(max_block, best.size)
    evaluated = 0
    if loss is None:
        best_loss = float(_clean(loss_fn(best[None, :]), 1)[0])
        evaluated = 1
    else:
        best_loss = float(loss)
        best_loss = math.inf if math.isnan(best_loss) else best_loss
    tweaking = kind == "tweak_and_keep"
    buffer = np.empty((0, best.size))  # rows eps_t drawn but not yet used, oldest first
    drawn = 0
    gap = 1.0  # running mean of the iterations between two acceptances (tweak-and-keep)
    since = 0  # iterations since the last acceptance
    t = 0
    kept: list[Kept] = []
    while t < steps:
        stop = min(steps, (t // chunk + 1) * chunk)
        while t < stop:
            size = (min(max_block, math.ceil(math.sqrt(2 * CALL_ROWS * gap))) if tweaking
                    else max_block)
            k = min(size, stop - t)
            if buffer.shape[0] < k:
                more = min(max(k, size) - buffer.shape[0], steps - drawn)
                buffer = np.concatenate([buffer, rng.standard_normal((more, best.size))])
                drawn += more
            candidates = tweak(best, buffer[:k], scale) if tweaking else scale * buffer[:k]
            values = _clean(loss_fn(candidates), k)
            evaluated += k
            if tweaking:
                lower = np.flatnonzero(values < best_loss)
                used = k if lower.size == 0 else int(lower[0]) + 1
                if lower.size:
                    best, best_loss = candidates[used - 1].copy(), float(values[used - 1])
                    kept.append(Kept(t + used, best_loss, best.copy()))
                    gap = 0.75 * gap + 0.25 * (since + used)
                    since = 0
                else:
                    since += k
                    gap = max(gap, float(since))
            else:
                used = k
                before = np.minimum.accumulate(np.concatenate([[best_loss], values]))[:-1]
                for j in np.flatnonzero(values < before):
                    kept.append(Kept(t + int(j) + 1, float(values[j]), candidates[j].copy()))
                if kept and kept[-1].step > t:
                    best, best_loss = kept[-1].theta.copy(), kept[-1].loss
            buffer = buffer[used:]
            t += used
        yield Progress(t, best.copy(), best_loss, kept, evaluated)
        kept = []
    if steps == 0:
        yield Progress(0, best.copy(), best_loss, [], evaluated)


def softmax_cross_entropy_loss(layer_sizes: Sequence[int], X, labels,
                               activation: str = "relu") -> Callable[[Array], Array]:
    """The population loss (P, D) -> (P,) of a classifier: a network with `layer_sizes` and the
    hidden `activation`, softmax on its logits z, categorical cross-entropy on `labels` (N,):

        L = -1/N sum_i log softmax(z_i)[c_i],   log softmax(z)_c = (z_c - m) - log sum_j e^(z_j - m)

    with m = max_j z_j (NNFS chapter 5). The same numbers, to rounding, as the `population_loss`
    of `train.network_task(layer_sizes, X, labels, "softmax_cross_entropy", activation)`.

    A small network (at most `WIDE_PRODUCTS` weights) is evaluated population-wide: a layer's
    values are an (N, units, P) array and each weight a row of P numbers, so every numpy call
    runs along the population in one long loop, and there are few calls: one multiply and one
    add per input of a layer. A parameter row that is not finite gives a loss that is not.
    """
    sizes = nets.check_layer_sizes(layer_sizes)
    X = nets.check_inputs(X, sizes)
    classes = sizes[-1]
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],) or labels.dtype.kind not in "iu" or (
            labels.size and (labels.min() < 0 or labels.max() >= classes)):
        raise validate.ArgumentValueError(
            "labels", f"labels must be {X.shape[0]} whole numbers in [0, {classes - 1}]")
    hidden = activations.get(activation)
    dimension = nets.param_count(sizes)
    rows = np.arange(X.shape[0])
    wide = sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) <= WIDE_PRODUCTS
    inputs = X[:, :, None]  # (N, n_in, 1): broadcasts along the population
    layout = []
    start = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layout.append((start, n_in, n_out, start + n_in * n_out))
        start += (n_in + 1) * n_out

    def wide_logits(T: Array) -> Array:
        """(N, C, P) logits from the parameters as rows T (D, P)."""
        a = inputs
        for layer, (w0, n_in, n_out, b0) in enumerate(layout):
            W = T[w0:b0].reshape(n_in, n_out, -1)  # W[i] (n_out, P): weights out of input i
            z = a[:, 0, None, :] * W[0]
            for i in range(1, n_in):
                z += a[:, i, None, :] * W[i]
            z += T[b0:b0 + n_out]
            a = z if layer == len(layout) - 1 else hidden.f(z)
        return a

    def population_loss(thetas: Array, rows_=None) -> Array:
        thetas = np.asarray(thetas, dtype=np.float64)
        if thetas.ndim != 2 or thetas.shape[1] != dimension:
            raise validate.ArgumentValueError(
                "thetas", f"thetas must have shape (P, {dimension}), got {thetas.shape}")
        if wide:
            z = wide_logits(np.ascontiguousarray(thetas.T))  # (N, C, P)
            m = z[:, 0]
            for c in range(1, classes):
                m = np.maximum(m, z[:, c])
            e = np.exp(z - m[:, None, :])
            total = e[:, 0]
            for c in range(1, classes):
                total = total + e[:, c]
            log_probability = z[rows, labels] - m  # (N, P)
            log_probability -= np.log(total)
            # (P, N) rows, contiguous: every network's mean is summed the same way, whatever P
            return -np.mean(np.ascontiguousarray(log_probability.T), axis=-1)
        z = nets.forward_population(thetas, sizes, X, activation, "identity")  # (P, N, C)
        shifted = z - np.max(z, axis=-1, keepdims=True)
        log_sum = np.log(np.sum(np.exp(shifted), axis=-1))
        return -np.mean(shifted[:, rows, labels] - log_sum, axis=-1)

    return population_loss
