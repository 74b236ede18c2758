"""The JSON entry points of the neuroevolution demo, including the bad input the page can send.

The demo's numbers are checked against the chapter: its runs against `chapter.metropolis_runs`
(the same mutations from the same generator), its descent against `chapter.descent_path`, its
projection against an independent SVD of the path, and a resumed run against an uninterrupted one.
"""

import math

import numpy as np
import pytest

from explainer_core.chapters import neuroevolution as chapter
from explainer_core.demos import neuroevolution as demo
from tests.demos import _demo_client as demo_client


def call(method, **args):
    return demo_client.call("neuroevolution", method, args)


def run(**args):
    return demo_client.run("neuroevolution", "run", args, max_frames=100_000)


def test_setup_gives_the_choices_fields_and_the_settings():
    out = call("setup", sigma="0.03", beta="20", rule="metropolis", runs="7", mutations="40", network="deep", seed="2")
    assert out["ok"], out
    r = out["result"]
    assert set(r["fields"]) == {"sigma", "beta", "runs", "mutations", "seed"}
    assert [v for v, _ in r["choices"]["network"]] == list(chapter.NETWORKS)
    assert [v for v, _ in r["choices"]["rule"]] == ["inf", "metropolis"]
    assert r["rule"] == "metropolis"
    assert (r["sigma"], r["beta"], r["runs"], r["mutations"], r["network"], r["seed"]) == (
        0.03, 20.0, 7, 40, "deep", 2)
    assert r["alpha"] == pytest.approx(20 * 0.03**2 / 2) and r["reference"] == "plain"
    assert r["parameters"] == chapter.parameter_count("deep") == 169
    assert r["path"]["step"][0] == 0 and r["path"]["step"][-1] == 40
    assert r["path"]["xy"][0] == [0.0, 0.0]
    inf = call("setup")["result"]
    assert inf["beta"] == "inf" and inf["reference"] == "normalised"
    assert inf["alpha"] == pytest.approx(0.02 / math.sqrt(2 * math.pi))
    assert inf["step"]["b"] is None  # infinite b, which JSON cannot carry


def test_the_projection_is_onto_the_top_two_principal_directions_of_the_descent_path():
    s = demo.settings(mutations="60")
    p = demo.problem(s)
    theta0, _ = chapter.start("shallow", 0)
    path = chapter.descent_path(chapter.network_task("shallow"), theta0, 0.02, math.inf, 60)
    assert np.array_equal(p["path"], path)
    # independent: the top two eigenvectors of the path's scatter matrix (about x0)
    moved = path[1:] - theta0
    values, vectors = np.linalg.eigh(moved.T @ moved)
    top = vectors[:, ::-1][:, :2]
    assert np.allclose(np.abs(top.T @ p["basis"]), np.eye(2), atol=1e-6)
    assert (moved[-1] @ p["basis"] >= 0).all()
    xy = call("setup", mutations="60")["result"]["path"]["xy"]
    assert np.allclose(xy[-1], moved[-1] @ p["basis"])


def test_frames_are_the_chapters_runs_and_descent():
    out, frames = run(sigma="0.05", rule="inf", runs="12", mutations="30", seed="3", every=10)
    assert out["ok"] and frames[-1]["done"] and frames[-1]["outcome"] == "done"
    assert [f["step"] for f in frames] == [0, 10, 20, 30]
    task = chapter.network_task("shallow")
    theta0, rng = chapter.start("shallow", 3)
    chains = chapter.metropolis_runs(lambda t: task.population_loss(t, None), theta0, 0.05,
                                     math.inf, 12, 30, rng, [0, 10, 20, 30])
    path = chapter.descent_path(task, theta0, 0.05, math.inf, 30)
    basis = demo.problem(demo.settings(sigma="0.05", runs="12", mutations="30", seed="3"))["basis"]
    for f, x in zip(frames, chains):
        mean = x.mean(axis=0)
        gd = path[f["step"]]
        assert f["delta"] == pytest.approx(np.mean((mean - gd) ** 2), rel=1e-12, abs=1e-300)
        assert np.allclose(f["runs_xy"], (x - theta0) @ basis)
        assert np.allclose(f["mean_xy"], (mean - theta0) @ basis)
        assert f["gd_moved"] == pytest.approx(np.mean((gd - theta0) ** 2), rel=1e-12, abs=1e-300)
        assert f["t"] == pytest.approx(f["step"] * 0.05 / math.sqrt(2 * math.pi))
    assert "Done: 30 mutations" in frames[-1]["reason"]


def test_a_resumed_run_is_the_same_run():
    _, whole = run(runs="5", mutations="50", every=5)
    _, rest = run(runs="5", mutations="50", every=5, start=20)
    assert [f["step"] for f in rest if f.get("catch_up")] == [20]
    rest = [f for f in rest if not f.get("catch_up")]
    assert rest[0]["step"] == 25
    by_step = {f["step"]: f for f in whole}
    for f in rest:
        assert f["delta"] == by_step[f["step"]]["delta"]
        assert f["runs_xy"] == by_step[f["step"]]["runs_xy"]


def test_the_predicted_noise_follows_the_kept_mutations():
    # sigma^2 x (kept per run) / R; at beta = inf about half the mutations are kept early on
    _, frames = run(runs="50", mutations="40", every=40)
    last = frames[-1]
    assert last["predicted"] == pytest.approx(0.02**2 * last["accepted"] * 40 / 50)
    assert 0.3 < last["accepted"] < 0.6
    assert 0.3 < last["delta"] / last["predicted"] < 3


def test_the_measured_step_is_the_chapters():
    r = call("setup", sigma="0.02", beta="10", rule="metropolis", mutations="5")["result"]
    theta0, rng = chapter.start("shallow", 0)
    expected = chapter.step_statistics(chapter.network_task("shallow"), theta0, 0.02, 10.0,
                                       demo.STEP_SAMPLES, rng)
    assert r["step"] == pytest.approx(expected)


@pytest.mark.parametrize("field, value, message", [
    ("sigma", "0", "σ must be a number above 0 and at most 0.5, got 0"),
    ("sigma", "NaN", "σ must be a number above 0 and at most 0.5"),
    ("sigma", "1", "σ must be a number above 0 and at most 0.5, got 1"),
    ("beta", "0", "β must be a number above 0 and at most 1,000,000, got 0"),
    ("beta", "inf", "β must be a number above 0 and at most 1,000,000"),
    ("beta", "abc", "β must be a number above 0 and at most 1,000,000"),
    ("runs", "2.5", "runs must be a whole number from 1 to 200, got 2.5"),
    ("mutations", "1e9", "mutations must be a whole number from 1 to 3,000, got 1e+09"),
    ("seed", "-1", "seed must be a whole number from 0 to 4,294,967,295, got -1"),
])
def test_bad_input_names_its_field_and_range(field, value, message):
    label = demo.FIELDS[field]["label"]
    for method in ("setup", "run"):
        if method == "setup":
            out = call("setup", **{field: value})
        else:
            out, _ = run(**{field: value})
        assert not out["ok"]
        assert out["error"]["arg"] == label
        assert out["error"]["message"] == message


def test_bad_network_and_beta_spellings():
    out = call("setup", network="wide")
    assert not out["ok"] and out["error"]["arg"] == "network"
    assert not call("setup", rule="cold")["ok"]
    # the rule "inf" makes beta infinite whatever the field says (the field is still checked)
    assert call("setup", beta="5")["result"]["beta"] == "inf"
    assert call("setup", beta="1e6", rule="metropolis")["result"]["beta"] == 1e6


def test_descent_that_diverges_is_explained_at_its_step():
    # beta = 1e6, sigma = 0.02: alpha = beta sigma^2 / 2 = 200, far too large a learning rate
    r = call("setup", beta="1e6", rule="metropolis", mutations="50")["result"]
    theta0, _ = chapter.start("shallow", 0)
    path = chapter.descent_path(chapter.network_task("shallow"), theta0, 0.02, 1e6, 50)
    k = chapter.diverged_at(path)
    assert k is not None and r["diverged_at"] == k
    assert np.all(np.isfinite(path[:k]))
    assert r["warning"].startswith(f"Gradient descent diverges at step {k:,}")
    assert len(r["path"]["xy"]) == k
    out, frames = run(beta="1e6", rule="metropolis", mutations="50")
    assert out["ok"]
    last = frames[-1]
    assert last["done"] and last["outcome"] == "diverged" and last["step"] == k - 1
    assert last["reason"].endswith(f"Stopped at mutation {k - 1:,}.")
    assert all(math.isfinite(f["delta"]) for f in frames)
