"""Every landscape chart renders to a valid Vega-Lite spec and a static fallback, within budget.

As Altair's own gallery tests do, each chart is built from its data and rendered; here the whole
spec as the build writes it (data in `datasets`, shared config) is also checked against the
Vega-Lite JSON schema, compiled to Vega and drawn to SVG by vl-convert, the fallback renderer.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

alt = pytest.importorskip("altair")
vl_convert = pytest.importorskip("vl_convert")

from altair.utils.schemapi import validate_jsonschema  # noqa: E402
from altair.vegalite.v6.schema import load_schema  # noqa: E402

from build_scripts import charts  # noqa: E402

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
    "dimensionality_sweep": {},
}

DEFAULT_SIZED = ["surface_paths", "saddle_paths", "training_slices", "connectivity_plane",
                 "optimizer_race", "flat_sharp"]


@pytest.fixture(scope="module")
def library():
    return charts.load_all()


@pytest.fixture(scope="module")
def specs(library):
    return {name: charts.to_spec(name, options) for name, options in CASES.items()}


def test_every_landscape_chart_is_registered_and_tested(library, specs):
    assert set(CASES) <= set(library)
    for name in CASES:
        assert len(specs[name]["description"]) > 80, f"{name}: write a real text alternative"


def test_race_alt_text_ranks_the_final_losses_of_its_data(specs):
    runs = specs["optimizer_race"]["datasets"]["runs"]
    final = {}
    for row in sorted(runs, key=lambda r: r["compute"]):
        final[row["method"]] = row["loss"]
    ranked = sorted(final, key=final.get)
    text = specs["optimizer_race"]["description"]
    positions = [text.index(f"{method} {final[method]:.3g}") for method in ranked]
    assert positions == sorted(positions), text


def _named_data(node, found):
    """Names of the tables the spec reads: every `"data": {"name": ...}`."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and "name" in data:
            found.add(data["name"])
        for key, value in node.items():
            if key != "datasets":
                _named_data(value, found)
    elif isinstance(node, list):
        for item in node:
            _named_data(item, found)
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_vega_lite_with_named_data_only(name, specs):
    spec = specs[name]
    validate_jsonschema(spec, load_schema())
    text = json.dumps(spec, allow_nan=False)  # no NaN or infinity anywhere
    assert '"values"' not in text, "data must be named tables a demo can stream into"
    used = _named_data({k: v for k, v in spec.items() if k != "datasets"}, set())
    assert used and used <= set(spec["datasets"]), (used, set(spec["datasets"]))
    for table in used:
        assert spec["datasets"][table], f"{name}: table {table} is empty"
    assert "background" not in spec["config"]  # transparent: light and dark pages


def _field_names(node, found):
    if isinstance(node, dict):
        field = node.get("field")
        if isinstance(field, str) and "type" in node:
            found.add(field)
        for value in node.values():
            _field_names(value, found)
    elif isinstance(node, list):
        for item in node:
            _field_names(item, found)
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_encoded_fields_exist_in_the_data(name, specs):
    # a misspelt field draws nothing, silently; every encoded field must be in some table or
    # be made by a transform of the spec
    spec = specs[name]
    available = set()
    for rows in spec["datasets"].values():
        available |= set(rows[0])
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    made = set(re.findall(r'"as": "([^"]+)"', text)) | set(re.findall(r'"as": \["([^"]+)"', text))
    made |= {"x0", "x1", "y0", "y1", "last", "text"}
    missing = _field_names({k: v for k, v in spec.items() if k != "datasets"}, set())
    missing -= available | made
    assert not missing, f"{name}: fields {missing} are in no table"


@pytest.mark.parametrize("name", list(CASES))
def test_fallback_svg_draws_every_mark(name, specs):
    spec = specs[name]
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
    assert not empty, f"{name}: marks drawn from no data: {empty}"
    # axis titles carry units or say what the numbers are
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "loss" in texts.lower() or "share" in texts.lower()


@pytest.mark.parametrize("name", DEFAULT_SIZED)
def test_default_chart_fits_the_page_budget(name, library):
    # the spec with its data, at the options a page uses, within 300 kB
    spec = charts.to_spec(name, {})
    size = len(json.dumps(spec, separators=(",", ":"), allow_nan=False).encode())
    assert size <= charts.MAX_BYTES, f"{name}: {size / 1000:.0f} kB"


def test_the_same_chart_function_draws_live_data(library):
    # A demo streams new paths into the spec's named tables: the chart built for other paths
    # on the same grid is the same spec apart from its data, and it draws them.
    from explainer_core.chapters import real_landscapes as landscape_figures

    data_a = landscape_figures.saddle_paths(n=15, lr=0.1, steps=60)
    data_b = landscape_figures.saddle_paths(n=15, lr=0.25, steps=20)
    assert data_a["paths"] != data_b["paths"] and data_a["grid"] == data_b["grid"]
    chart = library["saddle_paths"].chart
    assert chart(data_a).to_dict() == chart(data_b).to_dict()
    spec = charts.to_spec("saddle_paths", {"n": "15"})
    spec["datasets"] = data_b
    svg = vl_convert.vegalite_to_svg(spec, vl_version="6.4")
    assert "NaN" not in svg and "y0 = 0.001" in svg
