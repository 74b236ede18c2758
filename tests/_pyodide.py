"""Run a snippet of Python inside Pyodide (Node + the vendored runtime), for cross-runtime tests.

    result = run_in_pyodide("import numpy as np\\nresult = float(np.pi)")

The snippet runs with numpy and explainer_core importable and must assign a JSON-serialisable
`result`, which comes back decoded. Errors inside Pyodide raise `PyodideError` with its traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "pyodide" / "run.mjs"
MARK = "@@RESULT@@"


class PyodideError(RuntimeError):
    pass


def available() -> str | None:
    """None when Pyodide can run here; else the reason it cannot."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ROOT / ".cache" / "vendor" / "pyodide" / "pyodide.mjs").exists():
        return "Pyodide is not vendored: run python -m build_scripts.vendor"
    return None


def run_in_pyodide(code: str, timeout: float = 600) -> object:
    reason = available()
    if reason:
        raise PyodideError(reason)
    done = subprocess.run(
        ["node", str(RUNNER), "python"],
        input=code,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if done.returncode != 0 or MARK not in done.stdout:
        raise PyodideError(f"Pyodide run failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.rsplit(MARK, 1)[1])


def run_for_benchmark(code: str) -> object | None:
    """`run_in_pyodide(code)` for a benchmark: None, after printing why, where Pyodide can't run."""
    reason = available()
    if reason:
        print(f"Pyodide: skipped ({reason})")
        return None
    return run_in_pyodide(code)


def run_here(code: str) -> object:
    """Run the same snippet in this CPython, returning its `result` as JSON would carry it."""
    namespace: dict = {"__name__": "__cpython_run__"}
    exec(compile(code, "<cpython>", "exec"), namespace)
    return json.loads(json.dumps(namespace.get("result")))


def run_both(code: str) -> tuple[dict, dict]:
    """(CPython's result, Pyodide's result) of the same snippet, for a test comparing them;
    the test is skipped where Pyodide cannot run. Both must have produced the same keys."""
    import pytest

    reason = available()
    if reason:
        pytest.skip(reason)
    here, there = run_here(code), run_in_pyodide(code)
    assert sorted(here) == sorted(there)
    return here, there


def close(a, b, tol: float = 1e-12) -> bool:
    """Nested JSON values equal, floats to `tol` (relative, or absolute near zero)."""
    import math

    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(u, v, tol) for u, v in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    return a == b
