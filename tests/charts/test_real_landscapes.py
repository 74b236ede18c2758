"""The charts of "Real landscapes" (build_scripts/charts/real_landscapes.py): valid Vega-Lite specs
with named data, a static fallback that draws every mark, within the page budget; the race chart's
text alternative and its ceiling for diverging curves; live data drawn by the same chart.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

alt = pytest.importorskip("altair")
vl_convert = pytest.importorskip("vl_convert")

from build_scripts import charts  # noqa: E402
from explainer_core.chapters import real_landscapes  # noqa: E402
from tests.charts import _chart_checks as checks  # noqa: E402

# Small but representative options, so the whole file runs in seconds; the defaults are
# rendered by the site build (tests/site_build).
CASES = {
    "surface_paths": {"n": "15"},
    "saddle_paths": {"n": "15"},
    "training_slices": {"hidden": "4", "steps": "60", "n": "11"},
    "connectivity_plane": {"hidden": "4", "n": "11"},
    "optimizer_race": {"task": "sine", "steps": "60"},
    "connectivity_barrier": {"hidden": "4"},
    "hessian_spectrum": {"hidden": "2", "steps": "60"},
    "flat_sharp": {"directions": "3"},
}

DEFAULT_SIZED = ["surface_paths", "saddle_paths", "training_slices", "connectivity_plane",
                 "optimizer_race", "flat_sharp"]


@pytest.fixture(scope="module")
def library():
    return charts.load_all()


@pytest.fixture(scope="module")
def specs(library):
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_chart_of_the_chapter_is_tested(library):
    assert set(CASES) == checks.registered_in("real_landscapes")


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_vega_lite_with_named_data_only(name, specs):
    checks.assert_valid_with_named_data_only(name, specs[name])


@pytest.mark.parametrize("name", list(CASES))
def test_encoded_fields_exist_in_the_data(name, specs):
    checks.assert_encoded_fields_exist(name, specs[name])


@pytest.mark.parametrize("name", list(CASES))
def test_fallback_svg_draws_every_mark(name, specs):
    checks.assert_fallback_draws_every_mark(name, specs[name])


@pytest.mark.parametrize("name", list(CASES))
def test_a_narrow_layout_fits_a_phone(name, specs):
    checks.assert_narrow_layout_fits_a_phone(name, specs[name])


@pytest.mark.parametrize("name", DEFAULT_SIZED)
def test_default_chart_fits_the_page_budget(name, library):
    checks.assert_default_fits_the_page_budget(name)


def test_race_description_ranks_the_final_losses_of_its_data(specs):
    runs = specs["optimizer_race"]["datasets"]["runs"]
    final = {}
    for row in sorted(runs, key=lambda r: r["compute"]):
        final[row["method"]] = row["loss"]
    ranked = sorted(final, key=final.get)
    text = specs["optimizer_race"]["description"]
    positions = [text.index(f"{method} {final[method]:.3g}") for method in ranked]
    assert positions == sorted(positions), text


def _line_points(scenegraph) -> list[list[tuple[float, float, str]]]:
    """Every line mark's points in a Vega scenegraph, as (x, y, aria description)."""
    return [[(item["x"], item["y"], item["description"]) for item in node["items"]]
            for node in checks.nodes(scenegraph) if node.get("marktype") == "line"]


def test_race_chart_caps_diverging_curves_and_tooltips_keep_the_true_loss(library, monkeypatch):
    # real_landscapes.optimizer_race drops non-finite rows, so the chart's ceiling is for huge
    # but finite losses: feed the chart such rows directly.
    diverging, *others = real_landscapes.RACE_METHODS
    blowup = [2.0, 20.0, 200.0, 2e10, 2e20, 2e30]  # start 2: the ceiling is 1000 x 2 = 2000
    rows = [{"method": diverging, "step": step, "compute": 10 * step, "loss": loss}
            for step, loss in enumerate(blowup)]
    rows += [{"method": method, "step": step, "compute": 10 * step, "loss": 0.5 ** step}
             for method in others for step in range(len(blowup))]
    race = dataclasses.replace(library["optimizer_race"], data=lambda: {
        "runs": rows, "diverged": [rows[-1]], "task": [{"loss_label": "training loss"}]})
    monkeypatch.setitem(charts.CHARTS, "optimizer_race", race)
    spec = charts.to_spec("optimizer_race", {})
    checks.assert_valid_with_named_data_only("optimizer_race", spec)

    for view in spec["hconcat"]:  # tooltips read the true loss, the line the capped one
        line = view["layer"][0]
        tooltip = {"field": "loss", "type": "quantitative", "format": ".4g"}
        assert tooltip in line["encoding"]["tooltip"]
        assert line["encoding"]["y"]["field"] == "shown"

    lines = _line_points(vl_convert.vegalite_to_scenegraph(spec, vl_version="6.4"))
    drawn = [points for points in lines if f"optimizer: {diverging};" in points[0][2]]
    assert len(drawn) == 2  # per step and per compute
    for points in drawn:
        ys = [y for _, y, _ in sorted(points)]
        # the three losses above 2000 are drawn at one height, inside the plot...
        assert ys[3] == pytest.approx(ys[4]) == pytest.approx(ys[5]) and ys[5] >= 0
        # ...and that height is 2000: one decade above 200, as 200 is above 20 (log axis)
        assert ys[2] - ys[3] == pytest.approx(ys[1] - ys[2], rel=1e-6)
        for (_, _, aria), loss in zip(sorted(points), blowup):
            assert f"loss: {loss:#.4g};" in aria + ";"  # the tooltip's number is the true one
    others_drawn = [points for points in lines if f"optimizer: {others[0]};" in points[0][2]]
    spread = max(y for _, y, _ in others_drawn[0]) - min(y for _, y, _ in others_drawn[0])
    assert spread > 40  # the other curves keep their height, not squashed to a few pixels


def test_the_same_chart_function_draws_live_data(library):
    # A demo streams new paths into the spec's named tables: the chart built for other paths
    # on the same grid is the same spec apart from its data, and it draws them.
    data_a = real_landscapes.saddle_paths(n=15, lr=0.1, steps=60)
    data_b = real_landscapes.saddle_paths(n=15, lr=0.25, steps=20)
    assert data_a["paths"] != data_b["paths"] and data_a["grid"] == data_b["grid"]
    chart = library["saddle_paths"].chart
    assert chart(data_a).to_dict() == chart(data_b).to_dict()
    spec = charts.to_spec("saddle_paths", {"n": "15"})
    spec["datasets"] = data_b
    svg = vl_convert.vegalite_to_svg(spec, vl_version="6.4")
    assert "NaN" not in svg and "y0 = 0.001" in svg


def test_race_chart_marks_divergence_labels_the_task_and_lists_only_what_ran():
    spec = charts.to_spec("optimizer_race", {"task": "rosenbrock", "lr_scale": "30"})
    diverged = {row["method"] for row in spec["datasets"]["diverged"]}
    ran = {row["method"] for row in spec["datasets"]["runs"]}
    # at 30 times the learning rates plain gradient descent and momentum blow up; Adam does not
    assert diverged == {"gradient descent", "momentum 0.9"}
    assert "OpenAI-ES" not in ran and "Adam" in ran
    assert spec["datasets"]["task"] == [{"loss_label": "height of the Rosenbrock surface f(x, y)"}]
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    assert '"domain"' not in text  # the legend's entries are the methods in the data
    sine = charts.to_spec("optimizer_race", {"task": "sine", "steps": "60"})
    assert sine["datasets"]["task"][0]["loss_label"] == "training loss (mean squared error)"
