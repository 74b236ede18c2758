"""Chapter "The loss landscape": the neuron f(a·x + b) as a task of the library.

References: values by hand with `math`, gradients by central differences and by the chain rule
written out for two parameters, the lowest point of tanh in closed form.
"""

import math

import numpy as np
import pytest

from explainer_core import optim, search, train
from explainer_core.chapters import landscape as chapter

SMOOTH = ["tanh", "sin", "relu", "sigmoid", "gaussian"]
LOSSES = ["mse", "mae"]
DERIVATIVES = {
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "sin": np.cos,
    "relu": lambda z: (z > 0).astype(float),
    "sigmoid": lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    "gaussian": lambda z: -2 * z * np.exp(-z * z),
}


def loss(params, activation="tanh", loss="mse"):
    return chapter.neuron_task(activation, loss).population_loss(np.atleast_2d(params))


def grad(theta, activation="tanh", loss="mse"):
    return chapter.neuron_task(activation, loss).loss_and_grad(np.asarray(theta, float), None)[1]


def central_difference(f, theta, h=1e-6):
    """dL/d(a, b) by (L(θ + h e_i) - L(θ - h e_i)) / 2h."""
    return np.array([(f(theta + h * e) - f(theta - h * e))[0] / (2 * h) for e in np.eye(2)])


def test_the_neuron_is_a_two_parameter_network():
    task = chapter.neuron_task()
    assert task.dimension == 2 and task.n_examples == 3 and not task.classification


def test_loss_by_hand_tanh_mse():
    a, b = 0.7, -0.2
    expected = sum((math.tanh(a * xi + b) - math.sin(xi)) ** 2 for xi in (-1.5, 0.0, 1.5)) / 3
    assert loss([a, b])[0] == pytest.approx(expected, rel=1e-14)


def test_loss_by_hand_sin_mae():
    a, b = 1.3, 0.4
    expected = sum(abs(math.sin(a * xi + b) - math.sin(xi)) for xi in (-1.5, 0.0, 1.5)) / 3
    assert loss([a, b], "sin", "mae")[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("activation", SMOOTH)
@pytest.mark.parametrize("loss_name", LOSSES)
def test_gradient_matches_central_differences_and_the_chain_rule(activation, loss_name):
    rng = np.random.default_rng(7)
    x, y = chapter.DATA_X, chapter.DATA_Y
    for theta in rng.uniform(-3, 3, size=(20, 2)):
        analytic = grad(theta, activation, loss_name)
        numeric = central_difference(lambda p: loss(p, activation, loss_name), theta)
        # Relative error per component; below 1e-3 the difference quotient's own round-off
        # (~1e-16 / h = 1e-10) dominates, so the scale is floored there.
        scale = np.maximum(np.abs(numeric), 1e-3)
        assert np.max(np.abs(analytic - numeric) / scale) < 1e-6
        # dL/da = sum dL/dy_hat f'(z) x, dL/db = sum dL/dy_hat f'(z), z = a x + b
        z = theta[0] * x + theta[1]
        f = {"tanh": np.tanh, "sin": np.sin, "relu": lambda v: np.maximum(v, 0),
             "sigmoid": lambda v: 1 / (1 + np.exp(-v)), "gaussian": lambda v: np.exp(-v * v)}
        r = f[activation](z) - y
        dl = 2 * r / 3 if loss_name == "mse" else np.sign(r) / 3
        delta = dl * DERIVATIVES[activation](z)
        assert np.allclose(analytic, [delta @ x, delta.sum()], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss_name", LOSSES)
def test_binary_step_gradient_is_exactly_zero_yet_loss_changes(loss_name):
    for theta in ([1.0, 0.5], [-2.0, 0.1], [3.0, -4.0]):
        assert np.all(grad(theta, "binary_step", loss_name) == 0.0)
    # ...although the loss is not constant: moving b across the jump changes it.
    values = loss([[1.0, -0.5], [1.0, 0.5]], "binary_step", loss_name)
    assert values[0] != values[1]


def test_predict_is_f_of_a_x_plus_b():
    out = chapter.predict([[0.5, -1.0], [2.0, 0.25]], [-1.0, 3.0], "sin")
    assert out == pytest.approx(np.sin([[-1.5, 0.5], [-1.75, 6.25]]), rel=1e-15)


def test_grid_matches_pointwise_loss_and_orientation():
    grid = chapter.loss_grid("tanh", "mse", n=9)
    j, i = 2, 7  # loss[j, i] is at (a = x[i], b = y[j])
    assert grid.loss[j, i] == loss([grid.x[i], grid.y[j]])[0]
    assert grid.loss.shape == (9, 9)
    assert grid.x[0] == -5 and grid.x[-1] == 5 and grid.y[0] == -5 and grid.y[-1] == 5


def test_global_minimum_tanh_mse_is_the_exact_fit():
    # tanh(a x + b) = sin(x) at x = ±1.5 and 0 is solved exactly by b = 0, a = atanh(sin 1.5)/1.5.
    a, b, value = chapter.global_minimum("tanh", "mse")
    assert a == pytest.approx(math.atanh(math.sin(1.5)) / 1.5, abs=1e-6)
    assert b == pytest.approx(0.0, abs=1e-6)
    assert value < 1e-12


def test_global_minimum_is_no_higher_than_any_grid_point():
    for activation in ["sin", "relu", "binary_step", "gaussian"]:
        grid = chapter.loss_grid(activation, "mae", n=150)
        assert chapter.global_minimum(activation, "mae")[2] <= grid.loss.min() + 1e-15


def test_a_gradient_step_is_theta_minus_lr_grad_and_lowers_the_loss():
    task, theta = chapter.neuron_task(), np.array([0.5, 1.0])
    first, second = train.run(task, optim.sgd(0.1), theta, steps=1, theta_dims=2)
    assert second["theta"] == pytest.approx(theta - 0.1 * grad(theta), rel=1e-15)
    assert second["loss"] < first["loss"]
    assert second["forward_passes"] == 3 and second["backward_passes"] == 3


def test_local_search_never_goes_up_and_is_repeatable():
    task, start = chapter.neuron_task(), np.array([-3.0, 2.0])

    def walk(seed):
        method = search.local_search(population=8, sigma=0.3, mutate="all")
        return list(train.run(task, method, start, steps=30, rng=np.random.default_rng(seed),
                              theta_dims=2))

    records = walk(1)
    values = [r["loss"] for r in records]
    assert all(b <= a for a, b in zip(values, values[1:]))
    assert records[-1]["theta"] != records[0]["theta"]
    assert values[-1] < 0.5 * values[0]
    assert [r["theta"] for r in walk(1)] == [r["theta"] for r in records]
    # 8 neighbours of 3 points per round, plus the starting point's 3
    assert records[-1]["forward_passes"] == 30 * 8 * 3 + 3


@pytest.mark.parametrize(
    "call",
    [
        lambda: loss([[1.0, 2.0, 3.0]]),
        lambda: loss([[1.0, float("nan")]]),
        lambda: chapter.neuron_task("swish"),
        lambda: chapter.neuron_task(loss="huber"),
        lambda: chapter.predict([1.0, 2.0], [0.0, float("inf")]),
        lambda: chapter.loss_grid(n=1),
    ],
)
def test_bad_input_is_a_value_error(call):
    with pytest.raises((ValueError, TypeError)):
        call()
