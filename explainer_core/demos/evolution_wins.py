"""Demo "evolution-wins": a binary-step network on the XOR of signs, gradient descent against
local search, side by side.

A thin JSON adapter over `chapters.evolution_wins`: the seed draws the data, then the start (the
same network for both methods), then local search's mutations, exactly as
`chapter.gradient_vs_evolution` does, so the page's numbers are CPython's. Both methods take one
step per generation (a gradient step, or one round of children), in lockstep.

Methods (typed fields arrive as the strings the reader typed):
    setup(seed, sigma, population, lr, generations)   the data, both maps at generation 0, and
                                                      the page's choices and fields
    race(seed, sigma, population, lr, generations, start, stop, every, regions_ms)
                                                      a generator of frames; resumable at `start`,
                                                      ending at `stop` (Step) or `generations`

A map is the network's output (0 or 1) in each cell of a grid over [-1, 1]^2, rows from the top.
"""

from __future__ import annotations

import math
import time
from typing import Iterator

import numpy as np

from .. import nets, search, validate
from ..chapters import evolution_wins as chapter

RACE = chapter.RACE
MAX_GENERATIONS = 5_000
MAX_SIGMA = 10.0
MAX_LR = 1_000.0
MAX_POPULATION = 200
FIELDS = {
    "generations": {"label": "generations", "default": str(RACE["generations"]), "min": 1,
                    "max": MAX_GENERATIONS, "hint": "steps of both methods"},
    "sigma": {"label": "σ (mutation size)", "default": str(RACE["sigma"]), "min": 0,
              "max": MAX_SIGMA, "hint": "local search's N(0, σ²) step on every weight"},
    "population": {"label": "children", "default": str(RACE["population"]), "min": 1,
                   "max": MAX_POPULATION, "hint": "per generation"},
    "lr": {"label": "learning rate", "default": str(RACE["lr"]), "min": 0, "max": MAX_LR,
           "hint": "gradient descent's; try any"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
EXPECTED = {
    "generations": f"a whole number from 1 to {MAX_GENERATIONS:,}",
    "σ (mutation size)": f"a number above 0 and at most {MAX_SIGMA:g}",
    "children": f"a whole number from 1 to {MAX_POPULATION}",
    "learning rate": f"a number above 0 and at most {MAX_LR:g}",
    "seed": f"a whole number from 0 to {validate.MAX_SEED:,}",
}
GRID = 48
EVERY = 5  # generations per frame
STEP = 10  # generations per press of Step
REGIONS_MS = 40
CATCH_UP_MS = 25  # while a resumed run replays its first generations, a frame this often
OUTCOMES = {"done": "info"}
METHODS_SHOWN = (("gd", "Gradient descent"), ("evolution", "Local search (evolution)"))


def _typed(label: str, value, check):
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


def _open_above_zero(high):
    def check(label, number):
        if not 0.0 < number <= high:
            raise ValueError(label)
        return number
    return check


def _settings(seed, sigma, population, lr, generations) -> dict:
    label = {name: spec["label"] for name, spec in FIELDS.items()}
    return {
        "generations": _typed(label["generations"], generations,
                              lambda l, n: validate.integer_in_range(l, n, 1, MAX_GENERATIONS)),
        "sigma": _typed(label["sigma"], sigma, _open_above_zero(MAX_SIGMA)),
        "population": _typed(label["population"], population,
                             lambda l, n: validate.integer_in_range(l, n, 1, MAX_POPULATION)),
        "lr": _typed(label["lr"], lr, _open_above_zero(MAX_LR)),
        "seed": _typed(label["seed"], seed, lambda l, n: validate.seed(n, l)),
    }


_CELLS = None


def _cells() -> np.ndarray:
    global _CELLS
    if _CELLS is None:
        g = (np.arange(GRID) + 0.5) / GRID * 2.0 - 1.0
        xs, ys = np.meshgrid(g, g[::-1])
        _CELLS = np.stack([xs.ravel(), ys.ravel()], axis=1)
    return _CELLS


def regions(theta, sizes) -> list[int]:
    """The network's output, 0 or 1, in each grid cell over [-1, 1]^2, rows from the top."""
    out = nets.forward(np.asarray(theta), sizes, _cells(), "binary_step", "binary_step")
    return out[:, 0].astype(int).tolist()


def _problem(settings):
    rng = validate.rng_from_seed(settings["seed"])
    task, sizes = chapter.xor_task(RACE["points"], RACE["hidden"], rng)
    theta0 = nets.init_params(sizes, rng, scheme="normal")
    return rng, task, sizes, theta0


def _state(task, theta) -> dict:
    loss, grad, _ = task.loss_and_grad(theta, None)
    return {"error": float(loss), "grad_norm": float(np.linalg.norm(grad)),
            "grad_max": float(np.max(np.abs(grad)))}


def setup(seed="0", sigma=FIELDS["sigma"]["default"], population=FIELDS["population"]["default"],
          lr=FIELDS["lr"]["default"], generations=FIELDS["generations"]["default"]) -> dict:
    """The data, both methods at generation 0 (the same start), and the page's fields."""
    settings = _settings(seed, sigma, population, lr, generations)
    _, task, sizes, theta0 = _problem(settings)
    rng = validate.rng_from_seed(settings["seed"])
    X = rng.uniform(-1.0, 1.0, size=(RACE["points"], 2))  # xor_task's draw, replayed
    label = (X[:, 0] * X[:, 1] > 0).astype(int)
    start = _state(task, theta0)
    return {
        **settings,
        "fields": FIELDS,
        "outcomes": OUTCOMES,
        "methods": [list(pair) for pair in METHODS_SHOWN],
        "points": {"x": X[:, 0], "y": X[:, 1], "label": label},
        "grid": GRID,
        "step_size": STEP,
        "weights": int(task.dimension),
        "start": {"step": 0, "methods": {"gd": dict(start, moved=0.0),
                                         "evolution": dict(start, moved=0.0, improvements=0)},
                  "regions": {name: regions(theta0, sizes) for name, _ in METHODS_SHOWN}},
    }


def _ending(settings, step, states, stopped_early) -> str:
    gd, evo = states["gd"], states["evolution"]
    head = (f"Paused at generation {step:,}." if stopped_early
            else f"Done: {step:,} generations.")
    return (f"{head} Gradient descent: error {gd['error']:.1%}, moved {gd['moved']:g} "
            f"(its gradient was exactly 0 at every step, so θ − {settings['lr']:g} · 0 = θ). "
            f"Local search: error {evo['error']:.1%}, {evo['improvements']:,} improving "
            f"generation{'' if evo['improvements'] == 1 else 's'}, moved {evo['moved']:.3g}.")


def race(seed="0", sigma=FIELDS["sigma"]["default"], population=FIELDS["population"]["default"],
         lr=FIELDS["lr"]["default"], generations=FIELDS["generations"]["default"], start: int = 0,
         stop: int | None = None, every: int = EVERY, regions_ms: float = REGIONS_MS) -> Iterator[dict]:
    """Both methods from generation 0 (replaying up to `start` silently) to `stop` (default: the
    run's length); one frame per `every` generations and the last.

    A frame: {step, generations, methods: {gd: state, evolution: state}, done}, a state:
    {error, grad_norm, grad_max, moved (distance from the start)} (+ improvements); `regions`
    at most every `regions_ms` ms and in the last frame, which adds `outcome` and `reason`.
    While it replays up to `start` it yields only {step, generations, catch_up: true, done}
    frames, every CATCH_UP_MS ms.
    """
    settings = _settings(seed, sigma, population, lr, generations)
    total = settings["generations"]
    start = validate.integer_in_range("start", start, 0, total)
    if start == total:
        start = 0
    stop = total if stop is None else validate.integer_in_range("stop", stop, start + 1, total)
    every = validate.integer_in_range("every", every, 1, total)
    regions_ms = validate.number_in_range("regions_ms", regions_ms, 0.0, 1e7)
    rng, task, sizes, theta0 = _problem(settings)
    method = search.local_search(settings["population"], settings["sigma"], mutate="all")
    state = method.init(theta0, rng, loss=float(task.population_loss(theta0[None, :], None)[0]))
    theta_gd = theta0.copy()
    improvements = 0
    last_regions = -math.inf
    last_catch_up = time.perf_counter()  # that Stop is heard while a resumed run replays
    for step in range(1, stop + 1):
        _, grad, _ = task.loss_and_grad(theta_gd, None)
        theta_gd = theta_gd - settings["lr"] * grad
        population_, state = method.ask(state, rng)
        before = state.loss
        state = method.tell(state, population_, task.population_loss(population_, None))
        improvements += int(state.loss < before)
        if step <= start and step < stop:
            if (time.perf_counter() - last_catch_up) * 1000 >= CATCH_UP_MS:
                last_catch_up = time.perf_counter()  # replaying: a frame now and then, so
                yield {"step": step, "generations": total, "catch_up": True, "done": False}
            continue
        done = step == stop
        if step % every and not done:
            continue
        gd = dict(_state(task, theta_gd), moved=float(np.linalg.norm(theta_gd - theta0)))
        evo = dict(_state(task, state.theta), improvements=improvements,
                   moved=float(np.linalg.norm(state.theta - theta0)))
        evo["error"] = float(state.loss)
        frame = {"step": step, "generations": total, "done": done,
                 "methods": {"gd": gd, "evolution": evo}}
        now = time.perf_counter()
        if done or (now - last_regions) * 1000 >= regions_ms:
            last_regions = now
            frame["regions"] = {"gd": regions(theta_gd, sizes), "evolution": regions(state.theta, sizes)}
        if done:
            frame["outcome"] = "done"
            frame["reason"] = _ending(settings, step, frame["methods"], step < total)
        yield frame


METHODS = {"setup": setup, "race": race}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("search:local_search", "a-network-with-no-gradient"),
    ("search:run", "a-network-with-no-gradient"),
)

