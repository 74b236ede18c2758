"""Build the site and serve it on 127.0.0.1, and find the Chromium that Playwright drives.

Shared by the browser tests and the page benchmark.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def build_site(dest: Path, strict: bool = True, site_url: str | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build` into `dest`. Material's instant navigation only takes over links whose
    address matches the sitemap's, port included: pass the address the site will be served at."""
    command = [sys.executable, "-m", "mkdocs", "build", "-d", str(dest)]
    if strict:
        command.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["SITE_URL"] = site_url
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


# What GitHub Pages sends gzipped to a client that accepts it.
GZIP_TYPES = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "image/svg+xml", "application/xml", "text/xml", "text/plain", "application/wasm"}


class _GzipHandler(_QuietHandler):
    """Text types (and wasm) gzipped, as GitHub Pages serves them; each file compressed once."""

    cache: dict = {}  # (path, mtime) -> gzipped bytes

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        accepts = any(part.split(";")[0].strip() == "gzip" and "q=0" not in part.replace(" ", "")
                      for part in self.headers.get("Accept-Encoding", "").split(","))
        ctype = self.guess_type(path)
        if not (accepts and ctype.split(";")[0] in GZIP_TYPES and os.path.isfile(path)):
            return super().send_head()
        key = (path, os.stat(path).st_mtime_ns)
        if key not in self.cache:
            self.cache[key] = gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)
        body = self.cache[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class Server:
    """A static file server for `directory` on 127.0.0.1 and a free port, in a thread.

    The port is taken when the object is made, so the site can be built for its address
    (`server.url`) before `with server:` starts serving. `compress=True` gzips text types and
    wasm for clients that accept it, as GitHub Pages does."""

    def __init__(self, directory: Path, compress: bool = False):
        handler = functools.partial(_GzipHandler if compress else _QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def chromium_path() -> str | None:
    """Debian's chromium where present (these machines), else Playwright's own browser."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(playwright):
    path = chromium_path()
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS) if path else (
        playwright.chromium.launch(args=CHROMIUM_ARGS)
    )
