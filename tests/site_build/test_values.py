"""The `[[value: ...]]` directive (build_scripts/values.py): numbers computed by a chapter module,
formatted for prose, cached, and refused with a reason when they cannot be computed."""

from __future__ import annotations

import math
import types

import pytest

from build_scripts import values


@pytest.mark.parametrize("number, spec, shown", [
    (0.9312, ".0%", "93%"),
    (0.9312, ".1%", "93.1%"),
    (1234567, None, "1,234,567"),
    (1234567, ",d", "1,234,567"),
    (12345.678, None, "12,346"),
    (0.123456, None, "0.123"),
    (3.0, None, "3"),
    (0.00123, ".2g", "0.0012"),
    (5.2e-11, None, "5.2 × 10⁻¹¹"),
    (1e-5, None, "10⁻⁵"),
    (-0.5, None, "−0.5"),
    (123456789.0, ".3g", "1.23 × 10⁸"),
    (0, None, "0"),
])
def test_numbers_read_as_prose(number, spec, shown):
    assert values.format_value(number, spec) == shown


def test_a_format_that_does_not_apply_is_refused():
    with pytest.raises(ValueError, match="format ',d' does not apply to 0.5"):
        values.format_value(0.5, ",d")


def fake_chapter(monkeypatch, **attributes):
    module = types.ModuleType("explainer_core.chapters.fake_chapter")
    module.__dict__.update(attributes)
    monkeypatch.setitem(__import__("sys").modules, "explainer_core.chapters.fake_chapter", module)


def test_options_reach_the_function_typed(monkeypatch):
    seen = {}

    def accuracy(data="vertical", steps=10, lr=0.1, average=False):
        seen.update(data=data, steps=steps, lr=lr, average=average)
        return 0.5

    fake_chapter(monkeypatch, accuracy=accuracy, CONSTANT=7)
    assert values.compute("fake_chapter.accuracy",
                          {"data": "spiral", "steps": "40", "lr": "0.5", "average": "True"}) == 0.5
    assert seen == {"data": "spiral", "steps": 40, "lr": 0.5, "average": True}
    assert values.compute("fake_chapter.CONSTANT", {}) == 7


@pytest.mark.parametrize("attributes, name, options, message", [
    ({}, "fake_chapter.nothing", {}, "has no 'nothing'"),
    ({"f": lambda: [1, 2]}, "fake_chapter.f", {}, "is list, not a number"),
    ({"f": lambda: math.nan}, "fake_chapter.f", {}, "is nan, not a finite number"),
    ({"f": lambda: True}, "fake_chapter.f", {}, "is bool, not a number"),
    ({"f": lambda: 1 / 0}, "fake_chapter.f", {}, "failed: ZeroDivisionError"),
    ({"f": lambda: 1.0}, "fake_chapter.f", {"x": "1"}, "failed: TypeError"),
    ({"C": 2.0}, "fake_chapter.C", {"x": "1"}, "is a constant: it takes no options"),
    ({}, "no_dot", {}, "write module.name"),
])
def test_what_cannot_be_a_number_in_the_text_is_refused_with_the_reason(
        monkeypatch, attributes, name, options, message):
    fake_chapter(monkeypatch, **attributes)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        values.compute(name, options)


def test_a_value_is_computed_once_and_again_when_its_code_changes(tmp_path, monkeypatch):
    calls = []
    real = values.compute

    def counting(name, options):
        calls.append(name)
        return real(name, options)

    monkeypatch.setattr(values, "compute", counting)
    # the first data point of the landscape chapter, as its text states it
    first = values.render("landscape.data_point", {"index": "0", "axis": "x"}, tmp_path)
    again = values.render("landscape.data_point", {"index": "0", "axis": "x"}, tmp_path)
    assert first == again and calls == ["landscape.data_point"]
    assert 'data-value="-1.5"' in first and ">−1.5</span>" in first
    assert values.render("landscape.data_point", {"index": "0", "axis": "y", "format": ".3f"},
                         tmp_path).endswith(">−0.997</span>")
    # the key covers every explainer_core file the chapter module imports: edit one, and the
    # number is computed again
    source = tmp_path / "explainer_core" / "fake.py"
    source.parent.mkdir()
    source.write_text("A = 1\n")
    monkeypatch.setattr(values, "ROOT", tmp_path)
    monkeypatch.setattr(values.chart_lib, "core_dependencies", lambda module: [source])
    before = values.cache_key("landscape.data_point", {"index": "0"})
    source.write_text("A = 2\n")
    assert values.cache_key("landscape.data_point", {"index": "0"}) != before
    assert values.cache_key("landscape.data_point", {"index": "1"}) != before
