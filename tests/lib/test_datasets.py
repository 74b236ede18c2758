"""Data sets (nnfs algorithms), 1-D targets, benchmark surfaces and image targets."""

import math

import numpy as np
import pytest

from explainer_core import datasets, images


def test_spiral_data_follows_the_nnfs_algorithm():
    X, y = datasets.spiral_data(50, 3, np.random.default_rng(7))
    assert X.shape == (150, 2) and y.shape == (150,)
    assert y.tolist() == [0] * 50 + [1] * 50 + [2] * 50
    # the same draws, in nnfs's order: one N(0, 1) vector per class
    noise = np.random.default_rng(7).standard_normal((3, 50))
    for c in range(3):
        arm = X[50 * c : 50 * (c + 1)]
        r = np.hypot(arm[:, 0], arm[:, 1])
        assert np.allclose(r, np.linspace(0, 1, 50), atol=1e-15)
        # points are (r sin 2.5 t, r cos 2.5 t): recover t and the noise that was added to it
        t = np.linspace(4 * c, 4 * (c + 1), 50) + 0.2 * noise[c]
        assert np.allclose(arm[:, 0], r * np.sin(2.5 * t), atol=1e-15)
        assert np.allclose(arm[:, 1], r * np.cos(2.5 * t), atol=1e-15)


def test_spiral_with_a_legacy_random_state_replays_the_book():
    # nnfs.init() seeds numpy's global legacy generator with 0, then spiral_data calls randn
    X, _ = datasets.spiral_data(100, 3, np.random.RandomState(0))
    legacy = np.random.RandomState(0)
    t = np.linspace(0, 4, 100) + legacy.randn(100) * 0.2
    r = np.linspace(0, 1, 100)
    assert np.array_equal(X[:100], np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)])


def test_vertical_data():
    X, y = datasets.vertical_data(400, 3, np.random.default_rng(1))
    assert X.shape == (1200, 2) and set(y.tolist()) == {0, 1, 2}
    draws = np.random.default_rng(1).standard_normal((3, 2, 400))
    for c in range(3):
        rows = X[y == c]
        assert np.allclose(rows[:, 0], draws[c, 0] * 0.1 + c / 3, atol=1e-15)
        assert np.allclose(rows[:, 1], draws[c, 1] * 0.1 + 0.5, atol=1e-15)


def test_sine_data():
    X, y = datasets.sine_data(8)
    assert X.shape == (8, 1) and y.shape == (8, 1)
    assert X[:, 0].tolist() == [i / 8 for i in range(8)]
    assert np.allclose(y[:, 0], [math.sin(2 * math.pi * i / 8) for i in range(8)], atol=1e-15)


@pytest.mark.parametrize(
    "name, reference",
    [
        ("sin", math.sin),
        ("cos", math.cos),
        ("gaussian", lambda v: math.exp(-v * v)),
        ("tanh", math.tanh),
        ("square", lambda v: v * v),
        ("exp", math.exp),
        ("abs", abs),
        ("x^2", lambda v: v * v),
        ("sin(2*x) - 0.3*x^3", lambda v: math.sin(2 * v) - 0.3 * v**3),
    ],
)
def test_targets(name, reference):
    X, y = datasets.regression_data(name, 21, -2.0, 2.0)
    assert X.shape == (21, 1) and y.shape == (21, 1)
    assert np.allclose(y[:, 0], [reference(v) for v in X[:, 0]], rtol=1e-14, atol=1e-15)


def test_target_noise_uses_the_generator():
    a = datasets.regression_data("sin", 50, noise=0.1, rng=np.random.default_rng(3))[1]
    b = datasets.regression_data("sin", 50, noise=0.1, rng=np.random.default_rng(3))[1]
    clean = datasets.regression_data("sin", 50)[1]
    assert np.array_equal(a, b) and 0.05 < np.std(a - clean) < 0.15


def test_target_not_finite_on_the_interval():
    with pytest.raises(ValueError, match="not finite at x"):
        datasets.regression_data("log(x)", 11, -1.0, 1.0)
    with pytest.raises(ValueError, match="expression"):
        datasets.regression_data("open('f')")


@pytest.mark.parametrize("name", sorted(datasets.SURFACES))
def test_surfaces_minima_and_gradients(name):
    s = datasets.surface(name)
    minima = np.array(s.minima)
    assert np.allclose(s.f(minima), s.minimum, atol=1e-20)
    assert np.allclose(s.grad(minima), 0.0, atol=1e-12)
    # gradient against central differences at random points, many at once
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = s.bounds
    pts = np.c_[rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)]
    h = 1e-6
    numeric = np.stack([(s.f(pts + h * e) - s.f(pts - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
    assert np.allclose(s.grad(pts), numeric, rtol=1e-6, atol=1e-5)
    # on a grid, the minimum found is no lower than the known one
    gx, gy = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
    assert s.f(np.stack([gx, gy], axis=-1)).min() >= s.minimum - 1e-12


def test_surface_closed_forms():
    assert datasets.rosenbrock(np.array([0.0, 0.0])) == 1.0
    assert datasets.himmelblau(np.array([0.0, 0.0])) == 170.0
    assert math.isclose(datasets.rastrigin(np.array([0.5, 0.5])), 20 + 0.5 + 20)
    assert datasets.beale(np.array([0.0, 0.0])) == 1.5**2 + 2.25**2 + 2.625**2


def test_smiley_image():
    img = images.smiley(32)
    assert img.shape == (32, 32) and img.min() >= 0 and img.max() <= 1
    assert np.allclose(img, img[:, ::-1])  # left-right symmetric
    assert img[0, 0] == 0 and img[16, 16] == 1  # black corner, bright face between the eyes
    x, y = images.pixel_grid(32, 32)
    eye = np.hypot(x + 0.32, y - 0.28) < 0.1
    assert np.all(img[eye] == 0)


def test_photo_is_the_shipped_file_averaged():
    original = np.load(images.PHOTO_FILE)
    assert original.shape == (64, 64) and original.dtype == np.uint8
    assert np.allclose(images.photo(64), original / 255.0)
    small = images.photo(16)
    assert np.allclose(small, original.reshape(16, 4, 16, 4).mean(axis=(1, 3)) / 255.0)
    assert images.photo(5).shape == (5, 5)
    assert math.isclose(images.photo(1)[0, 0], original.mean() / 255.0)


def test_image_data_round_trip():
    img = images.image("smiley", 12)
    X, y = images.image_data(img)
    assert X.shape == (144, 2) and y.shape == (144, 1)
    assert X[0].tolist() == [-11 / 12, 11 / 12]  # top-left pixel centre
    assert np.array_equal(images.to_image(y, 12, 12), img)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: datasets.spiral_data(0, 3, np.random.default_rng()), "samples"),
        (lambda: datasets.spiral_data(10, 3.5, np.random.default_rng()), "classes"),
        (lambda: datasets.vertical_data(10**6, 10, np.random.default_rng()), "samples"),
        (lambda: datasets.regression_data("sin", 10, 1.0, 0.0), "high must be greater"),
        (lambda: datasets.surface("ackley"), "allowed: rosenbrock"),
        (lambda: images.image("lena"), "allowed: smiley, photo"),
        (lambda: images.photo(65), "size"),
        (lambda: images.to_image(np.zeros(5), 2, 2), "predictions"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_rng_must_be_explicit():
    with pytest.raises(TypeError, match="rng"):
        datasets.spiral_data(10, 2, 0)
    with pytest.raises(TypeError, match="rng"):
        datasets.regression_data("sin", 10, noise=0.1)
