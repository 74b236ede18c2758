"""Every outcome docs/images.md states, run with the settings the page uses.

Each test quotes its sentence. The numbers come from `explainer_core.chapters.images` through
`[[value: images.NAME ...]]`; the tests call the same functions and check what the sentence says,
and where they can, recompute the number independently (a plain loop written here, PyTorch's
documented Adam update, the cost formula).
"""

import math

import numpy as np
import pytest

from explainer_core import images, nets, train
from explainer_core.chapters import images as chapter
from tests.demos import _demo_client as demo_client

SEEDS = range(chapter.SEEDS)


def test_the_network_has_the_parameters_the_page_counts():
    # "two hidden layers of 32 tanh units, which makes 1,185 parameters"
    assert chapter.WIDTH == 32 and chapter.DEPTH == 2 and chapter.ACTIVATION == "tanh"
    assert chapter.parameters() == (2 * 32 + 32) + (32 * 32 + 32) + (32 + 1)


def test_the_steps_each_method_gets_are_the_budget_over_its_cost():
    # "evolution gets 100 rounds, Adam 666 steps and SGD 10,666 steps"
    n = chapter.SIZE ** 2
    costs = {"evolution": chapter.CHILDREN, "adam": 3.0, "sgd": 3.0 * chapter.BATCH / n}
    assert train.compute(n, n) == 3 * n  # a backward pass counts as two forward passes
    for method, cost in costs.items():
        assert chapter.steps_taken(method) == math.floor(chapter.BUDGET / cost + 1e-9)


def test_adam_ends_lowest_then_sgd_then_evolution_on_both_pictures_for_every_seed():
    # "The order is the same on both pictures for each of the three seeds the chart shows: Adam
    # lowest, then SGD, then evolution."
    for picture in chapter.PICTURES:
        for seed in SEEDS:
            ends = {m: chapter.final_loss(m, picture, seed) for m in chapter.METHODS}
            assert ends["adam"] < ends["sgd"] < ends["evolution"], (picture, seed, ends)
            assert all(v < chapter.start_loss(picture, seed) for v in ends.values())


def test_the_final_losses_are_the_mse_of_the_final_networks_recomputed_here():
    # the numbers of "What equal compute buys", recomputed from the networks with a plain numpy MSE
    runners = chapter.racers("smiley")
    for method, r in runners.items():
        r.advance(chapter.BUDGET)
        out = nets.forward(r.theta, r.p.sizes, r.p.X, "tanh")
        target = images.smiley(chapter.SIZE).reshape(-1, 1)
        mse = float(np.mean((out - target) ** 2))
        assert mse == pytest.approx(chapter.final_loss(method, "smiley"), rel=1e-9)


def test_adam_is_pytorchs_update_written_out():
    # Adam's steps follow torch.optim.Adam's documented update (here written out by hand)
    r = chapter.racers("smiley")["adam"]
    p = r.p
    theta, m, v = p.theta.copy(), 0.0, 0.0
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, chapter.ADAM_LR
    for t in range(1, 6):
        _, g = nets.loss_and_grad(theta, p.sizes, p.X, p.y, "mse", "tanh")
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1 ** t)) / (np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps)
    r.advance(15)  # 5 steps of 3 image passes
    assert r.step == 5
    np.testing.assert_allclose(r.theta, theta, rtol=1e-10, atol=1e-13)


def test_evolution_ends_several_times_adams_loss():
    # "evolution ends with 5.3 times Adam's loss on the smiley and 2.9 times on the photo"
    for picture in chapter.PICTURES:
        ratio = chapter.ratio("evolution", "adam", picture)
        assert ratio == chapter.final_loss("evolution", picture) / chapter.final_loss("adam", picture)
        assert ratio > 2


def test_evolution_slows_down_in_the_second_half():
    # "In the first half of its budget evolution's loss on the smiley falls by 0.530; in the
    # second half by only 0.045."
    first, second = chapter.halves("evolution", "smiley", 1), chapter.halves("evolution", "smiley", 2)
    assert 0 < second < first / 5
    # recomputed: the loss at half the budget from a racer stopped there
    r = chapter.racers("smiley")["evolution"]
    r.advance(chapter.BUDGET / 2)
    assert chapter.start_loss("smiley") - r.loss() == pytest.approx(first, rel=1e-12)


def test_evolution_improvements_are_counted_rounds():
    # "Of its 100 rounds, 69 found a child better than its parent."
    kept = chapter.evolution_improvements("smiley")
    assert 0 < kept < chapter.steps_taken("evolution")
    r = chapter.racers("smiley")["evolution"]
    losses = [r.loss()]
    while r.compute + r.cost <= chapter.BUDGET:
        r.one_step()
        losses.append(r.loss())
    assert sum(b < a for a, b in zip(losses, losses[1:])) == kept


def test_rms_grey_is_the_square_root_of_the_loss_in_grey_levels():
    # "91 grey levels out of 255 for evolution and 40 for Adam"
    for method in ("evolution", "adam"):
        assert chapter.rms_grey(method) == pytest.approx(
            255 * math.sqrt(chapter.final_loss(method)), rel=1e-12)
    assert chapter.rms_grey("evolution") > chapter.rms_grey("adam")


def test_sgd_at_learning_rate_50_diverges_in_the_first_few_dozen_steps_and_the_others_go_on():
    # "an SGD learning rate of 50: SGD diverges within the first few dozen steps, its panel says
    # why, and the other two race on"
    out, frames = demo_client.run("images", "race", {"sgd_lr": "50", "budget": "200"},
                                  max_frames=100_000)
    assert out["ok"]
    noted = [f for f in frames if "notes" in f]
    assert noted and all(set(f["notes"]) == {"sgd"} for f in noted)  # the panel's words, SGD's only
    assert "diverged at step" in noted[-1]["notes"]["sgd"]
    end = frames[-1]["methods"]
    assert end["sgd"]["loss"] is None and 1 <= end["sgd"]["diverged"] <= 60
    for other in ("evolution", "adam"):
        assert end[other]["diverged"] is None and end[other]["loss"] < frames[0]["methods"][other]["loss"]
    assert frames[-1]["outcome"] == "diverged"


def test_evolution_ends_higher_with_a_mutation_scale_ten_times_smaller_or_larger():
    # "a mutation scale of 0.002 or 0.2 instead of 0.02: on the smiley evolution then ends at a
    # loss of 0.218 or 0.178 instead of 0.128"
    assert chapter.evolution_with(0.02) == chapter.final_loss("evolution", "smiley")
    assert chapter.evolution_with(0.002) > chapter.evolution_with(0.02)
    assert chapter.evolution_with(0.2) > chapter.evolution_with(0.02)
