"""Maths typeset at build time: KaTeX's own renderToString, run under Node, so pages ship HTML
and katex.min.css (with its fonts) and no script.

pymdownx.arithmatex (generic mode) turns `\\( ... \\)`, `$ ... $`, `\\[ ... \\]`, `$$ ... $$`
and `\\begin{env} ... \\end{env}` into `<span class="arithmatex">\\(TeX\\)</span>` and
`<div class="arithmatex">\\[TeX\\]</div>`. `typeset` replaces what is inside each of those
elements with KaTeX's HTML (and MathML, for screen readers), keeping the element, whose class
Material styles (a display formula wider than the column scrolls inside it).

Each formula is cached in `.cache/maths/` under a hash of the KaTeX version, the renderer
script, the TeX and the mode, so a rebuild starts Node only for formulas it has not seen. One
Node process (build_scripts/katex_render.cjs, JSON lines on stdin/stdout) serves every page of a
build, and later rebuilds of `mkdocs serve`; it is started on the first formula missing from
the cache.

A formula KaTeX rejects (or accepts only with a strict-mode warning) is returned as a `Problem`
with its TeX and KaTeX's message; the page shows KaTeX's error rendering (the source in red).
"""

from __future__ import annotations

import atexit
import hashlib
import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from build_scripts import vendor

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "maths"
SCRIPT = Path(__file__).resolve().parent / "katex_render.cjs"
KATEX_JS = vendor.VENDOR / "katex" / "katex.min.js"
KATEX_VERSION = next(version for name, version, *_ in vendor.NPM_PACKAGES if name == "katex")

# what pymdownx.arithmatex leaves in the page (generic mode): the element keeps its attributes
ELEMENT = re.compile(
    r'<(?P<tag>span|div)(?P<attrs>\s[^>]*?\bclass="arithmatex"[^>]*)>(?P<body>.*?)</(?P=tag)>',
    re.S,
)
INLINE = re.compile(r"^\s*\\\((?P<tex>.*)\\\)\s*$", re.S)
DISPLAY = re.compile(r"^\s*\\\[(?P<tex>.*)\\\]\s*$", re.S)


class MathsError(RuntimeError):
    """The renderer could not run at all (no Node, no KaTeX, a crash): not a page's fault."""


@dataclass(frozen=True)
class Problem:
    tex: str
    display: bool
    message: str
    line: int | None  # in the page's Markdown source, when the TeX is found there


def cache_key(tex: str, display: bool) -> str:
    script = hashlib.sha256(SCRIPT.read_bytes()).hexdigest()
    text = json.dumps([KATEX_VERSION, script, tex, bool(display)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Node:
    """One `node katex_render.cjs` process, started on first use, asked one batch at a time."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        if self.process is not None and self.process.poll() is None:
            return self.process
        node = shutil.which("node")
        if node is None:
            raise MathsError("maths: Node.js is needed to render the formulas (node not found)")
        if not KATEX_JS.exists():
            raise MathsError(f"maths: {KATEX_JS} is missing; run python -m build_scripts.vendor")
        self.process = subprocess.Popen(
            [node, str(SCRIPT), str(KATEX_JS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )
        hello = json.loads(self._read())
        if hello.get("version") != KATEX_VERSION:
            raise MathsError(f"maths: vendored KaTeX is {hello.get('version')}, pinned {KATEX_VERSION}")
        return self.process

    def _read(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            raise MathsError(f"maths: the KaTeX renderer stopped (exit code {code})")
        return line

    def ask(self, items: list[tuple[str, bool]]) -> list[dict]:
        process = self.start()
        process.stdin.write(json.dumps([{"tex": t, "display": d} for t, d in items]) + "\n")
        process.stdin.flush()
        replies = json.loads(self._read())
        if len(replies) != len(items):
            raise MathsError("maths: the KaTeX renderer answered the wrong number of formulas")
        return replies

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        self.process = None


_node = _Node()
atexit.register(_node.close)


def render(items: list[tuple[str, bool]], cache: Path = CACHE) -> list[dict]:
    """KaTeX's reply for each (tex, display): {"html"} or {"html", "error"}. Good formulas come
    from the cache when seen before; the rest go to Node in one batch."""
    replies: list[dict | None] = [None] * len(items)
    missing: dict[tuple[str, bool], list[int]] = {}
    for index, (tex, display) in enumerate(items):
        path = cache / f"{cache_key(tex, display)}.html"
        if path.exists():
            replies[index] = {"html": path.read_text(encoding="utf-8")}
        else:
            missing.setdefault((tex, bool(display)), []).append(index)
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        for (tex, display), reply in zip(missing, _node.ask(list(missing))):
            if "error" not in reply:  # only good formulas are cached: an error is shown every build
                (cache / f"{cache_key(tex, display)}.html").write_text(reply["html"], encoding="utf-8")
            for index in missing[(tex, display)]:
                replies[index] = reply
    return replies


def _line_of(source: str, tex: str, display: bool) -> int | None:
    if display:  # the first line of the formula (arithmatex keeps the block's lines)
        wanted = [next((line.strip() for line in tex.splitlines() if line.strip()), "")]
    else:
        wanted = [f"\\({tex}\\)", f"${tex}$"]
    for text in filter(None, wanted):
        at = source.find(text)
        if at >= 0:
            return source.count("\n", 0, at) + 1
    return None


def typeset(page_html: str, source: str = "", cache: Path = CACHE) -> tuple[str, list[Problem]]:
    """The page's HTML with every arithmatex formula rendered by KaTeX, and the formulas KaTeX
    rejected. `source` (the page's Markdown) only serves to give each problem its line."""
    found = []
    for match in ELEMENT.finditer(page_html):
        body = html.unescape(match.group("body"))
        delimited = DISPLAY.match(body) if match.group("tag") == "div" else INLINE.match(body)
        if delimited is None:  # arithmatex always wraps; anything else is not a formula of ours
            continue
        found.append((match, delimited.group("tex"), match.group("tag") == "div"))
    if not found:
        return page_html, []
    replies = render([(tex, display) for _, tex, display in found], cache)
    out, problems, last = [], [], 0
    for (match, tex, display), reply in zip(found, replies):
        if "error" in reply:
            problems.append(Problem(tex.strip(), display, reply["error"], _line_of(source, tex, display)))
        tag = match.group("tag")
        out.append(page_html[last:match.start()])
        out.append(f'<{tag}{match.group("attrs")}>{reply["html"]}</{tag}>')
        last = match.end()
    out.append(page_html[last:])
    return "".join(out), problems
