"""The verdict chapter's module: the race, its compute counting and its checks."""

import math

import numpy as np
import pytest

from explainer_core import optim, train
from explainer_core.chapters import conclusion as chapter


def test_race_frames_sit_on_the_compute_grid_and_never_overspend():
    for task in chapter.TASKS:
        frames = list(chapter.race_frames(task, budget=6_000, points=12))
        assert [f["index"] for f in frames] == list(range(13))
        assert frames[-1]["compute"] == 6_000
        for method in chapter.METHODS:
            steps = [f[method]["step"] for f in frames]
            assert steps == sorted(steps)
            assert frames[0][method]["step"] == 0
            for f in frames[1:]:
                assert f[method]["compute"] <= f["compute"]


def test_the_race_ends_where_a_run_to_the_budget_ends():
    for task in chapter.TASKS:
        last = list(chapter.race_frames(task, budget=9_000, points=7))[-1]
        for method in chapter.METHODS:
            assert last[method]["loss"] == chapter.final(method, task, budget=9_000)
            assert last[method]["step"] == chapter.final(method, task, "step", budget=9_000)


def test_race_records_are_tidy():
    rows = chapter.race("sphere", dimension=20, budget=3_000, points=5)
    assert len(rows) == 2 * 6
    assert {r["method"] for r in rows} == set(chapter.METHODS)
    assert all(set(r) == {"task", "method", "compute", "loss", "step", "spent"} for r in rows)


def test_adam_in_the_race_is_the_librarys_adam():
    t, theta, _ = chapter.problem("fit", seed=3)
    state = optim.adam(chapter.LR).init(theta)
    opt = optim.adam(chapter.LR)
    for _ in range(20):
        _, grad, _ = t.loss_and_grad(theta, None)
        theta, state = opt.step(theta, grad, state)
    loss = t.evaluate(theta)[0]
    assert chapter.final("adam", "fit", budget=20 * 96, seed=3) == pytest.approx(loss, rel=1e-12)


def test_the_seed_fixes_the_start_and_changes_it():
    a, b = chapter.problem("sphere", 7, seed=1)[1], chapter.problem("sphere", 7, seed=1)[1]
    assert np.array_equal(a, b) and np.linalg.norm(a) == pytest.approx(1.0)
    assert not np.array_equal(a, chapter.problem("sphere", 7, seed=2)[1])


@pytest.mark.parametrize("name, kwargs, words", [
    ("task", {"task": "ring"}, "task"),
    ("dimension", {"dimension": 0}, "[1, 10000]"),
    ("budget", {"budget": 10**9}, "budget"),
    ("lr", {"lr": 0}, "(0, 10]"),
    ("sigma", {"sigma": 11}, "(0, 10]"),
    ("population", {"population": 0}, "population"),
    ("seed", {"seed": -1}, "seed"),
])
def test_bad_settings_name_themselves_and_their_range(name, kwargs, words):
    with pytest.raises(ValueError) as error:
        chapter.check(**kwargs)
    assert error.value.arg == name and words in str(error.value)


def test_unreached_targets_are_errors_not_numbers():
    assert chapter.to_target("adam", "xor", budget=5_000) is None
    with pytest.raises(ValueError):
        chapter.compute_to_target("adam", "xor")
    with pytest.raises(ValueError):
        chapter.final("adam", quantity="accuracy")


def test_compute_is_the_librarys_unit():
    record = chapter.to_target("adam", "fit")
    assert record["compute"] == train.compute(record["forward_passes"], record["backward_passes"])
    assert record["backward_passes"] == record["forward_passes"]
    assert math.isfinite(chapter.start_loss("fit"))
