"""The JSON entry points the page calls, including every kind of bad input the page can send."""

import json

import numpy as np
import pytest

from explainer_core import demos
from explainer_core.chapters import landscape as toy
from tests.demos import _demo_client as demo_client


def call(name, **args):
    return demo_client.call("landscape", name, args)


def run(**args):
    return demo_client.run("landscape", "train", args)


def test_evaluate_matches_the_core():
    out = call("evaluate", a=1.25, b=-0.5, activation="sin", loss="mae")
    assert out["ok"]
    result = out["result"]
    value, gradient, _ = toy.neuron_task("sin", "mae").loss_and_grad(np.array([1.25, -0.5]), None)
    assert result["loss"] == value
    assert result["grad"] == gradient.tolist()
    setup = call("setup", activation="sin", loss="mae", grid=5)["result"]
    assert len(result["curve"]) == len(setup["curve_x"])
    assert result["curve"][10] == toy.predict([[1.25, -0.5]], [setup["curve_x"][10]], "sin")[0, 0]


def test_setup_grid_is_row_major_over_b_then_a():
    result = call("setup", activation="relu", loss="mse", grid=11)["result"]
    n = len(result["a"])
    i, j = 3, 8
    expected = toy.neuron_task("relu").population_loss(np.array([[result["a"][j], result["b"][i]]]))[0]
    assert result["loss"][i * n + j] == expected
    assert result["minimum"]["loss"] <= min(result["loss"])


@pytest.mark.parametrize("typed", ["-1", "0", "NaN", "1e9", "", "abc", "inf"])
def test_bad_learning_rate_names_the_control(typed):
    out = call("step", a=1, b=0, lr=typed)
    assert not out["ok"]
    assert out["error"]["arg"] == "learning rate"
    assert "learning rate" in out["error"]["message"]


def test_bad_step_size_and_neighbours_name_their_controls():
    out = call("step", a=1, b=0, method="local_search", step_size="abc")
    assert out["error"]["arg"] == "step size"
    out = call("step", a=1, b=0, method="local_search", neighbours="2.5")
    assert out["error"]["arg"] == "neighbours"


def test_unknown_names_list_the_allowed_ones():
    assert "allowed: tanh" in call("setup", activation="swish")["error"]["message"]
    out = json.loads(demos.call(json.dumps({"demo": "nope", "method": "setup", "args": {}})))
    assert out["error"]["arg"] == "demo"


def test_gradient_training_lowers_the_loss_and_accounts_passes():
    out, frames = run(a=-2, b=3, lr="0.5")
    assert out["ok"] and out["done"]
    assert frames[-1]["loss"] < 0.01 * frames[0]["loss"]
    last = frames[-1]
    assert last["forward_passes"] == 3 * last["step"] == last["backward_passes"]


def test_local_search_training_lowers_the_loss_and_accounts_passes():
    out, frames = run(a=-2, b=3, method="local_search", neighbours="6", step_size="0.5")
    assert frames[-1]["loss"] < 0.05 * frames[0]["loss"]
    assert frames[-1]["forward_passes"] == 6 * 3 * frames[-1]["step"]
    assert all(f2["loss"] <= f1["loss"] for f1, f2 in zip(frames, frames[1:]))


def test_divergence_stops_and_says_why():
    out, frames = run(a=3, b=3, lr="100", activation="relu")
    assert out["ok"] and out["done"]
    assert "learning rate" in frames[-1]["reason"] and "too high" in frames[-1]["reason"]
    assert len(frames) < 20


def test_binary_step_gradient_descent_refuses_to_move_and_explains():
    out, frames = run(a=1, b=1, activation="binary_step")
    assert len(frames) == 1 and "exactly zero" in frames[0]["reason"]
    step = call("step", a=1, b=1, activation="binary_step")["result"]
    assert step["a"] == 1 and step["b"] == 1 and "exactly zero" in step["message"]


def test_bad_training_argument_surfaces_on_first_advance():
    out, frames = run(a=0, b=0, lr="-1")
    assert not out["ok"] and out["error"]["arg"] == "learning rate" and frames == []


def test_local_search_step_is_repeatable_from_seed_and_counter():
    first = call("step", a=2, b=2, method="local_search", seed=3, counter=5)["result"]
    again = call("step", a=2, b=2, method="local_search", seed=3, counter=5)["result"]
    assert first == again


def test_non_finite_values_become_null_not_invalid_json():
    assert demos.jsonable({"x": np.array([1.0, np.nan, np.inf])}) == {"x": [1.0, None, None]}


def test_setup_sends_the_choices_and_fields_the_page_offers():
    result = call("setup", grid=5)["result"]
    values = {name: [v for v, _ in pairs] for name, pairs in result["choices"].items()}
    assert values["activation"][0] == "tanh" and "binary_step" in values["activation"]
    assert values["loss"] == ["mse", "mae"] and values["method"] == ["gradient", "local_search"]
    for activation in values["activation"]:  # every choice offered is one the demo accepts
        assert call("evaluate", a=1, b=0, activation=activation)["ok"]
    # a field's label is the name its errors give, so the page shows them beside the field
    assert result["fields"]["lr"]["label"] == call("step", a=1, b=0, lr="x")["error"]["arg"]
    bad_size = call("step", a=1, b=0, method="local_search", step_size="x")["error"]["arg"]
    assert result["fields"]["step_size"]["label"] == bad_size
    assert set(result["outcomes"].values()) == {"warning", "info"}


@pytest.mark.parametrize(
    "settings, outcome",
    [
        (dict(a=3, b=3, lr="100", activation="relu"), "diverging"),
        (dict(a=1, b=1, activation="binary_step"), "zero_gradient"),
        (dict(a=-2, b=3, lr="0.5", max_steps="5"), "step_limit"),
        (dict(a=1, b=1, activation="binary_step", method="local_search", step_size="0.01"),
         "stalled"),
    ],
)
def test_every_run_ends_with_an_outcome_the_page_knows(settings, outcome):
    out, frames = run(**settings)
    known = call("setup", grid=5)["result"]["outcomes"]
    assert frames[-1]["done"] and frames[-1]["outcome"] == outcome and outcome in known
    assert all("outcome" not in f for f in frames[:-1])
