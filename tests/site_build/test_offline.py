"""build_scripts/offline.py: what the service worker keeps, and the Cache version that changes
with any byte of it (and only then)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from build_scripts import offline

LOCK = "assets/pyodide-lock/abc/pyodide-lock.json"
WHEEL = "assets/wheels/def/explainer_core-0.1.0-py3-none-any.whl"


def _site(root: Path, wheel_name: str = "../../wheels/def/explainer_core-0.1.0-py3-none-any.whl") -> Path:
    files = {
        "index.html": "<p>home</p>", "landscape/index.html": "<p>landscape</p>", "404.html": "404",
        "sitemap.xml": "<urlset/>", "js/runtime.js": "run()", "js/demos/landscape.js": "demo()",
        "js/worker.js": "work()", "css/explainer.css": "p{}",
        "assets/javascripts/bundle.1234.min.js": "b", "assets/javascripts/bundle.1234.min.js.map": "m",
        "assets/javascripts/lunr/min/lunr.de.min.js": "de",
        "assets/stylesheets/main.1.min.css": "c", "assets/vendor/vega/vega.min.js": "v",
        "assets/vendor/katex/katex.min.css": "k", "assets/vendor/katex/fonts/A.woff2": "w2",
        "assets/vendor/katex/fonts/A.ttf": "ttf", "assets/charts/c-1.vl.json": "{}",
        "assets/charts/c-1.svg": "<svg/>",
        "assets/vendor/pyodide/pyodide.js": "p", "assets/vendor/pyodide/pyodide.asm.js": "pa",
        "assets/vendor/pyodide/pyodide.asm.wasm": "wasm", "assets/vendor/pyodide/python_stdlib.zip": "z",
        "assets/vendor/pyodide/numpy-2.whl": "np", "assets/vendor/pyodide/scipy.whl": "sp",
        WHEEL: "ours",
    }
    lock = {"info": {}, "packages": {
        "numpy": {"file_name": "numpy-2.whl", "depends": []},
        "scipy": {"file_name": "scipy.whl", "depends": ["numpy"]},
        "explainer-core": {"file_name": wheel_name, "depends": ["numpy"]},
    }}
    files[LOCK] = json.dumps(lock)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_the_manifest_lists_the_runtime_pages_and_assets(tmp_path):
    site = _site(tmp_path)
    entries = offline.manifest(site, LOCK, "assets/vendor/pyodide/")
    for kept in ("assets/vendor/pyodide/pyodide.asm.wasm", "assets/vendor/pyodide/numpy-2.whl", WHEEL, LOCK,
                 "js/demos/landscape.js", "js/worker.js", "assets/vendor/katex/fonts/A.woff2",
                 "assets/charts/c-1.vl.json", "assets/charts/c-1.svg", "sitemap.xml"):
        assert kept in entries, kept
    for left in ("assets/vendor/pyodide/scipy.whl", "assets/javascripts/bundle.1234.min.js.map",
                 "assets/javascripts/lunr/min/lunr.de.min.js", "assets/vendor/katex/fonts/A.ttf",
                 "index.html", "landscape/index.html"):
        assert left not in entries, left
    assert entries["./"]["strategy"] == "network" and entries["landscape/"]["strategy"] == "network"
    assert entries["assets/charts/c-1.vl.json"]["strategy"] == "network"
    assert entries["assets/vendor/pyodide/pyodide.asm.wasm"]["strategy"] == "lazy"  # kept once Python runs
    assert entries[WHEEL]["sha256"] == hashlib.sha256(b"ours").hexdigest()


def test_the_version_changes_with_any_byte_and_only_then(tmp_path):
    site = _site(tmp_path)
    written = offline.write(site, LOCK, "assets/vendor/pyodide/")
    code = (site / "sw.js").read_text()
    again = offline.write(site, LOCK, "assets/vendor/pyodide/")
    assert again == written and (site / "sw.js").read_text() == code  # same build, same worker
    (site / "assets/vendor/pyodide/pyodide.asm.wasm").write_text("wasn")
    offline.write(site, LOCK, "assets/vendor/pyodide/")
    changed = (site / "sw.js").read_text()
    name = lambda text: text.split("const CACHE = ", 1)[1].split(";", 1)[0]  # noqa: E731
    assert name(changed) != name(code) and name(code).startswith('"gde-')
    template = offline.TEMPLATE.read_text()
    assert offline.version(written, template) != offline.version(written, template + "\n")


def test_with_pyodide_on_a_cdn_only_the_site_s_files_are_kept(tmp_path):
    site = _site(tmp_path, wheel_name="https://example.org/gd/" + WHEEL)
    entries = offline.manifest(site, LOCK, "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/",
                               "https://example.org/gd/")
    assert WHEEL in entries and LOCK in entries
    assert not [key for key in entries if key.startswith("assets/vendor/pyodide/")]


def test_a_missing_file_is_named(tmp_path):
    site = _site(tmp_path)
    (site / "assets/vendor/pyodide/python_stdlib.zip").unlink()
    with pytest.raises(ValueError, match="python_stdlib.zip"):
        offline.manifest(site, LOCK, "assets/vendor/pyodide/")
