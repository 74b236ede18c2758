"""Demo "gradient-descent-batches": mini-batch SGD against full-batch gradient descent.

A thin JSON adapter over `chapters.gradient_descent`: the chapter's 1-16-1 network, data and
held-out test set, learning rate `chapter.BATCH_LR` unless the reader changes it.

Methods (typed fields arrive as the strings the reader typed):
    setup()                          fields, budgets, and what a step costs
    check(lr, batch_size, seed, budget)
                                     the settings as numbers and the step's cost, or the first bad
                                     one's error beside its field
    cost(batch_size)                 one step's forward and backward passes and compute, and the
                                     steps an epoch takes (counted by running one step)
    train(lr, batch_size, seed, budget)
                                     a generator of frames of the mini-batch run: {step, compute,
                                     epoch, loss, test_loss}; budget "steps" runs BATCH_STEPS steps,
                                     "compute" as many as the compute of BATCH_STEPS full-batch
                                     steps buys; the first frame adds `full`, the full-batch run
                                     from the same start (same records); the last frame adds done,
                                     outcome, message
    seeds(lr, batch_size, budget)    a generator of one frame per seed of `chapter.SEEDS`: the end
                                     of that seed's mini-batch run and of its full-batch run
"""

from __future__ import annotations

import math
from typing import Iterator

from .. import validate
from ..chapters import gradient_descent as chapter
from . import gradient_descent as base

BUDGETS = [["steps", f"equal steps ({chapter.BATCH_STEPS})"],
           ["compute", "equal compute"]]
OUTCOMES = {"diverged": "warning", "step_limit": "info"}
MAX_LR = base.MAX_LR
POINTS = 200  # about this many records of a run are sent

FIELDS = {
    "lr": {"label": "learning rate", "default": repr(chapter.BATCH_LR), "min": 0.0,
           "max": MAX_LR},
    "batch_size": {"label": "batch size", "default": "1", "min": 1, "max": chapter.N_TRAIN,
                   "hint": f"1 to {chapter.N_TRAIN}"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}


def setup() -> dict:
    return {"fields": FIELDS, "choices": {"budget": BUDGETS}, "outcomes": OUTCOMES,
            "n_train": chapter.N_TRAIN, "n_test": chapter.N_TEST,
            "steps": chapter.BATCH_STEPS, "equal_compute": chapter.equal_compute(),
            "seeds": list(chapter.SEEDS), "cost": cost(FIELDS["batch_size"]["default"])}


def _check(lr, batch_size, seed="0", budget="steps") -> dict:
    c = base.check(lr=lr, batch_size=batch_size, steps="1", seed=seed)
    c["budget"] = validate.choice("budget", budget, [b for b, _ in BUDGETS])
    return c


def check(lr=FIELDS["lr"]["default"], batch_size=FIELDS["batch_size"]["default"], seed="0",
          budget="steps") -> dict:
    c = _check(lr, batch_size, seed, budget)
    return {**c, "cost": cost(c["batch_size"])}


def cost(batch_size=FIELDS["batch_size"]["default"]) -> dict:
    """What one step on `batch_size` examples costs, and the steps of one epoch."""
    b = _check(chapter.BATCH_LR, batch_size)["batch_size"]
    return {"batch_size": b, "forward": chapter.step_cost(b, "forward"),
            "backward": chapter.step_cost(b, "backward"),
            "compute": chapter.step_cost(b, "compute"),
            "steps_per_epoch": chapter.step_cost(b, "steps_per_epoch"),
            "full_compute": chapter.step_cost(chapter.N_TRAIN, "compute")}


def _records(c: dict, batch_size: int):
    """The chapter's run for the settings `c` at `batch_size`, recorded about POINTS times."""
    if c["budget"] == "steps":
        every = max(1, chapter.BATCH_STEPS // POINTS)
        return chapter.training_run(c["lr"], batch_size, chapter.BATCH_STEPS, c["seed"],
                                    record_every=every)
    budget = chapter.equal_compute()
    every = max(1, budget // (3 * batch_size) // POINTS)
    return chapter.training_run(c["lr"], batch_size, 10**6, c["seed"], max_compute=budget,
                                record_every=every)


def _frame(record: dict) -> dict:
    return {"step": record["step"], "compute": record["compute"], "epoch": record["epoch"],
            "loss": record["loss"], "test_loss": record["test_loss"]}


def train(lr=FIELDS["lr"]["default"], batch_size=FIELDS["batch_size"]["default"],
          seed="0", budget="steps") -> Iterator[dict]:
    """The mini-batch run, one frame per record; the full-batch run rides on the first frame."""
    c = _check(lr, batch_size, seed, budget)
    full = [_frame(r) for r in _records(c, chapter.N_TRAIN)]
    previous = None
    for record in _records(c, c["batch_size"]):
        frame = _frame(record)
        if previous is None:
            frame["full"] = full
        if record["diverged"]:
            frame.update(done=True, outcome="diverged", message=(
                f"Diverged at step {record['step']}: the training loss is no longer a finite "
                f"number. At learning rate {c['lr']:g} with batches of {c['batch_size']} the "
                f"steps overshot by more each time until the weights overflowed. Lower the "
                f"learning rate."))
            if previous is not None:
                yield previous
            yield frame
            return
        if previous is not None:
            yield previous
        previous = frame
    previous.update(done=True, outcome="step_limit", message=_summary(c, previous, full[-1]))
    yield previous


def _number(value) -> str:
    return f"{value:.4g}" if value is not None and math.isfinite(value) else "not a number"


def _summary(c: dict, last: dict, full: dict) -> str:
    b = c["batch_size"]
    budget = ("at equal steps" if c["budget"] == "steps"
              else f"at equal compute ({chapter.equal_compute():,} forward-pass equivalents)")
    return (f"{budget[0].upper()}{budget[1:]}: batches of {b} took {last['step']:,} steps "
            f"({last['epoch']:.3g} epochs), training loss {_number(last['loss'])}, test loss "
            f"{_number(last['test_loss'])}; the full batch took {full['step']:,} steps, "
            f"training loss {_number(full['loss'])}, test loss {_number(full['test_loss'])}.")


def seeds(lr=FIELDS["lr"]["default"], batch_size=FIELDS["batch_size"]["default"],
          budget="steps") -> Iterator[dict]:
    """For each of the chapter's seeds, the end of the mini-batch run and of the full-batch run."""
    c = _check(lr, batch_size, "0", budget)
    for k, s in enumerate(chapter.SEEDS):
        c["seed"] = s
        ends = {}
        for name, b in (("mini", c["batch_size"]), ("full", chapter.N_TRAIN)):
            last = None
            for last in _records(c, b):
                pass
            ends[name] = _frame(last)
        frame = {"seed": s, **ends}
        if k == len(chapter.SEEDS) - 1:
            frame.update(done=True, outcome="step_limit",
                         message=f"{len(chapter.SEEDS)} seeds done.")
        yield frame


METHODS = {"setup": setup, "check": check, "cost": cost, "train": train, "seeds": seeds}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("train:minibatches", "mini-batches"),
    ("train:run", "mini-batches"),
)

