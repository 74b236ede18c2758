"""The narrow layout of a chart: the same spec and data, laid out for a phone's column.

A chart is written once, for a desktop column (panels side by side, legends on the right). On a
390 px phone that column is about 358 px wide, and a 800 px chart shrunk into it has 5 px text.
`narrow(spec)` rewrites the Vega-Lite spec instead of shrinking it:

- panels side by side (`hconcat`) go under each other (`vconcat`);
- every view wider than PLOT_WIDTH gets that width; a heatmap (a view with `rect` marks) keeps its
  aspect ratio, other views keep their height (marks placed in pixels stay where they were);
- a colour-gradient legend on the right goes under its view, horizontal; symbol legends go under
  it too, in one column; a linear x axis gets about 5 labels;
- titles, subtitles and axis titles longer than a line of the narrow width wrap onto lines.

The build renders both layouts (spec and pictures, light and dark); the page shows the narrow one
when its column is too narrow for the wide one at SMALLEST_SCALE (css/charts.css, the rules the
build writes with `layout_rules`), and the live chart draws the layout the page shows.
"""

from __future__ import annotations

import copy
import math
import textwrap

PLOT_WIDTH = 240  # px: the plotting area of a view in the narrow layout
NARROW_MAX = 340  # px: what a narrow layout may measure, axes and legends included
# The wide layout is shown while the column holds it at this scale or more: charts' smallest text
# is 12 px (_style.CONFIG), so text never drops below 11 px.
SMALLEST_SCALE = 11 / 12
# Characters per line of a wrapped title: about 7 px per character of 12-13 px type.
TITLE_CHARS = 40
AXIS_CHARS = 38


def needs_narrow(width: float) -> bool:
    """Whether a chart `width` px wide needs a narrow layout to keep its text readable on a phone."""
    return width * SMALLEST_SCALE > NARROW_MAX


def _lines(text, chars: int):
    if isinstance(text, str) and len(text) > chars:
        return textwrap.wrap(text, chars)
    return text


def _has_rect(view: dict) -> bool:
    mark = view.get("mark")
    kind = mark.get("type") if isinstance(mark, dict) else mark
    return kind == "rect" or any(_has_rect(layer) for layer in view.get("layer", []))


def _title(title):
    if isinstance(title, dict):
        title = dict(title)
        title["text"] = _lines(title.get("text"), TITLE_CHARS)
        if "subtitle" in title:
            title["subtitle"] = _lines(title["subtitle"], TITLE_CHARS + 6)
        return title
    return _lines(title, TITLE_CHARS)


def _encoding(encoding: dict) -> None:
    for channel, definition in encoding.items():
        if not isinstance(definition, dict):
            continue
        if channel in ("x", "y", "x2", "y2") and "title" in definition:
            definition["title"] = _lines(definition["title"], AXIS_CHARS)
        axis = definition.get("axis")
        if isinstance(axis, dict) and "title" in axis:
            axis["title"] = _lines(axis["title"], AXIS_CHARS)
        scale = definition.get("scale") or {}
        if (channel == "x" and definition.get("type") == "quantitative"
                and not ("axis" in definition and axis is None)  # (an axis the chart hides)
                and scale.get("type", "linear") == "linear"
                and not {"tickCount", "values"} & set(axis or {})):
            # a linear axis at a third of its width: half as many labels, so none collide
            definition["axis"] = {**(axis or {}), "tickCount": 5}
        legend = definition.get("legend")
        if legend is None and "legend" in definition:
            continue  # no legend
        legend = dict(legend or {})
        if channel in ("color", "fill", "stroke", "opacity", "size", "strokeDash", "shape"):
            if definition.get("type") == "quantitative":
                legend.update(orient="bottom", direction="horizontal",
                              gradientLength=min(PLOT_WIDTH - 40, 200))
            else:
                legend.update(orient="bottom", columns=1)
            if "title" in legend:
                legend["title"] = _lines(legend["title"], AXIS_CHARS)
            definition["legend"] = legend
        if "title" in definition and channel not in ("x", "y", "x2", "y2"):
            definition["title"] = _lines(definition["title"], AXIS_CHARS)


def _walk(node, in_heatmap: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, in_heatmap)
        return
    if not isinstance(node, dict):
        return
    if "hconcat" in node:
        node["vconcat"] = node.pop("hconcat")
    if "concat" in node:
        node["columns"] = 1
    width = node.get("width")
    if isinstance(width, (int, float)) and width > PLOT_WIDTH:
        if _has_rect(node) and isinstance(node.get("height"), (int, float)):
            node["height"] = round(node["height"] * PLOT_WIDTH / width)
        node["width"] = PLOT_WIDTH
    if "title" in node and ("mark" in node or "layer" in node or "vconcat" in node):
        node["title"] = _title(node["title"])
    if isinstance(node.get("encoding"), dict):
        _encoding(node["encoding"])
    for key in ("layer", "vconcat", "concat", "spec"):
        if key in node:
            _walk(node[key])


def narrow(spec: dict) -> dict:
    """The spec laid out for a narrow column (a copy: `spec` is unchanged)."""
    out = copy.deepcopy(spec)
    datasets = out.pop("datasets", None)  # not walked: data, not layout
    _walk(out)
    if datasets is not None:
        out["datasets"] = datasets
    return out


def layout_rules(charts: dict[str, tuple[float, float, float, float]]) -> str:
    """CSS that shows each chart's narrow layout in a column too narrow for its wide one.

    `charts` maps a chart's file base to (wide width, wide height, narrow width, narrow height) in
    CSS px; a figure is its own size container, named gde-chart (css/charts.css)."""
    rules = []
    for base, (width, _height, narrow_width, narrow_height) in sorted(charts.items()):
        below = math.floor(width * SMALLEST_SCALE) - 0.02
        key = f'.gde-chart[data-chart-file="{base}"]'
        rules.append(
            f"@container gde-chart (max-width: {below:.2f}px) {{\n"
            f"  {key} > .gde-chart__view {{ --gde-chart-width: {narrow_width:g}; "
            f"--gde-chart-height: {narrow_height:g}; --gde-chart-layout: narrow; }}\n"
            f"  {key} .gde-chart__layout--wide {{ display: none; }}\n"
            f"  {key} .gde-chart__layout--narrow {{ display: contents; }}\n"
            "}"
        )
    return "\n".join(rules) + "\n"
