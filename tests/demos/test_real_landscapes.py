"""The race demo: the live stream draws the same rows as the build's chart, and bad input is named."""

import math

import pytest

from explainer_core.chapters import real_landscapes
from tests.demos import _demo_client as demo_client


def call(name, **args):
    return demo_client.call("real-landscapes", name, args)


def run(**args):
    return demo_client.run("real-landscapes", "run", args, max_frames=500)


def by_method_and_step(rows):
    return sorted(rows, key=lambda row: (row["method"], row["step"]))


@pytest.mark.parametrize("task, steps", [("sine", "40"), ("himmelblau", "60")])
def test_live_rows_are_the_charts_rows(task, steps):
    out, frames = run(task=task, steps=steps)
    assert out["ok"]
    rows = [frame["row"] for frame in frames if "row" in frame]
    static = real_landscapes.optimizer_race(task, int(steps))["runs"]
    assert by_method_and_step(rows) == by_method_and_step(static)


def test_methods_advance_together_on_compute():
    _, frames = run(task="sine", steps="60")
    rows = [frame["row"] for frame in frames if "row" in frame]
    budget = call("setup", task="sine", steps="60")["result"]["budget"]
    assert budget == 3 * 60 * 64  # a gradient step on 64 points: 64 forward + 64 backward (x2)
    # the next record always comes from the method furthest behind, so when any method has
    # passed half the budget, every other one has at least reached its last record before half
    seen: dict[str, int] = {}
    for row in rows:
        if row["compute"] > budget / 2:
            behind = [m for m, c in seen.items() if c < budget / 2 - budget / 10]
            assert not behind, behind
        seen[row["method"]] = row["compute"]
    assert max(row["compute"] for row in rows) <= budget


def test_summary_ranks_the_final_losses_it_streamed():
    _, frames = run(task="sine", steps="30")
    summary, message = frames[-1]["summary"], frames[-1]["message"]
    finals = {}
    for frame in frames:
        if "row" in frame:
            finals[frame["row"]["method"]] = frame["row"]["loss"]
    assert [s["loss"] for s in summary] == sorted(finals.values())
    assert {s["method"] for s in summary} == set(finals)
    assert message.startswith("Lowest loss for the compute: " + summary[0]["method"])


def test_too_large_learning_rates_diverge_and_say_so():
    out, frames = run(task="rosenbrock", steps="200", lr_scale="30")
    assert out["ok"]
    diverged = [frame for frame in frames if "diverged" in frame]
    assert {frame["diverged"]["method"] for frame in diverged} >= {"gradient descent"}
    for frame in diverged:
        assert "diverged at step" in frame["message"] and "lower the learning-rate scale" in frame["message"]
    # no non-finite number reaches the chart
    assert all(math.isfinite(frame["row"]["loss"]) for frame in frames if "row" in frame)
    summary = frames[-1]["summary"]
    assert [s["diverged"] for s in summary] == sorted(s["diverged"] for s in summary)
    assert "Diverged: gradient descent" in frames[-1]["message"]


@pytest.mark.parametrize(
    "args, arg",
    [
        ({"task": "moon"}, "task"),
        ({"steps": "ten"}, "steps"),
        ({"steps": "0"}, "steps"),
        ({"steps": "1e9"}, "steps"),
        ({"steps": "2.5"}, "steps"),
        ({"lr_scale": "-1"}, "learning-rate scale"),
        ({"lr_scale": "nan"}, "learning-rate scale"),
        ({"lr_scale": ""}, "learning-rate scale"),
        ({"seed": "-3"}, "seed"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_bad_input_names_the_control(args, arg):
    out = call("setup", **args)
    assert not out["ok"]
    assert out["error"]["arg"] == arg
    assert arg in out["error"]["message"]
    streamed, frames = run(**args)
    assert not streamed["ok"] and frames == []
    assert streamed["error"]["arg"] == arg


def test_setup_reports_the_settings_it_will_run():
    result = call("setup", task="beale", steps="", lr_scale="0.5", seed="3")["result"]
    assert result["task"] == "beale" and result["lr_scale"] == 0.5 and result["seed"] == 3
    assert result["steps"] == real_landscapes.SURFACE_SETTINGS["beale"]["steps"]
    assert result["methods"][-1] == "local search (evolution)"
    assert result["budget"] == 3 * result["steps"]  # forward + 2 x backward (train.compute)


@pytest.mark.parametrize("task", real_landscapes.RACE_TASKS)
def test_every_method_has_a_fixed_chart_colour(task):
    """The chart pins each label to a colour (RACE_METHODS), so a task with fewer methods
    does not repaint the others."""
    methods = call("setup", task=task, steps="5")["result"]["methods"]
    assert set(methods) <= set(real_landscapes.RACE_METHODS)


def test_live_divergence_markers_and_axis_label_are_the_charts():
    settings = {"task": "rosenbrock", "steps": "", "lr_scale": "30"}
    out, frames = run(**settings)
    assert out["ok"]
    markers = [frame["marker"] for frame in frames if frame.get("marker")]
    static = real_landscapes.optimizer_race("rosenbrock", lr_scale=30.0)
    assert by_method_and_step(markers) == by_method_and_step(static["diverged"])
    answer = call("setup", **settings)
    assert answer["result"]["loss_label"] == static["task"][0]["loss_label"]
    # the steps hint gives this task's default, as a number
    default = real_landscapes.race_steps("rosenbrock")
    assert f"empty: {default:,}" in answer["result"]["fields"]["steps"]["hint"]
