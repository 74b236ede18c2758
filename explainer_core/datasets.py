"""Data sets and target functions: NNFS's spiral, vertical and sine data, 1-D targets, surfaces.

`spiral_data`, `vertical_data` and `sine_data` follow the algorithms of the `nnfs` package
(Kinsley & Kukiela, "Neural Networks from Scratch in Python", 2020; the spiral is Karpathy's
CS231n case study), drawing their noise from an explicit `numpy.random.Generator` instead of
numpy's global state. Given `numpy.random.RandomState(0)` instead, they replay the exact numbers
of the book (whose `nnfs.init()` seeds the global legacy generator with 0), up to the book's
float32 rounding.

1-D regression targets (`target_function`, `regression_data`) are named functions or a
reader's expression, parsed safely by `explainer_core.expr`.

Benchmark surfaces (`SURFACES`) are functions of two parameters evaluated on any number of
points at once, `(..., 2) -> (...)`, with their analytic gradients and known minima.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from . import validate, expr

Array = np.ndarray

MAX_SAMPLES = 1_000_000


def _check_rng(rng) -> np.random.Generator:
    # A legacy RandomState is accepted too: RandomState(0) replays nnfs.init()'s global stream
    return validate.generator(rng, legacy=True)


def _samples_classes(samples, classes) -> tuple[int, int]:
    samples = validate.integer_in_range("samples", samples, 1, MAX_SAMPLES)
    classes = validate.integer_in_range("classes", classes, 1, 1000)
    if samples * classes > MAX_SAMPLES:
        raise validate.ArgumentValueError(
            "samples", f"samples * classes must be at most {MAX_SAMPLES}, got {samples * classes}"
        )
    return samples, classes


def spiral_data(samples: int, classes: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """`classes` interleaved spiral arms of `samples` points each: X (S C, 2), y (S C,) ints.

    For class c: r = linspace(0, 1, S), t = linspace(4c, 4(c + 1), S) + 0.2 N(0, 1),
    points (r sin 2.5 t, r cos 2.5 t). nnfs.datasets.spiral_data, after CS231n.
    """
    samples, classes = _samples_classes(samples, classes)
    _check_rng(rng)
    X = np.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype=np.int64)
    r = np.linspace(0.0, 1.0, samples)
    for c in range(classes):  # one arm at a time: the noise is drawn in nnfs's order
        rows = slice(samples * c, samples * (c + 1))
        t = np.linspace(c * 4, (c + 1) * 4, samples) + rng.standard_normal(samples) * 0.2
        X[rows] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]
        y[rows] = c
    return X, y


def vertical_data(samples: int, classes: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """Gaussian blobs side by side: class c at (c / 3, 0.5) with standard deviation 0.1.

    nnfs.datasets.vertical_data: X[:, 0] = 0.1 N(0, 1) + c / 3, X[:, 1] = 0.1 N(0, 1) + 0.5.
    """
    samples, classes = _samples_classes(samples, classes)
    _check_rng(rng)
    X = np.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype=np.int64)
    for c in range(classes):
        rows = slice(samples * c, samples * (c + 1))
        first = rng.standard_normal(samples) * 0.1 + c / 3
        second = rng.standard_normal(samples) * 0.1 + 0.5
        X[rows] = np.c_[first, second]
        y[rows] = c
    return X, y


def sine_data(samples: int = 1000) -> tuple[Array, Array]:
    """X = (0, 1, ..., S - 1) / S as a column (S, 1), y = sin(2 pi X) (S, 1). nnfs.datasets."""
    samples = validate.integer_in_range("samples", samples, 1, MAX_SAMPLES)
    X = np.arange(samples).reshape(-1, 1) / samples
    return X, np.sin(2 * np.pi * X).reshape(-1, 1)


# ---- 1-D targets ------------------------------------------------------------------------------

TARGETS: dict[str, Callable[[Array], Array]] = {
    "sin": np.sin,
    "cos": np.cos,
    "gaussian": lambda x: np.exp(-x * x),
    "tanh": np.tanh,
    "square": lambda x: x * x,
    "exp": np.exp,
    "abs": np.abs,
}


def target_function(name_or_expression: str) -> Callable[[Array], Array]:
    """A function of x: one of `TARGETS` by name, or an expression such as "sin(3*x) + x^2".

    Expressions are parsed by `explainer_core.expr` (never `eval`); bad ones raise a ValueError
    naming `expression` and listing what is allowed.
    """
    if not isinstance(name_or_expression, str):
        raise validate.ArgumentTypeError(
            "target",
            f"target must be one of {', '.join(TARGETS)} or an expression in x, "
            f"got {name_or_expression!r}",
        )
    key = name_or_expression.strip()
    if key in TARGETS:
        return TARGETS[key]
    if key == "x^2" or key == "x**2":
        return TARGETS["square"]
    f = expr.compile_expression(key, ("x",))
    return lambda x: f(x=x)


def regression_data(
    target: str = "sin",
    samples: int = 200,
    low: float = -math.pi,
    high: float = math.pi,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
) -> tuple[Array, Array]:
    """`samples` evenly spaced x in [low, high] as X (S, 1) and y = target(x) (+ noise) (S, 1).

    With `noise` > 0, Gaussian noise of that standard deviation is added using `rng`. A target
    that is not finite on the interval (log(x) at x <= 0, ...) is a ValueError.
    """
    f = target_function(target)
    samples = validate.integer_in_range("samples", samples, 1, MAX_SAMPLES)
    low = validate.real_number("low", low)
    high = validate.real_number("high", high)
    if not high > low:
        raise validate.ArgumentValueError(
            "high", f"high must be greater than low ({low:g}), got {high:g}"
        )
    noise = validate.number_in_range("noise", noise, 0.0, 1e6)
    x = np.linspace(low, high, samples)
    with np.errstate(all="ignore"):
        y = np.asarray(f(x), dtype=np.float64)
    bad = ~np.isfinite(y)
    if bad.any():
        raise validate.ArgumentValueError(
            "target",
            f"target {target!r} is not finite at x = {x[bad][0]:g}; choose another interval "
            f"[low, high] or another function",
        )
    if noise > 0:
        y = y + noise * _check_rng(rng).standard_normal(samples)
    return x[:, None], y[:, None]


# ---- benchmark surfaces -----------------------------------------------------------------------


class Surface(NamedTuple):
    """A function of two parameters: f(points (..., 2)) -> (...), grad -> (..., 2)."""

    name: str
    f: Callable[[Array], Array]
    grad: Callable[[Array], Array]
    minima: tuple[tuple[float, float], ...]  # every global minimiser
    minimum: float  # the value there
    bounds: tuple[tuple[float, float], tuple[float, float]]  # the usual plotting window
    start: tuple[float, float]  # a customary starting point


def _xy(points: Array) -> tuple[Array, Array]:
    return points[..., 0], points[..., 1]


def _stack(gx: Array, gy: Array) -> Array:
    return np.stack([gx, gy], axis=-1)


def rosenbrock(p: Array) -> Array:
    """(1 - x)^2 + 100 (y - x^2)^2; minimum 0 at (1, 1). Rosenbrock 1960."""
    x, y = _xy(p)
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def rosenbrock_grad(p: Array) -> Array:
    x, y = _xy(p)
    return _stack(-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x))


def himmelblau(p: Array) -> Array:
    """(x^2 + y - 11)^2 + (x + y^2 - 7)^2; four minima of value 0. Himmelblau 1972."""
    x, y = _xy(p)
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def himmelblau_grad(p: Array) -> Array:
    x, y = _xy(p)
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return _stack(4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b)


def rastrigin(p: Array) -> Array:
    """20 + sum over x, y of (t^2 - 10 cos 2 pi t); minimum 0 at (0, 0). Rastrigin 1974."""
    x, y = _xy(p)
    return 20.0 + x * x - 10.0 * np.cos(2 * np.pi * x) + y * y - 10.0 * np.cos(2 * np.pi * y)


def rastrigin_grad(p: Array) -> Array:
    x, y = _xy(p)
    k = 20.0 * np.pi
    return _stack(2.0 * x + k * np.sin(2 * np.pi * x), 2.0 * y + k * np.sin(2 * np.pi * y))


def beale(p: Array) -> Array:
    """(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2; minimum 0 at (3, 0.5)."""
    x, y = _xy(p)
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale_grad(p: Array) -> Array:
    x, y = _xy(p)
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return _stack(gx, gy)


def ravine(condition: float = 25.0) -> "Surface":
    """The ill-conditioned quadratic ravine (x^2 + condition y^2) / 2 as a `Surface`.

    Its Hessian is diag(1, condition), so `condition` is its condition number; minimum 0 at
    (0, 0). Gradient descent with a fixed learning rate needs about `condition` steps per factor
    e of progress, momentum about sqrt(condition) (Polyak 1964; Goh, "Why Momentum Really
    Works", Distill 2017).
    """
    kappa = validate.number_in_range("condition", condition, 1.0, 1e8)

    def f(p: Array) -> Array:
        x, y = _xy(p)
        return 0.5 * (x * x + kappa * y * y)

    def grad(p: Array) -> Array:
        x, y = _xy(p)
        return _stack(x, kappa * y)

    return Surface("ravine", f, grad, ((0.0, 0.0),), 0.0, ((-5.0, 5.0), (-5.0, 5.0)), (-4.5, 1.5))


# The tilted double well's stationary points along y = 0: the roots of 4x^3 - 4x + 0.3 = 0.
DOUBLE_WELL_DEEP = -1.0355787140888542  # the global minimum, f = -0.30542848374391596
DOUBLE_WELL_BARRIER = 0.0754291585697482  # the saddle between the wells, f = 1.011282002715653
DOUBLE_WELL_SHALLOW = 0.9601495555191059  # the shallow local minimum, f = 0.29414648102826285


def double_well(p: Array) -> Array:
    """(x^2 - 1)^2 + 0.3 x + 2 y^2: a valley along x with a shallow dip, then a deeper one.

    Minima on y = 0: a shallow local one at x = 0.96015 (f = 0.29415) and the global one at
    x = -1.03558 (f = -0.30543), with a saddle between them at x = 0.07543 (f = 1.01128).
    From the customary start (1.9, 1) plain gradient descent settles in the shallow dip.
    """
    x, y = _xy(p)
    return (x * x - 1.0) ** 2 + 0.3 * x + 2.0 * y * y


def double_well_grad(p: Array) -> Array:
    x, y = _xy(p)
    return _stack(4.0 * x * (x * x - 1.0) + 0.3, 4.0 * y)


SURFACES: dict[str, Surface] = {
    s.name: s
    for s in [
        Surface(
            "rosenbrock",
            rosenbrock,
            rosenbrock_grad,
            ((1.0, 1.0),),
            0.0,
            ((-2.0, 2.0), (-1.0, 3.0)),
            (-1.5, 2.0),
        ),
        Surface(
            "himmelblau",
            himmelblau,
            himmelblau_grad,
            (
                (3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.2831859912861696),
                (3.5844283403304917, -1.8481265269644034),
            ),
            0.0,
            ((-5.0, 5.0), (-5.0, 5.0)),
            (0.0, 0.0),
        ),
        Surface(
            "rastrigin",
            rastrigin,
            rastrigin_grad,
            ((0.0, 0.0),),
            0.0,
            ((-5.12, 5.12), (-5.12, 5.12)),
            (3.3, -2.7),
        ),
        Surface(
            "beale", beale, beale_grad, ((3.0, 0.5),), 0.0, ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.5)
        ),
        ravine(),
        Surface(
            "double_well",
            double_well,
            double_well_grad,
            ((DOUBLE_WELL_DEEP, 0.0),),
            float(double_well(np.array([DOUBLE_WELL_DEEP, 0.0]))),
            ((-2.0, 2.0), (-2.0, 2.0)),
            (1.9, 1.0),
        ),
    ]
}


def surface(name: str) -> Surface:
    """The benchmark surface called `name`; ValueError listing the names otherwise."""
    validate.choice("surface", name, SURFACES)
    return SURFACES[name]
