"""Landscape grids, slices, PCA of a path and projections, against closed forms."""

import numpy as np
import pytest

from explainer_core import landscape


def quadratic(A):
    """Population loss L(theta) = 1/2 theta^T A theta for rows of (P, D)."""
    return lambda thetas: 0.5 * np.einsum("pi,ij,pj->p", thetas, A, thetas)


def tilted(points):
    # asymmetric in x and y, so a transposed grid would be caught
    return points[:, 0] + 10.0 * points[:, 1] ** 2


# ------------------------------------------------------------------ loss_grid


def test_loss_grid_matches_pointwise_evaluation_and_orientation():
    grid = landscape.loss_grid(tilted, (-2.0, 1.0), (0.0, 3.0), n=(7, 5))
    assert grid.x.shape == (7,) and grid.y.shape == (5,) and grid.loss.shape == (5, 7)
    assert grid.x[0] == -2.0 and grid.x[-1] == 1.0 and grid.y[-1] == 3.0
    for j, yv in enumerate(grid.y):
        for i, xv in enumerate(grid.x):
            assert grid.loss[j, i] == pytest.approx(xv + 10.0 * yv**2, abs=1e-12)


def test_loss_grid_calls_the_loss_once_on_all_points():
    calls = []

    def loss(points):
        calls.append(points.shape)
        return tilted(points)

    landscape.loss_grid(loss, (-1, 1), (-1, 1), n=41)
    assert calls == [(41 * 41, 2)]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(x_range=(1.0, -1.0)), "low < high"),
        (dict(x_range=(0.0,)), "pair"),
        (dict(y_range=(0.0, float("nan"))), "finite"),
        (dict(n=1), "number of points"),
        (dict(n=10**6), "number of points"),
    ],
)
def test_loss_grid_rejects_bad_arguments(kwargs, message):
    args = dict(x_range=(-1.0, 1.0), y_range=(-1.0, 1.0), n=5) | kwargs
    with pytest.raises(ValueError, match=message):
        landscape.loss_grid(tilted, **args)


def test_loss_grid_rejects_a_loss_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(P,\) losses"):
        landscape.loss_grid(lambda p: p, (-1, 1), (-1, 1), n=3)


# ------------------------------------------------------------------ slices


def test_slice_2d_of_a_quadratic_matches_its_closed_form():
    rng = np.random.default_rng(0)
    D = 6
    B = rng.standard_normal((D, D))
    A = B @ B.T
    theta, d1, d2 = rng.standard_normal((3, D))
    grid = landscape.slice_2d(quadratic(A), theta, d1, d2, (-2, 2), (-1, 3), n=(9, 11))
    X, Y = np.meshgrid(grid.x, grid.y)
    P = theta + X[..., None] * d1 + Y[..., None] * d2  # (ny, nx, D)
    expected = 0.5 * np.einsum("abi,ij,abj->ab", P, A, P)
    np.testing.assert_allclose(grid.loss, expected, rtol=1e-12, atol=1e-12)


def test_slice_2d_does_not_depend_on_the_chunk_size():
    rng = np.random.default_rng(1)
    A = np.diag(rng.uniform(0.5, 3.0, 5))
    theta, d1, d2 = rng.standard_normal((3, 5))
    whole = landscape.slice_2d(quadratic(A), theta, d1, d2, n=13)
    sizes = []

    def recording(thetas):
        sizes.append(thetas.shape[0])
        return quadratic(A)(thetas)

    chunked = landscape.slice_2d(recording, theta, d1, d2, n=13, chunk_rows=7)
    np.testing.assert_array_equal(whole.loss, chunked.loss)
    assert max(sizes) == 7 and sum(sizes) == 13 * 13


def test_slice_2d_centre_is_the_loss_at_theta():
    A = np.diag([1.0, 4.0, 9.0])
    theta = np.array([0.3, -0.2, 0.1])
    grid = landscape.slice_2d(quadratic(A), theta, np.eye(3)[0], np.eye(3)[1], n=21)
    assert grid.loss[10, 10] == pytest.approx(0.5 * theta @ A @ theta, rel=1e-14)


def test_slice_1d_of_a_quadratic_is_a_parabola():
    A = np.diag([2.0, 0.5])
    theta = np.array([1.0, -1.0])
    d = np.array([0.6, 0.8])
    alphas = np.linspace(-3, 3, 25)
    got = landscape.slice_1d(quadratic(A), theta, d, alphas, chunk_rows=4)
    expected = 0.5 * theta @ A @ theta + alphas * (d @ A @ theta) + 0.5 * alphas**2 * (d @ A @ d)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-13)


def test_slices_reject_a_direction_of_the_wrong_size():
    with pytest.raises(ValueError, match="d2 must have 3 entries"):
        landscape.slice_2d(quadratic(np.eye(3)), np.zeros(3), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="NaN"):
        landscape.slice_1d(quadratic(np.eye(2)), np.zeros(2), [np.nan, 1.0], [0.0, 1.0])


def test_evaluate_points_matches_one_call():
    rng = np.random.default_rng(2)
    A = np.eye(4) * 3.0
    thetas = rng.standard_normal((50, 4))
    np.testing.assert_array_equal(
        landscape.evaluate_points(quadratic(A), thetas, chunk_rows=8), quadratic(A)(thetas)
    )


# ------------------------------------------------------------------ directions and PCA


def test_random_direction_is_a_seeded_unit_vector():
    d = landscape.random_direction(100, np.random.default_rng(3))
    assert np.linalg.norm(d) == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_array_equal(d, landscape.random_direction(100, np.random.default_rng(3)))
    with pytest.raises(TypeError, match="Generator"):
        landscape.random_direction(3, 42)


def _random_walk(rng, T=40, D=30):
    return np.cumsum(rng.standard_normal((T, D)) * np.linspace(2.0, 0.1, D), axis=0)


def test_pca_directions_are_orthonormal_and_variance_at_most_one():
    path = _random_walk(np.random.default_rng(4))
    d1, d2, explained = landscape.pca_directions(path)
    G = np.stack([d1, d2]) @ np.stack([d1, d2]).T
    np.testing.assert_allclose(G, np.eye(2), atol=1e-12)
    assert explained.shape == (2,)
    assert np.all(explained >= 0) and explained.sum() <= 1.0 + 1e-12
    assert explained[0] >= explained[1]


def test_pca_explained_variance_matches_the_gram_matrix_eigenvalues():
    # independent route: eigenvalues of the (T, T) Gram matrix M M^T equal the squared
    # singular values of M
    path = _random_walk(np.random.default_rng(5), T=12, D=50)
    M = path - path[-1]
    eig = np.sort(np.linalg.eigvalsh(M @ M.T))[::-1]
    _, _, explained = landscape.pca_directions(path)
    np.testing.assert_allclose(explained, eig[:2] / eig.sum(), rtol=1e-9)


def test_pca_direction_maximises_the_captured_squared_distance():
    path = _random_walk(np.random.default_rng(6), T=20, D=8)
    M = path - path[-1]
    d1, _, _ = landscape.pca_directions(path)
    best = np.sum((M @ d1) ** 2)
    for d in np.random.default_rng(7).standard_normal((200, 8)):
        assert np.sum((M @ (d / np.linalg.norm(d))) ** 2) <= best * (1 + 1e-12)


def test_a_straight_path_projects_onto_a_line():
    rng = np.random.default_rng(8)
    start, end = rng.standard_normal((2, 25))
    ts = np.linspace(0.0, 1.0, 30) ** 2  # uneven steps, still on one line
    path = start + ts[:, None] * (end - start)
    d1, d2, explained = landscape.pca_directions(path)
    coords = landscape.project_path(path, path[-1], d1, d2)
    assert explained[0] == pytest.approx(1.0, abs=1e-12)
    assert explained[1] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(coords[:, 1], 0.0, atol=1e-12)
    np.testing.assert_allclose(
        np.abs(coords[:, 0]), (1 - ts) * np.linalg.norm(end - start), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(coords[-1], 0.0, atol=1e-15)


def test_a_planar_path_is_reconstructed_from_its_coordinates():
    rng = np.random.default_rng(9)
    D = 40
    u, v = np.linalg.qr(rng.standard_normal((D, 2)))[0].T
    a, b = np.cos(np.linspace(0, 5, 33)) * 3, np.sin(np.linspace(0, 5, 33))
    end = rng.standard_normal(D)
    path = end + (a - a[-1])[:, None] * u + (b - b[-1])[:, None] * v
    d1, d2, explained = landscape.pca_directions(path)
    coords = landscape.project_path(path, path[-1], d1, d2)
    assert explained.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(path[-1] + coords @ np.stack([d1, d2]), path, atol=1e-12)


def test_pca_direction_signs_are_fixed():
    path = _random_walk(np.random.default_rng(10))
    for d in landscape.pca_directions(path)[:2]:
        assert d[np.argmax(np.abs(d))] > 0
    # negating the path around its end changes nothing
    flipped = 2 * path[-1] - path
    for d, e in zip(landscape.pca_directions(path)[:2], landscape.pca_directions(flipped)[:2]):
        np.testing.assert_allclose(d, e, atol=1e-12)


def test_project_path_recovers_coefficients_for_non_orthogonal_directions():
    rng = np.random.default_rng(11)
    d1, d2, origin = rng.standard_normal((3, 15))
    coeffs = rng.standard_normal((9, 2))
    path = origin + coeffs[:, :1] * d1 + coeffs[:, 1:] * d2
    np.testing.assert_allclose(landscape.project_path(path, origin, d1, d2), coeffs, atol=1e-12)


def test_pca_rejects_too_short_paths():
    with pytest.raises(ValueError, match="at least 2 points"):
        landscape.pca_directions(np.zeros((1, 5)))
    with pytest.raises(ValueError, match="2 dimension"):
        landscape.pca_directions(np.zeros(5))
