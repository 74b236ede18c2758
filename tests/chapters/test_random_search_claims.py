"""Every outcome docs/random-search.md states, run with the settings the page uses.

Each test quotes its sentence. The numbers in those sentences come from the chapter module
through the `[[value: random_search.NAME ...]]` directive; the tests call the same functions with
the same options and check what the sentence says about them. The seed spread is seeds 0-9
(`SEEDS`), the book's 10,000 iterations and noise scale 0.05 unless the sentence says otherwise.
The demo's sentences are checked through the demo's own entry points, as the page calls them.
"""

import math

import numpy as np
import pytest

from explainer_core import optim, train
from explainer_core.chapters import random_search as chapter
from explainer_core.demos import random_search as demo
from tests.demos import _demo_client as demo_client

SEEDS = range(chapter.SEEDS)


def race(**args):
    out, frames = demo_client.run("random-search", "race", args, max_frames=100_000)
    assert out["ok"]
    return [f for f in frames if not f.get("catch_up")]


# ---- "The experiment" ----------------------------------------------------------------------------


def test_the_network_has_21_parameters_and_starts_at_the_uniform_loss():
    """"It has [[parameter_count]] parameters: 2 × 3 weights and 3 biases in the first layer,
    3 × 3 weights and 3 biases in the second." / "That is where the tiny starting weights put
    it: the start's loss on the vertical data is [[start_loss]].\""""
    assert chapter.parameter_count() == 2 * 3 + 3 + 3 * 3 + 3
    assert chapter.uniform_loss() == math.log(3)
    for seed in SEEDS:
        for data in chapter.DATA:
            assert chapter.start_loss(data, seed) == pytest.approx(math.log(3), abs=1e-3)


# ---- "Try it" ------------------------------------------------------------------------------------


def test_the_books_run_in_the_demo():
    """"Tweak-and-keep passes 90% accuracy by iteration [[iterations_to_accuracy]] and then
    spends the rest of the 10,000 iterations gaining a few points: it ends at [[final]]. Random
    search's map stays pale: at the end no point gets a probability above [[confidence]] for
    any class, and one class wins everywhere, so its accuracy is [[final]], one point in
    three.\""""
    frames = race()
    when = chapter.iterations_to_accuracy()
    first = next(f for f in frames if f["methods"]["tweak_and_keep"]["accuracy"] >= 0.9)
    assert first["step"] == when  # what the reader sees, frame by frame
    assert all(f["methods"]["tweak_and_keep"]["accuracy"] < 0.9 for f in frames if f["step"] < when)
    end = frames[-1]["methods"]
    assert end["tweak_and_keep"]["accuracy"] == chapter.final("tweak_and_keep", "vertical")
    gain = end["tweak_and_keep"]["accuracy"] - first["methods"]["tweak_and_keep"]["accuracy"]
    assert 0 <= gain <= 0.05  # "a few points"
    assert chapter.confidence("random_search", "vertical") < 0.36  # pale: one third is 0.333
    regions = frames[-1]["regions"]["random_search"]
    assert len({cell // demo.LEVELS for cell in regions}) == 1  # one class wins the whole map
    assert chapter.classes_predicted("random_search", "vertical") == 1
    assert end["random_search"]["accuracy"] == chapter.final("random_search") == 1 / 3


def test_the_spiral_in_the_demo():
    """"Tweak-and-keep gets to [[final data=spiral]] and random search to [[...]]; their losses
    stay above 1.\""""
    frames = race(data="spiral")
    end = frames[-1]["methods"]
    for method in chapter.METHODS:
        assert end[method]["accuracy"] == chapter.final(method, "spiral")
        assert all(f["methods"][method]["loss"] > 1.0 for f in frames)


def test_bigger_guesses_help_random_search_on_vertical_data_only():
    """"set the noise scale to 3 ... Random search now finds a fair network: over the seeds 0 to
    9 it ends between [[min]] and [[max]] accuracy." / "On the spiral the same setting ends at
    [[max]] at best." / "They do not help on the spiral".\""""
    vertical = chapter.finals("random_search", "vertical", "accuracy", noise=3.0)
    assert min(vertical) >= 0.75 > 2 * max(chapter.finals("random_search", "vertical"))
    spiral = chapter.finals("random_search", "spiral", "accuracy", noise=3.0)
    assert max(spiral) < 0.45
    assert max(spiral) < chapter.spread("random_search", "spiral", stat="max") + 0.05
    assert min(spiral) >= 0.25


def test_much_bigger_guesses_keep_nothing():
    """"A noise scale of 100 draws networks that are very sure of themselves, and wrong about two
    points in three: neither method keeps a single candidate, and the demo says so.\""""
    last = race(noise="100")[-1]
    assert last["outcome"] == "nothing_kept"
    assert "Random search and tweak-and-keep kept no candidate at all" in last["reason"]
    for method in chapter.METHODS:
        assert last["methods"][method]["kept"] == 0
    p = chapter.problem("vertical", 0)
    draws = 100 * np.random.default_rng(1).standard_normal((300, 21))
    accuracy = [chapter.accuracy(theta, p.X, p.y) for theta in draws]
    sure = [np.median(chapter.probabilities(theta, p.X).max(axis=1)) for theta in draws]
    assert np.mean(accuracy) == pytest.approx(1 / 3, abs=0.05)  # wrong about two in three
    assert np.median(sure) > 0.99  # very sure of themselves


def test_other_seeds_move_the_numbers():
    """"Other seeds. The numbers move with the seed\""""
    assert len(set(chapter.finals("tweak_and_keep", "vertical", "loss"))) == chapter.SEEDS


# ---- "What the book reports, over ten seeds" ----------------------------------------------------


def test_random_search_barely_moves():
    """"On the vertical data its loss falls from the start's [[start_loss]] to between [[min]] and
    [[max]], and its accuracy ends at [[max]] for every seed: in [[seeds_with_one_class]] runs out
    of 10 its best network puts every point into the same class.\""""
    for seed in SEEDS:
        start, end = chapter.start_loss("vertical", seed), chapter.final("random_search", "vertical",
                                                                           "loss", seed)
        assert 0 < start - end < 0.005
        assert chapter.final("random_search", "vertical", "accuracy", seed) == 1 / 3
    assert chapter.spread("random_search", "vertical", "accuracy", "max") == 1 / 3
    assert chapter.seeds_with_one_class() == chapter.SEEDS


def test_the_starts_accuracy_is_chance():
    """"The start's accuracy is chance, anywhere from [[min]] to [[max]] over the seeds\""""
    low, high = (chapter.start_accuracy_spread("vertical", stat) for stat in ("min", "max"))
    assert low < 0.2 and high > 0.5


def test_tweak_and_keep_learns_the_vertical_data():
    """"It ends between [[min]] and [[max]] accuracy (the book: about 93%), with the loss down to
    between [[min]] and [[max]].\""""
    accuracy = chapter.finals("tweak_and_keep", "vertical", "accuracy")
    assert 0.92 <= min(accuracy) and max(accuracy) <= 0.97
    loss = chapter.finals("tweak_and_keep", "vertical", "loss")
    assert max(loss) < 0.25 < chapter.start_loss() / 4


def test_the_spiral_defeats_both():
    """"No run of either method gets the loss below [[spread data=spiral quantity=loss
    stat=min]]. Random search ends between [[min]] and [[max]] accuracy, tweak-and-keep between
    [[min]] and [[max]]: about the book's 40%, where a third is pure chance.\""""
    lowest = chapter.spread("tweak_and_keep", "spiral", "loss", "min")
    assert lowest > 1.0
    assert min(chapter.finals("random_search", "spiral", "loss")) > lowest
    for method in chapter.METHODS:
        assert all(0.33 <= a <= 0.46 for a in chapter.finals(method, "spiral"))


# ---- "1. The space is effectively infinite" ------------------------------------------------------


def test_a_grid_of_ten_values_per_parameter():
    """"there would be [[grid_networks]] networks to try; at a million networks a second, trying
    them all would take [[grid_years]] years.\""""
    assert chapter.grid_networks() == 10.0**21
    assert chapter.grid_years() == pytest.approx(1e21 / 1e6 / (365.25 * 24 * 3600), rel=1e-12)


def test_the_runs_agree_with_the_count_of_blind_draws():
    """"On the vertical data, random search found on average [[mean_new_bests]] new bests in
    10,000 draws over the seeds 0 to 9, where blind draws should give [[... expected=True]]; on
    the spiral [[...]], where they should give [[...]]." The count of records among independent
    draws has a variance of about H_n - H_n^(2) ≈ 8.1, so the mean of ten runs is within 3
    standard deviations (2.7) of its expectation.\""""
    assert chapter.harmonic() == pytest.approx(math.log(10_000) + 0.5772, abs=1e-3)
    for data in chapter.DATA:
        observed, expected = (chapter.mean_new_bests(data, expected=flag) for flag in (False, True))
        assert abs(observed - expected) < 2.7
        assert expected < chapter.harmonic()  # a draw must also beat the start


def test_ten_times_as_many_draws_buy_about_two_more_new_bests():
    """"New bests come at iterations spaced like e, e^2, e^3, ...: ten times as many draws buy
    about ln 10 ≈ 2.3 more." Over the 20 runs (both data sets), the new bests between draw 1,000
    and 10,000 average ln 10 within 3 standard deviations of the mean (sd per run about
    sqrt(ln 10) ≈ 1.5), and so do those between draw 100 and 1,000."""
    for low in (100, 1000):
        later = [int(np.sum((run.kept_steps > low) & (run.kept_steps <= 10 * low)))
                 for data in chapter.DATA for seed in SEEDS
                 for run in [chapter.trajectory("random_search", data, seed=seed)]]
        assert abs(np.mean(later) - math.log(10)) < 3 * 1.5 / math.sqrt(20)


def test_small_draws_are_unsure_and_no_scale_changes_the_count():
    """"at a scale of 0.05 every candidate network is nearly unsure" / "no scale can fix the count
    of new bests: it grows with the logarithm of the effort, whatever the problem.\""""
    p = chapter.problem("vertical", 0)
    draws = 0.05 * np.random.default_rng(2).standard_normal((1000, 21))
    assert max(chapter.probabilities(theta, p.X).max() for theta in draws) < 0.4
    observed = np.mean([chapter.new_bests("vertical", seed, noise=3.0) for seed in SEEDS])
    expected = np.mean([chapter.expected_new_bests("vertical", seed, noise=3.0) for seed in SEEDS])
    assert abs(observed - expected) < 2.7
    assert expected < chapter.harmonic()


# ---- "2. Every parameter is treated as equally important" ----------------------------------------


def test_the_same_step_matters_a_thousand_times_more_for_some_parameters():
    """"The loss rises by [[rise which=max]] for the parameter that matters most and by [[rise
    which=min]] for the one that matters least: [[rise which=ratio]] times less.\""""
    rises = chapter.parameter_rises("vertical", 0)
    assert np.all(rises > 0)  # seed 0 has no dead neuron: every step climbs, at the end point
    assert chapter.rise("max") == rises.max() and chapter.rise("min") == rises.min()
    assert chapter.rise("ratio") == rises.max() / rises.min() > 1000


def test_dead_neurons_waste_six_parameters():
    """"Tweak-and-keep ends with a dead neuron in [[seeds_with_dead_neuron]] of the 10 seeds on the
    vertical data" — and none of its six parameters changes the loss.\""""
    dead = [seed for seed in SEEDS if chapter.dead_neurons("vertical", seed)]
    assert len(dead) == chapter.seeds_with_dead_neuron() > 0
    for seed in dead:
        rises = chapter.parameter_rises("vertical", seed)
        assert np.sum(np.abs(rises) < 1e-12) == 6 * chapter.dead_neurons("vertical", seed)


# ---- "3. Local minima" ---------------------------------------------------------------------------


def test_fewer_and_fewer_tweaks_are_kept():
    """"On the vertical data the median run keeps [[kept_fraction]] of its tweaks in its first 500
    iterations and [[kept_fraction part=last]] in its last 500 (no run of the ten keeps more than
    [[... stat=max]] there); on the spiral, [[...]] and then [[...]].\""""
    for data in chapter.DATA:
        for seed in SEEDS:
            fractions = chapter.kept_fractions("tweak_and_keep", data, seed)
            assert fractions[-1] < fractions[0] / 5
        assert chapter.kept_fraction("last", data, "max") < 0.02
    assert chapter.kept_fraction("first", "vertical") > 0.25
    assert chapter.kept_fraction("first", "spiral") > 0.05


def test_the_demo_shows_the_fall_while_it_runs():
    """"In the demo, the count "in the last 500 iterations" under tweak-and-keep's map shows the
    same fall while it runs.\""""
    for data in chapter.DATA:
        frames = {f["step"]: f["methods"]["tweak_and_keep"] for f in race(data=data)}
        fractions = chapter.kept_fractions("tweak_and_keep", data, 0)
        assert frames[500]["recent"] == round(fractions[0] * 500)
        assert frames[10_000]["recent"] == round(fractions[-1] * 500)
        assert frames[10_000]["recent"] < frames[500]["recent"] / 5


def test_runs_from_different_starts_stop_in_different_places():
    """"Run tweak-and-keep on the same spiral data (seed 0) from 8 different starts, and it stops at
    8 different losses, from [[min]] to [[max]], each run keeping at most [[kept_last max]] of the
    tweaks in its last 1,000 iterations. Each is stuck in its own place.\""""
    rows = chapter.restarts("spiral", 0, 8)
    losses = sorted(row["loss"] for row in rows)
    assert all(b - a > 1e-4 for a, b in zip(losses, losses[1:]))  # 8 different places
    assert losses[0] == chapter.restart_spread("loss", "min")
    assert max(row["kept_last"] for row in rows) == chapter.restart_spread("kept_last", "max") <= 10
    assert all(row["loss"] > 1.0 for row in rows)


def test_some_stops_are_narrow_valleys_not_minima():
    """"some of these places are narrow valleys that a better-aimed step could still follow
    (reason 2 again), not true minima." Gradient descent (Adam, learning rate 0.01, 2,000 steps)
    from where the runs stopped lowers the loss clearly for at least one of them.\""""
    p = chapter.problem("spiral", 0)
    task = train.network_task(p.sizes, p.X, p.y, loss="softmax_cross_entropy", activation="relu")
    drops = []
    for row in chapter.restarts("spiral", 0, 8)[:4]:
        last = list(train.run(task, optim.adam(0.01), np.array(row["theta"]), steps=2000,
                              record_every=2000))[-1]
        drops.append(row["loss"] - last["loss"])
    assert max(drops) > 0.01


def test_the_spiral_is_too_hard_for_three_neurons_whatever_the_search():
    """"Gradient descent with the Adam optimizer ..., on the same network, data and start, for
    10,000 steps, also ends with a loss between [[adam_spread min]] and [[max]] and an accuracy
    between [[min]] and [[max]] (seeds 0 to 4).\""""
    for seed in range(5):
        assert chapter.adam("loss", "spiral", seed) > 1.0
        assert chapter.adam("accuracy", "spiral", seed) < 0.5
