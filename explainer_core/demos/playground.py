"""Demo "playground": any task, up to four methods of the library and the reader's own racing in lockstep.

A thin JSON adapter over the library: the task comes from `datasets`, `images` and `train`
(`network_task`, `function_task`), the methods from `optim`, `schedules` and `search`, and every
run is one `train.run` generator (its tidy records are what the page draws and exports). The
runs advance together, one step (an update, or a generation) each per frame.

Methods (typed fields arrive as the strings the reader typed; every control's value is a string):
    setup(**settings)       the choices and fields, the task's data for the task view, the
                            parameter count, each run's cost per step; bad input names its field
    race(**settings)        a generator of frames: each run's step, compute (forward passes, a
                            backward pass counted as two), seconds, loss, accuracy, divergence
                            note, and its tidy record; the task view at most every `view_ms` ms
    export(settings, runs)  CSV and JSON of the runs' records, with the setup and the library
    read_import(text)       an exported JSON file checked: its setup and records, or an error
    compare(expected, got)  whether a replay reproduces an imported file (seconds ignored)
    from_demo(demo, params) a chapter demo's link parameters as a playground setup, and a
                            sentence of what was carried over
"""

from __future__ import annotations

import csv
import io
import json
import math
import time
from typing import Iterator

import numpy as np

from .. import (__version__, activations, datasets, images, nets, optim, schedules, search,
                train, usercode, validate, yours)
from ..chapters import landscape as landscape_chapter

SLOTS = (1, 2, 3, 4, 5)
OWN_SLOT = 5  # "your own": the reader's method, written in the Python panel (explainer_core.yours)
TASKS = (("target", "1-D target (a curve)"), ("vertical", "vertical data (NNFS)"),
         ("spiral", "spiral data (NNFS)"), ("points", "your points (CSV)"),
         ("surface", "benchmark surface"), ("neuron", "the two-parameter neuron"),
         ("image", "an image"), ("step", "non-differentiable: binary-step network"))
TASK_NAMES = dict(TASKS)
CLASSIFICATION = ("vertical", "spiral", "step")
TARGET_CHOICES = tuple((n, n) for n in datasets.TARGETS) + (("custom", "your formula"),)
SURFACE_CHOICES = tuple((n, n.replace("_", " ")) for n in datasets.SURFACES)
PICTURE_CHOICES = (("smiley", "smiley"), ("photo", "photo (camera)"), ("yours", "your picture"))
SIZE_CHOICES = (("16", "16 × 16"), ("24", "24 × 24"), ("32", "32 × 32"))
ACTIVATION_CHOICES = tuple((a, a.replace("_", " ")) for a in activations.ACTIVATIONS)
REGRESSION_LOSSES = (("mse", "mean squared error"), ("mae", "mean absolute error"))
CLASS_LOSSES = (("softmax_cross_entropy", "cross-entropy"),)
LOSS_CHOICES = REGRESSION_LOSSES  # classes always take cross-entropy (CLASS_LOSSES)
INIT_CHOICES = tuple((n, n) for n in nets.INITIALISATIONS)
METHOD_CHOICES = (("off", "off"), ("sgd", "SGD"), ("adam", "Adam"),
                  ("normalized_gd", "normalised gradient descent"),
                  ("random_search", "random search"), ("tweak_and_keep", "tweak-and-keep"),
                  ("local_search", "local search"),
                  ("genetic", "genetic algorithm"), ("openai_es", "OpenAI-ES"),
                  ("metropolis", "Metropolis neuroevolution"))
OWN_CHOICES = (("off", "off"), ("yours", "your own search method"),
               ("yours_gradient", "your own gradient method"))
METHOD_NAMES = dict(METHOD_CHOICES + OWN_CHOICES)
GRADIENT = ("sgd", "adam", "normalized_gd", "yours_gradient")
SCHEDULE_CHOICES = (("constant", "constant"), ("step_decay", "step decay"),
                    ("inverse_time", "1 / (1 + decay t)"), ("cosine", "cosine"))
MUTATE_CHOICES = (("many", "many (a random fraction)"), ("one", "one weight"),
                  ("all", "all weights"))
YES_NO = (("no", "no"), ("yes", "yes"))
ES_OPTIMIZERS = (("sgd", "plain steps"), ("adam", "Adam"))
DEFAULT_METHODS = {1: "adam", 2: "sgd", 3: "local_search", 4: "off", 5: "off"}

MAX_STEPS = 20_000
MAX_PARAMETERS = 20_000  # the memory budget of a network, in parameters
MAX_STEP_WORK = 4_000_000  # rows x examples x parameters one step may cost: Stop within 0.5 s
MAX_LAYER_NUMBERS = 2_000_000  # examples x widest layer
MAX_POINTS = 2_000  # rows of the reader's CSV
MAX_EXPRESSION = 64  # characters: a formula must fit in a link
VIEW_MS = 50
REGION_GRID = 40
CURVE_POINTS = 120
SURFACE_GRID = 61
RECORD_THETA = 8  # parameters kept in an exported record (the library's default)

# name: label (also the `arg` of its error), default, min, max, integer, hint, low_open
TASK_FIELDS = {
    "samples": ("points per class", "100", 2, 1000, True, "NNFS: 100", False),
    "classes": ("classes", "3", 2, 6, True, "", False),
    "layers": ("hidden layers", "1", 0, 6, True, "0 for none", False),
    "width": ("units per layer", "16", 1, 512, True, "", False),
    "steps": ("steps", "300", 1, MAX_STEPS, True, "updates or generations per run", False),
    "seed": ("seed", "0", 0, validate.MAX_SEED, True, "", False),
    "expression": ("y(x) =", "sin(3*x)", None, None, False, "in x: + - * / ^ sin exp ...", False),
}
RUN_FIELDS = {  # per run: name -> (label, default, min, max, integer, methods, hint, low_open)
    "lr": ("learning rate", "0.01", 0, 100, False, GRADIENT + ("openai_es",), "", True),
    "momentum": ("momentum", "0", 0, 0.999, False, ("sgd",), "0 = none", False),
    "nesterov": ("Nesterov", "no", None, None, False, ("sgd",), "", False),
    "weight_decay": ("weight decay", "0", 0, 10, False, ("sgd", "adam"), "", False),
    "schedule": ("schedule", "constant", None, None, False, GRADIENT, "", False),
    "step_size": ("decay every", "100", 1, MAX_STEPS, True, ("step_decay",), "steps", False),
    "gamma": ("decay factor", "0.5", 0, 1, False, ("step_decay",), "", False),
    "lr_decay": ("decay rate", "0.01", 0, 1000, False, ("inverse_time",), "", False),
    "lr_min": ("final rate", "0", 0, 100, False, ("cosine",), "", False),
    "clip": ("clip norm", "0", 0, 1e6, False, GRADIENT, "0 = no clipping", False),
    "batch": ("batch size", "0", 0, 100_000, True, GRADIENT, "0 = all examples", False),
    "population": ("population", "20", 1, 1000, True,
                   ("random_search", "tweak_and_keep", "local_search", "genetic", "openai_es",
                    "yours"), "candidates per step", False),
    "sigma": ("σ (mutation size)", "0.05", 0, 100, False,
              ("random_search", "tweak_and_keep", "local_search", "genetic", "openai_es",
               "metropolis", "yours"), "", True),
    "decay": ("σ decay", "1", 0, 1, False, ("local_search",), "per round; 1 = none", True),
    "mutate": ("mutate", "many", None, None, False, ("local_search",), "", False),
    "fraction": ("fraction", "0.1", 0, 1, False, ("local_search",), "of weights, for many", True),
    "parents": ("parents", "5", 1, 1000, True, ("genetic",), "kept per generation", False),
    "es_optimizer": ("ES steps", "adam", None, None, False, ("openai_es",), "", False),
    "beta": ("β", "inf", 0, math.inf, False, ("metropolis",), "∞ keeps a mutation only if not worse",
             False),
}
RUN_CHOICES = {"method": METHOD_CHOICES, "nesterov": YES_NO, "schedule": SCHEDULE_CHOICES,
               "mutate": MUTATE_CHOICES, "es_optimizer": ES_OPTIMIZERS}
DEFAULT_LR = {"adam": "0.01", "sgd": "0.1", "normalized_gd": "0.01", "openai_es": "0.01",
              "yours_gradient": "0.1"}
SELECTS = {"task": (TASKS, "target"), "target": (TARGET_CHOICES, "sin"),
           "surface": (SURFACE_CHOICES, "rosenbrock"), "picture": (PICTURE_CHOICES, "smiley"),
           "size": (SIZE_CHOICES, "16"), "activation": (ACTIVATION_CHOICES, "tanh"),
           "loss": (LOSS_CHOICES, "mse"), "init": (INIT_CHOICES, "he")}
OUTCOMES = {"done": "info", "diverged": "warning", "stopped": "info"}


def run_defaults(slot: int) -> dict:
    """The controls of run `slot` at their first values."""
    out = {f"r{slot}_{n}": spec[1] for n, spec in RUN_FIELDS.items()}
    out[f"r{slot}_method"] = DEFAULT_METHODS[slot]
    out[f"r{slot}_lr"] = DEFAULT_LR.get(DEFAULT_METHODS[slot], "0.01")
    return out


def defaults() -> dict:
    """Every control of the page at its first value (what a link leaves out)."""
    out = {name: default for name, (_, default) in SELECTS.items()}
    out.update({name: spec[1] for name, spec in TASK_FIELDS.items()})
    for slot in SLOTS:
        out.update(run_defaults(slot))
    return out


# ---------------------------------------------------------------- reading the fields


def _number(label: str, value, low, high, integer: bool, low_open: bool = False):
    """A typed field's number, with one message saying what the field takes."""
    if integer:
        expected = f"a whole number from {low:,} to {high:,}"
    elif low_open:
        expected = f"a number above {low:g} and at most {high:g}"
    else:
        expected = f"a number from {low:g} to {high:g}"
    text = str(value).strip()
    if text == "":
        raise validate.ArgumentValueError(label, f"{label} is empty: type {expected}")
    if high == math.inf and text.lower() in ("inf", "infinity", "∞", "+inf"):
        return math.inf
    try:
        number = float(text)
    except ValueError:
        raise validate.ArgumentValueError(
            label, f"{label} must be {expected}, got {text[:24]!r}") from None
    if not math.isfinite(number):
        raise validate.ArgumentValueError(label, f"{label} must be {expected}")
    if integer and number != int(number):
        raise validate.ArgumentValueError(label, f"{label} must be {expected}, got {number:g}")
    if number < low or number > high or (low_open and number == low):
        raise validate.ArgumentValueError(label, f"{label} must be {expected}, got {number:g}")
    return int(number) if integer else number


def _select(name: str, value) -> str:
    pairs, _ = SELECTS[name]
    return validate.choice(name, value, [v for v, _ in pairs])


def parse_points(text) -> tuple[np.ndarray, np.ndarray, bool]:
    """The reader's CSV: lines "x, y" (a curve) or "x1, x2, class" (classes 0, 1, ...).

    Returns X, y and whether it is a classification; a ValueError naming "your points" and the
    line otherwise. A first line that is not numbers is a header and skipped.
    """
    label = "your points"
    if not isinstance(text, str) or not text.strip():
        raise validate.ArgumentValueError(label, "your points are empty: type or paste lines "
                                                 "like 0.5, 1.2 (x, y) or 0.1, 0.4, 1 (x1, x2, class)")
    rows, width = [], None
    lines = text.strip().splitlines()
    if len(lines) > MAX_POINTS + 1:
        raise validate.ArgumentValueError(label, f"at most {MAX_POINTS:,} points, got {len(lines):,} lines")
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.replace(";", ",").replace("\t", ",").split(",")]
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if not rows and number == 1:
                continue  # a header
            raise validate.ArgumentValueError(
                label, f"line {number}: {line[:30]!r} is not numbers separated by commas") from None
        if len(values) not in (2, 3):
            raise validate.ArgumentValueError(
                label, f"line {number}: {len(values)} numbers; a line holds 2 (x, y) or 3 "
                       "(x1, x2, class)")
        if width is not None and len(values) != width:
            raise validate.ArgumentValueError(
                label, f"line {number}: {len(values)} numbers where the lines before have {width}")
        if not all(math.isfinite(v) for v in values):
            raise validate.ArgumentValueError(label, f"line {number}: a number is not finite")
        if abs(max(values, key=abs)) > 1e6:
            raise validate.ArgumentValueError(label, f"line {number}: numbers must lie within ±10⁶")
        if len(values) == 3 and (values[2] != int(values[2]) or not 0 <= values[2] <= 9):
            raise validate.ArgumentValueError(
                label, f"line {number}: the class must be a whole number from 0 to 9, got {cells[2][:8]}")
        width = len(values)
        rows.append(values)
    if len(rows) < 2:
        raise validate.ArgumentValueError(label, f"at least 2 points, got {len(rows)}")
    data = np.array(rows, dtype=np.float64)
    if width == 2:
        return data[:, :1], data[:, 1:], False
    y = data[:, 2].astype(int)
    if len(np.unique(y)) < 2:
        raise validate.ArgumentValueError(label, "the points need at least two classes")
    return data[:, :2], y, True


class Setup:
    """Every setting of the page, checked: the task, the network and the runs."""

    def __init__(self, values: dict, points: str | None = None, pixels=None):
        unknown = set(values) - set(defaults())
        if unknown:
            raise validate.ArgumentTypeError("settings", f"unknown settings {sorted(unknown)[:5]}")
        v = {**defaults(), **{k: str(x) for k, x in values.items()}}
        self.values = v
        for name in SELECTS:
            _select(name, v[name])
        self.task = v["task"]
        num = {n: _number(s[0], v[n], s[2], s[3], s[4], s[6]) for n, s in TASK_FIELDS.items()
               if s[2] is not None}
        self.samples, self.classes, self.steps, self.seed = (
            num["samples"], num["classes"], num["steps"], num["seed"])
        self.hidden = (num["width"],) * num["layers"]
        self.activation = "binary_step" if self.task == "step" else v["activation"]
        self.init = v["init"]
        self.loss = v["loss"]
        self.points = points
        self.build_task(v, points, pixels)
        self.runs = {}
        for slot in SLOTS:
            method = validate.choice(f"run {slot} method", v[f"r{slot}_method"],
                                     [m for m, _ in (OWN_CHOICES if slot == OWN_SLOT else METHOD_CHOICES)])
            if method != "off":
                self.runs[slot] = self.build_method(slot, method, v)
        if not self.runs:
            raise validate.ArgumentValueError("run 1 method", "turn at least one run on")

    # the task ----------------------------------------------------------------------------
    def build_task(self, v: dict, points, pixels) -> None:
        task, data_rng = self.task, np.random.default_rng((self.seed, 100))
        self.classification = task in CLASSIFICATION
        self.surface = None
        self.picture = None
        if task == "surface":
            self.surface = datasets.surface(v["surface"])
            self.task_obj = train.function_task(self.surface.name, self.surface.f,
                                                self.surface.grad, 2)
            self.sizes = None
            self.theta0 = np.array(self.surface.start, dtype=np.float64)
            self.X = self.y = None
            return
        if task in ("vertical", "spiral", "step"):
            make = datasets.spiral_data if task == "spiral" else datasets.vertical_data
            self.X, self.y = make(self.samples, self.classes, data_rng)
            out = self.classes
        elif task == "points":
            self.X, self.y, self.classification = parse_points(points)
            out = int(self.y.max()) + 1 if self.classification else 1
        elif task == "target":
            expression = (v["expression"] if v["target"] == "custom" else v["target"])
            if v["target"] == "custom":
                label = TASK_FIELDS["expression"][0]
                if len(expression) > MAX_EXPRESSION:
                    raise validate.ArgumentValueError(
                        label, f"the formula has {len(expression)} characters; at most "
                               f"{MAX_EXPRESSION}, so that it fits in a link")
                try:
                    self.X, self.y = datasets.regression_data(expression, samples=100)
                except ValueError as error:
                    raise validate.ArgumentValueError(label, str(error)) from None
            else:
                self.X, self.y = datasets.regression_data(expression, samples=100)
            out = 1
        elif task == "neuron":
            self.X = landscape_chapter.DATA_X[:, None]
            self.y = landscape_chapter.DATA_Y[:, None]
            out = 1
        else:  # image
            size = int(v["size"])
            if v["picture"] == "yours":
                if pixels is None:
                    raise validate.ArgumentValueError("picture", "choose a picture file first")
                grey = validate.float_array("picture", pixels, ndim=1)
                if grey.size != size * size or np.any(grey < 0) or np.any(grey > 255):
                    raise validate.ArgumentValueError(
                        "picture", f"your picture must arrive as {size * size:,} grey levels "
                                   "0 .. 255: choose it again")
                self.picture = grey.reshape(size, size) / 255.0
            else:
                self.picture = images.image(v["picture"], size)
            self.X, self.y = images.image_data(self.picture)
            out = 1
        if self.classification:
            self.loss = CLASS_LOSSES[0][0]
        hidden = (1,) if task == "neuron" else self.hidden  # the neuron: y = act(w x + b)
        self.sizes = (self.X.shape[1],) + (() if task == "neuron" else hidden) + (out,)
        count = nets.param_count(self.sizes)
        label = TASK_FIELDS["width"][0]
        if count > MAX_PARAMETERS:
            raise validate.ArgumentValueError(
                label, f"a network of {count:,} parameters is over the memory budget of "
                       f"{MAX_PARAMETERS:,} parameters: use fewer or narrower layers")
        widest = max(self.sizes[1:])
        if self.X.shape[0] * widest > MAX_LAYER_NUMBERS:
            raise validate.ArgumentValueError(
                label, f"{self.X.shape[0]:,} examples x {widest:,} units is "
                       f"{self.X.shape[0] * widest:,} numbers per layer, over the memory budget "
                       f"of {MAX_LAYER_NUMBERS:,}")
        output = "identity"
        if task == "neuron":
            act = self.activation
            self.task_obj = train.network_task(self.sizes, self.X, self.y, self.loss, "identity",
                                               output_activation=act)
            self.theta0 = np.array([0.5, 0.5])
        else:
            self.task_obj = train.network_task(self.sizes, self.X, self.y, self.loss,
                                               self.activation, output)
            self.theta0 = nets.init_params(self.sizes, np.random.default_rng((self.seed, 200)),
                                           self.init)

    @property
    def dimension(self) -> int:
        return self.task_obj.dimension

    # the methods -------------------------------------------------------------------------
    def _run_number(self, slot: int, name: str):
        label, _, low, high, integer, _, _, low_open = RUN_FIELDS[name]
        return _number(f"run {slot} {label}", self.values[f"r{slot}_{name}"], low, high,
                       integer, low_open)

    def _run_choice(self, slot: int, name: str) -> str:
        return validate.choice(f"run {slot} {RUN_FIELDS[name][0]}", self.values[f"r{slot}_{name}"],
                               [c for c, _ in RUN_CHOICES[name]])

    def build_method(self, slot: int, method: str, v: dict) -> dict:
        n = lambda name: self._run_number(slot, name)  # noqa: E731
        c = lambda name: self._run_choice(slot, name)  # noqa: E731
        D = self.dimension
        N = self.task_obj.n_examples
        spec = {"method": method, "batch": None}
        if method in GRADIENT:
            lr = n("lr")
            schedule = c("schedule")
            if schedule == "step_decay":
                lr_s = schedules.step_decay(lr, n("step_size"), n("gamma"))
            elif schedule == "inverse_time":
                lr_s = schedules.inverse_time(lr, n("lr_decay"))
            elif schedule == "cosine":
                lr_min = n("lr_min")
                if lr_min > lr:
                    raise validate.ArgumentValueError(
                        f"run {slot} final rate",
                        f"run {slot} final rate must be at most the learning rate ({lr:g})")
                lr_s = schedules.cosine(lr, self.steps, lr_min)
            else:
                lr_s = lr
            if method == "sgd":
                momentum = n("momentum")
                nesterov = c("nesterov") == "yes" and momentum > 0  # Nesterov needs momentum
                opt = optim.sgd(lr_s, momentum=momentum, nesterov=nesterov,
                                weight_decay=n("weight_decay"))
            elif method == "adam":
                opt = optim.adam(lr_s, weight_decay=n("weight_decay"))
            elif method == "yours_gradient":
                opt = yours.gradient_method(lr_s)
            else:
                opt = optim.normalized_gd(lr_s)
            clip = n("clip")
            if clip > 0:
                opt = optim.clipped(opt, clip)
            batch = n("batch")
            if batch > N:
                raise validate.ArgumentValueError(
                    f"run {slot} batch size",
                    f"run {slot} batch size must be at most the {N:,} examples (0 = all)")
            spec["batch"] = batch if 0 < batch < N else None
            spec["optimizer"] = opt
            rows = 1
        else:
            sigma = n("sigma")
            if method == "random_search":
                opt = search.random_search(sigma, n("population"))
            elif method == "tweak_and_keep":
                opt = search.tweak_and_keep(sigma, n("population"))
            elif method == "local_search":
                opt = search.local_search(n("population"), sigma, decay=n("decay"),
                                          mutate=c("mutate"), fraction=n("fraction"))
            elif method == "genetic":
                population = n("population")
                parents = n("parents")
                if parents > population:
                    raise validate.ArgumentValueError(
                        f"run {slot} parents",
                        f"run {slot} parents must be at most the population ({population})")
                opt = search.genetic(population, sigma, parents)
            elif method == "openai_es":
                population = n("population")
                if population < 2 or population % 2:
                    raise validate.ArgumentValueError(
                        f"run {slot} population",
                        f"run {slot} population must be even and at least 2 for OpenAI-ES "
                        "(pairs of opposite mutations)")
                inner = optim.adam(n("lr")) if c("es_optimizer") == "adam" else optim.sgd(n("lr"))
                opt = search.openai_es(population, sigma, inner)
            elif method == "yours":
                opt = yours.method(n("population"), sigma)
            else:
                opt = search.metropolis(sigma, n("beta"))
            spec["optimizer"] = opt
            rows = opt.batch
            label = (f"run {slot} population" if method != "metropolis"
                     else f"run {slot} σ (mutation size)")
            if rows * D > validate.MAX_ELEMENTS:
                raise validate.ArgumentValueError(
                    label, f"{rows:,} candidates x {D:,} parameters = {rows * D:,} numbers, over "
                           f"the memory budget of {validate.MAX_ELEMENTS:,}")
        work = rows * N * D
        if work > MAX_STEP_WORK:
            label = (f"run {slot} population" if method not in GRADIENT + ("metropolis",)
                     else TASK_FIELDS["width"][0])
            raise validate.ArgumentValueError(
                label, f"one step of run {slot} would cost {rows:,} x {N:,} examples x {D:,} "
                       f"parameters = {work:,} multiply-adds, over the budget of "
                       f"{MAX_STEP_WORK:,} per step (a step must stay short enough to stop): "
                       "use a smaller population or network")
        spec["cost"] = (3 * (spec["batch"] or N)) if method in GRADIENT else rows * N
        spec["settings"] = _plain(opt.settings)
        return spec

    def describe(self) -> dict:
        return {"task": self.task, "values": self.values, "points": self.points,
                "sizes": list(self.sizes) if self.sizes else None,
                "parameters": self.dimension}


def _plain(settings: dict) -> dict:
    return {k: (v if isinstance(v, (int, float, str, bool)) or v is None else
                _plain(v) if isinstance(v, dict) else str(v)) for k, v in settings.items()}


# ---------------------------------------------------------------- the task view


def _grid(bounds, n):
    (x0, x1), (y0, y1) = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y1, y0, n))  # rows from the top
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _region_bounds(X) -> tuple:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    return ((float(lo[0] - pad[0]), float(hi[0] + pad[0])),
            (float(lo[1] - pad[1]), float(hi[1] + pad[1])))


def _curve_x(X) -> np.ndarray:
    lo, hi = float(X.min()), float(X.max())
    pad = 0.05 * max(hi - lo, 1e-9)
    return np.linspace(lo - pad, hi + pad, CURVE_POINTS)


def view_kind(s: Setup) -> str:
    if s.task in ("surface", "neuron"):
        return "surface"
    if s.task == "image":
        return "image"
    return "regions" if s.classification else "curve"


def _forward(s: Setup, theta, X):
    if s.task == "neuron":
        return nets.forward(theta, s.sizes, X, "identity", s.activation)
    return nets.forward(theta, s.sizes, X, s.activation, "identity")


def task_view(s: Setup) -> dict:
    """What the task view draws under the runs: the data, the surface, the target picture."""
    kind = view_kind(s)
    if kind == "surface":
        if s.surface is not None:
            bounds = s.surface.bounds
            pts = _grid(bounds, SURFACE_GRID)
            with np.errstate(all="ignore"):
                z = s.surface.f(pts)
        else:
            bounds = (landscape_chapter.BOUNDS, landscape_chapter.BOUNDS)
            pts = _grid(bounds, SURFACE_GRID)
            z = s.task_obj.population_loss(pts, None)
        z = np.asarray(z, dtype=np.float64)
        return {"kind": kind, "bounds": bounds, "n": SURFACE_GRID,
                "log": bool(s.surface is not None),
                "z": z.tolist()}
    if kind == "image":
        return {"kind": kind, "size": int(s.picture.shape[0]),
                "target": np.rint(s.picture.ravel() * 255).astype(int).tolist()}
    if kind == "regions":
        return {"kind": kind, "bounds": _region_bounds(s.X), "n": REGION_GRID,
                "points": s.X.tolist(), "labels": np.asarray(s.y).astype(int).tolist(),
                "classes": int(s.sizes[-1])}
    return {"kind": kind, "x": s.X[:, 0].tolist(), "y": s.y[:, 0].tolist(),
            "grid": _curve_x(s.X).tolist()}


def run_view(s: Setup, theta: np.ndarray, kind: str, cache: dict):
    """One run's part of the task view at parameters theta."""
    with np.errstate(all="ignore"):
        if kind == "surface":
            return [float(theta[0]), float(theta[1])]
        if kind == "image":
            size = s.picture.shape[0]
            pic = images.to_image(_forward(s, theta, s.X), size, size)
            return np.rint(pic.ravel() * 255).astype(int).tolist()
        if kind == "regions":
            if "grid" not in cache:
                cache["grid"] = _grid(_region_bounds(s.X), REGION_GRID)
            out = _forward(s, theta, cache["grid"])
            if not np.all(np.isfinite(out)):
                return None
            return np.argmax(out, axis=1).astype(int).tolist()
        if "grid" not in cache:
            cache["grid"] = _curve_x(s.X)[:, None]
        out = _forward(s, theta, cache["grid"])[:, 0]
        return [float(v) if math.isfinite(v) else None for v in out]


# ---------------------------------------------------------------- setup and race


def _fields() -> dict:
    out = {}
    for name, (label, default, low, high, integer, hint, low_open) in TASK_FIELDS.items():
        out[name] = {"label": label, "default": default, "hint": hint}
        if low is not None:
            out[name].update(min=low, max=high)
    for slot in SLOTS:
        for name, (label, default, low, high, integer, methods, hint, _) in RUN_FIELDS.items():
            if name in RUN_CHOICES:
                continue
            key = f"r{slot}_{name}"
            out[key] = {"label": f"run {slot} {label}", "short": label, "default":
                        run_defaults(slot)[key], "hint": hint, "methods": list(methods),
                        "run": slot, "setting": name}
            if high is not None and high != math.inf:
                out[key].update(min=low, max=high)
    return out


def _choices() -> dict:
    out = {name: [list(p) for p in pairs] for name, (pairs, _) in SELECTS.items()}
    out.update({name: [list(p) for p in pairs] for name, pairs in RUN_CHOICES.items()})
    out["own_method"] = [list(p) for p in OWN_CHOICES]  # run 5's
    return out


def _record_out(record: dict, D: int) -> dict:
    """A tidy record as exported: the library's fields, theta subsampled as the library does."""
    out = dict(record)
    theta = record.get("theta") or []
    if len(theta) > RECORD_THETA:
        out["theta"] = [theta[i] for i in train.theta_indices(len(theta), RECORD_THETA)]
    return out


def setup(points=None, pixels=None, **values) -> dict:
    """The page's choices and fields, and the task, network and runs these settings make."""
    s = Setup(values, points, pixels)
    return {
        "defaults": defaults(),
        "choices": _choices(),
        "fields": _fields(),
        "outcomes": OUTCOMES,
        "method_names": METHOD_NAMES,
        "gradient": list(GRADIENT),
        "own_slot": OWN_SLOT,
        "classification": CLASSIFICATION,
        "setup": s.describe(),
        "parameters": s.dimension,
        "sizes": list(s.sizes) if s.sizes else None,
        "examples": s.task_obj.n_examples,
        "loss": s.loss,
        "activation": s.activation,
        "view": task_view(s),
        "runs": {str(k): {"method": r["method"], "name": METHOD_NAMES[r["method"]],
                          "cost": r["cost"], "settings": r["settings"]}
                 for k, r in s.runs.items()},
        "limits": {"parameters": MAX_PARAMETERS, "step_work": MAX_STEP_WORK,
                   "points": MAX_POINTS, "expression": MAX_EXPRESSION, "steps": MAX_STEPS},
        "library": {"name": "explainer_core", "version": __version__},
    }


def _divergence(slot: int, r: dict, record: dict, s: Setup) -> str:
    name = METHOD_NAMES[r["method"]]
    if r["method"] in GRADIENT:
        why = (f"with a learning rate of {r['settings'].get('lr')} its steps overshot, each one made "
               "the loss larger, until the numbers passed what a float64 can hold (infinity). "
               "Try a smaller learning rate, or gradient clipping")
    else:
        why = ("its candidates' losses became infinite or not a number (a mutation this large "
               "sends the network's outputs past what a float64 can hold). Try a smaller σ")
    return (f"Run {slot} ({name}) diverged at step {record['step']:,}: {why}. It stops here; the "
            "other runs go on.")


def _ending(s: Setup, last: dict, diverged: set) -> tuple[str, str]:
    parts = []
    for slot, rec in last.items():
        name = METHOD_NAMES[s.runs[slot]["method"]]
        if slot in diverged:
            parts.append(f"{slot} ({name}) diverged at step {rec['step']:,}")
        else:
            acc = "" if rec["accuracy"] is None else f", {rec['accuracy']:.0%} right"
            parts.append(f"{slot} ({name}) {rec['loss']:.4g}{acc}")
    finite = {k: r["loss"] for k, r in last.items() if k not in diverged}
    best = min(finite, key=finite.get) if finite else None
    text = (f"Done, {s.steps:,} steps: loss of run " + "; ".join(parts) + "."
            + (f" Lowest: run {best}." if best else ""))
    return ("diverged" if diverged else "done"), text


def _state(rec: dict) -> dict:
    return {"step": rec["step"], "compute": train.compute(rec["forward_passes"],
                                                         rec["backward_passes"]),
            "forward_passes": rec["forward_passes"], "backward_passes": rec["backward_passes"],
            "seconds": rec["wall_time"], "loss": rec["loss"], "accuracy": rec["accuracy"],
            "diverged": rec["diverged"]}


CATCH_UP_MS = 25


def race(points=None, pixels=None, view_ms=VIEW_MS, start=0, until=None,
         **values) -> Iterator[dict]:
    """All runs in lockstep, one step each per frame, until each has taken `steps` steps or
    diverged.

    A frame: {step, runs: {slot: {step, compute, forward_passes, backward_passes, seconds, loss,
    accuracy, diverged, record}}, done}; `views` ({slot: task-view data}) at most every
    `view_ms` ms and in the first and last frames; `notes` ({slot: sentence}) when a run
    diverges; `outcome` and `reason` in the last frame. A run that has ended is left out of the
    frames after its last record.

    `start` and `until` cut the race to the frames of steps start .. until (the page's Step and
    its Play after a Stop): the steps before `start` are replayed (the seed fixes them), with only
    {step, catch_up: true} frames meanwhile, every CATCH_UP_MS ms, so Stop still works.
    """
    s = Setup(values, points, pixels)
    view_ms = validate.number_in_range("view_ms", view_ms, 0.0, 1e7)
    start = validate.integer_in_range("start", start, 0, MAX_STEPS + 1)
    until = MAX_STEPS + 1 if until is None else validate.integer_in_range("until", until, 0,
                                                                            MAX_STEPS + 1)
    last_catch_up = time.perf_counter()
    D = s.dimension
    gens = {}
    for slot, r in s.runs.items():
        rng = np.random.default_rng((s.seed, slot))
        gens[slot] = train.run(s.task_obj, r["optimizer"], s.theta0, steps=s.steps,
                               batch_size=r["batch"], rng=rng, record_every=1, theta_dims=D)
    kind = view_kind(s)
    cache: dict = {}
    last: dict = {}
    diverged: set = set()
    last_view = -math.inf
    k = 0
    while gens:
        frame = {"step": k, "runs": {}, "done": False}
        notes = {}
        thetas = {}
        for slot in list(gens):
            try:
                rec = next(gens[slot])
            except StopIteration:
                del gens[slot]
                continue
            thetas[slot] = np.asarray(rec["theta"], dtype=np.float64)
            out = _record_out(rec, D)
            last[slot] = out
            frame["runs"][str(slot)] = {**_state(rec), "record": out}
            if rec["diverged"]:
                diverged.add(slot)
                notes[str(slot)] = _divergence(slot, s.runs[slot], rec, s)
                del gens[slot]
            elif rec["step"] >= s.steps:
                del gens[slot]  # its last record
        if not frame["runs"]:
            break
        done = not gens
        now = time.perf_counter()
        if k < start and not done:
            if (now - last_catch_up) * 1000 >= CATCH_UP_MS:
                last_catch_up = now
                yield {"step": k, "catch_up": True, "done": False}
            k += 1
            continue
        if done or k == start or notes or (now - last_view) * 1000 >= view_ms:
            last_view = now
            frame["views"] = {str(slot): (run_view(s, th, kind, cache)
                                          if slot not in diverged else None)
                              for slot, th in thetas.items()}
        if notes:
            frame["notes"] = notes
        if done:
            frame["done"] = True
            frame["outcome"], frame["reason"] = _ending(s, last, diverged)
        yield frame
        if k >= until:
            return
        k += 1


def run_all(points=None, pixels=None, **values) -> dict:
    """The whole race without views: {slot: [records]} (for tests and the benchmark)."""
    runs: dict = {}
    for frame in race(points=points, pixels=pixels, view_ms=1e7, **values):
        frame.pop("views", None)
        for slot, state in frame["runs"].items():
            runs.setdefault(slot, []).append(state["record"])
    return runs


# ---------------------------------------------------------------- export and import

CSV_COLUMNS = ("run", "method", "step", "forward_passes", "seconds", "loss", "accuracy")


def _setup_of(values: dict, points) -> dict:
    s = Setup(values, points)
    changed = {k: v for k, v in s.values.items() if v != defaults()[k]}
    return {"values": changed, "points": points if s.task == "points" else None}


def export(settings: dict, runs: dict, points=None) -> dict:
    """The runs' records as CSV (one row per run per record) and JSON ({library, setup, runs})."""
    if not isinstance(settings, dict) or not isinstance(runs, dict):
        raise validate.ArgumentTypeError("export", "export needs the settings and the runs")
    s = Setup(settings, points)
    setup_part = _setup_of(settings, points)
    out_runs = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for slot in sorted(runs, key=int):
        records = runs[slot]
        r = s.runs.get(int(slot))
        if r is None or not isinstance(records, list):
            raise validate.ArgumentValueError("export", f"run {slot} is not part of this setup")
        for rec in records:
            fp = train.compute(rec["forward_passes"], rec["backward_passes"])
            writer.writerow([slot, r["method"], rec["step"], fp, repr(float(rec["wall_time"])),
                             "" if rec["loss"] is None else repr(float(rec["loss"])),
                             "" if rec.get("accuracy") is None else repr(float(rec["accuracy"]))])
        out_runs.append({"run": int(slot), "method": r["method"], "settings": r["settings"],
                         "records": records})
    from . import jsonable
    document = jsonable({"library": {"name": "explainer_core", "version": __version__},
                         "setup": setup_part, "runs": out_runs})
    return {"csv": buffer.getvalue(), "json": json.dumps(document, indent=1, allow_nan=False),
            "document": document}


def read_import(text) -> dict:
    """An exported JSON file, checked: {values, points, runs: {slot: records}} or a ValueError
    naming "import" that says what is wrong (the page keeps its current setup)."""
    label = "import"
    if not isinstance(text, str) or not text.strip():
        raise validate.ArgumentValueError(label, "the file is empty")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise validate.ArgumentValueError(
            label, "the file is not JSON (is it a playground export?)") from None
    library = doc.get("library") if isinstance(doc, dict) else None
    if not isinstance(library, dict) or library.get("name") != "explainer_core":
        raise validate.ArgumentValueError(
            label, "the file is not a playground export: it has no \"library\": "
                   "{\"name\": \"explainer_core\"}")
    setup_part = doc.get("setup")
    if not isinstance(setup_part, dict) or not isinstance(setup_part.get("values"), dict):
        raise validate.ArgumentValueError(label, "the file has no \"setup\" with \"values\"")
    values = setup_part["values"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        raise validate.ArgumentValueError(label, "the setup's values must be strings")
    points = setup_part.get("points")
    if points is not None and not isinstance(points, str):
        raise validate.ArgumentValueError(label, "the setup's points must be text")
    try:
        s = Setup(values, points)
    except (ValueError, TypeError) as error:
        raise validate.ArgumentValueError(label, f"the file's setup is refused: {error}") from None
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise validate.ArgumentValueError(label, "the file has no list of \"runs\"")
    out = {}
    for run in runs:
        if not isinstance(run, dict) or run.get("run") not in s.runs or \
                not isinstance(run.get("records"), list) or not run["records"]:
            raise validate.ArgumentValueError(
                label, "a run in the file does not match its setup (a run number, or records "
                       "missing)")
        for rec in run["records"]:
            if not isinstance(rec, dict) or not all(k in rec for k in (
                    "step", "loss", "forward_passes", "backward_passes")):
                raise validate.ArgumentValueError(label, f"run {run['run']} has a broken record")
        out[str(run["run"])] = run["records"]
    return {"values": values, "points": points, "runs": out,
            "version": doc["library"].get("version"),
            "same_version": doc["library"].get("version") == __version__}


IGNORED = ("wall_time",)
CLOSE = 1e-9  # relative: two numpy builds (CPython's, Pyodide's) may sum in a different order


def _close(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) \
                or isinstance(a, bool) or isinstance(b, bool):
            return False
        return math.isclose(a, b, rel_tol=CLOSE, abs_tol=1e-15)
    return a == b


def compare(expected: dict, got: dict) -> dict:
    """Whether the replayed runs `got` reproduce the imported `expected` ({slot: records}):
    every field of every record equal except the seconds (exactly, or to CLOSE relative when the
    file comes from another numpy build)."""
    if not isinstance(expected, dict) or not isinstance(got, dict):
        raise validate.ArgumentTypeError("compare", "compare needs two sets of runs")
    from . import jsonable
    expected, got = jsonable(expected), jsonable(got)
    differences, exact = [], True
    for slot in sorted(set(expected) | set(got), key=str):
        a, b = expected.get(slot), got.get(slot)
        if a is None or b is None:
            differences.append(f"run {slot} is in only one of the two")
            continue
        if len(a) != len(b):
            differences.append(f"run {slot} has {len(b):,} records, the file {len(a):,}")
            continue
        for ra, rb in zip(a, b):
            if not isinstance(ra, dict) or not isinstance(rb, dict):
                differences.append(f"run {slot} has a broken record")
                break
            keys = sorted((set(ra) | set(rb)) - set(IGNORED))
            exact = exact and all(ra.get(k) == rb.get(k) for k in keys)
            bad = [k for k in keys if not _close(ra.get(k), rb.get(k))]
            if bad:
                differences.append(f"run {slot} differs at step {ra.get('step')} in {bad[0]}")
                break
    finals = {slot: (recs[-1]["loss"] if recs else None) for slot, recs in got.items()}
    if differences:
        text = "The result does not reproduce: " + "; ".join(differences[:3]) + "."
    elif exact:
        text = ("The result reproduces: every record of every run equals the file's, number for "
                "number (only the seconds differ).")
    else:
        text = ("The result reproduces: every record of every run equals the file's to nine "
                "significant figures (this browser's numpy adds in another order; the seconds "
                "differ).")
    return {"reproduces": not differences, "exact": exact and not differences, "text": text,
            "differences": differences, "finals": finals}


# ---------------------------------------------------------------- from a chapter demo


def _p(params: dict, name: str, default=None):
    value = params.get(name)
    return default if value is None or str(value).strip() == "" else str(value)


def _runs(*methods) -> dict:
    out = {}
    for slot in SLOTS:
        method = methods[slot - 1] if slot <= len(methods) else "off"
        out[f"r{slot}_method"] = method
        if method in DEFAULT_LR:
            out[f"r{slot}_lr"] = DEFAULT_LR[method]
    return out


def _from(demo: str, p: dict) -> tuple[dict, str, str]:
    """(values, what was carried, what was left) for each chapter demo."""
    seed = {"seed": _p(p, "seed", "0")}
    if demo == "function":
        expression = _p(p, "expression", "sin(x)")
        v = {"task": "target", "target": "custom", "expression": expression,
             "activation": _p(p, "activation", "tanh"), "layers": "1", "width": _p(p, "width", "3"),
             **_runs("adam", "local_search")}
        return v, "the target formula, the activation and the neurons", "the hand-set knobs"
    if demo == "landscape":
        v = {"task": "neuron", "activation": _p(p, "activation", "tanh"),
             "loss": _p(p, "loss", "mse"), **_runs("sgd", "tweak_and_keep"),
             "r1_lr": _p(p, "lr", "0.5"), "r2_sigma": _p(p, "step_size", "0.3"),
             "r2_population": _p(p, "neighbours", "8"), "steps": _p(p, "max_steps", "300")}
        return v, ("the neuron, its activation and loss, the learning rate, the step size and "
                   "neighbours of the trial search"), "the start point a, b (the playground " \
                                                      "starts at 0.5, 0.5)"
    if demo == "random-search":
        v = {"task": _p(p, "data", "vertical"), "width": "3", "activation": "relu",
             "init": "nnfs",
             **_runs("random_search", "tweak_and_keep"),
             "r1_sigma": _p(p, "noise", "0.05"), "r2_sigma": _p(p, "noise", "0.05"),
             "r1_population": "1", "r2_population": "1",
             "steps": _p(p, "iterations", "10000"), **seed}
        return v, "the data, the noise scale, the iterations and the seed", ""
    if demo == "derivatives":
        v = {"task": "target", "target": "custom", "expression": _p(p, "f", "2*x^2"),
             **_runs("adam", "local_search")}
        return v, "the formula f(x) as a 1-D target", ("the point x, δ and the gradient-cost "
                                                        "counter")
    if demo == "evolution":
        method = "genetic" if _p(p, "method", "local") == "genetic" else "local_search"
        v = {"task": "spiral",
             **_runs(method, "adam"), "r1_population": _p(p, "population", "20"),
             "r1_sigma": _p(p, "mutation_rate", "0.05"), "r1_decay": _p(p, "decay", "1"),
             "r1_fraction": _p(p, "fraction", "0.1"), "r1_mutate": _p(p, "mutate", "many"),
             "steps": _p(p, "rounds", "300"), **seed}
        if method == "genetic":
            pop = int(float(v["r1_population"])) if v["r1_population"].replace(".", "").isdigit() else 20
            v["r1_parents"] = str(max(1, pop // 4))
            for key in ("r1_decay", "r1_fraction", "r1_mutate"):
                v.pop(key)
        return v, ("the method, population, mutation rate, decay, fraction, what to mutate, "
                   "rounds and seed"), "the reset after stale rounds and the play speed"
    if demo in ("gradient-descent", "gradient-descent-batches"):
        batch = _p(p, "batch_size", "0" if demo == "gradient-descent" else "1")
        v = {"task": "spiral", "activation": "relu", **_runs("sgd", "adam"),
             "r1_lr": _p(p, "lr", "0.1"), "r1_batch": batch, "r2_batch": batch,
             "steps": _p(p, "steps", "300"), **seed}
        return v, "the learning rate, the batch size, the steps and the seed", \
            "the chapter's own data set (the playground uses the spiral)"
    if demo == "gradient-descent-backprop":
        v = {"task": "neuron", **_runs("sgd"), "r1_lr": _p(p, "lr", "0.1")}
        return v, "the learning rate", "the hand-typed weights of the worked example"
    if demo == "momentum-adam":
        v = {"task": "surface", "surface": _p(p, "surface", "double_well"),
             **_runs("sgd", "sgd", "adam"), "r1_lr": _p(p, "gd_lr", "0.01"),
             "r2_lr": _p(p, "momentum_lr", "0.01"), "r2_momentum": _p(p, "momentum_beta", "0.9"),
             "r3_lr": _p(p, "adam_lr", "0.1"), "steps": _p(p, "steps", "300"), **seed}
        return v, ("the surface, the learning rates of gradient descent, momentum and Adam, "
                   "momentum's β and the steps"), ("the start point (the playground starts at "
                                                    "the surface's usual one), Nesterov, local "
                                                    "search and Adam's β1, β2, ε")
    if demo == "images":
        v = {"task": "image", "picture": _p(p, "picture", "smiley"),
             "size": _p(p, "size", "16") if _p(p, "size", "16") in ("16", "24", "32") else "32",
             "activation": _p(p, "activation", "tanh"),
             "width": _p(p, "width", "16"), "layers": _p(p, "depth", "2"),
             **_runs("local_search", "sgd", "adam"), "r1_population": _p(p, "children", "20"),
             "r1_sigma": _p(p, "sigma", "0.05"), "r1_mutate": "all",
             "r2_lr": _p(p, "sgd_lr", "0.1"), "r2_batch": _p(p, "batch", "0"),
             "r3_lr": _p(p, "adam_lr", "0.01"), **seed}
        if v["picture"] == "yours":
            v["picture"] = "smiley"
        return v, ("the picture, the network (width, depth, activation), the children and "
                   "mutation scale, the learning rates and the batch size"), \
            "the same-compute budget (the playground races by steps) and your own picture " \
            "(choose it again)"
    if demo == "dimensions":
        v = {"task": "surface", **_runs("metropolis", "sgd"),
             "r1_sigma": _p(p, "sigma", "0.01")}
        return v, "the mutation size σ", ("the dimension sweep itself (a 2-parameter surface "
                                           "here)")
    if demo == "real-landscapes":
        v = {"task": "target", "target": "sin", **_runs("sgd", "adam"), **seed}
        return v, "the seed", "the saddle and connectivity slices"
    if demo == "neuroevolution":
        rule = _p(p, "rule", "inf")
        v = {"task": "target", "target": "sin", "width": "30",
             **_runs("metropolis", "normalized_gd" if rule == "inf" else "sgd"),
             "r1_sigma": _p(p, "sigma", "0.02"),
             "r1_beta": "inf" if rule == "inf" else _p(p, "beta", "10"),
             "steps": _p(p, "mutations", "250"), **seed}
        return v, "σ, β (the rule) and the mutations", "the average over many runs"
    if demo == "evolution-wins":
        v = {"task": "step", "width": "8", **_runs("local_search", "sgd"),
             "r1_sigma": _p(p, "sigma", "0.3"), "r1_population": _p(p, "population", "20"),
             "r1_mutate": "all", "r2_lr": _p(p, "lr", "0.5"),
             "steps": _p(p, "generations", "300"), **seed}
        return v, "σ, the children, the learning rate, the generations and the seed", \
            "the chapter's own data set (vertical data here)"
    if demo == "conclusion":
        task = _p(p, "task", "fit")
        v = {"task": {"fit": "target", "sphere": "surface", "xor": "step"}.get(task, "target"),
             **_runs("sgd", "local_search"), "r1_lr": _p(p, "lr", "0.1"),
             "r2_sigma": _p(p, "sigma", "0.05"), **seed}
        return v, "the task's kind, the learning rate, the mutation scale and the seed", \
            "the dimension and the budget"
    raise validate.ArgumentValueError("from", f"no playground setup for the demo {demo!r}")


def from_demo(demo, params=None) -> dict:
    """A chapter demo's link parameters (its control name -> value, as in its link) as a full
    playground setup: {values (only those that differ from the playground's defaults), text}.
    A value the playground refuses falls back to its default (and the text says which)."""
    from . import DEMOS
    demo = validate.choice("from", demo, [d for d in DEMOS if d != "playground"])
    params = params or {}
    if not isinstance(params, dict):
        raise validate.ArgumentTypeError("params", "params must be an object of settings")
    params = {str(k): str(v)[:200] for k, v in params.items()}
    values, carried, left = _from(demo, params)
    values = {k: str(v) for k, v in values.items()}
    dropped = []
    try:
        Setup(values)
    except (ValueError, TypeError):
        # drop the carried values one at a time until the setup is accepted
        for key in [k for k in values if k not in ("task",)]:
            trial = {k: v for k, v in values.items() if k != key}
            try:
                Setup(trial)
                values = trial
                dropped.append(key)
                break
            except (ValueError, TypeError):
                continue
        else:
            values = {"task": values.get("task", "target")}
            dropped.append("all")
        Setup(values)
    base = defaults()
    values = {k: v for k, v in values.items() if v != base[k]}
    text = f"Opened from the {demo.replace('-', ' ')} demo: carried over {carried}."
    if left:
        text += f" Not shown here: {left}."
    if dropped:
        text += " A value the playground refuses was left at its default."
    return {"values": values, "text": text}


METHODS = {"setup": setup, "race": race, "export": export, "read_import": read_import,
           "compare": compare, "from_demo": from_demo}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("train:run", "the-network-and-the-methods"),
    ("search:run", "the-network-and-the-methods"),
    ("yours:ask", "your-own-method"),
    ("yours:tell", "your-own-method"),
    ("yours:update", "your-own-method"),
)

# the "your own" method's two functions, the reader's to rewrite (explainer_core.usercode)
EDITABLE = {
    "yours:ask": usercode.returns_shape(lambda a: (a["size"], np.size(a["state"].theta)),
                                        why="one row per candidate, as long as `state.theta`"),
    "yours:tell": yours.state_contract,
    "yours:update": yours.update_contract,
}

