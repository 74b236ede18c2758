"""The chapter module of "Evolution": its helpers, checked against the library's readable code."""

import numpy as np
import pytest

from explainer_core import datasets, nets, search
from explainer_core.chapters import evolution as e


def test_curves_are_nets_forward_network_by_network():
    rng = np.random.default_rng(5)
    thetas = rng.standard_normal((7, e.parameter_count())) * 0.3
    X = datasets.regression_data(e.TARGET, e.SAMPLES)[0]
    batched = e.curves(thetas)
    assert batched.shape == (7, e.SAMPLES)
    for k in range(7):
        one = nets.forward(thetas[k], e.LAYER_SIZES, X, "tanh")
        one = one[0] if isinstance(one, tuple) else one
        assert np.allclose(batched[k], np.asarray(one)[:, 0], rtol=1e-12, atol=1e-14)
    assert np.allclose(e.curve_x(), np.linspace(-np.pi, np.pi, e.SAMPLES))


def test_method_of_builds_the_library_methods():
    assert e.method_of("local", 20, 0.05).name == "local_search"
    ga = e.method_of("genetic", 20, 0.05)
    assert ga.name == "genetic" and ga.settings["parents"] == 5 and ga.settings["crossover"]
    assert isinstance(ga, search.SearchMethod)
    with pytest.raises(ValueError, match="method"):
        e.method_of("cma")


def test_rounds_of_yields_every_round_with_its_children():
    rows = list(e.rounds_of(population=6, rounds=4))
    assert [r["round"] for r in rows] == [0, 1, 2, 3, 4]
    assert rows[0]["children"] is None and rows[0]["forward_passes"] == e.SAMPLES
    for r in rows[1:]:
        assert r["children"].shape == (6, e.parameter_count())
        assert r["child_losses"].shape == (6,)
        assert r["forward_passes"] == e.SAMPLES * (1 + 6 * r["round"])
        # the kept parent is the best child when a child improved
        if r["improved"]:
            assert r["loss"] == r["child_losses"].min()


def test_bad_settings_name_their_argument():
    with pytest.raises(ValueError, match="mutate"):
        e.evolve(mutate="some")
    with pytest.raises(ValueError, match="rounds"):
        list(e.rounds_of(rounds=0))
    with pytest.raises(ValueError, match="sigma"):
        e.evolve(sigma=-1, rounds=1)
