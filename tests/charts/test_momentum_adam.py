"""The chart of "Momentum and Adam" (build_scripts/charts/momentum_adam.py): a valid spec with
named data whose rows are the chapter's timings, and a description computed from them."""

from __future__ import annotations

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from build_scripts.charts import momentum_adam as module  # noqa: E402
from explainer_core.chapters import momentum_adam as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402


@pytest.fixture(scope="module")
def spec():
    charts.load_all()
    return charts.to_spec("ravine_condition", {})


def test_every_chart_of_the_chapter_is_tested():
    assert checks.registered_in("momentum_adam") == {"ravine_condition"}


def test_spec_is_valid_and_draws_every_mark(spec):
    checks.assert_valid_with_named_data_only("ravine_condition", spec)
    checks.assert_encoded_fields_exist("ravine_condition", spec)
    checks.assert_fallback_draws_every_mark("ravine_condition", spec)
    checks.assert_narrow_layout_fits_a_phone("ravine_condition", spec)


def test_rows_are_the_chapters_timings_and_gd_matches_the_closed_form(spec):
    rows = spec["datasets"]["steps"]
    assert len(rows) == 4 * len(chapter.RAVINE_CONDITIONS)
    for r in rows:
        if r["method"] == "gradient descent":
            assert r["steps"] == chapter.gd_steps_closed_form(r["condition"])
        assert f"{r['steps']:,} steps" in r["label"]


def test_description_states_the_numbers_of_the_data():
    data = module.ravine_condition_data()
    text = module.ravine_condition_description(data)
    gd = {r["condition"]: r["steps"] for r in data["steps"] if r["method"] == "gradient descent"}
    assert f"gradient descent from {gd[2]:,} to {gd[1000]:,}" in text


def test_default_chart_fits_the_page_budget():
    checks.assert_default_fits_the_page_budget("ravine_condition")
