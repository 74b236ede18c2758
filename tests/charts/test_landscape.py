"""The chart of "The loss landscape" (build_scripts/charts/landscape.py): the toy landscape's
heatmap is a valid Vega-Lite spec with named data, its minimum marked, within the page budget.
"""

from __future__ import annotations

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import landscape  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {
    "toy_landscape": {"n": "11"},
    "toy_landscape sin mae": {"activation": "sin", "loss": "mae", "n": "11"},
}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {case: charts.to_spec(case.split()[0], options) for case, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert {case.split()[0] for case in CASES} == checks.registered_in("landscape")


@pytest.mark.parametrize("case", list(CASES))
def test_spec_is_valid_and_draws_every_mark(case, specs):
    name = case.split()[0]
    checks.assert_valid_with_named_data_only(name, specs[case])
    checks.assert_encoded_fields_exist(name, specs[case])
    checks.assert_fallback_draws_every_mark(name, specs[case])
    checks.assert_narrow_layout_fits_a_phone(name, specs[case])


@pytest.mark.parametrize("case", list(CASES))
def test_the_cross_marks_the_chapters_global_minimum(case, specs):
    options = CASES[case]
    a, b, loss = landscape.global_minimum(options.get("activation", "tanh"),
                                          options.get("loss", "mse"))
    [minimum] = specs[case]["datasets"]["minimum"]
    assert (minimum["a"], minimum["b"], minimum["loss"]) == (a, b, loss)
    assert f"a = {a:.3f}, b = {b:.3f}" in minimum["label"]


def test_default_chart_fits_the_page_budget():
    checks.assert_default_fits_the_page_budget("toy_landscape")
