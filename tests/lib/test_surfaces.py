"""The two surfaces of "Momentum and Adam": the quadratic ravine and the tilted double well.

Gradients against central differences; minima, saddle and values where the docstrings say,
checked against independent references (the cubic's roots by numpy, a dense grid).
"""

import math

import numpy as np
import pytest

from explainer_core import datasets, validate


def central_difference(f, points, h=1e-6):
    return np.stack([(f(points + h * e) - f(points - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)


@pytest.mark.parametrize("condition", [1.0, 25.0, 1000.0])
def test_ravine_gradient_hessian_and_minimum(condition):
    s = datasets.ravine(condition)
    rng = np.random.default_rng(1)
    points = rng.uniform(-5, 5, size=(40, 2))
    assert np.allclose(s.grad(points), central_difference(s.f, points), rtol=1e-6, atol=1e-5)
    # the Hessian by differences of the gradient: diag(1, condition), condition number = condition
    h = 1e-5
    hessian = np.stack([(s.grad(np.array([0.3, -0.2]) + h * e) - s.grad(np.array([0.3, -0.2]) - h * e))
                        / (2 * h) for e in np.eye(2)])
    eig = np.linalg.eigvalsh(hessian)
    assert np.allclose(eig, sorted([1.0, condition]), rtol=1e-6)
    assert math.isclose(eig[-1] / eig[0], condition, rel_tol=1e-6)
    assert s.f(np.array(s.minima)).tolist() == [0.0]
    assert s.f(np.array([2.0, 1.0])) == 0.5 * (4.0 + condition)


def test_ravine_in_surfaces_is_the_default_condition():
    s = datasets.surface("ravine")
    assert s.f(np.array([0.0, 1.0])) == 12.5  # condition 25


@pytest.mark.parametrize("bad", [0.5, 0, -3, "x", float("nan")])
def test_ravine_refuses_a_condition_below_one(bad):
    with pytest.raises((validate.ArgumentValueError, validate.ArgumentTypeError)) as err:
        datasets.ravine(bad)
    assert err.value.arg == "condition"


def test_double_well_gradient_against_differences():
    s = datasets.surface("double_well")
    rng = np.random.default_rng(2)
    points = rng.uniform(-2, 2, size=(50, 2))
    assert np.allclose(s.grad(points), central_difference(s.f, points), rtol=1e-6, atol=1e-5)


def test_double_well_stationary_points_are_where_the_docstring_says():
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)  # d/dx on y = 0: 4x^3 - 4x + 0.3
    assert np.allclose(roots, [datasets.DOUBLE_WELL_DEEP, datasets.DOUBLE_WELL_BARRIER,
                               datasets.DOUBLE_WELL_SHALLOW], atol=1e-12)
    s = datasets.surface("double_well")
    points = np.array([[x, 0.0] for x in roots])
    assert np.allclose(s.grad(points), 0.0, atol=1e-12)
    values = s.f(points)
    assert np.allclose(values, [-0.30543, 1.01128, 0.29415], atol=1e-5)  # the docstring's numbers
    # second derivative 12x^2 - 4: positive at both minima, negative at the saddle between
    assert [12 * x * x - 4 > 0 for x in roots] == [True, False, True]
    # the shallow dip is a local minimum higher than the global one
    assert values[2] > values[0]
    # a dense grid finds nothing lower than the global minimum, and it is near it
    gx, gy = np.meshgrid(np.linspace(-2, 2, 401), np.linspace(-2, 2, 401))
    grid = s.f(np.stack([gx, gy], axis=-1))
    assert grid.min() >= s.minimum - 1e-12
    i = np.unravel_index(grid.argmin(), grid.shape)
    assert abs(gx[i] - datasets.DOUBLE_WELL_DEEP) < 0.01 and abs(gy[i]) < 0.01
    assert s.minima == ((datasets.DOUBLE_WELL_DEEP, 0.0),)
