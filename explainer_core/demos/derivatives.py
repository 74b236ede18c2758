"""Demo "derivatives": the slope of a function at a point, and the price of a network's gradient.

A thin JSON adapter over `chapters.derivatives`. Methods (typed fields arrive as the strings the
reader typed; a bad one raises an error whose `arg` is the field's label):

    setup()                         the page's fields, buttons, choices and first evaluation
    evaluate(f, x, delta, curves)   the secant, the tangent, both differences, the exact slope
                                    and a sentence when something is special (lost step, corner,
                                    jump, vertical tangent, a side where f is not defined);
                                    with curves: f on the plot's range and the error against δ
    shrink(f, x)                    a run: δ from 1 down to 1e-16, one frame per step, the last
                                    saying where each difference came closest
    plan(parameters, method)        the cost by the formula, before running
    count(parameters, method)       a run: the numerical gradient of a network, a block of
                                    parameters per frame, forward passes counted, against backprop
"""

from __future__ import annotations

import math
import re

import numpy as np

from .. import dual, expr, numdiff, usercode, validate
from ..chapters import derivatives as chapter

FIELDS = {
    "f": {"label": "f(x)", "default": "2*x^2",
          "hint": "any formula in x: + − * / ^, sin, cos, exp, log, sqrt, abs, …"},
    "x": {"label": "x", "default": "1", "min": chapter.X_RANGE[0], "max": chapter.X_RANGE[1]},
    "delta": {"label": "δ", "default": "0.0001", "min": chapter.DELTA_RANGE[0],
              "max": chapter.DELTA_RANGE[1]},
}
# the examples the page's picker fills in for f: [formula, label]
PRESETS = (("2*x", "2x"), ("2*x^2", "2x²"), ("sin(x)", "sin x"), ("exp(x)", "eˣ"),
           ("abs(x)", "|x|"))
# the δ slider: log10 δ in steps of a quarter decade
SLIDER = {"min": -16, "max": 0, "step": 0.25}
SLIDER_PER_DECADE = 4  # = 1 / SLIDER["step"]
SHRINK_PER_DECADE = 4
PLOT_X = (-4.0, 4.0)  # the curve panel's x range (x in [-3, 3], x ± δ with δ <= 1)
CURVE_POINTS = 321
NETWORK_CHOICES = tuple((str(D), f"{D:,} parameters") for D in chapter.NETWORKS)
DEFAULT_NETWORK = "1000"
METHOD_CHOICES = (("forward", "forward difference"), ("central", "central difference"))
# what is special at a point (evaluate's and shrink's `outcome`), and how the page shows it
OUTCOMES = {"lost": "warning", "jump": "warning", "corner": "info", "vertical": "warning",
            "side": "warning", "ok": "info"}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
ALLOWED = "use x, numbers, + − * / ^ and functions such as sin, exp, log, sqrt, abs"


def sci(value: float, digits: int = 2) -> str:
    """A number for a sentence: 0.0001, 4.0002, 2.1 × 10⁻⁸ (never "nan" or "inf")."""
    if value is None or not math.isfinite(value):
        return "not a finite number"
    if value == 0:
        return "0"
    if 1e-4 <= abs(value) < 1e5:
        return f"{value:.{digits + 2}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = str(int(exponent)).translate(SUPERSCRIPT)
    return f"10{power}" if mantissa in ("1", "1.0") else f"{mantissa} × 10{power}"


# what a program prints for a missing or non-finite number: never echoed back to the reader,
# who would take it for the page's own failure
RAW_WORDS = {"nan", "inf", "infinity", "none", "null", "undefined"}


def _quote(match: re.Match) -> str:
    """A name the reader typed, quoted back when it is a plain short word, else left out."""
    word = match.group(1)
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,19}", word) and word.lower() not in RAW_WORDS
    return f"“{word}”" if plain else "(that one)"


def _formula(f) -> str:
    """The reader's formula, checked; an error beside the f(x) field otherwise."""
    label = FIELDS["f"]["label"]
    if not isinstance(f, str):
        raise validate.ArgumentTypeError(label, f"{label} must be a formula like 2*x^2")
    try:
        expr.parse(f)
    except (ValueError, TypeError) as error:
        text = str(error)
        prefix = f"expression {f!r}: "
        reason = text[len(prefix):] if text.startswith(prefix) else text
        reason = re.sub(r"'([^']*)'", _quote, reason.split("; allowed:")[0])
        raise validate.ArgumentValueError(label, f"{label}: {reason}; {ALLOWED}.") from None
    return f.strip()


def _x(x) -> float:
    spec = FIELDS["x"]
    return validate.number_in_range(spec["label"], x, spec["min"], spec["max"])


def _delta(delta) -> float:
    """δ in (0, 1]; the message says what δ may be, and what was typed only if it is a number."""
    label, high = FIELDS["delta"]["label"], FIELDS["delta"]["max"]
    try:
        value = validate.real_number(label, delta)
    except (ValueError, TypeError):
        value = math.nan
    if not 0.0 < value <= high:
        got = f", got {value:g}" if math.isfinite(value) else ""
        raise validate.ArgumentValueError(
            label, f"{label} must be a number above 0 and at most {high:g}{got}")
    return value


def _word(value: float) -> str:
    if math.isnan(value):
        return "not a number"
    return "infinite" if value > 0 else "minus infinity"


def _message(record: dict) -> tuple[str, str]:
    """(outcome, sentence) for what is special at this x and δ, else ("ok", "")."""
    x, d = record["x"], record["delta"]
    gap = float(np.spacing(x)) if x != 0 else 0.0
    if record["jump"]:
        return "jump", (f"f jumps at x = {x:g}: it has no slope there, and both differences grow "
                        f"like 1/δ as δ shrinks.")
    if record["lost_forward"]:
        side = ("x − δ does not, so the central difference still runs, one-sided."
                if not record["lost_central"] else "so does x − δ: both differences are 0 / 0.")
        return "lost", (f"x + δ rounds back to x: δ = {sci(d)} is less than half the gap between "
                        f"float64 numbers near {x:g} ({sci(gap)}), so the step is lost and the "
                        f"forward difference is 0 / 0; {side}")
    if record["x_minus"] == x:
        return "lost", (f"x − δ rounds back to x: δ = {sci(d)} is less than half the gap "
                        f"between float64 numbers just below {x:g}, so the central difference "
                        f"runs one-sided, from x to x + δ.")
    if record["exact"] is None:
        exact = float(dual.derivative(record["formula"], x).slope)
        if math.isinf(exact):
            return "vertical", (f"The slope at x = {x:g} is infinite: the tangent is vertical, "
                                f"and the differences grow without bound as δ shrinks.")
        return "vertical", (f"The rules of calculus give no slope at x = {x:g} (it comes out "
                            f"as not a number): f is not differentiable here.")
    if record["corner"]:
        return "corner", (f"At x = {x:g} f sits on a corner (abs or relu at 0): the slopes from "
                          f"the left and the right can differ, so f may have no single slope. "
                          f"The forward difference measures the right one, the central "
                          f"difference their average.")
    if record["y_minus"] is None or record["y_plus"] is None:
        where, at = (("x − δ", record["x_minus"]) if record["y_minus"] is None
                     else ("x + δ", record["x_plus"]))
        return "side", (f"f is not defined at {where} = {at:.6g}, so a difference that needs "
                        f"it cannot be computed here.")
    return "ok", ""


def _no_slope(record: dict) -> dict:
    """The record as the page shows it: at a corner or a jump there is no exact slope to
    compare with (the rules' value there is a convention), so no exact slope and no errors."""
    if not (record["corner"] or record["jump"]):
        return record
    return {**record, "exact": None, "tangent_intercept": None, "forward_error": None,
            "central_error": None}


def _curve(formula: str) -> dict:
    xs = np.linspace(*PLOT_X, CURVE_POINTS)
    ys = expr.compile_expression(formula)(x=xs)
    finite = ys[np.isfinite(ys)]
    if finite.size:
        lo, hi = np.percentile(finite, [1, 99])
    else:
        lo, hi = -1.0, 1.0
    return {"x": xs, "y": ys, "y_range": [float(lo), float(hi)]}


def evaluate(f="2*x^2", x="1", delta="0.0001", curves: bool = True) -> dict:
    """The slope of f at x with the step δ (a `chapter.slope` record), the sentence for what is
    special here, and (with `curves`) f on the plot's range and the error curve at x."""
    formula = _formula(f)
    x = _x(x)
    delta = _delta(delta)
    curves = validate.flag("curves", curves)
    record = chapter.slope(formula, x, delta)
    if record["y"] is None:
        value = float(dual.derivative(formula, x).value)
        raise validate.ArgumentValueError(
            FIELDS["f"]["label"], f"f({x:g}) is {_word(value)}: f is not defined at this x; "
                                  f"move x or change f.")
    outcome, text = _message(record)
    out = {"slope": _no_slope(record), "outcome": outcome, "message": text}
    if curves:
        out["curve"] = _curve(formula)
        # no error curve where there is no slope to err from
        # at the slider's own steps (a quarter decade), so the current δ lies on the curve
        out["errors"] = ([] if record["corner"] or record["jump"]
                         else chapter.error_curve(formula, x, SLIDER_PER_DECADE))
        out["epsilon"] = chapter.EPS
    return out


def setup() -> dict:
    """The fields, buttons and choices the page offers, and the first evaluation."""
    first = evaluate(FIELDS["f"]["default"], FIELDS["x"]["default"], FIELDS["delta"]["default"])
    return {
        "fields": FIELDS,
        "presets": PRESETS,
        "slider": SLIDER,
        "plot_x": PLOT_X,
        "choices": {"parameters": NETWORK_CHOICES, "method": METHOD_CHOICES},
        "default_network": DEFAULT_NETWORK,
        "examples": chapter.EXAMPLES,
        "backward_cost": chapter.backward_cost(),
        "outcomes": OUTCOMES,
        "first": first,
    }


def shrink(f="2*x^2", x="1", per_decade=SHRINK_PER_DECADE):
    """δ from 1 down to 1e-16 at x: one frame per δ ({delta, slope, outcome, message}); the last
    says, as `summary`, where each difference came closest to the exact slope."""
    formula = _formula(f)
    x = _x(x)
    per_decade = validate.integer_in_range("per_decade", per_decade, 1, 8)
    evaluate(formula, x, 1.0, curves=False)  # f must be defined at x: else an error at once
    best = {m: (math.inf, None) for m in numdiff.METHODS}
    steps = chapter.deltas(per_decade)
    for k, d in enumerate(steps):
        record = chapter.slope(formula, x, float(d))
        for method in numdiff.METHODS:
            error = record[f"{method}_error"]
            if error is not None and error < best[method][0]:
                best[method] = (error, float(d))
        outcome, text = _message(record)
        frame = {"delta": float(d), "slope": _no_slope(record), "outcome": outcome, "message": text,
                 "done": k == len(steps) - 1}
        if frame["done"]:
            frame["summary"] = _summary(best, record)
        yield frame


def _summary(best: dict, last: dict) -> str:
    parts = []
    for method in numdiff.METHODS:
        error, d = best[method]
        name = method.capitalize()
        if d is None:
            parts.append(f"{name} difference: no finite slope.")
        elif error == 0:
            parts.append(f"{name} difference: exact at δ = {sci(d)} (its rounding errors cancel "
                         f"here).")
        else:
            parts.append(f"{name} difference: closest at δ = {sci(d)} (off by {sci(error)}).")
    return (f"δ went from 1 to {sci(last['delta'])}. {parts[0]} {parts[1]} Below those, rounding "
            f"takes over.")


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "an unknown time"
    if seconds < 1:
        return f"{seconds * 1000:.2g} ms"
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= (2 if unit == "days" else 1) * size:
            amount = seconds / size
            return f"about {amount:.1f} {unit}" if amount < 10 else f"about {amount:.0f} {unit}"
    return f"about {seconds:.0f} seconds" if seconds >= 2 else f"{seconds:.1f} s"


def count(parameters="1000", method="central"):
    """The numerical gradient of the network with `parameters` parameters, streamed a block at a
    time (`chapter.gradient_check_steps`): each frame adds `progress` (a sentence) and
    `eta_seconds`; the last (finished) adds `summary` with the comparison to backprop."""
    label = "parameters"
    D = validate.integer_in_range(label, parameters, 1, max(chapter.NETWORKS))
    method = validate.choice("method", method, numdiff.METHODS)
    for frame in chapter.gradient_check_steps(D, method):
        done, total = frame["done"], frame["parameters"]
        rate = frame["seconds"] / done
        eta = rate * (total - done)
        out = {**frame, "eta_seconds": eta,
               "progress": (f"{done:,} of {total:,} parameters · {frame['forward_passes']:,} "
                            f"forward passes counted"
                            + ("" if frame["finished"] else f" · {_duration(eta)} to go"))}
        if frame["finished"]:
            out["summary"] = _count_summary(frame)
        else:
            # what the page says if the reader stops here
            out["stop_text"] = (f"after {done:,} of {total:,} parameters "
                                f"({frame['forward_passes']:,} forward passes counted). The whole "
                                f"gradient needs {frame['formula_passes']:,} forward passes by "
                                f"the formula: {_duration(frame['seconds'] + eta)} at this pace. "
                                f"Backpropagation took {_duration(frame['backprop_seconds'])} "
                                f"for all of them.")
        yield out


def _formula_text(method: str) -> str:
    return "(D + 1)·N" if method == "forward" else "2·D·N"


def plan(parameters="1000", method="central") -> dict:
    """What the numerical gradient of the network will cost, by the formula (before counting)."""
    D = validate.integer_in_range("parameters", parameters, 1, max(chapter.NETWORKS))
    method = validate.choice("method", method, numdiff.METHODS)
    passes = chapter.formula_forward_passes(D, method)
    N, compute = chapter.EXAMPLES, chapter.backprop_compute()
    return {
        "parameters": D, "method": method, "examples": N, "formula_passes": passes,
        "formula": f"{_formula_text(method)} with D = {D:,}, N = {N}",
        "backprop_compute": compute,
        "backprop_text": (f"{N} forward + {N} backward passes = {compute} forward-pass "
                          f"equivalents (a backward pass counted as {chapter.backward_cost()})"),
        "text": (f"By the formula the {method}-difference gradient needs {passes:,} forward "
                 f"passes, {passes / compute:,.0f} times backpropagation's compute. Press Count "
                 f"forward passes to run it and count them."),
    }


def _count_summary(frame: dict) -> str:
    D, N, method = frame["parameters"], frame["examples"], frame["method"]
    formula = _formula_text(method)
    ratio = frame["forward_passes"] / frame["backprop_compute"]
    return (f"The {method}-difference gradient of {D:,} parameters on {N} examples made "
            f"{frame['forward_passes']:,} forward passes, counted ({formula} = "
            f"{frame['formula_passes']:,}), in {_duration(frame['seconds'])}. Backpropagation: "
            f"{N} forward and {N} backward passes, {frame['backprop_compute']:,} forward-pass "
            f"equivalents, in {_duration(frame['backprop_seconds'])}: {ratio:,.0f} times less "
            f"compute. "
            f"The two gradients differ by at most {sci(frame['relative_difference'])} of the "
            f"largest partial derivative.")


METHODS = {"setup": setup, "evaluate": evaluate, "plan": plan, "shrink": shrink, "count": count}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("numdiff:forward_difference", "forward-and-central-differences"),
    ("numdiff:central_difference", "forward-and-central-differences"),
    ("numdiff:tangent_line", "the-tangent-line"),
)

# the function the reader may rewrite in the Python panel (explainer_core.usercode): NNFS's slope
EDITABLE = {"numdiff:forward_difference": usercode.returns_like("x")}

