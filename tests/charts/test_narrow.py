"""The narrow layout of a chart (build_scripts/charts/_narrow.py), on a small spec written here:
what moves, what wraps, what stays, and the CSS that picks the layout."""

from __future__ import annotations

from build_scripts.charts import _narrow


def spec():
    heat = {"mark": {"type": "rect"}, "width": 500, "height": 400,
            "title": {"text": "A heatmap with a title far too long for a phone's column",
                      "subtitle": "short"},
            "encoding": {"x": {"field": "a", "type": "quantitative",
                               "title": "an axis title that is much longer than the narrow width"},
                         "color": {"field": "loss", "type": "quantitative",
                                   "legend": {"orient": "right"}}}}
    line = {"mark": "line", "width": 330, "height": 260,
            "encoding": {"x": {"field": "step", "type": "quantitative", "scale": {"type": "log"}},
                         "color": {"field": "method", "type": "nominal",
                                   "legend": {"orient": "bottom", "columns": 3}},
                         "strokeDash": {"field": "method", "type": "nominal", "legend": None}}}
    return {"hconcat": [heat, line], "datasets": {"t": [{"a": 1, "width": 999}]}}


def test_panels_stack_and_narrow_a_heatmap_keeps_its_aspect_ratio_a_line_chart_its_height():
    original = spec()
    out = _narrow.narrow(original)
    assert "hconcat" not in out and len(out["vconcat"]) == 2
    heat, line = out["vconcat"]
    assert (heat["width"], heat["height"]) == (_narrow.PLOT_WIDTH, 192)
    assert (line["width"], line["height"]) == (_narrow.PLOT_WIDTH, 260)
    assert original["hconcat"][0]["width"] == 500  # the wide spec is left as it was
    assert out["datasets"] == original["datasets"]  # data is never rewritten


def test_legends_go_under_their_view_and_long_titles_wrap():
    heat, line = _narrow.narrow(spec())["vconcat"]
    gradient = heat["encoding"]["color"]["legend"]
    assert gradient["orient"] == "bottom" and gradient["direction"] == "horizontal"
    assert line["encoding"]["color"]["legend"] == {"orient": "bottom", "columns": 1}
    assert line["encoding"]["strokeDash"]["legend"] is None  # a hidden legend stays hidden
    title = heat["title"]["text"]
    assert isinstance(title, list) and all(len(part) <= _narrow.TITLE_CHARS for part in title)
    assert " ".join(title) == "A heatmap with a title far too long for a phone's column"
    assert heat["title"]["subtitle"] == "short"
    axis = heat["encoding"]["x"]["title"]
    assert isinstance(axis, list) and all(len(part) <= _narrow.AXIS_CHARS for part in axis)
    # a linear x axis gets fewer labels; a log axis keeps its own
    assert heat["encoding"]["x"]["axis"] == {"tickCount": 5}
    assert "axis" not in line["encoding"]["x"]


def test_only_a_chart_too_wide_for_a_phone_needs_a_narrow_layout():
    assert not _narrow.needs_narrow(300)
    assert _narrow.needs_narrow(451)
    # the page keeps the wide layout while it is drawn at 11/12 of its size or more
    css = _narrow.layout_rules({"c-1": (600, 300, 320, 500)})
    assert "@container gde-chart (max-width: 549.98px)" in css
    assert '.gde-chart[data-chart-file="c-1"] > .gde-chart__view { --gde-chart-width: 320; ' \
           "--gde-chart-height: 500; --gde-chart-layout: narrow; }" in css
