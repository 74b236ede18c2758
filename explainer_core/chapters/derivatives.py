"""Chapter "Slopes": how much a function's output moves when you nudge its input, how well a
computer can measure that, and what measuring it for every knob of a network costs.

The walk-through of Neural Networks from Scratch (Kinsley & Kukiela 2020, chapter 7; sentdex's
video part 9): f(x) = 2x has the slope 2 everywhere; f(x) = 2x² has a slope that changes with x;
the slope at x is approximated by the secant through x and x + δ with a small δ (the book's
0.0001), which becomes the tangent line y = m·x + b, b = y - m·x, as δ shrinks.

Beyond the book, with the library's `numdiff` (differences), `dual` (the exact slope by dual
numbers, for any formula the reader types) and `nets`/`train` (a network and its backprop):

* the error of the forward and the central difference against δ, from 1 down to 1e-16: the
  truncation error (|f''| δ / 2, |f'''| δ² / 6) falls with δ, the rounding error (about
  ε |f| / δ, ε the spacing of floating-point numbers near 1) rises, and the sum is smallest near
  δ* = sqrt(2 ε |f| / |f''|) (forward) and δ* = (3 ε |f| / (2 |f'''|))^(1/3) (central);
* the cost of a numerical gradient of a network, counted by running it: one extra forward pass
  per parameter per example (forward differences; two with central ones), against one forward
  and one backward pass per example for backpropagation, with the two gradients compared.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Iterator

import numpy as np

from .. import dual, expr, nets, numdiff, train, validate

# ---- one function, one point ------------------------------------------------------------------

# The functions the text uses, by name; the page offers examples and the reader may type any other.
FUNCTIONS = {
    "linear": "2*x",  # the book's first example: the same slope everywhere
    "square": "2*x^2",  # the book's second: the slope changes with x
    "sine": "sin(x)",  # smooth, with every derivative non-zero at x = 1: the error chart's
    "exp": "exp(x)",
    "abs": "abs(x)",  # a corner at 0
}
BOOK_DELTA = 1e-4  # NNFS's p2_delta = 0.0001
EPS = float(np.finfo(np.float64).eps)  # 2.2e-16: the gap between 1 and the next float64
X_RANGE = (-3.0, 3.0)  # where the page lets the reader put x
DELTA_RANGE = (0.0, 1.0)  # δ in (0, 1]


def formula(f: str) -> str:
    """The formula of the function `f`: one of FUNCTIONS by name, or the text itself."""
    if isinstance(f, str) and f in FUNCTIONS:
        return FUNCTIONS[f]
    return f


def _compiled(f: str):
    text = formula(f)
    g = expr.compile_expression(text)
    return text, (lambda v: g(x=v))


def _finite(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def slope(f: str = "square", x: float = 1.0, delta: float = BOOK_DELTA) -> dict:
    """Everything about the slope of f at x with the step δ, as one record.

    forward    (f(x + δ) - f(x)) / ((x + δ) - x)        numdiff.forward_difference
    central    (f(x + δ) - f(x - δ)) / ((x + δ) - (x - δ))  numdiff.central_difference
    exact      f'(x) by the rules of calculus            dual.derivative
    intercept  the book's b of the secant y = m·x + b, m = forward: f(x + δ) - m·(x + δ)
    tangent_intercept  b of the true tangent: f(x) - f'(x)·x
    *_error    |numerical - exact|
    lost_forward   x + δ rounds back to x: the step is lost, the difference is 0 / 0
    lost_central   x + δ and x - δ both round back to x
    corner, jump  the formula sits on a corner (abs, relu at 0) or a jump (sign, step, floor)
    Non-finite numbers are None.
    """
    text, g = _compiled(f)
    x = validate.real_number("x", x)
    delta = validate.number_in_range("delta", delta, 0.0, 1e6, low_open=True)
    exact = dual.derivative(text, x)
    x_plus, x_minus = x + delta, x - delta
    with np.errstate(all="ignore"):
        forward = float(numdiff.forward_difference(g, x, delta))
        central = float(numdiff.central_difference(g, x, delta))
        m, b = numdiff.tangent_line(g, x, delta)
        y, y_plus, y_minus = (float(g(np.float64(v))) for v in (x, x_plus, x_minus))
        slope_exact = float(exact.slope)
        tangent_b = y - slope_exact * x
    return {
        "formula": text, "x": x, "delta": delta,
        "y": _finite(y), "x_plus": x_plus, "y_plus": _finite(y_plus),
        "x_minus": x_minus, "y_minus": _finite(y_minus),
        "forward": _finite(forward), "central": _finite(central), "exact": _finite(slope_exact),
        "intercept": _finite(b), "tangent_intercept": _finite(tangent_b),
        "forward_error": _finite(abs(forward - slope_exact)),
        "central_error": _finite(abs(central - slope_exact)),
        # the central difference is lost only when both sides round back to x (just below a
        # power of two the floats are twice as dense, so x - δ may survive where x + δ does not)
        "lost_forward": x_plus == x, "lost_central": x_plus == x and x_minus == x,
        "corner": bool(exact.corner), "jump": bool(exact.jump),
    }


def _number(record: dict, key: str) -> float:
    value = record[key]
    if value is None:
        raise ValueError(f"{key} is not a finite number for {record['formula']} at x = "
                         f"{record['x']}, delta = {record['delta']}")
    return value


def forward_slope(f: str = "square", x: float = 1.0, delta: float = BOOK_DELTA) -> float:
    """The forward difference (f(x + δ) - f(x)) / δ: the book's approximate derivative."""
    return _number(slope(f, x, delta), "forward")


def central_slope(f: str = "square", x: float = 1.0, delta: float = BOOK_DELTA) -> float:
    """The central difference (f(x + δ) - f(x - δ)) / (2 δ)."""
    return _number(slope(f, x, delta), "central")


def exact_slope(f: str = "square", x: float = 1.0) -> float:
    """f'(x) by the rules of calculus (dual numbers)."""
    return _number(slope(f, x, BOOK_DELTA), "exact")


def intercept(f: str = "square", x: float = 1.0, delta: float = BOOK_DELTA) -> float:
    """The book's b = y - m·x of the line through (x + δ, f(x + δ)) with the slope m."""
    return _number(slope(f, x, delta), "intercept")


def value_at(f: str = "square", x: float = 1.0) -> float:
    """f(x)."""
    return _number(slope(f, x, BOOK_DELTA), "y")


def tangent_intercept(f: str = "square", x: float = 1.0) -> float:
    """b of the true tangent y = f'(x)·t + b at x: f(x) - f'(x)·x."""
    return _number(slope(f, x, BOOK_DELTA), "tangent_intercept")


def forward_error(f: str = "square", x: float = 1.0, delta: float = BOOK_DELTA) -> float:
    return _number(slope(f, x, delta), "forward_error")


def central_error(f: str = "square", x: float = 1.0, delta: float = BOOK_DELTA) -> float:
    return _number(slope(f, x, delta), "central_error")


# ---- the error against δ ----------------------------------------------------------------------

def deltas(per_decade: int = 8, largest: float = 1.0, smallest: float = 1e-16) -> np.ndarray:
    """δ from `largest` down to `smallest`, `per_decade` per factor of ten, each rounded to 3
    significant digits (so the page can write every one of them exactly)."""
    per_decade = validate.integer_in_range("per_decade", per_decade, 1, 100)
    hi = math.log10(validate.positive("largest", largest))
    lo = math.log10(validate.positive("smallest", smallest, largest))
    count = int(round((hi - lo) * per_decade)) + 1
    return np.array([float(f"{10.0 ** (hi - k / per_decade):.3g}") for k in range(count)])


def higher_derivatives(f: str = "sine", x: float = 1.0) -> tuple[float, float]:
    """(f''(x), f'''(x)), by differences of the exact slope f' (dual numbers).

    f'' = (f'(x + h) - f'(x - h)) / 2h with h = 1e-5 and f''' = (f'(x + h) - 2 f'(x) + f'(x - h))
    / h² with h = 1e-3: errors far below the precision a prediction of δ* needs. A value below
    the rounding noise of these differences (a polynomial's missing third derivative) is 0.
    """
    text = formula(f)
    x = validate.real_number("x", x)
    with np.errstate(all="ignore"):
        h2, h3 = 1e-5, 1e-3
        s2 = dual.derivative(text, np.array([x - h2, x + h2])).slope
        s3 = dual.derivative(text, np.array([x - h3, x, x + h3])).slope
        second = float((s2[1] - s2[0]) / ((x + h2) - (x - h2)))
        third = float((s3[2] - 2.0 * s3[1] + s3[0]) / (h3 * h3))
    noise2 = 8 * EPS * float(np.max(np.abs(s2))) / h2
    noise3 = 16 * EPS * float(np.max(np.abs(s3))) / (h3 * h3)
    return (0.0 if abs(second) <= noise2 else second), (0.0 if abs(third) <= noise3 else third)


def error_curve(f: str = "sine", x: float = 1.0, per_decade: int = 8) -> list[dict]:
    """The error of both differences at every δ of `deltas(per_decade)`, with the two parts
    the reasoning predicts for each (None where a part is zero or a number is not finite):

    truncation  |f''| δ / 2 (forward), |f'''| δ² / 6 (central): the Taylor series' first
                neglected term
    rounding    ε |f(x)| / δ (forward), ε |f(x)| / (2 δ) (central): f's values are rounded to
                about ε |f| each, and their difference is divided by the step
    Records: {delta, forward_error, central_error, forward_truncation, central_truncation,
    forward_rounding, central_rounding, lost_forward, lost_central}.
    """
    text, g = _compiled(f)
    x = validate.real_number("x", x)
    steps = deltas(per_decade)
    exact = float(dual.derivative(text, x).slope)
    second, third = higher_derivatives(text, x)
    with np.errstate(all="ignore"):
        fx = float(g(np.float64(x)))
        rows = []
        for d in steps:
            fwd = float(numdiff.forward_difference(g, x, d))
            cen = float(numdiff.central_difference(g, x, d))
            rows.append({
                "delta": float(d),
                "forward_error": _finite(abs(fwd - exact)),
                "central_error": _finite(abs(cen - exact)),
                "forward_truncation": _finite(abs(second) * d / 2) if second else None,
                "central_truncation": _finite(abs(third) * d * d / 6) if third else None,
                "forward_rounding": _finite(EPS * abs(fx) / d) if fx else None,
                "central_rounding": _finite(EPS * abs(fx) / (2 * d)) if fx else None,
                "lost_forward": bool(x + d == x),
                "lost_central": bool(x + d == x and x - d == x),
            })
    return rows


def best_delta(method: str = "forward", f: str = "sine", x: float = 1.0,
               per_decade: int = 8) -> float:
    """The δ of `error_curve` where the method's error is smallest (the largest such δ)."""
    validate.choice("method", method, numdiff.METHODS)
    rows = error_curve(f, x, per_decade)
    errors = [math.inf if r[f"{method}_error"] is None else r[f"{method}_error"] for r in rows]
    return rows[int(np.argmin(errors))]["delta"]


def smallest_error(method: str = "forward", f: str = "sine", x: float = 1.0,
                   per_decade: int = 8) -> float:
    """The smallest error of the method over `error_curve`."""
    validate.choice("method", method, numdiff.METHODS)
    return min(r[f"{method}_error"] for r in error_curve(f, x, per_decade)
               if r[f"{method}_error"] is not None)


def predicted_best_delta(method: str = "forward", f: str = "sine", x: float = 1.0) -> float:
    """The δ where truncation + rounding is smallest, by the closed form:

    forward:  |f''| δ / 2 + ε |f| / δ        is smallest at δ* = sqrt(2 ε |f| / |f''|)
    central:  |f'''| δ² / 6 + ε |f| / (2 δ)  is smallest at δ* = (3 ε |f| / (2 |f'''|))^(1/3)
    For sin at 1 these are sqrt(2 ε) and (1.5 ε tan 1)^(1/3), of the order of sqrt(ε) and
    ε^(1/3).
    """
    validate.choice("method", method, numdiff.METHODS)
    text, g = _compiled(f)
    x = validate.real_number("x", x)
    fx = abs(float(g(np.float64(x))))
    second, third = higher_derivatives(text, x)
    part = second if method == "forward" else third
    if not (fx and part and math.isfinite(fx)):
        which = "second" if method == "forward" else "third"
        raise ValueError(f"no finite optimum: f(x) or its {which} derivative is 0 at x = {x}")
    if method == "forward":
        return math.sqrt(2 * EPS * fx / abs(part))
    return (3 * EPS * fx / (2 * abs(part))) ** (1 / 3)


def error_ratio(method: str = "central", small: float = 1e-12, large: float = BOOK_DELTA,
                f: str = "sine", x: float = 1.0) -> float:
    """How many times larger the method's error is at δ = `small` than at δ = `large`."""
    validate.choice("method", method, numdiff.METHODS)
    record_small, record_large = slope(f, x, small), slope(f, x, large)
    return _number(record_small, f"{method}_error") / _number(record_large, f"{method}_error")


def epsilon() -> float:
    """ε, the spacing of float64 numbers near 1."""
    return EPS


def sqrt_epsilon() -> float:
    return math.sqrt(EPS)


def cbrt_epsilon() -> float:
    return EPS ** (1 / 3)


# ---- the same for a network's loss ------------------------------------------------------------

# Networks with exactly 10 ... 1,000,000 parameters: [inputs, hidden, 1], tanh, squared error.
# D = (inputs + 1) hidden + hidden + 1 = (inputs + 2) hidden + 1.
NETWORKS = {
    10: (1, 3, 1),
    100: (9, 9, 1),
    1_000: (25, 37, 1),
    10_000: (97, 101, 1),
    100_000: (367, 271, 1),
    1_000_000: (997, 1001, 1),
}
COUNTED = (10, 100, 1_000, 10_000)  # the sizes the chart runs (and counts); beyond, the formula
EXAMPLES = 10  # the examples every network's loss averages over
GRADIENT_DELTA = 1e-6  # the step of the numerical gradients (inside both methods' good range)


def _size(parameters) -> int:
    parameters = validate.integer_in_range("parameters", parameters, 1, max(NETWORKS))
    if parameters not in NETWORKS:
        raise validate.ArgumentValueError(
            "parameters", f"parameters must be one of {', '.join(f'{n:,}' for n in NETWORKS)}, "
                          f"got {parameters:,}")
    return parameters


def network(parameters: int = 100, seed: int = 0, examples: int = EXAMPLES):
    """(layer sizes, X (N, inputs), y (N, 1), theta (D,)) of the network with `parameters`
    parameters: inputs and targets y = sin(sum of the inputs) drawn from Generator(seed),
    Xavier-initialised weights, zero biases."""
    rng = validate.rng_from_seed(seed)
    sizes = NETWORKS[_size(parameters)]
    examples = validate.integer_in_range("examples", examples, 1, 1000)
    X = rng.standard_normal((examples, sizes[0]))
    y = np.sin(X.sum(axis=1, keepdims=True))
    theta = nets.init_params(sizes, rng, "xavier")
    return sizes, X, y, theta


def relative_difference(numerical, backprop) -> float:
    """max_i |numerical_i - backprop_i| / max_i |backprop_i|: the largest disagreement, as a
    fraction of the largest partial derivative (robust where a single partial is near 0)."""
    numerical = np.asarray(numerical, dtype=np.float64)
    backprop = np.asarray(backprop, dtype=np.float64)
    scale = float(np.max(np.abs(backprop)))
    with np.errstate(all="ignore"):
        return float(np.max(np.abs(numerical - backprop)) / scale) if scale else math.nan


def network_error_curve(parameters: int = 100, per_decade: int = 4, seed: int = 0) -> list[dict]:
    """The numerical gradient of the network's loss against backprop's at every δ of
    `deltas(per_decade)`: records {delta, method, relative_difference (None if not finite)}."""
    sizes, X, y, theta = network(parameters, seed)
    _, backprop = nets.loss_and_grad(theta, sizes, X, y)
    rows = []
    for d in deltas(per_decade):
        for method in numdiff.METHODS:
            with np.errstate(all="ignore"):
                grad = numdiff.network_numerical_gradient(theta, sizes, X, y, delta=float(d),
                                                          method=method).grad
            rows.append({"delta": float(d), "method": method,
                         "relative_difference": _finite(relative_difference(grad, backprop))})
    return rows


def network_best_delta(method: str = "forward", parameters: int = 100, seed: int = 0) -> float:
    """The δ where the network's numerical gradient agrees best with backprop."""
    validate.choice("method", method, numdiff.METHODS)
    rows = [r for r in network_error_curve(parameters, seed=seed) if r["method"] == method]
    values = [math.inf if r["relative_difference"] is None else r["relative_difference"]
              for r in rows]
    return rows[int(np.argmin(values))]["delta"]


def network_difference_at(method: str = "central", delta: float = BOOK_DELTA,
                          parameters: int = 100, seed: int = 0) -> float:
    """The network's relative difference (numerical vs backprop) at one δ."""
    validate.choice("method", method, numdiff.METHODS)
    sizes, X, y, theta = network(parameters, seed)
    _, backprop = nets.loss_and_grad(theta, sizes, X, y)
    with np.errstate(all="ignore"):
        grad = numdiff.network_numerical_gradient(theta, sizes, X, y, delta=float(delta),
                                                  method=method).grad
    return relative_difference(grad, backprop)


# ---- what a numerical gradient costs ----------------------------------------------------------

# the parameters of one block times D, in numbers (2 MB): one frame of a streamed numerical
# gradient stays short (a Stop is read between frames), whatever the size of the network
BLOCK_NUMBERS = 2**18


def gradient_check_steps(parameters: int = 100, method: str = "central", seed: int = 0,
                         delta: float = GRADIENT_DELTA) -> Iterator[dict]:
    """The numerical gradient of the network's loss, a block of parameters at a time, counting
    every forward pass it makes; backprop's gradient first, for the comparison.

    Each block is `numdiff.numerical_gradient` on the block's parameters (the others held
    fixed), through the network's population loss, which counts the rows it evaluates times the
    N examples. The loss at theta itself, which a forward difference needs, is computed once
    and remembered, as `numdiff.numerical_gradient` does for a whole gradient: the count is
    (D + 1) N (forward) or 2 D N (central), the formula of `numdiff.forward_passes_numerical`,
    but counted, not assumed.

    Frames: {done (parameters so far), parameters, forward_passes (counted so far),
    formula_passes (the whole gradient's, by the formula), relative_difference (so far),
    seconds (numerical, so far), backprop_seconds, finished}. The last has finished True.
    """
    sizes, X, y, theta = network(parameters, seed)
    validate.choice("method", method, numdiff.METHODS)
    delta = validate.positive("delta", delta, 1.0)
    D, N = theta.size, X.shape[0]
    task = train.network_task(sizes, X, y)
    started = time.perf_counter()
    _, backprop, _ = task.loss_and_grad(theta, None)
    backprop_seconds = time.perf_counter() - started
    count = {"rows": 0}

    def population_loss(thetas: np.ndarray) -> np.ndarray:
        count["rows"] += thetas.shape[0]
        return task.population_loss(thetas, None)

    started = time.perf_counter()
    base = population_loss(theta[None, :])[0] if method == "forward" else None
    seconds = time.perf_counter() - started  # the numerical gradient's own time, so far
    block = max(1, min(D, BLOCK_NUMBERS // D))
    scale = float(np.max(np.abs(backprop))) or math.nan
    grad = np.full(D, np.nan)
    frame = {"parameters": D, "examples": N, "method": method, "delta": delta,
             "formula_passes": numdiff.forward_passes_numerical(D, N, method),
             "backprop_forward": N, "backprop_backward": N,
             "backprop_compute": train.compute(*numdiff.passes_backprop(N)),
             "backprop_seconds": backprop_seconds}
    for start in range(0, D, block):
        clock = time.perf_counter()
        idx = np.arange(start, min(D, start + block))

        def block_loss(rows: np.ndarray, idx=idx) -> np.ndarray:
            if base is not None and rows.shape[0] == 1 and np.array_equal(rows[0], theta[idx]):
                return np.array([base])  # the remembered loss at theta
            full = np.repeat(theta[None, :], rows.shape[0], axis=0)
            full[:, idx] = rows
            return population_loss(full)

        with np.errstate(all="ignore"):
            grad[idx] = numdiff.numerical_gradient(block_loss, theta[idx], delta, method,
                                                   chunk=len(idx))
        seconds += time.perf_counter() - clock
        done = int(idx[-1]) + 1
        yield {**frame, "done": done, "forward_passes": count["rows"] * N,
               # the parameters done so far, against the whole gradient's largest partial
               "relative_difference": _finite(float(np.max(np.abs(grad[:done] - backprop[:done])))
                                              / scale),
               "seconds": seconds, "finished": done == D}


@functools.lru_cache(maxsize=32)
def gradient_check(parameters: int = 100, method: str = "central", seed: int = 0) -> dict:
    """The last frame of `gradient_check_steps`: the whole numerical gradient, counted."""
    *_, last = gradient_check_steps(parameters, method, seed)
    return last


def counted_forward_passes(parameters: int = 100, method: str = "forward") -> int:
    """Forward passes the numerical gradient of the network made, counted while it ran."""
    return int(gradient_check(parameters, method)["forward_passes"])


def formula_forward_passes(parameters: int = 100, method: str = "forward",
                           examples: int = EXAMPLES) -> int:
    """(D + 1) N (forward) or 2 D N (central): `numdiff.forward_passes_numerical`."""
    return numdiff.forward_passes_numerical(_size(parameters), examples, method)


def backprop_forward_passes(examples: int = EXAMPLES) -> int:
    """Backprop's forward passes for one gradient: one per example (and as many backward)."""
    return numdiff.passes_backprop(examples)[0]


def backprop_compute(examples: int = EXAMPLES) -> int:
    """One backprop gradient in forward-pass equivalents: N + BACKWARD_COST · N."""
    return train.compute(*numdiff.passes_backprop(examples))


def backward_cost() -> int:
    """Forward passes one backward pass is counted as (`train.BACKWARD_COST`)."""
    return train.BACKWARD_COST


def gradient_difference(parameters: int = 100, method: str = "central") -> float:
    """Numerical against backprop gradient, max |difference| / max |partial derivative|."""
    return float(gradient_check(parameters, method)["relative_difference"])


def cost_ratio(parameters: int = 100, method: str = "forward", examples: int = EXAMPLES) -> float:
    """How many times the compute of one backprop gradient the numerical gradient costs."""
    return formula_forward_passes(parameters, method, examples) / backprop_compute(examples)


def cost_table(sizes=tuple(NETWORKS), counted=COUNTED) -> list[dict]:
    """One row per network size and way of getting the gradient: {parameters, way, passes
    (forward-pass equivalents for one gradient on N examples), source ("counted" by running it
    or "formula"), relative_difference (counted rows of the numerical ways)}."""
    rows = []
    for D in sizes:
        _size(D)
        for method in numdiff.METHODS:
            if D in counted:
                check = gradient_check(D, method)
                passes, source = check["forward_passes"], "counted"
                difference = check["relative_difference"]
            else:
                passes, source, difference = formula_forward_passes(D, method), "formula", None
            rows.append({"parameters": D, "way": f"numerical, {method} difference",
                         "passes": int(passes), "source": source,
                         "relative_difference": difference})
        # backprop's N forward and N backward passes are its definition, not a count
        rows.append({"parameters": D, "way": "backpropagation", "passes": backprop_compute(),
                     "source": "formula", "relative_difference": None})
    return rows
