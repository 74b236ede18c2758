"""Demo "function": a network of 1 to 64 neurons, its knobs, and a Fit button.

A thin JSON adapter over `chapters.function`. The page keeps the knobs of 64 neurons (the first
n are the network's) and draws the curve itself while a slider moves (`docs/js/demos/function.js`
computes y_hat(x) = sum_j v_j f(w_j x + b_j) + c from the knobs; the browser tests check it equals
`evaluate`'s curve); every loss it shows comes from here.

Methods (all arguments JSON; typed fields arrive as the strings the reader typed):
    setup(seed)                       the choices, fields, grids, slider ranges and the starting
                                      knobs of 64 neurons (so the page keeps no copy of them)
    target(expression)                the target on the plot's grid, and the plot's y range
    evaluate(expression, activation, width, knobs)   loss, parameter count and curve of the knobs
    fit(expression, activation, width, knobs, every)  a generator of frames: one press of Fit
    knobs(seed)                       fresh random knobs for 64 neurons
`knobs` are the page's {w, b, v, c} of 64 neurons, of which the network uses the first n; a
frame's `theta` is the network's 3n + 1 parameters in `shallow`'s layout [w_1..w_n, b_1..b_n,
v_1..v_n, c].
Every answer that ends a run carries `outcome` (a key of OUTCOMES) beside its sentence.
"""

from __future__ import annotations

import math

import numpy as np

from .. import expr, shallow, validate
from ..chapters import function as chapter

ACTIVATIONS = (("tanh", "tanh"), ("relu", "ReLU"), ("sigmoid", "sigmoid"))
PRESETS = tuple((name, chapter.TARGET_LABELS[name], formula)
                for name, formula in chapter.TARGETS.items())
# The target select: every preset, and the reader's own formula (chosen when the field holds
# anything else).
TARGET_CHOICES = tuple((name, label) for name, label, _ in PRESETS) + (("custom", "your formula"),)
# Typed fields: `label` is also the `arg` a bad value's error names, so the page shows the
# message beside the field it came from.
FIELDS = {
    "expression": {"label": "y(x) =", "default": chapter.TARGETS["sine"]},
    "width": {"label": "neurons", "default": "3", "min": 1, "max": chapter.MAX_WIDTH},
}
SLIDER_NEURONS = 16  # up to this many neurons the page shows a slider for every knob
SLIDER_RANGE = {"w": 10.0, "b": 10.0, "v": 3.0, "c": 3.0}  # each slider spans [-r, r] at first
CURVE_X = np.linspace(chapter.DOMAIN[0], chapter.DOMAIN[1], 240)  # the plot's grid (no x = 0)
FRAME_EVERY = 10  # Adam steps between the frames a live Fit draws
OUTCOMES = {"converged": "info", "step_limit": "info", "diverged": "warning"}


def _expression(expression) -> np.ndarray:
    """The target at the chapter's samples; a refusal names the formula field."""
    try:
        return chapter.target_values(expression)
    except (ValueError, TypeError) as error:
        kind = validate.ArgumentTypeError if isinstance(error, TypeError) else validate.ArgumentValueError
        raise kind(FIELDS["expression"]["label"], str(error)) from None


def _width(width) -> int:
    spec = FIELDS["width"]
    return validate.integer_in_range(spec["label"], width, spec["min"], spec["max"])


def _activation(activation) -> str:
    return validate.choice("activation", activation, [v for v, _ in ACTIVATIONS])


def _theta(knobs, width: int) -> np.ndarray:
    """The network's 3n + 1 parameters from the page's knobs {w, b, v, c} of (up to) 64 neurons:
    the first n neurons' w, b and v, then c. None: the starting knobs of seed 0."""
    if knobs is None:
        return chapter.initial_params(width, 0)
    if not isinstance(knobs, dict):
        raise validate.ArgumentTypeError("knobs", "knobs must be an object {w, b, v, c}")
    parts = []
    for kind in ("w", "b", "v"):
        values = validate.float_array(f"knobs {kind}", knobs.get(kind, []), ndim=1)
        if values.shape[0] < width:
            raise validate.ArgumentValueError(
                "knobs", f"{width} neurons need {width} values of {kind}, got {values.shape[0]}")
        parts.append(values[:width])
    parts.append([validate.real_number("knobs c", knobs.get("c"))])
    return np.concatenate(parts)


def _knobs(seed) -> dict:
    theta = chapter.initial_params(chapter.MAX_WIDTH, validate.seed(seed))
    w, b, v, c = shallow.split(theta)
    return {"w": w, "b": b, "v": v, "c": float(c), "seed": int(seed)}


def setup(seed: int = 0) -> dict:
    """What the page offers and draws from, and the starting knobs for `seed`."""
    return {
        "domain": list(chapter.DOMAIN),
        "samples": chapter.SAMPLES,
        "curve_x": CURVE_X,  # the x of every curve evaluate() returns and the page draws
        "choices": {"activation": ACTIVATIONS, "target": TARGET_CHOICES, "presets": PRESETS},
        "fields": FIELDS,
        "slider_neurons": SLIDER_NEURONS,
        "slider_range": SLIDER_RANGE,
        "knobs": _knobs(seed),
        "steps": chapter.STEPS,
        "learning_rate": chapter.LEARNING_RATE,
        "outcomes": OUTCOMES,
    }


def knobs(seed: int = 0) -> dict:
    """Fresh random knobs for 64 neurons (`chapter.initial_params`)."""
    return _knobs(seed)


def target(expression=FIELDS["expression"]["default"]) -> dict:
    """The target on the plot's grid (null where it has no value) and a y range that shows it."""
    y = _expression(expression)
    shown = expr.compile_expression(expression)(x=CURVE_X)  # checked above: it parses
    lo, hi = float(np.min(y)), float(np.max(y))
    pad = max(0.25 * (hi - lo), 0.25)
    return {"expression": expression.strip(), "y": shown, "range": [lo - pad, hi + pad]}


def evaluate(expression=FIELDS["expression"]["default"], activation: str = "tanh", width="3",
             knobs=None) -> dict:
    """The loss (mean squared error at the chapter's samples) of the knobs, their count, and the
    curve on the plot's grid. Without knobs: the starting knobs of seed 0."""
    y = _expression(expression)
    activation = _activation(activation)
    n = _width(width)
    theta = _theta(knobs, n)
    out = chapter.curve(theta, activation)
    return {
        "loss": float(np.mean((out - y) ** 2)),
        "width": n,
        "parameters": chapter.parameter_count(n),
        "curve": chapter.curve(theta, activation, CURVE_X),
    }


def _amount(x: float) -> str:
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "infinity"
    return f"{x:.3g}"


def fit(expression=FIELDS["expression"]["default"], activation: str = "tanh", width="3",
        knobs=None, every: int = FRAME_EVERY):
    """One press of Fit: up to chapter.STEPS Adam steps from the knobs; a frame every `every` steps
    {step, loss, theta, done} and the last with {outcome, reason}."""
    _expression(expression)
    activation = _activation(activation)
    n = _width(width)
    theta = _theta(knobs, n)
    every = validate.integer_in_range("every", every, 1, chapter.STEPS)
    start = None
    for record in chapter.fit_run(theta, str(expression), activation):
        step, loss, outcome = record["step"], record["loss"], record["outcome"]
        if start is None:
            start = loss
        frame = {"step": step, "loss": loss, "theta": record["theta"], "done": outcome is not None}
        if outcome:
            frame["outcome"], frame["reason"] = outcome, _reason(outcome, step, start, loss)
            yield frame
            return
        if step % every == 0:
            yield frame


def _reason(outcome: str, step: int, start: float, loss: float) -> str:
    if outcome == "diverged":
        return (f"The fit diverged after {step} steps: the loss became {_amount(loss)}. The "
                "knobs grew without bound; press New random knobs and try again.")
    if outcome == "converged":
        return (f"Fit matched the target after {step} steps: the mean squared error is "
                f"{loss:.2g}, below {chapter.TOLERANCE:g}.")
    fell = start / loss if loss > 0 else math.inf
    text = (f"Fit ran {step} steps of Adam (learning rate {chapter.LEARNING_RATE:g}): the loss "
            f"went from {_amount(start)} to {_amount(loss)}")
    if fell < 1.01:
        return text + (". It barely moved: these knobs are about as good as training gets from "
                       "here. Try more neurons.")
    return text + ". Press Fit again to go on."


METHODS = {"setup": setup, "target": target, "evaluate": evaluate, "fit": fit, "knobs": knobs}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("shallow:pieces", "a-sum-of-neurons-builds-a-curve"),
    ("shallow:forward", "a-sum-of-neurons-builds-a-curve"),
)

