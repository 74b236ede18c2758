"""Demo "gradient-descent-backprop": the chain rule of a 2-2-1 network written out for one example.

A thin JSON adapter over `chapters.gradient_descent` (the same `table` as the "gradient-descent"
demo's, which this module reuses so the two can never differ).

Methods (typed fields arrive as the strings the reader typed):
    setup()                        the fields (the nine parameters, x1, x2, y: labels, defaults,
                                   ranges) and the table at the defaults
    table(w11, ..., c, x1, x2, y)  forward values, local derivatives, each parameter's product of
                                   factors, the same slope by central differences and by nets'
                                   backprop, the largest gap, the cost of the central differences
    step(lr, w11, ..., c, x1, x2, y)
                                   one gradient step on this example, theta - lr * gradient, the
                                   new parameters (clamped to the fields' range)
                                   and the table there; the loss before and after
Each bad number raises `validate.ArgumentValueError` whose `arg` is the label of its field.
"""

from __future__ import annotations

from .. import validate
from ..chapters import gradient_descent as chapter
from . import gradient_descent as base

TABLE_FIELDS = base.TABLE_FIELDS


STEP_LR = {"label": "step size η", "default": "0.1", "min": 0.0, "max": 10.0}


def setup() -> dict:
    """The fields, in the order the page shows them, and the table at their defaults."""
    return {"fields": {**TABLE_FIELDS, "lr": STEP_LR}, "params": list(chapter.PARAM_NAMES),
            "inputs": ["x1", "x2", "y"], "table": table()}


def table(**values) -> dict:
    """The chain rule on one example with both checks (see `gradient_descent.table`)."""
    return base.table(**values)


def step(lr=STEP_LR["default"], **values) -> dict:
    """One step of gradient descent on the example: every parameter moves against its slope."""
    label = STEP_LR["label"]
    rate = validate.real_number(label, lr)
    if not 0 < rate <= STEP_LR["max"]:
        raise validate.ArgumentValueError(
            label, f"{label} must be above 0 and at most {STEP_LR['max']:g} (a rate of {rate:g} "
                   f"would not step downhill)" if rate <= 0 else
                   f"{label} must be above 0 and at most {STEP_LR['max']:g}, got {rate:g}")
    before = table(**values)
    params = {}
    for row in before["rows"]:
        old = float(values.get(row["name"], TABLE_FIELDS[row["name"]]["default"]))
        new = old - rate * row["product"]
        spec = TABLE_FIELDS[row["name"]]
        params[row["name"]] = min(spec["max"], max(spec["min"], new))
    after = table(**{**values, **{k: repr(v) for k, v in params.items()}})
    return {"params": params, "table": after, "loss_before": before["forward"]["loss"],
            "loss_after": after["forward"]["loss"], "lr": rate}


METHODS = {"setup": setup, "table": table, "step": step}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("nets:backprop", "backprop-step-by-step"),
    ("nets:backward", "backprop-step-by-step"),
    ("numdiff:numerical_gradient", "backprop-step-by-step"),
)

