"""The chapter module of "The image race": targets, the memory budget, the racers' mechanics."""

import math

import numpy as np
import pytest

from explainer_core import images, losses, nets, validate
from explainer_core.chapters import images as chapter

SMALL = chapter.Settings(size=16, width=8, depth=1, budget=60)


def test_a_shipped_target_is_the_library_picture():
    np.testing.assert_array_equal(chapter.target("photo", 16), images.photo(16))
    np.testing.assert_array_equal(chapter.target("smiley", 32), images.smiley(32))


def test_a_readers_target_is_checked():
    grey = np.linspace(0, 1, 256)
    np.testing.assert_array_equal(chapter.target(grey, 16), grey.reshape(16, 16))
    with pytest.raises(validate.ArgumentValueError, match="256"):
        chapter.target(grey[:10], 16)
    with pytest.raises(ValueError):
        chapter.target(grey * 2, 16)
    with pytest.raises(ValueError):
        chapter.target([math.nan] * 256, 16)


@pytest.mark.parametrize("args, arg, words", [
    ((32, 256, 6, 20), "width", "20,000 parameters"),
    ((32, 100, 2, 500), "children", "2,000,000"),
    ((64, 600, 1, 1), "width", "per layer"),
])
def test_a_race_too_large_for_the_memory_budget_is_refused_with_the_budget(args, arg, words):
    with pytest.raises(validate.ArgumentValueError, match=words) as info:
        chapter.check_memory(*args)
    assert info.value.arg == arg
    chapter.check_memory(64, 32, 2, 20)  # the page's network at 64 x 64 fits


def test_the_three_methods_start_from_the_same_network():
    rs = chapter.racers("smiley", SMALL)
    starts = [r.theta for r in rs.values()]
    assert all(np.array_equal(starts[0], t) for t in starts)
    assert len({r.loss() for r in rs.values()}) == 1


def test_population_loss_is_the_librarys_mse():
    p = chapter.problem("photo", SMALL)
    thetas = p.theta + 0.1 * np.random.default_rng(0).standard_normal((4, p.theta.size))
    mine = chapter.population_loss(p, thetas)
    for k in range(4):
        out = nets.forward(thetas[k], p.sizes, p.X, "tanh")
        assert mine[k] == pytest.approx(float(losses.mse(out, p.y)), rel=1e-12)


def test_sgd_steps_against_the_finite_difference_gradient_of_its_batch():
    s = SMALL._replace(batch=16, sgd_lr=0.1)
    r = chapter.racers("smiley", s)["sgd"]
    p = r.p
    rng = np.random.default_rng([0, 2])  # the racer's own stream: its first batch
    rows = rng.permutation(p.X.shape[0])[:16]

    def f(theta):
        return float(losses.mse(nets.forward(theta, p.sizes, p.X[rows], "tanh"), p.y[rows]))

    h = 1e-6
    grad = np.array([(f(p.theta + h * e) - f(p.theta - h * e)) / (2 * h)
                     for e in np.eye(p.theta.size)])
    r.one_step()
    np.testing.assert_allclose(r.theta, p.theta - 0.1 * grad, atol=1e-8)
    assert r.compute == pytest.approx(3 * 16 / 256)


def test_evolution_never_gets_worse_and_a_racer_never_overspends():
    rs = chapter.racers("smiley", SMALL)
    e = rs["evolution"]
    last = e.loss()
    for limit in (7, 20, 41, 60):
        for r in rs.values():
            r.advance(limit)
            assert r.compute <= limit + 1e-9 and r.compute + r.cost > limit - 1e-9
        assert e.loss() <= last
        last = e.loss()


def test_the_race_records_are_those_of_racers_advanced_alone():
    records = list(chapter.race("photo", SMALL, every=20))
    assert [r["compute"] for r in records] == [0, 20, 40, 60]
    for m, r in chapter.racers("photo", SMALL).items():
        r.advance(60)
        assert records[-1]["methods"][m]["loss"] == r.loss()
        assert records[-1]["methods"][m]["step"] == r.step


def test_divergence_is_found_at_its_step_and_the_racer_stops():
    s = SMALL._replace(sgd_lr=1e4)
    r = chapter.racers("smiley", s)["sgd"]
    r.advance(60)
    assert r.diverged is not None and r.step == r.diverged
    assert r.loss() == math.inf
    r.advance(120)
    assert r.step == r.diverged


def test_a_picture_of_the_network_is_clipped_grey_levels():
    p = chapter.problem("smiley", SMALL)
    picture = chapter.picture_of(p, p.theta)
    assert picture.shape == (16, 16) and picture.min() >= 0 and picture.max() <= 1
