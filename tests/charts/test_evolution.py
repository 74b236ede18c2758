"""The chart of "Evolution": the sweep heatmap is valid, named, fits a phone, and holds the
chapter's numbers."""

from __future__ import annotations

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import evolution  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"evolution_sweep": {"children": "200"}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {case: charts.to_spec(case, options) for case, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("evolution")


@pytest.mark.parametrize("case", list(CASES))
def test_spec_is_valid_and_draws_every_mark(case, specs):
    checks.assert_valid_with_named_data_only(case, specs[case])
    checks.assert_encoded_fields_exist(case, specs[case])
    checks.assert_fallback_draws_every_mark(case, specs[case])
    checks.assert_narrow_layout_fits_a_phone(case, specs[case])


def test_cells_are_the_chapters_sweep_and_the_ring_is_on_the_lowest(specs):
    cells = specs["evolution_sweep"]["datasets"]["sweep"]
    rows = evolution.sweep(200)
    assert len(cells) == len(evolution.SWEEP_POPULATIONS) * len(evolution.SWEEP_RATES)
    for cell, row in zip(cells, rows):
        assert cell["final loss"] == pytest.approx(row["final_loss"], rel=1e-3)
        assert cell["rounds"] == 200 // row["population"]
    [best] = specs["evolution_sweep"]["datasets"]["best"]
    assert best["final loss"] == min(c["final loss"] for c in cells)
