"""The chart of "A network is a function with knobs" (build_scripts/charts/function.py): the lowest
error against the number of neurons is a valid Vega-Lite spec with named data, drawn from the
chapter's own numbers, with a text alternative that states them, fitting a phone."""

from __future__ import annotations

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from build_scripts.charts import function as chart_module  # noqa: E402
from explainer_core.chapters import function as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"function_best_error": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {case: charts.to_spec(case, options) for case, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("function")


@pytest.mark.parametrize("case", list(CASES))
def test_spec_is_valid_and_draws_every_mark(case, specs):
    checks.assert_valid_with_named_data_only(case, specs[case])
    checks.assert_encoded_fields_exist(case, specs[case])
    checks.assert_fallback_draws_every_mark(case, specs[case])
    checks.assert_narrow_layout_fits_a_phone(case, specs[case])


def test_the_points_are_the_chapters_best_errors(specs):
    rows = specs["function_best_error"]["datasets"]["errors"]
    assert {(r["activation"], r["target"], r["neurons"]) for r in rows} == {
        (a, t, n) for a in ("tanh", "relu") for t in chapter.TARGETS for n in chapter.WIDTHS}
    for row in rows:
        exact = chapter.best_error(row["target"], row["activation"], row["neurons"])
        assert row["mse"] == pytest.approx(exact, rel=5e-4)  # 4 significant digits
        assert row["parameters"] == 3 * row["neurons"] + 1
        assert row["panel"] == chart_module.PANELS[row["activation"]]


def test_two_panels_log_scales_and_a_colour_per_target(specs):
    spec = specs["function_best_error"]
    assert len(spec["hconcat"]) == 2
    for panel in spec["hconcat"]:
        x = panel["layer"][0]["encoding"]["x"]
        y = panel["layer"][0]["encoding"]["y"]
        assert x["scale"]["type"] == "log" and x["axis"]["values"] == list(chapter.WIDTHS)
        assert y["scale"]["type"] == "log" and "error" in y["title"]
        colour = panel["layer"][0]["encoding"]["color"]["scale"]
        assert colour["range"] == chart_module._style.OKABE_ITO[:4]
        assert panel["layer"][1]["encoding"]["shape"]  # a second cue beside colour
        assert {t["field"] for t in panel["layer"][0]["encoding"]["tooltip"]} >= {"neurons", "parameters", "mse"}
    # every point lies inside the y domain
    low, high = spec["hconcat"][0]["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert all(low <= r["mse"] <= high for r in spec["datasets"]["errors"])


def test_the_description_states_the_datas_numbers(specs):
    spec = specs["function_best_error"]
    text = spec["description"]
    rows = spec["datasets"]["errors"]
    sine = {r["neurons"]: r["mse"] for r in rows if r["activation"] == "tanh" and r["target"] == "sine"}
    assert f"from {sine[1]:.2g} with 1 to {sine[64]:.2g} with 64" in text
    assert f"{chapter.STEPS} steps of Adam" in text and "ReLU neurons" in text


def test_default_chart_fits_the_page_budget():
    checks.assert_default_fits_the_page_budget("function_best_error")
