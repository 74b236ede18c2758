"""The charts of "The curse of dimensionality" (build_scripts/charts/dimensions.py): valid specs
with named data, a narrow layout that fits a phone, within the page budget, and data that are the
chapter's own numbers."""

from __future__ import annotations

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import dimensions as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {
    "dimensions_fraction": {},
    "dimensions_best_sigma": {},
    "dimensions_compute": {"seeds": "1"},
    "dimensions_minima": {},
}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("dimensions")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


def test_the_data_are_the_chapters(specs):
    best = specs["dimensions_best_sigma"]["datasets"]["best"]
    theory = {r["parameters"]: r["sigma"] for r in best if r["series"].startswith("theory")}
    assert theory[1000] == pytest.approx(chapter.theory_sigma_at(1000), rel=1e-3)
    measured = {r["parameters"]: r["sigma"] for r in best if r["series"].startswith("measured")}
    assert measured[1000] == pytest.approx(chapter.best_sigma_at(1000), rel=1e-3)
    median = specs["dimensions_compute"]["datasets"]["median"]
    gd = [r["compute"] for r in median if r["method"].startswith("gradient")]
    assert set(gd) == {6.0}
    ls = {r["parameters"]: r["compute"] for r in median if r["method"].startswith("local")}
    assert ls[1000] == chapter.median_compute("tweak_and_keep", 1000, seeds=1)
    shares = specs["dimensions_minima"]["datasets"]["shares"]
    assert [r["share"] for r in shares if r["series"].startswith("random")][1] == \
        chapter.minimum_share(2, 100_000, 2)
    assert "at D = 2" in specs["dimensions_minima"]["description"]


def test_the_page_charts_fit_the_page_budget():
    charts.load_all()
    for name in CASES:
        checks.assert_default_fits_the_page_budget(name)
