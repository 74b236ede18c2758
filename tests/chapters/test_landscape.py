"""The two-parameter model: values by hand, gradients by central differences, the landscape grid."""

import math

import numpy as np
import pytest

from explainer_core.chapters import landscape as toy

SMOOTH = ["tanh", "sin", "relu", "sigmoid", "gaussian"]
LOSSES = ["mse", "mae"]


def central_difference(f, params, h=1e-6):
    """dL/d(a, b) by (L(θ + h e_i) - L(θ - h e_i)) / 2h, for each row of params."""
    out = np.zeros_like(params)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        out[:, i] = (f(params + e) - f(params - e)) / (2 * h)
    return out


def test_loss_by_hand_tanh_mse():
    a, b = 0.7, -0.2
    x = np.array([-1.5, 0.0, 1.5])
    expected = sum((math.tanh(a * xi + b) - math.sin(xi)) ** 2 for xi in x) / 3
    assert toy.loss([[a, b]])[0] == pytest.approx(expected, rel=1e-14)


def test_loss_by_hand_sin_mae():
    a, b = 1.3, 0.4
    expected = sum(abs(math.sin(a * xi + b) - math.sin(xi)) for xi in (-1.5, 0.0, 1.5)) / 3
    assert toy.loss([[a, b]], activation="sin", loss="mae")[0] == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("activation", SMOOTH)
@pytest.mark.parametrize("loss", LOSSES)
def test_gradient_matches_central_differences(activation, loss):
    rng = np.random.default_rng(7)
    params = rng.uniform(-3, 3, size=(20, 2))
    analytic = toy.grad(params, activation=activation, loss=loss)
    numeric = central_difference(lambda p: toy.loss(p, activation=activation, loss=loss), params)
    # Relative error per component; below 1e-3 the difference quotient's own round-off
    # (~1e-16 / h = 1e-10) dominates, so the scale is floored there.
    scale = np.maximum(np.abs(numeric), 1e-3)
    assert np.max(np.abs(analytic - numeric) / scale) < 1e-6


@pytest.mark.parametrize("loss", LOSSES)
def test_binary_step_gradient_is_exactly_zero_yet_loss_changes(loss):
    params = np.array([[1.0, 0.5], [-2.0, 0.1], [3.0, -4.0]])
    assert np.all(toy.grad(params, activation="binary_step", loss=loss) == 0.0)
    # ...although the loss is not constant: moving b across the jump changes it.
    values = toy.loss([[1.0, -0.5], [1.0, 0.5]], activation="binary_step", loss=loss)
    assert values[0] != values[1]


def test_grid_matches_pointwise_loss_and_orientation():
    grid = toy.loss_grid("tanh", "mse", n=9)
    i, j = 2, 7
    assert grid.loss[i, j] == toy.loss([[grid.a[j], grid.b[i]]])[0]
    assert grid.loss.shape == (9, 9)
    assert grid.a[0] == -5 and grid.a[-1] == 5


def test_global_minimum_tanh_mse_is_the_exact_fit():
    # tanh(a x + b) = sin(x) at x = ±1.5 and 0 is solved exactly by b = 0, a = atanh(sin 1.5)/1.5.
    a, b, value = toy.global_minimum("tanh", "mse")
    assert a == pytest.approx(math.atanh(math.sin(1.5)) / 1.5, abs=1e-6)
    assert b == pytest.approx(0.0, abs=1e-6)
    assert value < 1e-12


def test_global_minimum_is_no_higher_than_any_grid_point():
    for activation in ["sin", "relu", "binary_step", "gaussian"]:
        grid = toy.loss_grid(activation, "mae", n=150)
        assert toy.global_minimum(activation, "mae")[2] <= grid.loss.min() + 1e-15


def test_gradient_step_lowers_loss_for_small_learning_rate():
    params = np.array([[0.5, 1.0]])
    before = toy.loss(params)[0]
    after = toy.loss(toy.gradient_step(params, 0.1))[0]
    assert after < before


def test_local_search_never_goes_up_and_is_repeatable():
    params = np.array([[-3.0, 2.0]])
    value = toy.loss(params)[0]
    for t in range(30):
        params, new, _ = toy.local_search_step(params, np.random.default_rng([1, t]))
        assert new <= value
        value = new
    again = np.array([[-3.0, 2.0]])
    for t in range(30):
        again, _, _ = toy.local_search_step(again, np.random.default_rng([1, t]))
    assert np.array_equal(params, again)
    assert value < 0.5 * toy.loss([[-3.0, 2.0]])[0]


@pytest.mark.parametrize(
    "call",
    [
        lambda: toy.loss([[1.0, 2.0, 3.0]]),
        lambda: toy.loss([[1.0, float("nan")]]),
        lambda: toy.loss([[1.0, 2.0]], activation="swish"),
        lambda: toy.loss([[1.0, 2.0]], loss="huber"),
        lambda: toy.gradient_step([[1.0, 2.0]], -1),
        lambda: toy.local_search_step([[1.0, 2.0]], np.random.default_rng(0), neighbours=0),
    ],
)
def test_bad_input_is_a_value_error(call):
    with pytest.raises((ValueError, TypeError)):
        call()
