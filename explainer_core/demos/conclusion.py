"""Demo "conclusion": the verdict race. Adam against local search at equal compute.

A thin JSON adapter over `chapters.conclusion`: the reader picks a task (a smooth 1-D fit, a
sphere with D parameters, the binary-step XOR) and the settings; both methods start from the
seed's point and spend the same budget of forward-pass equivalents (a backward pass counts
two). Typed fields arrive as the strings the reader typed.

Methods:
    setup(task, dimension, budget, lr, sigma, seed)   the start, the page's choices and fields
    race(task, dimension, budget, lr, sigma, seed)    a generator of frames, one per
                                                     budget / POINTS of compute (and light
                                                     tick frames between them on a big
                                                     sphere); the last carries `outcome`
                                                     and `reason`
"""

from __future__ import annotations

import math
from typing import Iterator

from .. import validate
from ..chapters import conclusion as chapter

POINTS = 200  # frames per race (compute checkpoints after the start)
# At most about this many numbers (parameters times compute) are worked through between two
# frames, so that the worker can read a Stop within a chunk's 30 ms: a race whose frames would
# hold more yields light `{"tick": true}` frames in between.
WORK_PER_FRAME = 100_000
MAX_BUDGET = 300_000  # forward-pass equivalents: a few seconds in a browser

FIELDS = {
    "dimension": {"label": "dimension", "default": str(chapter.DIMENSION), "min": 1,
                  "max": chapter.MAX_DIMENSION, "hint": "parameters of the sphere"},
    "budget": {"label": "budget", "default": str(chapter.BUDGET), "min": 1, "max": MAX_BUDGET,
               "hint": "forward passes each method may spend (a backward pass counts 2)"},
    "lr": {"label": "learning rate", "default": str(chapter.LR), "min": 0,
           "max": chapter.MAX_LR, "hint": "Adam's step size"},
    "sigma": {"label": "mutation scale", "default": str(chapter.SIGMA), "min": 0,
              "max": chapter.MAX_SIGMA, "hint": "σ of local search (10 children a generation)"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
EXPECTED = {
    "dimension": f"a whole number from 1 to {chapter.MAX_DIMENSION:,}",
    "budget": f"a whole number from 1 to {MAX_BUDGET:,}",
    "learning rate": f"a number above 0 and at most {chapter.MAX_LR:g}",
    "mutation scale": f"a number above 0 and at most {chapter.MAX_SIGMA:g}",
    "seed": f"a whole number from 0 to {validate.MAX_SEED:,}",
}
OUTCOMES = {"done": "info", "stalled": "warning", "diverged": "error"}


def _typed(label: str, value, check):
    """`check(number)` of what the reader typed into the field `label`; else one message that
    says what the field takes (its range), never printing a non-finite number."""
    number = None
    try:
        number = validate.real_number(label, value)
        return check(number)
    except ValueError as error:
        if number is None and "empty" in str(error):
            raise
        got = "" if number is None or not math.isfinite(number) else f", got {number:g}"
        raise validate.ArgumentValueError(label, f"{label} must be {EXPECTED[label]}{got}") from None


def _whole(low, high):
    def check(number):
        if number != int(number) or not low <= number <= high:
            raise ValueError
        return int(number)
    return check


def _open(high):
    def check(number):
        if not 0.0 < number <= high:
            raise ValueError
        return float(number)
    return check


def settings(task="fit", dimension=FIELDS["dimension"]["default"],
             budget=FIELDS["budget"]["default"], lr=FIELDS["lr"]["default"],
             sigma=FIELDS["sigma"]["default"], seed="0") -> dict:
    """The reader's settings, checked: each error names its field and its range."""
    return {
        "task": validate.choice("task", task, chapter.TASKS),
        "dimension": _typed("dimension", dimension, _whole(1, chapter.MAX_DIMENSION)),
        "budget": _typed("budget", budget, _whole(1, MAX_BUDGET)),
        "lr": _typed("learning rate", lr, _open(chapter.MAX_LR)),
        "sigma": _typed("mutation scale", sigma, _open(chapter.MAX_SIGMA)),
        "seed": _typed("seed", seed, _whole(0, validate.MAX_SEED)),
    }


def _state(record: dict) -> dict:
    return {"loss": record["loss"], "step": record["step"], "spent": record["compute"]}


def setup(task="fit", dimension=FIELDS["dimension"]["default"],
          budget=FIELDS["budget"]["default"], lr=FIELDS["lr"]["default"],
          sigma=FIELDS["sigma"]["default"], seed="0") -> dict:
    """The checked settings, the start (the same point for both methods), the target line and
    the page's choices and fields."""
    s = settings(task, dimension, budget, lr, sigma, seed)
    loss = chapter.start_loss(s["task"], s["dimension"], s["seed"])
    return {
        **s,
        "choices": {"task": [[t, chapter.TASK_NAMES[t]] for t in chapter.TASKS]},
        "fields": FIELDS,
        "outcomes": OUTCOMES,
        "methods": [[m, chapter.METHOD_NAMES[m]] for m in chapter.METHODS],
        "parameters": chapter.parameters(s["task"], s["dimension"]),
        "target": chapter.TARGETS[s["task"]],
        "start": {"compute": 0, "methods": {m: {"loss": loss, "step": 0, "spent": 0}
                                            for m in chapter.METHODS}},
        "points": POINTS,
    }


def _number(value: float) -> str:
    if value >= 1e-3 or value == 0:
        return f"{value:.3g}"
    return f"{value:.2e}".replace("e-0", "e-")  # as the page writes it: 3.02e-4


def _ending(s: dict, states: dict) -> tuple[str, str]:
    adam, ls = states["adam"], states["local_search"]
    for name in chapter.METHODS:
        st = states[name]
        if st["loss"] is None or not math.isfinite(st["loss"]):
            return "diverged", (
                f"{chapter.METHOD_NAMES[name]} diverged at update {st['step']:,}: its loss became "
                "too large to represent (not a finite number), so its run stopped there. A "
                "smaller learning rate or mutation scale keeps the steps in range.")
    text = (f"Done: {s['budget']:,} forward passes each. Adam: loss {_number(adam['loss'])} after "
            f"{adam['step']:,} steps. Local search: loss {_number(ls['loss'])} after "
            f"{ls['step']:,} generations.")
    target = chapter.TARGETS[s["task"]]
    reached = [chapter.METHOD_NAMES[m] for m in chapter.METHODS if states[m]["loss"] <= target]
    text += (f" Below the target {target:g}: {' and '.join(reached)}." if reached else
             f" Neither got below the target {target:g}.")
    if s["task"] == "xor" and adam["step"] > 0 and adam["loss"] == states["start_loss"]:
        return "stalled", text + (" Adam never moved: every unit is a binary step, whose "
                                  "derivative is 0, so the gradient is exactly 0.")
    return "done", text


def race(task="fit", dimension=FIELDS["dimension"]["default"],
         budget=FIELDS["budget"]["default"], lr=FIELDS["lr"]["default"],
         sigma=FIELDS["sigma"]["default"], seed="0", points: int = POINTS) -> Iterator[dict]:
    """Both methods on the chosen task: one frame per budget / points of compute,
    {index, points, compute, methods: {adam: state, local_search: state}, done}; a state is
    {loss, step, spent}. The last frame adds `outcome` and `reason`."""
    s = settings(task, dimension, budget, lr, sigma, seed)
    points = validate.integer_in_range("points", points, 1, 10_000)
    size = s["dimension"] if s["task"] == "sphere" else 1  # the fit and XOR are cheap per pass
    ticks = max(1, math.ceil(s["budget"] / points * size / WORK_PER_FRAME))
    start_loss = None
    for frame in chapter.race_frames(s["task"], s["dimension"], s["budget"], s["lr"],
                                     s["sigma"], chapter.POPULATION, s["seed"], points * ticks):
        if frame["index"] % ticks:
            yield {"tick": True, "done": False}
            continue
        index = frame["index"] // ticks
        states = {m: _state(frame[m]) for m in chapter.METHODS}
        if start_loss is None:
            start_loss = states["adam"]["loss"]
        done = index == points
        out = {"index": index, "points": points, "compute": frame["compute"],
               "methods": states, "done": done}
        if done:
            out["outcome"], out["reason"] = _ending(s, {**states, "start_loss": start_loss})
        yield out


METHODS = {"setup": setup, "race": race}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("search:local_search", "how-the-table-counts"),
    ("optim:adam", "how-the-table-counts"),
    ("train:run", "how-the-table-counts"),
)

