"""The site build: strict build passes, directives are checked, assets are self-hosted, the wheel
is reproducible and listed in the site's Pyodide lock file."""

from __future__ import annotations

import hashlib
import html.parser
import json
import posixpath
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from build_scripts import lockfile, vendor, wheel
from explainer_core import demos as demo_lib
from tests.site_server import ROOT, build_site

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dest = tmp_path_factory.mktemp("site")
    done = build_site(dest)
    assert done.returncode == 0, done.stderr
    return dest, done.stderr


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_strict_build_places_runtime_wheel_and_charts(built):
    site, log = built
    numpy_wheel = site / "assets/vendor/pyodide" / vendor.NUMPY_WHEEL
    assert hashlib.sha256(numpy_wheel.read_bytes()).hexdigest() == vendor.NUMPY_SHA256
    lock = json.loads((site / "assets/vendor/pyodide/pyodide-lock.json").read_text())
    assert lock["info"]["version"] == "0.27.7"
    wheels = list((site / "assets/wheels").rglob("explainer_core-*-py3-none-any.whl"))
    assert len(wheels) == 1
    assert wheels[0].parent.name == _sha256(wheels[0].read_bytes())[:12]  # named by its content
    specs = list((site / "assets/charts").glob("toy_landscape-*.vl.json"))
    assert specs and json.loads(specs[0].read_text())["datasets"]["minimum"]
    assert "chart toy_landscape-" in log and "kB" in log  # sizes are reported


def _shipped() -> set[str]:
    """What the wheel must hold: every module of every subpackage, and the data files."""
    package = ROOT / "explainer_core"
    modules = {p for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    data = {p for pattern in ("*.npy", "*.txt") for p in (package / "data").glob(pattern)}
    return {p.relative_to(ROOT).as_posix() for p in modules | data}


def test_wheel_holds_every_subpackage_and_the_data_files(built):
    site, _ = built
    [served] = (site / "assets/wheels").rglob("*.whl")
    with zipfile.ZipFile(served) as archive:
        names = set(archive.namelist())
    expected = _shipped()
    assert {"explainer_core/chapters/real_landscapes.py", "explainer_core/demos/landscape.py",
            "explainer_core/data/camera64.npy"} <= expected
    assert expected <= names, sorted(expected - names)
    assert {n for n in names if not n.startswith("explainer_core-")} == expected  # nothing else


def test_the_python_panels_show_the_wheels_text_and_link_to_a_heading_of_their_page(built):
    """Each demo's `source` answer (its CODE) is the served wheel's text at the line it names,
    and its anchor is a heading on the page that holds the demo."""
    site, _ = built
    [served] = (site / "assets/wheels").rglob("*.whl")
    pages = {p: p.read_text() for p in site.rglob("index.html")}
    with zipfile.ZipFile(served) as archive:
        for demo in demo_lib.DEMOS:
            reply = json.loads(demo_lib.call(json.dumps({"demo": demo, "method": "source"})))
            holders = [text for text in pages.values() if f'data-demo="{demo}"' in text]
            assert holders, f"no page holds the demo {demo}"
            for entry in reply["result"]:
                lines = archive.read(entry["file"]).decode().splitlines(keepends=True)
                start = entry["line"] - 1
                assert "".join(lines[start:start + entry["text"].count("\n")]) == entry["text"]
                assert all(f'id="{entry["anchor"]}"' in text for text in holders), (demo, entry["anchor"])


def test_lock_file_is_the_official_lock_plus_our_wheel(built):
    site, _ = built
    [lock_file] = (site / "assets/pyodide-lock").rglob("pyodide-lock.json")
    data = lock_file.read_bytes()
    assert lock_file.parent.name == _sha256(data)[:12]  # a new lock gets a new URL
    lock, official = json.loads(data), json.loads(lockfile.OFFICIAL.read_text())
    assert lock["info"] == official["info"]  # Pyodide 0.27.7 refuses a lock without its version
    entry = lock["packages"].pop("explainer-core")  # Pyodide looks packages up by canonical name
    assert lock["packages"] == official["packages"]
    [served] = (site / "assets/wheels").rglob("*.whl")
    assert entry == {
        "name": "explainer-core", "version": "0.1.0", "sha256": _sha256(served.read_bytes()),
        "depends": ["numpy"], "imports": ["explainer_core"], "package_type": "package",
        "install_dir": "site", "unvendored_tests": False, "file_name": entry["file_name"],
    }
    # Pyodide resolves file_name against its indexURL, the self-hosted Pyodide folder
    resolved = posixpath.normpath(posixpath.join("assets/vendor/pyodide", entry["file_name"]))
    assert resolved == served.relative_to(site).as_posix()
    # the demo root on the page points the worker at this lock file
    page = (site / "landscape/index.html").read_text()
    [lock_url] = re.findall(r'data-lock="([^"]+)"', page)
    assert (site / "landscape" / lock_url).resolve() == lock_file.resolve()
    assert "data-wheel" not in page


def test_with_pyodide_from_a_cdn_the_lock_gives_the_wheels_address_on_the_site(monkeypatch):
    from mkdocs.exceptions import PluginError

    from build_scripts import hooks

    served = "assets/wheels/0123456789ab/explainer_core-0.1.0-py3-none-any.whl"
    monkeypatch.setitem(hooks._build, "wheel", (served, b""))
    cdn = {"explainer": {"pyodide_url": "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"}}
    # self-hosted: relative to Pyodide's own folder, which file names resolve against
    assert hooks._wheel_base({"extra": {}, "site_url": None}) == "../../wheels/0123456789ab/"
    # numpy from the CDN, explainer_core from the site: an absolute URL under site_url
    assert (hooks._wheel_base({"extra": cdn, "site_url": "https://example.org/gd/"})
            == "https://example.org/gd/assets/wheels/0123456789ab/")
    with pytest.raises(PluginError, match="needs site_url"):
        hooks._wheel_base({"extra": cdn, "site_url": None})


def test_page_html_has_the_directive_attributes_and_no_foreign_urls(built):
    site, _ = built
    page = (site / "landscape/index.html").read_text()
    assert 'data-demo="landscape"' in page and 'data-state="loading"' in page
    assert 'data-chart="toy_landscape"' in page
    assert "[[demo" not in page and "[[chart" not in page
    assert "fonts.googleapis" not in page and "cdn.jsdelivr" not in page


def test_every_demo_points_at_the_playground_page(built):
    site, _ = built
    pages = [p for p in site.rglob("index.html") if 'data-demo="' in p.read_text()]
    assert len(pages) >= 13
    for page in pages:
        html = page.read_text()
        targets = re.findall(r'data-playground="([^"]*)"', html)
        assert len(targets) == html.count('data-demo="'), page
        for target in targets:
            assert (page.parent / target / "index.html").resolve().is_file(), (page, target)


def test_authoring_guide_shows_directives_verbatim_in_code(built):
    site, _ = built
    guide = (site / "authoring/index.html").read_text()
    assert "[[chart: toy_landscape]]" in guide and 'data-chart="toy_landscape"' not in guide


class _Links(html.parser.HTMLParser):
    """The hrefs inside the elements whose class includes `css_class` (nested tags counted)."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class, self.depth, self.hrefs = css_class, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
        elif self.css_class in (attrs.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def _links(page_html: str, css_class: str) -> list[str]:
    parser = _Links(css_class)
    parser.feed(page_html)
    return parser.hrefs


def test_authoring_guide_is_in_the_footer_not_in_the_readers_menu(built):
    site, _ = built
    pages = [p for p in site.rglob("index.html") if "authoring" not in p.parts]
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text()
        nav = _links(text, "md-nav--primary")
        assert nav and not any("authoring" in h for h in nav), f"{page}: the guide is in the menu"
        assert not any("authoring" in h for h in _links(text, "md-footer__inner")), f"{page}: Next"
        assert any(h.endswith("authoring/") for h in _links(text, "md-copyright")), page


def test_wheel_is_reproducible(tmp_path):
    # two builds from one snapshot of the sources, seconds apart, give the same bytes
    sources = tmp_path / "sources"
    for relative in wheel.source_files():
        (sources / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, sources / relative)
    first = wheel.build(tmp_path / "a", root=sources)
    second = wheel.build(tmp_path / "b", root=sources)
    assert first.name == second.name
    assert _sha256(first.read_bytes()) == _sha256(second.read_bytes())


def test_unchanged_sources_reuse_the_cached_wheel(tmp_path, monkeypatch):
    built = wheel.ensure(tmp_path)
    assert built.parent.name == wheel.source_key()

    def no_build(dest):
        raise AssertionError("the sources did not change: the cached wheel should be used")

    monkeypatch.setattr(wheel, "build", no_build)
    assert wheel.ensure(tmp_path) == built


def _known_demos() -> list[str]:
    """The demos that have a Python module and page JS, named by their chapter slug."""
    modules = {p.stem.replace("_", "-") for p in (ROOT / "explainer_core/demos").glob("[!_]*.py")}
    scripts = {p.stem for p in (ROOT / "docs/js/demos").glob("[!_]*.js")}
    return sorted(modules & scripts)


def _strict_build_with_page(tmp_path, line: str) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "docs" / "broken.md").write_text(f"# Broken\n\nSome text.\n\n{line}\n")
    config = (ROOT / "mkdocs.yml").read_text().replace(
        "build_scripts/hooks.py", str(ROOT / "build_scripts" / "hooks.py")
    ).replace("custom_dir: build_scripts/theme", f"custom_dir: {ROOT / 'build_scripts' / 'theme'}")
    (project / "mkdocs.yml").write_text(config.replace("watch:\n  - explainer_core\n  - build_scripts\n", ""))
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=project, capture_output=True, text=True,
    )


def test_unknown_demo_fails_strict_build_listing_exactly_the_known_demos(tmp_path):
    done = _strict_build_with_page(tmp_path, "[[demo: no_such_demo]]")
    assert done.returncode != 0 and "broken.md:5" in done.stderr
    [known] = re.findall(r"unknown demo 'no_such_demo'; known demos: (.*)$", done.stderr, re.M)
    assert known.split(", ") == list(demo_lib.DEMOS)
    assert sorted(demo_lib.DEMOS) == _known_demos()


@pytest.mark.parametrize(
    "line, message",
    [
        ("[[chart: no_such_chart]]", "unknown chart 'no_such_chart'"),
        ("[[chart: toy_landscape activation]]", "cannot read option(s) activation"),
        ("The loss is [[value: landscape.no_such_number]] here.",
         "unknown value 'landscape.no_such_number': explainer_core.chapters.landscape has no"),
        ("Text [[value: no_such_chapter.x]].", "there is no chapter module"),
        ("Text [[value: landscape.global_minimum]].", "is tuple, not a number"),
    ],
)
def test_unknown_directive_fails_strict_build_naming_page_and_line(tmp_path, line, message):
    done = _strict_build_with_page(tmp_path, line)
    assert done.returncode != 0
    assert "broken.md:5" in done.stderr and message in done.stderr


def test_every_page_and_the_404_page_carry_the_policy_and_no_katex_script(built):
    site, _ = built
    for page in [*site.rglob("index.html"), site / "404.html"]:
        assert 'http-equiv="Content-Security-Policy"' in page.read_text(), page
    assert not list((site / "assets/vendor/katex").rglob("*.js"))  # maths is typeset at build time
    assert list((site / "assets/vendor/katex/fonts").glob("*.woff2"))


def test_the_code_editor_ships_whole_and_no_page_loads_it_before_a_panel_opens(built):
    """The bundle is the one build_scripts/editor.py made (one ES module, no imports left);
    pages name it nowhere (code.js imports it on first use) and the offline cache keeps it once used;
    the demos with an editable function say so on their element."""
    from build_scripts import editor

    site, _ = built
    shipped = site / "assets/vendor/editor/editor.js"
    assert shipped.read_bytes() == editor.BUNDLE.read_bytes()
    assert not (site / "assets/vendor/editor/stamp.txt").exists()
    assert "import" not in shipped.read_text()[:200] and "from\"@codemirror" not in shipped.read_text()
    for page in site.rglob("index.html"):
        assert "vendor/editor" not in page.read_text(), page
    # the offline cache lists it, to keep when a panel first loads it (never at install)
    worker = (site / "sw.js").read_text()
    listed = json.loads(worker[worker.index("const MANIFEST = ") + len("const MANIFEST = "):worker.index(";\nconst ROOT")])
    assert listed["assets/vendor/editor/editor.js"][1] == "used"
    assert [k for k, (_, strategy) in listed.items() if strategy == "used"] == ["assets/vendor/editor/editor.js"]
    editable = {p.parent.name: p.read_text() for p in site.rglob("index.html")}
    assert 'data-editable="search:metropolis_accept"' in editable["neuroevolution"]
    assert 'data-editable="search:_mutations,search:select"' in editable["evolution"]
    assert 'data-editable="optim:adam_direction"' in editable["momentum-adam"]
    assert 'data-editable="optim:descent_step"' in editable["gradient-descent"]
    assert 'data-editable="numdiff:forward_difference"' in editable["derivatives"]
    assert 'data-editable="speculative:tweak"' in editable["random-search"]
    assert 'data-editable="yours:ask,yours:tell,yours:update"' in editable["playground"]


def test_home_page_lists_every_chapter_of_the_navigation_once_in_order():
    """The home page is the table of contents: one numbered line per chapter, in the navigation's
    order, under the navigation's title, so a chapter added to the nav cannot be missing there."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav_block = config[config.index("\nnav:\n"):]
    nav = re.findall(r"^  - (.+?): (\S+\.md)\s*$", nav_block, re.M)
    chapters = [(title, page) for title, page in nav if page != "index.md"]
    home = (ROOT / "docs/index.md").read_text(encoding="utf-8")
    listed = re.findall(r"^(\d+)\. \[(.+?)\]\((\S+?\.md)\): \S.*$", home, re.M)
    assert [(title, page) for _, title, page in listed] == chapters
    assert [int(n) for n, _, _ in listed] == list(range(1, len(chapters) + 1))
    assert len(chapters) >= 13
