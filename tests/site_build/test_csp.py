"""build_scripts/csp.py: the policy hashes exactly the page's inline scripts, and names the
Pyodide CDN's origin only when one is configured."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from build_scripts import csp

PAGE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>t</title>
<script>var palette = 1;</script>
<script src="x.js"></script>
<script id="__config" type="application/json">{"a": 1}</script>
<script type="module">import "./y.js";</script>
</head><body><p>text</p>
<script>
  var target = "&lt;not decoded&gt;";
</script>
</body></html>"""


class _Scripts(HTMLParser):
    """An independent reading of the inline scripts a browser runs, with the standard parser."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type", "") in ("", "module"):
            self._open = []

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_entityref(self, name):  # script text is raw: never decoded
        if self._open is not None:
            self._open.append(f"&{name};")

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append("".join(self._open))
            self._open = None


def _hashes(html: str) -> set[str]:
    parser = _Scripts()
    parser.feed(html)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in parser.scripts}


def _policy(html: str) -> dict[str, list[str]]:
    content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1]
    return {d.split()[0]: d.split()[1:] for d in content.split("; ")}


def test_the_policy_hashes_the_inline_scripts_and_nothing_else():
    out = csp.apply(PAGE)
    policy = _policy(out)
    hashes = {s for s in policy["script-src"] if s.startswith("'sha256-")}
    assert hashes == _hashes(PAGE) and len(hashes) == 3  # palette, module, body; not JSON or src
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    # right after <meta charset>, before anything that loads
    assert re.search(r'<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy"', out)
    assert not any("http" in s for d in policy.values() for s in d)  # no other origin


def test_a_changed_script_changes_its_hash():
    before = _policy(csp.apply(PAGE))["script-src"]
    after = _policy(csp.apply(PAGE.replace("palette = 1", "palette = 2")))["script-src"]
    assert len(set(before) ^ set(after)) == 2


def test_the_cdn_origin_is_added_only_when_configured():
    cdn = _policy(csp.apply(PAGE, "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"))
    assert "https://cdn.jsdelivr.net" in cdn["script-src"] and "https://cdn.jsdelivr.net" in cdn["connect-src"]
    assert "https://cdn.jsdelivr.net" not in cdn["img-src"]
    for setting in ("", None, "assets/vendor/pyodide/", "/pyodide/"):
        policy = _policy(csp.apply(PAGE, setting))
        assert not any("cdn" in s or "http" in s for d in policy.values() for s in d), setting
    assert csp.cdn_origin("http://127.0.0.1:9000/py/") == "http://127.0.0.1:9000"
    with pytest.raises(ValueError, match="pyodide_url"):
        csp.cdn_origin("ftp://example.org/pyodide/")


def test_a_page_without_a_head_is_an_error():
    with pytest.raises(ValueError, match="no <head>"):
        csp.apply("<p>no head</p>")


def test_built_pages_hash_their_own_scripts(tmp_path):
    from tests.site_server import build_site

    done = build_site(tmp_path / "site")
    assert done.returncode == 0, done.stderr
    pages = sorted((tmp_path / "site").rglob("index.html"))
    assert len(pages) >= 4
    for path in pages:
        html = path.read_text()
        hashes = {s for s in _policy(html)["script-src"] if s.startswith("'sha256-")}
        assert hashes == _hashes(html) and hashes, path
