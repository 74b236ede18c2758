"""The JSON entry points of the "function" demo, as the page calls them, bad input included."""

import json
import re

import numpy as np
import pytest

from explainer_core import demos
from explainer_core.chapters import function as chapter
from explainer_core.demos import function as demo
from tests.demos import _demo_client as demo_client

FORMULA = demo.FIELDS["expression"]["label"]  # the arg a bad formula's error names
WIDTH = demo.FIELDS["width"]["label"]


def call(method, **args):
    return demo_client.call("function", method, args)


def run(**args):
    return demo_client.run("function", "fit", args, max_frames=10_000)


def knobs_of(theta):
    """The page's knobs {w, b, v, c} of 64 neurons holding a 1-n-1 theta in their first n."""
    n = (len(theta) - 1) // 3
    page = call("knobs", seed=5)["result"]
    for k, kind in enumerate("wbv"):
        page[kind][:n] = list(theta[k * n:(k + 1) * n])
    page["c"] = float(theta[-1])
    return page


def written_out(knobs, n, activation, x):
    """y(x) = sum_j v_j f(w_j x + b_j) + c, one neuron at a time, in plain numpy."""
    f = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    return sum(knobs["v"][j] * f(knobs["w"][j] * np.asarray(x) + knobs["b"][j]) for j in range(n)) + knobs["c"]


def test_setup_sends_what_the_page_needs():
    result = call("setup")["result"]
    assert [v for v, _ in result["choices"]["activation"]] == list(chapter.ACTIVATIONS)
    assert [p[2] for p in result["choices"]["presets"]] == list(chapter.TARGETS.values())
    assert [t[0] for t in result["choices"]["target"]] == [*chapter.TARGETS, "custom"]
    assert result["fields"]["width"]["max"] == chapter.MAX_WIDTH == 64
    assert result["fields"]["expression"]["default"] == "sin(2*x)"
    knobs = result["knobs"]
    assert all(len(knobs[k]) == 64 for k in "wbv")
    assert np.array_equal(np.concatenate([knobs["w"], knobs["b"], knobs["v"], [knobs["c"]]]),
                          chapter.initial_params(64, 0))
    assert len(result["curve_x"]) == 240 and 0.0 not in result["curve_x"]
    # the slider ranges hold every starting knob
    r = result["slider_range"]
    assert max(np.abs(knobs["w"])) <= r["w"] and max(np.abs(knobs["b"])) <= r["b"] and max(np.abs(knobs["v"])) <= r["v"]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_evaluate_is_the_sum_written_out(activation):
    knobs = call("knobs", seed=2)["result"]
    result = call("evaluate", expression="x^3/9", activation=activation, width="7", knobs=knobs)["result"]
    curve_x = np.array(call("setup")["result"]["curve_x"])
    assert np.allclose(result["curve"], written_out(knobs, 7, activation, curve_x), rtol=1e-12, atol=1e-12)
    mse = np.mean((written_out(knobs, 7, activation, chapter.X) - chapter.X ** 3 / 9) ** 2)
    assert result["loss"] == pytest.approx(mse, rel=1e-12)
    assert result["parameters"] == 22 and result["width"] == 7


def test_target_sends_the_plot_grid_with_gaps_and_a_range():
    curve_x = np.array(call("setup")["result"]["curve_x"])
    result = call("target", expression="1/x")["result"]
    assert np.allclose(result["y"], 1 / curve_x)
    # a pole on a point of the plot's grid that is no sample: accepted, and a gap (null) there
    pole = float(curve_x[100])
    result = call("target", expression=f"1/(x - ({pole!r}))")["result"]
    assert result["y"][100] is None and all(v is not None for k, v in enumerate(result["y"]) if k != 100)
    lo, hi = call("target", expression="sin(2*x)")["result"]["range"]
    assert lo < -1 and hi > 1 and lo > -1.6 and hi < 1.6


@pytest.mark.parametrize("typed, words", [
    ("sin(3*y)", "unknown name 'y' at character 7: sin(3*»y«)"),
    ("sin(3*x", "never closed"),
    ("<img src=x onerror=1>", "cannot be parsed"),
    ("", "empty"),
    ("x" * 2000, "longer than 200"),
    ("log(x)", "not a finite number"),
    ("1e999", "not a finite number"),
    ("99999999999", "keep it between"),
])
def test_a_bad_formula_is_refused_beside_its_field(typed, words):
    for method, extra in (("target", {}), ("evaluate", {"width": "3"})):
        out = call(method, expression=typed, **extra)
        assert not out["ok"] and out["error"]["arg"] == FORMULA, (method, out)
        assert words in out["error"]["message"] and len(out["error"]["message"]) <= 300
    out, frames = run(expression=typed)
    assert not out["ok"] and out["error"]["arg"] == FORMULA and frames == []


def test_the_message_quotes_the_place():
    message = call("target", expression="sin(3*y)")["error"]["message"]
    assert "at character 7: sin(3*»y«)" in message
    for typed in ("NaN", "inf", "x + None"):  # never repeated: they read as the page's failure
        message = call("target", expression=typed)["error"]["message"]
        assert not re.search(r"(?<![\w.])(?:nan|NaN|inf|Infinity|None|null)\b", message), message


@pytest.mark.parametrize("typed", ["0", "-1", "65", "2.5", "abc", "", "1e999", "99999999999"])
def test_a_width_outside_1_to_64_is_refused_with_the_range(typed):
    out = call("evaluate", width=typed)
    assert not out["ok"] and out["error"]["arg"] == WIDTH
    message = out["error"]["message"]
    assert "neurons" in message
    if typed in ("0", "-1", "65", "99999999999"):
        assert "[1, 64]" in message
    out, _ = run(width=typed)
    assert out["error"]["arg"] == WIDTH


def test_bad_knobs_and_activations_are_named():
    assert call("evaluate", knobs={"w": [1], "b": [0], "v": [1], "c": 0})["error"]["arg"] == "knobs"
    assert call("evaluate", knobs=[1, 2])["error"]["arg"] == "knobs"
    assert call("evaluate", knobs={"w": [0] * 64, "b": [0] * 64, "v": [0] * 64, "c": "NaN"})["error"]["arg"] == "knobs c"
    assert "allowed: tanh" in call("evaluate", activation="swish")["error"]["message"]
    out = json.loads(demos.call(json.dumps({"demo": "function", "method": "nope", "args": {}})))
    assert out["error"]["arg"] == "method"


def test_fit_is_one_press_of_the_chapters_fit_run():
    knobs = call("knobs", seed=0)["result"]
    out, frames = run(expression="sin(2*x)", activation="tanh", width="3", knobs=knobs, every=50)
    assert out["ok"] and frames[-1]["done"]
    assert [f["step"] for f in frames] == list(range(0, chapter.STEPS + 1, 50))
    records = list(chapter.fit_run(chapter.initial_params(3, 0), "sin(2*x)", "tanh"))
    assert frames[-1]["loss"] == records[-1]["loss"] == chapter.fit_loss("sine", 3)
    assert frames[-1]["theta"] == records[-1]["theta"].tolist()
    assert frames[-1]["outcome"] == "step_limit"
    reason = frames[-1]["reason"]
    assert f"from {records[0]['loss']:.3g} to {records[-1]['loss']:.3g}" in reason and "again" in reason
    # a frame's loss is the loss of its theta
    middle = frames[3]
    assert middle["loss"] == pytest.approx(chapter.mse(np.array(middle["theta"]), "sin(2*x)"), rel=1e-12)


def test_fit_of_knobs_that_already_match_says_so():
    theta = np.array(chapter.ABS_KNOBS)
    _, frames = run(expression="abs(x)", activation="relu", width="2", knobs=knobs_of(theta))
    assert len(frames) == 1 and frames[0]["outcome"] == "converged" and "matched" in frames[0]["reason"]


def test_a_second_press_that_cannot_improve_says_it_barely_moved():
    # one tanh neuron on the sine: the first press finds the best single step it can, the second
    # press changes the loss by less than 1% and says so
    knobs = call("knobs", seed=0)["result"]
    _, first = run(expression="sin(2*x)", width="1", knobs=knobs, every=500)
    _, second = run(expression="sin(2*x)", width="1", knobs=knobs_of(first[-1]["theta"]), every=500)
    assert second[0]["loss"] == pytest.approx(first[-1]["loss"], rel=1e-12)
    assert second[-1]["loss"] > 0.99 * second[0]["loss"]
    assert "barely moved" in second[-1]["reason"] and "more neurons" in second[-1]["reason"]
    assert "barely moved" not in first[-1]["reason"]
