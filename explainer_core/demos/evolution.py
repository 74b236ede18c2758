"""Demo "evolution": the chapter's mutation and selection, live, as JSON in and out.

Methods (typed fields arrive as the strings the reader typed):
    setup(...)        the page's choices and fields (defaults, ranges), the data, the start
    evolve(...)       one whole run of `chapters.evolution.evolve`: its numbers
    run(..., start, until, curves_ms)
                      a generator of frames, one per round: the parent's loss, the mutation
                      rate, the forward passes, the rounds with no better child; the parent's
                      curve and a few children's at most every `curves_ms` ms and in the last
                      frame. A run resumed at `start` replays its first rounds (the seed fixes
                      them) and yields only `{round, catch_up: true}` meanwhile; it stops after
                      round `until` (a Step) or at the last round, whose frame says why.

A bad value raises a validate error whose `arg` is the field's label, so the page can show the
message beside the field.
"""

from __future__ import annotations

import math
import time
from typing import Iterator

import numpy as np

from .. import usercode, validate
from ..chapters import evolution as chapter

MAX_POPULATION = 1000
MAX_ROUNDS = 20_000
MAX_RATE = 10.0
FIELDS = {
    "population": {"label": "population", "default": "20", "min": 1, "max": MAX_POPULATION,
                   "hint": "children per round"},
    "mutation_rate": {"label": "mutation rate", "default": "0.05", "min": 0, "max": MAX_RATE,
                      "hint": "noise standard deviation"},
    "decay": {"label": "decay", "default": "1", "min": 0, "max": 1,
              "hint": "rate × this each round"},
    "reset_after": {"label": "reset after", "default": "0", "min": 0, "max": MAX_ROUNDS,
                    "hint": "stuck rounds before the rate resets (0: never)"},
    "fraction": {"label": "fraction", "default": "0.1", "min": 0, "max": 1,
                 "hint": "share of weights mutated"},
    "rounds": {"label": "rounds", "default": "300", "min": 1, "max": MAX_ROUNDS},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
EXPECTED = {
    "population": f"a whole number from 1 to {MAX_POPULATION:,}",
    "mutation rate": f"a number above 0 and at most {MAX_RATE:g}",
    "decay": "a number above 0 and at most 1",
    "reset after": f"a whole number from 0 (never) to {MAX_ROUNDS:,}",
    "fraction": "a number above 0 and at most 1",
    "rounds": f"a whole number from 1 to {MAX_ROUNDS:,}",
    "seed": f"a whole number from 0 to {validate.MAX_SEED:,}",
}
CHOICES = {
    "method": [["local", "mutation and selection (one parent)"],
               ["genetic", "genetic algorithm (crossover, P/4 parents)"]],
    "mutate": [["many", "mutate many (a random fraction)"], ["one", "mutate one (a single weight)"]],
    # how fast Play goes: rounds per second, or as fast as the machine can
    "speed": [["full", "as fast as it goes"], ["10", "10 rounds a second"],
              ["2", "2 rounds a second"]],
}
OUTCOMES = {"done": "info", "stalled": "warning", "step": "info"}
CURVES_MS = 50
CATCH_UP_MS = 25


def _typed(label: str, value, check):
    """`check(number)` of what the reader typed into the field `label`; one message saying what
    the field takes (never printing a non-finite number) when it is not that."""
    number = None
    try:
        number = validate.real_number(label, value)
        result = check(number)
    except ValueError as error:
        if number is None and "empty" in str(error):
            raise
        result = None
    if result is None:
        got = "" if number is None or not math.isfinite(number) else f", got {number:g}"
        raise validate.ArgumentValueError(label, f"{label} must be {EXPECTED[label]}{got}")
    return result


def _whole(low, high):
    return lambda n: int(n) if n == int(n) and low <= n <= high else None


def _open(high):
    return lambda n: float(n) if 0.0 < n <= high else None


def _settings(population, mutation_rate, decay, reset_after, fraction, rounds, seed, method,
              mutate) -> dict:
    out = {
        "population": _typed("population", population, _whole(1, MAX_POPULATION)),
        "sigma": _typed("mutation rate", mutation_rate, _open(MAX_RATE)),
        "decay": _typed("decay", decay, _open(1.0)),
        "reset_after": _typed("reset after", reset_after, _whole(0, MAX_ROUNDS)),
        "fraction": _typed("fraction", fraction, _open(1.0)),
        "rounds": _typed("rounds", rounds, _whole(1, MAX_ROUNDS)),
        "seed": _typed("seed", seed, _whole(0, validate.MAX_SEED)),
        "method": validate.choice("method", method, chapter.METHOD_NAMES),
        "mutate": validate.choice("mutate", mutate, chapter.MUTATIONS),
    }
    validate.memory(out["population"], chapter.parameter_count())
    return out


def _chapter_args(s: dict) -> dict:
    return {"population": s["population"], "sigma": s["sigma"], "decay": s["decay"],
            "mutate": s["mutate"], "fraction": s["fraction"], "rounds": s["rounds"],
            "seed": s["seed"], "method": s["method"], "reset_after": s["reset_after"] or None}


def _defaults():
    return {name: spec["default"] for name, spec in FIELDS.items()}


def setup(population="20", mutation_rate="0.05", decay="1", reset_after="0", fraction="0.1",
          rounds="300", seed="0", method="local", mutate="many") -> dict:
    s = _settings(population, mutation_rate, decay, reset_after, fraction, rounds, seed, method,
                  mutate)
    theta = chapter.start(s["seed"])
    x = chapter.curve_x()
    return {"fields": FIELDS, "choices": CHOICES, "outcomes": OUTCOMES,
            "parameters": chapter.parameter_count(), "samples": chapter.SAMPLES,
            "x": x.tolist(), "target": np.sin(x).tolist(),
            "start": {"round": 0, "loss": chapter.start_loss(s["seed"]),
                      "parent": chapter.curves(theta)[0].tolist()},
            "settings": {k: v for k, v in s.items()}}


def evolve(population="20", mutation_rate="0.05", decay="1", reset_after="0", fraction="0.1",
           rounds="300", seed="0", method="local", mutate="many") -> dict:
    s = _settings(population, mutation_rate, decay, reset_after, fraction, rounds, seed, method,
                  mutate)
    return chapter.evolve(**_chapter_args(s))


def _ending(s: dict, first: float, last: dict) -> tuple[str, str]:
    what = ("the genetic algorithm" if s["method"] == "genetic"
            else f"mutate {s['mutate']}")
    text = (f"Done: {last['round']:,} rounds of {s['population']:,} children with {what} "
            f"({last['forward_passes']:,} forward passes). The loss went from {first:.4g} to "
            f"{last['loss']:.4g}; {last['stuck']:,} of the {last['round']:,} rounds found no "
            "better child.")
    if not last["loss"] < first:
        return "stalled", text + (
            f" No child ever beat the start: with a mutation rate of {s['sigma']:g} every change "
            "was too large to help. Try a smaller rate.")
    return "done", text


def run(population="20", mutation_rate="0.05", decay="1", reset_after="0", fraction="0.1",
        rounds="300", seed="0", method="local", mutate="many", start: int = 0,
        until: int | None = None, curves_ms: float = CURVES_MS) -> Iterator[dict]:
    s = _settings(population, mutation_rate, decay, reset_after, fraction, rounds, seed, method,
                  mutate)
    total = s["rounds"]
    start = validate.integer_in_range("start", start, 0, total)
    if start == total:
        start = 0  # a finished run: Play runs it again
    until = total if until is None else validate.integer_in_range("until", until, start + 1,
                                                                    total)
    curves_ms = validate.number_in_range("curves_ms", curves_ms, 0.0, 1e9)
    last_curves = -math.inf
    last_catch_up = time.perf_counter()
    first = None
    warned = False
    for r in chapter.rounds_of(**_chapter_args(s)):
        k = r["round"]
        if first is None:
            first = r["loss"]
        if k == 0 or (k <= start and k < until):
            if k and (time.perf_counter() - last_catch_up) * 1000 >= CATCH_UP_MS:
                last_catch_up = time.perf_counter()
                yield {"round": k, "rounds": total, "catch_up": True, "done": False}
            continue
        done = k >= total
        frame = {"round": k, "rounds": total, "loss": r["loss"], "sigma": r["sigma"],
                 "forward_passes": r["forward_passes"], "stuck": r["stuck"],
                 "improved": r["improved"], "done": done}
        if r["nonfinite"] and not warned:
            warned = True
            frame["note"] = (
                f"Round {k:,}: {r['nonfinite']:,} of {s['population']:,} children had a loss that "
                "is not a finite number (their outputs overflowed). Selection never keeps such a "
                "child, so the parent is unaffected.")
        now = time.perf_counter()
        if done or k >= until or (now - last_curves) * 1000 >= curves_ms:
            last_curves = now
            shown = r["children"][:chapter.SHOWN_CHILDREN]
            out = chapter.curves(np.vstack([r["theta"][None, :], shown]))
            out = np.clip(np.nan_to_num(out, nan=0.0), -1e6, 1e6)  # drawable, JSON-safe
            frame["parent"] = out[0].tolist()
            frame["children"] = out[1:].tolist()
        if done:
            frame["outcome"], frame["reason"] = _ending(s, first, r)
            if warned:
                frame["reason"] += " Some children's losses were not finite numbers; none was kept."
        yield frame
        if k >= until:
            return


METHODS = {"setup": setup, "evolve": evolve, "run": run}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("search:local_search", "the-method"),
    ("search:mutate", "the-method"),
    ("search:_mutations", "the-method"),
    ("search:select", "the-method"),
    ("search:genetic", "tuning-matters"),
)

# the functions a reader may rewrite, and what their answers must be (usercode.py): `rows`
# children, each as long as the parent; the child kept, or -1 for none
EDITABLE = {
    "search:_mutations": usercode.returns_shape(
        lambda a: (a["rows"], np.size(a["theta"])), why="one row per child, as long as `theta`"),
    "search:select": usercode.returns_index("losses", none="keep the parent"),
}

