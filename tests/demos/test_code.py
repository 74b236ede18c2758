"""The "Python" panel's source call: every demo names library functions, and what it answers is
the installed file's own text at the line it names (in Pyodide: the wheel's file)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import explainer_core
from explainer_core import demos
from explainer_core.demos import code
from tests.demos._demo_client import call

PACKAGE_DIR = Path(explainer_core.__file__).parent


@pytest.mark.parametrize("demo", demos.DEMOS)
def test_every_demo_answers_its_code_as_the_files_hold_it(demo):
    reply = call(demo, "source", {})
    assert reply["ok"], reply
    entries = reply["result"]
    assert entries, f"{demo} names no code in CODE"
    for entry in entries:
        assert entry["file"].startswith("explainer_core/") and entry["file"].endswith(".py")
        lines = (PACKAGE_DIR.parent / entry["file"]).read_text().splitlines(keepends=True)
        shown = entry["text"].splitlines(keepends=True)
        assert lines[entry["line"] - 1: entry["line"] - 1 + len(shown)] == shown
        function = entry["name"].rsplit(".", 1)[1]
        assert shown[0].lstrip().startswith(f"def {function}("), shown[0]
        assert entry["anchor"]


def test_the_text_is_the_whole_function_that_runs():
    """The shown text compiles to the function the library runs: nothing cut off or added."""
    [entry] = [e for e in call("neuroevolution", "source", {})["result"]
               if e["name"].endswith("metropolis_accept")]
    namespace = dict(vars(importlib.import_module("explainer_core.search")))
    exec(compile(entry["text"], "<shown>", "exec"), namespace)
    import numpy as np
    from explainer_core import search
    delta, uniform = np.array([-1.0, 0.5, 2.0]), np.array([0.3, 0.5, 0.01])
    assert np.array_equal(namespace["metropolis_accept"](delta, 2.0, uniform),
                          search.metropolis_accept(delta, 2.0, uniform))


def test_a_bad_code_name_is_refused_naming_it():
    class Demo:
        CODE = (("search", "x"),)
    with pytest.raises(ValueError, match="'search' is not 'module:function'"):
        code.source(Demo)
