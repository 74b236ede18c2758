"""What every chart's spec must pass, shared by the per-chapter chart tests (test_<slug>.py).

As Altair's own gallery tests do, each chart is built from its data and rendered; here the whole
spec as the build writes it (data in `datasets`, shared config) is also checked against the
Vega-Lite JSON schema, compiled to Vega and drawn to SVG by vl-convert, the fallback renderer.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import vl_convert
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from build_scripts import charts


def registered_in(chapter: str) -> set[str]:
    """The charts that build_scripts/charts/<chapter>.py registers."""
    module = f"{charts.__name__}.{chapter}"
    return {name for name, chart in charts.load_all().items() if chart.chart.__module__ == module}


def nodes(tree, skip=("datasets",)):
    """Every object (dict) in a JSON tree, depth first, leaving out the keys in `skip`."""
    if isinstance(tree, dict):
        yield tree
        for key, value in tree.items():
            if key not in skip:
                yield from nodes(value, skip)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item, skip)


MAY_BE_EMPTY = {("optimizer_race", "diverged")}


def assert_valid_with_named_data_only(name: str, spec: dict) -> None:
    validate_jsonschema(spec, load_schema())
    text = json.dumps(spec, allow_nan=False)  # no NaN or infinity anywhere
    inline = [node for node in nodes(spec)
              if isinstance(node.get("data"), dict) and "values" in node["data"]]
    assert not inline, "data must be named tables a demo can stream into"
    # the tables the spec reads: every `"data": {"name": ...}`
    used = {node["data"]["name"] for node in nodes(spec)
            if isinstance(node.get("data"), dict) and "name" in node["data"]}
    assert used and used <= set(spec["datasets"]), (used, set(spec["datasets"]))
    for table in used:
        # a table of exceptions (the race's diverged runs) is empty when nothing went wrong
        assert spec["datasets"][table] or (name, table) in MAY_BE_EMPTY, f"{name}: table {table} is empty"
    assert "background" not in spec["config"]  # transparent: light and dark pages
    assert len(spec["description"]) > 80, f"{name}: write a real text alternative"


def assert_encoded_fields_exist(name: str, spec: dict) -> None:
    # a misspelt field draws nothing, silently; every encoded field must be in some table or
    # be made by a transform of the spec
    available = set()
    for rows in spec["datasets"].values():
        available |= set(rows[0]) if rows else set()
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    made = set(re.findall(r'"as": "([^"]+)"', text)) | set(re.findall(r'"as": \["([^"]+)"', text))
    made |= {"x0", "x1", "y0", "y1", "last", "text"}
    encoded = {node["field"] for node in nodes(spec)
               if isinstance(node.get("field"), str) and "type" in node}
    missing = encoded - available - made
    assert not missing, f"{name}: fields {missing} are in no table"


def assert_fallback_draws_every_mark(name: str, spec: dict) -> None:
    svg = vl_convert.vegalite_to_svg(spec, vl_version="6.4")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "NaN" not in svg, "a mark got no position: a field is missing or not a number"
    groups = [g for g in root.iter() if (g.get("class") or "").startswith("mark-")]
    marks = [g for g in groups if "role-mark" in (g.get("class") or "")
             and "role-axis" not in (g.get("class") or "")
             and "role-legend" not in (g.get("class") or "")
             and "role-title" not in (g.get("class") or "")
             and (g.get("class") or "").split()[0] != "mark-group"]
    assert marks
    empty = [g.get("class") for g in marks if len(list(g)) == 0]
    if any(chart == name and not spec["datasets"][table] for chart, table in MAY_BE_EMPTY):
        # the marks of an empty exceptions table (the race's divergence crosses) draw nothing
        empty = [c for c in empty if not c.startswith("mark-symbol")]
    assert not empty, f"{name}: marks drawn from no data: {empty}"
    # axis titles carry units or say what the numbers are
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "loss" in texts.lower() or "share" in texts.lower()


def assert_default_fits_the_page_budget(name: str) -> None:
    # the spec with its data, at the options a page uses, within 300 kB
    spec = charts.to_spec(name, {})
    size = len(json.dumps(spec, separators=(",", ":"), allow_nan=False).encode())
    assert size <= charts.MAX_BYTES, f"{name}: {size / 1000:.0f} kB"


def _svg_width(spec: dict) -> float:
    root = ET.fromstring(vl_convert.vegalite_to_svg(spec, vl_version="6.4"))
    return float(root.get("width"))


def assert_narrow_layout_fits_a_phone(name: str, spec: dict) -> None:
    """A chart too wide for a phone's column has a narrow layout (charts/_narrow.py) that is a
    valid spec, draws every mark, and fits the column at full size: text stays 12 px."""
    from build_scripts.charts import _narrow

    wide = _svg_width(spec)
    if not _narrow.needs_narrow(wide):
        assert wide * _narrow.SMALLEST_SCALE <= _narrow.NARROW_MAX
        return
    narrow = _narrow.narrow(spec)
    assert narrow["datasets"] == spec["datasets"]
    assert_valid_with_named_data_only(name, narrow)
    assert_fallback_draws_every_mark(name, narrow)
    assert "hconcat" not in json.dumps({k: v for k, v in narrow.items() if k != "datasets"})
    width = _svg_width(narrow)
    assert width <= _narrow.NARROW_MAX, f"{name}: the narrow layout is {width:.0f} px wide"
