"""Whitelam et al. 2021: neuroevolution averaged over runs follows gradient descent.

References used here, all independent of the code under test:
- the closed-form mean step of a Metropolis mutation on a linear loss (derived in the module
  docstring; checked against its two textbook limits and against simulation);
- plain gradient descent on a quadratic, and normalised gradient descent on the sine network;
- the noise of an average of R runs, which the derivation predicts (see the last test).
"""

import math

import numpy as np
import pytest

from explainer_core import optim, search, train
from explainer_core.chapters import neuroevolution as correspondence


def test_mean_step_limits():
    sigma = 0.03
    assert correspondence.mean_step(sigma, math.inf, 2.0) == sigma / math.sqrt(2 * math.pi)
    # b -> 0: beta sigma^2 |g| / 2 (plain gradient descent with alpha = beta sigma^2 / 2)
    assert correspondence.mean_step(sigma, 0.5, 0.01) == pytest.approx(
        0.5 * sigma**2 * 0.01 / 2, rel=1e-3)
    # b -> inf with finite beta approaches the beta = inf step
    assert correspondence.mean_step(sigma, 1e6, 1.0) == pytest.approx(
        sigma / math.sqrt(2 * math.pi), rel=1e-6)
    # the direct formula and the asymptotic series agree where they meet (b = 30)
    below = correspondence.mean_step(1.0, 29.999999, 1.0)
    above = correspondence.mean_step(1.0, 30.0, 1.0)
    assert below == pytest.approx(above, rel=1e-7)
    assert correspondence.time_per_mutation(0.2, 3.0) == pytest.approx(3.0 * 0.04 / 2)


@pytest.mark.parametrize("beta", [math.inf, 40.0, 4.0])
def test_simulated_drift_on_a_linear_loss_matches_the_closed_form(beta):
    # U(x) = a . x: every step sees the same gradient, so the mean displacement per step of
    # many runs estimates E[dx] = -mean_step(sigma, beta, |a|) a / |a| directly.
    a = np.array([3.0, -4.0, 0.0, 0.0, 0.0])  # |a| = 5
    sigma, runs, steps = 0.1, 4000, 10
    rng = np.random.default_rng(0)
    x = correspondence.metropolis_runs(lambda p: p @ a, np.zeros(5), sigma, beta, runs, steps,
                                       rng, [steps])[0]
    drift = x.mean(axis=0) / steps
    expected = -correspondence.mean_step(sigma, beta, 5.0) * a / 5.0
    # Per run and step the move along a has standard deviation <= sigma, so the estimate's
    # standard error is <= sigma / sqrt(runs * steps) = 0.0005; 5 standard errors allowed.
    assert np.allclose(drift, expected, atol=0.0025)
    assert np.linalg.norm(expected) > 0.01


def test_metropolis_runs_use_the_same_rule_as_the_search_method():
    # One run of metropolis_runs and search.metropolis see identical random streams: the
    # proposal noise, then one uniform, per step.
    loss = lambda p: np.sum((p - 1.0) ** 2, axis=1)  # noqa: E731
    x0 = np.zeros(3)
    batch = correspondence.metropolis_runs(loss, x0, 0.3, 2.0, 1, 25, np.random.default_rng(5),
                                           [25])[0, 0]
    method = search.metropolis(0.3, 2.0)
    rng = np.random.default_rng(5)
    state = method.init(x0, rng, loss=float(loss(x0[None])[0]))
    for _ in range(25):
        child, state = method.ask(state, rng)
        state = method.tell(state, child, loss(child))
    assert np.array_equal(batch, state.theta)


def test_finite_beta_average_approaches_plain_gradient_descent_as_sigma_shrinks():
    # U = 1/2 sum h_i x_i^2: gradient descent is exact arithmetic and, the gradient being linear,
    # averaging the runs removes their noise without bias. The remaining gap comes from the
    # finite mutation (b = beta sigma |g| ~ 1.4 at sigma = 0.1, 0.7 at 0.05; exact only as
    # b -> 0), so it must shrink with sigma. Three seeds gave Delta = 0.043-0.044 at sigma = 0.1
    # and 0.0135-0.0136 at 0.05, against 0.22 moved by descent, with 20,000 runs; 2,000 runs here.
    h = np.linspace(0.5, 2.0, 8)
    x0 = np.ones(8)
    loss = lambda p: 0.5 * np.sum(h * p * p, axis=1)  # noqa: E731
    beta, t = 4.0, 0.5
    rng = np.random.default_rng(0)
    deltas = {}
    for sigma in (0.1, 0.05):
        alpha = beta * sigma**2 / 2
        n = round(t / alpha)
        mean = correspondence.metropolis_runs(loss, x0, sigma, beta, 2000, n, rng, [n])[0].mean(0)
        task = train.function_task("quadratic", loss, lambda x: h * x, 8)
        gd = correspondence.gradient_descent_path(task, x0, optim.sgd(alpha), n, [n])[0]
        assert np.allclose(gd, x0 * (1 - alpha * h) ** n)  # descent on a quadratic, closed form
        deltas[sigma] = np.mean((mean - gd) ** 2)
        moved = np.mean((gd - x0) ** 2)
    assert deltas[0.05] < 0.5 * deltas[0.1]
    assert deltas[0.05] < 0.1 * moved


@pytest.fixture(scope="module")
def network_records():
    return correspondence.neuroevolution_vs_gradient_descent(
        sigmas=(0.02, 0.005), runs=(10, 100), t_max=0.5, samples=3, points=32, seed=0)


def _delta(records, sigma, runs, t):
    [record] = [r for r in records if r["sigma"] == sigma and r["runs"] == runs and r["t"] == t]
    return record


def test_time_axis_identification(network_records):
    # The paper's identification for beta = inf, from the settings alone: descent runs at
    # alpha = smallest sigma / sqrt(2 pi); one mutation of scale sigma covers sigma / sqrt(2 pi)
    # of flow time, i.e. lambda = sigma / (sqrt(2 pi) alpha) descent steps.
    alpha = 0.005 / math.sqrt(2 * math.pi)
    for r in network_records:
        tau = r["sigma"] / math.sqrt(2 * math.pi)
        assert r["alpha"] == pytest.approx(alpha, rel=1e-15)
        assert r["lambda"] == pytest.approx(r["sigma"] / 0.005, rel=1e-12)
        # both counts are the nearest whole steps to the sample time t
        assert r["mutations"] == round(r["t"] / tau)
        assert r["gd_steps"] == round(r["t"] / alpha)
        assert r["t_evolution"] == pytest.approx(r["t"], abs=tau / 2)
        assert r["t_descent"] == pytest.approx(r["t"], abs=alpha / 2)


def test_network_average_approaches_normalised_descent(network_records):
    # Five seeds (0-4) gave, at t = 0.5 with 100 runs, Delta = 1.4e-4 to 2.0e-4 at sigma = 0.02
    # and 3.0e-5 to 4.1e-5 at sigma = 0.005, against 2.5e-3 to 2.7e-3 moved by descent; with
    # 10 runs Delta is 5x-10x larger. The bounds below keep a factor ~2 margin on each trend.
    for t in (0.25, 0.5):
        for runs in (10, 100):
            small = _delta(network_records, 0.005, runs, t)["delta"]
            large = _delta(network_records, 0.02, runs, t)["delta"]
            assert small < 0.5 * large
        for sigma in (0.02, 0.005):
            many = _delta(network_records, sigma, 100, t)["delta"]
            few = _delta(network_records, sigma, 10, t)["delta"]
            assert many < 0.3 * few
    final = _delta(network_records, 0.005, 100, 0.5)
    assert final["delta"] < 0.05 * final["gd_moved"]


def test_the_gap_is_the_predicted_noise_of_the_average(network_records):
    # Each accepted mutation (probability ~1/2 when the loss is locally linear) adds variance
    # sigma^2 per weight, so after n = t sqrt(2 pi) / sigma mutations one run has spread
    # n sigma^2 / 2 per weight around the mean path and the average of R runs
    # t sigma sqrt(2 pi) / (2 R). Delta must be that, up to chance (Delta over 91 weights has
    # relative spread ~15%) and the finite-sigma bias: measured ratios over 5 seeds 0.75-1.6.
    for r in network_records:
        if r["t"] == 0:
            assert r["delta"] < 1e-20  # all runs start at theta0 (up to the rounding of a mean)
            continue
        predicted = r["t"] * r["sigma"] * math.sqrt(2 * math.pi) / (2 * r["runs"])
        assert 0.5 < r["delta"] / predicted < 2.2


def test_bad_arguments():
    with pytest.raises(ValueError, match="sigma"):
        correspondence.mean_step(-1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="beta"):
        correspondence.time_per_mutation(0.1, -2.0)
    with pytest.raises(ValueError, match="runs"):
        correspondence.metropolis_runs(lambda p: p[:, 0], np.zeros(2), 0.1, 1.0, 0, 5,
                                       np.random.default_rng(0), [5])
    with pytest.raises(ValueError, match="record_steps"):
        correspondence.metropolis_runs(lambda p: p[:, 0], np.zeros(2), 0.1, 1.0, 2, 5,
                                       np.random.default_rng(0), [6])
