"""Activation functions and their derivatives, elementwise on arrays of any shape.

Each activation is a pair `(f, df)` with `df(z) = f'(z)`, looked up by name with `get(name)`.
The binary step is included on purpose: its derivative is exactly zero almost everywhere, so
backpropagation gets no signal through it (the article's case for evolution).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from . import validate

Array = np.ndarray


class Activation(NamedTuple):
    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    # optional f'(z) computed from z and the already known a = f(z) (saves a tanh in backprop)
    df_za: Callable[[Array, Array], Array] | None = None


def derivative(act: Activation, z: Array, a: Array) -> Array:
    """f'(z) for the activation `act`, given z and a = f(z) from the forward pass."""
    if act.df_za is not None:
        return act.df_za(z, a)
    return act.df(z)


def _sigmoid(z: Array) -> Array:
    # exp of a non-positive number only, so no overflow warnings for large |z|
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _dtanh_from_output(z: Array, a: Array) -> Array:
    """tanh'(z) = 1 - tanh(z)^2 = 1 - a^2, in one new array."""
    out = np.multiply(a, a)
    return np.subtract(1.0, out, out=out)


def _dsigmoid(z: Array) -> Array:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _gaussian(z: Array) -> Array:
    return np.exp(-z * z)


# ---- erf, after W. J. Cody, "Rational Chebyshev approximations for the error function",
# Math. Comp. 23 (1969) 631-637, as in his SPECFUN routine CALERF (public domain, netlib).
# numpy has no erf; math.erf is exact but elementwise in Python, too slow for a network.
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERF_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)
_ERF_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
          1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_ERF_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
          6.05183413124413191e-2, 2.33520497626869185e-3)
_SQRPI = 5.6418958354775628695e-1  # 1 / sqrt(pi)


def _erfc_tail(y: Array, ratio: Array) -> Array:
    """exp(-y^2) * ratio, with y^2 split as in CALERF to keep full precision."""
    ysq = np.trunc(y * 16.0) / 16.0
    return np.exp(-ysq * ysq) * np.exp(-(y - ysq) * (y + ysq)) * ratio


def erf(x: Array) -> Array:
    """The error function erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt, elementwise, to ~1e-16.

    Three rational approximations of Cody (1969) on |x| <= 0.46875, <= 4 and > 4.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(x)
    out = np.empty_like(y)

    small = y <= 0.46875
    ys = y[small]
    z = ys * ys
    num, den = _ERF_A[4] * z, z
    for i in range(3):
        num, den = (num + _ERF_A[i]) * z, (den + _ERF_B[i]) * z
    out[small] = ys * (num + _ERF_A[3]) / (den + _ERF_B[3])

    mid = ~small & (y <= 4.0)
    ym = y[mid]
    num, den = _ERF_C[8] * ym, ym
    for i in range(7):
        num, den = (num + _ERF_C[i]) * ym, (den + _ERF_D[i]) * ym
    out[mid] = 1.0 - _erfc_tail(ym, (num + _ERF_C[7]) / (den + _ERF_D[7]))

    big = y > 4.0
    yb = np.minimum(y[big], 27.0)  # erfc(27) underflows to 0 anyway
    z = 1.0 / (yb * yb)
    num, den = _ERF_P[5] * z, z
    for i in range(4):
        num, den = (num + _ERF_P[i]) * z, (den + _ERF_Q[i]) * z
    ratio = (_SQRPI - z * (num + _ERF_P[4]) / (den + _ERF_Q[4])) / yb
    out[big] = 1.0 - _erfc_tail(yb, ratio)

    out[np.isnan(x)] = np.nan
    return np.copysign(out, x)


_INV_SQRT2 = 0.7071067811865476
_INV_SQRT2PI = 0.3989422804014327


def _gelu(z: Array) -> Array:
    """GELU(z) = z * Phi(z), Phi the standard normal CDF (Hendrycks & Gimpel 2016)."""
    return 0.5 * z * (1.0 + erf(z * _INV_SQRT2))


def _dgelu(z: Array) -> Array:
    """GELU'(z) = Phi(z) + z * phi(z)."""
    return 0.5 * (1.0 + erf(z * _INV_SQRT2)) + z * _INV_SQRT2PI * np.exp(-0.5 * z * z)


LEAKY_SLOPE = 0.01  # PyTorch's default negative_slope


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("identity", lambda z: z, lambda z: np.ones_like(z)),
        Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, _dtanh_from_output),
        Activation("sigmoid", _sigmoid, _dsigmoid, lambda z, a: a * (1.0 - a)),
        Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
        Activation(
            "leaky_relu",
            lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
        ),
        Activation("gelu", _gelu, _dgelu),
        # softplus(z) = log(1 + e^z), computed as logaddexp(0, z) to avoid overflow
        Activation("softplus", lambda z: np.logaddexp(0.0, z), _sigmoid),
        Activation("abs", np.abs, np.sign),
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
    validate.choice("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]
