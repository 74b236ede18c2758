"""The service worker: repeat visits start at once, and a site opened once reads offline.

After the build, `write(site_dir, ...)` lists what a reader needs (the manifest) and writes
`sw.js` at the site's root from the template `build_scripts/sw_template.js`:

- the runtime: Pyodide (pyodide.js, pyodide.asm.js, pyodide.asm.wasm, python_stdlib.zip), every
  wheel the site's lock file needs for numpy and explainer_core (numpy's and ours, found by
  walking the lock's `depends`), the lock file itself; Vega; KaTeX's stylesheet and the woff2
  fonts it names first (a browser that reads woff2 never asks for the woff/ttf copies); the
  page scripts and stylesheets, Material's bundle, search worker and stylesheets;
- every page, chart spec and chart fallback picture, the sitemap (instant navigation reads it)
  and the search index: the whole site is a few MB beside the runtime's ~17 MB, so all of it
  is kept, and a reader who opened the site once can read every chapter and run every demo with
  the network off.

The Python runtime (Pyodide's files and the wheels) is kept the first time Python runs, as it
passes through the worker, or when the page says Python has started; the code editor
(`assets/vendor/editor/`) the first time a Python panel with an editor opens; everything else at
install. So a reader who only reads downloads no runtime, one who runs a demo downloads it once,
and the editor is downloaded only by a reader who opens it, then works offline too.

Each entry carries its sha256; the Cache is named by a hash of all of them (and of the worker's
own code), so a build that changes any byte gets a new Cache, filled completely before it is
used, and the old one is deleted when the new worker takes over: never a mix of two builds.

When `extra.explainer.pyodide_url` puts Pyodide on another origin (a CDN), its files are not
kept: a service worker can only keep what it can read, and a cross-origin file without CORS is
opaque to it; the browser's HTTP cache keeps those. The lock file and explainer_core's wheel
come from the site, and are kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import urllib.parse
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.explainer.offline")

TEMPLATE = Path(__file__).with_name("sw_template.js")
PYODIDE_CORE = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
PACKAGES = ["numpy", "explainer_core"]  # what the worker loads (docs/js/worker.js)
# glob patterns, relative to the site's root, of everything else a reader needs
KEPT = [
    "js/**/*.js",  # the page code and the demos' modules
    "css/**/*.css",  # the site's styles, the demos' own (css/demos/) included
    "assets/javascripts/*.min.js",  # Material's bundle (not lunr's languages: the site is English)
    "assets/javascripts/workers/*.min.js",  # its search worker
    "assets/stylesheets/*.min.css",
    "assets/images/*",
    "assets/vendor/vega/*.js",
    "assets/charts/*",
]
USED = ["assets/vendor/editor/*"]  # kept as they pass, when a reader first uses them


def _lock_files(site: Path, lock_path: str, pyodide_url: str, site_url: str | None) -> list[str]:
    """The site paths of the wheels the lock gives for PACKAGES and their dependencies (those on
    the site: with Pyodide on a CDN, numpy's wheel is there too and is left out)."""
    lock = json.loads((site / lock_path).read_bytes())
    wanted, seen = [], set()

    def visit(name: str) -> None:
        key = name.lower().replace("_", "-")
        entry = lock["packages"].get(key) or lock["packages"].get(name)
        if entry is None:
            raise ValueError(f"the site's lock file has no package {name!r}")
        if key in seen:
            return
        seen.add(key)
        wanted.append(entry["file_name"])
        for dependency in entry.get("depends", []):
            visit(dependency)

    for name in PACKAGES:
        visit(name)
    root = "https://site.invalid/"  # the site's root, wherever it is served
    index_url = urllib.parse.urljoin(root, pyodide_url)  # file names resolve against Pyodide's
    paths = []
    for file_name in wanted:
        if site_url and file_name.startswith(site_url):  # our wheel's absolute URL, beside a CDN
            file_name = root + file_name[len(site_url):]
        url = urllib.parse.urljoin(index_url, file_name)
        if url.startswith(root):
            paths.append(posixpath.normpath(url[len(root):]))
    return paths


def _katex(site: Path) -> list[str]:
    folder = site / "assets/vendor/katex"
    if not (folder / "katex.min.css").exists():
        return []
    return ["assets/vendor/katex/katex.min.css"] + sorted(
        f"assets/vendor/katex/fonts/{p.name}" for p in (folder / "fonts").glob("*.woff2"))


def _page_key(relative: str) -> str:
    """The address a page is asked for: `landscape/` for landscape/index.html."""
    if relative == "index.html":
        return "./"
    if relative.endswith("/index.html"):
        return relative[: -len("index.html")]
    return relative


def manifest(site_dir: Path, lock_path: str, pyodide_url: str, site_url: str | None = None) -> dict:
    """{address relative to the site's root: {"sha256", "size", "strategy"}} of every file kept.

    `pyodide_url` is where the worker loads Pyodide from: a path relative to the site's root
    (the self-hosted copy) or an absolute URL (a CDN, whose files are not kept).
    """
    site = Path(site_dir)
    files: dict[str, str] = {}  # address -> path in the site

    def keep(relative: str, key: str | None = None) -> None:
        if not (site / relative).is_file():
            raise ValueError(f"the service worker should keep {relative}, which the build did not write")
        files[key or relative] = relative

    runtime = set()  # kept when Python first runs, not at install
    if not urllib.parse.urlsplit(pyodide_url).netloc:  # self-hosted
        for name in PYODIDE_CORE:
            keep(posixpath.join(pyodide_url, name))
            runtime.add(posixpath.join(pyodide_url, name))
    for relative in _lock_files(site, lock_path, pyodide_url, site_url):
        keep(relative)
        runtime.add(relative)
    keep(lock_path)
    for relative in _katex(site):
        keep(relative)
    for pattern in KEPT:
        for path in sorted(site.glob(pattern)):
            if path.is_file() and not path.name.endswith(".map"):
                keep(path.relative_to(site).as_posix())
    used = set()
    for pattern in USED:
        for path in sorted(site.glob(pattern)):
            if path.is_file():
                keep(path.relative_to(site).as_posix())
                used.add(path.relative_to(site).as_posix())
    for path in sorted(site.rglob("index.html")):
        relative = path.relative_to(site).as_posix()
        keep(relative, _page_key(relative))
    for relative in ("404.html", "sitemap.xml", "search/search_index.json"):
        if (site / relative).is_file():
            keep(relative)

    entries = {}
    for key, relative in sorted(files.items()):
        data = (site / relative).read_bytes()
        network_first = key.endswith("/") or key.endswith(".html") or key.endswith(".vl.json") \
            or key in ("sitemap.xml", "search/search_index.json") or key.startswith(("js/", "css/"))
        entries[key] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "strategy": ("lazy" if key in runtime else "used" if key in used
                         else "network" if network_first else "cache"),
        }
    return entries


def version(entries: dict, template: str) -> str:
    """The Cache's version: a hash of every kept address and content, and of the worker's code."""
    h = hashlib.sha256(template.encode())
    for key in sorted(entries):
        h.update(f"\0{key}\0{entries[key]['sha256']}".encode())
    return h.hexdigest()[:16]


def write(site_dir: Path, lock_path: str, pyodide_url: str, site_url: str | None = None) -> dict:
    """Write sw.js at the site's root; return its manifest."""
    site = Path(site_dir)
    entries = manifest(site, lock_path, pyodide_url, site_url)
    template = TEMPLATE.read_text()
    name = f"gde-{version(entries, template)}"
    listed = {key: [entry["sha256"], entry["strategy"]] for key, entry in entries.items()}
    code = template.replace("__CACHE_NAME__", json.dumps(name)).replace(
        "__MANIFEST__", json.dumps(listed, indent=0, sort_keys=True))
    (site / "sw.js").write_text(code)
    size = {s: sum(e["size"] for e in entries.values() if e["strategy"] == s)
            for s in ("lazy", "used", "cache", "network")}
    log.info(f"service worker: cache {name}, {len(entries)} files, "
             f"{sum(size.values()) / 1e6:.1f} MB: {size['lazy'] / 1e6:.1f} MB Python runtime "
             f"(kept once Python runs), {size['used'] / 1e6:.1f} MB editor (kept once opened), "
             f"{size['cache'] / 1e6:.1f} MB assets, "
             f"{size['network'] / 1e6:.1f} MB network-first pages, specs and page code")
    return entries
