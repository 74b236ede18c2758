"""Gradient optimizers as small composable transforms (optax's shape), with PyTorch's rules.

A transform turns a gradient into an update, keeping its own state:

    GradientTransformation(init(theta) -> state, update(grad, state, theta) -> (updates, state))

and `chain` joins transforms into one. The optimizers the site uses are such chains:

    sgd(lr, momentum=mu)  = chain(add_decayed_weights(wd), trace(mu), scale_by_learning_rate(lr))
    adam(lr)              = chain(add_decayed_weights(wd), scale_by_adam(b1, b2, eps),
                                  scale_by_learning_rate(lr))

wrapped as a `GradientOptimizer`, the interface the driver (`train.run`) and the demos use:

    opt = adam(lr=1e-3)
    state = opt.init(theta)
    theta, state = opt.step(theta, grad, state)      # theta + updates; nothing is modified in place

`lr` may be a number or a schedule from `explainer_core.schedules`, evaluated at the number of
steps already taken (t = 0 on the first step). `sgd` and `adam` equal torch.optim.SGD and
torch.optim.Adam to 1e-12 (tests/reference). `normalized_gd` is the step that Whitelam, Selin,
Park & Tamblyn (Nat. Commun. 12, 6317, 2021) find on average in zero-temperature neuroevolution.
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

import numpy as np

from . import schedules, validate

Array = np.ndarray


class GradientTransformation(NamedTuple):
    """init(theta (D,)) -> state;  update(grad (D,), state, theta (D,)) -> (updates (D,), state)."""

    init: Callable[[Array], Any]
    update: Callable[[Array, Any, Array], tuple[Array, Any]]


class GradientOptimizer(NamedTuple):
    """init(theta (D,)) -> state;  step(theta (D,), grad (D,), state) -> (theta, state)."""

    name: str
    settings: dict
    init: Callable[[Array], Any]
    step: Callable[[Array, Array, Any], tuple[Array, Any]]


class CountState(NamedTuple):
    count: int  # steps taken


class TraceState(NamedTuple):
    momentum: Array | None  # the momentum buffer b_t, None before the first step


class AdamState(NamedTuple):
    count: int
    m: Array  # first moment (moving mean of g)
    v: Array  # second moment (moving mean of g^2)


def _stateless(fn: Callable[[Array, Array], Array]) -> GradientTransformation:
    """A transform without state: updates = fn(grad, theta)."""
    return GradientTransformation(lambda theta: None,
                                  lambda grad, state, theta: (fn(grad, theta), None))


# ---- the transforms ----------------------------------------------------------------------------


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply `transforms` one after the other: each one's updates are the next one's gradient."""

    def init(theta):
        return tuple(t.init(theta) for t in transforms)

    def update(grad, states, theta):
        new_states = []
        for transform, state in zip(transforms, states):
            grad, state = transform.update(grad, state, theta)
            new_states.append(state)
        return grad, tuple(new_states)

    return GradientTransformation(init, update)


def scale(factor: float) -> GradientTransformation:
    """updates = factor * g."""
    return _stateless(lambda grad, theta: factor * grad)


def descent_step(grad: Array, lr: float) -> Array:
    """Gradient descent's step for the gradient `grad` at learning rate `lr`: downhill, -lr * g."""
    return -lr * grad


def scale_by_learning_rate(lr) -> GradientTransformation:
    """updates = descent_step(g, lr_t) = -lr_t * g, for a number or a schedule `lr`."""
    schedule = schedules.as_schedule(lr)

    def update(grad, state: CountState, theta):
        return descent_step(grad, schedule(state.count)), CountState(state.count + 1)

    return GradientTransformation(lambda theta: CountState(0), update)


def add_decayed_weights(weight_decay: float) -> GradientTransformation:
    """g + weight_decay * theta (L2 regularisation, as torch's `weight_decay`)."""
    return _stateless(lambda grad, theta: grad + weight_decay * theta)


def trace(decay: float, nesterov: bool = False, dampening: float = 0.0) -> GradientTransformation:
    """Momentum, as torch.optim.SGD: b_1 = g_1, then b_t = mu b_{t-1} + (1 - dampening) g_t.

    updates = b_t, or g_t + mu b_t with Nesterov (PyTorch's form, Sutskever et al. 2013).
    """

    def update(grad, state: TraceState, theta):
        if state.momentum is None:
            buffer = np.array(grad, dtype=np.float64)  # torch: buf = clone(g) on the first step
        else:
            buffer = decay * state.momentum + (1.0 - dampening) * grad
        return (grad + decay * buffer if nesterov else buffer), TraceState(buffer)

    return GradientTransformation(lambda theta: TraceState(None), update)


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    """Adam's direction (Kingma & Ba 2015, Algorithm 1, with torch's placement of eps):

    m_t = b1 m_{t-1} + (1 - b1) g_t,   v_t = b2 v_{t-1} + (1 - b2) g_t^2
    updates = m_t / (1 - b1^t) / (sqrt(v_t) / sqrt(1 - b2^t) + eps)
    (NNFS chapter 10 writes the same step as m_hat / (sqrt(v_hat) + eps).)
    """

    def init(theta):
        return AdamState(0, np.zeros_like(theta), np.zeros_like(theta))

    def update(grad, state: AdamState, theta):
        t = state.count + 1
        direction, m, v = adam_direction(grad, state.m, state.v, t, b1, b2, eps)
        return direction, AdamState(t, m, v)

    return GradientTransformation(init, update)


def adam_direction(grad: Array, m: Array, v: Array, t: int, b1: float, b2: float, eps: float):
    """Adam's step t (1, 2, ...) for the gradient `grad`: (direction, m, v), the new moments.

    The step taken is -lr * direction (`scale_by_learning_rate`).
    """
    m = m + (1.0 - b1) * (grad - m)  # torch's m.lerp_(g, 1 - b1): the moving mean of g
    v = b2 * v + (1.0 - b2) * grad * grad  # the moving mean of g^2
    m_hat = m / (1.0 - b1**t)  # bias corrections: m and v start at 0
    direction = m_hat / (np.sqrt(v) / math.sqrt(1.0 - b2**t) + eps)
    return direction, m, v


def clip_by_global_norm(max_norm: float) -> GradientTransformation:
    """g * min(1, max_norm / (|g| + 1e-6)), as torch.nn.utils.clip_grad_norm_."""
    max_norm = validate.positive("max_norm", max_norm)
    return _stateless(lambda grad, theta: _clip(grad, max_norm))


def _clip(grad: Array, max_norm: float) -> Array:
    coef = max_norm / (math.sqrt(float(np.vdot(grad, grad))) + 1e-6)
    return grad * coef if coef < 1.0 else grad


def normalize() -> GradientTransformation:
    """g / |g|, and 0 where g = 0: a step of fixed length whatever the slope."""

    def unit(grad, theta):
        norm = math.sqrt(float(grad @ grad))
        return grad if norm == 0.0 else grad / norm

    return _stateless(unit)


# ---- the optimizers ----------------------------------------------------------------------------


def as_optimizer(name: str, settings: dict, transform: GradientTransformation) -> GradientOptimizer:
    """A transform as an optimizer: step(theta, grad, state) = theta + updates."""

    def init(theta):
        return transform.init(validate.float_array("theta", theta, ndim=1))

    def step(theta, grad, state):
        updates, state = transform.update(grad, state, theta)
        return theta + updates, state

    return GradientOptimizer(name, settings, init, step)


def _settings_lr(lr):
    return lr if isinstance(lr, (int, float)) else getattr(lr, "settings", repr(lr))


def _weight_decay(weight_decay) -> tuple[float, list[GradientTransformation]]:
    weight_decay = validate.number_in_range("weight_decay", weight_decay, 0.0, 1e6)
    return weight_decay, [add_decayed_weights(weight_decay)] if weight_decay else []


def sgd(lr, momentum: float = 0.0, dampening: float = 0.0, nesterov: bool = False,
        weight_decay: float = 0.0) -> GradientOptimizer:
    """Stochastic gradient descent with optional momentum, exactly as torch.optim.SGD.

    theta <- theta - lr_t * d,  d = g (no momentum), b_t (momentum) or g + mu b_t (Nesterov).
    """
    schedules.as_schedule(lr)  # reject a bad learning rate now
    momentum = validate.number_in_range("momentum", momentum, 0.0, 1e3)
    dampening = validate.number_in_range("dampening", dampening, 0.0, 1.0)
    nesterov = validate.flag("nesterov", nesterov)
    if nesterov and (momentum <= 0.0 or dampening != 0.0):
        raise validate.ArgumentValueError(
            "nesterov", "nesterov=True requires momentum > 0 and dampening = 0 (as in PyTorch)")
    weight_decay, parts = _weight_decay(weight_decay)
    if momentum:
        parts.append(trace(momentum, nesterov, dampening))
    settings = {"lr": _settings_lr(lr), "momentum": momentum, "dampening": dampening,
                "nesterov": nesterov, "weight_decay": weight_decay}
    return as_optimizer("sgd", settings, chain(*parts, scale_by_learning_rate(lr)))


def adam(lr=1e-3, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
         weight_decay: float = 0.0) -> GradientOptimizer:
    """Adam, exactly as torch.optim.Adam (amsgrad=False): see `scale_by_adam`.

    theta_t = theta_{t-1} - lr_t * m_t / (1 - b1^t) / (sqrt(v_t) / sqrt(1 - b2^t) + eps)
    """
    schedules.as_schedule(lr)
    b1 = validate.number_in_range("b1", b1, 0.0, 1.0, high_open=True)
    b2 = validate.number_in_range("b2", b2, 0.0, 1.0, high_open=True)
    eps = validate.number_in_range("eps", eps, 0.0, 1e3)
    weight_decay, parts = _weight_decay(weight_decay)
    settings = {"lr": _settings_lr(lr), "b1": b1, "b2": b2, "eps": eps,
                "weight_decay": weight_decay}
    return as_optimizer("adam", settings,
                        chain(*parts, scale_by_adam(b1, b2, eps), scale_by_learning_rate(lr)))


def normalized_gd(lr) -> GradientOptimizer:
    """theta <- theta - lr_t * g / |g| (no step when g = 0): a step of fixed length lr_t.

    Whitelam et al. 2021, eq. for beta -> infinity: the mean neuroevolution step with mutations
    N(0, sigma^2) is -sigma / sqrt(2 pi) * grad U / |grad U|.
    """
    schedules.as_schedule(lr)
    return as_optimizer("normalized_gd", {"lr": _settings_lr(lr)},
                        chain(normalize(), scale_by_learning_rate(lr)))


def clip_by_norm(grad: Array, max_norm: float) -> Array:
    """grad * min(1, max_norm / (|grad| + 1e-6)), as torch.nn.utils.clip_grad_norm_."""
    max_norm = validate.positive("max_norm", max_norm)
    return _clip(validate.float_array("grad", grad), max_norm)


def clipped(optimizer: GradientOptimizer, max_norm: float) -> GradientOptimizer:
    """`optimizer` fed with gradients clipped to norm `max_norm` first."""
    if not isinstance(optimizer, GradientOptimizer):
        raise validate.ArgumentTypeError(
            "optimizer", f"optimizer must come from explainer_core.optim, got {optimizer!r}")
    clip = clip_by_global_norm(max_norm)

    def step(theta, grad, state):
        return optimizer.step(theta, clip.update(grad, None, theta)[0], state)

    settings = dict(optimizer.settings, max_norm=validate.positive("max_norm", max_norm))
    return GradientOptimizer(optimizer.name, settings, optimizer.init, step)


OPTIMIZERS = {"sgd": sgd, "adam": adam, "normalized_gd": normalized_gd}


def get(name: str, **settings) -> GradientOptimizer:
    """The optimizer called `name` with `settings`; ValueError listing the names otherwise."""
    validate.choice("optimizer", name, OPTIMIZERS)
    return OPTIMIZERS[name](**settings)
