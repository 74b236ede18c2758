"""NNFS chapter 6 reproduced: random search and tweak-and-keep on vertical and spiral data.

The book's numbers come from numpy's seeded global generator; ours from an explicit Generator,
so the tolerances below were chosen from the spread of 10 seeds (0-9) of the full 10,000
iterations, each run on 300 points:

    random_search  vertical: loss 1.0953-1.0965, accuracy 0.333 in every run
    random_search  spiral:   loss 1.0976-1.0982, accuracy 0.333-0.390
    tweak_and_keep vertical: loss 0.098-0.213,   accuracy 0.930-0.960
    tweak_and_keep spiral:   loss 1.039-1.076,   accuracy 0.403-0.453

Book (chapter 6): random search on vertical data ends near loss 1.0984, accuracy 0.333;
tweak-and-keep reaches accuracy ~0.93 on vertical data; on spiral data both stay above loss 1.0
with accuracy around 0.35-0.40 (our tweak-and-keep spiral runs land at the upper end of that,
0.40-0.45). Each bound below leaves a margin around the 10-seed range and still separates the
outcomes the chapter teaches: random search does not learn, tweak-and-keep learns the easy data
and not the spiral. ln 3 = 1.0986 is the loss of a network that outputs uniform probabilities,
where 0.01-scaled initial weights start.
"""

import math

import pytest

from explainer_core.chapters import random_search as nnfs_random_search

LN3 = math.log(3)


@pytest.fixture(scope="module")
def runs():
    return {
        (method, data): nnfs_random_search.chapter6(method, data, seed=0, record_every=2500)
        for method in ("random_search", "tweak_and_keep")
        for data in ("vertical", "spiral")
    }


def test_all_runs_spend_exactly_one_forward_pass_per_point_per_candidate(runs):
    for records in runs.values():
        assert [r["step"] for r in records] == [0, 2500, 5000, 7500, 10000]
        assert records[-1]["forward_passes"] == 300 * (1 + 10_000)
        assert records[0]["loss"] == pytest.approx(LN3, abs=2e-3)


def test_random_search_on_vertical_data_stays_near_chance(runs):
    last = runs["random_search", "vertical"][-1]
    assert 1.09 < last["loss"] < runs["random_search", "vertical"][0]["loss"]
    assert last["accuracy"] == pytest.approx(1 / 3, abs=0.03)


def test_tweak_and_keep_learns_vertical_data(runs):
    last = runs["tweak_and_keep", "vertical"][-1]
    assert last["accuracy"] >= 0.90
    assert last["loss"] < 0.35


@pytest.mark.parametrize("method", ["random_search", "tweak_and_keep"])
def test_spiral_data_defeats_both(runs, method):
    last = runs[method, "spiral"][-1]
    assert last["loss"] > 1.0
    assert 0.30 <= last["accuracy"] <= 0.50


def test_loss_never_increases_along_the_run(runs):
    for records in runs.values():
        losses = [r["loss"] for r in records]
        assert losses == sorted(losses, reverse=True)
