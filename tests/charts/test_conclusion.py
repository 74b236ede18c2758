"""The chart of "The verdict" (build_scripts/charts/conclusion.py): a valid Vega-Lite spec with
named data, a narrow layout that fits a phone, within the page budget, and data that are the
chapter's own race."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import conclusion as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"conclusion_race": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("conclusion")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


def test_the_race_ends_at_the_chapters_final_losses(specs):
    rows = specs["conclusion_race"]["datasets"]["race"]
    end = {(r["task"], r["method"]): r for r in rows if r["compute"] == chapter.BUDGET}
    assert len(end) == 6
    from build_scripts.charts.conclusion import TITLES
    for task in chapter.TASKS:
        for method in chapter.METHODS:
            cell = end[TITLES[task], chapter.METHOD_NAMES[method]]
            assert cell["loss"] == float(f"{chapter.final(method, task):.4g}")
            assert cell["updates"] == chapter.final(method, task, "step")
    assert len({r["compute"] for r in rows}) == 61


def test_the_description_states_the_datas_numbers(specs):
    data = {**specs["conclusion_race"]["datasets"], "settings": [{"budget": chapter.BUDGET}]}
    from build_scripts.charts.conclusion import conclusion_race_description
    text = conclusion_race_description(data)
    assert "0 to 60,000 forward passes" in text
    assert f"after {chapter.final('adam', 'fit', 'step'):,} steps" in text


def test_spec_and_data_stay_under_the_page_budget(specs):
    assert len(json.dumps(specs["conclusion_race"]).encode()) < 300_000

