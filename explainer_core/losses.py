"""Losses over a batch, or a whole population of batches at once, with their gradients.

Predictions have shape `(..., N, k)`: N examples with k outputs, after any number of leading
axes (typically a population P). Every loss returns the mean over the N examples for each
leading index, so `(P, N, k) -> (P,)` and `(N, k) -> ()`.

- MSE:  L = 1/(N k) sum (yhat - y)^2,        dL/dyhat = 2 (yhat - y) / (N k)
- MAE:  L = 1/(N k) sum |yhat - y|,          dL/dyhat = sign(yhat - y) / (N k)
- softmax cross-entropy on logits z with class labels c:
        p = softmax(z),  L = -1/N sum log p[c],  dL/dz = (p - onehot(c)) / N
  (the fused gradient of NNFS chapter 9, "Activation_Softmax_Loss_CategoricalCrossentropy").

Targets: for MSE/MAE an array of shape (N, k) (or (N,) when k = 1); for cross-entropy class
indices of shape (N,) or one-hot rows of shape (N, k). The targets are shared by all leading
indices.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from . import validate

Array = np.ndarray


class Loss(NamedTuple):
    """A loss: `value(pred, y) -> (...)`, `grad(pred, y) -> pred.shape`, on checked targets."""

    name: str
    value: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    value_and_grad: Callable[[Array, Array], tuple[Array, Array]]
    check_targets: Callable[[object, int, int], Array]


# ---- regression ------------------------------------------------------------------------------


def _check_regression_targets(y, n: int, k: int) -> Array:
    y = validate.float_array("y", y)
    if y.ndim == 1 and k == 1:
        y = y[:, None]
    if y.shape != (n, k):
        raise validate.ArgumentValueError(
            "y", f"y must have shape ({n}, {k}) to match the predictions, got {y.shape}"
        )
    return y


def _mse_value(pred: Array, y: Array) -> Array:
    diff = pred - y
    return np.mean(diff * diff, axis=(-2, -1))


def _mse_grad(pred: Array, y: Array) -> Array:
    return (2.0 / (pred.shape[-2] * pred.shape[-1])) * (pred - y)


def _mse_value_and_grad(pred: Array, y: Array) -> tuple[Array, Array]:
    diff = pred - y
    scale = 1.0 / (pred.shape[-2] * pred.shape[-1])
    if diff.ndim == 2:  # one network: a dot product, no temporary array
        flat = diff.ravel()
        value = np.dot(flat, flat) * scale
    else:
        value = np.sum(diff * diff, axis=(-2, -1)) * scale
    diff *= 2.0 * scale
    return value, diff


def _mae_value(pred: Array, y: Array) -> Array:
    return np.mean(np.abs(pred - y), axis=(-2, -1))


def _mae_grad(pred: Array, y: Array) -> Array:
    # sign(0) = 0: the subgradient PyTorch's L1Loss uses too
    return np.sign(pred - y) / (pred.shape[-2] * pred.shape[-1])


# ---- classification --------------------------------------------------------------------------


def _check_class_targets(y, n: int, k: int) -> Array:
    """Class indices (N,) from indices or one-hot rows; ValueError naming `y` otherwise."""
    try:
        array = np.asarray(y) if not isinstance(y, np.ndarray) else y
    except Exception as error:  # ragged lists and the like
        raise validate.ArgumentValueError(
            "y", f"y must be an array of class indices: {error}"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise validate.ArgumentTypeError(
            "y", f"y must hold class indices (integers), got dtype {array.dtype}"
        )
    if np.iscomplexobj(array):
        raise validate.ArgumentTypeError(
            "y", f"y must hold class indices (integers), got complex dtype {array.dtype}"
        )
    if array.ndim == 2 and array.shape == (n, k):
        array = validate.float_array("y", array)
        if not np.all((array == 0) | (array == 1)) or not np.all(array.sum(axis=1) == 1):
            raise validate.ArgumentValueError(
                "y", "y given as a 2-D array must be one-hot rows (a single 1 per row)"
            )
        return np.argmax(array, axis=1)
    if array.ndim != 1 or array.shape[0] != n:
        raise validate.ArgumentValueError(
            "y",
            f"y must be {n} class indices (shape ({n},)) or one-hot rows (shape ({n}, {k})), "
            f"got shape {array.shape}",
        )
    if not np.issubdtype(array.dtype, np.integer):
        array = validate.float_array("y", array)
        if not np.all(array == np.round(array)):
            raise validate.ArgumentValueError("y", "y must hold whole-number class indices")
    if n and (array.min() < 0 or array.max() >= k):
        raise validate.ArgumentValueError(
            "y",
            f"y must hold class indices in [0, {k - 1}] for {k} outputs, "
            f"got values in [{array.min()}, {array.max()}]",
        )
    return array.astype(np.intp)


def log_softmax(z: Array) -> Array:
    """log p with p = softmax(z) over the last axis, stable for large |z|."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(z: Array) -> Array:
    """p_j = exp(z_j) / sum_i exp(z_i) over the last axis (shifted by the max, NNFS ch. 4)."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _ce_value(z: Array, c: Array) -> Array:
    logp = log_softmax(z)
    return -np.mean(logp[..., np.arange(z.shape[-2]), c], axis=-1)


def _ce_value_and_grad(z: Array, c: Array) -> tuple[Array, Array]:
    logp = log_softmax(z)
    n = z.shape[-2]
    rows = np.arange(n)
    value = -np.mean(logp[..., rows, c], axis=-1)
    grad = np.exp(logp)
    grad[..., rows, c] -= 1.0
    grad *= 1.0 / n
    return value, grad


def _ce_grad(z: Array, c: Array) -> Array:
    return _ce_value_and_grad(z, c)[1]


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss("mse", _mse_value, _mse_grad, _mse_value_and_grad, _check_regression_targets),
        Loss(
            "mae",
            _mae_value,
            _mae_grad,
            lambda p, y: (_mae_value(p, y), _mae_grad(p, y)),
            _check_regression_targets,
        ),
        Loss(
            "softmax_cross_entropy", _ce_value, _ce_grad, _ce_value_and_grad, _check_class_targets
        ),
    ]
}


def get(name: str) -> Loss:
    """The loss called `name`; a ValueError listing the allowed names otherwise."""
    validate.choice("loss", name, LOSSES)
    return LOSSES[name]


# ---- public, checked entry points ------------------------------------------------------------


def _checked(pred, y, loss: Loss) -> tuple[Array, Array]:
    pred = validate.float_array("predictions", pred)
    if pred.ndim == 1:
        raise validate.ArgumentValueError(
            "predictions",
            f"predictions must have shape (..., N, k), got shape {pred.shape}; "
            "use pred[:, None] for a single output",
        )
    if pred.ndim < 2 or pred.shape[-2] < 1 or pred.shape[-1] < 1:
        raise validate.ArgumentValueError(
            "predictions",
            f"predictions must have shape (..., N, k) with N, k >= 1, got {pred.shape}",
        )
    return pred, loss.check_targets(y, pred.shape[-2], pred.shape[-1])


def mse(pred: Array, y: Array) -> Array:
    """Mean squared error per leading index: (..., N, k) -> (...)."""
    return LOSSES["mse"].value(*_checked(pred, y, LOSSES["mse"]))


def mse_grad(pred: Array, y: Array) -> Array:
    """dMSE/dpred = 2 (pred - y) / (N k), same shape as pred."""
    return LOSSES["mse"].grad(*_checked(pred, y, LOSSES["mse"]))


def mae(pred: Array, y: Array) -> Array:
    """Mean absolute error per leading index: (..., N, k) -> (...)."""
    return LOSSES["mae"].value(*_checked(pred, y, LOSSES["mae"]))


def mae_grad(pred: Array, y: Array) -> Array:
    """dMAE/dpred = sign(pred - y) / (N k), same shape as pred."""
    return LOSSES["mae"].grad(*_checked(pred, y, LOSSES["mae"]))


def softmax_cross_entropy(logits: Array, y: Array) -> Array:
    """Mean of -log softmax(logits)[y] per leading index: (..., N, k) -> (...)."""
    loss = LOSSES["softmax_cross_entropy"]
    return loss.value(*_checked(logits, y, loss))


def softmax_cross_entropy_grad(logits: Array, y: Array) -> Array:
    """The fused gradient (softmax(logits) - onehot(y)) / N, same shape as logits."""
    loss = LOSSES["softmax_cross_entropy"]
    return loss.grad(*_checked(logits, y, loss))


def value(name: str, pred: Array, y: Array) -> Array:
    """The loss `name` ("mse", "mae", "softmax_cross_entropy") per leading index."""
    loss = get(name)
    return loss.value(*_checked(pred, y, loss))


def value_and_grad(name: str, pred: Array, y: Array) -> tuple[Array, Array]:
    """(loss per leading index, gradient w.r.t. pred) for the loss `name`."""
    loss = get(name)
    return loss.value_and_grad(*_checked(pred, y, loss))


def accuracy(pred: Array, y: Array) -> Array:
    """Fraction of rows whose argmax matches the class label, per leading index.

    pred (..., N, k) scores; y class indices (N,) or one-hot (N, k). With k = 1 a single
    output is read as a binary classifier thresholded at 0.5 (NNFS chapter 16).
    """
    pred = validate.float_array("predictions", pred)
    if pred.ndim < 2 or pred.shape[-2] < 1 or pred.shape[-1] < 1:
        raise validate.ArgumentValueError(
            "predictions",
            f"predictions must have shape (..., N, k) with N, k >= 1, got {pred.shape}",
        )
    n, k = pred.shape[-2:]
    if k == 1:
        c = _check_class_targets(y, n, 2)
        return np.mean((pred[..., 0] > 0.5) == (c == 1), axis=-1)
    c = _check_class_targets(y, n, k)
    return np.mean(np.argmax(pred, axis=-1) == c, axis=-1)
