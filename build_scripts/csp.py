"""The site's Content-Security-Policy: only our own origin.

GitHub Pages sends no headers of our choosing, so the policy is a
`<meta http-equiv="Content-Security-Policy">` at the top of each page's <head>, before anything
that loads. It applies to what comes after it in the document: the meta goes right after
`<meta charset>` (which must stay in the first 1024 bytes, and loads nothing).

What it allows, and why:

- everything from the site itself ('self'): scripts, workers (ours and Material's search
  worker), the service worker, styles, fonts, images, fetches;
- each inline <script> of the page (Material's scope, palette and tab set-up) by its sha256, which
  `apply` computes from the finished page. Material's instant navigation keeps the first page's
  policy for the whole visit; its inline scripts are the same on every page, and every page's
  are hashed;
- 'wasm-unsafe-eval' for Pyodide (see "The worker" below);
- img-src data: for the icons Material's stylesheet carries as data: URLs (masks);
- style-src 'unsafe-inline': Material and KaTeX write style="..." attributes, the build writes
  each chart's size as one, and vega-embed and its tooltip add <style> elements. A style cannot
  run script; everything that can is 'self' or hashed;
- the Pyodide CDN's origin (scripts, fetches) when `extra.explainer.pyodide_url` points at one.

No 'unsafe-eval': Vega evaluates its expressions with vega-embed's interpreter (charts.js,
`ast: true`) instead of compiling them with the Function constructor.

The worker: a dedicated worker's policy comes from its own response's headers, never from the
page's meta. On GitHub Pages (no headers) the Python worker, and whatever Pyodide loads in it,
runs under no policy at all: the page's policy decides only that the worker's script is our own
(worker-src 'self'); the worker then loads what the page tells it (Pyodide and the lock file from
the data-pyodide and data-lock addresses the build wrote). 'wasm-unsafe-eval' and the CDN origin
are in the policy for a host that sends it as a header too: the worker then gets it, and Pyodide
compiles its wasm and loads its files under it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse

_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_ATTR_SRC = re.compile(r"\ssrc\s*=", re.I)
_ATTR_TYPE = re.compile(r"""\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_CHARSET = re.compile(r"\s*<meta\s+charset\s*=[^>]*>", re.I)
# the types a browser runs as script: CSP checks these, and only these
_RUN_TYPES = {"", "text/javascript", "application/javascript", "module", "importmap"}


def inline_scripts(html: str) -> list[str]:
    """The text of every inline <script> of the page that the browser would run."""
    found = []
    for match in _SCRIPT.finditer(html):
        attrs = match["attrs"]
        if _ATTR_SRC.search(attrs):
            continue
        typed = _ATTR_TYPE.search(attrs)
        kind = next((g for g in typed.groups() if g is not None), "") if typed else ""
        if kind.strip().lower() in _RUN_TYPES:
            found.append(match["body"])
    return found


def script_hash(text: str) -> str:
    """The CSP source that allows an inline script with this exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def cdn_origin(pyodide_url: str | None) -> str | None:
    """The origin of `extra.explainer.pyodide_url` when it is on another site, else None."""
    if not pyodide_url:
        return None
    parts = urllib.parse.urlsplit(pyodide_url)
    if not parts.scheme and not parts.netloc:
        return None  # a path on this site
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"extra.explainer.pyodide_url {pyodide_url!r} is not an http(s) URL")
    origin = f"{parts.scheme}://{parts.hostname}"
    return origin + (f":{parts.port}" if parts.port else "")


def policy(script_hashes: list[str], cdn: str | None = None) -> str:
    """The policy's text, directive by directive."""
    extra = [cdn] if cdn else []
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", "'wasm-unsafe-eval'", *extra, *sorted(set(script_hashes))]),
        ("worker-src", ["'self'"]),
        ("connect-src", ["'self'", *extra]),
        ("img-src", ["'self'", "data:"]),
        ("style-src", ["'self'", "'unsafe-inline'"]),
        ("font-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
    ]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives)


def meta(html: str, pyodide_url: str | None = None) -> str:
    """The <meta> element carrying the policy for this page."""
    hashes = [script_hash(text) for text in inline_scripts(html)]
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes, cdn_origin(pyodide_url))}">'


def apply(html: str, pyodide_url: str | None = None) -> str:
    """The page with its policy at the top of <head> (after <meta charset> when that comes first)."""
    head = _HEAD.search(html)
    if not head:
        raise ValueError("the page has no <head> to put its Content-Security-Policy in")
    at = head.end()
    charset = _CHARSET.match(html, at)
    if charset:
        at = charset.end()
    return f"{html[:at]}\n      {meta(html, pyodide_url)}{html[at:]}"
