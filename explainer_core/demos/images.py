"""Demo "images": evolution, SGD and Adam paint the same picture from the same start, live.

A thin JSON adapter over `chapters.images`: the three methods run in lockstep of compute (image
passes, a backward pass counted as two forward passes), so at every frame each has spent the same
compute, to within one of its own steps; the race stops when each has spent the budget.

Methods (typed fields arrive as the strings the reader typed):
    setup(**settings)   the target, the start (the same network for the three), the parameter
                        count, each method's cost per step, and the page's choices and fields
    race(**settings, start, images_ms, methods)
                        a generator of frames: each method's step, compute, loss and divergence,
                        its picture at most every `images_ms` ms; resumable at compute `start`;
                        `methods` (a list) races only those, so that the page can run each
                        method in a worker of its own (each method's noise has its own stream of
                        the seed, so its numbers are the same alone or with the others)
    ending(**settings, states, mode)
                        the last sentence of a race from each method's final state, for a race
                        run one method per worker

`picture` is "smiley", "photo" or "yours"; with "yours", `pixels` holds the reader's picture as
size * size grey levels 0 .. 255, rows from the top (decoded and downscaled in the page).
Pictures go out as whole numbers 0 .. 255, rows from the top.
"""

from __future__ import annotations

import math
import time
from typing import Iterator

import numpy as np

from .. import validate
from ..chapters import images as chapter

PICTURE_CHOICES = (("smiley", "smiley"), ("photo", "photo (camera)"))
YOURS = ("yours", "your picture")
ACTIVATION_CHOICES = tuple((a, a) for a in chapter.ACTIVATIONS)
SIZE_CHOICES = tuple((str(s), f"{s} × {s}") for s in chapter.SIZES)
MODE_CHOICES = (("compute", "same compute"), ("steps", "same steps"))
METHODS_SHOWN = tuple((m, chapter.NAMES[m]) for m in chapter.METHODS)

# label (also the `arg` of an error about it), default, bounds, what it takes, hint
FIELDS = {
    "width": {"label": "width", "default": str(chapter.WIDTH), "min": 1, "max": 256,
              "integer": True, "hint": "units per hidden layer"},
    "depth": {"label": "depth", "default": str(chapter.DEPTH), "min": 1, "max": 6,
              "integer": True, "hint": "hidden layers"},
    "children": {"label": "children", "default": str(chapter.CHILDREN), "min": 1, "max": 500,
                 "integer": True, "hint": "per round"},
    "sigma": {"label": "mutation scale", "default": str(chapter.SIGMA), "min": 0, "max": 10,
              "hint": "σ of the noise on every parameter"},
    "sgd_lr": {"label": "SGD learning rate", "default": str(chapter.SGD_LR), "min": 0,
               "max": 1000},
    "batch": {"label": "batch size", "default": str(chapter.BATCH), "min": 1, "max": 4096,
              "integer": True, "hint": "pixels per SGD step"},
    "adam_lr": {"label": "Adam learning rate", "default": str(chapter.ADAM_LR), "min": 0,
                "max": 1000},
    "budget": {"label": "budget", "default": str(chapter.BUDGET), "min": 1,
               "max": chapter.MAX_BUDGET, "integer": True,
               "hint": "image passes each method may spend (same compute), or steps each may take "
                       "(same steps)"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED,
             "integer": True},
}
FRAMES = 400  # compute levels per race: a frame every budget / FRAMES image passes,
MIN_FRAME_PASSES = 2  # and at least this many (a frame's loss and pictures cost ~4 passes),
FRAME_PASSES = 10  # and at most this many (half an evolution round of 20): Stop waits for a frame
IMAGES_MS = 50  # pictures at most this often (20 a second), and in the first and last frame
CATCH_UP_MS = 25
OUTCOMES = {"done": "info", "diverged": "warning"}
BLOW_UP = 10  # a loss this many times the start's is reported as blowing up
MAX_FILE_BYTES = 20 * 1024 * 1024  # the page refuses larger files before decoding them
MAX_SIDE = 10_000  # the page refuses images with a side of 0 or above this


def _expected(spec: dict) -> str:
    if spec.get("integer"):
        return f"a whole number from {spec['min']:,} to {spec['max']:,}"
    return f"a number above {spec['min']:g} and at most {spec['max']:g}"


def _typed(name: str, value):
    """What the reader typed into the field `name`, checked; one message that says what the field
    takes (never a non-finite number printed) when it is not that."""
    spec = FIELDS[name]
    label = spec["label"]
    number = None
    try:
        number = validate.real_number(label, value)
        if spec.get("integer"):
            return validate.integer_in_range(label, number, spec["min"], spec["max"])
        if not spec["min"] < number <= spec["max"]:
            raise ValueError(label)
        return number
    except ValueError as error:
        if number is None and "empty" in str(error):
            raise
        got = "" if number is None or not math.isfinite(number) else f", got {number:g}"
        raise validate.ArgumentValueError(label, f"{label} must be {_expected(spec)}{got}") from None


def _picture(picture, size: int, pixels):
    """The target's name, or the reader's grey levels as [0, 1] numbers."""
    picture = validate.choice("picture", picture, [v for v, _ in PICTURE_CHOICES] + [YOURS[0]])
    if picture != "yours":
        return picture
    if pixels is None:
        raise validate.ArgumentValueError("your picture", "choose a picture file first")
    try:
        grey = validate.float_array("your picture", pixels, ndim=1)
    except (TypeError, ValueError):
        raise validate.ArgumentValueError(
            "your picture", "your picture did not arrive as grey levels: choose it again") from None
    if grey.size != size * size:
        raise validate.ArgumentValueError(
            "your picture", f"your picture has {grey.size:,} grey levels, not the {size * size:,} "
                            f"of {size} × {size}: choose it again")
    if np.any(grey < 0) or np.any(grey > 255):
        raise validate.ArgumentValueError("your picture", "grey levels must lie in 0 .. 255")
    return grey / 255.0


def settings_of(picture="smiley", size=str(chapter.SIZE), activation=chapter.ACTIVATION,
                pixels=None, mode="compute", **typed) -> tuple[object, chapter.Settings]:
    """The target and the chapter's Settings from what the page sent."""
    unknown = set(typed) - set(FIELDS)
    if unknown:
        raise validate.ArgumentTypeError("settings", f"unknown settings {sorted(unknown)}")
    size = validate.integer_in_range("size", validate.real_number("size", size), 16, 64)
    validate.choice("size", str(size), [v for v, _ in SIZE_CHOICES])
    activation = validate.choice("activation", activation, chapter.ACTIVATIONS)
    validate.choice("mode", mode, [v for v, _ in MODE_CHOICES])
    values = {name: _typed(name, typed.get(name, spec["default"])) for name, spec in FIELDS.items()}
    chapter.check_memory(size, values["width"], values["depth"], values["children"])
    settings = chapter.Settings(size=size, activation=activation, **values)
    return _picture(picture, size, pixels), settings


def _grey(image) -> list[int]:
    return np.rint(np.clip(image, 0.0, 1.0) * 255.0).astype(int).ravel().tolist()


def _state(r: chapter.Racer) -> dict:
    return {"step": r.step, "compute": r.compute, "loss": r.loss(), "diverged": r.diverged}


def setup(**args) -> dict:
    """The target, the common start, and the page's choices and fields."""
    picture, s = settings_of(**args)
    runners = chapter.racers(picture, s)
    p = runners["adam"].p
    start = _grey(chapter.picture_of(p, p.theta))
    return {
        "settings": {**s._asdict(), "picture": args.get("picture", "smiley")},
        "choices": {"picture": [list(c) for c in PICTURE_CHOICES], "yours": list(YOURS),
                    "size": [list(c) for c in SIZE_CHOICES],
                    "activation": [list(c) for c in ACTIVATION_CHOICES],
                    "mode": [list(c) for c in MODE_CHOICES]},
        "fields": {k: {key: v for key, v in spec.items() if key != "integer"}
                   for k, spec in FIELDS.items()},
        "outcomes": OUTCOMES,
        "methods": [list(m) for m in METHODS_SHOWN],
        "limits": {"file_bytes": MAX_FILE_BYTES, "side": MAX_SIDE,
                   "parameters": chapter.MAX_PARAMETERS},
        "size": s.size,
        "parameters": chapter.parameter_count(s.width, s.depth),
        "budget": s.budget,
        "costs": {m: r.cost for m, r in runners.items()},
        "target": _grey(chapter.target(picture, s.size)),
        "start": {"compute": 0.0, "methods": {m: _state(r) for m, r in runners.items()},
                  "images": {m: start for m in runners}},
    }


def _divergence(method: str, r: chapter.Racer, s: chapter.Settings) -> str:
    lr = s.sgd_lr if method == "sgd" else s.adam_lr
    return (f"{chapter.NAMES[method]} diverged at step {r.diverged:,}: with a learning rate of "
            f"{lr:g} its steps overshot, each one made the loss larger, and the numbers grew past "
            "what a float64 can hold (infinity). It stops here; the others go on. Try a smaller "
            "learning rate.")


def _blowing_up(method: str, value: float, r: chapter.Racer, s: chapter.Settings) -> str:
    lr = s.sgd_lr if method == "sgd" else s.adam_lr
    return (f"{chapter.NAMES[method]} is blowing up: at step {r.step:,} its loss is {value:.3g}, "
            f"{value / r.start_loss:.0f} times where it started. With a learning rate of {lr:g} "
            "its steps overshoot the valley instead of going down into it. It goes on; try a "
            "smaller learning rate.")


def _ending(s: chapter.Settings, states: dict, mode: str = "compute") -> tuple[str, str]:
    """The outcome word and the last sentence, from each method's final {step, compute, loss,
    diverged}."""
    parts = []
    for m, r in states.items():
        if r["diverged"] is not None:
            parts.append(f"{chapter.NAMES[m]} diverged at step {r['diverged']:,}")
        else:
            parts.append(f"{chapter.NAMES[m]} loss {r['loss']:.4f} after {r['step']:,} steps"
                         + (f" ({r['compute']:,.0f} image passes)" if mode == "steps" else ""))
    finite = {m: r["loss"] for m, r in states.items() if r["diverged"] is None}
    best = min(finite, key=finite.get) if finite else None
    head = (f"Done: {s.budget:,} image passes each (same compute). " if mode == "compute" else
            f"Done: {s.budget:,} steps each (same steps, not the same compute). ")
    text = (head + "; ".join(parts) + "."
            + (f" Lowest loss: {chapter.NAMES[best]}." if best else ""))
    return ("diverged" if len(finite) < len(states) else "done"), text


def _methods(methods) -> tuple[str, ...]:
    """The methods a race runs (all three by default), in the chapter's order."""
    if methods is None:
        return chapter.METHODS
    if isinstance(methods, str):
        methods = [methods]
    if not isinstance(methods, (list, tuple)) or not methods:
        raise validate.ArgumentTypeError("methods", "methods must be a list of method names")
    chosen = {validate.choice("method", m, chapter.METHODS) for m in methods}
    return tuple(m for m in chapter.METHODS if m in chosen)


def _final_state(method: str, state) -> dict:
    """One method's final state as the page sends it back, checked."""
    if not isinstance(state, dict):
        raise validate.ArgumentTypeError("states", f"the state of {method} must be an object")
    step = validate.integer_in_range("step", state.get("step"), 0, 10**12)
    compute = validate.number_in_range("compute", state.get("compute"), 0.0, 1e15)
    diverged = state.get("diverged")
    if diverged is not None:
        diverged = validate.integer_in_range("diverged", diverged, 0, 10**12)
        loss = math.inf
    else:
        loss = validate.number_in_range("loss", state.get("loss"), 0.0, math.inf)
    return {"step": step, "compute": compute, "loss": loss, "diverged": diverged}


def ending(states=None, mode: str = "compute", **args) -> dict:
    """The outcome and the last sentence of a race whose methods ran apart (one per worker):
    `states` holds each method's last {step, compute, loss, diverged}."""
    _, s = settings_of(mode=mode, **args)
    if not isinstance(states, dict) or set(states) != set(chapter.METHODS):
        raise validate.ArgumentTypeError(
            "states", f"states must give the final state of each of {', '.join(chapter.METHODS)}")
    finals = {m: _final_state(m, states[m]) for m in chapter.METHODS}
    outcome, reason = _ending(s, finals, mode)
    return {"outcome": outcome, "reason": reason}


def race(start: float = 0.0, images_ms: float = IMAGES_MS, mode: str = "compute",
         methods=None, **args) -> Iterator[dict]:
    """The three methods to the budget; one frame per budget / FRAMES image passes (at least
    MIN_FRAME_PASSES, at most FRAME_PASSES).

    A frame: {compute, budget, methods: {method: {step, compute, loss, diverged}}, done}, with
    `images` (the three pictures) at most every `images_ms` ms and in the first and last frame,
    `notes` ({method: sentence}) in the frame where a method diverges, and `outcome` and `reason`
    in the last when the three race together (apart, `ending` gives them). A run resumed at compute `start` replays the race up to it (the seed fixes it),
    yielding only {compute, catch_up: true} frames meanwhile.
    """
    picture, s = settings_of(mode=mode, **args)
    budget = float(s.budget)
    start = validate.number_in_range("start", start, 0.0, budget)
    images_ms = validate.number_in_range("images_ms", images_ms, 0.0, 1e7)
    if start >= budget:
        start = 0.0  # a finished race: Play runs it again
    chosen = _methods(methods)
    runners = {m: r for m, r in chapter.racers(picture, s).items() if m in chosen}
    if mode == "compute":
        every = min(max(budget / FRAMES, MIN_FRAME_PASSES), FRAME_PASSES)
    else:  # steps: at most one evolution round per frame
        every = 1.0
    told, rising = set(), set()
    last_images = -math.inf
    last_catch_up = time.perf_counter()
    k = 0
    while True:
        level = min(budget, every * k)
        for r in runners.values():
            if mode == "compute":
                r.advance(level)
            else:
                r.advance_steps(int(level))
        done = level >= budget
        if level < start and not done:
            if (time.perf_counter() - last_catch_up) * 1000 >= CATCH_UP_MS:
                last_catch_up = time.perf_counter()
                yield {"compute": level, "budget": budget, "catch_up": True, "done": False}
            k += 1
            continue
        frame = {"compute": level, "budget": budget, "done": done, "mode": mode,
                 "methods": {m: _state(r) for m, r in runners.items()}}
        notes = {m: _divergence(m, r, s) for m, r in runners.items()
                 if r.diverged is not None and m not in told}
        for m, r in runners.items():  # finite, but far above the start (Adam's steps are bounded)
            state = frame["methods"][m]
            if (m not in told and m not in rising and r.diverged is None
                    and state["loss"] > BLOW_UP * r.start_loss):
                notes[m] = _blowing_up(m, state["loss"], r, s)
                rising.add(m)
        if notes:
            frame["notes"] = notes
            told |= {m for m in notes if runners[m].diverged is not None}
        now = time.perf_counter()
        if done or k == 0 or (now - last_images) * 1000 >= images_ms or notes:
            last_images = now
            frame["images"] = {m: _grey(chapter.picture_of(r.p, r.theta)) if r.diverged is None
                               else None for m, r in runners.items()}
        if done and len(runners) == len(chapter.METHODS):
            frame["outcome"], frame["reason"] = _ending(s, frame["methods"], mode)
        yield frame
        if done:
            return
        k += 1


METHODS = {"setup": setup, "race": race, "ending": ending}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("images:pixel_grid", "a-picture-as-a-function"),
    ("nets:forward", "a-picture-as-a-function"),
    ("search:local_search", "three-ways-to-lower-the-loss"),
    ("optim:adam", "three-ways-to-lower-the-loss"),
)

