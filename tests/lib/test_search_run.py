"""The search driver: same records as train.run, forward passes counted exactly, budgets kept."""

import numpy as np
import pytest

from explainer_core import nets, optim, search, train


class CountingSphere:
    """|x|^2 on a population; counts the rows it is asked to evaluate (the independent count)."""

    def __init__(self):
        self.rows = 0
        self.calls = 0

    def __call__(self, population):
        population = np.asarray(population)
        self.rows += population.shape[0]
        self.calls += 1
        return np.sum(population**2, axis=1)


METHODS = {
    "random_search": lambda: search.random_search(0.5, population=3),
    "tweak_and_keep": lambda: search.tweak_and_keep(0.1),
    "local_search": lambda: search.local_search(population=7, sigma=0.1),
    "genetic": lambda: search.genetic(population=6, sigma=0.1, parents=2),
    "openai_es": lambda: search.openai_es(population=4, sigma=0.1, optimizer=optim.adam(0.05)),
    "metropolis": lambda: search.metropolis(sigma=0.1),
}


@pytest.mark.parametrize("name", sorted(METHODS))
def test_forward_passes_are_counted_rows_times_examples(name):
    method = METHODS[name]()
    loss_fn = CountingSphere()
    records = list(search.run(method, loss_fn, np.ones(5), np.random.default_rng(0),
                              generations=23, record_every=5, examples=32))
    assert [r["step"] for r in records] == [0, 5, 10, 15, 20, 23]
    # one vectorized call per generation plus one for the starting point
    assert loss_fn.calls == 24
    assert records[-1]["forward_passes"] == loss_fn.rows * 32
    assert records[0]["forward_passes"] == 32
    assert all(r["backward_passes"] == 0 for r in records)
    assert records[-1]["forward_passes"] == 32 * (1 + 23 * method.batch)
    assert records[-1]["loss"] < records[0]["loss"] == 5.0


def test_records_have_the_training_driver_fields():
    task = train.function_task("sphere", lambda p: np.sum(p**2, axis=1), lambda t: 2 * t, 4)
    theta = np.arange(4.0)
    gd = next(train.run(task, optim.sgd(0.1), theta, steps=1, theta_dims=4))
    evo = next(search.run(search.local_search(4, 0.1), task, theta, np.random.default_rng(0),
                          generations=1))
    assert set(gd) <= set(evo)
    assert evo["method"] == "local_search" and evo["population"] == 4 and evo["sigma"] == 0.1
    assert evo["theta"] == [0.0, 1.0, 2.0, 3.0] and evo["diverged"] is False


def test_budget_on_forward_passes_is_never_exceeded():
    loss_fn = CountingSphere()
    method = search.local_search(population=10, sigma=0.1)
    records = list(search.run(method, loss_fn, np.ones(3), np.random.default_rng(0),
                              generations=10**6, record_every=4, max_forward_passes=255))
    # 1 (start) + 25 generations of 10 = 251 <= 255 < 261
    assert records[-1]["forward_passes"] == 251 == loss_fn.rows
    assert records[-1]["step"] == 25


def test_network_task_counts_population_times_examples():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = rng.integers(0, 3, 40)
    task = train.network_task([2, 5, 3], X, y, loss="softmax_cross_entropy", activation="relu")
    theta = nets.init_params([2, 5, 3], rng)
    records = list(search.run(search.local_search(8, 0.05), task, theta, rng, generations=10,
                              record_every=10, theta_dims=theta.size))
    assert records[-1]["forward_passes"] == 40 * (1 + 10 * 8)
    assert records[-1]["loss"] <= records[0]["loss"]
    # the record's loss and accuracy are those of the recorded parameters on the whole data set
    loss, accuracy = task.evaluate(np.asarray(records[-1]["theta"]))
    assert records[-1]["loss"] == pytest.approx(loss, rel=1e-12)
    assert records[-1]["accuracy"] == accuracy


def test_run_stops_on_a_diverged_start():
    records = list(search.run(search.tweak_and_keep(0.1), lambda p: np.full(len(p), np.nan),
                              np.zeros(2), np.random.default_rng(0), generations=5))
    assert len(records) == 1 and records[0]["diverged"] is True


def test_same_seed_same_records():
    def trajectory(seed):
        return [(r["loss"], r["theta"]) for r in search.run(
            search.genetic(8, 0.2), CountingSphere(), np.ones(4), np.random.default_rng(seed),
            generations=20, record_every=5)]

    assert trajectory(3) == trajectory(3)
    assert trajectory(3) != trajectory(4)


def test_run_rejects_bad_arguments():
    method = search.tweak_and_keep(0.1)
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="method"):
        search.run(optim.sgd(0.1), CountingSphere(), np.ones(2), rng, generations=1)
    with pytest.raises(TypeError, match="rng"):
        search.run(method, CountingSphere(), np.ones(2), 0, generations=1)
    with pytest.raises(ValueError, match="generations"):
        search.run(method, CountingSphere(), np.ones(2), rng, generations=-1)
    with pytest.raises(TypeError, match="task"):
        search.run(method, "sphere", np.ones(2), rng, generations=1)
    bad = search.run(method, lambda p: np.zeros(3), np.ones(2), rng, generations=1)
    with pytest.raises(ValueError, match=r"\(P,\)"):
        list(bad)
