"""Hessians, saddles, direction profiles and mode-connectivity paths, against closed forms."""

from typing import NamedTuple

import numpy as np
import pytest

from explainer_core import curvature, landscape


def rosenbrock(points):
    x, y = points[:, 0], points[:, 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(theta):
    x, y = theta
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def rosenbrock_hessian(x, y):
    # hand-derived: d2f/dx2 = 2 - 400 (y - x^2) + 800 x^2, d2f/dxdy = -400 x, d2f/dy2 = 200
    return np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])


# ------------------------------------------------------------------ Hessian


def test_hessian_of_the_saddle_has_eigenvalues_two_and_minus_two():
    for point in ([0.0, 0.0], [1.5, -0.7]):
        H = landscape.hessian(landscape.saddle_grad, np.array(point))
        np.testing.assert_allclose(H, np.diag([2.0, -2.0]), atol=1e-9)
        np.testing.assert_allclose(np.linalg.eigvalsh(H), [-2.0, 2.0], atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hessian_of_a_quadratic_form_is_its_matrix(seed):
    rng = np.random.default_rng(seed)
    D = 7
    B = rng.standard_normal((D, D))
    A = B + B.T  # symmetric, indefinite
    theta = rng.standard_normal(D) * 10
    H = landscape.hessian(lambda t: A @ t, theta)
    np.testing.assert_allclose(H, A, atol=1e-8)


def test_hessian_of_rosenbrock_matches_the_hand_derived_one():
    for x, y in [(-1.2, 1.0), (1.0, 1.0), (0.3, -0.4)]:
        H = landscape.hessian(rosenbrock_grad, np.array([x, y]))
        np.testing.assert_allclose(H, rosenbrock_hessian(x, y), rtol=1e-7, atol=1e-6)


def test_hessian_is_symmetric_even_when_the_difference_quotients_are_not():
    # a non-symmetric linear "gradient" is not a gradient; the symmetrised estimate is A's
    # symmetric part
    A = np.array([[1.0, 2.0], [0.0, 3.0]])
    H = landscape.hessian(lambda t: A @ t, np.zeros(2))
    np.testing.assert_allclose(H, 0.5 * (A + A.T), atol=1e-9)


def test_hessian_spectra_along_a_path():
    path = np.array([[-1.2, 1.0], [0.0, 0.0], [1.0, 1.0]])
    spectra = landscape.hessian_spectra(rosenbrock_grad, path)
    assert spectra.shape == (3, 2)
    for row, (x, y) in zip(spectra, path):
        np.testing.assert_allclose(row, np.linalg.eigvalsh(rosenbrock_hessian(x, y)), rtol=1e-6)
    np.testing.assert_allclose(
        landscape.hessian_spectra(landscape.saddle_grad,
                                  np.random.default_rng(0).normal(size=(5, 2))),
        np.tile([-2.0, 2.0], (5, 1)),
        atol=1e-9,
    )


def test_hessian_rejects_bad_input():
    with pytest.raises(ValueError, match="eps"):
        landscape.hessian(landscape.saddle_grad, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match=r"\(2,\) gradient"):
        landscape.hessian(lambda t: np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="limited to"):
        landscape.hessian(lambda t: t, np.zeros(curvature.MAX_HESSIAN_DIM + 1))


# ------------------------------------------------------------------ saddle


def test_saddle_surface_values():
    pts = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(landscape.saddle(pts), [1.0, -1.0, -5.0])
    g = landscape.saddle_grad(np.array([0.5, -2.0]))
    eps = 1e-6
    for i in range(2):
        e = np.eye(2)[i] * eps
        fd = (landscape.saddle((np.array([0.5, -2.0]) + e)[None])[0]
              - landscape.saddle((np.array([0.5, -2.0]) - e)[None])[0]) / (2 * eps)
        assert g[i] == pytest.approx(fd, rel=1e-8)


def test_gradient_descent_escapes_the_saddle_along_the_negative_curvature():
    # hand-derived: x_{k+1} = (1 - 2 lr) x_k, y_{k+1} = (1 + 2 lr) y_k
    lr, theta = 0.1, np.array([1.0, 1e-6])
    xs, ys = [theta[0]], [theta[1]]
    for _ in range(40):
        theta = theta - lr * landscape.saddle_grad(theta)
        xs.append(theta[0])
        ys.append(theta[1])
    k = np.arange(41)
    np.testing.assert_allclose(xs, 0.8**k, rtol=1e-12)
    np.testing.assert_allclose(ys, 1e-6 * 1.2**k, rtol=1e-12)


# ------------------------------------------------------------------ flat and sharp


def test_direction_profiles_of_a_quadratic_are_its_curvature_parabolas():
    rng = np.random.default_rng(12)
    A = np.diag([0.1, 0.1, 10.0])
    loss = lambda t: 0.5 * np.einsum("pi,ij,pj->p", t, A, t)
    theta = np.zeros(3)
    dirs = np.stack([landscape.random_direction(3, rng) for _ in range(4)])
    alphas = np.linspace(-1, 1, 11)
    profiles = landscape.direction_profiles(loss, theta, dirs, alphas, chunk_rows=5)
    assert profiles.shape == (4, 11)
    curv = np.einsum("ki,ij,kj->k", dirs, A, dirs)
    np.testing.assert_allclose(profiles, 0.5 * curv[:, None] * alphas[None] ** 2, atol=1e-14)


def test_sharp_minimum_rises_faster_than_flat_one():
    # two wells of the same depth, curvatures 50 and 0.5
    def loss(t):
        sharp = 25.0 * np.sum((t - 1.0) ** 2, axis=1)
        flat = 0.25 * np.sum((t + 1.0) ** 2, axis=1)
        return np.minimum(sharp, flat)

    rng = np.random.default_rng(13)
    dirs = np.stack([landscape.random_direction(2, rng) for _ in range(3)])
    alphas = np.linspace(-0.2, 0.2, 9)
    sharp = landscape.direction_profiles(loss, np.ones(2), dirs, alphas)
    flat = landscape.direction_profiles(loss, -np.ones(2), dirs, alphas)
    np.testing.assert_allclose(sharp, 25.0 * alphas[None] ** 2 * np.ones((3, 1)), atol=1e-13)
    np.testing.assert_allclose(flat, 0.25 * alphas[None] ** 2 * np.ones((3, 1)), atol=1e-13)


# ------------------------------------------------------------------ connectivity


def ring(points):
    """Minima on the unit circle: L = (|p|^2 - 1)^2."""
    return (np.sum(points**2, axis=1) - 1.0) ** 2


def ring_loss_and_grad(theta):
    r2 = theta @ theta
    return (r2 - 1.0) ** 2, 4.0 * (r2 - 1.0) * theta


class SGD(NamedTuple):
    lr: float

    def init(self, theta):
        return ()

    def step(self, theta, grad, state):
        return theta - self.lr * grad, state


def test_paths_start_and_end_at_the_solutions():
    rng = np.random.default_rng(14)
    a, mid, b = rng.standard_normal((3, 6))
    ts = np.linspace(0, 1, 7)
    for path in (landscape.linear_path(a, b, ts), landscape.bezier_path(a, mid, b, ts)):
        np.testing.assert_array_equal(path[0], a)
        np.testing.assert_allclose(path[-1], b, atol=1e-15)
    np.testing.assert_allclose(landscape.linear_path(a, b, [0.25])[0], 0.75 * a + 0.25 * b)
    np.testing.assert_allclose(
        landscape.bezier_path(a, mid, b, [0.5])[0], 0.25 * a + 0.5 * mid + 0.25 * b
    )
    # the Bezier curve with its middle point at the midpoint is the straight line
    np.testing.assert_allclose(
        landscape.bezier_path(a, (a + b) / 2, b, ts), landscape.linear_path(a, b, ts), atol=1e-15
    )


def test_interpolation_endpoints_equal_the_solutions_losses():
    a, b = np.array([-1.1, 0.2]), np.array([0.9, 0.1])
    ts = np.linspace(0, 1, 11)
    for mid in (None, np.array([0.0, 1.5])):
        losses = landscape.interpolation_losses(ring, a, b, ts, theta_mid=mid)
        assert losses[0] == ring(a[None])[0] and losses[-1] == ring(b[None])[0]


def test_linear_barrier_on_the_ring_is_one_and_a_bezier_detour_avoids_it():
    a, b = np.array([-1.0, 0.0]), np.array([1.0, 0.0])
    ts = np.linspace(0, 1, 101)
    straight = landscape.interpolation_losses(ring, a, b, ts)
    assert landscape.barrier_height(ts, straight) == pytest.approx(1.0, abs=1e-12)
    # phi(1/2) = (0, 1) on the circle when the middle point is (0, 2)
    curved = landscape.interpolation_losses(ring, a, b, ts, theta_mid=np.array([0.0, 2.0]))
    assert curved[50] == pytest.approx(0.0, abs=1e-12)
    assert landscape.barrier_height(ts, curved) < 0.2


def test_barrier_height_closed_forms():
    ts = np.linspace(0, 1, 5)
    assert landscape.barrier_height(ts, [1.0, 2.0, 3.0, 4.0, 5.0]) == 0.0
    assert landscape.barrier_height(ts, [0.0, 0.0, 3.0, 0.0, 2.0]) == pytest.approx(2.0)
    assert landscape.barrier_height(ts, [4.0, 1.0, 0.0, 1.0, 4.0]) == 0.0
    with pytest.raises(ValueError, match="from 0 to 1"):
        landscape.barrier_height([0.0, 0.5, 0.9], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        landscape.barrier_height([0.0, 1.0], [1.0])


def test_bezier_gradient_matches_finite_differences():
    rng = np.random.default_rng(15)
    a, mid, b = rng.standard_normal((3, 2))
    for t in (0.0, 0.3, 0.5, 0.9):
        loss, grad = landscape.bezier_loss_and_grad(ring_loss_and_grad, a, mid, b, t)
        point = landscape.bezier_path(a, mid, b, [t])
        assert loss == pytest.approx(ring(point)[0], rel=1e-14)
        h = 1e-6
        fd = [
            (ring(landscape.bezier_path(a, mid + h * e, b, [t]))[0]
             - ring(landscape.bezier_path(a, mid - h * e, b, [t]))[0]) / (2 * h)
            for e in np.eye(2)
        ]
        np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-9)


def test_fit_bezier_finds_a_low_path_around_the_ring():
    a, b = np.array([-1.0, 0.0]), np.array([1.0, 0.0])
    fit = landscape.fit_bezier(
        ring_loss_and_grad, a, b, np.random.default_rng(16),
        steps=400, optimizer=SGD(0.1), theta_mid=np.array([0.0, 0.1]),
    )
    ts = np.linspace(0, 1, 101)
    curved = landscape.interpolation_losses(ring, a, b, ts, theta_mid=fit.theta_mid)
    straight = landscape.interpolation_losses(ring, a, b, ts)
    assert landscape.barrier_height(ts, curved) < 0.1 * landscape.barrier_height(ts, straight)
    assert fit.losses.shape == (400,) and fit.ts.shape == (400,)
    assert fit.theta_mid[1] > 1.0  # it went round the top, where it was nudged


def test_fit_bezier_from_the_midpoint_of_a_symmetric_problem_stays_on_the_line():
    # the straight line is a critical path of the averaged loss: the gradient along it has no
    # component off the line, so training from the midpoint cannot leave it
    a, b = np.array([-1.0, 0.0]), np.array([1.0, 0.0])
    fit = landscape.fit_bezier(
        ring_loss_and_grad, a, b, np.random.default_rng(17), steps=50, optimizer=SGD(0.1)
    )
    assert fit.theta_mid[1] == 0.0
