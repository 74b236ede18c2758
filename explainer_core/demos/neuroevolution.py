"""Demo "neuroevolution": many runs of neuroevolution beside gradient descent (Whitelam et al.).

A thin JSON adapter over `chapters.neuroevolution`. R independent runs of conditioned random
mutation (`search.metropolis` with R chains: one batched forward pass of R mutated networks per
mutation) start from the same network as gradient descent, which takes one step per mutation
(lambda = 1): normalised descent at alpha = sigma / sqrt(2 pi) for beta = inf, plain descent at
alpha = beta sigma^2 / 2 for finite beta. Time t = alpha x mutations.

The picture is a 2-D projection of parameter space onto the top two principal directions of the
descent path (the right singular vectors of x_GD(m) - x0, m = 1 .. M), x0 at the origin.

Methods (typed fields arrive as the strings the reader typed):
    setup(sigma, beta, rule, runs, mutations, network, seed)
        the page's choices and fields, the settings, the descent path in the projection, and
        the measured mean step of one mutation at x0 beside the predicted one
    run(sigma, beta, rule, runs, mutations, network, seed, start, every)
        (rule "inf": beta = inf, whatever the β field says; "metropolis": the β field)
        a generator of frames: every run and their mean in the projection, the descent at the
        same time, Delta(t) = 1/D |<x>_R - x_GD|^2 and the noise it is predicted to be
"""

from __future__ import annotations

import math

from typing import Iterator

import numpy as np

from .. import search, usercode, validate
from ..chapters import neuroevolution as chapter

RULE_CHOICES = (("inf", "β = ∞: keep a mutation only if not worse"),
                ("metropolis", "finite β: Metropolis"))
NETWORK_CHOICES = (("shallow", "shallow: 1-30-1 (91 weights)"),
                   ("deep", "deep: 1-8-8-8-1 (169 weights)"))
MAX_SIGMA = 0.5
MAX_BETA = 1e6
MAX_RUNS = 200
MAX_MUTATIONS = 3000
FRAMES = 125  # a run is drawn in about this many frames
FRAME_WORK = 1600  # mutated networks evaluated per frame at most (runs x mutations)
STEP_SAMPLES = 4000  # mutations drawn at x0 to measure the mean step
PATH_POINTS = 400  # the descent path sent to the page, thinned to at most this many points
FIELDS = {
    "sigma": {"label": "σ", "default": "0.02", "min": 0, "max": MAX_SIGMA,
              "hint": "mutation scale: every weight gets N(0, σ²) noise"},
    "beta": {"label": "β", "default": "10", "min": 0, "max": MAX_BETA,
             "hint": "used by the Metropolis rule: keep a worse mutation with chance e^(−βΔU)"},
    "runs": {"label": "runs", "default": "100", "min": 1, "max": MAX_RUNS,
             "hint": "independent runs averaged"},
    "mutations": {"label": "mutations", "default": "250", "min": 1, "max": MAX_MUTATIONS,
                  "hint": "per run; descent takes as many steps"},
    "seed": {"label": "seed", "default": "0", "min": 0, "max": validate.MAX_SEED},
}
EXPECTED = {"σ": f"a number above 0 and at most {MAX_SIGMA:g}",
            "β": f"a number above 0 and at most {MAX_BETA:,.0f}",
            "runs": f"a whole number from 1 to {MAX_RUNS}",
            "mutations": f"a whole number from 1 to {MAX_MUTATIONS:,}",
            "seed": f"a whole number from 0 to {validate.MAX_SEED:,}"}
OUTCOMES = {"done": "info", "diverged": "error"}


def _typed(label: str, value, check):
    """`check(number)` of what the reader typed into the field `label`; one message that says
    what the field takes (and never prints a non-finite number) when it is not that."""
    number = None
    try:
        number = validate.real_number(label, value)
        return check(number)
    except ValueError as error:
        if number is None and "empty" in str(error):
            raise
        got = "" if number is None else f", got {number:g}"
        raise validate.ArgumentValueError(label,
                                          f"{label} must be {EXPECTED[label]}{got}") from None


def _between(low: float, high: float, closed_low: bool = False):
    def check(number):
        if not (low <= number if closed_low else low < number) or not number <= high:
            raise ValueError("out of range")
        return float(number)
    return check


def _whole(low: int, high: int):
    def check(number):
        if number != int(number) or not low <= number <= high:
            raise ValueError("out of range")
        return int(number)
    return check


def settings(sigma=FIELDS["sigma"]["default"], beta=FIELDS["beta"]["default"],
             runs=FIELDS["runs"]["default"], mutations=FIELDS["mutations"]["default"],
             network="shallow", seed="0", rule="inf") -> dict:
    """The checked settings (raises an error naming the field). The β field is checked whatever
    the rule; the rule "inf" makes β infinite (accept only if the loss does not rise)."""
    network = validate.choice("network", network, [value for value, _ in NETWORK_CHOICES])
    rule = validate.choice("rule", rule, [value for value, _ in RULE_CHOICES])
    sigma = _typed("σ", sigma, _between(0.0, MAX_SIGMA))
    beta = _typed("β", beta, _between(0.0, MAX_BETA))
    return {
        "sigma": sigma,
        "beta": math.inf if rule == "inf" else beta,
        "rule": rule,
        "runs": _typed("runs", runs, _whole(1, MAX_RUNS)),
        "mutations": _typed("mutations", mutations, _whole(1, MAX_MUTATIONS)),
        "network": network,
        "seed": _typed("seed", seed, lambda number: validate.seed(number, "seed")),
    }


_PATHS: dict = {}


def problem(s: dict) -> dict:
    """The task, x0, the descent path (M + 1, D) and the projection basis (D, 2) of settings
    `s`; the last few are kept (Play, Stop, Play again ask for the same one)."""
    key = (s["network"], s["sigma"], s["beta"], s["mutations"], s["seed"])
    if key not in _PATHS:
        task = chapter.network_task(s["network"])
        theta0, _ = chapter.start(s["network"], s["seed"])
        path = chapter.descent_path(task, theta0, s["sigma"], s["beta"], s["mutations"])
        bad = chapter.diverged_at(path)
        moved = path[1:bad] - theta0 if bad is None or bad > 1 else np.zeros((1, theta0.size))
        pick = np.unique(np.linspace(0, len(moved) - 1, min(len(moved), 200)).round().astype(int))
        _, _, vt = np.linalg.svd(moved[pick], full_matrices=True)
        basis = vt[:2].T.copy()
        for k in range(2):  # orientation: the end of the path on the positive side
            end = float(moved[-1] @ basis[:, k])
            if end < 0 or (end == 0 and float(moved.sum(axis=0) @ basis[:, k]) < 0):
                basis[:, k] = -basis[:, k]
        if len(_PATHS) >= 4:
            _PATHS.pop(next(iter(_PATHS)))
        _PATHS[key] = {"task": task, "theta0": theta0, "path": path, "basis": basis,
                       "diverged_at": bad}
    return _PATHS[key]


def _xy(points, p) -> list:
    """Projection of parameter vectors (..., D) onto the basis, x0 at the origin."""
    return ((np.asarray(points) - p["theta0"]) @ p["basis"]).tolist()


def setup(sigma=FIELDS["sigma"]["default"], beta=FIELDS["beta"]["default"], rule="inf",
          runs=FIELDS["runs"]["default"], mutations=FIELDS["mutations"]["default"],
          network="shallow", seed="0") -> dict:
    """The choices and fields of the page, the settings, the descent path in the projection and
    the measured mean step at x0 against the prediction."""
    s = settings(sigma, beta, runs, mutations, network, seed, rule)
    p = problem(s)
    alpha, _ = chapter.reference(s["sigma"], s["beta"])
    steps = s["mutations"]
    last = steps if p["diverged_at"] is None else p["diverged_at"] - 1
    shown = np.unique(np.linspace(0, last, min(last + 1, PATH_POINTS)).round().astype(int))
    _, rng = chapter.start(s["network"], s["seed"])
    step = chapter.step_statistics(p["task"], p["theta0"], s["sigma"], s["beta"], STEP_SAMPLES,
                                   rng)
    if step["b"] == math.inf:
        step["b"] = None  # JSON has no infinity: the page says "∞"
    return {
        **{k: v for k, v in s.items() if k != "beta"},
        "beta": "inf" if s["beta"] == math.inf else s["beta"],
        "choices": {"network": [list(pair) for pair in NETWORK_CHOICES],
                    "rule": [list(pair) for pair in RULE_CHOICES]},
        "fields": FIELDS,
        "outcomes": OUTCOMES,
        "alpha": alpha,
        "t_end": alpha * steps,
        "parameters": int(p["theta0"].size),
        "reference": "normalised" if s["beta"] == math.inf else "plain",
        "path": {"step": shown.tolist(), "xy": _xy(p["path"][shown], p)},
        "step": step,
        "start_loss": float(p["task"].population_loss(p["theta0"][None, :], None)[0]),
        "diverged_at": p["diverged_at"],
        "warning": None if p["diverged_at"] is None else _diverged(s, alpha, p["diverged_at"]),
    }


def _diverged(s: dict, alpha: float, step: int) -> str:
    """Why the reference descent stops at `step`."""
    return (f"Gradient descent diverges at step {step:,}: its loss is no longer a finite number. "
            f"Its learning rate α = βσ²/2 = {alpha:.3g} is too large for this network, so each "
            "step overshoots further. Lower β or σ; the runs would stop being comparable there.")


def run(sigma=FIELDS["sigma"]["default"], beta=FIELDS["beta"]["default"], rule="inf",
        runs=FIELDS["runs"]["default"], mutations=FIELDS["mutations"]["default"],
        network="shallow", seed="0", start: int = 0, every: int | None = None) -> Iterator[dict]:
    """R runs of `mutations` mutations from x0, drawn from the seed's generator after x0;
    one frame per `every` mutations (by default mutations / FRAMES, at most FRAME_WORK / R, at
    least 1), and the last.

    A frame: {step, t, runs_xy (R x [x, y]), mean_xy, gd_xy, delta, predicted, gd_moved,
    mean_loss (the loss of the averaged network), gd_loss, accepted (share of mutations kept so
    far), done}. `predicted` = sigma^2 x (mutations kept per run) / R, the variance per weight
    that the kept mutations' noise leaves in an average of R runs. A run resumed at `start`
    replays the first `start` mutations (the seed fixes them), yielding only {step, catch_up:
    true} frames meanwhile. The last
    frame adds `outcome` and `reason`.
    """
    s = settings(sigma, beta, runs, mutations, network, seed, rule)
    steps = s["mutations"]
    start = validate.integer_in_range("start", start, 0, steps)
    # about FRAMES frames, and at most FRAME_WORK mutated networks per frame (Stop waits for one)
    every = max(1, min(math.ceil(steps / FRAMES), FRAME_WORK // s["runs"])) if every is None \
        else validate.integer_in_range("every", every, 1, steps)
    if start == steps:
        start = 0  # a finished run: Play runs it again
    p = problem(s)
    task, theta0, path, basis = p["task"], p["theta0"], p["path"], p["basis"]
    _, rng = chapter.start(s["network"], s["seed"])
    R = s["runs"]
    method = search.metropolis(s["sigma"], s["beta"], chains=R)
    state = method.init(theta0, rng, loss=float(task.population_loss(theta0[None, :], None)[0]))
    alpha, _ = chapter.reference(s["sigma"], s["beta"])
    gd_losses = {}

    def frame(step: int) -> dict:
        chains = state.chains
        mean = chains.mean(axis=0)
        gd = path[step]
        if step not in gd_losses:
            gd_losses[step] = float(task.population_loss(gd[None, :], None)[0])
        accepted = state.accepted / R  # mutations kept per run
        return {
            "step": step, "t": alpha * step,
            "runs_xy": ((chains - theta0) @ basis).tolist(),
            "mean_xy": ((mean - theta0) @ basis).tolist(),
            "gd_xy": ((gd - theta0) @ basis).tolist(),
            "delta": float(np.mean((mean - gd) ** 2)),
            "predicted": s["sigma"] ** 2 * accepted / R,
            "gd_moved": float(np.mean((gd - theta0) ** 2)),
            "mean_loss": float(task.population_loss(mean[None, :], None)[0]),
            "gd_loss": gd_losses[step],
            "accepted": accepted / step if step else 0.0,
            "done": False,
        }

    if start == 0:
        yield frame(0)
    step = 0
    while step < steps:
        if p["diverged_at"] is not None and step + 1 >= p["diverged_at"]:
            out = frame(step)
            out.update(done=True, outcome="diverged", reason=(
                _diverged(s, alpha, p["diverged_at"]) + f" Stopped at mutation {step:,}."))
            yield out
            return
        population, state = method.ask(state, rng)
        losses = task.population_loss(population, None)
        state = method.tell(state, population, losses)
        step += 1
        if not np.all(np.isfinite(state.losses)) or not np.all(np.isfinite(state.chains)):
            bad = int(np.sum(~np.isfinite(state.losses)))
            out = frame(step)
            out.update(done=True, outcome="diverged", reason=(
                f"Stopped at mutation {step:,}: the loss of {bad} run{'s' if bad != 1 else ''} "
                "is no longer a finite number (a weight grew beyond what floating point holds), "
                "so no average can be taken. Lower σ or β."))
            yield out
            return
        if step <= start:
            if step % 20 == 0:  # replaying: a frame now and then, so that Stop is heard
                yield {"step": step, "t": alpha * step, "catch_up": True, "done": False}
            continue
        if step % every == 0 or step == steps:
            out = frame(step)
            if step == steps:
                out.update(done=True, outcome="done", reason=_ending(s, out))
            yield out


def _ending(s: dict, f: dict) -> str:
    reference = ("normalised gradient descent" if s["beta"] == math.inf
                 else "plain gradient descent")
    runs = f"{s['runs']} run{'s' if s['runs'] != 1 else ''}"
    return (f"Done: {s['mutations']:,} mutations per run, t = {f['t']:.3g}. The average of "
            f"{runs} is Δ = {f['delta']:.3g} from {reference}, which moved {f['gd_moved']:.3g} "
            f"from the start; the noise of the kept mutations alone would give "
            f"{f['predicted']:.3g}. Loss of the averaged network {f['mean_loss']:.4f}, of "
            f"descent {f['gd_loss']:.4f}; {f['accepted']:.0%} of the mutations were kept.")



METHODS = {"setup": setup, "run": run}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("search:metropolis_accept", "the-algorithm"),
    ("search:metropolis", "the-algorithm"),
)

# the function a reader may rewrite, and what its answer must be (usercode.py): one True/False
# per mutation, kept or not
EDITABLE = {"search:metropolis_accept": usercode.returns_like("delta", kind="b")}

