"""The JSON entry points of the "gradient-descent" demo, bad input included."""


import pytest

from explainer_core.chapters import gradient_descent as chapter
from tests.demos import _demo_client as demo_client


def call(name, **args):
    return demo_client.call("gradient-descent", name, args)


def run(**args):
    return demo_client.run("gradient-descent", "train", args, max_frames=1000)


def test_setup_lists_the_fields():
    out = call("setup")
    assert out["ok"]
    fields = out["result"]["fields"]
    assert fields["batch_size"]["max"] == chapter.N_TRAIN
    assert set(out["result"]["table_fields"]) == set(chapter.PARAM_NAMES) | {"x1", "x2", "y"}


def test_table_matches_finite_differences_and_backprop():
    out = call("table", w11="1.5", v2="-2", x1="0.3", y="-1")
    assert out["ok"], out
    result = out["result"]
    theta = list(chapter.TABLE_THETA)
    theta[0], theta[7] = 1.5, -2.0
    numerical = chapter.table_numerical_gradient(theta, 0.3, chapter.TABLE_EXAMPLE[1], -1.0)
    for k, row in enumerate(result["rows"]):
        assert row["numerical"] == numerical[k]
        assert row["product"] == pytest.approx(numerical[k], abs=1e-8)
        assert row["product"] == pytest.approx(row["library"], rel=1e-12, abs=1e-15)
    assert result["largest_gap"] < 1e-8


@pytest.mark.parametrize("args, arg", [
    ({"w11": "abc"}, "w₁₁"), ({"x2": "11"}, "x₂"), ({"y": ""}, "y"), ({"c": "nan"}, "c"),
])
def test_table_bad_input_names_its_field(args, arg):
    out = call("table", **args)
    assert not out["ok"]
    assert out["error"]["arg"] == arg


def test_train_frames_are_the_chapter_run():
    out, frames = run(lr="0.1", batch_size="16", steps="20", seed="2")
    assert out["ok"] and out["done"]
    records = list(chapter.training_run(0.1, 16, 20, 2))
    assert [f["loss"] for f in frames] == [r["loss"] for r in records]
    assert [f["test_loss"] for f in frames] == [r["test_loss"] for r in records]
    last = frames[-1]
    assert last["done"] and last["outcome"] == "step_limit" and "training loss" in last["message"]


def test_divergence_is_explained_at_its_step():
    out, frames = run(lr="0.3", steps="400")
    last = frames[-1]
    assert last["outcome"] == "diverged"
    assert last["step"] == chapter.lr_outcome(0.3, "diverged_at")
    assert f"Diverged at step {last['step']}" in last["message"]
    assert last["loss"] is None  # JSON has no infinity: the page draws no point there
    notes = [f for f in frames if "note" in f]
    assert len(notes) == 1 and notes[0]["loss"] > 10 * frames[0]["loss"]
    assert all(f["loss"] <= 10 * frames[0]["loss"] for f in frames[:frames.index(notes[0])])


@pytest.mark.parametrize("args, arg, words", [
    ({"lr": "-0.1"}, "learning rate", "above 0"),
    ({"lr": "0"}, "learning rate", "above 0"),
    ({"lr": "1e9"}, "learning rate", "at most"),
    ({"lr": "fast"}, "learning rate", "number"),
    ({"batch_size": "0"}, "batch size", "from 1 to 64"),
    ({"batch_size": "65"}, "batch size", "from 1 to 64"),
    ({"batch_size": "2.5"}, "batch size", "whole number"),
    ({"steps": "0"}, "steps", "steps"),
    ({"steps": "1e7"}, "steps", "steps"),
    ({"seed": "-1"}, "seed", "seed"),
])
def test_bad_settings_name_their_field(args, arg, words):
    for method in ("check", "train"):
        out = call(method, **args) if method == "check" else run(**args)[0]
        assert not out["ok"]
        assert out["error"]["arg"] == arg
        assert words in out["error"]["message"]
