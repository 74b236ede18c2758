"""1-n-1 networks on a population (explainer_core.shallow) against `nets`, finite differences and
separate runs of the optimizer."""

import numpy as np
import pytest

from explainer_core import nets, optim, shallow, train

ACTIVATIONS = ["tanh", "relu", "sigmoid", "sin"]
X = np.linspace(-3, 3, 37) + 0.011  # no sample exactly on a ReLU kink at the tested knobs
Y = np.cos(1.3 * X) + 0.2 * X


def population(rng, P, n, scale=1.0):
    return rng.normal(size=(P, 3 * n + 1)) * scale


@pytest.mark.parametrize("n", [1, 2, 7, 64])
def test_param_count_is_nets_count_for_1_n_1(n):
    assert shallow.param_count(n) == nets.param_count([1, n, 1]) == 3 * n + 1
    assert shallow.width_of(np.zeros(3 * n + 1)) == n


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_and_pieces_match_nets(activation):
    rng = np.random.default_rng(1)
    thetas = population(rng, 4, 5)
    out = shallow.forward(thetas, X, activation)
    for p in range(4):
        reference = nets.forward(thetas[p], [1, 5, 1], X[:, None], activation)[:, 0]
        assert np.allclose(out[p], reference, rtol=1e-13, atol=1e-13)
    pieces = shallow.pieces(thetas, X, activation)  # (P, N, n)
    w, b, v, c = shallow.split(thetas)
    assert np.allclose(pieces.sum(axis=-1) + c[:, None], out, rtol=1e-13, atol=1e-13)
    # one neuron's piece written out: v f(w x + b)
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sin": np.sin,
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    assert np.allclose(pieces[2, :, 3], v[2, 3] * f(w[2, 3] * X + b[2, 3]), rtol=1e-12, atol=1e-14)
    # one network (D,) gives one curve (N,)
    assert np.array_equal(shallow.forward(thetas[1], X, activation), out[1])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mse_and_gradient_match_backprop_and_finite_differences(activation):
    rng = np.random.default_rng(2)
    thetas = population(rng, 3, 4)
    losses, grads = shallow.mse_and_grad(thetas, X, Y, activation)
    for p in range(3):
        value, grad = nets.loss_and_grad(thetas[p], [1, 4, 1], X[:, None], Y[:, None], "mse", activation)
        assert losses[p] == pytest.approx(value, rel=1e-13)
        assert np.allclose(grads[p], grad, rtol=1e-11, atol=1e-13)
    # central differences of the loss, parameter by parameter
    h = 1e-6
    theta = thetas[0]
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = h
        up = shallow.mse_and_grad(theta + step, X, Y, activation)[0][0]
        down = shallow.mse_and_grad(theta - step, X, Y, activation)[0][0]
        assert grads[0, k] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7)


def test_large_populations_go_through_in_blocks_with_the_same_answer():
    rng = np.random.default_rng(3)
    thetas = population(rng, 9, 64)  # 9 x 37 x 64 numbers: several blocks of BLOCK
    assert 9 * X.size * 64 > shallow.BLOCK
    losses, grads = shallow.mse_and_grad(thetas, X, Y, "tanh")
    for p in range(9):
        one, grad = shallow.mse_and_grad(thetas[p:p + 1], X, Y, "tanh")
        assert losses[p] == one[0] and np.array_equal(grads[p], grad[0])


@pytest.mark.parametrize("make", [lambda: optim.adam(0.03), lambda: optim.sgd(0.05, momentum=0.9)])
def test_fit_is_p_separate_runs_of_the_optimizer(make):
    rng = np.random.default_rng(4)
    thetas = population(rng, 3, 6, 0.7)
    steps = 40
    for step, current, losses in shallow.fit(thetas, X, Y, "tanh", make()):
        if step == steps:
            break
    for p in range(3):
        task = train.network_task([1, 6, 1], X[:, None], Y[:, None], activation="tanh")
        *_, last = train.run(task, make(), thetas[p], steps=steps, record_every=steps, theta_dims=10**6)
        assert np.allclose(current[p], last["theta"], rtol=1e-10, atol=1e-12)
        assert losses[p] == pytest.approx(last["loss"], rel=1e-10)


def test_fit_starts_with_the_loss_of_the_start_and_leaves_it_alone():
    rng = np.random.default_rng(5)
    thetas = population(rng, 2, 3)
    before = thetas.copy()
    run = shallow.fit(thetas, X, Y, "relu")
    step, current, losses = next(run)
    assert step == 0 and np.array_equal(current, before)
    assert np.array_equal(losses, shallow.mse_and_grad(before, X, Y, "relu")[0])
    step, current, _ = next(run)
    assert step == 1 and not np.array_equal(current, before)
    assert np.array_equal(thetas, before)  # the caller's array is not modified


def test_bad_arguments_are_named():
    with pytest.raises(ValueError) as error:
        shallow.forward(np.zeros(5), X)  # 5 is not 3n + 1
    assert error.value.arg == "theta"
    with pytest.raises(ValueError) as error:
        shallow.mse_and_grad(np.zeros(4), X, Y[:-1])
    assert error.value.arg == "y"
    with pytest.raises(ValueError) as error:
        next(shallow.fit(np.zeros(4), X, Y, "tanh", optim.normalized_gd(0.1)))
    assert error.value.arg == "optimizer"
    with pytest.raises(ValueError) as error:
        shallow.param_count(0)
    assert error.value.arg == "width"
    with pytest.raises(ValueError) as error:
        shallow.forward(np.zeros(4), X, "swish")
    assert error.value.arg == "activation"
