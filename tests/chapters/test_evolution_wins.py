"""A binary-step network: backprop's gradient is exactly zero, evolution still learns."""

import numpy as np
import pytest

from explainer_core.chapters import evolution_wins as nondifferentiable


@pytest.fixture(scope="module")
def records():
    return nondifferentiable.gradient_vs_evolution(seed=0, gd_steps=50, generations=300,
                                                   record_every=50)


def finite_difference_gradient(theta, h=1e-9):
    """Central differences of the network's loss, independent of backprop."""
    task, _ = nondifferentiable.xor_task(200, 8, np.random.default_rng(0))
    eye = np.eye(theta.size)
    up = task.population_loss(theta + h * eye, None)
    down = task.population_loss(theta - h * eye, None)
    return (up - down) / (2 * h)


def test_backprop_gradient_is_exactly_zero_and_descent_does_not_move(records):
    gd = [r for r in records if r["method"] == "sgd"]
    assert gd[0]["grad_norm"] == 0.0
    assert np.all(finite_difference_gradient(np.array(gd[0]["theta"])) == 0.0)
    assert all(r["theta"] == gd[0]["theta"] for r in gd)
    assert all(r["loss"] == gd[0]["loss"] for r in gd)
    assert gd[-1]["backward_passes"] == 50 * 200  # the compute was spent all the same


def test_the_loss_is_piecewise_constant_not_a_gradient_bug():
    # Independent of backprop: central finite differences of the loss with a step far below the
    # distance to any threshold are exactly zero too, while large moves change the loss.
    task, sizes = nondifferentiable.xor_task(200, 8, np.random.default_rng(1))
    theta = np.random.default_rng(2).standard_normal(task.dimension)
    eye = np.eye(task.dimension)
    up = task.population_loss(theta + 1e-9 * eye, None)
    down = task.population_loss(theta - 1e-9 * eye, None)
    assert np.array_equal(up, down)
    far = task.population_loss(theta + np.random.default_rng(3).standard_normal((50, theta.size)))
    assert np.ptp(far) > 0


def test_evolution_lowers_the_error(records):
    evo = [r for r in records if r["method"] == "local_search"]
    # The loss is the fraction of points misclassified (0/1 outputs and targets). Seeds 0-4
    # start at 0.32-0.64 and end at 0.06-0.095 after 300 generations of 20 children.
    assert evo[0]["loss"] == records[0]["loss"]
    assert evo[-1]["loss"] < 0.5 * evo[0]["loss"]
    assert evo[-1]["loss"] <= 0.2
    assert evo[-1]["theta"] != evo[0]["theta"]
    # still no gradient where it ends up, by finite differences as by backprop
    assert np.all(finite_difference_gradient(np.array(evo[-1]["theta"])) == 0.0)
    assert evo[-1]["grad_norm"] == 0.0
