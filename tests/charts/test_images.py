"""The charts of "The image race" (build_scripts/charts/images.py): valid Vega-Lite with named data,
a narrow layout that fits a phone, within the page budget, and data that are the chapter's runs."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import images as chapter  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

CASES = {"images_race": {}, "images_checkpoints": {}}


@pytest.fixture(scope="module")
def specs():
    charts.load_all()
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested():
    assert set(CASES) == checks.registered_in("images")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_and_draws_every_mark(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])
    checks.assert_encoded_fields_exist(name, specs[name])
    checks.assert_fallback_draws_every_mark(name, specs[name])
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


@pytest.mark.parametrize("name", list(CASES))
def test_default_fits_the_page_budget(name):
    checks.assert_default_fits_the_page_budget(name)


def test_the_race_bands_span_the_chapters_seeds(specs):
    rows = specs["images_race"]["datasets"]["race"]
    for picture, label in (("smiley", "Smiley"), ("photo", "Photo (camera)")):
        for method in chapter.METHODS:
            end = [r for r in rows if r["picture"] == label and r["method"] == chapter.NAMES[method]
                   and r["passes"] == chapter.BUDGET]
            assert len(end) == 1
            finals = [chapter.final_loss(method, picture, s) for s in range(chapter.SEEDS)]
            assert end[0]["low"] == round(min(finals), 5) and end[0]["high"] == round(max(finals), 5)
            assert end[0]["median"] == round(float(np.median(finals)), 5)


def test_the_description_names_the_lowest_method_from_the_data():
    data = charts.load_all()["images_race"].data()
    text = charts.load_all()["images_race"].description(data)
    assert "lowest: Adam" in text and f"{chapter.BUDGET:,} image passes" in text


def test_the_strip_is_the_target_and_the_networks_pictures(specs):
    rows = specs["images_checkpoints"]["datasets"]["pixels"]
    n = chapter.SIZE ** 2
    assert len(rows) == 7 * n
    target = np.rint(chapter.target("smiley") * 255).astype(int).ravel()
    assert [r["v"] for r in rows if r["p"] == 0] == target.tolist()
    shots = chapter.checkpoints("smiley", 0, (0.1, 1.0))
    adam_end = np.rint(shots[1.0]["adam"] * 255).astype(int).ravel()
    assert [r["v"] for r in rows if r["p"] == 6] == adam_end.tolist()
