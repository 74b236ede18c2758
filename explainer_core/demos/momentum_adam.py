"""Demo "momentum-adam": up to five optimizers race from one start on a hard surface.

A thin JSON adapter over `chapters.momentum_adam` (its `race` does every step).

Methods (typed fields arrive as the strings the reader typed):
    setup()                     the surfaces (map grid, bands, minima, defaults per surface),
                                the methods, the fields and their ranges
    run(surface, x, y, steps, methods, gd_lr, ..., seed)
                                a generator of frames: one per step, then the last with `done`,
                                an `outcome` and a sentence per method
Each bad setting raises `validate.ArgumentValueError` whose `arg` is the label of its field.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from .. import landscape, usercode, validate
from ..chapters import momentum_adam as chapter

GRID = 121  # map cells per side
BANDS = 14  # contour bands of the map, evenly spaced in log(loss - minimum)
LOSS_FLOOR = 1e-12  # the loss chart's log scale starts here
OUTCOMES = {"diverged": "warning", "step_limit": "info", "stopped": "info"}

# Every setting a method has, as a typed field: (key in the chapter's settings, label, low, high,
# low_open, high_open). The label is also the `arg` of its error.
SETTINGS = {
    "gd_lr": ("gd", "lr", "gradient descent learning rate", 0.0, 10.0, True, False),
    "momentum_lr": ("momentum", "lr", "momentum learning rate", 0.0, 10.0, True, False),
    "momentum_beta": ("momentum", "beta", "momentum β", 0.0, 1.0, False, True),
    "nesterov_lr": ("nesterov", "lr", "Nesterov learning rate", 0.0, 10.0, True, False),
    "nesterov_beta": ("nesterov", "beta", "Nesterov β", 0.0, 1.0, True, True),
    "adam_lr": ("adam", "lr", "Adam learning rate", 0.0, 10.0, True, False),
    "adam_b1": ("adam", "b1", "Adam β1", 0.0, 1.0, False, True),
    "adam_b2": ("adam", "b2", "Adam β2", 0.0, 1.0, False, True),
    "adam_eps": ("adam", "eps", "Adam ε", 0.0, 1.0, True, False),
    "local_sigma": ("local", "sigma", "local search step size", 0.0, 10.0, True, False),
}
HINTS = {"momentum_beta": "in [0, 1)", "nesterov_beta": "in (0, 1)", "adam_b1": "in [0, 1)",
         "adam_b2": "in [0, 1)", "adam_eps": "above 0"}
OTHER_FIELDS = {
    "steps": {"label": "steps", "min": 1, "max": chapter.MAX_STEPS},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}


def _text(number: float) -> str:
    return f"{number:g}"


def _fields() -> dict:
    out = {}
    for name, (_, _, label, low, high, *_) in SETTINGS.items():
        out[name] = {"label": label, "min": low, "max": high, "method": SETTINGS[name][0]}
        if name in HINTS:
            out[name]["hint"] = HINTS[name]
    out["x"] = {"label": "start x"}
    out["y"] = {"label": "start y"}
    return {**out, **OTHER_FIELDS}


def _surface_setup(name: str) -> dict:
    s = chapter.surface(name)
    (x0, x1), (y0, y1) = s.bounds
    grid = landscape.loss_grid(s.f, (x0, x1), (y0, y1), n=GRID)
    gap = np.maximum(grid.loss.ravel() - s.minimum, LOSS_FLOOR)
    logs = np.log10(gap)
    lo, hi = float(logs.min()), float(logs.max())
    band = np.minimum(((logs - lo) / (hi - lo or 1.0) * BANDS).astype(int), BANDS - 1)
    minima = [{"x": x, "y": y, "label": "global minimum"} for x, y in s.minima]
    if name == "double_well":
        minima = [{"x": chapter.DEEP_X, "y": 0.0, "label": "deep well"},
                  {"x": chapter.SHALLOW_X, "y": 0.0, "label": "shallow dip"}]
    cfg = chapter.DEFAULTS[name]
    defaults = {field: _text(cfg[method][key]) for field, (method, key, *_) in SETTINGS.items()}
    defaults.update(x=_text(s.start[0]), y=_text(s.start[1]), steps=str(cfg["steps"]))
    return {
        "label": chapter.SURFACE_LABELS[name],
        "bounds": [[x0, x1], [y0, y1]],
        "n": GRID,
        "band": band.tolist(),  # row-major: band[i * n + j] at (x[j], y[i]), i = 0 the lowest y
        "bands": BANDS,
        "band_gap": [10 ** (lo + (hi - lo) * k / BANDS) for k in range(BANDS + 1)],
        "minimum": s.minimum,
        "minima": minima,
        "defaults": defaults,
    }


_SETUP: dict | None = None


def setup() -> dict:
    """Everything the page offers: per surface its map and defaults; the methods; the fields."""
    global _SETUP
    if _SETUP is None:
        _SETUP = {
            "surfaces": {name: _surface_setup(name) for name in chapter.SURFACE_NAMES},
            "choices": {"surface": [[n, chapter.SURFACE_LABELS[n]] for n in chapter.SURFACE_NAMES]},
            "methods": [[m, chapter.METHOD_LABELS[m]] for m in chapter.METHOD_NAMES],
            "fields": _fields(),
            "outcomes": OUTCOMES,
            "loss_floor": LOSS_FLOOR,
            "default_surface": "double_well",
        }
    return _SETUP


def _settings(surface: str, values: dict) -> dict:
    cfg = chapter.settings_for(surface)
    for name, (method, key, label, low, high, low_open, high_open) in SETTINGS.items():
        if name in values and values[name] is not None:
            cfg[method][key] = validate.number_in_range(
                label, values[name], low, high, low_open=low_open, high_open=high_open)
    return cfg


def _start(surface: str, x, y) -> tuple[float, float]:
    s = chapter.surface(surface)
    out = []
    for label, value, (low, high) in (("start x", x, s.bounds[0]), ("start y", y, s.bounds[1])):
        number = validate.real_number(label, value)
        if not low <= number <= high:
            raise validate.ArgumentValueError(
                label, f"{label} must be in [{low:g}, {high:g}], the map's range, got {number:g}")
        out.append(number)
    return out[0], out[1]


def _methods(methods) -> list[str]:
    if methods is None:
        return list(chapter.METHOD_NAMES)
    if not isinstance(methods, (list, tuple)):
        raise validate.ArgumentTypeError("methods", "methods must be a list of method names")
    chosen = [validate.choice("methods", m, chapter.METHOD_NAMES) for m in methods]
    if not chosen:
        raise validate.ArgumentValueError("methods", "Choose at least one method to race.")
    return [m for m in chapter.METHOD_NAMES if m in chosen]


def check(surface: str = "double_well", x=None, y=None, steps=None, methods=None, seed="0",
          **values) -> dict:
    """The settings as numbers, or the first bad one's error (named by its field's label)."""
    surface = validate.choice("surface", surface, chapter.SURFACE_NAMES)
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise validate.ArgumentValueError("settings", f"unknown settings: {sorted(unknown)}")
    s = chapter.surface(surface)
    # left out (None): the surface's default; typed empty (""): refused by its check, in words
    x = s.start[0] if x is None else x
    y = s.start[1] if y is None else y
    steps = chapter.DEFAULTS[surface]["steps"] if steps is None else steps
    return {
        "surface": surface,
        "start": _start(surface, x, y),
        "steps": validate.integer_in_range("steps", steps, 1, chapter.MAX_STEPS),
        "methods": _methods(methods),
        "seed": validate.seed(seed),
        "settings": _settings(surface, values),
    }


def _frame(frame: dict, minimum: float) -> dict:
    points = {m: [p["x"], p["y"], p["loss"], max(p["loss"] - minimum, LOSS_FLOOR)]
              for m, p in frame["points"].items()}
    return {"step": frame["step"], "points": points, "adam": frame["adam"],
            "ended": frame["ended"]}


def run(surface: str = "double_well", x=None, y=None, steps=None, methods=None, seed="0",
        **values) -> Iterator[dict]:
    """Frames {step, points: {method: [x, y, loss, loss - minimum]}, adam, ended}; the last one
    adds done, outcome and `messages` {method: sentence}, and `message`."""
    c = check(surface, x, y, steps, methods, seed, **values)
    s = chapter.surface(c["surface"])
    previous = None
    announced: set[str] = set()
    for frame in chapter.race(c["surface"], c["start"], c["settings"], c["steps"], c["seed"],
                              c["methods"]):
        out = _frame(frame, s.minimum)
        fresh = [m for m in frame["ended"] if m not in announced]
        if fresh:
            announced.update(fresh)
            out["diverged"] = {m: _diverged_message(m, frame["step"], c["settings"][m])
                               for m in fresh}
        if previous is not None:
            yield previous
        previous = out
    last = previous
    last["done"] = True
    last["outcome"] = "diverged" if last["ended"] else "step_limit"
    last["messages"] = {m: _end_message(m, c, last) for m in c["methods"]}
    best = min((m for m in c["methods"] if m not in last["ended"]),
               key=lambda m: last["points"][m][2], default=None)
    last["message"] = f"Race over after {last['step']} steps." + (
        f" Lowest loss: {chapter.METHOD_LABELS[best]}, {last['points'][best][2]:.4g}."
        if best else " Every method diverged: lower the learning rates.")
    yield last


def _diverged_message(method: str, step: int, settings: dict) -> str:
    label = chapter.METHOD_LABELS[method]
    what = "learning rate" if "lr" in settings else "step size"
    return (f"{label[0].upper()}{label[1:]} diverged at step {step}: its loss stopped being a "
            f"finite number (or its point passed 10⁶). Each step overshot the valley by more than "
            f"the last and flew further out; lower its {what}.")


def _fixed(number: float, spec: str) -> str:
    """`number` formatted by `spec`, without a minus sign on a value that rounds to zero."""
    text = format(number, spec)
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _end_message(method: str, c: dict, last: dict) -> str:
    label = chapter.METHOD_LABELS[method]
    x, y, loss, _ = last["points"][method]
    if method in last["ended"]:
        return (f"{label[0].upper()}{label[1:]} diverged: its last finite point was "
                f"({_fixed(x, '.3g')}, {_fixed(y, '.3g')}).")
    where = ""
    if c["surface"] == "double_well":
        where = (": in the deep well" if chapter.well_of(x) == "deep"
                 else ": in the shallow dip")
    return (f"{label[0].upper()}{label[1:]} ended at ({_fixed(x, '.3f')}, {_fixed(y, '.3f')}), "
            f"loss {_fixed(loss, '.4g')}{where}.")


METHODS = {"setup": setup, "check": check, "run": run}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("optim:trace", "three-ways-to-use-a-gradient"),
    ("optim:scale_by_adam", "three-ways-to-use-a-gradient"),
    ("optim:adam_direction", "three-ways-to-use-a-gradient"),
    ("optim:sgd", "three-ways-to-use-a-gradient"),
    ("optim:adam", "three-ways-to-use-a-gradient"),
)

# the function the reader may rewrite in the Python panel (explainer_core.usercode): Adam's step
EDITABLE = {"optim:adam_direction": usercode.returns_arrays(("direction", "m", "v"), like="grad")}
