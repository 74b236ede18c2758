"""Numerical derivatives (NNFS chapter 7 / P.9) and the cost of a numerical network gradient."""

import math

import numpy as np
import pytest

from explainer_core import nets, numdiff


def test_linear_function_has_slope_two_everywhere():
    x = np.array([-3.0, 0.0, 1.5, 10.0])
    assert np.allclose(numdiff.forward_difference(lambda v: 2 * v, x), 2.0, rtol=1e-10)
    assert np.allclose(numdiff.central_difference(lambda v: 2 * v, x), 2.0, rtol=1e-10)


def test_nnfs_printed_slope_of_2x_squared_at_1():
    # NNFS chapter 7 prints 4.0001999999987845 for f(x) = 2x^2, x1 = 1, x2 = 1 + 0.0001
    assert numdiff.forward_difference(lambda v: 2 * v**2, 1.0, 1e-4) == 4.0001999999987845


def test_forward_difference_of_2x_squared_is_4x_plus_2_delta():
    # (2 (x + d)^2 - 2 x^2) / d = 4 x + 2 d exactly: the O(delta) error, by hand
    x = np.linspace(-2, 2, 9)
    for delta in [1e-2, 1e-3]:
        assert np.allclose(
            numdiff.forward_difference(lambda v: 2 * v**2, x, delta), 4 * x + 2 * delta, atol=1e-9
        )
    # the central difference of a quadratic has no truncation error at all
    assert np.allclose(numdiff.central_difference(lambda v: 2 * v**2, x, 1e-2), 4 * x, atol=1e-10)


def test_error_orders_on_sin():
    x = 0.7
    errors_f = [abs(numdiff.forward_difference(np.sin, x, d) - math.cos(x)) for d in (1e-2, 1e-3)]
    errors_c = [abs(numdiff.central_difference(np.sin, x, d) - math.cos(x)) for d in (1e-2, 1e-3)]
    assert 8 < errors_f[0] / errors_f[1] < 12  # O(delta): 10x smaller delta, 10x smaller error
    assert 80 < errors_c[0] / errors_c[1] < 120  # O(delta^2)


def test_tangent_line_of_2x_squared():
    # through (x2, f(x2)) with the forward-difference slope, as NNFS draws it
    for x in [0.0, 1.0, 2.0, 3.0]:
        m, b = numdiff.tangent_line(lambda v: 2 * v**2, x, 1e-4)
        x2 = x + 1e-4
        assert math.isclose(m * x2 + b, 2 * x2**2, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(m, 4 * x, abs_tol=3e-4)
        # as delta shrinks, the line tends to the true tangent y = 4 x0 x - 2 x0^2
        assert math.isclose(b, -2 * x**2, abs_tol=1e-3)


def test_network_numerical_gradient_matches_backprop_and_counts_passes():
    rng = np.random.default_rng(0)
    sizes = [2, 5, 3]
    theta = rng.standard_normal(nets.param_count(sizes))
    X, c = rng.standard_normal((12, 2)), rng.integers(0, 3, 12)
    _, grad = nets.loss_and_grad(theta, sizes, X, c, loss="softmax_cross_entropy")
    D, N = theta.size, X.shape[0]
    for method, passes, tol in [("central", 2 * D * N, 1e-8), ("forward", (D + 1) * N, 1e-4)]:
        result = numdiff.network_numerical_gradient(
            theta, sizes, X, c, loss="softmax_cross_entropy", method=method, delta=1e-6
        )
        assert result.forward_passes == passes
        assert np.max(np.abs(result.grad - grad)) < tol * max(1.0, np.max(np.abs(grad)))
    assert numdiff.passes_backprop(N) == (N, N)


def test_numerical_gradient_evaluates_exactly_the_counted_rows():
    rows = []

    def loss_fn(thetas):
        rows.append(thetas.shape[0])
        return np.sum(thetas**2, axis=1)

    theta = np.arange(7.0)
    for method in ["forward", "central"]:
        rows.clear()
        grad = numdiff.numerical_gradient(loss_fn, theta, delta=1e-4, method=method, chunk=3)
        assert sum(rows) == numdiff.forward_passes_numerical(7, 1, method)
        assert np.allclose(grad, 2 * theta, atol=1e-3)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: numdiff.forward_difference(np.sin, 1.0, 0.0), "delta"),
        (lambda: numdiff.central_difference(np.sin, 1.0, -1e-3), "delta"),
        (lambda: numdiff.numerical_gradient(np.sum, np.zeros(2), method="backward"), "method"),
        (lambda: numdiff.forward_difference(np.sin, [np.nan]), "x contains NaN"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
