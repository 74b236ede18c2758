"""Networks with one input, one hidden layer of n neurons and one output: 1-n-1, on a population.

Neuron j has a weight w_j, a bias b_j and an output weight v_j; the output has a bias c:

    y_hat(x) = sum_j v_j f(w_j x + b_j) + c            (3n + 1 parameters)

Each term v_j f(w_j x + b_j) is that neuron's *piece* of the curve: a smooth step for tanh or the
sigmoid (where it rises: x = -b_j / w_j; how steeply: w_j; how high: v_j), a bend for ReLU. The
parameters of P networks are the rows of `thetas` (P, 3n + 1) in the layout of `nets` for the
layer sizes (1, n, 1): [w_1..w_n, b_1..b_n, v_1..v_n, c]. So `nets.forward` on one row gives the
same curve; here everything is written out for a whole population at once, with the gradient of
the mean squared error in closed form (the chain rule by hand, checked against `nets`' backprop
and finite differences in tests/lib/test_shallow.py), because the chapter "A network is a
function with knobs" trains many small networks side by side.

Universal approximation (Cybenko 1989 for sigmoids; Hornik 1991; Leshno, Lin, Pinkus &
Schocken 1993 for every activation that is not a polynomial): such sums can come as close as you
like to any continuous function on an interval, given enough neurons.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from . import activations, optim, validate

Array = np.ndarray

MAX_WIDTH = 4096
BLOCK = 2**14  # numbers in one temporary array of mse_and_grad (128 KiB of float64)


def param_count(width: int) -> int:
    """D = 3n + 1: a weight, a bias and an output weight per neuron, and the output's bias."""
    return 3 * validate.integer_in_range("width", width, 1, MAX_WIDTH) + 1


def width_of(thetas) -> int:
    """n from the length 3n + 1 of each row of `thetas` ((P, D) or (D,)), else a ValueError."""
    D = np.shape(thetas)[-1]
    if D < 4 or (D - 1) % 3:
        raise validate.ArgumentValueError(
            "theta", f"theta must have 3n + 1 numbers (n neurons), got {D}")
    return (D - 1) // 3


def split(thetas: Array) -> tuple[Array, Array, Array, Array]:
    """Views (w, b, v, c) of a population (P, 3n + 1): w, b, v (P, n), c (P,)."""
    n = width_of(thetas)
    return thetas[..., :n], thetas[..., n:2 * n], thetas[..., 2 * n:3 * n], thetas[..., 3 * n]


def _population(thetas) -> Array:
    thetas = validate.float_array("theta", thetas)
    if thetas.ndim == 1:
        thetas = thetas[None, :]
    if thetas.ndim != 2:
        raise validate.ArgumentValueError(
            "theta", f"theta must be one network (D,) or a population (P, D), got shape {thetas.shape}")
    width_of(thetas)
    return thetas


def pieces(thetas, x, activation: str = "tanh") -> Array:
    """Every neuron's piece v_j f(w_j x + b_j): (P, N, n) for thetas (P, D) and x (N,)."""
    thetas = _population(thetas)
    x = validate.float_array("x", x, ndim=1)
    f = activations.get(activation).f
    w, b, v, _ = split(thetas)
    return f(x[None, :, None] * w[:, None, :] + b[:, None, :]) * v[:, None, :]


def forward(thetas, x, activation: str = "tanh") -> Array:
    """The curves y_hat(x) of P networks: (P, N) for thetas (P, D) (or (N,) for one (D,))."""
    single = np.ndim(thetas) == 1
    thetas = _population(thetas)
    x = validate.float_array("x", x, ndim=1)
    f = activations.get(activation).f
    w, b, v, c = split(thetas)
    hidden = f(x[None, :, None] * w[:, None, :] + b[:, None, :])  # (P, N, n)
    out = np.matmul(hidden, v[:, :, None])[..., 0] + c[:, None]
    return out[0] if single else out


def mse_and_grad(thetas, x, y, activation: str = "tanh") -> tuple[Array, Array]:
    """Mean squared errors L_p = mean_i (y_hat_p(x_i) - y_i)^2, (P,), and their gradients (P, D).

    With r_i = 2 (y_hat(x_i) - y_i) / N, z_ij = w_j x_i + b_j and h_ij = f(z_ij):

        dL/dc = sum_i r_i,       dL/dv_j = sum_i r_i h_ij,
        dL/db_j = sum_i r_i v_j f'(z_ij),   dL/dw_j = sum_i r_i v_j f'(z_ij) x_i.

    The population goes through in blocks of networks whose (block, N, n) arrays hold at most
    `BLOCK` numbers: larger temporaries are fresh memory from the operating system at every call
    and made this up to 50 times slower on CPython.
    """
    thetas = _population(thetas)
    x = validate.float_array("x", x, ndim=1)
    y = validate.float_array("y", y, ndim=1)
    if y.shape != x.shape:
        raise validate.ArgumentValueError("y", f"y must have the shape of x {x.shape}, got {y.shape}")
    act = activations.get(activation)
    losses = np.empty(thetas.shape[0])
    grad = np.empty_like(thetas)
    block = max(1, BLOCK // (x.shape[0] * width_of(thetas)))
    for start in range(0, thetas.shape[0], block):
        rows = slice(start, start + block)
        losses[rows], grad[rows] = _mse_and_grad(thetas[rows], x, y, act)
    return losses, grad


def _mse_and_grad(thetas: Array, x: Array, y: Array, act) -> tuple[Array, Array]:
    w, b, v, c = split(thetas)
    z = x[None, :, None] * w[:, None, :] + b[:, None, :]  # (P, N, n)
    h = act.f(z)
    out = np.matmul(h, v[:, :, None])[..., 0] + c[:, None]  # (P, N)
    error = out - y[None, :]
    losses = np.mean(error * error, axis=1)
    r = (2.0 / x.shape[0]) * error  # dL/dy_hat_i
    n = w.shape[1]
    grad = np.empty_like(thetas)
    grad[:, 2 * n:3 * n] = np.matmul(r[:, None, :], h)[:, 0, :]
    grad[:, 3 * n] = r.sum(axis=1)
    slope = activations.derivative(act, z, h)  # f'(z)
    dz = np.matmul(r[:, None, :], slope)[:, 0, :]  # sum_i r_i f'(z_ij)
    dzx = np.matmul((r * x[None, :])[:, None, :], slope)[:, 0, :]  # sum_i r_i x_i f'(z_ij)
    grad[:, n:2 * n] = dz * v
    grad[:, :n] = dzx * v
    return losses, grad


ELEMENTWISE = ("sgd", "adam")


def fit(thetas, x, y, activation: str = "tanh", optimizer=None) -> Iterator[tuple[int, Array, Array]]:
    """Full-batch training of P networks side by side on the points (x, y), step after step.

    Yields (step, thetas (P, D), losses (P,)) forever, from step 0 (the start): the mean squared
    errors of the thetas yielded, then one optimizer step on every network. The optimizer, from
    `optim` (default: `optim.adam(0.01)`), sees the P networks as one long vector; SGD and Adam act
    on every number on its own, so this is exactly P separate runs (tests/lib/test_shallow.py).
    Stop consuming to stop training.
    """
    thetas = _population(thetas).copy()
    x = validate.float_array("x", x, ndim=1)
    y = validate.float_array("y", y, ndim=1)
    act = activations.get(activation)
    if optimizer is None:
        optimizer = optim.adam(0.01)
    if getattr(optimizer, "name", None) not in ELEMENTWISE:
        raise validate.ArgumentValueError(
            "optimizer", f"optimizer must be one of {', '.join(ELEMENTWISE)} (they act on each "
                         f"number alone), got {getattr(optimizer, 'name', optimizer)!r}")
    mse_and_grad(thetas[:1], x, y, activation)  # every check once, before the loop
    shape = thetas.shape
    block = max(1, BLOCK // (x.shape[0] * width_of(thetas)))
    flat = thetas.ravel()
    state = optimizer.init(flat)
    losses = np.empty(shape[0])
    grad = np.empty(shape)
    step = 0
    while True:
        current = flat.reshape(shape)
        for start in range(0, shape[0], block):
            rows = slice(start, start + block)
            losses[rows], grad[rows] = _mse_and_grad(current[rows], x, y, act)
        yield step, current, losses.copy()
        flat, state = optimizer.step(flat, grad.ravel(), state)
        step += 1
