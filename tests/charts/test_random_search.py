"""The charts of "Searching blindly" (build_scripts/charts/random_search.py): valid Vega-Lite specs
with named data, a narrow layout that fits a phone, within the page budget, and data that are the
chapter's own numbers (the same runs the text's values come from).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import random_search as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

# small options where they exist (fewer seeds), the page's where the chart has none
CASES = {
    "random_search_seeds": {"seeds": "3"},
    "random_search_new_bests": {"seeds": "3"},
    "random_search_parameters": {},
    "random_search_kept": {"seeds": "3"},
}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("random_search")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


def test_the_seed_bands_span_the_chapters_runs(specs):
    rows = specs["random_search_seeds"]["datasets"]["seeds"]
    end = {(r["method"], r["data"], r["metric"]): r for r in rows if r["iteration"] == 10_000}
    for method in chapter.METHODS:
        label = chapter.NAMES[method]
        accuracy = chapter.finals(method, "vertical", "accuracy", seeds=3)
        cell = end[label, "Vertical data", "accuracy"]
        assert (cell["low"], cell["high"]) == (round(min(accuracy), 4), round(max(accuracy), 4))
        assert cell["median"] == round(float(np.median(accuracy)), 4)
    assert len({r["iteration"] for r in rows}) == 101


def test_the_new_bests_are_the_runs_and_the_expectation_is_the_formula(specs):
    data = specs["random_search_new_bests"]["datasets"]
    ends = [r for r in data["counts"] if r["iteration"] == 10_000 and r["data"] == "Spiral data"]
    assert sorted(r["count"] for r in ends) == sorted(chapter.new_bests("spiral", s) for s in range(3))
    [vertical] = [s for s in data["summary"] if s["data"] == "Vertical data"]
    # with every draw counted from the first (p = 1) the expectation would be H_n; p < 1 lowers it
    assert vertical["expected"] < chapter.harmonic()
    assert vertical["expected"] == pytest.approx(chapter.harmonic() + math.log(vertical["p"]), abs=0.05)


def test_the_parameter_bars_are_the_chapters_rises(specs):
    data = specs["random_search_parameters"]["datasets"]
    rises = chapter.parameter_rises("vertical", 0)
    names = chapter.parameter_names()
    assert [r["parameter"] for r in data["bars"]] == [names[i] for i in chapter.ranked_parameters()]
    assert data["bars"][0]["rise"] == float(f"{rises.max():.4g}")
    slices = [r for r in data["slices"] if r["which"].startswith("steepest")]
    assert min(slices, key=lambda r: r["loss"])["offset"] == pytest.approx(0.0, abs=0.03)
    description = specs["random_search_parameters"]["description"]
    assert f"{chapter.rise('ratio'):,.0f} times less" in description


def test_the_kept_medians_are_the_chapters(specs):
    data = specs["random_search_kept"]["datasets"]
    first = [r for r in data["median"] if r["data"] == "Vertical data"][0]
    assert first["kept"] == chapter.kept_fraction("first", "vertical", seeds=3)
    assert len(data["windows"]) == 2 * 3 * 20


def test_the_page_charts_fit_the_page_budget():
    charts.load_all()
    for name in CASES:
        checks.assert_default_fits_the_page_budget(name)
