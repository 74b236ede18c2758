"""Speculative keep-the-best search: the decisions of the one-at-a-time methods, and a fast loss.

The reference is the library's own loop: `search.run` driving `search.random_search` and
`search.tweak_and_keep` one candidate per iteration on `train.network_task`, whose records give
the best loss after every iteration. `keep_best` must keep the same candidates at the same
iterations (so the same losses), draw the same random numbers, and not depend on how its work
is cut into blocks or chunks. The fast loss is checked against the task's loss and against the
cross-entropy written out point by point.
"""

import math

import numpy as np
import pytest

from explainer_core import datasets, nets, search, speculative, train

SIZES = (2, 3, 3)


def problem(data="vertical", seed=0, sizes=SIZES):
    rng = np.random.default_rng(seed)
    X, y = getattr(datasets, f"{data}_data")(100, sizes[-1], rng)
    task = train.network_task(sizes, X, y, loss="softmax_cross_entropy", activation="relu")
    theta = nets.init_params(sizes, rng, scheme="nnfs")
    return X, y, task, theta, rng


def reference_losses(kind, data, seed, steps, scale=0.05):
    """The best loss after each iteration 0 .. steps, one candidate at a time (search.run)."""
    _, _, task, theta, rng = problem(data, seed)
    method = getattr(search, kind)(scale)
    records = search.run(method, task, theta, rng, generations=steps, record_every=1,
                         theta_dims=0)
    return np.array([r["loss"] for r in records])


def speculative_losses(kind, data, seed, steps, scale=0.05, loss="task", chunk=None):
    X, y, task, theta, rng = problem(data, seed)
    loss_fn = task.population_loss if loss == "task" else speculative.softmax_cross_entropy_loss(
        SIZES, X, y)
    progress = list(speculative.keep_best(kind, scale, loss_fn, theta, rng, steps, chunk=chunk))
    start = float(loss_fn(theta[None, :])[0])
    out = np.full(steps + 1, start)
    for kept in (k for p in progress for k in p.kept):
        out[kept.step:] = kept.loss
    return out, progress, rng


@pytest.mark.parametrize("kind", speculative.KINDS)
@pytest.mark.parametrize("data, seed", [("vertical", 0), ("spiral", 1)])
def test_the_same_candidates_are_kept_at_the_same_iterations(kind, data, seed):
    steps = 3000
    reference = reference_losses(kind, data, seed, steps)
    for loss in ("task", "fast"):
        fast, progress, _ = speculative_losses(kind, data, seed, steps, loss=loss)
        kept_reference = np.flatnonzero(np.diff(reference) < 0) + 1
        kept = [k.step for p in progress for k in p.kept]
        assert kept == kept_reference.tolist()
        assert len(kept) >= 3  # the test would be empty otherwise
        np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kind", speculative.KINDS)
def test_neither_blocks_nor_chunks_change_the_run(kind):
    whole, progress, _ = speculative_losses(kind, "vertical", 2, 2000, loss="fast")
    for chunk in (1, 7, 100, 2000):
        again, chunked, _ = speculative_losses(kind, "vertical", 2, 2000, loss="fast", chunk=chunk)
        assert np.array_equal(again, whole)
        assert np.array_equal(chunked[-1].theta, progress[-1].theta)
        assert [p.step for p in chunked] == list(range(chunk, 2000, chunk)) + [2000]


@pytest.mark.parametrize("kind", speculative.KINDS)
def test_it_draws_exactly_the_rows_the_iterations_use(kind):
    steps = 777
    _, progress, rng = speculative_losses(kind, "spiral", 0, steps, loss="fast", chunk=50)
    *_, fresh = problem("spiral", 0)
    fresh.standard_normal((steps, 21))
    assert rng.bit_generator.state == fresh.bit_generator.state
    assert progress[-1].evaluated >= steps + 1  # the start, every iteration, and any discarded rows


def test_progress_reports_every_chunk_and_the_kept_candidates_once():
    X, y, _, theta, rng = problem("vertical", 0)
    loss_fn = speculative.softmax_cross_entropy_loss(SIZES, X, y)
    progress = list(speculative.keep_best("tweak_and_keep", 0.05, loss_fn, theta, rng, 1000,
                                          chunk=300))
    assert [p.step for p in progress] == [300, 600, 900, 1000]
    kept = [k for p in progress for k in p.kept]
    for p, (low, high) in zip(progress, [(0, 300), (300, 600), (600, 900), (900, 1000)]):
        assert all(low < k.step <= high for k in p.kept)
    steps = [k.step for k in kept]
    assert steps == sorted(set(steps))
    assert all(a.loss > b.loss for a, b in zip(kept, kept[1:]))  # strictly lower each time
    # the parameters reported are the last kept ones, with their loss
    assert np.array_equal(progress[-1].theta, kept[-1].theta)
    assert progress[-1].loss == kept[-1].loss == pytest.approx(loss_fn(kept[-1].theta[None])[0],
                                                               abs=1e-15)


def test_zero_steps_reports_the_start():
    X, y, _, theta, rng = problem()
    loss_fn = speculative.softmax_cross_entropy_loss(SIZES, X, y)
    [only] = speculative.keep_best("random_search", 0.05, loss_fn, theta, rng, 0)
    assert only.step == 0 and only.kept == [] and np.array_equal(only.theta, theta)
    assert only.loss == loss_fn(theta[None])[0]


def test_a_nan_candidate_is_never_kept():
    calls = []

    def loss_fn(population):
        calls.append(len(population))
        values = np.sum(population**2, axis=1)
        values[::2] = np.nan  # every other row of every block
        return values

    progress = list(speculative.keep_best("tweak_and_keep", 0.1, loss_fn, np.ones(4),
                                          np.random.default_rng(0), 500, loss=4.0))
    kept = [k for p in progress for k in p.kept]
    assert kept and all(math.isfinite(k.loss) for k in kept)
    assert progress[-1].loss < 4.0


@pytest.mark.parametrize("args, arg", [
    (dict(kind="hill_climb"), "kind"),
    (dict(scale=0.0), "scale"),
    (dict(scale=float("nan")), "scale"),
    (dict(steps=-1), "steps"),
    (dict(chunk=0), "chunk"),
    (dict(rng=0), "rng"),
])
def test_bad_arguments_are_named(args, arg):
    settings = dict(kind="random_search", scale=0.05, loss_fn=lambda p: np.zeros(len(p)),
                    theta=np.zeros(3), rng=np.random.default_rng(0), steps=10)
    settings.update(args)
    with pytest.raises((ValueError, TypeError)) as error:
        list(speculative.keep_best(**settings))
    assert error.value.arg == arg


# ---- the fast loss -----------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [(2, 3, 3), (2, 5, 6), (2, 4, 4, 3), (2, 20, 20, 4)])
@pytest.mark.parametrize("rows", [1, 5, 300])
def test_the_fast_loss_is_the_tasks_loss(sizes, rows):
    X, y, task, _, _ = problem("spiral", 3, sizes)
    thetas = np.random.default_rng(rows).standard_normal((rows, nets.param_count(sizes)))
    fast = speculative.softmax_cross_entropy_loss(sizes, X, y)(thetas)
    np.testing.assert_allclose(fast, task.population_loss(thetas), rtol=0, atol=1e-12)


def test_the_fast_loss_is_the_cross_entropy_written_out():
    X, y, _, _, _ = problem("vertical", 4)
    theta = np.random.default_rng(9).standard_normal(21)
    W1, b1 = theta[:6].reshape(2, 3), theta[6:9]
    W2, b2 = theta[9:18].reshape(3, 3), theta[18:21]
    total = 0.0
    for point, label in zip(X, y):  # one point at a time, with math: the independent reference
        hidden = [max(0.0, point[0] * W1[0, j] + point[1] * W1[1, j] + b1[j]) for j in range(3)]
        z = [sum(hidden[j] * W2[j, c] for j in range(3)) + b2[c] for c in range(3)]
        total -= z[label] - math.log(sum(math.exp(v) for v in z))
    loss = speculative.softmax_cross_entropy_loss(SIZES, X, y)(theta[None, :])[0]
    assert loss == pytest.approx(total / len(y), rel=1e-12)


def test_every_network_gets_the_same_loss_alone_or_in_a_crowd():
    X, y, _, _, _ = problem("spiral", 0)
    loss_fn = speculative.softmax_cross_entropy_loss(SIZES, X, y)
    thetas = np.random.default_rng(1).standard_normal((40, 21))
    together = loss_fn(thetas)
    alone = np.array([loss_fn(row[None, :])[0] for row in thetas])
    assert np.array_equal(together, alone)


def test_the_fast_loss_refuses_bad_labels_and_shapes():
    X, y, _, _, _ = problem()
    with pytest.raises(ValueError) as error:
        speculative.softmax_cross_entropy_loss(SIZES, X, y + 1)
    assert error.value.arg == "labels"
    loss_fn = speculative.softmax_cross_entropy_loss(SIZES, X, y)
    with pytest.raises(ValueError) as error:
        loss_fn(np.zeros((2, 20)))
    assert error.value.arg == "thetas"
