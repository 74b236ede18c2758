"""The JSON entry points of the random-search demo, including the bad input the page can send.

The demo's numbers are the chapter's: a race's frames are checked against
`chapters.random_search.trajectory` (the same runs, recorded every 100 iterations), and a resumed
race against an uninterrupted one.
"""

import json

import numpy as np
import pytest

from explainer_core import demos
from explainer_core.chapters import random_search as chapter
from explainer_core.demos import random_search as demo
from tests.demos import _demo_client as demo_client


def call(method, **args):
    return demo_client.call("random-search", method, args)


def race(**args):
    out, frames = demo_client.run("random-search", "race", args, max_frames=100_000)
    return out, frames


def test_setup_gives_the_data_the_start_and_the_pages_choices():
    out = call("setup", data="spiral", seed="4")
    assert out["ok"]
    result = out["result"]
    p = chapter.problem("spiral", 4)
    assert result["points"]["x"] == p.X[:, 0].tolist() and result["points"]["label"] == p.y.tolist()
    assert set(result["fields"]) == {"iterations", "noise", "seed"}
    assert [value for value, _ in result["choices"]["data"]] == list(chapter.DATA)
    assert result["view"] == {"x": list(chapter.VIEWS["spiral"][0]), "y": list(chapter.VIEWS["spiral"][1])}
    for name in ("random_search", "tweak_and_keep"):
        state = result["start"]["methods"][name]
        assert state["loss"] == chapter.start_loss("spiral", 4)
        assert state["accuracy"] == chapter.start_accuracy("spiral", 4)
        assert len(result["start"]["regions"][name]) == result["grid"] ** 2
    assert json.loads(json.dumps(result)) == result  # plain JSON


def test_a_race_is_the_chapters_two_runs():
    out, frames = race(seed="2", iterations="3000")
    assert out["ok"]
    assert [f["step"] for f in frames] == list(range(100, 3001, 100))
    for name in ("random_search", "tweak_and_keep"):
        run = chapter.trajectory(name, "vertical", iterations=3000, seed=2)
        assert [f["methods"][name]["loss"] for f in frames] == run.loss[1:].tolist()
        assert [f["methods"][name]["accuracy"] for f in frames] == run.accuracy[1:].tolist()
        kept = [f["methods"][name]["kept"] for f in frames]
        assert kept == [int(np.sum(run.kept_steps <= f["step"])) for f in frames]
        last = frames[-1]["methods"][name]
        assert last["recent"] == int(np.sum(run.kept_steps > 2500))
        assert last["recent_span"] == chapter.WINDOW
        assert last["last_kept"] == (int(run.kept_steps[-1]) if run.kept_steps.size else None)
    end = frames[-1]
    assert end["done"] and end["outcome"] == "done"
    assert end["reason"].startswith("Done: 3,000 iterations. Random search: loss ")


def test_the_maps_are_the_networks_most_probable_class_and_how_sure_it_is():
    out, frames = race(iterations="200", every=200)
    theta, _ = chapter.end_point("tweak_and_keep", "vertical", 0, iterations=200)
    labels, probability = chapter.decision_regions(theta, "vertical", demo.GRID)
    cells = np.array(frames[-1]["regions"]["tweak_and_keep"])
    assert np.array_equal(cells // demo.LEVELS, labels)
    sure = np.sqrt((probability - 1 / 3) / (2 / 3))
    assert np.array_equal(cells % demo.LEVELS, np.minimum(demo.LEVELS - 1, np.floor(sure * demo.LEVELS)))


def test_maps_come_at_most_every_regions_ms_and_always_first_and_last():
    _, every = race(iterations="1000", regions_ms=0)
    assert all("regions" in f for f in every)
    _, rare = race(iterations="1000", regions_ms=60_000)
    assert ["regions" in f for f in rare] == [True] + [False] * 8 + [True]


def test_a_resumed_race_goes_on_exactly_where_it_stopped():
    _, whole = race(seed="5", iterations="2000")
    _, resumed = race(seed="5", iterations="2000", start=1200)
    shown = [f for f in resumed if not f.get("catch_up")]
    assert [f["step"] for f in shown] == list(range(1300, 2001, 100))
    assert all(set(f) == {"step", "iterations", "catch_up", "done"}
               for f in resumed if f.get("catch_up"))
    by_step = {f["step"]: f for f in whole}
    for f in shown:
        assert f["methods"] == by_step[f["step"]]["methods"]
    assert "regions" in shown[0]
    # a finished run played again starts from the beginning
    _, again = race(seed="5", iterations="2000", start=2000)
    assert again[0]["step"] == 100 and again[-1]["methods"] == whole[-1]["methods"]


def test_a_race_stops_between_frames():
    stream = demos.start(json.dumps({"demo": "random-search", "method": "race",
                                     "args": {"iterations": "100000"}}))
    chunk = json.loads(stream.advance(max_frames=3, budget_ms=10_000))
    assert [f["step"] for f in chunk["frames"]] == [100, 200, 300] and not chunk["done"]
    stream.close()  # what the worker does on Stop: the generator ends, nothing else runs


def test_nothing_kept_is_said_in_words():
    _, frames = race(noise="100", iterations="500")
    last = frames[-1]
    assert last["outcome"] == "nothing_kept" and demo.OUTCOMES["nothing_kept"] == "warning"
    assert "kept no candidate at all" in last["reason"] and "noise scale of 100" in last["reason"]


@pytest.mark.parametrize("typed", ["0", "-5", "2.5", "1e9", "100001", "abc", "NaN", "inf", "1e999"])
def test_bad_iterations_name_their_field(typed):
    for method in ("setup", "race"):
        out = race(iterations=typed)[0] if method == "race" else call("setup", iterations=typed)
        assert not out["ok"]
        assert out["error"]["arg"] == "iterations"
        message = out["error"]["message"]
        assert message.startswith("iterations must be a whole number from 1 to 100,000")
        assert "nan" not in message.lower() and "inf" not in message


@pytest.mark.parametrize("typed", ["0", "-0.05", "NaN", "inf", "-1e999", "101", "abc", "1,5"])
def test_bad_noise_scales_name_their_field(typed):
    out = call("setup", noise=typed)
    assert not out["ok"] and out["error"]["arg"] == "noise scale"
    assert out["error"]["message"].startswith("noise scale must be a number above 0 and at most 100")
    assert "nan" not in out["error"]["message"].lower()


@pytest.mark.parametrize("typed, message", [
    ("-1", "seed must be a whole number from 0 to 4,294,967,295, got -1"),
    ("0.5", "seed must be a whole number from 0 to 4,294,967,295, got 0.5"),
    ("x" * 2000, "seed must be a whole number from 0 to 4,294,967,295"),
    ("", "seed is empty: type a number"),
])
def test_bad_seeds_name_their_field(typed, message):
    out = call("setup", seed=typed)
    assert not out["ok"] and out["error"]["arg"] == "seed"
    assert out["error"]["message"] == message


def test_unknown_data_lists_the_choices():
    out = call("setup", data="moons")
    assert out["error"]["arg"] == "data" and "allowed: vertical, spiral" in out["error"]["message"]


def test_typed_values_are_read_as_a_reader_types_them():
    out = call("setup", seed="  3 ", noise="3", iterations="2e3")
    assert out["ok"]
    assert (out["result"]["seed"], out["result"]["noise"], out["result"]["iterations"]) == (3, 3.0, 2000)
