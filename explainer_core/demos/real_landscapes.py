"""Demo "race": gradient descent, momentum, Adam and evolution on one compute budget, live.

It runs the experiment of the `optimizer_race` chart (`landscape_figures.race_runs`) and streams
its rows, one record at a time, into that same chart on the page (the build puts the chart inside
the demo; the page feeds it through the Vega view API). With the chart's own settings the live
run ends on exactly the picture the build drew; with the reader's settings it draws a new one.

Methods (typed fields arrive as the strings the reader typed):
    setup(task, steps, lr_scale, seed)   the checked settings, the methods and the compute budget
    run(task, steps, lr_scale, seed)     a generator of frames: one `runs` row each, then a summary

The methods advance in step on compute: the next record always comes from the method that has
spent the least so far, so both panels of the chart grow together, from left to right.
"""

from __future__ import annotations

import math
from typing import Iterator

from .. import train, validate
from ..chapters.real_landscapes import (RACE_TASKS, race_budget, race_loss_label, race_record,
                                       race_runs, race_steps)

# The tasks the page offers, as [value, label] pairs, sent in setup()'s reply.
TASK_LABELS = {"sine": "sine network", "rosenbrock": "Rosenbrock surface",
               "himmelblau": "Himmelblau surface", "beale": "Beale surface",
               "rastrigin": "Rastrigin surface"}
CHART = "optimizer_race"  # drawn by the build inside the demo, fed live by the page
MAX_STEPS = 5_000  # keeps a run in the browser under a minute
MAX_LR_SCALE = 1_000.0
# The typed fields: `label` is also the name a bad value's error gives as `arg`.
FIELDS = {
    "steps": {"label": "steps", "default": "", "min": 1, "max": MAX_STEPS,
              "hint": "gradient steps of compute for every method; empty: the chart's"},
    "lr_scale": {"label": "learning-rate scale", "default": "1", "min": 0.0, "max": MAX_LR_SCALE,
                 "hint": "multiplies every learning rate"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}


def _settings(task, steps, lr_scale, seed) -> dict:
    task = validate.choice("task", task, RACE_TASKS)
    if steps in (None, ""):
        steps = race_steps(task)
    return {
        "task": task,
        "steps": validate.integer_in_range(FIELDS["steps"]["label"], steps, 1, MAX_STEPS),
        "lr_scale": validate.positive(FIELDS["lr_scale"]["label"], lr_scale, MAX_LR_SCALE),
        "seed": validate.seed(seed, FIELDS["seed"]["label"]),
    }


def _default_first(task: str) -> bool:
    return task != "sine"


def _fields(task: str) -> dict:
    """FIELDS, the steps hint giving this task's default."""
    steps = {**FIELDS["steps"], "hint": f"gradient steps of compute for every method; empty: "
                                        f"{race_steps(task):,}, the chart's"}
    return {**FIELDS, "steps": steps}


def setup(task: str = "sine", steps="", lr_scale="1", seed="0") -> dict:
    """The settings as numbers, the methods in the race, the compute each one gets, and what the
    loss axis measures on this task."""
    settings = _settings(task, steps, lr_scale, seed)
    return {
        **settings,
        "loss_label": race_loss_label(settings["task"]),
        "tasks": [[task, TASK_LABELS[task]] for task in sorted(RACE_TASKS, key=_default_first)],
        "fields": _fields(settings["task"]),
        "methods": [label for label, _ in race_runs(**settings)],
        "budget": race_budget(settings["task"], settings["steps"]),
    }


def run(task: str = "sine", steps="", lr_scale="1", seed="0") -> Iterator[dict]:
    """Frames `{"row": {...}}` (one `runs` row) or `{"diverged": ..., "marker": row}` (the
    method's last finite row, a `diverged` row of the chart), then `{"summary": ...}`."""
    settings = _settings(task, steps, lr_scale, seed)
    racing = {label: generator for label, generator in race_runs(**settings)}
    spent = dict.fromkeys(racing, 0)
    last: dict[str, dict] = {}
    diverged: dict[str, dict] = {}
    while racing:
        label = min(racing, key=spent.__getitem__)  # the method furthest behind on compute
        record = next(racing[label], None)
        if record is None:
            del racing[label]
            continue
        spent[label] = train.compute(record["forward_passes"], record["backward_passes"])
        if not math.isfinite(record["loss"]):
            diverged[label] = {"method": label, "step": record["step"],
                               "loss": "not a number" if math.isnan(record["loss"]) else "infinity"}
            del racing[label]
            # `row`: the method's last finite row, where the chart marks the divergence
            yield {"diverged": diverged[label], "marker": last.get(label),
                   "message": _diverged_message(diverged[label])}
            continue
        last[label] = race_record(label, record)
        yield {"row": last[label]}
    yield {"summary": _summary(last, diverged), "message": _final_message(last, diverged)}


def _diverged_message(d: dict) -> str:
    return (f"{d['method']} diverged at step {d['step']}: its loss became {d['loss']}. Each step "
            "overshot the valley by more than the last; lower the learning-rate scale.")


def _summary(last: dict[str, dict], diverged: dict[str, dict]) -> list[dict]:
    """Each method's final loss and the compute it spent, best first; diverged ones last."""
    finished = sorted(last.values(), key=lambda row: (row["method"] in diverged, row["loss"]))
    return [
        {"method": row["method"], "loss": row["loss"], "compute": row["compute"],
         "step": row["step"], "diverged": row["method"] in diverged}
        for row in finished
    ]


def _final_message(last: dict[str, dict], diverged: dict[str, dict]) -> str:
    ranked = [row for row in sorted(last.values(), key=lambda row: row["loss"])
              if row["method"] not in diverged]
    if not ranked:
        return "Every method diverged: lower the learning-rate scale."
    text = "Lowest loss for the compute: " + ", then ".join(
        f"{row['method']} ({row['loss']:.3g})" for row in ranked) + "."
    if diverged:
        text += " Diverged: " + ", ".join(sorted(diverged)) + "."
    return text


METHODS = {"setup": setup, "run": run}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("train:run", "the-race-at-equal-cost"),
    ("optim:sgd", "the-race-at-equal-cost"),
    ("optim:adam", "the-race-at-equal-cost"),
)

