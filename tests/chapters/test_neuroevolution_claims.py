"""Every outcome docs/neuroevolution.md states, run with the page's settings.

The page's numbers come from `chapters.neuroevolution` (`measured_step`, `delta`, `delta_ratio`);
these tests call the same functions with the same settings and check what the sentences say,
against independent references where there is one: the closed-form mean step (checked against
simulation on a linear loss in test_neuroevolution.py), the noise of an average of R runs, and
the distance gradient descent itself has moved.
"""

import math

import numpy as np
import pytest

from explainer_core.chapters import neuroevolution as chapter
from explainer_core.demos import neuroevolution as demo

NETWORKS = ("shallow", "deep")


@pytest.mark.parametrize("network, beta", [("shallow", "inf"), ("deep", "inf"),
                                           ("shallow", 10.0)])
def test_measured_step_is_within_three_standard_errors_of_the_formula(network, beta):
    along = chapter.measured_step(0.02, beta, network, quantity="along")
    se = chapter.measured_step(0.02, beta, network, quantity="standard_error")
    predicted = chapter.measured_step(0.02, beta, network, quantity="predicted")
    assert abs(along - predicted) < 3 * se
    if beta == "inf":  # and the formula is sigma / sqrt(2 pi) there
        assert predicted == pytest.approx(0.02 / math.sqrt(2 * math.pi), rel=1e-15)
        # "about half" of the mutations kept
        assert 0.45 < chapter.measured_step(0.02, beta, network, quantity="accepted") < 0.55


def test_finite_beta_b_is_small_but_the_exact_step_is_below_its_limit():
    b = chapter.measured_step(0.02, 10.0, quantity="b")
    assert 0 < b < 0.3
    # the exact formula is below its small-b limit beta sigma^2 |g| / 2 (by the factor
    # 2 b e^{b^2/2} Phi(-b) < 1), and the limit is computed independently from |g|
    g = chapter.measured_step(0.02, 10.0, quantity="grad_norm")
    limit = chapter.measured_step(0.02, 10.0, quantity="limit")
    assert limit == pytest.approx(10.0 * 0.02**2 * g / 2, rel=1e-12)
    assert chapter.measured_step(0.02, 10.0, quantity="predicted") < limit


@pytest.mark.parametrize("network", NETWORKS)
def test_delta_falls_with_more_runs_in_every_row_and_with_smaller_sigma_at_100_runs(network):
    for sigma in chapter.CHART_SIGMAS:
        row = [chapter.delta(sigma, r, network) for r in chapter.CHART_RUNS]
        assert all(a > b for a, b in zip(row, row[1:])), (sigma, row)
    column = [chapter.delta(s, 100, network) for s in chapter.CHART_SIGMAS]  # 0.04 .. 0.005
    assert all(a > b for a, b in zip(column, column[1:])), column


@pytest.mark.parametrize("network", NETWORKS)
def test_one_run_is_further_from_descent_than_descent_has_moved(network):
    moved = chapter.delta(0.02, 1, network, quantity="gd_moved")
    assert chapter.delta(0.02, 1, network) > moved
    # and with 100 runs the average is much closer than that
    assert chapter.delta(0.02, 100, network) < 0.5 * moved


def test_one_run_is_the_size_of_the_noise_formula_and_100_runs_are_above_it():
    # the formula t sigma sqrt(2 pi) / (2 R), computed here from the settings alone
    for sigma in chapter.CHART_SIGMAS:
        noise1 = 2.0 * sigma * math.sqrt(2 * math.pi) / 2
        assert 0.3 < chapter.delta(sigma, 1) / noise1 < 1.5
        for network in NETWORKS:
            assert chapter.delta(sigma, 100, network, quantity="ratio") > 1.5


def test_the_stated_shrink_factors():
    assert chapter.delta_ratio(vary="runs") == pytest.approx(
        chapter.delta(0.02, 1) / chapter.delta(0.02, 100))
    assert chapter.delta_ratio(vary="runs") > 10
    assert chapter.delta_ratio(vary="sigma") > 2


def test_the_deep_network_is_further_from_descent_relative_to_how_far_descent_went():
    deep = chapter.delta(0.02, 100, "deep") / chapter.delta(0.02, 100, "deep", quantity="gd_moved")
    shallow = chapter.delta(0.02, 100) / chapter.delta(0.02, 100, quantity="gd_moved")
    assert deep > 2 * shallow
    assert chapter.delta(0.005, 100, "deep") < 0.5 * chapter.delta(0.02, 100, "deep")


# ---- the demo's "things to try" -----------------------------------------------------------


def _last(**args):
    return list(demo.run(**args))[-1]


@pytest.fixture(scope="module")
def defaults():
    return list(demo.run())


def test_defaults_single_runs_spread_and_their_mean_stays_close(defaults):
    last = defaults[-1]
    assert last["outcome"] == "done"
    assert last["delta"] < 0.1 * last["gd_moved"]
    # in the full weight space (same runs as the demo's: same seed, same generator), a single
    # run is far further from descent than the mean of the 100 is
    task = chapter.network_task("shallow")
    theta0, rng = chapter.start("shallow", 0)
    chains = chapter.metropolis_runs(lambda t: task.population_loss(t, None), theta0, 0.02,
                                     math.inf, 100, 250, rng, [250])[0]
    gd = chapter.descent_path(task, theta0, 0.02, math.inf, 250)[250]
    assert np.mean((chains.mean(axis=0) - gd) ** 2) == pytest.approx(last["delta"], rel=1e-12)
    single = np.mean((chains - gd) ** 2, axis=1)
    assert np.median(single) > 10 * last["delta"]


def test_one_run_grows_to_the_size_of_the_noise_line():
    last = _last(runs="1")
    assert 0.3 < last["delta"] / last["predicted"] < 3
    assert last["delta"] > 5 * _last()["delta"]


def test_smaller_mutations_over_the_same_time_come_closer(defaults):
    small = _last(sigma="0.005", mutations="1000")
    assert small["t"] == pytest.approx(defaults[-1]["t"], rel=0.01)
    assert small["delta"] < defaults[-1]["delta"]


def test_finite_beta_settings_and_descent_diverging():
    r = demo.setup(sigma="0.05", beta="10", rule="metropolis", mutations="10")
    assert r["alpha"] == pytest.approx(0.0125) and r["reference"] == "plain"
    huge = demo.setup(beta="100000", rule="metropolis")
    assert huge["diverged_at"] is not None and huge["warning"]
    last = _last(beta="100000", rule="metropolis")
    assert last["outcome"] == "diverged"
    assert f"diverges at step {huge['diverged_at']:,}" in last["reason"]
