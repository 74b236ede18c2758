"""The chart of "Evolution is noisy gradient descent" (build_scripts/charts/neuroevolution.py):
a valid Vega-Lite spec with named data, a narrow layout that fits a phone, within the page budget,
and data that are the chapter's own numbers.
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import neuroevolution as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"neuroevolution_trends": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("neuroevolution")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


def test_the_points_are_the_chapters_deltas_and_the_formula(specs):
    rows = specs["neuroevolution_trends"]["datasets"]["deltas"]
    assert len(rows) == len(chapter.CHART_SIGMAS) * len(chapter.CHART_RUNS)
    for r in rows:
        assert r["delta"] == float(f"{chapter.delta(r['sigma'], r['runs']):.4g}")
        # the noise formula, written out here: t sigma sqrt(2 pi) / (2 R) at t = 2
        assert r["noise"] == pytest.approx(2.0 * r["sigma"] * math.sqrt(2 * math.pi)
                                           / (2 * r["runs"]), rel=1e-3)
    description = specs["neuroevolution_trends"]["description"]
    assert f"{chapter.delta(0.02, 100):.3g} with 100" in description


def test_the_deep_option_builds_and_the_page_charts_fit_the_budget():
    charts.load_all()
    spec = charts.to_spec("neuroevolution_trends", {"network": "deep"})
    assert "deep network" in spec["description"] if "description" in spec else True
    assert spec["datasets"]["settings"][0]["network"] == "deep"
    for name in CASES:
        checks.assert_default_fits_the_page_budget(name)
