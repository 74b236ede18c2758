"""Demo "gradient-descent": the chain rule written out, and a network the reader trains live.

A thin JSON adapter over `chapters.gradient_descent`.

Methods (typed fields arrive as the strings the reader typed):
    setup()                        the fields (labels, defaults, ranges), the parameter names
    table(w11, ..., c, x1, x2, y)  the 2-2-1 network's chain rule on one example: forward values,
                                   local derivatives, each parameter's product of factors, and the
                                   same derivative by central differences and by nets' backprop
    train(lr, batch_size, steps, seed)
                                   a generator of frames, one per step: {step, loss, test_loss,
                                   epoch, compute}; a one-time `note` when the loss has grown to ten
                                   times its start; the last frame adds done, outcome, message
Each bad setting raises `validate.ArgumentValueError` whose `arg` is the label of its field.
"""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from .. import usercode, validate
from ..chapters import gradient_descent as chapter

MAX_STEPS = 5000
MAX_LR = 100.0
OUTCOMES = {"diverged": "warning", "step_limit": "info"}
GROWN = 10.0  # a loss this many times its start is announced as overshooting

FIELDS = {
    "lr": {"label": "learning rate", "default": "0.1", "min": 0.0, "max": MAX_LR,
           "hint": "try 0.001, 0.1, 0.3"},
    "batch_size": {"label": "batch size", "default": str(chapter.N_TRAIN), "min": 1,
                   "max": chapter.N_TRAIN, "hint": f"1 to {chapter.N_TRAIN}"},
    "steps": {"label": "steps", "default": str(chapter.LR_STEPS), "min": 1, "max": MAX_STEPS},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
TABLE_FIELDS = {name: {"label": label, "default": repr(value), "min": -10.0, "max": 10.0}
                for name, label, value in zip(chapter.PARAM_NAMES, chapter.PARAM_LABELS,
                                              chapter.TABLE_THETA)}
TABLE_FIELDS.update({name: {"label": label, "default": repr(value), "min": -10.0, "max": 10.0}
                     for name, label, value in zip(("x1", "x2", "y"), ("x₁", "x₂", "y"),
                                                   chapter.TABLE_EXAMPLE)})


def setup() -> dict:
    """The fields of both parts and their defaults; the outcomes' styles."""
    return {"fields": FIELDS, "table_fields": TABLE_FIELDS,
            "params": list(chapter.PARAM_NAMES), "outcomes": OUTCOMES,
            "n_train": chapter.N_TRAIN, "n_test": chapter.N_TEST}


def _table_number(name: str, value) -> float:
    spec = TABLE_FIELDS[name]
    return validate.number_in_range(spec["label"], value, spec["min"], spec["max"])


def table(**values) -> dict:
    """The chain rule on one example (the chapter's `backprop_table`) with both checks."""
    unknown = set(values) - set(TABLE_FIELDS)
    if unknown:
        raise validate.ArgumentValueError("settings", f"unknown settings: {sorted(unknown)}")
    numbers = {name: _table_number(name, values.get(name, spec["default"]))
               for name, spec in TABLE_FIELDS.items()}
    theta = np.array([numbers[name] for name in chapter.PARAM_NAMES])
    x1, x2, y = numbers["x1"], numbers["x2"], numbers["y"]
    out = chapter.backprop_table(theta, x1, x2, y)
    numerical = chapter.table_numerical_gradient(theta, x1, x2, y)
    library = chapter.table_backprop_gradient(theta, x1, x2, y)
    for k, row in enumerate(out["rows"]):
        row["numerical"] = float(numerical[k])
        row["library"] = float(library[k])
        row["gap"] = abs(row["product"] - row["numerical"])
    out["largest_gap"] = max(row["gap"] for row in out["rows"])
    out["numerical_cost"] = chapter.numerical_gradient_cost()
    del out["gradient"]
    return out


def check(lr=FIELDS["lr"]["default"], batch_size=FIELDS["batch_size"]["default"],
          steps=FIELDS["steps"]["default"], seed="0") -> dict:
    """The training settings as numbers, or the first bad one's error beside its field."""
    label = FIELDS["lr"]["label"]
    rate = validate.real_number(label, lr)
    if rate <= 0:
        raise validate.ArgumentValueError(
            label, f"learning rate must be above 0 (a rate of {rate:g} would not step downhill)")
    if rate > MAX_LR:
        raise validate.ArgumentValueError(label, f"learning rate must be at most {MAX_LR:g}")
    n = chapter.N_TRAIN
    size = validate.real_number("batch size", batch_size)
    if size != int(size) or not 1 <= size <= n:
        raise validate.ArgumentValueError(
            "batch size", f"batch size must be a whole number from 1 to {n} (the training set "
                          f"has {n} examples), got {size:g}")
    return {"lr": rate, "batch_size": int(size),
            "steps": validate.integer_in_range("steps", steps, 1, MAX_STEPS),
            "seed": validate.seed(seed)}


def train(lr=FIELDS["lr"]["default"], batch_size=FIELDS["batch_size"]["default"],
          steps=FIELDS["steps"]["default"], seed="0") -> Iterator[dict]:
    """SGD on the chapter's network and data, one frame per step (`chapter.training_run`)."""
    c = check(lr, batch_size, steps, seed)
    start = None
    noted = False
    previous = None
    for record in chapter.training_run(c["lr"], c["batch_size"], c["steps"], c["seed"]):
        frame = {"step": record["step"], "loss": record["loss"],
                 "test_loss": record["test_loss"], "epoch": record["epoch"],
                 "compute": record["compute"]}
        if start is None:
            start = record["loss"]
        elif not noted and math.isfinite(record["loss"]) and record["loss"] > GROWN * start:
            noted = True
            frame["note"] = (
                f"Step {record['step']}: the training loss is {record['loss']:.3g}, more than "
                f"{GROWN:g} times its start ({start:.3g}). The steps overshoot: each one jumps "
                f"past the bottom of the valley to a steeper place, and the next jump is longer.")
        if record["diverged"]:
            frame.update(done=True, outcome="diverged", message=(
                f"Diverged at step {record['step']}: the training loss is no longer a finite "
                f"number (it overflowed). At learning rate {c['lr']:g} every step overshot the "
                f"valley by more than the last, so the weights grew without bound. Lower the "
                f"learning rate."))
            if previous is not None:
                yield previous
            yield frame
            return
        if previous is not None:
            yield previous
        previous = frame
    previous.update(done=True, outcome="step_limit", message=_summary(c, previous))
    yield previous


def _summary(c: dict, last: dict) -> str:
    b = c["batch_size"]
    kind = "full batch" if b == chapter.N_TRAIN else f"batches of {b}"
    return (f"After {last['step']} steps ({kind}, {last['epoch']:.3g} epochs, compute "
            f"{last['compute']:,}): training loss {last['loss']:.4g}, test loss "
            f"{last['test_loss']:.4g}.")


METHODS = {"setup": setup, "table": table, "check": check, "train": train}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("train:run", "the-learning-rate"),
    ("optim:sgd", "the-learning-rate"),
    ("optim:descent_step", "the-learning-rate"),
    ("nets:backward", "backprop-step-by-step"),
)

# the function the reader may rewrite in the Python panel (explainer_core.usercode): the step
EDITABLE = {"optim:descent_step": usercode.returns_like("grad")}

