"""Maths is typeset at build time: every formula of the Markdown sources reaches its page as
KaTeX markup, no TeX is left for a script, pages load no KaTeX JavaScript, and a formula KaTeX
cannot read fails the strict build naming the page, the line and the TeX.

The reference for "every formula" is the Markdown itself, scanned here for TeX delimiters
independently of pymdownx.arithmatex: a formula the Markdown parser misses (as a display formula
inside a list item once was) shows up as a count that does not match.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from build_scripts import maths
from tests.site_server import ROOT, build_site

pytestmark = pytest.mark.site

DOCS = ROOT / "docs"
FENCE = re.compile(r"^ *(`{3,}|~{3,}).*?^ *\1 *$", re.S | re.M)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
SOURCE_DISPLAY = re.compile(r"\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
SOURCE_INLINE = re.compile(r"\\\((.+?)\\\)|(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)
RAW_DELIMITERS = ("\\(", "\\)", "\\[", "\\]", "$$")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def source_formulas(markdown: str) -> tuple[list[str], list[str]]:
    """(inline, display) TeX of a Markdown page, outside code, in order."""
    text = CODE_SPAN.sub("", FENCE.sub("", markdown))
    display = [a or b for a, b in SOURCE_DISPLAY.findall(text)]
    text = SOURCE_DISPLAY.sub("", text)
    inline = [a or b for a, b in SOURCE_INLINE.findall(text)]
    return inline, display


class PageText(HTMLParser):
    """The text of a page outside <code>, <pre>, <script>, <style> and MathML annotations
    (which hold the TeX source on purpose), and the KaTeX formulas with their TeX and mode."""

    SKIP = {"code", "pre", "script", "style", "annotation"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.text: list[str] = []
        self.formulas: list[dict] = []  # {"display": bool, "tex": str, "item": text of the <li>}
        self._annotation: list[str] | None = None
        self._items: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            return
        self.stack.append((tag, classes))
        if tag == "li":
            self._items.append([])
        if "katex" in classes:
            display = any("katex-display" in c for _, c in self.stack[:-1])
            item = "".join(self._items[-1]) if self._items else None
            self.formulas.append({"display": display, "tex": None, "item": item})
        if tag == "annotation":
            self._annotation = []

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == "li":
                self._items.pop()
            if open_tag == "annotation" and self._annotation is not None:
                self.formulas[-1]["tex"] = "".join(self._annotation)
                self._annotation = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._annotation is not None:
            self._annotation.append(data)
        if any(tag in self.SKIP for tag, _ in self.stack):
            return
        self.text.append(data)
        for item in self._items:
            item.append(data)


def parse(path: Path) -> PageText:
    parser = PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def normalise(tex: str) -> str:
    return " ".join(tex.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("site")
    done = build_site(dest)
    assert done.returncode == 0, done.stderr
    return dest


def pages(site: Path) -> dict[Path, Path]:
    """Each Markdown page and the HTML it became."""
    out = {}
    for source in sorted(DOCS.glob("*.md")):
        folder = "" if source.stem == "index" else f"{source.stem}/"
        out[source] = site / folder / "index.html"
    assert len(out) >= 4 and all(target.exists() for target in out.values())
    return out


def test_no_raw_tex_reaches_any_page(site):
    for target in site.rglob("*.html"):
        text = "".join(parse(target).text)
        for delimiter in RAW_DELIMITERS:
            assert delimiter not in text, f"{target.relative_to(site)}: raw {delimiter!r}"
        assert TEX_COMMAND.findall(text) == [], f"{target.relative_to(site)}: TeX left as text"


def test_every_formula_of_the_sources_is_katex_markup_with_its_tex(site):
    total = 0
    for source, target in pages(site).items():
        inline, display = source_formulas(source.read_text(encoding="utf-8"))
        formulas = parse(target).formulas
        got_display = [normalise(f["tex"]) for f in formulas if f["display"]]
        got_inline = [normalise(f["tex"]) for f in formulas if not f["display"]]
        assert got_display == [normalise(t) for t in display], source.name
        assert got_inline == [normalise(t) for t in inline], source.name
        total += len(formulas)
    assert total > 40  # the chapters' formulas, not an empty site
    assert "arithmatex" in (site / "landscape/index.html").read_text()  # Material's styling hook


def test_the_formula_in_a_list_item_is_displayed(site):
    source = (DOCS / "landscape.md").read_text(encoding="utf-8")
    [item_source] = [block for block in source.split("\n- ") if block.startswith("**Follow the slope")]
    [expected] = source_formulas(item_source)[1]
    in_items = [f for f in parse(site / "landscape/index.html").formulas
                if f["item"] is not None and f["item"].lstrip().startswith("Follow the slope")]
    assert [normalise(f["tex"]) for f in in_items if f["display"]] == [normalise(expected)]


def test_pages_ship_katex_css_and_fonts_but_no_maths_script(site):
    css = site / "assets/vendor/katex/katex.min.css"
    fonts = set(re.findall(r"url\(([^)]+)\)", css.read_text()))
    assert len(fonts) >= 20
    for font in fonts:
        assert (css.parent / font).is_file(), font
    for target in site.rglob("*.html"):
        page = target.read_text(encoding="utf-8")
        scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
        assert not [s for s in scripts if "katex" in s or "math.js" in s], target
        if "404" not in target.name:
            assert "assets/vendor/katex/katex.min.css" in page, target


def test_good_formulas_come_from_the_cache(tmp_path, monkeypatch):
    page = '<p><span class="arithmatex">\\(x &lt; \\sqrt{y}\\)</span></p>'
    first, problems = maths.typeset(page, cache=tmp_path)
    assert problems == [] and 'class="katex"' in first
    assert "<annotation encoding=\"application/x-tex\">x &lt; \\sqrt{y}</annotation>" in first
    assert len(list(tmp_path.glob("*.html"))) == 1

    def no_node(items):
        raise AssertionError("a cached formula was sent to Node")

    monkeypatch.setattr(maths._node, "ask", no_node)
    assert maths.typeset(page, cache=tmp_path) == (first, [])


def test_a_bad_formula_is_a_problem_with_its_line(tmp_path):
    source = "# Page\n\nFine \\(a\\), broken \\(\\frac{1\\).\n"
    page = ('<p>Fine <span class="arithmatex">\\(a\\)</span>, broken '
            '<span class="arithmatex">\\(\\frac{1\\)</span>.</p>')
    out, problems = maths.typeset(page, source, cache=tmp_path)
    [problem] = problems
    assert (problem.tex, problem.display, problem.line) == ("\\frac{1", False, 3)
    assert "KaTeX parse error" in problem.message
    assert 'class="katex-error"' in out  # the page shows KaTeX's error rendering
    assert len(list(tmp_path.glob("*.html"))) == 1  # only the good formula is cached


def test_a_bad_formula_fails_the_strict_build_naming_page_line_and_tex(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DOCS, project / "docs")
    (project / "docs" / "broken.md").write_text(
        "# Broken\n\nSome text.\n\n\\[\n\\frac{1}{2} + \\undefinedmacro\n\\]\n"
    )
    config = (ROOT / "mkdocs.yml").read_text()
    config = config.replace("build_scripts/hooks.py", str(ROOT / "build_scripts" / "hooks.py"))
    config = config.replace("custom_dir: build_scripts/theme", f"custom_dir: {ROOT / 'build_scripts/theme'}")
    config = re.sub(r"watch:\n(  - .*\n)+", "", config)
    (project / "mkdocs.yml").write_text(config)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=project, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode != 0
    assert "broken.md:6: maths" in done.stderr, done.stderr
    assert "\\\\undefinedmacro" in done.stderr and "Undefined control sequence" in done.stderr
