"""Every outcome docs/gradient-descent.md states, run with the same settings through the same
chapter functions the page's value directives call (and, for "Try it", through the demo).

Each test quotes the sentence it checks.
"""

import math

import numpy as np
import pytest

from explainer_core.chapters import gradient_descent as chapter
from tests.demos import _demo_client as demo_client


def train(**args):
    return demo_client.run("gradient-descent", "train", args, max_frames=1000)[1]


def test_backprop_and_central_differences_agree_on_the_default_example():
    """"On the default example the two methods agree to within [table_largest_gap]"; the
    products equal nets' backprop."""
    gap = chapter.table_largest_gap()
    assert 0 < gap < 1e-9
    np.testing.assert_allclose(chapter.backprop_table()["gradient"],
                               chapter.table_backprop_gradient(), rtol=1e-12, atol=1e-15)


def test_products_agree_to_six_decimals_for_numbers_between_minus_two_and_two():
    """"For weights and inputs between −2 and 2, the product and the central difference agree
    to at least six decimal places"."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        values = rng.uniform(-2, 2, 12)
        out = demo_client.call("gradient-descent", "table", dict(zip(
            list(chapter.PARAM_NAMES) + ["x1", "x2", "y"], (repr(float(v)) for v in values))))
        assert out["ok"]
        assert out["result"]["largest_gap"] < 5e-7


def test_numerical_gradient_costs_two_forward_passes_per_parameter():
    """"two forward passes per parameter: [18] for these nine"; backprop: one forward, one
    backward (one example)."""
    assert chapter.numerical_gradient_cost() == 2 * 9
    assert chapter.step_cost(1, "forward") == 1 and chapter.step_cost(1, "backward") == 1


def test_small_learning_rates_fall_on_every_step_and_crawl():
    """"At η = 0.001 ... falls on every step but crawls"; 0.01 "falls faster"; 0.1 "again
    falling on every step", "close to the noise's own variance of 0.04"."""
    finals = [chapter.lr_outcome(lr, "final_loss") for lr in (0.001, 0.01, 0.1)]
    for lr in (0.001, 0.01, 0.1):
        assert chapter.lr_outcome(lr, "rises") == 0
        assert chapter.lr_outcome(lr, "diverged_at") == 0
    assert finals[0] > finals[1] > finals[2]
    start = chapter.lr_outcome(0.1, "first_loss")
    assert finals[0] > 0.3 * start  # crawls: after 300 steps still a third of the start or more
    assert abs(finals[2] - chapter.NOISE ** 2) < 0.01


def test_learning_rate_0_3_oscillates_then_diverges():
    """"At η = 0.3 ... jumps up on the first step, swings back down [falls] times in the first
    [last_fall] steps, then climbs on every step until it overflows at step [diverged_at]"."""
    first, second = (chapter.lr_outcome(0.3, w) for w in ("first_loss", "step_1_loss"))
    assert second > first
    falls, last_fall = chapter.lr_outcome(0.3, "falls"), chapter.lr_outcome(0.3, "last_fall")
    diverged = chapter.lr_outcome(0.3, "diverged_at")
    assert falls >= 2 and last_fall < 20 and 0 < last_fall < diverged < chapter.LR_STEPS
    curve = chapter.lr_curve(0.3)
    losses = [r["loss"] for r in curve]
    assert all(b >= a for a, b in zip(losses[last_fall:], losses[last_fall + 1:]))
    assert not math.isfinite(losses[-1]) and all(math.isfinite(v) for v in losses[:-1])


def test_high_learning_rates_rise_from_the_first_step():
    """"At η = 1 and η = 10 it rises from the first step and overflows at steps ..."."""
    for lr in (1.0, 10.0):
        diverged = chapter.lr_outcome(lr, "diverged_at")
        assert 0 < diverged < chapter.LR_STEPS
        assert chapter.lr_outcome(lr, "rises") == diverged
    assert chapter.lr_outcome(10.0, "diverged_at") < chapter.lr_outcome(1.0, "diverged_at")


def test_demo_says_so_at_ten_times_and_at_the_overflow():
    """"The demo says so at the step where the loss first reaches ten times its start, and again
    at the step where it stops being a finite number"; "At 0.3 the run ends with the divergence
    message at step [diverged_at]"."""
    frames = train(lr="0.3", steps=str(chapter.LR_STEPS))
    curve = chapter.lr_curve(0.3)
    tenfold = next(r["step"] for r in curve if r["loss"] > 10 * curve[0]["loss"])
    assert [f["step"] for f in frames if "note" in f] == [tenfold]
    assert frames[-1]["outcome"] == "diverged"
    assert frames[-1]["step"] == chapter.lr_outcome(0.3, "diverged_at")


def test_minibatch_curve_is_noisy_at_equal_steps():
    """"The full-batch loss falls on every step, while with B = 1 it rises on [rises] of the 400
    steps on average"; "the loss rose on nearly half the steps"; final training losses."""
    assert chapter.batch_summary(64, "rises", "steps", "max") == 0
    rises = chapter.batch_summary(1, "rises", "steps")
    assert 0.35 * chapter.BATCH_STEPS < rises < 0.5 * chapter.BATCH_STEPS
    assert chapter.batch_summary(64, "loss", "steps") < chapter.batch_summary(1, "loss", "steps")


def test_a_one_example_step_costs_64_times_less():
    """"Equal steps is not a fair race: a step with B = 1 costs 64 times less"; "B = 1, which has
    seen only 400 examples"."""
    assert chapter.step_cost(64) == 64 * chapter.step_cost(1) == 192
    last = list(chapter.training_run(0.1, 1, chapter.BATCH_STEPS, 0))[-1]
    assert last["forward_passes"] == chapter.BATCH_STEPS


def test_full_batch_ends_lowest_at_equal_compute():
    """"At equal compute ... B = 1 gets [25,600] steps. Even so, on this task the full batch
    ends lowest" (mean training loss in the order 64 < 16 < 4 < 1)."""
    assert chapter.batch_summary(1, "steps", "compute", "min") == 64 * chapter.BATCH_STEPS
    means = [chapter.batch_summary(b, "loss", "compute") for b in (64, 16, 4, 1)]
    assert means == sorted(means)


def test_seed_spread_grows_with_random_batches():
    """"With the full batch ... varies by [spread]. With B = 1 ... the spread is [spread]"."""
    full = chapter.batch_summary(64, "loss", "steps", "spread")
    single = chapter.batch_summary(1, "loss", "steps", "spread")
    assert 0 < full < single / 10


@pytest.mark.parametrize("budget", ["steps", "compute"])
def test_smaller_batches_give_higher_test_loss_here(budget):
    """"The smaller the batch, the higher the test loss, at equal steps as at equal compute"."""
    means = [chapter.batch_summary(b, "test_loss", budget) for b in (64, 16, 4, 1)]
    assert means == sorted(means)


def batches(method, **args):
    return demo_client.run("gradient-descent-batches", method, args, max_frames=1000)[1]


def test_try_it_batch_size_one_jumps_where_full_batch_is_smooth():
    """"the demo below starts at a batch size of 1. Press Train: the mini-batch training loss
    jumps up and down where the full-batch curve (dashed) is smooth"."""
    def rises(frames):
        return sum(b["loss"] > a["loss"] for a, b in zip(frames, frames[1:]))
    frames = batches("train")  # the demo's defaults
    assert frames[-1]["step"] == chapter.BATCH_STEPS and "batches of 1" in frames[-1]["message"]
    assert rises(frames[0]["full"]) == 0
    assert rises(frames) > 50
    assert rises(train(batch_size="64")) == 0


def test_try_it_equal_compute_batch_one_takes_more_steps_and_ends_above():
    """"Switch the budget to equal compute and train again: with B = 1 the run takes [25,600]
    steps and still ends above the full batch"."""
    frames = batches("train", budget="compute")
    last, full = frames[-1], frames[0]["full"][-1]
    assert last["step"] == chapter.batch_summary(1, "steps", "compute", "min") == 64 * 400
    assert last["compute"] == full["compute"] == chapter.equal_compute()
    assert last["loss"] > full["loss"]


@pytest.mark.parametrize("budget", ["steps", "compute"])
def test_run_all_seeds_shows_the_numbers_of_the_chart(budget):
    """"Run all 5 seeds shows the end of every seed's two runs, training and test loss, the
    numbers the chart above is made of"."""
    frames = batches("seeds", batch_size="16", budget=budget)
    results = {(r["batch_size"], r["seed"]): r for r in chapter.batch_results(budget)}
    assert [f["seed"] for f in frames] == list(chapter.SEEDS)
    for f in frames:
        for name, b in (("mini", 16), ("full", 64)):
            assert f[name]["loss"] == results[b, f["seed"]]["loss"]
            assert f[name]["test_loss"] == results[b, f["seed"]]["test_loss"]


def test_one_gradient_step_lowers_the_loss_of_the_example():
    """"Press Take one gradient step ...: at the default η = 0.1 the loss of the example falls
    from [loss] to [table_step_loss]"; the step is θ − η ∂L/∂θ by finite differences too."""
    before = chapter.table_value("forward", "loss")
    after = chapter.table_step_loss(0.1)
    assert after < before
    theta = np.array(chapter.TABLE_THETA)
    np.testing.assert_allclose(chapter.table_step(0.1),
                               theta - 0.1 * chapter.table_numerical_gradient(), atol=1e-9)
    out = demo_client.call("gradient-descent-backprop", "step", {"lr": "0.1"})["result"]
    assert out["loss_after"] == after and out["loss_before"] == before


@pytest.mark.parametrize("demo, method, args, arg", [
    ("gradient-descent", "check", {"lr": "0"}, "learning rate"),
    ("gradient-descent", "check", {"lr": "-1"}, "learning rate"),
    ("gradient-descent-batches", "check", {"batch_size": "0"}, "batch size"),
    ("gradient-descent-batches", "check", {"batch_size": "65"}, "batch size"),
])
def test_refused_settings_are_refused_beside_their_field(demo, method, args, arg):
    """"A learning rate of 0 or below is refused beside its field"; "A batch size of 0, or more
    than the 64 training examples, is refused beside its field"."""
    out = demo_client.call(demo, method, args)
    assert not out["ok"] and out["error"]["arg"] == arg


def test_an_epoch_shows_each_example_once_in_a_fresh_order():
    """"The examples are shuffled (put in a fresh random order) at the start of each epoch and
    cut into batches, so with B = 4 an epoch takes [16] steps and each example is seen once per
    epoch" (the batches `train.run` draws, with the generator the chapter gives it)."""
    from explainer_core import train as train_lib

    steps = chapter.step_cost(4, "steps_per_epoch")
    assert steps == 16
    batches = train_lib.minibatches(chapter.N_TRAIN, 4, np.random.default_rng(1))
    epochs = [np.concatenate([next(batches) for _ in range(steps)]) for _ in range(3)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(chapter.N_TRAIN))
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[1], epochs[2])
    # and a 4-batch run of one epoch spends exactly one pass over the data
    last = list(chapter.training_run(0.1, 4, steps, 0))[-1]
    assert last["epoch"] == 1.0 and last["forward_passes"] == chapter.N_TRAIN
