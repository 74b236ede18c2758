"""Demo "landscape": the neuron y = f(a·x + b) fitting sin(x) at three points.

A thin JSON adapter over `chapters.landscape`: the steps are `optim.sgd` and one round of
`search.local_search`, run by the `train` driver like any other optimizer.

Methods (all arguments JSON; typed fields arrive as the strings the reader typed):
    setup(activation, loss, grid)     the landscape grid, the data, the minimum, and the page's
                                      choices and fields (so the page keeps no copy of them)
    evaluate(a, b, activation, loss)  loss, gradient and model curve at (a, b)
    step(a, b, method, ...)           one gradient or local-search step
    train(a, b, method, ..., max_steps)  a generator of frames walking downhill
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
# How a step or a run ended, and how the page should show it.
OUTCOMES = {"diverged": "warning", "diverging": "warning", "zero_gradient": "warning",
            "converged": "info", "stalled": "info", "step_limit": "info", "no_move": "info"}
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


def setup(activation: str = "tanh", loss: str = "mse", grid: int = 100) -> dict:
    """The landscape on a grid×grid lattice over [-5, 5]², the data, the lowest point, and the
    choices and fields of the page."""
    activation, loss = _options(activation, loss)
    landscape = chapter.loss_grid(activation, loss, grid)
    a_min, b_min, l_min = chapter.global_minimum(activation, loss)
    return {
        "activation": activation,
        "loss_name": loss,
        "bounds": list(chapter.BOUNDS),
        "a": landscape.x,
        "b": landscape.y,
        "loss": landscape.loss.ravel(),  # row-major: loss[i * n + j] = L(a[j], b[i])
        "loss_range": [float(landscape.loss.min()), float(landscape.loss.max())],
        "minimum": {"a": a_min, "b": b_min, "loss": l_min},
        "data": {"x": chapter.DATA_X, "y": chapter.DATA_Y},
        "target": {"x": CURVE_X, "y": np.sin(CURVE_X)},
        "curve_x": CURVE_X,  # the x of every model curve that evaluate() returns
        "choices": {"activation": ACTIVATIONS, "loss": LOSSES, "method": METHODS_SHOWN},
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


def evaluate(a, b, activation: str = "tanh", loss: str = "mse") -> dict:
    """Everything the page shows for one point: loss, gradient, model curve."""
    activation, loss = _options(activation, loss)
    return _state(_point(a, b), chapter.neuron_task(activation, loss), activation)


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


def _diverged(theta: np.ndarray, value: float, lr) -> tuple[str, str] | None:
    size = float(np.max(np.abs(theta)))
    if not math.isfinite(size) or not math.isfinite(value) or size > 1e6:
        return "diverged", (
            f"The run diverged: the parameters grew to {size:.3g} and the loss became "
            f"{value:.3g}. Each step overshot the valley by more than it gained, so the next "
            f"gradient was larger still. The learning rate ({lr:g}) is too high: try a smaller one."
        )
    if size > FAR:
        return "diverging", (
            f"The run is diverging: a step threw the point far off the landscape (|a| or |b| = "
            f"{size:.3g}, the plot ends at 5), where the loss is {value:.3g}. The learning rate "
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
