"""The site build: strict build passes, directives are checked, assets are self-hosted."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile

import pytest

from build_scripts import vendor, wheel
from tests.site_server import ROOT, build_site

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dest = tmp_path_factory.mktemp("site")
    done = build_site(dest)
    assert done.returncode == 0, done.stderr
    return dest, done.stderr


def test_strict_build_places_runtime_wheel_and_charts(built):
    site, log = built
    numpy_wheel = site / "assets/vendor/pyodide" / vendor.NUMPY_WHEEL
    assert hashlib.sha256(numpy_wheel.read_bytes()).hexdigest() == vendor.NUMPY_SHA256
    lock = json.loads((site / "assets/vendor/pyodide/pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    wheels = list((site / "assets/wheels").rglob("explainer_core-*-py3-none-any.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as archive:
        names = archive.namelist()
    assert "explainer_core/toy.py" in names and "explainer_core/demos/landscape.py" in names
    specs = list((site / "assets/charts").glob("toy_landscape-*.vl.json"))
    assert specs and json.loads(specs[0].read_text())["datasets"]["minimum"]
    assert "chart toy_landscape-" in log and "kB" in log  # sizes are reported


def test_page_html_has_the_directive_attributes_and_no_foreign_urls(built):
    site, _ = built
    page = (site / "landscape/index.html").read_text()
    assert 'data-demo="landscape"' in page and 'data-state="loading"' in page
    assert 'data-chart="toy_landscape"' in page
    assert "[[demo" not in page and "[[chart" not in page
    assert "fonts.googleapis" not in page and "cdn.jsdelivr" not in page


def test_authoring_guide_shows_directives_verbatim_in_code(built):
    site, _ = built
    guide = (site / "authoring/index.html").read_text()
    assert "[[chart: toy_landscape]]" in guide and 'data-chart="toy_landscape"' not in guide


def test_wheel_is_reproducible():
    assert wheel.build_wheel() == wheel.build_wheel()


@pytest.mark.parametrize(
    "line, message",
    [
        ("[[demo: no_such_demo]]", "unknown demo 'no_such_demo'; known demos: landscape"),
        ("[[chart: no_such_chart]]", "unknown chart 'no_such_chart'"),
        ("[[chart: toy_landscape activation]]", "cannot read option(s) activation"),
    ],
)
def test_unknown_directive_fails_strict_build_naming_page_and_line(tmp_path, line, message):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "docs" / "broken.md").write_text(f"# Broken\n\nSome text.\n\n{line}\n")
    config = (ROOT / "mkdocs.yml").read_text().replace(
        "build_scripts/hooks.py", str(ROOT / "build_scripts" / "hooks.py")
    )
    (project / "mkdocs.yml").write_text(config.replace("watch:\n  - explainer_core\n  - build_scripts\n", ""))
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=project, capture_output=True, text=True,
    )
    assert done.returncode != 0
    assert "broken.md:5" in done.stderr and message in done.stderr
