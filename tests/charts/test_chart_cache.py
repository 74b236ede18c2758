"""The chart cache's key follows exactly the explainer_core modules a chart module imports."""

from __future__ import annotations

from build_scripts import charts

ROOT = charts.ROOT


def _relative(paths) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in paths}


def test_a_chart_depends_on_what_its_module_imports_transitively_and_nothing_else():
    toy = _relative(charts.core_dependencies("build_scripts.charts.landscape"))
    real = _relative(charts.core_dependencies("build_scripts.charts.real_landscapes"))
    # directly imported chapters, and the library modules they import in turn
    assert {"explainer_core/__init__.py", "explainer_core/chapters/landscape.py",
            "explainer_core/landscape.py", "explainer_core/nets.py"} <= toy
    assert {"explainer_core/chapters/real_landscapes.py", "explainer_core/search.py"} <= real
    # another chapter's module, or one no chart imports, is no dependency
    assert "explainer_core/chapters/real_landscapes.py" not in toy
    assert "explainer_core/chapters/dimensions.py" not in real
    assert not {"explainer_core/images.py", "explainer_core/demos/__init__.py"} & (toy | real)
    assert all(path.startswith("explainer_core/") for path in toy | real)


def test_the_answer_is_kept_between_builds_until_a_file_it_read_changes(tmp_path, monkeypatch):
    module = "build_scripts.charts.landscape"
    monkeypatch.setattr(charts, "DEPENDENCY_MEMO", tmp_path / "dependencies.json")
    monkeypatch.setattr(charts, "_MEMO", {})
    first = charts.core_dependencies(module)
    assert charts.DEPENDENCY_MEMO.exists()

    searches = []
    finder = charts.modulefinder.ModuleFinder

    def counting(*args, **kwargs):
        searches.append(args)
        return finder(*args, **kwargs)

    monkeypatch.setattr(charts.modulefinder, "ModuleFinder", counting)
    monkeypatch.setattr(charts, "_MEMO", {})  # a new build: the memo comes from the file
    assert charts.core_dependencies(module) == first and searches == []

    changed = "explainer_core/nets.py"
    digest = charts._digest
    monkeypatch.setattr(charts, "_digest", lambda f: "edited" if f == changed else digest(f))
    assert charts.core_dependencies(module) == first and len(searches) == 1  # searched afresh
    assert charts.core_dependencies(module) == first and len(searches) == 1  # and kept again
