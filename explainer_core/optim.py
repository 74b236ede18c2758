"""Gradient optimizers on a flat parameter vector, with PyTorch's exact update rules.

Each optimizer is a small NamedTuple of pure functions (optax's shape, with the parameters
passed in because PyTorch's rules need them for weight decay):

    opt = adam(lr=1e-3)
    state = opt.init(theta)
    theta, state = opt.step(theta, grad, state)      # nothing is modified in place

`lr` may be a number or a schedule from `explainer_core.schedules`, evaluated at the number of
steps already taken (t = 0 on the first step).

- `sgd`: torch.optim.SGD. With weight decay g <- g + wd * theta. With momentum mu the buffer is
  b_1 = g_1 on the first step, then b_t = mu b_{t-1} + (1 - dampening) g_t; the step uses
  b_t, or g_t + mu b_t with Nesterov (PyTorch's form, Sutskever et al. 2013).
- `adam`: torch.optim.Adam (Kingma & Ba 2015). m_t = b1 m + (1 - b1) g, v_t = b2 v + (1 - b2) g^2,
  theta <- theta - lr / (1 - b1^t) * m_t / (sqrt(v_t) / sqrt(1 - b2^t) + eps).
- `normalized_gd`: theta <- theta - lr * g / |g|, the "clipped" gradient descent that Whitelam,
  Selin, Park & Tamblyn (Nat. Commun. 12, 6317, 2021) find on average in zero-temperature
  neuroevolution, with lr = sigma / sqrt(2 pi) for mutations of scale sigma.
- `clip_by_norm(grad, max_norm)` and `clipped(opt, max_norm)`: torch.nn.utils.clip_grad_norm_.
"""

from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

import numpy as np

from . import validate, schedules

Array = np.ndarray


class GradientOptimizer(NamedTuple):
    """init(theta (D,)) -> state;  step(theta (D,), grad (D,), state) -> (theta, state)."""

    name: str
    settings: dict
    init: Callable[[Array], Any]
    step: Callable[[Array, Array, Any], tuple[Array, Any]]


class SGDState(NamedTuple):
    count: int  # steps taken
    momentum: Array | None  # the momentum buffer b_t, None before the first step


class AdamState(NamedTuple):
    count: int
    m: Array  # first moment (moving mean of g)
    v: Array  # second moment (moving mean of g^2)


class NormalizedState(NamedTuple):
    count: int


def _fraction(name: str, value, high_open: bool = True) -> float:
    return validate.number_in_range(name, value, 0.0, 1.0, high_open=high_open)


def _settings_lr(lr):
    return lr if isinstance(lr, (int, float)) else getattr(lr, "settings", repr(lr))


def sgd(
    lr,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
) -> GradientOptimizer:
    """Stochastic gradient descent with optional momentum, exactly as torch.optim.SGD.

    theta <- theta - lr_t * d,  d = g (no momentum), b_t (momentum) or g + mu b_t (Nesterov).
    """
    schedule = schedules.as_schedule(lr)
    momentum = validate.number_in_range("momentum", momentum, 0.0, 1e3)
    dampening = validate.number_in_range("dampening", dampening, 0.0, 1.0)
    weight_decay = validate.number_in_range("weight_decay", weight_decay, 0.0, 1e6)
    if not isinstance(nesterov, (bool, np.bool_)):
        raise validate.ArgumentTypeError(
            "nesterov", f"nesterov must be True or False, got {nesterov!r}"
        )
    if nesterov and (momentum <= 0.0 or dampening != 0.0):
        raise validate.ArgumentValueError(
            "nesterov", "nesterov=True requires momentum > 0 and dampening = 0 (as in PyTorch)"
        )

    def init(theta: Array) -> SGDState:
        _check_theta(theta)
        return SGDState(0, None)

    def step(theta: Array, grad: Array, state: SGDState) -> tuple[Array, SGDState]:
        lr_t = schedule(state.count)
        g = grad if weight_decay == 0.0 else grad + weight_decay * theta
        buffer = None
        if momentum != 0.0:
            if state.momentum is None:
                buffer = np.array(g, dtype=np.float64)  # torch: buf = clone(g) on first step
            else:
                buffer = momentum * state.momentum
                buffer += (1.0 - dampening) * g
            g = g + momentum * buffer if nesterov else buffer
        return theta - lr_t * g, SGDState(state.count + 1, buffer)

    settings = {
        "lr": _settings_lr(lr),
        "momentum": momentum,
        "dampening": dampening,
        "nesterov": bool(nesterov),
        "weight_decay": weight_decay,
    }
    return GradientOptimizer("sgd", settings, init, step)


def adam(
    lr=1e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
) -> GradientOptimizer:
    """Adam, exactly as torch.optim.Adam (amsgrad=False), Kingma & Ba 2015, Algorithm 1.

    m_t = b1 m_{t-1} + (1 - b1) g_t,   v_t = b2 v_{t-1} + (1 - b2) g_t^2
    theta_t = theta_{t-1} - lr_t / (1 - b1^t) * m_t / (sqrt(v_t) / sqrt(1 - b2^t) + eps)
    (NNFS chapter 10 writes the same step as m_hat / (sqrt(v_hat) + eps).)
    """
    schedule = schedules.as_schedule(lr)
    b1 = _fraction("b1", b1)
    b2 = _fraction("b2", b2)
    eps = validate.number_in_range("eps", eps, 0.0, 1e3)
    weight_decay = validate.number_in_range("weight_decay", weight_decay, 0.0, 1e6)

    def init(theta: Array) -> AdamState:
        theta = _check_theta(theta)
        return AdamState(0, np.zeros_like(theta), np.zeros_like(theta))

    def step(theta: Array, grad: Array, state: AdamState) -> tuple[Array, AdamState]:
        lr_t = schedule(state.count)
        t = state.count + 1
        g = grad if weight_decay == 0.0 else grad + weight_decay * theta
        # torch writes m.lerp_(g, 1 - b1): m + (1 - b1) (g - m), the same up to rounding
        m = g - state.m
        m *= 1.0 - b1
        m += state.m
        v = state.v * b2
        g2 = g * g
        g2 *= 1.0 - b2
        v += g2
        # the step, in one buffer: theta - lr_t / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
        new = np.sqrt(v)
        new /= math.sqrt(1.0 - b2**t)
        new += eps
        np.divide(m, new, out=new)
        new *= lr_t / (1.0 - b1**t)
        np.subtract(theta, new, out=new)
        return new, AdamState(t, m, v)

    settings = {
        "lr": _settings_lr(lr),
        "b1": b1,
        "b2": b2,
        "eps": eps,
        "weight_decay": weight_decay,
    }
    return GradientOptimizer("adam", settings, init, step)


def normalized_gd(lr) -> GradientOptimizer:
    """theta <- theta - lr_t * g / |g| (no step when g = 0): a step of fixed length lr_t.

    Whitelam et al. 2021, eq. for beta -> infinity: the mean neuroevolution step with mutations
    N(0, sigma^2) is -sigma / sqrt(2 pi) * grad U / |grad U|.
    """
    schedule = schedules.as_schedule(lr)

    def init(theta: Array) -> NormalizedState:
        _check_theta(theta)
        return NormalizedState(0)

    def step(theta: Array, grad: Array, state: NormalizedState):
        norm = math.sqrt(float(np.dot(grad, grad)))
        new = theta if norm == 0.0 else theta - (schedule(state.count) / norm) * grad
        return new, NormalizedState(state.count + 1)

    return GradientOptimizer("normalized_gd", {"lr": _settings_lr(lr)}, init, step)


def clip_by_norm(grad: Array, max_norm: float) -> Array:
    """grad * min(1, max_norm / (|grad| + 1e-6)), as torch.nn.utils.clip_grad_norm_."""
    max_norm = validate.positive("max_norm", max_norm)
    grad = validate.float_array("grad", grad)
    return _clip(grad, max_norm)


def _clip(grad: Array, max_norm: float) -> Array:
    norm = math.sqrt(float(np.sum(grad * grad)))
    coef = max_norm / (norm + 1e-6)
    return grad * coef if coef < 1.0 else grad


def clipped(optimizer: GradientOptimizer, max_norm: float) -> GradientOptimizer:
    """`optimizer` fed with gradients clipped to norm `max_norm` first."""
    if not isinstance(optimizer, GradientOptimizer):
        raise validate.ArgumentTypeError(
            "optimizer", f"optimizer must come from explainer_core.optim, got {optimizer!r}"
        )
    max_norm = validate.positive("max_norm", max_norm)

    def step(theta, grad, state):
        return optimizer.step(theta, _clip(grad, max_norm), state)

    settings = dict(optimizer.settings, max_norm=max_norm)
    return GradientOptimizer(optimizer.name, settings, optimizer.init, step)


OPTIMIZERS = {"sgd": sgd, "adam": adam, "normalized_gd": normalized_gd}


def get(name: str, **settings) -> GradientOptimizer:
    """The optimizer called `name` with `settings`; ValueError listing the names otherwise."""
    validate.choice("optimizer", name, OPTIMIZERS)
    return OPTIMIZERS[name](**settings)


def _check_theta(theta) -> Array:
    return validate.float_array("theta", theta, ndim=1)
