"""The charts of "Where evolution still wins" (build_scripts/charts/evolution_wins.py): valid
Vega-Lite with named data, a narrow layout that fits a phone, within the page budget, and data
that are the chapter's own numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import evolution_wins as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"evolution_wins_divergence": {}, "evolution_wins_starts": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("evolution_wins")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])
    # the page's options are the defaults (CASES), so this spec is the page's: within 300 kB
    size = len(json.dumps(specs[name], separators=(",", ":"), allow_nan=False).encode())
    assert size <= charts.MAX_BYTES, f"{name}: {size / 1000:.0f} kB"


def test_the_divergence_chart_is_the_chapters_runs(specs):
    data = specs["evolution_wins_divergence"]["datasets"]
    solved = {r["method"]: r["solved"] for r in data["summary"]}
    assert solved == {"objective search": chapter.divergence_value("solved", "objective"),
                      "novelty search": chapter.divergence_value("solved", "novelty")}
    run = chapter.divergent_search("novelty", 0)
    shown = [(r["x"], r["y"]) for r in data["points"] if r["method"] == "novelty search"]
    keep = run["generation"] % 3 == 0
    assert shown == [(round(float(x), 2), round(float(y), 2)) for x, y in run["points"][keep]]


def test_the_starts_chart_is_the_chapters_runs(specs):
    data = specs["evolution_wins_starts"]["datasets"]
    gd = [r["loss"] for r in data["runs"] if r["method"] == "gradient descent"]
    assert np.median(gd) == pytest.approx(chapter.many_value("loss", "gd"), abs=1e-5)
    assert len(data["pairs"]) == 2 * 28 + 8
    from build_scripts.charts import evolution_wins as module

    description = module.evolution_wins_starts_description(data)
    assert "nan" not in description and "median barrier" in description
    text = module.evolution_wins_divergence_description(specs["evolution_wins_divergence"]["datasets"])
    assert f"in {chapter.divergence_value('solved', 'novelty')} of 20" in text
