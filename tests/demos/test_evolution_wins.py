"""The JSON entry points of the evolution-wins demo, including the bad input the page can send.

A race's numbers are the chapter's: checked against `chapters.evolution_wins.gradient_vs_evolution`
(the same seed, the same start, the same mutations), and a resumed race against a whole one.
"""

import json

import numpy as np
import pytest

from explainer_core import demos
from explainer_core.chapters import evolution_wins as chapter
from explainer_core.demos import evolution_wins as demo
from tests.demos import _demo_client as demo_client


def call(method, **args):
    return demo_client.call("evolution-wins", method, args)


def race(**args):
    return demo_client.run("evolution-wins", "race", args, max_frames=100_000)


def test_setup_gives_the_data_the_start_and_the_fields():
    out = call("setup", seed="3")
    assert out["ok"]
    result = out["result"]
    task, sizes = chapter.xor_task(200, 8, np.random.default_rng(3))
    x = np.array([result["points"]["x"], result["points"]["y"]]).T
    assert np.array_equal(np.array(result["points"]["label"]), (x[:, 0] * x[:, 1] > 0).astype(int))
    assert set(result["fields"]) == {"generations", "sigma", "population", "lr", "seed"}
    records = chapter.gradient_vs_evolution(seed=3, gd_steps=1, generations=1, record_every=1)
    for name in ("gd", "evolution"):
        assert result["start"]["methods"][name]["error"] == records[0]["loss"]
        assert result["start"]["methods"][name]["grad_norm"] == 0.0
        assert len(result["start"]["regions"][name]) == demo.GRID ** 2
    assert json.loads(json.dumps(result)) == result


def test_a_race_is_the_chapters_run():
    out, frames = race(seed="1", generations="300")
    assert out["ok"]
    assert [f["step"] for f in frames] == list(range(5, 301, 5))
    records = chapter.gradient_vs_evolution(seed=1, gd_steps=300, generations=300, record_every=5)
    evo = {r["step"]: r for r in records if r["method"] == "local_search"}
    gd = {r["step"]: r for r in records if r["method"] == "sgd"}
    for f in frames:
        assert f["methods"]["evolution"]["error"] == evo[f["step"]]["loss"]
        assert f["methods"]["gd"]["error"] == gd[f["step"]]["loss"] == gd[0]["loss"]
        assert f["methods"]["gd"]["grad_norm"] == 0.0 and f["methods"]["gd"]["moved"] == 0.0
    assert frames[-1]["methods"]["evolution"]["error"] < 0.5 * gd[0]["loss"]
    assert frames[-1]["reason"].startswith("Done: 300 generations. Gradient descent: error ")


def test_the_maps_are_the_networks_outputs():
    _, frames = race(generations="20", every=20)
    records = chapter.gradient_vs_evolution(seed=0, gd_steps=20, generations=20, record_every=20)
    _, sizes = chapter.xor_task(200, 8, np.random.default_rng(0))
    theta = np.array([r for r in records if r["method"] == "local_search"][-1]["theta"])
    g = (np.arange(demo.GRID) + 0.5) / demo.GRID * 2 - 1
    xs, ys = np.meshgrid(g, g[::-1])
    W1, b1 = theta[:16].reshape(2, 8), theta[16:24]
    W2, b2 = theta[24:32], theta[32]
    hidden = (np.stack([xs.ravel(), ys.ravel()], 1) @ W1 + b1 >= 0).astype(float)
    assert frames[-1]["regions"]["evolution"] == (hidden @ W2 + b2 >= 0).astype(int).tolist()


def test_a_step_and_a_resumed_race_go_on_where_they_stopped():
    _, whole = race(seed="4", generations="100")
    _, stepped = race(seed="4", generations="100", start=40, stop=50)
    assert all(set(f) == {"step", "generations", "catch_up", "done"}
               for f in stepped if f.get("catch_up"))
    stepped = [f for f in stepped if not f.get("catch_up")]
    assert [f["step"] for f in stepped] == [45, 50]
    assert stepped[-1]["reason"].startswith("Paused at generation 50.")
    by_step = {f["step"]: f for f in whole}
    assert stepped[-1]["methods"] == by_step[50]["methods"]
    _, again = race(seed="4", generations="100", start=100)
    assert again[0]["step"] == 5 and again[-1]["methods"] == whole[-1]["methods"]


def test_a_race_stops_between_frames():
    stream = demos.start(json.dumps({"demo": "evolution-wins", "method": "race",
                                     "args": {"generations": "5000"}}))
    chunk = json.loads(stream.advance(max_frames=3, budget_ms=10_000))
    assert [f["step"] for f in chunk["frames"]] == [5, 10, 15] and not chunk["done"]
    stream.close()


@pytest.mark.parametrize("field, label, typed, start", [
    ("sigma", "σ (mutation size)", "0", "σ (mutation size) must be a number above 0 and at most 10"),
    ("sigma", "σ (mutation size)", "11", "σ (mutation size) must be a number above 0 and at most 10"),
    ("sigma", "σ (mutation size)", "NaN", "σ (mutation size) must be a number above 0 and at most 10"),
    ("lr", "learning rate", "-1", "learning rate must be a number above 0 and at most 1000"),
    ("lr", "learning rate", "inf", "learning rate must be a number above 0 and at most 1000"),
    ("population", "children", "0", "children must be a whole number from 1 to 200"),
    ("population", "children", "2.5", "children must be a whole number from 1 to 200"),
    ("generations", "generations", "1e999", "generations must be a whole number from 1 to 5,000"),
    ("seed", "seed", "-1", "seed must be a whole number from 0 to 4,294,967,295"),
    ("seed", "seed", "", "seed is empty"),
])
def test_bad_input_names_its_field_and_range(field, label, typed, start):
    for method in ("setup", "race"):
        out = call("setup", **{field: typed}) if method == "setup" else race(**{field: typed})[0]
        assert not out["ok"]
        assert out["error"]["arg"] == label
        assert out["error"]["message"].startswith(start)
        assert "nan" not in out["error"]["message"].lower()
