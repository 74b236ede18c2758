"""Losses against explicit per-example sums, and their gradients against central differences."""

import math

import numpy as np
import pytest

from explainer_core import losses


def numerical_grad(f, pred, delta=1e-6):
    grad = np.zeros_like(pred)
    for i in np.ndindex(pred.shape):
        e = np.zeros_like(pred)
        e[i] = delta
        grad[i] = (f(pred + e) - f(pred - e)) / (2 * delta)
    return grad


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-8)


def test_mse_and_mae_against_explicit_sums():
    rng = np.random.default_rng(0)
    pred, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    sq = sum((pred[i, j] - y[i, j]) ** 2 for i in range(5) for j in range(3)) / 15
    ab = sum(abs(pred[i, j] - y[i, j]) for i in range(5) for j in range(3)) / 15
    assert math.isclose(losses.mse(pred, y), sq, rel_tol=1e-14)
    assert math.isclose(losses.mae(pred, y), ab, rel_tol=1e-14)


def test_cross_entropy_against_explicit_softmax():
    rng = np.random.default_rng(1)
    z, c = rng.standard_normal((6, 4)) * 3, rng.integers(0, 4, 6)
    expected = 0.0
    for i in range(6):
        denominator = sum(math.exp(v) for v in z[i])
        expected -= math.log(math.exp(z[i, c[i]]) / denominator) / 6
    assert math.isclose(losses.softmax_cross_entropy(z, c), expected, rel_tol=1e-13)
    onehot = np.eye(4)[c]
    assert math.isclose(losses.softmax_cross_entropy(z, onehot), expected, rel_tol=1e-13)


def test_nnfs_cross_entropy_example():
    # NNFS chapter 5: softmax outputs [0.7, 0.1, 0.2] with target class 0 give loss -log(0.7)
    probabilities = np.array([[0.7, 0.1, 0.2]])
    assert math.isclose(
        losses.softmax_cross_entropy(np.log(probabilities), [0]), 0.35667494393873245, rel_tol=1e-14
    )


@pytest.mark.parametrize("name", ["mse", "mae", "softmax_cross_entropy"])
def test_gradients_match_central_differences(name):
    rng = np.random.default_rng(2)
    pred = rng.standard_normal((7, 3))
    y = rng.integers(0, 3, 7) if name == "softmax_cross_entropy" else rng.standard_normal((7, 3))
    value, grad = losses.value_and_grad(name, pred, y)
    assert np.ndim(value) == 0 and grad.shape == pred.shape
    numeric = numerical_grad(lambda p: losses.value(name, p, y), pred)
    assert rel_err(grad, numeric) < 1e-6


def test_fused_cross_entropy_gradient_is_p_minus_onehot_over_n():
    rng = np.random.default_rng(3)
    z, c = rng.standard_normal((5, 3)), np.array([0, 2, 1, 1, 0])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert np.allclose(losses.softmax_cross_entropy_grad(z, c), (p - np.eye(3)[c]) / 5, atol=1e-16)


def test_population_shapes_and_values():
    rng = np.random.default_rng(4)
    preds = rng.standard_normal((4, 2, 10, 3))  # any leading axes
    y = rng.standard_normal((10, 3))
    c = rng.integers(0, 3, 10)
    for name, target in [("mse", y), ("mae", y), ("softmax_cross_entropy", c)]:
        values, grads = losses.value_and_grad(name, preds, target)
        assert values.shape == (4, 2) and grads.shape == preds.shape
        for i, j in np.ndindex(4, 2):
            v, g = losses.value_and_grad(name, preds[i, j], target)
            assert math.isclose(values[i, j], v, rel_tol=1e-13)
            assert np.allclose(grads[i, j], g, rtol=1e-13, atol=1e-16)
    assert losses.accuracy(preds, c).shape == (4, 2)


def test_cross_entropy_is_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]])
    value, grad = losses.value_and_grad("softmax_cross_entropy", z, [0, 0])
    assert math.isclose(value, 500.0)  # (0 + 1000) / 2
    assert np.all(np.isfinite(grad))


def test_accuracy():
    pred = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert losses.accuracy(pred, [1, 0, 0, 0]) == 0.75
    assert losses.accuracy(pred, np.eye(2)[[1, 0, 0, 0]]) == 0.75
    # one output: a binary classifier thresholded at 0.5
    assert losses.accuracy(np.array([[0.2], [0.7], [0.9]]), [0, 1, 0]) == pytest.approx(2 / 3)


def test_regression_targets_as_a_vector_for_one_output():
    pred = np.array([[1.0], [2.0]])
    assert losses.mse(pred, [0.0, 0.0]) == 2.5


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: losses.mse(np.zeros((3, 2)), np.zeros((3, 3))), r"y must have shape \(3, 2\)"),
        (lambda: losses.mse(np.zeros(3), np.zeros(3)), "predictions must have shape"),
        (lambda: losses.mse(np.zeros((3, 1)), [np.nan, 0, 0]), "y contains NaN"),
        (
            lambda: losses.softmax_cross_entropy(np.zeros((3, 2)), [0, 1, 2]),
            r"class indices in \[0, 1\]",
        ),
        (lambda: losses.softmax_cross_entropy(np.zeros((3, 2)), [0, 1]), "class indices"),
        (lambda: losses.softmax_cross_entropy(np.zeros((3, 2)), [0.5, 1, 0]), "whole-number"),
        (lambda: losses.softmax_cross_entropy(np.zeros((2, 2)), [[1, 1], [0, 1]]), "one-hot"),
        (lambda: losses.get("hinge"), "allowed: mse, mae, softmax_cross_entropy"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="y"):
        losses.softmax_cross_entropy(np.zeros((2, 2)), ["a", "b"])
    with pytest.raises(TypeError, match="predictions"):
        losses.mse([["a"]], [[0.0]])
