"""Multilayer perceptrons on a flat parameter vector, forward on a batch or a whole population.

A network with layer sizes `[n0, n1, ..., nL]` has, for each layer `l`, a weight matrix
`W_l` of shape `(n_{l-1}, n_l)` and a bias `b_l` of shape `(n_l,)`. All of them live in one
float64 vector `theta` of length `param_count(layer_sizes)`, stored layer by layer as
`[W_1 (row-major), b_1, W_2, b_2, ...]`; `unravel` cuts it into views without copying.

Forward pass on a batch `X` of shape `(N, n0)`:

    a_0 = X,   z_l = a_{l-1} W_l + b_l,   a_l = f(z_l)   (f = output_activation for l = L)

Backpropagation (Rumelhart, Hinton & Williams 1986), for the loss L(a_L):

    delta_L = dL/da_L * f'(z_L)
    dL/dW_l = a_{l-1}^T delta_l,   dL/db_l = sum over the batch of delta_l
    delta_{l-1} = (delta_l W_l^T) * f'(z_{l-1})

Evolution evaluates a population `thetas` of shape `(P, D)` in one call
(`forward_population`), with batched matrix products and no Python loop over individuals.
"""

from __future__ import annotations

import functools
import math
from typing import Sequence

import numpy as np

from . import activations, fastpath, losses, validate

Array = np.ndarray

INITIALISATIONS = ("he", "xavier", "lecun", "normal", "uniform", "nnfs", "zeros")

MAX_PARAMETERS = 50_000_000

MAX_ACTIVATIONS = 2**25
"""Largest layer output (population x examples x width) one call may build: 256 MiB of float64."""

CACHE_BLOCK = 2**16
"""Numbers per layer output (networks x examples x width) in one block of forward_population."""



def check_layer_sizes(layer_sizes) -> tuple[int, ...]:
    """`layer_sizes` as a tuple of at least two whole numbers >= 1, else a ValueError."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise validate.ArgumentTypeError(
            "layer_sizes",
            f"layer_sizes must be a list of whole numbers like [2, 16, 1], got {layer_sizes!r}",
        )
    if len(layer_sizes) < 2:
        raise validate.ArgumentValueError(
            "layer_sizes",
            f"layer_sizes needs at least an input and an output size, got {list(layer_sizes)!r}",
        )
    sizes = tuple(
        validate.integer_in_range(f"layer_sizes[{i}]", n, 1, 100_000)
        for i, n in enumerate(layer_sizes)
    )
    count = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if count > MAX_PARAMETERS:
        raise validate.ArgumentValueError(
            "layer_sizes",
            f"layer_sizes {list(sizes)} give {count} parameters; at most {MAX_PARAMETERS} allowed",
        )
    return sizes


def param_count(layer_sizes: Sequence[int]) -> int:
    """Number of parameters D = sum over layers of (n_in + 1) * n_out."""
    sizes = check_layer_sizes(layer_sizes)
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


@functools.lru_cache(maxsize=256)
def _layout(sizes: tuple[int, ...]) -> tuple[tuple[int, int, int, int, int], ...]:
    """(start, n_in, n_out, bias start, end) of each layer's [W, b] block inside theta."""
    out, start = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bias = start + n_in * n_out
        out.append((start, n_in, n_out, bias, bias + n_out))
        start = bias + n_out
    return tuple(out)


def unravel(theta: Array, layer_sizes: Sequence[int]) -> list[tuple[Array, Array]]:
    """Views `[(W_1, b_1), ...]` into `theta`, `W_l` of shape (n_in, n_out), `b_l` of (n_out,).

    Writing into a view writes into `theta` (when `theta` is already a float64 array).
    """
    sizes = check_layer_sizes(layer_sizes)
    theta = check_theta(theta, sizes)
    return _unravel(theta, sizes)


def _unravel(theta: Array, sizes: tuple[int, ...]) -> list[tuple[Array, Array]]:
    lead = theta.shape[:-1]
    if not lead:  # one network: plain slices cost less than theta[..., start:bias]
        return [
            (theta[start:bias].reshape(n_in, n_out), theta[bias:end])
            for start, n_in, n_out, bias, end in _layout(sizes)
        ]
    return [
        (theta[..., start:bias].reshape(lead + (n_in, n_out)), theta[..., bias:end])
        for start, n_in, n_out, bias, end in _layout(sizes)
    ]


def unravel_population(thetas: Array, layer_sizes: Sequence[int]) -> list[tuple[Array, Array]]:
    """Views `[(W_1, b_1), ...]` with `W_l` of shape (P, n_in, n_out), `b_l` of (P, n_out)."""
    sizes = check_layer_sizes(layer_sizes)
    thetas = check_population(thetas, sizes)
    return _unravel(thetas, sizes)


def ravel(layers: Sequence[tuple[Array, Array]]) -> Array:
    """Inverse of `unravel`: one flat float64 vector from `[(W, b), ...]`."""
    parts = []
    for W, b in layers:
        parts.append(np.asarray(W, dtype=np.float64).ravel())
        parts.append(np.asarray(b, dtype=np.float64).ravel())
    return np.concatenate(parts)


def init_params(
    layer_sizes: Sequence[int],
    rng: np.random.Generator,
    scheme: str = "he",
    scale: float | None = None,
) -> Array:
    """A fresh parameter vector theta of shape (D,); biases start at zero.

    Weights of a layer with fan-in `n_in` and fan-out `n_out`:

    - "he":     N(0, 2 / n_in)                (He et al. 2015, for ReLU)
    - "xavier": U(-a, a), a = sqrt(6 / (n_in + n_out))   (Glorot & Bengio 2010, for tanh)
    - "lecun":  N(0, 1 / n_in)                (LeCun et al. 1998)
    - "normal": N(0, scale^2), scale = 1 unless given
    - "uniform": U(-scale, scale), scale = 1 unless given
    - "nnfs":   0.01 * N(0, 1)                 (NNFS, `0.01 * np.random.randn`)
    - "zeros":  all zero
    For "he", "xavier" and "lecun", `scale` (when given) multiplies the standard deviation.
    """
    sizes = check_layer_sizes(layer_sizes)
    validate.generator(rng, legacy=True)  # RandomState replays NNFS's np.random.randn
    validate.choice("scheme", scheme, INITIALISATIONS)
    if scale is not None:
        scale = validate.number_in_range("scale", scale, 0.0, 1e6)
    theta = np.zeros(param_count(sizes))
    for W, _ in _unravel(theta, sizes):
        n_in, n_out = W.shape
        factor = 1.0 if scale is None else scale
        if scheme == "he":
            W[...] = rng.standard_normal((n_in, n_out)) * (factor * math.sqrt(2.0 / n_in))
        elif scheme == "xavier":
            a = factor * math.sqrt(6.0 / (n_in + n_out))
            W[...] = rng.uniform(-a, a, size=(n_in, n_out))
        elif scheme == "lecun":
            W[...] = rng.standard_normal((n_in, n_out)) * (factor * math.sqrt(1.0 / n_in))
        elif scheme == "normal":
            W[...] = rng.standard_normal((n_in, n_out)) * factor
        elif scheme == "uniform":
            W[...] = rng.uniform(-factor, factor, size=(n_in, n_out))
        elif scheme == "nnfs":
            W[...] = 0.01 * rng.standard_normal((n_in, n_out))
    return theta


def forward(
    theta: Array,
    layer_sizes: Sequence[int],
    X: Array,
    activation: str = "tanh",
    output_activation: str = "identity",
) -> Array:
    """Network outputs of shape (N, n_out) for inputs X of shape (N, n_in): one network of
    `forward_population`."""
    theta = check_theta(theta, check_layer_sizes(layer_sizes))
    return forward_population(theta[None, :], layer_sizes, X, activation, output_activation)[0]


def forward_population(
    thetas: Array,
    layer_sizes: Sequence[int],
    X: Array,
    activation: str = "tanh",
    output_activation: str = "identity",
) -> Array:
    """Outputs of shape (P, N, n_out) of P networks `thetas` (P, D) on the same X (N, n_in).

    One batched matrix product per layer: (P, N, n_in) @ (P, n_in, n_out) -> (P, N, n_out).
    Large populations go through in blocks of networks whose activations fit in a CPU cache
    (`CACHE_BLOCK` numbers per layer), which is up to twice as fast as one giant batch.
    """
    sizes = check_layer_sizes(layer_sizes)
    thetas = check_population(thetas, sizes)
    X = check_inputs(X, sizes)
    check_memory(thetas.shape[0], X.shape[0], sizes, "thetas")
    hidden, output = activations.get(activation), output_activation_named(output_activation)
    P, N = thetas.shape[0], X.shape[0]
    block = max(1, CACHE_BLOCK // (N * max(sizes)))
    if P <= block:
        return _forward_block(thetas, sizes, X, hidden, output)
    out = np.empty((P, N, sizes[-1]))
    for start in range(0, P, block):  # blocks of networks, not one network at a time
        out[start : start + block] = _forward_block(
            thetas[start : start + block], sizes, X, hidden, output
        )
    return out


def _forward_block(thetas, sizes, X, hidden, output) -> Array:
    a = X
    layers = _unravel(thetas, sizes)
    for i, (W, b) in enumerate(layers):
        # X (N, n_in) broadcasts against W (P, n_in, n_out) without copying it P times
        z = np.matmul(a, W)
        z += b[:, None, :]
        a = (output if i == len(layers) - 1 else hidden).f(z)
    return a


def loss_and_grad(
    theta: Array,
    layer_sizes: Sequence[int],
    X: Array,
    y: Array,
    loss: str = "mse",
    activation: str = "tanh",
    output_activation: str = "identity",
) -> tuple[float, Array]:
    """Mean loss over the batch and its gradient dL/dtheta of shape (D,), by backprop.

    For "softmax_cross_entropy" the network outputs are logits and `y` holds class indices
    (N,) or one-hot rows (N, k); for "mse" and "mae", `y` has shape (N, n_out) or (N,).
    """
    sizes = check_layer_sizes(layer_sizes)
    theta = check_theta(theta, sizes)
    X = check_inputs(X, sizes)
    loss_fn = losses.get(loss)
    y = loss_fn.check_targets(y, X.shape[0], sizes[-1])
    hidden, output = activations.get(activation), output_activation_named(output_activation)
    return backprop(theta, sizes, X, y, loss_fn, hidden, output)


def backprop(
    theta: Array,
    sizes: tuple[int, ...],
    X: Array,
    y: Array,
    loss_fn: "losses.Loss",
    hidden: activations.Activation,
    output: activations.Activation,
) -> tuple[float, Array]:
    """`loss_and_grad` on arguments already checked: the inner loop of training.

    The formulas are those of the module docstring (`backward`); the gradient is one flat
    vector laid out like theta.
    """
    value, grad, _ = backprop_with_outputs(theta, sizes, X, y, loss_fn, hidden, output)
    return value, grad


def backprop_with_outputs(
    theta: Array,
    sizes: tuple[int, ...],
    X: Array,
    y: Array,
    loss_fn: "losses.Loss",
    hidden: activations.Activation,
    output: activations.Activation,
) -> tuple[float, Array, Array]:
    """`backprop`, also returning the network outputs a_L (N, n_out) of the forward pass."""
    layers = _unravel(theta, sizes)
    pre, post = _forward_keeping(layers, X, hidden, output)
    value, dL_da = loss_fn.value_and_grad(post[-1], y)
    if fastpath.ENABLED:
        grad = np.empty_like(theta)
        fastpath.backward(layers, pre, post, dL_da, hidden, output, _unravel(grad, sizes))
    else:
        grad = ravel(backward(layers, pre, post, dL_da, hidden, output))
    return float(value), grad, post[-1]


def _forward_keeping(layers, X: Array, hidden, output) -> tuple[list[Array], list[Array]]:
    """z_l and a_l of every layer (with a_0 = X), kept for the backward pass."""
    last = len(layers) - 1
    pre, post = [], [X]
    for i, (W, b) in enumerate(layers):
        z = post[-1] @ W + b
        pre.append(z)
        post.append((output if i == last else hidden).f(z))
    return pre, post


def backward(layers, pre, post, dL_da: Array, hidden, output) -> list[tuple[Array, Array]]:
    """[(dL/dW_l, dL/db_l), ...] for every layer, from dL/da_L down (the module docstring):

    delta_L = dL/da_L * f'(z_L);  dL/dW_l = a_{l-1}^T delta_l,  dL/db_l = 1^T delta_l;
    delta_{l-1} = (delta_l W_l^T) * f'(z_{l-1}).
    `pre` holds z_1..z_L and `post` a_0..a_L of the forward pass.
    """
    grads = []
    delta = dL_da * activations.derivative(output, pre[-1], post[-1])
    for i in range(len(layers) - 1, -1, -1):
        grads.append((post[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            W = layers[i][0]
            delta = (delta @ W.T) * activations.derivative(hidden, pre[i - 1], post[i])
    return grads[::-1]


# ---- argument checks -------------------------------------------------------------------------


def output_activation_named(name: str) -> activations.Activation:
    if name not in activations.ACTIVATIONS:
        validate.choice("output_activation", name, activations.ACTIVATIONS)
    return activations.ACTIVATIONS[name]



def check_theta(theta, sizes: tuple[int, ...]) -> Array:
    """theta as a float64 vector of length param_count(sizes), else a ValueError/TypeError."""
    theta = validate.float_array("theta", theta, ndim=1)
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if theta.shape[0] != expected:
        raise validate.ArgumentValueError(
            "theta",
            f"theta must have length {expected} for layer_sizes {list(sizes)}, "
            f"got {theta.shape[0]}",
        )
    return theta


def check_population(thetas, sizes: tuple[int, ...]) -> Array:
    """thetas as a float64 array (P, D) with D = param_count(sizes)."""
    thetas = validate.float_array("thetas", thetas, ndim=2)
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if thetas.shape[1] != expected or thetas.shape[0] < 1:
        raise validate.ArgumentValueError(
            "thetas",
            f"thetas must have shape (P, {expected}) with P >= 1 for layer_sizes {list(sizes)}, "
            f"got {thetas.shape}",
        )
    return thetas


def check_memory(rows: int, n_examples: int, sizes: tuple[int, ...], name: str = "X") -> None:
    """ValueError when a layer's outputs for `rows` networks would exceed MAX_ACTIVATIONS."""
    elements = rows * n_examples * max(sizes)
    if elements > MAX_ACTIVATIONS:
        raise validate.ArgumentValueError(
            name,
            f"{rows} network(s) x {n_examples} examples x {max(sizes)} units is {elements} numbers "
            f"per layer; at most {MAX_ACTIVATIONS} fit in memory: use fewer examples, a smaller "
            "population or narrower layers",
        )


def check_inputs(X, sizes: tuple[int, ...]) -> Array:
    """X as a float64 array (N, n_in) without NaN; a 1-D X is read as N points of 1 input."""
    X = validate.float_array("X", X)
    if X.ndim == 1 and sizes[0] == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != sizes[0] or X.shape[0] < 1:
        raise validate.ArgumentValueError(
            "X",
            f"X must have shape (N, {sizes[0]}) with N >= 1 for layer_sizes {list(sizes)}, "
            f"got {X.shape}",
        )
    check_memory(1, X.shape[0], sizes)
    return X
