"""Demo "dimensions": how many random mutations improve the loss, as the parameters grow.

A thin JSON adapter over `chapters.dimensions.count_improving`: the reader picks the number of
parameters D on a log scale (2 to 10,000), the mutation size sigma and how it follows D, the
landscape (the sphere |theta|^2 or a 1-h-1 tanh network with about D parameters) and how many
mutations to draw; the count comes in chunk by chunk, beside the closed form on the sphere.

Methods (typed fields arrive as the strings the reader typed):
    setup(...)   the page's choices, fields and the D ticks, and the settings checked
    count(task, d, sigma, scaling, samples, seed)
                 a generator of frames, one per chunk of mutations (the running count); the
                 last one says in words what came out (`reason`, `outcome`)
"""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from .. import validate
from ..chapters import dimensions as chapter

# the D the slider offers: 2 to 10,000, evenly on a log scale (101 stops, whole numbers)
TICKS = sorted({int(round(v)) for v in np.geomspace(2, 10_000, 101)} | {10, 100, 1000})
DEFAULT_D = 100
MAX_SIGMA = 10.0
MAX_SAMPLES = 10_000
TASK_CHOICES = (("sphere", "sphere |θ|², at distance 1 from its minimum"),
                ("network", "1-h-1 tanh network on sin 2πx"))
SCALING_CHOICES = (("fixed", "σ per parameter, the same at every D"),
                   ("sqrt", "σ/√D: the mutation's length stays σ"),
                   ("linear", "σ/D: shrinks with D"))
FIELDS = {
    "sigma": {"label": "σ", "default": "0.01", "min": 0, "max": MAX_SIGMA,
              "hint": "mutation size, above 0 and at most 10"},
    "samples": {"label": "mutations", "default": "1000", "min": 10, "max": MAX_SAMPLES,
                "hint": "how many to draw, 10 to 10,000"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
EXPECTED = {"σ": f"a number above 0 and at most {MAX_SIGMA:g}",
            "mutations": f"a whole number from 10 to {MAX_SAMPLES:,}",
            "seed": f"a whole number from 0 to {validate.MAX_SEED:,}"}
OUTCOMES = {"done": "info", "none": "warning"}


def _typed(label: str, value, check):
    """`check(number)` of what the reader typed into `label`, or one message naming the range."""
    number = None
    try:
        number = validate.real_number(label, value)
        return check(number)
    except ValueError as error:
        if number is None and "empty" in str(error):
            raise
        got = "" if number is None else f", got {number:g}"
        raise validate.ArgumentValueError(label, f"{label} must be {EXPECTED[label]}{got}") from None


def _sigma(number):
    if not 0.0 < number <= MAX_SIGMA:
        raise ValueError("σ")
    return number


def _settings(task, d, sigma, scaling, samples, seed) -> dict:
    task = validate.choice("landscape", task, [v for v, _ in TASK_CHOICES])
    scaling = validate.choice("scaling", scaling, [v for v, _ in SCALING_CHOICES])
    d = validate.integer_in_range("D", d, 1, 10_000)
    sigma = _typed("σ", sigma, _sigma)
    samples = _typed("mutations", samples,
                     lambda n: validate.integer_in_range("mutations", n, 10, MAX_SAMPLES))
    seed = _typed("seed", seed, lambda n: validate.seed(n))
    return {"task": task, "d": d, "sigma": sigma, "scaling": scaling, "samples": samples,
            "seed": seed}


def _percent(p: float) -> str:
    return "less than 0.1%" if 0 < p < 0.001 else f"{p:.1%}"


def _network_text(d: int) -> str:
    h = chapter.hidden_units(d)
    return f"a 1-{h}-1 network: 3 × {h} + 1 = {chapter.network_parameters(d):,} parameters"


def setup(task="sphere", d=DEFAULT_D, sigma=FIELDS["sigma"]["default"], scaling="fixed",
          samples=FIELDS["samples"]["default"], seed="0") -> dict:
    """The page's choices, fields and D ticks, and the settings checked."""
    settings = _settings(task, d, sigma, scaling, samples, seed)
    return {**settings,
            "choices": {"task": [list(p) for p in TASK_CHOICES],
                        "scaling": [list(p) for p in SCALING_CHOICES]},
            "fields": FIELDS, "ticks": TICKS, "default_d": DEFAULT_D, "outcomes": OUTCOMES}


def describe(d: int, task: str = "sphere") -> dict:
    """What D means for the landscape: the parameters it really has, in words."""
    d = validate.integer_in_range("D", d, 1, 10_000)
    task = validate.choice("landscape", task, [v for v, _ in TASK_CHOICES])
    if task == "sphere":
        return {"parameters": d, "text": f"{d:,} parameters"}
    return {"parameters": chapter.network_parameters(d), "text": _network_text(d)}


def count(task="sphere", d=DEFAULT_D, sigma=FIELDS["sigma"]["default"], scaling="fixed",
          samples=FIELDS["samples"]["default"], seed="0") -> Iterator[dict]:
    """The running count of improving mutations, one frame per chunk; the last carries
    `reason` and `outcome`."""
    s = _settings(task, d, sigma, scaling, samples, seed)
    what = describe(s["d"], s["task"])["text"]
    last = None
    for record in chapter.count_improving(s["task"], s["d"], s["sigma"], s["scaling"],
                                          s["samples"], s["seed"]):
        if last is not None:
            yield last
        last = {**record, "what": what,
                "length": record["scale"] * math.sqrt(record["parameters"])}
    n, k = last["done"], last["improved"]
    text = (f"Done (seed {s['seed']}): {k:,} of {n:,} mutations of size {last['scale']:.3g} per parameter "
            f"lowered the loss ({_percent(k / n)}) with {last['parameters']:,} parameters.")
    if last["formula"] is not None:
        text += f" The formula Φ(−σD/2) gives {_percent(last['formula'])}."
    if k == 0:
        text += (" Not one went downhill: each mutation's length, about σ√D, was far larger "
                 "than the useful part of it along the way down.")
    last.update(reason=text, outcome="done" if k else "none")
    yield last


METHODS = {"setup": setup, "describe": describe, "count": count}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("search:mutate", "one-random-mutation-in-d-dimensions"),
)

