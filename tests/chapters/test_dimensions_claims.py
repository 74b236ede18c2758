"""Every outcome docs/dimensions.md states, run with the page's settings, against independent
references (closed forms by quadrature, a published constant, an exact random-matrix result)."""

import math

import numpy as np
import pytest

from explainer_core.chapters import dimensions as chapter
from tests.chapters.test_dimensions import exact_sphere_fraction


def se(p, n):
    return math.sqrt(max(p * (1 - p), 1e-4) / n)


@pytest.mark.parametrize("dimension", [10, 100, 1000])
def test_the_counted_share_matches_the_exact_probability(dimension):
    """"counting 1,000 random mutations gives ... improving": the count agrees with the exact
    probability E[Phi(-sigma chi2_D / 2)] (quadrature) within 4 binomial standard errors."""
    measured = chapter.live_fraction("sphere", dimension, 0.01, "fixed", 1000, 0)
    exact = exact_sphere_fraction(dimension, 0.01)
    assert measured == pytest.approx(exact, abs=4 * se(exact, 1000) + 1e-3)


def test_with_a_fixed_sigma_the_share_goes_from_about_a_half_to_nothing():
    assert chapter.live_fraction("sphere", 2, 0.01, "fixed", 1000, 0) > 0.45
    assert chapter.live_fraction("sphere", 10_000, 0.01, "fixed", 1000, 0) == 0.0
    assert chapter.live_fraction("sphere", 1000, 0.01, "fixed", 1000, 0) == 0.0
    shares = [chapter.live_fraction("sphere", d, 0.01, "fixed", 1000, 0) for d in (10, 100, 1000)]
    assert shares[0] > shares[1] > shares[2]


def test_with_sigma_over_d_the_share_stays_put():
    formula = chapter.live_formula(1000, 0.01, "linear")
    assert formula == pytest.approx(0.5 * math.erfc(0.005 / math.sqrt(2)))
    for d in (10, 100, 1000, 10_000):
        assert chapter.live_fraction("sphere", d, 0.01, "linear", 1000, 0) == pytest.approx(
            exact_sphere_fraction(d, 0.01 / d), abs=0.07)


def test_on_the_network_a_large_mutation_helps_less_often_as_it_widens():
    shares = [chapter.live_fraction("network", d, 1.0, "fixed", 1000, 0) for d in (10, 100, 1000)]
    assert shares[0] > shares[1] > shares[2]
    assert shares[0] > 0.15 and shares[2] < 0.02
    # "depends a lot on the random start ... in a wide network almost none succeed, whatever
    # the start": four starts
    small = [chapter.live_fraction("network", 10, 1.0, "fixed", 1000, s) for s in range(4)]
    wide = [chapter.live_fraction("network", 1000, 1.0, "fixed", 1000, s) for s in range(4)]
    assert max(small) > 2 * min(small) and min(small) > 0.05
    assert max(wide) < 0.01
    # small mutations of a network are close to a coin flip (a nearly linear loss)
    assert 0.4 < chapter.live_fraction("network", 100, 0.01, "fixed", 1000, 0) < 0.6


def test_the_network_has_the_parameters_the_page_says():
    from explainer_core import nets
    for d in (2, 10, 1000, 10_000):
        h = chapter.hidden_units(d)
        assert chapter.network_parameters(d) == nets.param_count((1, h, 1)) == 3 * h + 1
        assert abs(chapter.network_parameters(d) - d) <= 2 or d == 2


def test_the_best_normalised_sigma_is_rechenbergs_constant():
    """sigma* D / r = 1.224 for the (1+1)-ES on the sphere (Rechenberg 1973; Beyer, The Theory of
    Evolution Strategies, 2001: the normalised optimum 1.224 with progress rate 0.202)."""
    c = chapter.best_normalised_sigma()
    assert c == pytest.approx(1.224, abs=5e-4)
    # the progress at the optimum: Beyer's normalised progress in distance, 0.202 r / D, is a
    # gain in U = r^2 of 2 x 0.202 r^2 / D = 4 t (phi - t Phi(-t)) r^2 / D
    assert 4 * chapter.expected_gain(c / 2) == pytest.approx(2 * 0.202, abs=2e-3)
    # and the optimum by brute force on the formula
    ts = np.linspace(0.01, 3, 30001)
    assert 2 * ts[np.argmax([chapter.expected_gain(t) for t in ts])] == pytest.approx(c, abs=1e-3)


def test_the_measured_best_sigma_is_the_grid_point_nearest_the_theory():
    records = chapter.best_sigma_by_dimension()
    grid = np.array(chapter.SIGMA_GRID)
    nearest = grid[np.argmin(abs(np.log(grid / chapter.best_normalised_sigma())))]
    # from D = 10 on, the large-D theory holds to within one grid step
    for r in records:
        if r["parameters"] >= 10:
            assert abs(math.log(r["best_normalised"] / nearest)) <= math.log(2) / 4 + 1e-9
    big = [r for r in records if r["parameters"] >= 30]
    assert all(r["best_normalised"] == pytest.approx(nearest) for r in big)
    assert chapter.best_sigma_at(1000) == pytest.approx(nearest / 1000)
    # "one mutation gains only about 1/D of the loss", on average 0.4 U / D at the optimum
    for r in big:
        assert 0.3 < r["gain"] * r["parameters"] < 0.5  # theory: 4 x 0.101 = 0.405
    assert chapter.best_gain_times_d(1000) == pytest.approx(
        4 * chapter.expected_gain(nearest / 2), rel=0.1)


def test_the_mean_gain_matches_the_formula():
    rows = chapter.gains_by_sigma(2000, (0.5, 1.224, 3.0), samples=4000, seed=1)
    for row in rows:
        t = row["normalised"] / 2
        assert row["gain"] * 2000 / 4 == pytest.approx(chapter.expected_gain(t), rel=0.12)


def test_compute_grows_like_d_for_mutation_and_not_for_gradient_descent():
    slope_ls = chapter.compute_slope("tweak_and_keep")
    slope_es = chapter.compute_slope("openai_es")
    assert 0.8 < slope_ls < 1.2
    assert 0.7 < slope_es < 1.2
    assert chapter.compute_slope("gradient_descent") == 0.0
    # gradient descent: U falls by 0.64 per step, so 2 steps: 2 forward + 2 backward = 6
    assert 0.64 ** 2 <= 0.5 < 0.64
    assert chapter.median_compute("gradient_descent", 1000) == 2 + 2 * 2
    ls = chapter.median_compute("tweak_and_keep", 1000)
    es = chapter.median_compute("openai_es", 1000)
    assert ls > 100 * 6 and es > 100 * 6
    rows = chapter.compute_by_dimension()
    assert all(r["reached"] for r in rows)
    # "gradient descent needs 6 forward-pass equivalents at every D"
    assert {r["compute"] for r in rows if r["method"] == "gradient_descent"} == {6}
    # and the two searches cost more than gradient descent from D = 10 on
    assert all(r["compute"] > 6 for r in rows if r["method"] != "gradient_descent"
               and r["parameters"] >= 10)


def test_local_search_cost_matches_the_progress_rate():
    """Independent check of the cost: at the optimal sigma each mutation lowers U by about
    0.405 U / D (Beyer's 0.202, in distance), so from U = 1 to 0.5 takes about D ln 2 / 0.405
    tries (a little more: sigma is fixed at the start's optimum while r falls by 30%)."""
    ls = chapter.median_compute("tweak_and_keep", 3000)
    predicted = 3000 * math.log(2) / 0.405
    assert 0.95 * predicted < ls < 1.3 * predicted


def test_es_estimator_points_along_the_true_gradient_on_the_sphere():
    """The OpenAI-ES estimate, averaged over many generations, is parallel to the true gradient
    2 theta of the sphere (cosine near 1), and one estimate alone is noisy in high D."""
    from explainer_core import optim, search

    rng = np.random.default_rng(0)
    d = 50
    theta = chapter._sphere_start(d, rng)
    method = search.openai_es(20, 0.01, optim.sgd(0.0))  # lr 0: the mean stays put
    state = method.init(theta)
    grads = []
    for _ in range(400):
        rows, state = method.ask(state, rng)
        state = method.tell(state, rows, chapter.sphere(rows))
        grads.append(state.grad)
    mean = np.mean(grads, axis=0)
    cosine = mean @ theta / np.linalg.norm(mean)
    assert cosine > 0.95
    single = grads[0] @ theta / np.linalg.norm(grads[0])
    assert single < 0.9


def test_minima_give_way_to_saddles():
    """Exact references: P(GOE 1x1 > 0) = 1/2, P(GOE 2x2 positive definite) = (2 - sqrt 2) / 4
    (Dean & Majumdar 2006; by direct integration for N = 2), and the fall below 2^-D."""
    shares = {d: chapter.minimum_share(d) for d in (1, 2, 4)}
    n = 100_000
    assert shares[1] == pytest.approx(0.5, abs=4 * se(0.5, n))
    exact2 = (2 - math.sqrt(2)) / 4
    assert shares[2] == pytest.approx(exact2, abs=4 * se(exact2, n))
    assert shares[4] < 2.0 ** -4 / 5
    records = chapter.minimum_shares()
    assert all(r["share"] < r["coin"] for r in records if r["parameters"] >= 2)
