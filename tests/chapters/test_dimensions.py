"""The curse of dimensionality for random mutations, against closed forms on the sphere."""

import math

import numpy as np
import pytest

from explainer_core.chapters import dimensions as dimensionality


def exact_sphere_fraction(dimension, sigma, radius=1.0):
    """P(2 r sigma z + sigma^2 chi2_D < 0) = E[Phi(-sigma chi2_D / (2 r))], by quadrature."""
    s = np.linspace(1e-9, dimension + 20 * math.sqrt(2 * dimension) + 50, 20001)
    k = dimension / 2
    log_pdf = (k - 1) * np.log(s) - s / 2 - k * math.log(2) - math.lgamma(k)
    phi = 0.5 * np.array([math.erfc(v) for v in sigma * s / (2 * radius) / math.sqrt(2)])
    return float(np.trapezoid(np.exp(log_pdf) * phi, s)) if hasattr(np, "trapezoid") else float(
        np.trapz(np.exp(log_pdf) * phi, s))


def test_improving_fraction_on_the_sphere_matches_the_closed_form():
    records = dimensionality.improvement_by_dimension(dimensions=(2, 50, 400), sigma=0.02,
                                                      samples=4000, seed=0)
    for record in records:
        exact = exact_sphere_fraction(record["parameters"], 0.02)
        # binomial standard error <= 0.008 for 4000 samples; 4 standard errors
        assert record["fraction"] == pytest.approx(exact, abs=0.032)
    fractions = [r["fraction"] for r in records]
    assert fractions[0] > fractions[1] > fractions[2]
    assert fractions[2] < 0.05 and fractions[0] > 0.45  # from near a half to almost none
    # the module's approximation Phi(-sigma D / 2) (chi2_D ~ D) against the quadrature: close
    # once D is large, where chi2_D concentrates around D
    assert records[2]["approx"] == pytest.approx(exact_sphere_fraction(400, 0.02), abs=0.01)


def test_improving_fraction_counts_strict_improvements_only():
    flat = lambda p: np.zeros(len(p))  # noqa: E731
    assert dimensionality.improving_fraction(flat, np.zeros(3), 0.1, 100,
                                             np.random.default_rng(0)) == 0.0


def test_evaluations_grow_with_dimension_but_descent_does_not():
    records = dimensionality.evaluations_to_target(dimensions=(2, 20, 200), seed=0)
    evo = {r["parameters"]: r for r in records if r["method"] == "tweak_and_keep"}
    gd = {r["parameters"]: r for r in records if r["method"] == "gradient_descent"}
    assert all(r["reached"] for r in records)
    # With sigma = 1/D the improving fraction stays ~Phi(-1/2) and each success gains O(1/D):
    # the cost grows about in proportion to D (10,000 dimensions took ~1.7 D evaluations).
    assert evo[20]["forward_passes"] > 3 * evo[2]["forward_passes"]
    assert evo[200]["forward_passes"] > 5 * evo[20]["forward_passes"]
    # gradient descent at lr 0.1 multiplies U by 0.64 per step: from 1 to <= 0.5 in 2 steps
    assert {r["generations"] for r in gd.values()} == {2}
    assert {(r["forward_passes"], r["backward_passes"]) for r in gd.values()} == {(2, 2)}


def test_a_fixed_mutation_scale_stalls_in_high_dimension():
    records = dimensionality.evaluations_to_target(dimensions=(2, 400), sigma=0.1,
                                                   max_forward_passes=2000, seed=0)
    evo = {r["parameters"]: r for r in records if r["method"] == "tweak_and_keep"}
    assert evo[2]["reached"] and not evo[400]["reached"]
    assert evo[400]["forward_passes"] <= 2000


def test_network_fraction_falls_with_width():
    records = dimensionality.improvement_by_dimension(dimensions=(10, 1000), sigma=0.5,
                                                      samples=300, task="network", seed=0)
    assert records[0]["fraction"] > 2 * records[1]["fraction"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="dimensions"):
        dimensionality.improvement_by_dimension(dimensions=())
    with pytest.raises(ValueError, match="task"):
        dimensionality.improvement_by_dimension(task="cube")
    with pytest.raises(ValueError, match="target"):
        dimensionality.evaluations_to_target(target=1.5)
    with pytest.raises(ValueError, match="sigma"):
        dimensionality.evaluations_to_target(sigma=-1)


def test_large_networks_are_evaluated_in_blocks_that_fit_in_memory():
    """200 networks of D = 10,000 on 64 points need more activations than one call may hold
    (nets.MAX_ACTIVATIONS), so they go through in blocks; the answer is the same as one by one."""
    from explainer_core import nets

    theta, loss_fn = dimensionality._network_start(10_000, np.random.default_rng(0))
    population = theta + 0.1 * np.random.default_rng(1).standard_normal((200, theta.size))
    assert 200 * 64 * 3333 > nets.MAX_ACTIVATIONS  # hidden = (D - 1) / 3 units
    blocked = loss_fn(population)
    one_by_one = np.array([loss_fn(row[None, :])[0] for row in population[:5]])
    assert blocked.shape == (200,)
    np.testing.assert_allclose(blocked[:5], one_by_one, rtol=1e-12)
    record = dimensionality.improvement_by_dimension((10_000,), samples=200, task="network")[0]
    assert record["parameters"] == theta.size and 0.0 <= record["fraction"] <= 1.0
