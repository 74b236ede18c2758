"""The charts of "Slopes" (build_scripts/charts/derivatives.py): valid Vega-Lite specs with named
data, drawn with every mark, fitting a phone; their tables are the chapter's own numbers and
their text alternatives state the data's numbers."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import derivatives as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"derivative_error": {}, "gradient_cost": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {case: charts.to_spec(case, options) for case, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("derivatives")


@pytest.mark.parametrize("case", list(CASES))
def test_spec_is_valid_and_draws_every_mark(case, specs):
    checks.assert_valid_with_named_data_only(case, specs[case])
    checks.assert_encoded_fields_exist(case, specs[case])
    checks.assert_fallback_draws_every_mark(case, specs[case])
    checks.assert_narrow_layout_fits_a_phone(case, specs[case])


@pytest.mark.parametrize("case", list(CASES))
def test_default_chart_fits_the_page_budget(case):
    checks.assert_default_fits_the_page_budget(case)


def test_error_chart_holds_the_chapters_error_curve_from_1_to_1e_16(specs):
    data = specs["derivative_error"]["datasets"]
    curve = chapter.error_curve("sine", 1.0)
    assert curve[0]["delta"] == 1.0 and curve[-1]["delta"] == 1e-16
    forward = {r["delta"]: r["error"] for r in data["slope_errors"]
               if r["method"] == "forward difference"}
    for row in curve:
        if row["forward_error"]:
            assert forward[row["delta"]] == pytest.approx(row["forward_error"], rel=1e-3)
        else:  # the lost step (1 + 1e-16 == 1) is left out, not drawn as a number
            assert row["delta"] not in forward
    # the predicted parts are the reasoning's closed forms for sin at 1
    truncation = [r for r in data["parts"] if r["line"] == "central difference, truncation"]
    for r in truncation:
        assert r["error"] == pytest.approx(math.cos(1) * r["delta"] ** 2 / 6, rel=1e-3)
    rounding = [r for r in data["parts"] if r["line"] == "forward difference, rounding"]
    for r in rounding:
        assert r["error"] == pytest.approx(chapter.EPS * math.sin(1) / r["delta"], rel=1e-3)
    best = {r["method"]: r for r in data["best"]}
    assert best["forward difference"]["delta"] == chapter.best_delta("forward")
    assert best["central difference"]["delta"] == chapter.best_delta("central")


def test_error_chart_description_states_its_numbers(specs):
    spec = specs["derivative_error"]
    best = {r["method"]: r for r in spec["datasets"]["best"]}
    text = spec["description"]
    assert f"{best['forward difference']['delta']:.1e}" in text
    assert f"{best['central difference']['error']:.1e}" in text
    assert "sin(x) at x = 1" in text


def test_cost_chart_counts_the_sizes_it_ran_and_labels_the_rest_formula(specs):
    rows = specs["gradient_cost"]["datasets"]["cost"]
    assert {r["parameters"] for r in rows} == set(chapter.NETWORKS)
    for r in rows:
        D, N = r["parameters"], chapter.EXAMPLES
        if r["way"] == "forward difference":
            assert r["passes"] == (D + 1) * N
        elif r["way"] == "central difference":
            assert r["passes"] == 2 * D * N
        else:
            assert r["passes"] == 3 * N and r["how"] == "by the formula"
        if r["way"] != "backpropagation":
            assert (r["how"] == "counted while it ran") == (D in chapter.COUNTED)
            assert (r["difference"] != "–") == (D in chapter.COUNTED)
    text = specs["gradient_cost"]["description"]
    assert "20,000,000" in text and "10,000,010" in text and "30 forward-pass" in text
