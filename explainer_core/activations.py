"""Activation functions and their derivatives, elementwise on arrays of any shape.

Each activation is a pair `(f, df)` with `df(z) = f'(z)`, looked up by name with `get(name)`.
The binary step is included on purpose: its derivative is exactly zero almost everywhere, so
backpropagation gets no signal through it (the article's case for evolution).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from . import _validate

Array = np.ndarray


class Activation(NamedTuple):
    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]


def _sigmoid(z: Array) -> Array:
    # exp of a non-positive number only, so no overflow warnings for large |z|
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _dsigmoid(z: Array) -> Array:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _gaussian(z: Array) -> Array:
    return np.exp(-z * z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("identity", lambda z: z, lambda z: np.ones_like(z)),
        Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
        Activation("sigmoid", _sigmoid, _dsigmoid),
        Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
        Activation("sin", np.sin, np.cos),
        Activation("gaussian", _gaussian, lambda z: -2.0 * z * _gaussian(z)),
        # f(z) = 1 for z >= 0 else 0; the true derivative is 0 wherever it exists.
        Activation(
            "binary_step",
            lambda z: (z >= 0).astype(np.float64),
            lambda z: np.zeros_like(z, dtype=np.float64),
        ),
    ]
}


def get(name: str) -> Activation:
    """The activation called `name`; a ValueError listing the allowed names otherwise."""
    _validate.choice("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]
