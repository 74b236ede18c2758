"""Networks on a flat theta: layout, initialisation, forward passes and backprop vs references."""

import math

import numpy as np
import pytest

from explainer_core import activations, losses, nets

ALL_ACTIVATIONS = sorted(activations.ACTIVATIONS)
SMOOTH = ["identity", "tanh", "sigmoid", "gelu", "sin", "gaussian", "softplus"]
KINKED = ["relu", "leaky_relu", "abs"]  # derivative jumps at 0: check away from it


def central(f, x, delta=1e-6):
    return (f(x + delta) - f(x - delta)) / (2 * delta)


# ---- activations ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SMOOTH + KINKED)
def test_activation_derivative_matches_central_differences(name):
    act = activations.get(name)
    z = np.linspace(-4, 4, 161) + 0.013  # never exactly at a kink
    numeric = central(act.f, z)
    analytic = act.df(z)
    assert np.max(np.abs(analytic - numeric)) <= 1e-6 * max(1.0, np.max(np.abs(numeric)))
    # the cheap form used by backprop, from z and a = f(z), agrees with df
    assert np.allclose(activations.derivative(act, z, act.f(z)), analytic, rtol=1e-12, atol=1e-15)


def test_binary_step_has_true_zero_gradient():
    act = activations.get("binary_step")
    z = np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])
    assert act.f(z).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert np.all(act.df(z) == 0.0)


def test_erf_matches_math_erf():
    x = np.concatenate(
        [
            np.linspace(-7, 7, 20001),
            [0.0, -0.0, 0.46875, -0.46875, 4.0, -4.0, 1e-300, 30.0, -30.0, np.inf, -np.inf],
        ]
    )
    expected = np.array([math.erf(v) for v in x])
    assert np.max(np.abs(activations.erf(x) - expected)) <= 1e-15
    assert np.isnan(activations.erf(np.array([np.nan]))[0])


def test_tanh_and_its_derivative_match_math():
    z = np.concatenate([np.linspace(-25, 25, 2001), [0.0, 0.01, -0.01, 800.0, -800.0]])
    tanh = activations.get("tanh")
    expected = np.array([math.tanh(v) for v in z])
    assert np.max(np.abs(tanh.f(z) - expected)) <= 2.3e-16
    assert np.allclose(tanh.df(z), 1 - expected**2, rtol=0, atol=1e-15)
    assert np.allclose(activations.derivative(tanh, z, tanh.f(z)), 1 - expected**2, atol=1e-15)


def test_gelu_is_x_times_normal_cdf():
    z = np.linspace(-6, 6, 241)
    expected = np.array([v * 0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in z])
    assert np.allclose(activations.get("gelu").f(z), expected, rtol=0, atol=1e-15)


def test_leaky_relu_softplus_abs_values():
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    assert activations.get("leaky_relu").f(z).tolist() == [-0.02, -0.005, 0.5, 2.0]
    assert np.allclose(activations.get("softplus").f(z), [math.log1p(math.exp(v)) for v in z])
    assert activations.get("abs").f(z).tolist() == [2.0, 0.5, 0.5, 2.0]
    # softplus does not overflow where exp would
    assert activations.get("softplus").f(np.array([1000.0]))[0] == 1000.0


def test_unknown_activation_lists_allowed_names():
    with pytest.raises(ValueError, match="activation.*allowed: .*tanh"):
        activations.get("swish")


# ---- layout -----------------------------------------------------------------------------------


def test_param_count_and_unravel_layout():
    sizes = [3, 4, 2]
    assert nets.param_count(sizes) == 3 * 4 + 4 + 4 * 2 + 2
    theta = np.arange(nets.param_count(sizes), dtype=float)
    (W1, b1), (W2, b2) = nets.unravel(theta, sizes)
    assert W1.shape == (3, 4) and b1.shape == (4,) and W2.shape == (4, 2) and b2.shape == (2,)
    assert W1[0].tolist() == [0, 1, 2, 3] and W1[2, 3] == 11
    assert b1.tolist() == [12, 13, 14, 15]
    assert W2[0].tolist() == [16, 17] and b2.tolist() == [24, 25]
    W1[0, 0] = -5.0  # views, not copies
    assert theta[0] == -5.0
    assert np.array_equal(nets.ravel(nets.unravel(theta, sizes)), theta)


def test_unravel_population_matches_each_row():
    sizes = [2, 3, 1]
    thetas = np.random.default_rng(0).standard_normal((4, nets.param_count(sizes)))
    layers = nets.unravel_population(thetas, sizes)
    for p in range(4):
        for (Wp, bp), (W, b) in zip(layers, nets.unravel(thetas[p], sizes)):
            assert np.array_equal(Wp[p], W) and np.array_equal(bp[p], b)


@pytest.mark.parametrize(
    "scheme, std",
    [
        ("he", math.sqrt(2 / 200)),
        ("lecun", math.sqrt(1 / 200)),
        ("xavier", math.sqrt(2 / (200 + 300))),
        ("normal", 1.0),
        ("nnfs", 0.01),
    ],
)
def test_initialisation_scales(scheme, std):
    sizes = [200, 300]
    theta = nets.init_params(sizes, np.random.default_rng(1), scheme)
    ((W, b),) = nets.unravel(theta, sizes)
    assert np.all(b == 0)
    # 60,000 draws: the sample standard deviation is within 2% of the target
    assert abs(W.std() / std - 1) < 0.02
    if scheme == "xavier":
        assert np.max(np.abs(W)) <= math.sqrt(6 / 500)


def test_initialisation_is_seeded_by_the_generator_only():
    a = nets.init_params([2, 8, 1], np.random.default_rng(5))
    b = nets.init_params([2, 8, 1], np.random.default_rng(5))
    c = nets.init_params([2, 8, 1], np.random.default_rng(6))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.all(nets.init_params([2, 8, 1], np.random.default_rng(5), "zeros") == 0)


# ---- forward ----------------------------------------------------------------------------------


def reference_forward(theta, sizes, x, f, f_out):
    """One example at a time, with explicit sums: the textbook neuron."""
    layers = nets.unravel(theta, sizes)
    a = list(x)
    for i, (W, b) in enumerate(layers):
        g = f_out if i == len(layers) - 1 else f
        a = [g(sum(a[j] * W[j, k] for j in range(len(a))) + b[k]) for k in range(W.shape[1])]
    return a


def test_forward_matches_explicit_neuron_sums():
    rng = np.random.default_rng(2)
    sizes = [3, 5, 4, 2]
    theta = rng.standard_normal(nets.param_count(sizes))
    X = rng.standard_normal((6, 3))
    out = nets.forward(theta, sizes, X, activation="tanh", output_activation="sigmoid")
    sigmoid = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    expected = [reference_forward(theta, sizes, x, math.tanh, sigmoid) for x in X]
    assert out.shape == (6, 2)
    assert np.allclose(out, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
def test_population_forward_equals_one_network_at_a_time(activation):
    rng = np.random.default_rng(3)
    sizes = [2, 7, 3]
    thetas = rng.standard_normal((5, nets.param_count(sizes)))
    X = rng.standard_normal((11, 2))
    out = nets.forward_population(thetas, sizes, X, activation=activation)
    assert out.shape == (5, 11, 3)
    for p in range(5):
        assert np.allclose(
            out[p], nets.forward(thetas[p], sizes, X, activation=activation), rtol=1e-13, atol=1e-14
        )


def test_population_losses_in_one_call():
    rng = np.random.default_rng(4)
    sizes = [2, 6, 1]
    thetas = rng.standard_normal((8, nets.param_count(sizes)))
    X, y = rng.standard_normal((20, 2)), rng.standard_normal((20, 1))
    values = losses.mse(nets.forward_population(thetas, sizes, X), y)
    assert values.shape == (8,)
    for p in range(8):
        assert math.isclose(values[p], nets.loss_and_grad(thetas[p], sizes, X, y)[0], rel_tol=1e-12)


def test_one_dimensional_inputs_are_a_column():
    sizes = [1, 4, 1]
    theta = np.random.default_rng(0).standard_normal(nets.param_count(sizes))
    x = np.linspace(-1, 1, 9)
    assert np.array_equal(nets.forward(theta, sizes, x), nets.forward(theta, sizes, x[:, None]))


# ---- backprop ---------------------------------------------------------------------------------


def numerical_theta_gradient(theta, sizes, X, y, delta=1e-6, **kwargs):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = delta
        plus = nets.loss_and_grad(theta + e, sizes, X, y, **kwargs)[0]
        minus = nets.loss_and_grad(theta - e, sizes, X, y, **kwargs)[0]
        grad[i] = (plus - minus) / (2 * delta)
    return grad


def relative_error(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-8)


def _problem(loss, seed):
    rng = np.random.default_rng(seed)
    sizes = [3, 6, 5, 3]
    theta = rng.standard_normal(nets.param_count(sizes)) * 0.7  # nonzero biases: no exact kinks
    X = rng.standard_normal((9, 3))
    if loss == "softmax_cross_entropy":
        y = rng.integers(0, 3, 9)
    else:
        y = rng.standard_normal((9, 3))
    return sizes, theta, X, y


@pytest.mark.parametrize("loss", ["mse", "mae", "softmax_cross_entropy"])
@pytest.mark.parametrize("activation", SMOOTH + KINKED)
def test_backprop_matches_central_differences(loss, activation):
    sizes, theta, X, y = _problem(loss, seed=len(activation) + len(loss))
    kwargs = dict(
        loss=loss, activation=activation, output_activation="tanh" if loss == "mse" else "identity"
    )
    value, grad = nets.loss_and_grad(theta, sizes, X, y, **kwargs)
    assert grad.shape == theta.shape and np.isfinite(value)
    assert relative_error(grad, numerical_theta_gradient(theta, sizes, X, y, **kwargs)) < 1e-6


@pytest.mark.parametrize("output_activation", ["sigmoid", "softplus", "sin", "gaussian", "gelu"])
def test_backprop_through_output_activations(output_activation):
    sizes, theta, X, y = _problem("mse", seed=11)
    kwargs = dict(loss="mse", activation="tanh", output_activation=output_activation)
    grad = nets.loss_and_grad(theta, sizes, X, y, **kwargs)[1]
    assert relative_error(grad, numerical_theta_gradient(theta, sizes, X, y, **kwargs)) < 1e-6


def test_binary_step_network_gets_no_gradient_in_hidden_layers():
    sizes, theta, X, y = _problem("mse", seed=12)
    grad = nets.loss_and_grad(theta, sizes, X, y, activation="binary_step")[1]
    first, second = nets.unravel(grad, sizes)[:2]
    assert np.all(first[0] == 0) and np.all(first[1] == 0)
    assert np.all(second[0] == 0) and np.all(second[1] == 0)
    assert np.any(nets.unravel(grad, sizes)[2][0] != 0)  # the output layer still learns


def test_backprop_on_a_single_linear_neuron_by_hand():
    # y_hat = w x + b, L = mean (y_hat - y)^2: dL/dw = 2 mean((y_hat - y) x), dL/db = 2 mean(y_hat - y)
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 0.0, 2.0])
    w, b = 0.5, -1.0
    r = w * x + b - y
    value, grad = nets.loss_and_grad(np.array([w, b]), [1, 1], x, y, activation="identity")
    assert math.isclose(value, np.mean(r**2))
    assert np.allclose(grad, [2 * np.mean(r * x), 2 * np.mean(r)])


# ---- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: nets.forward(np.zeros(5), [2, 1], np.zeros((3, 2))), "theta must have length 3"),
        (
            lambda: nets.forward(np.zeros(3), [2, 1], np.zeros((3, 4))),
            r"X must have shape \(N, 2\)",
        ),
        (lambda: nets.forward(np.zeros(3), [2, 1], [[np.nan, 1.0]]), "X contains NaN"),
        (
            lambda: nets.forward(np.zeros(3), [2, 1], np.zeros((3, 2)), activation="swish"),
            "allowed: identity",
        ),
        (
            lambda: nets.forward(
                np.zeros(3), [2, 1], np.zeros((3, 2)), output_activation="softmax"
            ),
            "output_activation",
        ),
        (lambda: nets.param_count([2]), "layer_sizes"),
        (lambda: nets.param_count([2, 0, 1]), r"layer_sizes\[1\]"),
        (lambda: nets.forward_population(np.zeros(3), [2, 1], np.zeros((3, 2))), "thetas"),
        (lambda: nets.init_params([2, 1], np.random.default_rng(0), "glorot"), "scheme"),
        (
            lambda: nets.loss_and_grad(
                np.zeros(3), [2, 1], np.zeros((3, 2)), [0, 1, 1], loss="hinge"
            ),
            "loss",
        ),
        (lambda: nets.loss_and_grad(np.zeros(3), [2, 1], np.zeros((3, 2)), [0, 1]), "y must have"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError, match="rng"):
        nets.init_params([2, 1], 42)
    with pytest.raises(TypeError, match="X"):
        nets.forward(np.zeros(3), [2, 1], [["a", "b"]])
    with pytest.raises(TypeError, match="layer_sizes"):
        nets.param_count("2-1")


@pytest.mark.parametrize(
    "sizes, activation, output, loss",
    [((2, 8, 8, 1), "tanh", "identity", "mse"), ((3, 5, 4), "relu", "identity",
      "softmax_cross_entropy"), ((1, 6, 1), "sigmoid", "tanh", "mae"), ((2, 3), "gelu", "sin", "mse")],
)
def test_the_fast_path_equals_the_readable_backward_pass(sizes, activation, output, loss):
    from explainer_core import fastpath, losses as losses_lib

    rng = np.random.default_rng(3)
    theta = nets.init_params(sizes, rng, "xavier")
    X = rng.standard_normal((17, sizes[0]))
    y = rng.integers(0, sizes[-1], 17) if loss == "softmax_cross_entropy" else rng.standard_normal((17, sizes[-1]))
    loss_fn = losses_lib.get(loss)
    y = loss_fn.check_targets(y, 17, sizes[-1])
    hidden, out = activations.get(activation), activations.get(output)
    layers = nets.unravel(theta, sizes)
    pre, post = nets._forward_keeping(layers, X, hidden, out)
    _, dL_da = loss_fn.value_and_grad(post[-1], y)
    readable = nets.ravel(nets.backward(layers, pre, post, dL_da, hidden, out))
    fast = np.zeros_like(theta)  # unravel checks its argument: uninitialised memory may hold NaN
    fastpath.backward(layers, pre, post, dL_da.copy(), hidden, out, nets.unravel(fast, sizes))
    assert np.allclose(fast, readable, rtol=1e-12, atol=1e-15)
    assert np.any(readable != 0)
