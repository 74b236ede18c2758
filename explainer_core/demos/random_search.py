"""Demo "random-search": the book's experiment live, random search and tweak-and-keep side by side.

A thin JSON adapter over `chapters.random_search`: both methods start from the same network
(the seed draws the data, then the start, then each method's noise, as `chapter6` does) and run
in lockstep, `every` iterations per frame, so the page can draw both decision maps at once.

Methods (typed fields arrive as the strings the reader typed):
    setup(data, seed, noise, iterations)   the data, the view, both maps at iteration 0, and the
                                           page's choices and fields (so the page keeps no copy)
    race(data, seed, noise, iterations, start, every, regions_ms)
                                           a generator of frames: both methods' loss, accuracy and
                                           kept candidates every `every` iterations, their maps at
                                           most every `regions_ms` ms; resumable at `start`

A map is the network's most probable class in each cell of a grid over the data's view, with how
sure it is: one whole number per cell, class * LEVELS + level (level 0: probabilities about equal,
LEVELS - 1: certain). Every answer that ends a run carries `outcome` (a key of OUTCOMES) beside
its sentence.
"""

from __future__ import annotations

import collections
import math
import time
from typing import Iterator

import numpy as np

from .. import speculative, usercode, validate
from ..chapters import random_search as chapter

METHODS_SHOWN = (("random_search", "Random search"), ("tweak_and_keep", "Tweak-and-keep"))
DATA_CHOICES = (("vertical", "vertical (three blobs)"), ("spiral", "spiral (three arms)"))
MAX_ITERATIONS = 100_000  # about 20 s in a browser; the book's run is 10,000
MAX_NOISE = 100.0
# The typed fields: `label` is also the name a bad value's error gives as `arg`, so the page
# shows the message beside the field it came from.
FIELDS = {
    "iterations": {"label": "iterations", "default": str(chapter.ITERATIONS), "min": 1,
                   "max": MAX_ITERATIONS, "hint": "the book's: 10,000"},
    "noise": {"label": "noise scale", "default": str(chapter.NOISE), "min": 0, "max": MAX_NOISE,
              "hint": "standard deviation of every draw and tweak (the book's: 0.05)"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
GRID = 60  # cells per side of a map
LEVELS = 10  # how sure a cell is, 0 .. LEVELS - 1
EVERY = 100  # iterations per frame
REGIONS_MS = 40  # the maps are sent at most this often (25 a second), and in the last frame
CATCH_UP_MS = 25  # while a resumed run replays its first iterations, a frame this often
OUTCOMES = {"done": "info", "nothing_kept": "warning"}


EXPECTED = {"iterations": f"a whole number from 1 to {MAX_ITERATIONS:,}",
            "noise scale": f"a number above 0 and at most {MAX_NOISE:g}",
            "seed": f"a whole number from 0 to {validate.MAX_SEED:,}"}


def _typed(label: str, value, check):
    """`check(label, number)` of what the reader typed into the field `label`; one message that
    says what the field takes (and never prints a non-finite number) when it is not that."""
    number = None
    try:
        number = validate.real_number(label, value)
        return check(label, number)
    except ValueError as error:
        if number is None and "empty" in str(error):
            raise
        got = "" if number is None else f", got {number:g}"
        raise validate.ArgumentValueError(label,
                                          f"{label} must be {EXPECTED[label]}{got}") from None


def _noise(label, number):
    if not 0.0 < number <= MAX_NOISE:
        raise ValueError(label)
    return number


def _settings(data, seed, noise, iterations) -> dict:
    data = validate.choice("data", data, [value for value, _ in DATA_CHOICES])
    spec = FIELDS["iterations"]
    iterations = _typed(spec["label"], iterations, lambda label, number: validate.integer_in_range(
        label, number, spec["min"], spec["max"]))
    noise = _typed(FIELDS["noise"]["label"], noise, _noise)
    seed = _typed(FIELDS["seed"]["label"], seed, lambda label, number: validate.seed(number, label))
    return {"data": data, "seed": seed, "noise": noise, "iterations": iterations}


def regions(theta, data: str, grid: int = GRID) -> list[int]:
    """The map of the network `theta`: class * LEVELS + level per cell, rows from the top."""
    labels, probability = chapter.decision_regions(theta, data, grid)
    floor = 1.0 / chapter.CLASSES
    # the square root spreads the small differences of a nearly unsure network over the levels
    sure = np.sqrt(np.clip((probability - floor) / (1.0 - floor), 0.0, 1.0))
    level = np.minimum(LEVELS - 1, np.floor(sure * LEVELS)).astype(int)
    return (labels * LEVELS + level).tolist()


def setup(data: str = "vertical", seed="0", noise=FIELDS["noise"]["default"],
          iterations=FIELDS["iterations"]["default"], grid: int = GRID) -> dict:
    """The data and its view, both methods at iteration 0 (the same start), and the choices and
    fields of the page."""
    settings = _settings(data, seed, noise, iterations)
    grid = validate.integer_in_range("grid", grid, 2, 200)
    p = chapter.problem(settings["data"], settings["seed"])
    loss = float(p.loss(p.theta[None, :])[0])
    state = {"loss": loss, "accuracy": chapter.accuracy(p.theta, p.X, p.y), "kept": 0,
             "recent": 0, "last_kept": None}
    (x0, x1), (y0, y1) = chapter.VIEWS[settings["data"]]
    return {
        **settings,
        "choices": {"data": [list(pair) for pair in DATA_CHOICES]},
        "fields": FIELDS,
        "outcomes": OUTCOMES,
        "methods": [list(pair) for pair in METHODS_SHOWN],
        "points": {"x": p.X[:, 0], "y": p.X[:, 1], "label": p.y},
        "view": {"x": [x0, x1], "y": [y0, y1]},
        "grid": grid,
        "levels": LEVELS,
        "window": chapter.WINDOW,
        "every": EVERY,
        "uniform_loss": chapter.uniform_loss(),
        "start": {"step": 0, "methods": {name: dict(state) for name, _ in METHODS_SHOWN},
                  "regions": {name: regions(p.theta, settings["data"], grid)
                              for name, _ in METHODS_SHOWN}},
    }


def _ending(settings: dict, states: dict) -> tuple[str, str]:
    """The last frame's outcome and sentence."""
    rs, tk = states["random_search"], states["tweak_and_keep"]
    text = (f"Done: {settings['iterations']:,} iterations. Random search: loss {rs['loss']:.4f}, "
            f"accuracy {rs['accuracy']:.1%}, {rs['kept']:,} new best"
            f"{'' if rs['kept'] == 1 else 's'}. Tweak-and-keep: loss {tk['loss']:.4f}, accuracy "
            f"{tk['accuracy']:.1%}, {tk['kept']:,} tweak{'' if tk['kept'] == 1 else 's'} kept.")
    idle = [label.lower() for name, label in METHODS_SHOWN if states[name]["kept"] == 0]
    if idle:
        return "nothing_kept", text + (
            f" {' and '.join(idle).capitalize()} kept no candidate at all: with a noise scale of "
            f"{settings['noise']:g} every candidate network was worse than the start, whose "
            f"weights are tiny and whose loss is ln 3 ≈ {chapter.uniform_loss():.4f}. A scale "
            "this large gives networks that are sure of themselves, and wrong.")
    return "done", text


def race(data: str = "vertical", seed="0", noise=FIELDS["noise"]["default"],
         iterations=FIELDS["iterations"]["default"], start: int = 0, every: int = EVERY,
         regions_ms: float = REGIONS_MS, grid: int = GRID) -> Iterator[dict]:
    """Both methods for `iterations` iterations from the seed's start; yields one frame per
    `every` iterations (and the last).

    A frame: {step, iterations, methods: {random_search: state, tweak_and_keep: state}, done},
    a state: {loss, accuracy, kept (candidates kept so far), recent (kept in the last `window`
    iterations), recent_span (that window's length so far), last_kept (iteration or None)};
    `regions` (both maps) at most every `regions_ms` ms, and always in the first and last frame.
    The last frame adds `outcome` and `reason`. A run resumed at `start` replays its first
    `start` iterations (the same run: the seed fixes it), yielding only `{step, catch_up: true}`
    frames meanwhile, then goes on.
    """
    settings = _settings(data, seed, noise, iterations)
    iterations = settings["iterations"]
    start = validate.integer_in_range("start", start, 0, iterations)
    every = validate.integer_in_range("every", every, 1, iterations)
    regions_ms = validate.number_in_range("regions_ms", regions_ms, 0.0, 1e7)
    grid = validate.integer_in_range("grid", grid, 2, 200)
    if start == iterations:
        start = 0  # a finished run: Play runs it again from the start
    window = chapter.WINDOW
    runs, problems, states, recent = {}, {}, {}, {}
    for name, _ in METHODS_SHOWN:
        p = chapter.problem(settings["data"], settings["seed"])
        loss = float(p.loss(p.theta[None, :])[0])
        problems[name] = p
        runs[name] = speculative.keep_best(name, settings["noise"], p.loss, p.theta, p.rng,
                                           iterations, loss=loss, chunk=every)
        states[name] = {"loss": loss, "accuracy": None, "kept": 0, "recent": 0,
                        "recent_span": 0, "last_kept": None}
        recent[name] = collections.deque()
    last_regions = -math.inf
    last_catch_up = time.perf_counter()
    step = 0
    while step < iterations:
        thetas = {}
        for name, _ in METHODS_SHOWN:
            progress = next(runs[name])
            step, thetas[name] = progress.step, progress.theta
            state = states[name]
            state["loss"] = progress.loss
            state["kept"] += len(progress.kept)
            recent[name].extend(k.step for k in progress.kept)
            if progress.kept:
                state["last_kept"] = progress.kept[-1].step
        if step <= start and step < iterations:
            if (time.perf_counter() - last_catch_up) * 1000 >= CATCH_UP_MS:
                last_catch_up = time.perf_counter()
                yield {"step": step, "iterations": iterations, "catch_up": True, "done": False}
            continue
        for name, _ in METHODS_SHOWN:
            p, state = problems[name], states[name]
            while recent[name] and recent[name][0] <= step - window:
                recent[name].popleft()
            state["recent"], state["recent_span"] = len(recent[name]), min(step, window)
            state["accuracy"] = chapter.accuracy(thetas[name], p.X, p.y)
        done = step >= iterations
        frame = {"step": step, "iterations": iterations, "done": done,
                 "methods": {name: dict(state) for name, state in states.items()}}
        now = time.perf_counter()
        if done or (now - last_regions) * 1000 >= regions_ms:
            last_regions = now
            frame["regions"] = {name: regions(thetas[name], settings["data"], grid)
                                for name, _ in METHODS_SHOWN}
        if done:
            frame["outcome"], frame["reason"] = _ending(settings, states)
        yield frame


METHODS = {"setup": setup, "race": race}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("speculative:keep_best", "the-experiment"),
    ("search:random_search", "the-experiment"),
    ("search:tweak_and_keep", "the-experiment"),
    ("speculative:tweak", "the-experiment"),
)

# the function the reader may rewrite in the Python panel (explainer_core.usercode): the tweak
EDITABLE = {"speculative:tweak": usercode.returns_like("noise")}

