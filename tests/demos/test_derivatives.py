"""The JSON entry points of the "derivatives" demo, bad input included (CPython and Pyodide)."""

import json
import math
import re

import pytest

from explainer_core import demos
from explainer_core.chapters import derivatives as chapter
from explainer_core.demos import derivatives as demo
from tests.demos import _demo_client as demo_client


def call(name, /, **args):
    return demo_client.call("derivatives", name, args)


def run(name, /, **args):
    return demo_client.run("derivatives", name, args, max_frames=10_000)


def test_setup_sends_the_fields_and_choices_the_page_offers():
    result = call("setup")["result"]
    fields = result["fields"]
    assert {name: spec["default"] for name, spec in fields.items()} == \
        {"f": "2*x^2", "x": "1", "delta": "0.0001"}
    # each field's label is the `arg` of its errors: the page shows them beside the field
    assert call("evaluate", f="sin(")["error"]["arg"] == fields["f"]["label"]
    assert call("evaluate", x="9")["error"]["arg"] == fields["x"]["label"]
    assert call("evaluate", delta="0")["error"]["arg"] == fields["delta"]["label"]
    assert [v for v, _ in result["choices"]["parameters"]] == [str(D) for D in chapter.NETWORKS]
    assert [v for v, _ in result["choices"]["method"]] == ["forward", "central"]
    for formula, _ in result["presets"]:  # every example offered is one the demo accepts
        assert call("evaluate", f=formula, curves=False)["ok"]
    assert result["first"]["slope"]["forward"] == 4.0001999999987845
    assert set(result["outcomes"].values()) <= {"info", "warning"}


def test_evaluate_is_the_chapters_slope_and_error_curve():
    out = call("evaluate", f="sin(3*x) + x^2", x="0.4", delta="0.001")["result"]
    assert out["slope"] == json.loads(json.dumps(demos.jsonable(
        chapter.slope("sin(3*x) + x^2", 0.4, 0.001))))
    assert out["errors"] == json.loads(json.dumps(demos.jsonable(
        chapter.error_curve("sin(3*x) + x^2", 0.4, demo.SLIDER_PER_DECADE))))
    # the error curve's δ are the slider's steps
    setup = call("setup")["result"]
    assert demo.SLIDER_PER_DECADE * setup["slider"]["step"] == 1
    assert out["errors"][0]["delta"] == 10.0 ** setup["slider"]["max"]
    assert out["errors"][-1]["delta"] == 10.0 ** setup["slider"]["min"]
    curve = out["curve"]
    assert len(curve["x"]) == demo.CURVE_POINTS and curve["x"][0] == demo.PLOT_X[0]
    assert curve["y"][100] == pytest.approx(math.sin(3 * curve["x"][100]) + curve["x"][100] ** 2)
    assert curve["y_range"][0] < curve["y_range"][1]
    assert "curve" not in call("evaluate", curves=False)["result"]


@pytest.mark.parametrize("typed", ["0", "-1", "NaN", "abc", "", "inf", "2", "1e999", "1,5"])
def test_bad_delta_is_explained_beside_its_field(typed):
    error = call("evaluate", delta=typed)["error"]
    assert error["arg"] == "δ" and "above 0 and at most 1" in error["message"]


@pytest.mark.parametrize("typed", ["NaN", "abc", "", "4", "-3.5", "1e308"])
def test_bad_x_is_explained_beside_its_field(typed):
    error = call("evaluate", x=typed)["error"]
    assert error["arg"] == "x"


@pytest.mark.parametrize("typed, words", [
    ("sin(", "cannot be parsed"),
    ("abc", "unknown name “abc”"),
    ("NaN", "unknown name (that one)"),
    ("Infinity + x", "unknown name (that one)"),
    ("x" * 2000, "longer than 200"),
    ("<img src=x onerror=window.__xss=1>", "cannot be parsed"),
    ("__import__('os')", "unknown function"),
    ("1,5", "Tuple is not allowed"),
    ("", "empty"),
    ("log(x - 5)", "not defined at this x"),  # parses, but f(1) is not a number
    ("-1e999", "minus infinity"),
])
def test_bad_formula_is_explained_beside_f_in_a_short_message(typed, words):
    error = call("evaluate", f=typed)["error"]
    assert error["arg"] == "f(x)" and words in error["message"]
    assert len(error["message"]) <= 300 and "<" not in error["message"]
    assert not re.search(r"\bNaN\b|\bundefined\b|\bnull\b|\bInfinity\b", error["message"])


@pytest.mark.parametrize("settings, outcome", [
    (dict(f="abs(x)", x="0"), "corner"),
    (dict(f="step(x)", x="0"), "jump"),
    (dict(f="sqrt(x)", x="0"), "vertical"),
    (dict(f="sqrt(x)", x="0.00001", delta="0.001"), "side"),
    (dict(f="2*x^2", x="1", delta="1e-16"), "lost"),
    (dict(f="2*x^2", x="-1", delta="1e-16"), "lost"),
    (dict(f="2*x^2", x="1", delta="0.0001"), "ok"),
])
def test_every_special_point_gets_a_sentence_the_page_knows(settings, outcome):
    out = call("evaluate", **settings, curves=False)["result"]
    assert out["outcome"] == outcome and outcome in demo.OUTCOMES
    assert bool(out["message"]) == (outcome != "ok")
    # no number spelt the way Python prints a non-finite one
    assert not re.search(r"(?<![\w.])(?:nan|-?inf|None)\b", out["message"])


def test_at_a_corner_or_a_jump_there_is_no_exact_slope_to_err_from():
    for f in ("abs(x)", "step(x)"):
        out = call("evaluate", f=f, x="0", delta="0.001")["result"]
        s = out["slope"]
        assert s["exact"] is None and s["forward_error"] is None and s["central_error"] is None
        assert s["forward"] is not None and out["errors"] == []
    away = call("evaluate", f="abs(x)", x="0.5", delta="0.001")["result"]
    assert away["slope"]["exact"] == 1.0 and away["errors"]


def test_a_lost_step_gives_no_number_and_says_why():
    out = call("evaluate", f="2*x^2", x="1", delta="1e-16", curves=False)["result"]
    assert out["slope"]["forward"] is None  # JSON has no NaN: the page writes words
    assert "rounds back to x" in out["message"] and "one-sided" in out["message"]


def test_shrink_walks_delta_from_1_to_1e_16_and_sums_up():
    out, frames = run("shrink", f="sin(x)", x="1")
    assert out["ok"] and out["done"] and len(frames) == 16 * demo.SHRINK_PER_DECADE + 1
    assert [f["delta"] for f in frames] == list(chapter.deltas(demo.SHRINK_PER_DECADE))
    assert all(not f["done"] for f in frames[:-1]) and frames[-1]["done"]
    assert "summary" in frames[-1] and "closest at δ" in frames[-1]["summary"]
    assert len(frames[-1]["summary"]) <= 300
    for f in frames[::16]:
        assert f["slope"] == json.loads(json.dumps(demos.jsonable(
            chapter.slope("sin(x)", 1.0, f["delta"]))))


def test_shrink_refuses_a_bad_formula_on_its_first_advance():
    out, frames = run("shrink", f="log(x)", x="-1")
    assert not out["ok"] and out["error"]["arg"] == "f(x)" and frames == []


@pytest.mark.parametrize("method", ["forward", "central"])
def test_count_streams_blocks_and_ends_with_the_comparison(method):
    out, frames = run("count", parameters="1000", method=method)
    assert out["ok"] and frames[-1]["finished"] and all(not f["finished"] for f in frames[:-1])
    assert [f["done"] for f in frames] == sorted(f["done"] for f in frames)
    last = frames[-1]
    D, N = 1000, chapter.EXAMPLES
    assert last["forward_passes"] == ((D + 1) * N if method == "forward" else 2 * D * N)
    assert last["forward_passes"] == call("plan", parameters="1000", method=method)["result"][
        "formula_passes"]
    assert f"{last['forward_passes']:,} forward passes, counted" in last["summary"]
    assert all("stop_text" in f for f in frames[:-1]) and "stop_text" not in last
    assert last["relative_difference"] < 1e-5


@pytest.mark.parametrize("parameters", ["5", "abc", "", "1e9", "100.5"])
def test_count_refuses_a_network_it_does_not_offer(parameters):
    out, frames = run("count", parameters=parameters)
    assert not out["ok"] and out["error"]["arg"] == "parameters" and frames == []
    assert not call("plan", parameters=parameters)["ok"]


def test_plan_is_the_formula():
    plan = call("plan", parameters="1000000", method="forward")["result"]
    assert plan["formula_passes"] == 1_000_001 * chapter.EXAMPLES
    assert plan["backprop_compute"] == 3 * chapter.EXAMPLES
    assert "333,334 times" in plan["text"]


def test_sci_writes_numbers_for_readers():
    assert demo.sci(2.1e-8) == "2.1 × 10⁻⁸" and demo.sci(1e-16) == "10⁻¹⁶"
    assert demo.sci(0.0001) == "0.0001" and demo.sci(0.0) == "0"
    assert demo.sci(math.nan) == "not a finite number" and demo.sci(None) == "not a finite number"
