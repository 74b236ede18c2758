"""Demo "landscape": the neuron y = f(a·x + b) fitting sin(x) at three points.

A thin JSON adapter over `chapters.landscape`: the steps are `optim.sgd` and one round of
`search.local_search`, run by the `train` driver like any other optimizer.

Methods (all arguments JSON; typed fields arrive as the strings the reader typed):
    setup(activation, loss, grid)     the landscape grid, the data, the minimum, and the page's
                                      choices and fields (so the page keeps no copy of them)
    evaluate(a, b, activation, loss)  loss, gradient and model curve at (a, b)
    step(a, b, method, ...)           one gradient or local-search step
    train(a, b, method, ..., max_steps)  a generator of frames walking downhill (one method)
    race(a, b, ..., gradient, local_search, counter)  both methods in lockstep from one start,
                                      resumable from a frame's states (what the page runs)
setup, evaluate and race take the three data points as `points` ({"x1": ..., "y3": ...}, the
strings the reader typed or dragged), checked against the model-curve panel's range.
Every answer that ends a run carries `outcome` (a key of OUTCOMES) beside its sentence.
"""

from __future__ import annotations

import math

import numpy as np

from .. import optim, search, train as driver, validate
from ..chapters import landscape as chapter

# The choices the page offers, as [value, label] pairs, sent in setup()'s reply.
ACTIVATIONS = (("tanh", "tanh"), ("sin", "sin"), ("relu", "ReLU"), ("sigmoid", "sigmoid"),
               ("gaussian", "Gaussian"), ("binary_step", "binary step"))
LOSSES = (("mse", "mean squared error"), ("mae", "mean absolute error"))
METHODS_SHOWN = (("gradient", "gradient descent"), ("local_search", "local search"))
# The typed fields: `label` is also the name a bad value's error gives as `arg`, so the page
# shows the message beside the field it came from.
FIELDS = {
    "lr": {"label": "learning rate", "default": "0.5", "min": 0.0, "max": 100.0},
    "neighbours": {"label": "neighbours", "default": "8", "min": 1, "max": 1000},
    "step_size": {"label": "step size", "default": "0.3", "min": 0.0, "max": 10.0},
    "max_steps": {"label": "steps", "default": "2000", "min": 1, "max": 100_000},
}
# The model-curve panel's range: the three data points must stay inside it, so they stay visible.
CURVE_RANGE = {"x": (-4.0, 4.0), "y": (-1.6, 1.6)}
# The data points, as typed fields (the keyboard's way to move them; a drag fills them in).
POINT_FIELDS = {
    f"{axis}{k + 1}": {"label": f"point {k + 1} {axis}", "default": repr(float(value)),
                       "min": CURVE_RANGE[axis][0], "max": CURVE_RANGE[axis][1]}
    for k in range(3) for axis, value in (("x", chapter.DATA_X[k]), ("y", chapter.DATA_Y[k]))
}
FIELDS.update(POINT_FIELDS)
# How fast a run is drawn: steps of both methods per animation frame.
SPEEDS = (("1", "1 step per frame"), ("4", "4 steps per frame"), ("16", "16 steps per frame"),
          ("64", "64 steps per frame"))
DEFAULT_SPEED = "16"
# What the loss chart puts along its horizontal axis.
LOSS_AXES = (("steps", "steps"), ("compute", "compute (forward + 2 × backward passes)"))
# The loss chart's log scale starts here: an exact fit (loss 0) is drawn at this floor.
LOSS_FLOOR = 1e-16
# More equally low points than this are a flat valley floor or plateau, not separate minima.
MANY_MINIMA = 16
# A method whose loss is this far above the lowest loss of the box stopped on a plateau.
PLATEAU_GAP = 1e-3
# Steps without a lower loss after which each method is said to have stopped.
PATIENCE = {"gradient": 20, "local_search": 50}
# How a step or a run ended, and how the page should show it.
OUTCOMES = {"diverged": "warning", "diverging": "warning", "zero_gradient": "warning",
            "left_range": "warning", "converged": "info", "stalled": "info",
            "step_limit": "info", "no_move": "info", "ended": "info"}
CURVE_X = np.linspace(-4.0, 4.0, 161)
# A gradient step that throws the point this far (ten times the plotted box) has failed: on the
# flat outskirts of a saturating activation it never comes back, and with relu it blows up.
FAR = 50.0


def _options(activation: str, loss: str) -> tuple[str, str]:
    return (validate.choice("activation", activation, [v for v, _ in ACTIVATIONS]),
            validate.choice("loss", loss, [v for v, _ in LOSSES]))


def _point(a, b) -> np.ndarray:
    return np.array([validate.real_number("a", a), validate.real_number("b", b)])


def _field(name: str, value, integer: bool = False):
    spec = FIELDS[name]
    if integer:
        return validate.integer_in_range(spec["label"], value, spec["min"], spec["max"])
    return validate.number_in_range(spec["label"], value, spec["min"], spec["max"],
                                    low_open=True)


def plural(count: int, word: str) -> str:
    """ "1 step", "2 steps"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _short(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = 0.0
    if not math.isfinite(number):  # "NaN", "inf", "1e999": said in words
        return validate._non_finite(number)
    text = str(value)
    return repr(text if len(text) <= 20 else text[:20] + "…")


def _number(label: str, value, low: float, high: float) -> float:
    """A finite number in [low, high] typed into the field `label`; the message quotes at most
    20 characters of what was typed and never prints a non-finite number."""
    try:
        number = validate.real_number(label, value)
    except (ValueError, TypeError):
        raise validate.ArgumentValueError(
            label, f"{label} must be a finite number, got {_short(value)}") from None
    if not low <= number <= high:
        raise validate.ArgumentValueError(
            label, f"{label} must be between {low:g} and {high:g}, got {_short(value)}")
    return number


def _points(points) -> tuple[np.ndarray, np.ndarray]:
    """The data (x, y) from the reader's fields {"x1": ..., "y3": ...}; None: the chapter's."""
    if points is None:
        return chapter.DATA_X, chapter.DATA_Y
    if not isinstance(points, dict):
        raise validate.ArgumentTypeError("points", "points must be an object of x1 ... y3")
    values = {}
    for name, spec in POINT_FIELDS.items():
        values[name] = _number(spec["label"], points.get(name, spec["default"]),
                               spec["min"], spec["max"])
    return (np.array([values[f"x{k}"] for k in (1, 2, 3)]),
            np.array([values[f"y{k}"] for k in (1, 2, 3)]))


_MINIMA_CACHE: dict = {}


def minima(activation: str, loss: str, x, y) -> dict:
    """The lowest points of the plotted box, and a sentence that says what they are:
    kind "one" (a single lowest point), "several" (equally low points, all marked), "outside"
    (the lowest loss of the box is on its edge: the minimum lies outside), or "flat" (a whole
    valley floor or plateau shares the lowest loss)."""
    key = (activation, loss, tuple(np.asarray(x, float)), tuple(np.asarray(y, float)))
    if key in _MINIMA_CACHE:
        return _MINIMA_CACHE[key]
    found = chapter.lowest_points(activation, loss, x=x, y=y)
    lo, hi = chapter.BOUNDS
    edge = [a <= lo + 1e-9 or a >= hi - 1e-9 or b <= lo + 1e-9 or b >= hi - 1e-9
            for a, b, _ in found]
    lowest = found[0][2]
    points = [[a, b] for a, b, _ in found]
    if all(edge):
        a, b, _ = found[0]
        kind, text = "outside", (
            f"The lowest loss in the plotted range, {lowest:.4g}, is on its edge at "
            f"({a:.2f}, {b:.2f}) (hollow ×): the minimum lies outside the plotted range.")
    elif len(found) > MANY_MINIMA:
        kind = "flat"
        text = (f"The lowest loss in the plotted range, {lowest:.4g}, is shared by many points "
                f"of a flat valley floor or plateau (white dots)"
                + (", which runs to the edge of the plotted range" if any(edge) else "")
                + ": no single point is the minimum.")
    elif len(found) > 1:
        kind, text = "several", (
            f"× marks the {len(found)} lowest points in the plotted range, all equally low "
            f"(loss at most {max(v for *_, v in found):.2g}): none is better than the others.")
    else:
        a, b, _ = found[0]
        kind, text = "one", (f"× marks the lowest point in the plotted range: ({a:.3f}, {b:.3f}), "
                             f"loss {lowest:.2g}.")
    answer = {"kind": kind, "points": points, "edge": edge, "loss": lowest, "text": text}
    if len(_MINIMA_CACHE) > 32:
        _MINIMA_CACHE.clear()
    _MINIMA_CACHE[key] = answer
    return answer


def _legend(lo: float, hi: float) -> list[dict]:
    """Ticks of the colour bar: position t in [0, 1] (the colour scale is the square root of the
    loss's position in [lo, hi]) and the loss there, as a label."""
    return [{"t": t, "loss": lo + t * t * (hi - lo), "label": f"{lo + t * t * (hi - lo):.2g}"}
            for t in (0.0, 0.25, 0.5, 0.75, 1.0)]


def setup(activation: str = "tanh", loss: str = "mse", grid: int = 100, points=None) -> dict:
    """The landscape on a grid×grid lattice over [-5, 5]² for the data `points`, its colours and
    colour bar, the lowest points, and the choices and fields of the page."""
    activation, loss = _options(activation, loss)
    x, y = _points(points)
    landscape = chapter.loss_grid(activation, loss, grid, x=x, y=y)
    values = landscape.loss.ravel()
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    with np.errstate(invalid="ignore"):
        shade = np.where(np.isfinite(values), np.sqrt(np.clip((values - lo) / (hi - lo or 1.0),
                                                               0.0, 1.0)), 1.0)
    found = minima(activation, loss, x, y)
    return {
        "activation": activation,
        "loss_name": loss,
        "bounds": list(chapter.BOUNDS),
        "a": landscape.x,
        "b": landscape.y,
        "loss": values,  # row-major: loss[i * n + j] = L(a[j], b[i])
        "shade": np.round(shade, 4),  # the colour of each cell, in [0, 1] along the colour bar
        "loss_range": [lo, hi],
        "legend": _legend(lo, hi),
        "minimum": {"a": found["points"][0][0], "b": found["points"][0][1], "loss": found["loss"]},
        "minima": found,
        "data": {"x": x, "y": y},
        "target": {"x": CURVE_X, "y": np.sin(CURVE_X)},
        "curve_x": CURVE_X,  # the x of every model curve that evaluate() and race() return
        "curve_range": CURVE_RANGE,
        "choices": {"activation": ACTIVATIONS, "loss": LOSSES, "method": METHODS_SHOWN,
                    "speed": SPEEDS, "loss_axis": LOSS_AXES},
        "default_speed": DEFAULT_SPEED,
        "loss_floor": LOSS_FLOOR,
        "backward_cost": driver.BACKWARD_COST,  # compute = forward + this x backward passes
        "fields": FIELDS,
        "outcomes": OUTCOMES,
    }


def _state(theta: np.ndarray, task: driver.Task, activation: str) -> dict:
    value, gradient, _ = task.loss_and_grad(theta, None)
    return {
        "a": float(theta[0]),
        "b": float(theta[1]),
        "loss": value,
        "grad": gradient,
        "curve": chapter.predict(theta, CURVE_X, activation)[0],  # at setup()'s curve_x
        "predictions": chapter.predict(theta, chapter.DATA_X, activation)[0],
    }


def evaluate(a, b, activation: str = "tanh", loss: str = "mse", points=None) -> dict:
    """Everything the page shows for one point: loss, gradient, model curve."""
    activation, loss = _options(activation, loss)
    x, y = _points(points)
    return _state(_point(a, b), chapter.neuron_task(activation, loss, x, y), activation)


def _run(task, theta, method, lr, neighbours, step_size, rng, steps):
    """The driver's records for `steps` steps of either method from theta."""
    if method == "gradient":
        return driver.run(task, optim.sgd(lr), theta, steps=steps, theta_dims=2)
    local = search.local_search(population=neighbours, sigma=step_size, mutate="all")
    return driver.run(task, local, theta, steps=steps, rng=rng, theta_dims=2)


def _settings(method, lr, neighbours, step_size):
    method = validate.choice("method", method, [v for v, _ in METHODS_SHOWN])
    if method == "gradient":
        return method, _field("lr", lr), None, None
    return method, None, _field("neighbours", neighbours, True), _field("step_size", step_size)


def _amount(x: float) -> str:
    """A number for a sentence: 3 significant digits, or in words when it is not finite (the
    reader sees "infinity", not Python's "inf")."""
    if math.isnan(x):
        return "not a number"
    if math.isinf(x):
        return "infinity" if x > 0 else "minus infinity"
    return f"{x:.3g}"


def _diverged(theta: np.ndarray, value: float, lr) -> tuple[str, str] | None:
    size = float(np.max(np.abs(theta)))
    if not math.isfinite(size) or not math.isfinite(value) or size > 1e6:
        return "diverged", (
            f"The run diverged: the parameters grew to {_amount(size)} and the loss became "
            f"{_amount(value)}. Each step overshot the valley by more than it gained, so the next "
            f"gradient was larger still. The learning rate ({lr:g}) is too high: try a smaller one."
        )
    if size > FAR:
        return "diverging", (
            f"The run is diverging: a step threw the point far off the landscape (|a| or |b| = "
            f"{_amount(size)}, the plot ends at 5), where the loss is {_amount(value)}. The learning rate "
            f"({lr:g}) is too high for this landscape: try a smaller one."
        )
    return None


def _zero_gradient_message(activation: str) -> str:
    if activation == "binary_step":
        return (
            "The gradient is exactly zero: the binary step is flat everywhere except at its jump, "
            "so gradient descent gets no signal and cannot move. Local search can."
        )
    return "The gradient is exactly zero here, so gradient descent stays where it is."


def _frame(record: dict, start: dict) -> dict:
    """A record as a frame, with the compute spent since the starting point (whose loss the
    page already knows, so the search's evaluation of it is not counted again)."""
    return {"step": record["step"], "a": record["theta"][0], "b": record["theta"][1],
            "loss": record["loss"],
            "forward_passes": record["forward_passes"] - start["forward_passes"],
            "backward_passes": record["backward_passes"] - start["backward_passes"]}


def step(a, b, method: str = "gradient", lr="0.1", neighbours="8", step_size="0.3",
         seed: int = 0, counter: int = 0, activation: str = "tanh", loss: str = "mse") -> dict:
    """One step from (a, b). Local search draws from Generator([seed, counter]): repeatable."""
    activation, loss = _options(activation, loss)
    method, lr, neighbours, step_size = _settings(method, lr, neighbours, step_size)
    theta = _point(a, b)
    rng = np.random.default_rng([validate.seed(seed), validate.seed(counter, "counter")])
    task = chapter.neuron_task(activation, loss)
    start, *_, last = _run(task, theta, method, lr, neighbours, step_size, rng, 1)
    new = np.array(last["theta"])
    state = _state(new, task, activation)
    frame = _frame(last, start)
    state.update(forward_passes=frame["forward_passes"],
                 backward_passes=frame["backward_passes"],
                 moved=bool(np.any(new != theta)), message=None, outcome=None)
    if method == "gradient":
        ended = _diverged(new, state["loss"], lr)
        if ended is None and not np.any(state["grad"]) and not state["moved"]:
            ended = "zero_gradient", _zero_gradient_message(activation)
    elif not state["moved"]:
        ended = "no_move", "No neighbour was lower: the point stays."
    else:
        ended = None
    if ended:
        state["outcome"], state["message"] = ended
    return state


def _stalled_message(method: str, value: float, rounds: int) -> str:
    if method == "local_search":
        return (
            f"Stopped: none of the neighbours tried in the last {rounds} rounds was lower "
            f"(loss {value:.6g}). This is a minimum, or a plateau wider than the step size."
        )
    return f"Converged: the loss stopped falling at {value:.6g}."


def train(a, b, method: str = "gradient", lr="0.1", neighbours="8", step_size="0.3",
          seed: int = 0, activation: str = "tanh", loss: str = "mse", max_steps="2000",
          tolerance: float = 1e-12):
    """Walk downhill from (a, b); yields one frame per step.

    A frame: {step, a, b, loss, forward_passes, backward_passes}. The last frame carries
    `done`, an `outcome` and a sentence `reason`: converged (the loss stopped falling or the fit
    is exact), stalled (local search found nothing lower), diverged or diverging (with why), zero
    gradient, or the step limit.
    """
    activation, loss = _options(activation, loss)
    method, lr, neighbours, step_size = _settings(method, lr, neighbours, step_size)
    max_steps = _field("max_steps", max_steps, integer=True)
    theta = _point(a, b)
    rng = validate.rng_from_seed(seed)
    task = chapter.neuron_task(activation, loss)
    records = _run(task, theta, method, lr, neighbours, step_size, rng, max_steps)
    start = next(records)
    frame = _frame(start, start)
    if method == "gradient" and not np.any(task.loss_and_grad(theta, None)[1]):
        records.close()
        yield {**frame, "done": True, "outcome": "zero_gradient",
               "reason": _zero_gradient_message(activation)}
        return
    yield frame
    value, stalled = start["loss"], 0
    for record in records:
        frame = _frame(record, start)
        t, new_value = record["step"], record["loss"]
        ended = _diverged(np.array(record["theta"]), new_value, lr) if method == "gradient" else None
        stalled = stalled + 1 if value - new_value <= tolerance else 0
        value = new_value
        if ended is None and new_value < 1e-12:
            ended = "converged", f"Converged: the fit is exact (loss {new_value:.2g})."
        if ended is None and stalled >= (50 if method == "local_search" else 20):
            outcome = "stalled" if method == "local_search" else "converged"
            ended = outcome, _stalled_message(method, new_value, stalled)
        if ended is None and t == max_steps:
            ended = "step_limit", (
                f"Stopped after {max_steps} steps at loss {new_value:.3g}"
                + (", still falling: press Train again to go on." if stalled == 0 else "."))
        if ended:
            records.close()
            yield {**frame, "done": True, "outcome": ended[0], "reason": ended[1]}
            return
        yield frame


METHODS = {"setup": setup, "evaluate": evaluate, "step": step, "train": train}

# the library code the "Python" panel shows, each with the heading that explains it (code.py)
CODE = (
    ("landscape:loss_grid", "the-landscape"),
    ("search:local_search", "try-it"),
    ("optim:sgd", "try-it"),
)



# ---- both methods side by side: what the page runs --------------------------------------------

RACERS = ("gradient", "local_search")
NAMES = {"gradient": "Gradient descent", "local_search": "Local search"}
COUNTS = ("steps", "forward_passes", "backward_passes")


def _inside(theta: np.ndarray) -> bool:
    lo, hi = chapter.BOUNDS
    return bool(np.all(np.isfinite(theta)) and np.all(theta >= lo) and np.all(theta <= hi))


def _racer(method: str, theta: np.ndarray, task, counts=None) -> dict:
    """A method's state at theta, with its counters (kept from `counts`, else zero)."""
    value, gradient, _ = task.loss_and_grad(theta, None)
    state = {"a": float(theta[0]), "b": float(theta[1]), "loss": value, "stalled": 0,
             "outcome": None, "reason": None}
    for name in COUNTS:
        state[name] = 0 if counts is None else _count(f"{method} {name}", counts.get(name, 0))
    if method == "gradient":
        state["grad"] = gradient
    else:
        state["tried"] = []
    return state


def _count(name: str, value) -> int:
    return validate.integer_in_range(name, value, 0, 10**15)


def _resume(method: str, state, task) -> dict:
    """A state from an earlier frame (as the page got it), checked."""
    if not isinstance(state, dict):
        raise validate.ArgumentTypeError(method, f"{method} must be a state from an earlier frame")
    theta = np.array([validate.real_number(f"{method} a", state.get("a")),
                      validate.real_number(f"{method} b", state.get("b"))])
    out = _racer(method, theta, task, state)
    if state.get("loss") is not None:  # the loss the run had: recomputing it may differ in the last bit
        out["loss"] = validate.real_number(f"{method} loss", state["loss"])
    out["stalled"] = _count(f"{method} stalled", state.get("stalled", 0))
    outcome = state.get("outcome")
    if outcome is not None:
        out["outcome"] = validate.choice(f"{method} outcome", outcome, OUTCOMES)
        reason = state.get("reason")
        out["reason"] = reason if isinstance(reason, str) else None
    return out


def _lowest(activation, loss, x, y) -> float:
    return minima(activation, loss, x, y)["loss"]


def _gradient_step(state, task, optimizer, lr, lowest) -> None:
    theta = np.array([state["a"], state["b"]])
    before, gradient, _ = task.loss_and_grad(theta, None)
    state["forward_passes"] += task.n_examples
    state["backward_passes"] += task.n_examples
    if not np.any(gradient):
        state["outcome"], state["reason"] = "zero_gradient", (
            "Gradient descent: the gradient here is exactly zero, so it cannot move."
            + (" The binary step is flat everywhere except at its jump." if state.get("flat")
               else ""))
        return
    new, _ = optimizer.step(theta, gradient, optimizer.init(theta))
    value, grad_new, _ = task.loss_and_grad(new, None)  # a measurement for the reader: not counted
    state.update(a=float(new[0]), b=float(new[1]), loss=value, grad=grad_new)
    state["steps"] += 1
    size = float(np.max(np.abs(new))) if np.all(np.isfinite(new)) else math.inf
    if not math.isfinite(value) or size > 1e6:
        state["outcome"], state["reason"] = "diverged", (
            f"Gradient descent diverged: |a| or |b| grew to {size:.3g}. Each step overshot "
            f"the valley by more than the last: the learning rate ({lr:g}) is too high.")
    elif not _inside(new):
        rose = value > before
        state["outcome"], state["reason"] = "left_range", (
            f"Gradient descent left the plotted range at ({new[0]:.3g}, {new[1]:.3g}), loss "
            f"{value:.3g}: " + (f"the step overshot and the loss rose, so the learning rate "
                                f"({lr:g}) is too high here." if rose else
                                "the loss fell on this step, but the map cannot follow it there."))
    elif value < 1e-12:
        state["outcome"], state["reason"] = "converged", (
            f"Gradient descent converged: the fit is exact (loss {value:.2g}).")
    else:
        state["stalled"] = state["stalled"] + 1 if before - value <= 1e-12 else 0
        if state["stalled"] >= PATIENCE["gradient"]:
            state["outcome"], state["reason"] = "converged", (
                f"Gradient descent converged: the loss stopped falling at {value:.4g}"
                + (f", far above the lowest loss in the plotted range ({lowest:.4g}): a plateau "
                   f"or a local minimum." if value > lowest + PLATEAU_GAP else "."))


def _search_step(state, task, method, rng, step_size, lowest, detail: bool) -> None:
    theta = np.array([state["a"], state["b"]])
    search_state = method.init(theta, rng, loss=state["loss"])
    children, search_state = method.ask(search_state, rng)
    values = task.population_loss(children)
    state["forward_passes"] += len(children) * task.n_examples
    new_state = method.tell(search_state, children, values)
    improved = bool(new_state.loss < state["loss"])
    state["steps"] += 1
    if detail:
        state["tried"] = children
    if not improved:
        state["stalled"] += 1
        if state["stalled"] >= PATIENCE["local_search"]:
            value = state["loss"]
            state["outcome"], state["reason"] = "stalled", (
                f"Local search stopped: no neighbour tried in the last {state['stalled']} rounds "
                f"was lower (loss {value:.4g})."
                + (f" A plateau wider than the step size ({step_size:g}): the lowest loss in the "
                   f"plotted range is {lowest:.4g}." if value > lowest + PLATEAU_GAP
                   else f" It is close to the lowest loss in the plotted range ({lowest:.2g}): "
                        f"a smaller step size gets closer."))
        return
    new = np.asarray(new_state.theta, dtype=float)
    state.update(a=float(new[0]), b=float(new[1]), loss=float(new_state.loss), stalled=0)
    if not _inside(new):
        state["outcome"], state["reason"] = "left_range", (
            f"Local search left the plotted range at ({new[0]:.3g}, {new[1]:.3g}), loss "
            f"{new_state.loss:.3g}: it found lower ground outside.")
    elif new_state.loss < 1e-12:
        state["outcome"], state["reason"] = "converged", (
            f"Local search converged: the fit is exact (loss {new_state.loss:.2g}).")


def _race_settings(activation, loss, lr, neighbours, step_size, points):
    activation, loss = _options(activation, loss)
    x, y = _points(points)
    lr = _number(FIELDS["lr"]["label"], lr, 0.0, FIELDS["lr"]["max"])
    if lr <= 0.0:
        raise validate.ArgumentValueError("learning rate", "learning rate must be above 0")
    spec = FIELDS["neighbours"]
    neighbours = _number(spec["label"], neighbours, spec["min"], spec["max"])
    if neighbours != int(neighbours):
        raise validate.ArgumentValueError("neighbours", "neighbours must be a whole number")
    step_size = _number(FIELDS["step_size"]["label"], step_size, 0.0, FIELDS["step_size"]["max"])
    if step_size <= 0.0:
        raise validate.ArgumentValueError("step size", "step size must be above 0")
    return activation, loss, x, y, lr, int(neighbours), step_size


def _with_curves(state: dict, activation: str) -> dict:
    state = dict(state)
    theta = np.array([state["a"], state["b"]])
    state["curve"] = (chapter.predict(theta, CURVE_X, activation)[0] if _inside(theta)
                      else None)
    return state


def place(a, b, activation: str = "tanh", loss: str = "mse", points=None, gradient=None,
          local_search=None) -> dict:
    """Both methods put at (a, b) (a click on the map, a slider, Reset): their states, with the
    counters of the given states kept (none given: zero), and the model's curve there."""
    activation, loss = _options(activation, loss)
    x, y = _points(points)
    task = chapter.neuron_task(activation, loss, x, y)
    theta = _point(a, b)
    states = {}
    for method, old in (("gradient", gradient), ("local_search", local_search)):
        states[method] = _with_curves(_racer(method, theta, task,
                                             old if isinstance(old, dict) else None), activation)
    return states


def race(a, b, activation: str = "tanh", loss: str = "mse", lr="0.5", neighbours="8",
         step_size="0.3", seed: int = 0, counter: int = 0, max_steps="2000", points=None,
         gradient=None, local_search=None, curve_every: int = 1):
    """Gradient descent and local search in lockstep from (a, b); yields one frame per step.

    A frame: {step (of this run), counter (the next one), gradient: state, local_search: state,
    done}. A state: {a, b, loss, steps, forward_passes, backward_passes, stalled, outcome,
    reason} (gradient descent adds `grad`, local search `tried`: the neighbours of its last
    round). Each method ends on its own (outcome and sentence: converged, stalled, diverged,
    left_range, zero_gradient) and then stays put; the run ends when both have ended or after
    `max_steps` steps. Local search's round k draws from Generator([seed, counter + k]), so a run
    resumed from a frame's states and counter continues exactly as one run would. Every
    `curve_every`-th frame, and the last, carries each method's model curve and neighbours.
    """
    activation, loss, x, y, lr, neighbours, step_size = _race_settings(
        activation, loss, lr, neighbours, step_size, points)
    max_steps = _field("max_steps", max_steps, integer=True)
    seed = validate.seed(seed)
    counter = validate.seed(counter, "counter")
    curve_every = validate.integer_in_range("curve_every", curve_every, 1, 10**9)
    task = chapter.neuron_task(activation, loss, x, y)
    theta = _point(a, b)
    states = {
        "gradient": (_resume("gradient", gradient, task) if gradient is not None
                     else _racer("gradient", theta, task)),
        "local_search": (_resume("local_search", local_search, task)
                         if local_search is not None else _racer("local_search", theta, task)),
    }
    states["gradient"]["flat"] = activation == "binary_step"
    optimizer = optim.sgd(lr)
    method = search.local_search(population=neighbours, sigma=step_size, mutate="all")
    lowest = _lowest(activation, loss, x, y)

    def frame(step, done, outcome=None, reason=None):
        out = {"step": step, "counter": counter, "done": done}
        for name, state in states.items():
            shown = {k: v for k, v in state.items() if k != "flat"}
            if not (done or step % curve_every == 0):
                shown.pop("tried", None)
            out[name] = _with_curves(shown, activation) if done or step % curve_every == 0 \
                else shown
        if done:
            out["outcome"], out["reason"] = outcome, reason
        return out

    def all_ended():
        return all(state["outcome"] for state in states.values())

    if all_ended():
        yield frame(0, True, "ended", "Both methods have ended: press Reset, or click the "
                                      "map for a new start.")
        return
    for step in range(1, max_steps + 1):
        if not states["gradient"]["outcome"]:
            _gradient_step(states["gradient"], task, optimizer, lr, lowest)
        if not states["local_search"]["outcome"]:
            rng = np.random.default_rng([seed, counter])
            _search_step(states["local_search"], task, method, rng, step_size, lowest,
                         detail=True)
        counter += 1
        if all_ended():
            yield frame(step, True, "ended", "Both methods have ended.")
            return
        if step == max_steps:
            yield frame(step, True, "step_limit",
                        f"Paused after {plural(step, 'step')}: press Play or Step to go on.")
            return
        yield frame(step, False)


METHODS.update(race=race, place=place)
