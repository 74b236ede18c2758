"""The training driver: records, compute accounting, mini-batches, divergence, NNFS ch. 10."""

import math

import numpy as np
import pytest

from explainer_core import datasets, nets, optim, schedules, search, train

FIELDS = {
    "method",
    "step",
    "loss",
    "accuracy",
    "forward_passes",
    "backward_passes",
    "wall_time",
    "theta",
    "diverged",
}


def sine_task():
    X, y = datasets.sine_data(64)
    return train.network_task([1, 8, 1], X, y, activation="tanh")


def test_full_batch_run_equals_a_hand_written_loop():
    task = sine_task()
    X, y = datasets.sine_data(64)
    sizes = [1, 8, 1]
    theta0 = nets.init_params(sizes, np.random.default_rng(0), "xavier")
    records = list(train.run(task, optim.adam(0.01), theta0, steps=20, theta_dims=1000))
    assert [r["step"] for r in records] == list(range(21))
    opt = optim.adam(0.01)
    theta, state = theta0.copy(), opt.init(theta0)
    for step in range(21):
        value, grad = nets.loss_and_grad(theta, sizes, X, y)
        assert records[step]["loss"] == pytest.approx(value, rel=1e-14)
        assert np.allclose(records[step]["theta"], theta, rtol=1e-14, atol=0)
        theta, state = opt.step(theta, grad, state)


def test_records_are_tidy_and_json_ready():
    import json

    records = list(train.run(sine_task(), optim.sgd(0.1), np.zeros(25), steps=7, record_every=3))
    assert [r["step"] for r in records] == [0, 3, 6, 7]  # every 3 steps and the last one
    for r in records:
        assert set(r) == FIELDS
        assert r["accuracy"] is None and r["diverged"] is False and len(r["theta"]) == 8
        json.dumps(r, allow_nan=False)


def test_wall_time_counts_only_time_inside_the_driver(monkeypatch):
    # A fake clock: every reading advances it by 1 s, and the consumer "waits" 100 s between
    # records. The driver reads it twice per record (pause, then resume), so each record adds
    # exactly 1 s of its own and none of the consumer's 100 s.
    clock = {"now": 0.0}

    def perf_counter():
        clock["now"] += 1.0
        return clock["now"]

    monkeypatch.setattr(train.time, "perf_counter", perf_counter)
    for method in (optim.sgd(0.1), search.tweak_and_keep(0.1)):
        times = []
        for record in train.run(sine_task(), method, np.zeros(25), steps=3,
                                rng=np.random.default_rng(0)):
            times.append(record["wall_time"])
            clock["now"] += 100.0
        assert times == [1.0, 2.0, 3.0, 4.0], method.name


def test_forward_and_backward_passes_are_counted_per_example():
    task = sine_task()  # N = 64
    records = list(train.run(task, optim.sgd(0.1), np.zeros(25), steps=5))
    assert [r["forward_passes"] for r in records] == [64 * k for k in range(6)]
    assert all(r["backward_passes"] == r["forward_passes"] for r in records)
    # mini-batches of 24 over 64 examples: 24, 24, 16 per epoch
    records = list(
        train.run(
            task, optim.sgd(0.1), np.zeros(25), steps=7, batch_size=24, rng=np.random.default_rng(0)
        )
    )
    assert [r["forward_passes"] for r in records] == [0, 24, 48, 64, 88, 112, 128, 152]


def test_minibatches_cover_each_epoch_once():
    batches = train.minibatches(10, 4, np.random.default_rng(0))
    epoch = [next(batches) for _ in range(3)]
    assert [len(b) for b in epoch] == [4, 4, 2]
    assert sorted(np.concatenate(epoch).tolist()) == list(range(10))
    assert [b.tolist() for b in [next(train.minibatches(5, 5, None))]] == [[0, 1, 2, 3, 4]]


def test_same_seed_same_trajectory():
    def trajectory(seed):
        rng = np.random.default_rng(seed)
        X, y = datasets.spiral_data(30, 3, rng)
        task = train.network_task([2, 8, 3], X, y, loss="softmax_cross_entropy", activation="relu")
        theta = nets.init_params([2, 8, 3], rng)
        return [
            (r["loss"], r["accuracy"], tuple(r["theta"]))
            for r in train.run(task, optim.adam(0.02), theta, steps=30, batch_size=16, rng=rng)
        ]

    assert trajectory(4) == trajectory(4)
    assert trajectory(4) != trajectory(5)


def test_generator_can_stop_early():
    gen = train.run(sine_task(), optim.sgd(0.1), np.zeros(25), steps=10**6, record_every=10)
    first = [next(gen) for _ in range(3)]
    gen.close()
    assert [r["step"] for r in first] == [0, 10, 20]


def test_divergence_ends_the_run_with_a_marked_record():
    records = list(train.run(sine_task(), optim.sgd(1e4), np.full(25, 0.5), steps=1000))
    assert records[-1]["diverged"] is True and not math.isfinite(records[-1]["loss"])
    assert all(r["diverged"] is False for r in records[:-1]) and records[-1]["step"] < 1000


def test_function_task_on_rosenbrock():
    s = datasets.surface("rosenbrock")
    task = train.function_task("rosenbrock", s.f, s.grad, 2)
    records = list(
        train.run(task, optim.adam(0.02), np.array(s.start), steps=3000, record_every=500)
    )
    assert records[-1]["forward_passes"] == 3000  # one evaluation per step
    assert np.allclose(records[-1]["theta"], s.minima[0], atol=1e-3)
    assert records[-1]["loss"] < 1e-6 < records[0]["loss"]


def test_make_record_for_search_methods():
    r = train.make_record(
        "local_search", 4, 0.25, 1280, 0, 0.5, np.arange(20.0), theta_dims=3, sigma=0.1
    )
    assert r["theta"] == [0.0, 10.0, 19.0] and r["sigma"] == 0.1 and r["backward_passes"] == 0
    assert train.theta_indices(5, 10).tolist() == [0, 1, 2, 3, 4]


def test_nnfs_chapter_10_adam_on_spiral_data():
    """2 -> 64 -> 3 ReLU, softmax cross-entropy, spiral(100, 3), Adam lr 0.05, decay 5e-7,
    eps 1e-7, 10,001 epochs. The book prints epoch 0: acc 0.360, loss 1.099 and, at epoch
    10,000, acc 0.983, loss 0.074. A RandomState(0) replays its data and weights; the book
    computes in float32 and we in float64, so the end differs a little."""
    rng = np.random.RandomState(0)
    X, y = datasets.spiral_data(100, 3, rng)
    sizes = [2, 64, 3]
    theta = nets.init_params(sizes, rng, "nnfs")
    task = train.network_task(sizes, X, y, loss="softmax_cross_entropy", activation="relu")
    opt = optim.adam(schedules.inverse_time(0.05, 5e-7), eps=1e-7)
    records = list(train.run(task, opt, theta, steps=10_000, record_every=10_000))
    first, last = records[0], records[-1]
    assert round(first["accuracy"], 3) == 0.360 and round(first["loss"], 3) == 1.099
    assert last["step"] == 10_000 and last["forward_passes"] == 10_000 * 300
    assert last["accuracy"] >= 0.95 and last["loss"] <= 0.1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(steps=-1), "steps"),
        (dict(steps=5, batch_size=0), "batch_size"),
        (dict(steps=5, batch_size=65), "batch_size"),
        (dict(steps=5, record_every=0), "record_every"),
        (dict(steps=5, theta=np.zeros(3)), "theta must have length 25"),
        (dict(steps=5, theta=np.full(25, np.nan)), "theta contains NaN"),
    ],
)
def test_bad_input(kwargs, match):
    kwargs = dict(dict(theta=np.zeros(25)), **kwargs)
    with pytest.raises(ValueError, match=match):
        train.run(sine_task(), optim.sgd(0.1), **kwargs)


def test_bad_types():
    with pytest.raises(TypeError, match="optimizer"):
        train.run(sine_task(), "adam", np.zeros(25), steps=3)
    with pytest.raises(TypeError, match="task"):
        train.run(None, optim.sgd(0.1), np.zeros(25), steps=3)
    with pytest.raises(TypeError, match="rng"):
        train.run(sine_task(), optim.sgd(0.1), np.zeros(25), steps=3, batch_size=8, rng=3)


def test_compute_counts_a_backward_pass_as_two_forward_passes():
    # a dense layer's backward pass is two matrix products of the forward pass's one
    assert train.BACKWARD_COST == 2
    assert train.compute(10, 0) == 10 and train.compute(10, 10) == 30
