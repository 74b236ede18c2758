"""The JSON entry points of the "momentum-adam" demo, as the worker calls them; bad input too."""

import math

import pytest

from explainer_core import datasets
from explainer_core.chapters import momentum_adam as chapter
from tests.demos import _demo_client as client


def call(method, **args):
    return client.call("momentum-adam", method, args)


def run(**args):
    return client.run("momentum-adam", "run", args, max_frames=10_000)


def test_setup_lists_every_surface_method_and_field():
    out = call("setup")
    assert out["ok"]
    r = out["result"]
    assert [n for n, _ in r["choices"]["surface"]] == list(chapter.SURFACE_NAMES)
    assert [m for m, _ in r["methods"]] == list(chapter.METHOD_NAMES)
    for name, s in r["surfaces"].items():
        assert len(s["band"]) == s["n"] ** 2 and 0 <= min(s["band"]) and max(s["band"]) < s["bands"]
        assert s["defaults"]["steps"] == str(chapter.DEFAULTS[name]["steps"])
        surface = datasets.surface(name)
        assert [s["defaults"]["x"], s["defaults"]["y"]] == [f"{v:g}" for v in surface.start]
        # the lowest band holds the minimum's cell, the highest the corner farthest up
    dw = r["surfaces"]["double_well"]
    assert {m["label"] for m in dw["minima"]} == {"deep well", "shallow dip"}


def test_run_with_defaults_gives_the_chapters_race_and_says_where_each_ended():
    out, frames = run(surface="double_well")
    assert out["ok"] and out["done"]
    *_, reference = chapter.race("double_well")
    last = frames[-1]
    assert last["done"] and last["outcome"] == "step_limit"
    assert len(frames) == chapter.DEFAULTS["double_well"]["steps"] + 1
    for m, p in reference["points"].items():
        assert last["points"][m][:3] == [p["x"], p["y"], p["loss"]]
        assert math.isclose(last["points"][m][3], p["loss"] - chapter.DEEP_LOSS, abs_tol=1e-12)
    assert last["messages"]["gd"].endswith("in the shallow dip.")
    assert last["messages"]["momentum"].endswith("in the deep well.")
    # momentum ends at y = -2e-10 or so: written 0.000, not -0.000
    assert last["points"]["momentum"][1] < 0 and "-0.000" not in last["messages"]["momentum"]
    assert last["messages"]["momentum"].startswith(
        f"Momentum ended at ({reference['points']['momentum']['x']:.3f}, 0.000), loss ")


def test_typed_settings_reach_the_race():
    out, frames = run(surface="ravine", steps="30", methods=["adam"], adam_lr="0.1",
                      adam_b1="0.5", adam_b2="0.9", adam_eps="0.001", x="2", y="-1")
    assert out["ok"]
    cfg = chapter.settings_for("ravine", {"adam": {"lr": 0.1, "b1": 0.5, "b2": 0.9, "eps": 0.001}})
    *_, ref = chapter.race("ravine", (2.0, -1.0), cfg, 30, 0, ("adam",))
    assert frames[-1]["points"]["adam"][:3] == [ref["points"]["adam"][k] for k in ("x", "y", "loss")]
    assert frames[-1]["adam"] == ref["adam"]
    assert list(frames[-1]["points"]) == ["adam"]


@pytest.mark.parametrize("field,value,arg,words", [
    ("momentum_beta", "1", "momentum β", "[0, 1)"),
    ("momentum_beta", "1.5", "momentum β", "[0, 1)"),
    ("nesterov_beta", "0", "Nesterov β", "(0, 1)"),
    ("adam_b1", "1", "Adam β1", "[0, 1)"),
    ("adam_b2", "2", "Adam β2", "[0, 1)"),
    ("adam_eps", "0", "Adam ε", "(0, 1]"),
    ("adam_eps", "-1e-8", "Adam ε", "(0, 1]"),
    ("gd_lr", "-0.1", "gradient descent learning rate", "(0, 10]"),
    ("adam_lr", "abc", "Adam learning rate", "must be a number"),
    ("local_sigma", "0", "local search step size", "(0, 10]"),
    ("steps", "0", "steps", "[1, 5000]"),
    ("steps", "2.5", "steps", "whole number"),
    ("x", "3", "start x", "[-2, 2]"),
    ("y", "nan", "start y", "finite"),
])
def test_every_bad_setting_is_named_by_its_field(field, value, arg, words):
    out = call("check", surface="double_well", **{field: value})
    assert not out["ok"]
    assert out["error"]["arg"] == arg
    assert words in out["error"]["message"]
    out, frames = run(surface="double_well", **{field: value})
    assert not out["ok"] and frames == [] and out["error"]["arg"] == arg


def test_no_method_chosen_is_refused_in_words():
    out = call("check", methods=[])
    assert not out["ok"] and out["error"]["arg"] == "methods"


def test_divergence_is_announced_once_and_explained():
    out, frames = run(surface="ravine", gd_lr="0.1", steps="2000")
    assert out["ok"]
    told = [f for f in frames if "diverged" in f]
    assert len(told) == 1 and list(told[0]["diverged"]) == ["gd"]
    assert "lower its learning rate" in told[0]["diverged"]["gd"]
    assert frames[-1]["outcome"] == "diverged"
    assert all(math.isfinite(v) for f in frames for p in f["points"].values() for v in p)


def test_the_divergence_the_page_suggests_is_told_at_the_chapters_step():
    """The page's "things to try": gradient descent at 0.09 on the ravine; the demo names the step
    the chapter's `divergence_step` gives (and the page prints)."""
    out, frames = run(surface="ravine", gd_lr="0.09")
    step = chapter.divergence_step("gd", 0.09, "ravine")
    [told] = [f for f in frames if "diverged" in f]
    assert told["step"] == step > 0
    assert f"diverged at step {step}:" in told["diverged"]["gd"]
    assert frames[-1]["messages"]["gd"].startswith("Gradient descent diverged")


@pytest.mark.parametrize("field,arg", [("x", "start x"), ("y", "start y"), ("steps", "steps")])
def test_an_emptied_field_is_refused_beside_it(field, arg):
    out = call("check", surface="double_well", **{field: ""})
    assert not out["ok"] and out["error"]["arg"] == arg
    assert "empty" in out["error"]["message"]
    assert call("check", surface="double_well")["ok"]  # left out: the surface's default
