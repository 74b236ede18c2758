"""Chapter "Momentum and Adam": five optimizers racing from one start on hard surfaces.

The methods (the library's, with PyTorch's semantics):

    gradient descent   theta <- theta - lr g
    momentum           b <- beta b + g,  theta <- theta - lr b           (Polyak's heavy ball)
    Nesterov           b <- beta b + g,  theta <- theta - lr (g + beta b)
    Adam               m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
                       theta <- theta - lr m_hat / (sqrt(v_hat) + eps),
                       m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)      (Kingma & Ba 2015)
    local search       the video's evolution: 3 mutated children of one parent, the best kept if
                       lower (3 loss evaluations: the compute of one gradient step, `train.compute`)

`race` steps them side by side and yields one frame per step, with Adam's moments read from the
very optimizer state the run uses. `steps_to_tolerance` and `ravine_steps` time each method on
the quadratic ravine (x^2 + kappa y^2) / 2 with the settings that are best for it in closed form
(Polyak 1964; Goh, "Why Momentum Really Works", Distill 2017), for the build-time chart.
"""

from __future__ import annotations

import functools
import math
from typing import Iterator

import numpy as np

from .. import datasets, optim, search, train, validate

Array = np.ndarray

SURFACE_NAMES = ("double_well", "ravine", "rosenbrock", "himmelblau", "beale", "rastrigin")
SURFACE_LABELS = {"double_well": "shallow dip before a deep well", "ravine": "ravine (condition 25)",
                  "rosenbrock": "Rosenbrock", "himmelblau": "Himmelblau", "beale": "Beale",
                  "rastrigin": "Rastrigin"}
METHOD_NAMES = ("gd", "momentum", "nesterov", "adam", "local")
METHOD_LABELS = {"gd": "gradient descent", "momentum": "momentum", "nesterov": "Nesterov",
                 "adam": "Adam", "local": "local search"}
LOCAL_POPULATION = 3  # children per round: 3 forward passes, the compute of one gradient step
MAX_STEPS = 5_000
FAR = 1e6  # a point this far out has diverged


def _defaults(steps, gd, mom, adam, sigma) -> dict:
    return {"steps": steps, "gd": {"lr": gd}, "momentum": {"lr": mom, "beta": 0.9},
            "nesterov": {"lr": mom, "beta": 0.9},
            "adam": {"lr": adam, "b1": 0.9, "b2": 0.999, "eps": 1e-8}, "local": {"sigma": sigma}}


# Settings that show each method's character within the step budget (checked in the tests). The
# four classic surfaces use the learning rates of the "Real landscapes" race.
DEFAULTS = {
    "double_well": _defaults(300, 0.01, 0.01, 0.05, 0.1),
    "ravine": _defaults(200, 0.07, 0.02, 0.3, 0.3),
    "rosenbrock": _defaults(1000, 1.5e-3, 3e-4, 0.05, 0.05),
    "himmelblau": _defaults(300, 0.01, 0.002, 0.1, 0.3),
    "beale": _defaults(1000, 0.01, 0.001, 0.05, 0.1),
    "rastrigin": _defaults(300, 0.002, 0.0005, 0.1, 0.3),
}


def surface(name: str) -> datasets.Surface:
    return datasets.surface(validate.choice("surface", name, SURFACE_NAMES))


def settings_for(surface_name: str, overrides: dict | None = None) -> dict:
    """The surface's default settings per method, with `overrides` {method: {name: value}}."""
    validate.choice("surface", surface_name, SURFACE_NAMES)
    out = {m: dict(DEFAULTS[surface_name][m]) for m in METHOD_NAMES}
    for method, values in (overrides or {}).items():
        validate.choice("method", method, METHOD_NAMES)
        out[method].update(values)
    return out


def make_optimizer(method: str, s: dict):
    """The library optimizer for a gradient method's settings `s`."""
    if method == "gd":
        return optim.sgd(s["lr"])
    if method == "momentum":
        return optim.sgd(s["lr"], momentum=s["beta"])
    if method == "nesterov":
        return optim.sgd(s["lr"], momentum=s["beta"], nesterov=True)
    if method == "adam":
        return optim.adam(s["lr"], s["b1"], s["b2"], s["eps"])
    raise validate.ArgumentValueError("method", f"{method!r} is not a gradient method")


def adam_state(state) -> optim.AdamState | None:
    """The AdamState inside an optimizer's (chained) state, or None."""
    if isinstance(state, optim.AdamState):
        return state
    if isinstance(state, tuple):
        for part in state:
            found = adam_state(part)
            if found is not None:
                return found
    return None


def adam_moments(state: optim.AdamState, grad: Array, step: Array, b1: float, b2: float) -> dict:
    """Adam's moments after step t for each coordinate: g, m_t, v_t, m_hat, v_hat, and the step
    theta_t - theta_{t-1} the run took."""
    t = state.count
    return {"t": t, "g": grad.tolist(), "m": state.m.tolist(), "v": state.v.tolist(),
            "m_hat": (state.m / (1.0 - b1**t)).tolist(), "v_hat": (state.v / (1.0 - b2**t)).tolist(),
            "step": step.tolist()}


def _point(theta: Array, loss: float) -> dict:
    return {"x": float(theta[0]), "y": float(theta[1]), "loss": float(loss)}


def race(surface_name: str = "double_well", start=None, settings: dict | None = None,
         steps: int | None = None, seed: int = 0, methods=METHOD_NAMES) -> Iterator[dict]:
    """Every method in `methods` from `start`, one step each per frame.

    Frames: {"step": t, "points": {method: {x, y, loss}}, "adam": adam_moments(...) or None,
    "ended": {method: "diverged"}} (frame 0 is the start). A method whose loss stops being finite,
    or whose point passes FAR, has diverged: it keeps its last finite point and steps no more.
    """
    s = surface(surface_name)
    cfg = settings_for(surface_name) if settings is None else settings
    steps = DEFAULTS[surface_name]["steps"] if steps is None else steps
    steps = validate.integer_in_range("steps", steps, 1, MAX_STEPS)
    theta0 = np.array(s.start if start is None else start, dtype=np.float64)
    methods = [validate.choice("method", m, METHOD_NAMES) for m in methods]
    f = lambda th: float(s.f(th[None, :])[0])  # noqa: E731
    loss0 = f(theta0)
    thetas = {m: theta0.copy() for m in methods}
    losses = {m: loss0 for m in methods}
    states, opts = {}, {}
    for m in methods:
        if m == "local":
            rng = validate.rng_from_seed(seed)
            method = search.local_search(population=LOCAL_POPULATION, sigma=cfg["local"]["sigma"],
                                         mutate="all")
            opts[m] = (method, rng)
            states[m] = method.init(theta0, rng, loss=loss0)
        else:
            opts[m] = make_optimizer(m, cfg[m])
            states[m] = opts[m].init(theta0)
    ended: dict[str, str] = {}
    yield {"step": 0, "points": {m: _point(thetas[m], loss0) for m in methods}, "adam": None,
           "ended": {}}
    for t in range(1, steps + 1):
        moments = None
        for m in methods:
            if m in ended:
                continue
            theta = thetas[m]
            if m == "local":
                method, rng = opts[m]
                children, st = method.ask(states[m], rng)
                st = method.tell(st, children, s.f(children))
                new, value = np.asarray(st.theta, dtype=np.float64), float(st.loss)
                states[m] = st
            else:
                grad = np.asarray(s.grad(theta), dtype=np.float64)
                new, states[m] = opts[m].step(theta, grad, states[m])
                with np.errstate(over="ignore", invalid="ignore"):
                    value = f(new)
                if m == "adam":
                    moments = adam_moments(adam_state(states[m]), grad, new - theta,
                                           cfg["adam"]["b1"], cfg["adam"]["b2"])
            if not (math.isfinite(value) and np.all(np.isfinite(new))
                    and float(np.max(np.abs(new))) < FAR):
                ended[m] = "diverged"
                continue
            thetas[m], losses[m] = new, value
        yield {"step": t, "points": {m: _point(thetas[m], losses[m]) for m in methods},
               "adam": moments, "ended": dict(ended)}


@functools.lru_cache(maxsize=16)
def _default_end(surface_name: str) -> dict:
    *_, last = race(surface_name)
    return last


def final_x(method: str, surface_name: str = "double_well") -> float:
    """Where `method` ends (its x) in the default race on `surface_name`."""
    return _default_end(surface_name)["points"][validate.choice("method", method, METHOD_NAMES)]["x"]


def final_loss(method: str, surface_name: str = "double_well") -> float:
    return _default_end(surface_name)["points"][validate.choice("method", method, METHOD_NAMES)]["loss"]


def divergence_step(method: str = "gd", lr: float = 0.09, surface_name: str = "ravine") -> int:
    """The step at which `method`, with learning rate `lr` (its other settings the surface's
    defaults), diverges in the default race on `surface_name`; 0 if it does not."""
    method = validate.choice("method", method, METHOD_NAMES)
    lr = validate.positive("lr", lr)
    settings = settings_for(surface_name, {method: {"lr": lr}})
    for frame in race(surface_name, settings=settings, methods=(method,)):
        if method in frame["ended"]:
            return frame["step"]
    return 0


def well_of(x: float) -> str:
    """Which dip of the double well x lies in: "deep" or "shallow" (the saddle divides them)."""
    return "deep" if x < datasets.DOUBLE_WELL_BARRIER else "shallow"


def steps_to_shallow(surface_name: str = "double_well") -> int:
    """The step of the default race from which gradient descent stays within 0.01 of the shallow
    minimum."""
    frames = list(race(surface_name, methods=("gd",)))
    far = [f["step"] for f in frames
           if abs(f["points"]["gd"]["x"] - datasets.DOUBLE_WELL_SHALLOW) > 0.01]
    return far[-1] + 1


SHALLOW_X = datasets.DOUBLE_WELL_SHALLOW
DEEP_X = datasets.DOUBLE_WELL_DEEP
SHALLOW_LOSS = float(datasets.double_well(np.array([SHALLOW_X, 0.0])))
DEEP_LOSS = float(datasets.double_well(np.array([DEEP_X, 0.0])))
BARRIER_LOSS = float(datasets.double_well(np.array([datasets.DOUBLE_WELL_BARRIER, 0.0])))


# ------------------------------------------------------------------ the ravine: condition number

RAVINE_CONDITIONS = (2, 5, 10, 20, 50, 100, 200, 500, 1000)
RAVINE_TOLERANCE = 1e-6  # a run has arrived when its loss is this fraction of the start's
RAVINE_START = (1.0, 1.0)
RAVINE_ADAM_LR = 0.03
RAVINE_MAX_STEPS = 20_000


def ravine_settings(method: str, condition: float) -> dict:
    """The best fixed settings for the ravine with Hessian eigenvalues 1 and kappa = condition.

    gradient descent: lr = 2 / (1 + kappa), rate (kappa - 1) / (kappa + 1) per step;
    momentum (heavy ball): lr = 4 / (1 + sqrt kappa)^2, beta = ((sqrt kappa - 1) / (sqrt kappa + 1))^2,
        rate (sqrt kappa - 1) / (sqrt kappa + 1) (Polyak 1964; Goh 2017);
    Nesterov: lr = 1 / kappa (one over the largest curvature), beta = (sqrt kappa - 1) / (sqrt kappa + 1);
    Adam: lr = RAVINE_ADAM_LR and its usual betas.
    """
    kappa = validate.number_in_range("condition", condition, 1.0, 1e8, low_open=True)
    root = math.sqrt(kappa)
    if method == "gd":
        return {"lr": 2.0 / (1.0 + kappa)}
    if method == "momentum":
        return {"lr": 4.0 / (1.0 + root) ** 2, "beta": ((root - 1.0) / (root + 1.0)) ** 2}
    if method == "nesterov":
        return {"lr": 1.0 / kappa, "beta": (root - 1.0) / (root + 1.0)}
    if method == "adam":
        return {"lr": RAVINE_ADAM_LR, "b1": 0.9, "b2": 0.999, "eps": 1e-8}
    raise validate.ArgumentValueError("method", f"{method!r} is not timed on the ravine")


@functools.lru_cache(maxsize=256)
def steps_to_tolerance(method: str, condition: float) -> int:
    """Steps `method` needs, with `ravine_settings`, until its loss on the ravine is at most
    RAVINE_TOLERANCE times the loss at RAVINE_START; 0 if it does not within RAVINE_MAX_STEPS."""
    s = datasets.ravine(condition)
    opt = make_optimizer(method, ravine_settings(method, condition))
    theta = np.array(RAVINE_START)
    target = RAVINE_TOLERANCE * float(s.f(theta))
    state = opt.init(theta)
    for t in range(1, RAVINE_MAX_STEPS + 1):
        theta, state = opt.step(theta, s.grad(theta), state)
        if float(s.f(theta)) <= target:
            return t
    return 0


def gd_steps_closed_form(condition: float) -> int:
    """Gradient descent's steps on the ravine from the closed form: with lr = 2 / (1 + kappa) both
    coordinates shrink by r = (kappa - 1) / (kappa + 1) a step, so the loss by r^2."""
    r = (condition - 1.0) / (condition + 1.0)
    return math.ceil(math.log(RAVINE_TOLERANCE) / (2.0 * math.log(r)))


def ravine_steps() -> list[dict]:
    """{condition, method, steps} for every condition of RAVINE_CONDITIONS and every gradient method."""
    return [{"condition": k, "method": METHOD_LABELS[m], "steps": steps_to_tolerance(m, float(k))}
            for m in ("gd", "momentum", "nesterov", "adam") for k in RAVINE_CONDITIONS]


def ravine_steps_at(method: str, condition: int = 1000) -> int:
    return steps_to_tolerance(validate.choice("method", method, METHOD_NAMES), float(condition))


def ravine_speedup(condition: int = 1000) -> float:
    """How many times fewer steps momentum needs than gradient descent at `condition`."""
    return ravine_steps_at("gd", condition) / ravine_steps_at("momentum", condition)


# ----------------------------------------------------------------------- compute per step

def compute_per_step(method: str) -> int:
    """Forward-pass equivalents one step costs (`train.compute`): a gradient step 1 + 2, a round
    of local search LOCAL_POPULATION loss evaluations."""
    validate.choice("method", method, METHOD_NAMES)
    return train.compute(LOCAL_POPULATION, 0) if method == "local" else train.compute(1, 1)
