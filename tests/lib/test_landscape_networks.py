"""Landscape tools on real networks: filter normalisation, slices, saddles, sharpness, barriers."""

import numpy as np
import pytest

from explainer_core import landscape, losses, nets

SIZES = (3, 5, 4, 2)


def sine_data(n=16, half_width=2.0):
    x = np.linspace(-half_width, half_width, n)[:, None]
    return x, np.sin(2.0 * x)


def gradient_descent(loss_and_grad, theta, lr, steps):
    theta = theta.copy()
    for _ in range(steps):
        _, g = loss_and_grad(theta)
        theta -= lr * g
    return theta


# ------------------------------------------------------------------ filter normalisation


def test_layer_index_matches_unravel():
    theta = np.random.default_rng(0).standard_normal(nets.param_count(SIZES))
    for (W_idx, b_idx), (W, b) in zip(landscape.layer_index(SIZES), nets.unravel(theta, SIZES)):
        np.testing.assert_array_equal(theta[W_idx], W)
        np.testing.assert_array_equal(theta[b_idx], b)


@pytest.mark.parametrize("sizes", [SIZES, (1, 1), (2, 30, 1), (4, 3, 3, 3, 5)])
def test_filter_normalized_direction_matches_each_neurons_norm_and_zeroes_biases(sizes):
    rng = np.random.default_rng(1)
    theta = nets.init_params(sizes, rng, "he") + 0.1 * rng.standard_normal(nets.param_count(sizes))
    d = landscape.filter_normalized_direction(theta, sizes, rng)
    assert d.shape == theta.shape
    for (W_d, b_d), (W_t, _) in zip(nets.unravel(d, sizes), nets.unravel(theta, sizes)):
        # a neuron's incoming weights are a column of W (n_in, n_out)
        np.testing.assert_allclose(
            np.linalg.norm(W_d, axis=0), np.linalg.norm(W_t, axis=0), rtol=1e-12, atol=1e-12
        )
        assert np.all(b_d == 0.0)


def test_filter_normalized_direction_is_seeded_and_random():
    theta = nets.init_params(SIZES, np.random.default_rng(2))
    d1 = landscape.filter_normalized_direction(theta, SIZES, np.random.default_rng(3))
    d2 = landscape.filter_normalized_direction(theta, SIZES, np.random.default_rng(3))
    d3 = landscape.filter_normalized_direction(theta, SIZES, np.random.default_rng(4))
    np.testing.assert_array_equal(d1, d2)
    assert not np.allclose(d1, d3)


def test_a_dead_neuron_gets_a_zero_direction():
    theta = nets.init_params(SIZES, np.random.default_rng(5))
    W, _ = nets.unravel(theta, SIZES)[1]
    W[:, 2] = 0.0
    d = landscape.filter_normalized_direction(theta, SIZES, np.random.default_rng(6))
    assert np.all(nets.unravel(d, SIZES)[1][0][:, 2] == 0.0)


def test_filter_normalized_direction_rejects_a_theta_of_the_wrong_size():
    D = nets.param_count(SIZES)
    with pytest.raises(ValueError, match=f"need {D}"):
        landscape.filter_normalized_direction(np.zeros(D - 1), SIZES, np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        landscape.filter_normalized_direction(np.zeros(D), SIZES, 0)


def test_filter_normalised_slices_ignore_relu_rescaling_and_plain_ones_do_not():
    # Li et al. 2018, section 4: scaling a ReLU layer's weights and biases by a and the next
    # layer's weights by 1/a computes the same function; its filter-normalised slice is the same
    # too, while a slice along a fixed, unnormalised direction changes.
    sizes = (2, 8, 1)
    rng = np.random.default_rng(7)
    X = rng.standard_normal((30, 2))
    y = np.sin(X[:, :1]) + X[:, 1:] ** 2
    theta = nets.init_params(sizes, rng, "he") + 0.05 * rng.standard_normal(nets.param_count(sizes))
    scaled = theta.copy()
    (W1, b1), (W2, _) = nets.unravel(scaled, sizes)
    W1 *= 10.0
    b1 *= 10.0
    W2 /= 10.0
    loss = landscape.network_loss(sizes, X, y, activation="relu")
    assert loss(scaled[None])[0] == pytest.approx(loss(theta[None])[0], rel=1e-12)

    def fn_slice(t):
        d1 = landscape.filter_normalized_direction(t, sizes, np.random.default_rng(8))
        d2 = landscape.filter_normalized_direction(t, sizes, np.random.default_rng(9))
        return landscape.slice_2d(loss, t, d1, d2, n=9).loss

    np.testing.assert_allclose(fn_slice(scaled), fn_slice(theta), rtol=1e-10)

    plain = landscape.random_direction(theta.size, np.random.default_rng(10))
    alphas = np.linspace(-0.5, 0.5, 11)
    a = landscape.slice_1d(loss, theta, plain, alphas)
    b = landscape.slice_1d(loss, scaled, plain, alphas)
    assert np.max(np.abs(a - b)) > 1e-3


# ------------------------------------------------------------------ population loss


def test_network_loss_matches_one_network_at_a_time():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((25, 3))
    y = rng.standard_normal((25, 2))
    thetas = rng.standard_normal((13, nets.param_count(SIZES)))
    loss = landscape.network_loss(SIZES, X, y, activation="tanh")
    expected = [np.mean((nets.forward(t, SIZES, X) - y) ** 2) for t in thetas]
    np.testing.assert_allclose(loss(thetas), expected, rtol=1e-12)
    # a budget of one network at a time gives the same numbers
    tiny = landscape.network_loss(SIZES, X, y, activation="tanh", memory_budget=1)
    np.testing.assert_allclose(tiny(thetas), loss(thetas), rtol=1e-13)


def test_network_loss_with_class_labels():
    rng = np.random.default_rng(12)
    X = rng.standard_normal((20, 3))
    labels = rng.integers(0, 2, 20)
    thetas = rng.standard_normal((4, nets.param_count(SIZES)))
    loss = landscape.network_loss(SIZES, X, labels, loss="softmax_cross_entropy")
    expected = [
        losses.softmax_cross_entropy(nets.forward(t, SIZES, X)[None], labels)[0] for t in thetas
    ]
    np.testing.assert_allclose(loss(thetas), expected, rtol=1e-12)


def test_network_loss_rejects_bad_names_and_shapes():
    X, y = sine_data()
    with pytest.raises(ValueError, match="loss"):
        landscape.network_loss((1, 4, 1), X, y, loss="hinge")
    with pytest.raises(ValueError, match="activation"):
        landscape.network_loss((1, 4, 1), X, y, activation="swishy")
    loss = landscape.network_loss((1, 4, 1), X, y)
    with pytest.raises(ValueError, match=r"\(P, 13\)"):
        loss(np.zeros((2, 12)))


# ------------------------------------------------------------------ curvature of networks


def test_network_hessian_matches_second_differences_of_the_loss():
    # independent of the gradient: H_ij from four loss values each
    sizes = (1, 3, 1)
    X, y = sine_data(12)
    theta = nets.init_params(sizes, np.random.default_rng(13), "xavier")
    grad = lambda t: landscape.network_loss_and_grad(sizes, X, y)(t)[1]
    H = landscape.hessian(grad, theta)
    loss = landscape.network_loss(sizes, X, y)
    h, D = 1e-4, theta.size
    E = np.eye(D) * h
    corners = np.array(
        [[theta + si * E[i] + sj * E[j] for i in range(D) for j in range(D)]
         for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
    )
    v = loss(corners.reshape(-1, D)).reshape(4, D, D)
    fd = (v[0] - v[1] - v[2] + v[3]) / (4 * h * h)
    np.testing.assert_allclose(H, fd, atol=2e-5)


def test_a_tanh_network_has_a_saddle_at_zero_with_the_hand_derived_spectrum():
    # f(x) = w2 tanh(w1 x + b1) + b2 on data symmetric in x with odd targets: at theta = 0 the
    # gradient vanishes and, for L = mean((f - y)^2), the Hessian has the block
    # [[0, -2c], [-2c, 0]] in (w1, w2) with c = mean(x y), d2L/db2^2 = 2, and zeros elsewhere:
    # eigenvalues (-2|c|, 0, 2|c|, 2).
    sizes = (1, 1, 1)
    X, y = sine_data(21)
    lg = landscape.network_loss_and_grad(sizes, X, y)
    zero = np.zeros(4)
    np.testing.assert_allclose(lg(zero)[1], 0.0, atol=1e-15)
    c = abs(np.mean(X * y))
    eig = np.linalg.eigvalsh(landscape.hessian(lambda t: lg(t)[1], zero))
    np.testing.assert_allclose(eig, [-2 * c, 0.0, 2 * c, 2.0], atol=1e-8)


def test_training_from_near_the_saddle_leaves_negative_curvature_behind():
    sizes = (1, 1, 1)
    X, y = sine_data(21, half_width=1.0)
    lg = landscape.network_loss_and_grad(sizes, X, y)
    theta = 1e-4 * np.random.default_rng(14).standard_normal(4)
    path = [theta]
    for _ in range(6):
        path.append(gradient_descent(lg, path[-1], 0.1, 100))
    spectra = landscape.hessian_spectra(lambda t: lg(t)[1], np.array(path))
    c = abs(np.mean(X * y))
    assert spectra[0, 0] == pytest.approx(-2 * c, rel=1e-3)  # starts at the saddle
    assert spectra[-1, 0] > -1e-6  # ends where every direction curves up (or is flat)
    assert lg(path[-1])[0] < 0.1 * lg(path[0])[0]


def test_direction_profile_curvature_is_the_hessian_quadratic_form():
    sizes = (1, 6, 1)
    X, y = sine_data()
    theta = nets.init_params(sizes, np.random.default_rng(15), "xavier")
    lg = landscape.network_loss_and_grad(sizes, X, y)
    H = landscape.hessian(lambda t: lg(t)[1], theta)
    rng = np.random.default_rng(16)
    dirs = np.stack([landscape.filter_normalized_direction(theta, sizes, rng) for _ in range(3)])
    h = 1e-3
    prof = landscape.direction_profiles(
        landscape.network_loss(sizes, X, y), theta, dirs, np.array([-h, 0.0, h])
    )
    second = (prof[:, 0] - 2 * prof[:, 1] + prof[:, 2]) / h**2
    np.testing.assert_allclose(second, np.einsum("ki,ij,kj->k", dirs, H, dirs), rtol=1e-4)


def test_a_larger_learning_rate_ends_in_a_flatter_minimum():
    # Linear stability of gradient descent: it can only settle where the sharpness
    # lambda_max <= 2 / lr (Wu, Ma & E 2018; Cohen et al. 2021, "edge of stability").
    sizes = (1, 6, 1)
    X, y = sine_data()
    lg = landscape.network_loss_and_grad(sizes, X, y)
    start = nets.init_params(sizes, np.random.default_rng(3), "xavier")
    sharpness = {}
    for lr in (0.05, 0.3):
        theta = gradient_descent(lg, start, lr, 5000)
        assert lg(theta)[0] < 0.01
        sharpness[lr] = np.linalg.eigvalsh(landscape.hessian(lambda t: lg(t)[1], theta))[-1]
    assert sharpness[0.3] <= (2 / 0.3) * 1.01
    assert sharpness[0.05] > 2 * sharpness[0.3]


# ------------------------------------------------------------------ PCA of a training path


def test_pca_of_a_training_path():
    sizes = (1, 6, 1)
    X, y = sine_data()
    lg = landscape.network_loss_and_grad(sizes, X, y)
    path = [nets.init_params(sizes, np.random.default_rng(17), "xavier")]
    for _ in range(30):
        path.append(gradient_descent(lg, path[-1], 0.05, 20))
    path = np.array(path)
    d1, d2, explained = landscape.pca_directions(path)
    coords = landscape.project_path(path, path[-1], d1, d2)
    np.testing.assert_allclose(coords[-1], 0.0, atol=1e-14)
    # the captured share equals the projected squared distance over the total
    M = path - path[-1]
    np.testing.assert_allclose(explained.sum(), np.sum(coords**2) / np.sum(M**2), rtol=1e-10)
    assert 0.5 < explained.sum() <= 1.0


# ------------------------------------------------------------------ mode connectivity


def test_two_trained_networks_have_a_linear_barrier_that_a_bezier_curve_avoids():
    sizes = (1, 8, 1)
    X, y = sine_data(40)
    lg = landscape.network_loss_and_grad(sizes, X, y)
    loss = landscape.network_loss(sizes, X, y)
    solutions = []
    for seed in (1, 2):
        theta = nets.init_params(sizes, np.random.default_rng(seed), "xavier")
        solutions.append(_adam(lg, theta, steps=2000))
    a, b = solutions
    ts = np.linspace(0.0, 1.0, 41)
    straight = landscape.interpolation_losses(loss, a, b, ts)
    assert straight[0] == pytest.approx(lg(a)[0], rel=1e-12)
    assert straight[-1] == pytest.approx(lg(b)[0], rel=1e-12)
    fit = landscape.fit_bezier(lg, a, b, np.random.default_rng(0), steps=800, learning_rate=0.02)
    curved = landscape.interpolation_losses(loss, a, b, ts, theta_mid=fit.theta_mid)
    assert curved[0] == straight[0] and curved[-1] == pytest.approx(straight[-1], rel=1e-12)
    linear_barrier = landscape.barrier_height(ts, straight)
    curved_barrier = landscape.barrier_height(ts, curved)
    assert linear_barrier > 0.1
    assert curved_barrier < 0.25 * linear_barrier


def _adam(lg, theta, steps, lr=0.02):
    # an independent, plain Adam (Kingma & Ba 2015) to produce two trained endpoints
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for k in range(1, steps + 1):
        _, g = lg(theta)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        theta = theta - lr * (m / (1 - 0.9**k)) / (np.sqrt(v / (1 - 0.999**k)) + 1e-8)
    return theta


def test_loss_grid_of_a_two_parameter_model_matches_its_closed_form():
    # y_hat = w x + b (layer sizes (1, 1), identity): L(w, b) = mean((w x + b - y)^2), a
    # quadratic in (w, b) expanded by hand from the data's moments
    rng = np.random.default_rng(18)
    x = rng.uniform(-1, 1, (30, 1))
    y = 0.7 * x - 0.2 + 0.1 * rng.standard_normal((30, 1))
    loss = landscape.network_loss((1, 1), x, y, activation="identity")
    grid = landscape.loss_grid(loss, (-2, 2), (-1, 1), n=(13, 9))
    W, B = np.meshgrid(grid.x, grid.y)
    mx, my, mxx, mxy, myy = (np.mean(v) for v in (x, y, x * x, x * y, y * y))
    expected = W**2 * mxx + B**2 + myy + 2 * W * B * mx - 2 * W * mxy - 2 * B * my
    np.testing.assert_allclose(grid.loss, expected, rtol=1e-12, atol=1e-12)
