import json

import pytest

from explainer_core import demos
from explainer_core.chapters import evolution as chapter


def _call(method, **args):
    return json.loads(demos.call(json.dumps({"demo": "evolution", "method": method, "args": args})))


def test_evolve_gives_the_chapter_numbers():
    answer = _call("evolve", population="20", mutation_rate="0.05", rounds="300")
    assert answer["ok"]
    expected = chapter.evolve(population=20, sigma=0.05, rounds=300)
    assert answer["result"]["final_loss"] == pytest.approx(expected["final_loss"], rel=1e-12)
    assert answer["result"]["forward_passes"] == expected["forward_passes"]


@pytest.mark.parametrize("field,value,label", [
    ("population", "0", "population"), ("mutation_rate", "-0.1", "mutation rate"),
    ("decay", "1.5", "decay"), ("decay", "0", "decay"), ("fraction", "0", "fraction"),
    ("fraction", "1.2", "fraction"), ("rounds", "abc", "rounds"),
])
def test_out_of_range_settings_name_their_field(field, value, label):
    answer = _call("evolve", **{field: value, "rounds": "5"} if field != "rounds" else {field: value})
    assert not answer["ok"]
    assert answer["error"]["arg"] == label
    assert label in answer["error"]["message"]


# ---- the live run --------------------------------------------------------------------------------

from explainer_core.demos import evolution as demo  # noqa: E402
from tests.demos import _demo_client as client  # noqa: E402


def _frames(**args):
    out, frames = client.run("evolution", "run", args, max_frames=100_000)
    assert out["ok"], out
    return [f for f in frames if not f.get("catch_up")]


def test_setup_offers_the_fields_choices_and_the_start():
    answer = _call("setup")
    assert answer["ok"]
    r = answer["result"]
    assert set(r["fields"]) == set(demo.FIELDS)
    assert [v for v, _ in r["choices"]["method"]] == list(chapter.METHOD_NAMES)
    assert [v for v, _ in r["choices"]["mutate"]] == list(chapter.MUTATIONS)
    assert r["parameters"] == 1153
    assert r["start"]["loss"] == pytest.approx(chapter.start_loss(), rel=1e-12)
    assert len(r["start"]["parent"]) == len(r["x"]) == chapter.SAMPLES


@pytest.mark.parametrize("method,mutate", [("local", "many"), ("local", "one"), ("genetic", "many")])
def test_run_frames_are_the_chapters_run(method, mutate):
    frames = _frames(rounds="40", method=method, mutate=mutate)
    assert [f["round"] for f in frames] == list(range(1, 41))
    expected = chapter.evolve(rounds=40, method=method, mutate=mutate)
    last = frames[-1]
    assert last["done"] and last["outcome"] == "done"
    assert last["loss"] == pytest.approx(expected["final_loss"], rel=1e-12)
    assert last["forward_passes"] == expected["forward_passes"]
    assert last["stuck"] == expected["stuck_rounds"]
    assert len(last["parent"]) == chapter.SAMPLES and len(last["children"]) == chapter.SHOWN_CHILDREN
    assert last["reason"].startswith("Done: 40 rounds of 20 children")
    losses = [f["loss"] for f in frames]
    assert all(b <= a for a, b in zip(losses, losses[1:]))  # selection never accepts worse


def test_a_resumed_run_and_a_step_are_the_same_run():
    whole = _frames(rounds="30")
    resumed = _frames(rounds="30", start=12)
    assert [f["round"] for f in resumed] == list(range(13, 31))
    assert resumed[-1]["loss"] == whole[-1]["loss"]
    [step] = _frames(rounds="30", start=5, until=6)
    assert step["round"] == 6 and step["loss"] == whole[5]["loss"] and "parent" in step
    assert not step["done"]


def test_decay_shrinks_the_rate_and_reset_restores_it():
    frames = _frames(rounds="60", decay="0.9", reset_after="3", mutation_rate="0.5")
    sigmas = [f["sigma"] for f in frames]
    assert sigmas[0] == pytest.approx(0.5)
    assert sigmas[1] == pytest.approx(0.5 * 0.9)
    assert any(b == pytest.approx(0.5) and a < 0.5 for a, b in zip(sigmas, sigmas[1:]))  # a reset


def test_a_huge_rate_that_never_helps_says_so():
    frames = _frames(rounds="5", mutation_rate="10", population="2")
    last = frames[-1]
    if last["loss"] < chapter.start_loss():
        pytest.skip("a lucky child at rate 10")
    assert last["outcome"] == "stalled" and "smaller rate" in last["reason"]


@pytest.mark.parametrize("field,value,label", [
    ("population", "1001", "population"), ("population", "2.5", "population"),
    ("mutation_rate", "0", "mutation rate"), ("mutation_rate", "NaN", "mutation rate"),
    ("mutation_rate", "11", "mutation rate"), ("decay", "inf", "decay"),
    ("reset_after", "-1", "reset after"), ("rounds", "0", "rounds"), ("rounds", "1e999", "rounds"),
    ("seed", "-1", "seed"), ("fraction", "", "fraction"),
])
def test_every_bad_setting_names_its_field_in_setup_and_run(field, value, label):
    answer = _call("setup", **{field: value})
    assert not answer["ok"] and answer["error"]["arg"] == label
    assert label in answer["error"]["message"]
    assert "nan" not in answer["error"]["message"].lower().replace("a number", "")
    out, _ = client.run("evolution", "run", {field: value})
    assert not out["ok"] and out["error"]["arg"] == label


def test_a_bad_choice_is_refused():
    answer = client.call("evolution", "setup", {"method": "cma"})
    assert not answer["ok"] and answer["error"]["arg"] == "method"


def test_children_with_a_non_finite_loss_are_explained_at_their_round(monkeypatch):
    # No setting in range overflows this network (tanh keeps the hidden layers bounded), so the
    # overflow is made by hand: the loss of every child of round 3 is NaN. Selection turns NaN
    # into +inf (search._clean), so the parent stays, and the frame of round 3 says so in words.
    from explainer_core import train

    real = chapter.task

    def task_with_a_bad_round():
        t = real()
        calls = {"n": 0}

        def population_loss(thetas, rows=None):
            calls["n"] += 1
            out = t.population_loss(thetas, rows)
            return np.full_like(out, np.nan) if calls["n"] == 4 else out  # 1: start, 2-4: rounds
        return train.Task(*t[:5], population_loss, *t[6:])

    import numpy as np
    monkeypatch.setattr(chapter, "task", task_with_a_bad_round)
    frames = [f for f in demo.run(rounds="5")]
    assert "note" not in frames[1] and frames[2]["note"].startswith("Round 3: 20 of 20 children")
    assert frames[2]["loss"] == frames[1]["loss"] and not frames[2]["improved"]
    assert all(np.isfinite(f["loss"]) for f in frames)
