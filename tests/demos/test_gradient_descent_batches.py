"""The JSON entry points of the "gradient-descent-batches" demo, bad input included."""

import pytest

from explainer_core.chapters import gradient_descent as chapter
from tests.demos import _demo_client as demo_client


def call(name, **args):
    return demo_client.call("gradient-descent-batches", name, args)


def run(method, **args):
    return demo_client.run("gradient-descent-batches", method, args, max_frames=1000)


def test_setup_gives_fields_budgets_and_the_cost_of_a_step():
    out = call("setup")["result"]
    assert out["fields"]["batch_size"]["max"] == chapter.N_TRAIN
    assert [b for b, _ in out["choices"]["budget"]] == ["steps", "compute"]
    assert out["cost"] == {"batch_size": 1, "forward": 1, "backward": 1, "compute": 3,
                           "steps_per_epoch": 64, "full_compute": 192}


@pytest.mark.parametrize("b, per_epoch", [(1, 64), (5, 13), (64, 1)])
def test_cost_counts_passes_by_running_a_step(b, per_epoch):
    out = call("cost", batch_size=str(b))["result"]
    assert out["forward"] == out["backward"] == b and out["compute"] == 3 * b
    assert out["steps_per_epoch"] == per_epoch


def test_train_frames_are_the_chapter_run_with_the_full_batch_beside():
    out, frames = run("train", batch_size="8", seed="3")
    assert out["ok"] and frames[-1]["done"]
    records = {r["step"]: r for r in chapter.training_run(0.1, 8, chapter.BATCH_STEPS, 3)}
    for f in frames:
        assert f["loss"] == records[f["step"]]["loss"]
    full = {r["step"]: r for r in chapter.training_run(0.1, 64, chapter.BATCH_STEPS, 3)}
    assert all(f["loss"] == full[f["step"]]["loss"] for f in frames[0]["full"])
    assert frames[-1]["step"] == frames[0]["full"][-1]["step"] == chapter.BATCH_STEPS
    assert len(frames) <= 202


def test_equal_compute_spends_the_same_compute():
    _, frames = run("train", batch_size="4", budget="compute")
    assert frames[-1]["compute"] == frames[0]["full"][-1]["compute"] == chapter.equal_compute()
    assert frames[-1]["step"] == 16 * chapter.BATCH_STEPS


def test_a_diverging_run_is_explained_at_its_step():
    _, frames = run("train", lr="5", batch_size="2")
    last = frames[-1]
    assert last["outcome"] == "diverged" and last["loss"] is None
    assert f"Diverged at step {last['step']}" in last["message"]


@pytest.mark.parametrize("args, arg, words", [
    ({"batch_size": "0"}, "batch size", "from 1 to 64"),
    ({"batch_size": "65"}, "batch size", "from 1 to 64"),
    ({"batch_size": "1.5"}, "batch size", "whole number"),
    ({"lr": "-1"}, "learning rate", "above 0"),
    ({"lr": "abc"}, "learning rate", "number"),
    ({"seed": "-1"}, "seed", "seed"),
    ({"budget": "forever"}, "budget", "budget"),
])
def test_bad_settings_name_their_field(args, arg, words):
    for out in (call("check", **args), run("train", **args)[0]):
        assert not out["ok"]
        assert out["error"]["arg"] == arg
        assert words in out["error"]["message"]
