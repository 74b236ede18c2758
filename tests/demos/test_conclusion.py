"""The JSON entry points of the verdict race, bad input included."""

import pytest

from explainer_core.chapters import conclusion as chapter
from explainer_core.demos import conclusion as demo
from tests.demos import _demo_client as demo_client


def call(method, **args):
    return demo_client.call("conclusion", method, args)


def test_setup_gives_the_choices_fields_and_the_start():
    out = call("setup", task="sphere", dimension="30")
    assert out["ok"]
    r = out["result"]
    assert [t for t, _ in r["choices"]["task"]] == list(chapter.TASKS)
    assert set(r["fields"]) == {"dimension", "budget", "lr", "sigma", "seed"}
    assert r["parameters"] == 30 and r["target"] == chapter.target("sphere")
    assert r["start"]["methods"]["adam"]["loss"] == pytest.approx(1.0)
    for spec in r["fields"].values():
        assert spec["min"] <= float(spec["default"]) <= spec["max"]


def test_a_race_gives_the_chapters_numbers():
    out, frames = demo_client.run("conclusion", "race", {"task": "fit", "budget": "12000",
                                                         "seed": "2"}, max_frames=100_000)
    assert out["ok"] and len(frames) == demo.POINTS + 1 and frames[-1]["done"]
    last = frames[-1]
    for method in chapter.METHODS:
        assert last["methods"][method]["loss"] == chapter.final(method, "fit", budget=12_000, seed=2)
    assert last["outcome"] in demo.OUTCOMES and last["reason"].startswith("Done: 12,000")
    assert all(not f["done"] for f in frames[:-1])


@pytest.mark.parametrize("field, value, message", [
    ("sigma", "20", "mutation scale must be a number above 0 and at most 10, got 20"),
    ("sigma", "0", "mutation scale must be a number above 0 and at most 10, got 0"),
    ("lr", "NaN", "learning rate must be a number above 0 and at most 10"),
    ("lr", "1e999", "learning rate must be a number above 0 and at most 10"),
    ("dimension", "2.5", "dimension must be a whole number from 1 to 10,000, got 2.5"),
    ("dimension", "20000", "dimension must be a whole number from 1 to 10,000, got 20000"),
    ("budget", "0", "budget must be a whole number from 1 to 300,000, got 0"),
    ("seed", "-1", "seed must be a whole number from 0 to 4,294,967,295, got -1"),
])
def test_bad_input_is_named_with_its_range(field, value, message):
    label = demo.FIELDS[field]["label"]
    for method in ("setup",):
        out = call(method, **{field: value})
        assert not out["ok"]
        assert out["error"]["arg"] == label and out["error"]["message"] == message
    out, frames = demo_client.run("conclusion", "race", {field: value})
    assert not out["ok"] and out["error"]["arg"] == label and frames == []


@pytest.mark.parametrize("value", ["", "abc", "<img src=x>", "1,5", "x" * 2000])
def test_text_that_is_not_a_number_is_refused_beside_its_field(value):
    out = call("setup", budget=value)
    assert not out["ok"] and out["error"]["arg"] == "budget"
    assert len(out["error"]["message"]) < 300


def test_an_unknown_task_is_refused():
    out = call("setup", task="ring")
    assert not out["ok"] and out["error"]["arg"] == "task"


def test_a_big_sphere_yields_light_frames_often_so_stop_is_read_soon():
    import itertools

    frames = demo.race(task="sphere", dimension="10000", budget="300000")
    first = list(itertools.islice(frames, 400))
    frames.close()
    full = [f for f in first if not f.get("tick")]
    ticks = 300_000 / demo.POINTS * 10_000 / demo.WORK_PER_FRAME  # frames per full frame
    assert len(full) == len(range(0, 400, int(ticks)))
    assert [f["index"] for f in full] == list(range(len(full)))
    # between two frames (of either kind), at most WORK_PER_FRAME numbers are worked through
    assert 300_000 / (demo.POINTS * ticks) * 10_000 <= demo.WORK_PER_FRAME
    # the small races have no light frames
    out, small = demo_client.run("conclusion", "race", {"task": "sphere"}, max_frames=100_000)
    assert not any(f.get("tick") for f in small) and len(small) == demo.POINTS + 1
