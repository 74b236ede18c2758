"""Demo "landscape": the two-parameter model y = f(a·x + b) fitting sin(x) at three points.

Methods (all arguments JSON; typed fields arrive as the strings the reader typed):
    setup(activation, loss, grid)                  the landscape grid, the data, the minimum
    evaluate(a, b, activation, loss)               loss, gradient and model curve at (a, b)
    step(a, b, method, ...)                        one gradient or local-search step
    train(a, b, method, ..., max_steps)            a generator of frames walking downhill
"""

from __future__ import annotations

import math

import numpy as np

from .. import validate
from ..chapters import landscape as toy

ACTIVATIONS = ("tanh", "sin", "relu", "sigmoid", "gaussian", "binary_step")
METHODS_NAMES = ("gradient", "local_search")
CURVE_X = np.linspace(-4.0, 4.0, 161)
# A gradient step that throws the point this far (ten times the plotted box) has failed: on the
# flat outskirts of a saturating activation it never comes back, and with relu it blows up.
FAR = 50.0
MAX_LR = 100.0


def _options(activation: str, loss: str) -> tuple[str, str]:
    return validate.choice("activation", activation, ACTIVATIONS), validate.choice(
        "loss", loss, toy.LOSSES
    )


def _point(a, b) -> np.ndarray:
    a = validate.real_number("a", a)
    b = validate.real_number("b", b)
    return np.array([[a, b]])


def setup(activation: str = "tanh", loss: str = "mse", grid: int = 100) -> dict:
    """The landscape on a grid×grid lattice over [-5, 5]², the data and the lowest point."""
    activation, loss = _options(activation, loss)
    grid_ = toy.loss_grid(activation, loss, grid)
    a_min, b_min, l_min = toy.global_minimum(activation, loss)
    return {
        "activation": activation,
        "loss_name": loss,
        "bounds": list(toy.BOUNDS),
        "a": grid_.a,
        "b": grid_.b,
        "loss": grid_.loss.ravel(),  # row-major: loss[i * n + j] = L(a[j], b[i])
        "loss_range": [float(grid_.loss.min()), float(grid_.loss.max())],
        "minimum": {"a": a_min, "b": b_min, "loss": l_min},
        "data": {"x": toy.DATA_X, "y": toy.DATA_Y},
        "target": {"x": CURVE_X, "y": np.sin(CURVE_X)},
        "curve_x": CURVE_X,  # the x of every model curve that evaluate() returns
    }


def evaluate(a, b, activation: str = "tanh", loss: str = "mse") -> dict:
    """Everything the page shows for one point: loss, gradient, model curve."""
    activation, loss = _options(activation, loss)
    params = _point(a, b)
    return _state(params, activation, loss)


def _state(params: np.ndarray, activation: str, loss: str) -> dict:
    value = float(toy.loss(params, activation=activation, loss=loss)[0])
    gradient = toy.grad(params, activation=activation, loss=loss)[0]
    return {
        "a": float(params[0, 0]),
        "b": float(params[0, 1]),
        "loss": value,
        "grad": gradient,
        "curve": toy.predict(params, CURVE_X, activation)[0],  # at setup()'s curve_x
        "predictions": toy.predict(params, toy.DATA_X, activation)[0],
    }


def _step_options(method, lr, neighbours, step_size):
    method = validate.choice("method", method, METHODS_NAMES)
    if method == "gradient":
        lr = validate.number_in_range("learning rate", lr, 0.0, MAX_LR, low_open=True)
    else:
        neighbours = validate.integer_in_range("neighbours", neighbours, 1, 1000)
        step_size = validate.number_in_range("step size", step_size, 0.0, 10.0, low_open=True)
    return method, lr, neighbours, step_size


def _advance(params, method, lr, neighbours, step_size, rng, activation, loss):
    """One step of either method: (new params, forward passes, backward passes, moved)."""
    n = toy.DATA_X.shape[0]
    if method == "gradient":
        new = toy.gradient_step(params, lr, activation, loss)
        return new, n, n, True
    new, _, moved = toy.local_search_step(params, rng, neighbours, step_size, activation, loss)
    return new, neighbours * n, 0, moved


def _diverged(params: np.ndarray, value: float, lr) -> str | None:
    size = float(np.max(np.abs(params)))
    if not math.isfinite(size) or not math.isfinite(value) or size > 1e6:
        return (
            f"The run diverged: the parameters grew to {size:.3g} and the loss became "
            f"{value:.3g}. Each step overshot the valley by more than it gained, so the next "
            f"gradient was larger still. The learning rate ({lr:g}) is too high: try a smaller one."
        )
    if size > FAR:
        return (
            f"The run is diverging: a step threw the point far off the landscape (|a| or |b| = {size:.3g}, the plot "
            f"ends at 5), where the loss is {value:.3g}. The learning rate ({lr:g}) is too high "
            "for this landscape: try a smaller one."
        )
    return None


def step(
    a,
    b,
    method: str = "gradient",
    lr="0.1",
    neighbours="8",
    step_size="0.3",
    seed: int = 0,
    counter: int = 0,
    activation: str = "tanh",
    loss: str = "mse",
) -> dict:
    """One step from (a, b). Local search draws from Generator(seed, counter): repeatable."""
    activation, loss = _options(activation, loss)
    method, lr, neighbours, step_size = _step_options(method, lr, neighbours, step_size)
    params = _point(a, b)
    rng = np.random.default_rng([int(seed), int(counter)])
    new, forward, backward, moved = _advance(
        params, method, lr, neighbours, step_size, rng, activation, loss
    )
    state = _state(new, activation, loss)
    state.update(forward_passes=forward, backward_passes=backward, moved=moved)
    state["message"] = _diverged(new, state["loss"], lr) if method == "gradient" else None
    if state["message"] is None and method == "gradient" and not np.any(state["grad"]) and not np.any(
        new - params
    ):
        state["message"] = _zero_gradient_message(activation)
    return state


def _zero_gradient_message(activation: str) -> str:
    if activation == "binary_step":
        return (
            "The gradient is exactly zero: the binary step is flat everywhere except at its jump, "
            "so gradient descent gets no signal and cannot move. Local search can."
        )
    return "The gradient is exactly zero here, so gradient descent stays where it is."


def _stalled_message(method: str, value: float, rounds: int) -> str:
    if method == "local_search":
        return (
            f"Stopped: none of the neighbours tried in the last {rounds} rounds was lower "
            f"(loss {value:.6g}). This is a minimum, or a plateau wider than the step size."
        )
    return f"Converged: the loss stopped falling at {value:.6g}."


def train(
    a,
    b,
    method: str = "gradient",
    lr="0.1",
    neighbours="8",
    step_size="0.3",
    seed: int = 0,
    activation: str = "tanh",
    loss: str = "mse",
    max_steps="2000",
    tolerance: float = 1e-12,
):
    """Walk downhill from (a, b); yields one frame per step.

    A frame: {step, a, b, loss, forward_passes, backward_passes}. The last frame carries
    `done` and a sentence `reason`: converged (the loss stopped falling), diverged (with why),
    zero gradient, or the step limit.
    """
    activation, loss = _options(activation, loss)
    method, lr, neighbours, step_size = _step_options(method, lr, neighbours, step_size)
    max_steps = validate.integer_in_range("steps", max_steps, 1, 100_000)
    params = _point(a, b)
    rng = np.random.default_rng(int(seed))
    value = float(toy.loss(params, activation=activation, loss=loss)[0])
    forward = backward = 0
    stalled = 0
    frame = {"step": 0, "a": params[0, 0], "b": params[0, 1], "loss": value,
             "forward_passes": 0, "backward_passes": 0}
    if method == "gradient" and not np.any(toy.grad(params, activation=activation, loss=loss)):
        yield {**frame, "done": True, "reason": _zero_gradient_message(activation)}
        return
    yield frame
    for t in range(1, max_steps + 1):
        params, f, bw, _ = _advance(params, method, lr, neighbours, step_size, rng, activation, loss)
        forward, backward = forward + f, backward + bw
        new_value = float(toy.loss(params, activation=activation, loss=loss)[0])
        frame = {"step": t, "a": params[0, 0], "b": params[0, 1], "loss": new_value,
                 "forward_passes": forward, "backward_passes": backward}
        message = _diverged(params, new_value, lr) if method == "gradient" else None
        if message:
            yield {**frame, "done": True, "reason": message}
            return
        stalled = stalled + 1 if value - new_value <= tolerance else 0
        value = new_value
        if new_value < 1e-12:
            yield {**frame, "done": True, "reason": f"Converged: the fit is exact (loss {new_value:.2g})."}
            return
        if stalled >= (50 if method == "local_search" else 20):
            yield {**frame, "done": True, "reason": _stalled_message(method, new_value, stalled)}
            return
        if t == max_steps:
            yield {**frame, "done": True, "reason": (
                f"Stopped after {max_steps} steps at loss {new_value:.3g}"
                + (", still falling: press Train again to go on." if stalled == 0 else ".")
            )}
            return
        yield frame


METHODS = {"setup": setup, "evaluate": evaluate, "step": step, "train": train}
