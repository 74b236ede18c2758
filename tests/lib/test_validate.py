"""One rule for seeds and one check for random generators, used by every entry point."""

import math

import numpy as np
import pytest

from explainer_core import landscape, nets, search, train, validate


@pytest.mark.parametrize("good", [0, 7, "12", 3.0, validate.MAX_SEED, np.int64(5)])
def test_a_seed_is_a_whole_number_in_range(good):
    assert validate.seed(good) == int(float(good))


@pytest.mark.parametrize("bad", [-1, validate.MAX_SEED + 1, 2.5, "abc", "", None, True, math.nan])
def test_a_bad_seed_names_the_seed(bad):
    with pytest.raises((ValueError, TypeError)) as error:
        validate.seed(bad)
    assert error.value.arg == "seed"


def test_the_same_seed_gives_the_same_stream():
    a, b = validate.rng_from_seed(3), np.random.default_rng(3)
    assert np.array_equal(a.standard_normal(5), b.standard_normal(5))


@pytest.mark.parametrize(
    "call",
    [
        lambda rng: landscape.random_direction(3, rng),
        lambda rng: search.run(search.tweak_and_keep(0.1), lambda p: (p**2).sum(1), np.ones(2),
                               rng, generations=1),
        lambda rng: list(train.run(train.function_task("f", lambda p: (p**2).sum(1),
                                                       lambda t: 2 * t, 2),
                                   search.tweak_and_keep(0.1), np.ones(2), steps=1, rng=rng)),
        lambda rng: validate.generator(rng),
    ],
)
@pytest.mark.parametrize("bad", [0, None, "rng", np.random.RandomState(0)])
def test_every_entry_point_asks_for_a_generator_the_same_way(call, bad):
    with pytest.raises(TypeError, match=r"numpy.random.Generator \(numpy.random.default_rng") as e:
        call(bad)
    assert e.value.arg == "rng"


def test_a_random_state_is_accepted_only_where_the_nnfs_book_is_replayed():
    assert nets.init_params((2, 3), np.random.RandomState(0), "nnfs").shape == (9,)
    with pytest.raises(TypeError, match="RandomState"):
        nets.init_params((2, 3), 0, "nnfs")


def test_flags_and_inverse_temperatures():
    assert validate.flag("elitist", np.bool_(True)) is True
    with pytest.raises(TypeError, match="elitist must be True or False"):
        validate.flag("elitist", 1)
    assert validate.beta("inf") == math.inf and validate.beta(2) == 2.0
    with pytest.raises(ValueError, match=r"beta must be in \[0, inf\)"):
        validate.beta(-1)


def test_messages_quote_a_long_or_huge_value_briefly():
    with pytest.raises(ValueError) as long_text:
        validate.real_number("learning rate", "x" * 2000)
    assert len(str(long_text.value)) < 80 and "xxx" in str(long_text.value)
    with pytest.raises(ValueError) as huge:
        validate.integer_in_range("seed", "1e308", 0, validate.MAX_SEED)
    assert "1e+308" in str(huge.value) and len(str(huge.value)) < 80
    with pytest.raises(ValueError) as unknown:
        validate.choice("task", "y" * 500, ["sine"])
    assert len(str(unknown.value)) < 80
