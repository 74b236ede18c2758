"""The charts of "Gradient descent" (build_scripts/charts/gradient_descent.py): valid Vega-Lite
specs with named data, a narrow layout that fits a phone, within the page budget, and data that
are the chapter's own numbers (the same runs the text's values come from).
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import gradient_descent as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"gd_learning_rates": {}, "gd_batch_sizes": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("gradient_descent")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


def test_learning_rates_span_four_orders_of_magnitude_and_mark_divergence(specs):
    data = specs["gd_learning_rates"]["datasets"]
    rates = [e["lr"] for e in data["ends"]]
    assert math.log10(max(rates) / min(rates)) == pytest.approx(4)
    for e in data["ends"]:
        assert e["diverged_at"] == chapter.lr_outcome(e["lr"], "diverged_at")
        assert e["loss"] == pytest.approx(chapter.lr_outcome(e["lr"], "final_loss"), rel=1e-4)
    # every curve point is a finite loss of the chapter's run
    curve = {r["step"]: r["loss"] for r in chapter.lr_curve(0.1)}
    for row in data["curves"]:
        assert math.isfinite(row["loss"])
        if row["lr"] == 0.1:
            assert row["loss"] == pytest.approx(curve[row["step"]], rel=1e-4)
    description = specs["gd_learning_rates"]["description"]
    assert f"overflows at step {chapter.lr_outcome(0.3, 'diverged_at')}" in description


def test_batch_points_are_the_chapters_runs(specs):
    data = specs["gd_batch_sizes"]["datasets"]
    assert len(data["points"]) == 2 * 2 * len(chapter.BATCH_SIZES) * chapter.SEED_COUNT
    for budget, label in (("steps", "equal steps (400)"), ("compute", "equal compute")):
        for r in chapter.batch_results(budget):
            [p] = [p for p in data["points"] if p["budget"] == label and p["seed"] == r["seed"]
                   and p["batch_size"] == r["batch_size"] and p["set"].startswith("test")]
            assert p["loss"] == pytest.approx(r["test_loss"], rel=1e-4)
        for b in chapter.BATCH_SIZES:
            [m] = [m for m in data["means"] if m["budget"] == label and m["batch_size"] == b
                   and m["set"] == "training set"]
            assert m["loss"] == pytest.approx(chapter.batch_summary(b, "loss", budget), rel=1e-4)


def test_the_page_charts_fit_the_page_budget():
    charts.load_all()
    for name in CASES:
        checks.assert_default_fits_the_page_budget(name)
