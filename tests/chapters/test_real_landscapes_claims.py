"""Every outcome docs/real-landscapes.md states, run with the page's own settings and checked.

Each test names the section and the sentence it checks; the numbers themselves reach the page
through [[value: real_landscapes.NAME ...]], from the same functions called here.
"""

from __future__ import annotations

import pytest

from explainer_core.chapters import real_landscapes as chapter

GRADIENT = ("gd", "momentum", "adam")
EVOLUTION = ("local", "es")


def test_race_every_gradient_method_ends_below_both_evolutionary_ones_on_the_sine_task():
    # "on the sine task every gradient method ends below both evolutionary ones"
    worst_gradient = max(chapter.race_final_loss(m) for m in GRADIENT)
    best_evolution = min(chapter.race_final_loss(m) for m in EVOLUTION)
    assert worst_gradient < best_evolution


def test_push_the_learning_rates_only_gradient_descent_and_momentum_diverge():
    # "Gradient descent and momentum overshoot and their loss grows without bound ... Adam does not"
    assert chapter.race_diverged("rosenbrock", 30) == ["gradient descent", "momentum 0.9"]
    assert chapter.race_diverged("rosenbrock", 1) == []
    assert chapter.race_diverged_step("gd") < chapter.race_diverged_step("momentum") <= 20
    with pytest.raises(ValueError, match="did not diverge"):
        chapter.race_diverged_step("adam")
    # "Here it even ends lower than at scale 1"
    assert (chapter.race_final_loss("adam", "rosenbrock", 30)
            < chapter.race_final_loss("adam", "rosenbrock", 1))


def test_valleys_gradient_descent_ends_highest_and_local_search_lowest():
    # "of the four it ends highest"; "On the same compute local search ends lowest here"
    final = {m: chapter.surface_final_loss(m) for m in ("gd", "momentum", "adam", "local")}
    assert max(final, key=final.get) == "gd"
    assert min(final, key=final.get) == "local"


def test_looking_at_a_landscape_rescaling_leaves_a_relu_network_unchanged_not_a_tanh_one():
    # "changes its outputs by at most ..., rounding error" / "no such exact symmetry"
    for seed in range(3):
        assert chapter.rescaled_output_change("relu", 3.0, seed) < 1e-12
        assert chapter.rescaled_output_change("tanh", 3.0, seed) > 0.05


def test_flat_and_sharp_the_large_learning_rate_minimum_sits_at_the_limit_and_fits_better():
    # "sits right at that limit": lambda_max = 2 / eta within 1%
    sharp_flat = chapter.flat_sharp_minimum(0.3, "sharpness") / chapter.flat_sharp_minimum(0.3, "limit")
    assert sharp_flat == pytest.approx(1.0, abs=0.01)
    # both minima obey lambda_max <= 2 / eta (to within that 1%)
    for lr in (0.05, 0.3):
        assert chapter.flat_sharp_minimum(lr, "sharpness") <= 1.01 * chapter.flat_sharp_minimum(lr, "limit")
    # "The two minima do not fit equally well": the sharp one's loss is several times higher
    assert chapter.flat_sharp_minimum(0.05) > chapter.flat_sharp_minimum(0.3)
    assert chapter.flat_sharp_loss_ratio() > 3


def test_tunnels_the_curve_is_a_far_lower_pass_but_not_a_low_loss_tunnel():
    line, curve = chapter.connectivity_barrier("line"), chapter.connectivity_barrier("bezier")
    ends = max(chapter.connectivity_end_loss("a"), chapter.connectivity_end_loss("b"))
    assert curve < line / 10  # "far lower"
    assert 50 < curve / ends < 300  # "still about a hundred times the two networks' own losses"


def test_the_race_counts_a_backward_pass_as_two_forward_passes():
    # "A gradient step on N examples costs N forward and N backward passes, 3N in all"
    data = chapter.optimizer_race("sine", steps=5)
    gradient = [r for r in data["runs"] if r["method"] == "gradient descent"][-1]
    assert gradient["compute"] == 3 * gradient["forward_passes"] == 3 * 5 * 64


def test_spend_more_adam_at_scale_30_rebounds_far_above_its_lowest_loss_but_stays_finite():
    # "Adam's loss falls to ..., then jumps back up as far as ... and ends at ...";
    # "its loss never stops being a finite number"
    low = chapter.race_loss("adam", stat="min")
    rebound = chapter.race_loss("adam", stat="rebound")
    final = chapter.race_loss("adam", stat="final")
    assert low < 1e-15 and rebound > 1e6 * low and rebound > final > low
    assert "Adam" not in chapter.race_diverged("rosenbrock", 30, 0)
    assert "Adam" not in [row["method"] for row in
                          chapter.optimizer_race("rosenbrock", 5000, 0, 30.0)["diverged"]]
