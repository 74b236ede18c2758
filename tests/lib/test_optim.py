"""Optimizers step by step against sequences derived by hand on a quadratic, for every option.

The quadratic is f(theta) = 1/2 sum a_i theta_i^2 with a = (1, 4), so grad = a * theta, started
from theta_0 = (1, -2). The expected numbers below were worked out on paper from the update
rules of torch.optim.SGD / torch.optim.Adam (and Kingma & Ba's Algorithm 1).
"""

import math

import numpy as np
import pytest

from explainer_core import optim, schedules

A = np.array([1.0, 4.0])
THETA0 = np.array([1.0, -2.0])


def trajectory(opt, steps, theta=THETA0, grad=lambda th: A * th):
    theta = np.array(theta, dtype=float)
    state = opt.init(theta)
    out = []
    for _ in range(steps):
        theta, state = opt.step(theta, grad(theta), state)
        out.append(theta.copy())
    return np.array(out)


def test_plain_sgd_is_geometric():
    got = trajectory(optim.sgd(0.1), 5)
    expected = [(1 - 0.1 * A) ** t * THETA0 for t in range(1, 6)]
    assert np.allclose(got, expected, rtol=1e-14, atol=1e-15)


def test_sgd_momentum_buffer_starts_at_the_first_gradient():
    # a=1: g0=1, b=1, th=.9; g1=.9, b=.9*1+.9=1.8, th=.72; g2=.72, b=.9*1.8+.72=2.34, th=.486
    # a=4: g0=-8, th=-1.2; g1=-4.8, b=-12, th=0; g2=0, b=-10.8, th=1.08
    got = trajectory(optim.sgd(0.1, momentum=0.9), 3)
    assert np.allclose(got, [[0.9, -1.2], [0.72, 0.0], [0.486, 1.08]], rtol=1e-14, atol=1e-14)


def test_sgd_dampening_is_skipped_on_the_first_step():
    # a=1, mu=.9, dampening=.5: b1=g0=1, th=.9; b2=.9+.5*.9=1.35, th=.765;
    # b3=.9*1.35+.5*.765=1.5975, th=.60525
    got = trajectory(optim.sgd(0.1, momentum=0.9, dampening=0.5), 3)[:, 0]
    assert np.allclose(got, [0.9, 0.765, 0.60525], rtol=1e-14)


def test_sgd_nesterov_in_pytorch_form():
    # a=1: b1=1, d=1+.9*1=1.9, th=.81; g=.81, b=.9+.81=1.71, d=.81+.9*1.71=2.349, th=.5751
    got = trajectory(optim.sgd(0.1, momentum=0.9, nesterov=True), 2)[:, 0]
    assert np.allclose(got, [0.81, 0.5751], rtol=1e-14)


def test_sgd_weight_decay_adds_to_the_gradient():
    # a=1, wd=.1: g = 1.1 theta, theta_t = .89^t
    got = trajectory(optim.sgd(0.1, weight_decay=0.1), 3)[:, 0]
    assert np.allclose(got, [0.89, 0.89**2, 0.89**3], rtol=1e-14)
    # with momentum, the decayed gradient enters the buffer: b1 = 1.1, th1 = .89;
    # g1 = 1.1 * .89 = .979, b2 = .5 * 1.1 + .979 = 1.529, th2 = .89 - .1529 = .7371
    got = trajectory(optim.sgd(0.1, momentum=0.5, weight_decay=0.1), 2)[:, 0]
    assert np.allclose(got, [0.89, 0.7371], rtol=1e-14)


def adam_by_hand(g_seq_fn, theta, lr, b1, b2, eps, steps, wd=0.0):
    """Kingma & Ba 2015, Algorithm 1, with PyTorch's eps placement, one scalar at a time."""
    m = v = 0.0
    out = []
    for t in range(1, steps + 1):
        g = g_seq_fn(theta) + wd * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - lr / (1 - b1**t) * m / (math.sqrt(v) / math.sqrt(1 - b2**t) + eps)
        out.append(theta)
    return out


def test_adam_first_step_moves_each_coordinate_by_lr():
    # m_hat = g, v_hat = g^2, so the first step is lr * g / (|g| + eps)
    got = trajectory(optim.adam(0.1), 1)[0]
    assert np.allclose(
        got,
        THETA0 - 0.1 * np.sign(THETA0) * (np.abs(A * THETA0) / (np.abs(A * THETA0) + 1e-8)),
        rtol=1e-15,
    )


@pytest.mark.parametrize(
    "lr, b1, b2, eps, wd",
    [
        (0.1, 0.9, 0.999, 1e-8, 0.0),
        (0.05, 0.8, 0.99, 1e-3, 0.0),
        (0.02, 0.9, 0.999, 1e-7, 0.3),
        (0.1, 0.0, 0.5, 1e-8, 0.0),
    ],
)
def test_adam_sequence(lr, b1, b2, eps, wd):
    got = trajectory(optim.adam(lr, b1=b1, b2=b2, eps=eps, weight_decay=wd), 30)
    for i in range(2):
        expected = adam_by_hand(lambda th: A[i] * th, THETA0[i], lr, b1, b2, eps, 30, wd)
        assert np.allclose(got[:, i], expected, rtol=1e-12, atol=1e-14)


def test_adam_second_step_by_hand():
    # a=1, lr=.1: th1 = 1 - .1/(1+1e-8); g1 = th1; m2 = .09 + .1 th1; v2 = .000999 + .001 th1^2
    th1 = 1 - 0.1 / (1 + 1e-8)
    m2, v2 = 0.09 + 0.1 * th1, 0.000999 + 0.001 * th1**2
    th2 = th1 - 0.1 / 0.19 * m2 / (math.sqrt(v2) / math.sqrt(0.001999) + 1e-8)
    got = trajectory(optim.adam(0.1), 2)[:, 0]
    assert np.allclose(got, [th1, th2], rtol=1e-14)


def test_schedule_values():
    assert schedules.step_decay(1.0, 2, 0.5).values(5).tolist() == [1, 1, 0.5, 0.5, 0.25]
    assert np.allclose(schedules.inverse_time(1.0, 0.5).values(4), [1, 1 / 1.5, 1 / 2, 1 / 2.5])
    c = math.cos
    assert np.allclose(
        schedules.cosine(1.0, 4).values(6),
        [1, (1 + c(math.pi / 4)) / 2, 0.5, (1 + c(3 * math.pi / 4)) / 2, 0, 0],
    )
    assert np.allclose(schedules.cosine(1.0, 2, lr_min=0.2).values(3), [1.0, 0.6, 0.2])
    assert schedules.get("constant", lr=0.3)(7) == 0.3


def test_schedules_drive_the_learning_rate():
    # lr_0 = .1, lr_1 = .1 / (1 + 1) = .05: th1 = .9, th2 = .9 - .05 * .9 = .855
    got = trajectory(optim.sgd(schedules.inverse_time(0.1, 1.0)), 2)[:, 0]
    assert np.allclose(got, [0.9, 0.855], rtol=1e-14)
    # NNFS's decaying Adam: lr_t = lr / (1 + decay t) with the bias correction of step t + 1
    got = trajectory(optim.adam(schedules.inverse_time(0.05, 0.1), eps=1e-7), 20)[:, 0]
    m = v = 0.0
    theta = THETA0[0]
    for t in range(20):
        g = A[0] * theta
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9 ** (t + 1)), v / (1 - 0.999 ** (t + 1))
        theta -= 0.05 / (1 + 0.1 * t) * m_hat / (math.sqrt(v_hat) + 1e-7)
        assert math.isclose(got[t], theta, rel_tol=1e-9)


def test_clip_by_norm_like_torch():
    g = np.array([3.0, 4.0])
    assert np.allclose(optim.clip_by_norm(g, 1.0), g / (5.0 + 1e-6))
    assert np.array_equal(optim.clip_by_norm(g, 10.0), g)
    # clipped SGD: the step is lr * max_norm in the gradient's direction
    got = trajectory(
        optim.clipped(optim.sgd(1.0), 0.5),
        1,
        theta=[0.0, 0.0],
        grad=lambda th: np.array([3.0, 4.0]),
    )[0]
    assert np.allclose(got, [-0.3, -0.4], atol=1e-6)


def test_normalized_gd_takes_steps_of_length_lr():
    got = trajectory(
        optim.normalized_gd(0.5), 1, theta=[0.0, 0.0], grad=lambda th: np.array([3.0, 4.0])
    )[0]
    assert np.allclose(got, [-0.3, -0.4], rtol=1e-15)
    # zero gradient: no step, no division by zero
    assert np.array_equal(trajectory(optim.normalized_gd(0.5), 1, grad=np.zeros_like)[0], THETA0)
    # on the quadratic every step has length exactly lr until it overshoots
    path = trajectory(optim.normalized_gd(0.01), 10)
    steps = np.linalg.norm(np.diff(np.vstack([THETA0, path]), axis=0), axis=1)
    assert np.allclose(steps, 0.01, rtol=1e-12)


def test_steps_are_pure():
    opt = optim.sgd(0.1, momentum=0.9)
    theta = THETA0.copy()
    state = opt.init(theta)
    theta1, state1 = opt.step(theta, A * theta, state)
    again, state_again = opt.step(theta1, A * theta1, state1)
    twice, _ = opt.step(theta1, A * theta1, state1)
    assert np.array_equal(again, twice) and np.array_equal(theta, THETA0)
    adam = optim.adam(0.1)
    s = adam.init(theta)
    t1, s1 = adam.step(theta, A * theta, s)
    (moments, lr_count), (moments1, lr_count1) = s, s1  # chain(scale_by_adam, learning rate)
    assert np.all(moments.m == 0) and np.all(moments.v == 0) and moments1.count == 1
    assert lr_count.count == 0 and lr_count1.count == 1


def test_transforms_compose_into_the_aliases():
    # chain(trace, scale_by_learning_rate) is momentum SGD; the transforms' equations by hand.
    g1, g2, theta = np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([3.0, 1.0])
    mu, lr = 0.9, 0.1
    tx = optim.chain(optim.trace(mu), optim.scale_by_learning_rate(lr))
    state = tx.init(theta)
    u1, state = tx.update(g1, state, theta)
    u2, state = tx.update(g2, state, theta)
    assert np.array_equal(u1, -lr * g1) and np.allclose(u2, -lr * (mu * g1 + g2), rtol=1e-15)
    opt = optim.sgd(lr, momentum=mu)
    s = opt.init(theta)
    t1, s = opt.step(theta, g1, s)
    t2, s = opt.step(t1, g2, s)
    assert np.array_equal(t2, t1 + u2)
    # scale_by_adam after one step is g / (|g| + eps) elementwise (bias corrections cancel)
    adam = optim.scale_by_adam(eps=1e-8)
    u, st = adam.update(g1, adam.init(theta), theta)
    assert np.allclose(u, g1 / (np.abs(g1) + 1e-8), rtol=1e-15) and st.count == 1
    assert np.array_equal(optim.scale(-2.0).update(g1, None, theta)[0], -2.0 * g1)
    assert np.allclose(optim.add_decayed_weights(0.5).update(g1, None, theta)[0], g1 + 0.5 * theta)
    clip = optim.clip_by_global_norm(1.0).update(np.array([3.0, 4.0]), None, theta)[0]
    assert np.allclose(clip, np.array([3.0, 4.0]) / (5.0 + 1e-6))
    assert np.allclose(optim.normalize().update(g2, None, theta)[0], g2 / np.linalg.norm(g2))
    assert np.array_equal(optim.normalize().update(np.zeros(2), None, theta)[0], np.zeros(2))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: optim.sgd(-0.1), r"lr must be in \[0"),
        (lambda: optim.adam(lr=float("nan")), "lr must be a finite number"),
        (lambda: optim.sgd(0.1, momentum=-1), "momentum"),
        (lambda: optim.sgd(0.1, nesterov=True), "nesterov=True requires momentum"),
        (lambda: optim.sgd(0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
        (lambda: optim.adam(0.1, b1=1.0), r"b1 must be in \[0, 1\)"),
        (lambda: optim.adam(0.1, eps=-1), "eps"),
        (lambda: optim.adam(0.1, weight_decay=-0.1), "weight_decay"),
        (lambda: optim.clip_by_norm(np.ones(2), 0.0), "max_norm"),
        (lambda: optim.get("rmsprop"), "allowed: sgd, adam, normalized_gd"),
        (lambda: schedules.step_decay(0.1, 0), "step_size"),
        (lambda: schedules.get("linear"), "schedule"),
        (lambda: optim.sgd("fast"), "lr must be a number"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types():
    with pytest.raises(TypeError, match="nesterov"):
        optim.sgd(0.1, momentum=0.9, nesterov="yes")
    with pytest.raises(TypeError, match="lr"):
        optim.adam(None)
