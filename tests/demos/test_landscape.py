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


# ---- race(): both methods in lockstep ------------------------------------------------------------


def race(**args):
    return demo_client.run("landscape", "race", args, max_frames=10_000)


def resumed(frame: dict, **args) -> dict:
    """The arguments that continue a run from one of its frames, as the page sends them."""
    return {**args, "gradient": frame["gradient"], "local_search": frame["local_search"],
            "counter": frame["counter"]}


def test_race_runs_both_methods_in_lockstep_from_one_start():
    out, frames = race(a=-1, b=1.5, max_steps="30")
    assert out["ok"] and len(frames) == 30 and frames[-1]["outcome"] == "step_limit"
    for k, f in enumerate(frames, start=1):
        assert f["step"] == k and f["counter"] == k
        assert f["gradient"]["steps"] == k and f["local_search"]["steps"] == k
    # each method is the library's own: a gradient step is theta - lr * grad ...
    task = toy.neuron_task()
    theta = np.array([-1.0, 1.5])
    for f in frames[:5]:
        theta = theta - 0.5 * task.loss_and_grad(theta, None)[1]
        assert [f["gradient"]["a"], f["gradient"]["b"]] == theta.tolist()
    # ... and a local-search round keeps its best neighbour, drawn from Generator([seed, counter])
    first = frames[0]["local_search"]
    children = np.array([-1.0, 1.5]) + 0.3 * np.random.default_rng([0, 0]).standard_normal((8, 2))
    assert first["tried"] == children.tolist()
    losses = task.population_loss(children)
    if losses.min() < task.population_loss(np.array([[-1.0, 1.5]]))[0]:
        assert [first["a"], first["b"]] == children[np.argmin(losses)].tolist()


def test_race_counts_3_forward_and_3_backward_per_gradient_step_and_3_per_neighbour():
    out, frames = race(a=2, b=-2, neighbours="5", max_steps="12")
    for f in frames:
        g, s = f["gradient"], f["local_search"]
        assert g["forward_passes"] == g["backward_passes"] == 3 * g["steps"]
        assert s["forward_passes"] == 5 * 3 * s["steps"] and s["backward_passes"] == 0


def test_two_halves_are_one_run():
    settings = dict(a=-2, b=3, activation="sin", lr="0.3", neighbours="6", step_size="0.4", seed=4)
    _, whole = race(**settings, max_steps="60")
    _, first = race(**settings, max_steps="25")
    _, second = race(**resumed(first[-1], **settings), max_steps="35")
    strip = lambda f: {k: f[k] for k in ("gradient", "local_search", "counter")}  # noqa: E731
    joined = first + second
    assert len(joined) == 60
    for one, other in zip(whole, joined):
        for name in ("gradient", "local_search"):
            for key in ("a", "b", "loss", "steps", "forward_passes", "backward_passes", "stalled"):
                assert one[name][key] == other[name][key]
        assert one["counter"] == other["counter"]
    assert strip(whole[-1])["counter"] == 60
    # single steps, as the Step button sends them, are the same run too
    frame = None
    for k in range(10):
        args = resumed(frame, **settings) if frame else dict(settings)
        _, (frame,) = race(**args, max_steps="1")
        assert frame["gradient"]["a"] == whole[k]["gradient"]["a"]
        assert frame["local_search"]["b"] == whole[k]["local_search"]["b"]


@pytest.mark.parametrize("settings, method, outcome", [
    (dict(a=-1, b=1.5, activation="relu", lr="50"), "gradient", "left_range"),
    (dict(a=-1, b=1.5, activation="binary_step"), "gradient", "zero_gradient"),
    (dict(a=-1, b=1.5, activation="binary_step", step_size="0.3"), "local_search", "stalled"),
    (dict(a=0.5, b=0.2, activation="sin", lr="0.5"), "gradient", "converged"),
    (dict(a=3, b=4, activation="sigmoid", step_size="3", seed=1), "local_search", "left_range"),
])
def test_each_method_ends_on_its_own_with_its_sentence(settings, method, outcome):
    _, frames = race(**settings, max_steps="3000")
    ended = [f for f in frames if f[method]["outcome"]]
    assert ended and ended[0][method]["outcome"] == outcome
    assert ended[0][method]["reason"]
    assert outcome in call("setup", grid=2)["result"]["outcomes"]
    # once ended, a method stays put while the other goes on
    here = (ended[0][method]["a"], ended[0][method]["b"], ended[0][method]["steps"])
    assert all((f[method]["a"], f[method]["b"], f[method]["steps"]) == here for f in ended)


def test_the_run_ends_when_both_have_ended():
    _, frames = race(a=-1, b=1.5, activation="binary_step", step_size="0.3", max_steps="3000")
    last = frames[-1]
    assert last["done"] and last["outcome"] == "ended" and len(frames) < 3000
    assert last["gradient"]["outcome"] and last["local_search"]["outcome"]
    # and pressing Play again says so at once
    _, again = race(**resumed(last, a=-1, b=1.5, activation="binary_step"))
    assert len(again) == 1 and again[0]["outcome"] == "ended" and "Reset" in again[0]["reason"]


def test_a_divergence_says_the_learning_rate_is_too_high_and_a_plain_exit_does_not():
    _, frames = race(a=-1, b=1.5, activation="relu", lr="50", max_steps="5")
    reason = frames[0]["gradient"]["reason"]
    assert "left the plotted range" in reason and "too high" in reason
    _, frames = race(a=-3, b=0.2, activation="sin", lr="3.2", max_steps="20")
    end = next(f for f in frames if f["gradient"]["outcome"])
    assert end["gradient"]["outcome"] == "left_range"
    assert "too high" not in end["gradient"]["reason"]  # the loss fell on its last step


def test_a_plateau_far_above_the_lowest_loss_is_named():
    # sigmoid from a start on its flat outskirts: gradient descent stops on a plateau
    _, frames = race(a=-4, b=4, activation="sigmoid", lr="0.5", max_steps="5000")
    g = frames[-1]["gradient"]
    lowest = call("setup", activation="sigmoid", grid=2)["result"]["minima"]["loss"]
    if g["outcome"] == "converged":
        assert g["loss"] > lowest + 1e-3 and "plateau" in g["reason"]
    else:
        assert g["outcome"] == "left_range"


def test_place_keeps_the_counters_unless_reset():
    _, frames = race(a=-1, b=1.5, max_steps="7")
    last = frames[-1]
    moved = call("place", a=2, b=2, gradient=last["gradient"],
                 local_search=last["local_search"])["result"]
    assert moved["gradient"]["steps"] == 7 and moved["gradient"]["forward_passes"] == 21
    assert moved["local_search"]["forward_passes"] == last["local_search"]["forward_passes"]
    assert (moved["gradient"]["a"], moved["gradient"]["b"]) == (2.0, 2.0)
    assert moved["gradient"]["outcome"] is None
    assert moved["gradient"]["loss"] == call("evaluate", a=2, b=2)["result"]["loss"]
    fresh = call("place", a=2, b=2)["result"]
    assert fresh["gradient"]["steps"] == fresh["local_search"]["forward_passes"] == 0


@pytest.mark.parametrize("field, typed", [
    ("lr", "abc"), ("lr", "0"), ("lr", "1e999"), ("neighbours", "2.5"), ("step_size", "-1"),
    ("step_size", "x" * 2000),
])
def test_bad_race_settings_name_their_field(field, typed):
    out, frames = race(a=0, b=0, **{field: typed})
    label = call("setup", grid=2)["result"]["fields"][field]["label"]
    assert not out["ok"] and out["error"]["arg"] == label and frames == []
    message = out["error"]["message"]
    assert label in message and len(message) < 120 and "inf" not in message.split()


# ---- the data points -----------------------------------------------------------------------------

POINTS = {"x1": "-2", "y1": "0.5", "x2": "0.5", "y2": "-0.25", "x3": "3", "y3": "1.2"}


def test_custom_points_change_the_landscape():
    result = call("setup", activation="tanh", grid=11, points=POINTS)["result"]
    x, y = [-2.0, 0.5, 3.0], [0.5, -0.25, 1.2]
    assert result["data"] == {"x": x, "y": y}
    n = len(result["a"])
    a, b = result["a"][4], result["b"][7]
    expected = float(np.mean((np.tanh(a * np.array(x) + b) - np.array(y)) ** 2))
    assert result["loss"][7 * n + 4] == pytest.approx(expected, rel=1e-14)
    assert result["loss"] != call("setup", activation="tanh", grid=11)["result"]["loss"]
    point = call("evaluate", a=0.7, b=-0.1, points=POINTS)["result"]
    assert point["loss"] == pytest.approx(
        float(np.mean((np.tanh(0.7 * np.array(x) - 0.1) - np.array(y)) ** 2)), rel=1e-14)


@pytest.mark.parametrize("name, typed, words", [
    ("x2", "abc", "finite number"), ("y3", "nan", "finite number"), ("x1", "9", "between -4 and 4"),
    ("y1", "-2", "between -1.6 and 1.6"), ("x3", "", "finite number"), ("y2", "1e999", "finite"),
])
def test_bad_points_are_named_by_their_field(name, typed, words):
    out = call("setup", points={**POINTS, name: typed})
    label = call("setup", grid=2)["result"]["fields"][name]["label"]
    assert not out["ok"] and out["error"]["arg"] == label
    assert label in out["error"]["message"] and words in out["error"]["message"]


# ---- the lowest points ---------------------------------------------------------------------------


def test_minima_for_each_activation():
    kinds = {act: call("setup", activation=act, grid=2)["result"]["minima"]
             for act in ("tanh", "sin", "relu", "sigmoid", "gaussian", "binary_step")}
    assert kinds["tanh"]["kind"] == "one"
    assert kinds["sin"]["kind"] == "several" and len(kinds["sin"]["points"]) > 1
    assert kinds["sigmoid"]["kind"] == "outside" and all(kinds["sigmoid"]["edge"])
    assert "outside the plotted range" in kinds["sigmoid"]["text"]
    for act in ("relu", "binary_step"):
        assert kinds[act]["kind"] == "flat" and "flat" in kinds[act]["text"]
    # the lowest points are no higher than any grid point
    for act, found in kinds.items():
        grid = toy.loss_grid(act, "mse", 101)
        assert found["loss"] <= grid.loss.min() + 1e-15, act


def test_singular_and_plural():
    from explainer_core.demos.landscape import plural
    assert plural(1, "step") == "1 step" and plural(2, "step") == "2 steps"
    _, (frame,) = race(a=-1, b=1.5, max_steps="1")
    assert frame["reason"] == "Paused after 1 step: press Play or Step to go on."
