"""MkDocs hooks: one-line demo and chart directives, and the self-hosted browser runtime.

In any page, a line of its own

    [[demo: landscape]]
    [[chart: toy_landscape activation=sin loss=mae]]

becomes a live demo (Python in a Web Worker) or a chart rendered at build time. An unknown name
is reported with the page and line, and fails `mkdocs build --strict`. Lines inside fenced code
blocks are left alone, so the syntax can be shown in the docs.

After the build, the site gets: the explainer_core wheel and a pyodide-lock.json that lists it
beside Pyodide's own packages (each in a folder named by its content hash, see wheel.py and
lockfile.py), Pyodide and numpy's wasm wheel (hash-checked, see vendor.py), Vega and KaTeX, and
the chart specs with their static fallbacks. By default nothing is loaded from another origin;
setting `extra.explainer.pyodide_url` in mkdocs.yml points the worker at another Pyodide (e.g. a
CDN) for the runtime and numpy, while explainer_core still comes from the site (its lock entry
then gives the wheel's absolute URL under `site_url`).
"""

from __future__ import annotations

import hashlib
import html
import inspect
import json
import logging
import posixpath
import re
import shutil
import sys
import time
import urllib.parse
from pathlib import Path

import jinja2
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from build_scripts import charts as chart_lib  # noqa: E402
from build_scripts import editor, lockfile, values, vendor, wheel  # noqa: E402
from explainer_core import demos as demo_lib  # noqa: E402

log = logging.getLogger("mkdocs.plugins.explainer")

DIRECTIVE = re.compile(r"^\s*\[\[\s*(?P<kind>[a-z]+)\s*:\s*(?P<name>[^\s\]]*)(?P<opts>[^\]]*)\]\]\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
OPTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$")
CHART_CACHE = ROOT / ".cache" / "charts"
TEMPLATE_CACHE = ROOT / ".cache" / "templates"
DEMO_JS = ROOT / "docs" / "js" / "demos"
PYODIDE_DIR = "assets/vendor/pyodide/"  # the self-hosted Pyodide, relative to the site root

# per build: (path in the site, bytes) of the wheel and the lock file, the charts used
_build = {"wheel": None, "lock": None, "charts": {}, "started": 0.0}


def _known_demos() -> list[str]:
    return [name for name in demo_lib.DEMOS if (DEMO_JS / f"{name}.js").exists()]


def on_config(config, **kwargs):
    _build["started"] = time.perf_counter()
    _build["charts"] = {}
    chart_lib.load_all()
    vendor.ensure()
    editor.ensure()
    wheel_file = wheel.ensure()
    _build["wheel"] = _hashed("wheels", wheel_file.name, wheel_file.read_bytes())
    lock = lockfile.site_lock(wheel_file, _wheel_base(config))
    _build["lock"] = _hashed("pyodide-lock", "pyodide-lock.json", lock)
    return config


def _hashed(folder: str, name: str, data: bytes) -> tuple[str, bytes]:
    """(path in the site, bytes): the file in a folder named by its content hash, so that a
    browser never mixes a new build with an old cached one."""
    return f"assets/{folder}/{hashlib.sha256(data).hexdigest()[:12]}/{name}", data


def _settings(config) -> dict:
    return (config.get("extra") or {}).get("explainer") or {}


def _wheel_base(config) -> str:
    """Where the lock file says our wheel is: Pyodide resolves it against its own folder."""
    wheel_dir = posixpath.dirname(_build["wheel"][0]) + "/"
    if not _settings(config).get("pyodide_url"):
        return posixpath.relpath(wheel_dir, PYODIDE_DIR) + "/"  # beside the self-hosted Pyodide
    # Pyodide and numpy come from elsewhere (a CDN): our wheel by its absolute URL on this site
    if not config.get("site_url"):
        raise PluginError("extra.explainer.pyodide_url needs site_url: the lock file gives "
                          "the explainer_core wheel's absolute URL")
    return urllib.parse.urljoin(config["site_url"], wheel_dir)


def on_env(env, config, files, **kwargs):
    """Keep the theme's compiled templates between builds (keyed by each template's source).

    Compiling Material's templates is the largest fixed cost of a rebuild; Jinja's bytecode
    cache recompiles a template only when its source changes.
    """
    TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(TEMPLATE_CACHE))
    return env


def _prefix(page) -> str:
    """Relative path from the page to the site root ('' or '../' repeated)."""
    url = page.url or ""
    return "../" * url.count("/")


def _parse_options(text: str) -> tuple[dict[str, str], list[str]]:
    options, bad = {}, []
    for token in text.split():
        match = OPTION.match(token)
        if match:
            options[match.group(1)] = match.group(2)
        else:
            bad.append(token)
    return options, bad


def _problem(page, lineno: int, message: str) -> str:
    where = f"{page.file.src_uri}:{lineno}"
    log.warning(f"{where}: {message}")
    return f'\n!!! failure "Build error at {html.escape(where)}"\n    {html.escape(message)}\n'


def _demo_chart(name: str, options: dict, prefix: str) -> str:
    """The chart a demo draws into (its module's CHART), with the demo's options that the
    chart's data function takes: the static picture until the reader runs the demo."""
    chart = getattr(demo_lib.module(name), "CHART", None)
    if chart is None:
        return ""
    accepted = inspect.signature(chart_lib.CHARTS[chart].data).parameters
    return _chart_html(chart, {k: v for k, v in options.items() if k in accepted}, prefix)


def _demo_html(name: str, options: dict, prefix: str, config) -> str:
    pyodide_url = _settings(config).get("pyodide_url") or f"{prefix}{PYODIDE_DIR}"
    attrs = {
        "class": "gde-demo",
        "data-demo": name,
        "data-state": "loading",
        "data-options": json.dumps(options),
        "data-pyodide": pyodide_url,
        "data-lock": f"{prefix}{_build['lock'][0]}",
        "data-module": f"{prefix}js/demos/{name}.js",
        "data-playground": f"{prefix}playground/",  # where "Open in the playground" leads
    }
    if getattr(demo_lib.module(name), "EDITABLE", None):  # a function the reader may rewrite
        attrs["data-editable"] = ",".join(demo_lib.module(name).EDITABLE)
    attr_text = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    return (
        f"<div {attr_text}>\n"
        '<div class="gde-demo__boot">\n'
        '<p class="gde-demo__boot-label">Live demo: it runs Python in your browser and starts '
        "when you scroll here.</p>\n"
        '<progress class="gde-demo__progress" max="1" value="0"></progress>\n'
        "</div>\n"
        '<noscript><p class="gde-demo__noscript">This live demo needs JavaScript. The text and '
        "charts on this page work without it.</p></noscript>\n"
        f"{_demo_chart(name, options, prefix)}"
        "</div>\n"
    )


def _chart_html(name: str, options: dict, prefix: str) -> str:
    rendered = chart_lib.render(name, options, CHART_CACHE)
    base = f"{name}-{rendered.key}"
    _build["charts"].setdefault(base, rendered)  # the first use says whether it was rendered
    alt = html.escape(rendered.description, quote=True)
    charts_url = f"{prefix}assets/charts/{base}"
    ext = rendered.fallback_ext
    # The build's picture of the chart (in the light and the dark theme, css/charts.css shows the
    # one of the palette) fills the chart's box; the live Vega chart replaces it when the reader
    # points at it or a demo feeds it (js/charts.js), so a page does no chart work at load. A
    # chart too wide for a phone has a narrow layout too (charts/_narrow.py): the page shows it,
    # and the live chart draws it, when the figure's column is too narrow for the wide one.
    from build_scripts.chart_size import fallback_size

    width, height = fallback_size(rendered.fallback, ext)

    def pictures(layout: str, fallback: bytes, suffix: str) -> str:
        w, h = fallback_size(fallback, ext)
        attrs = f'width="{w}" height="{h}" alt="" loading="lazy" decoding="async"'
        return (f'<span class="gde-chart__layout gde-chart__layout--{layout}">'
                f'<img class="gde-chart__placeholder gde-chart__placeholder--light" '
                f'src="{charts_url}{suffix}.{ext}" {attrs}>'
                f'<img class="gde-chart__placeholder gde-chart__placeholder--dark" '
                f'src="{charts_url}{suffix}.dark.{ext}" {attrs}></span>')

    views = pictures("wide", rendered.fallback, "")
    narrow = ""
    if rendered.narrow_spec:
        views += pictures("narrow", rendered.narrow_fallback, ".narrow")
        narrow = f' data-spec-narrow="{charts_url}.narrow.vl.json"'
    return (
        f'<figure class="gde-chart" data-chart="{name}" data-chart-file="{base}" data-state="static" '
        f'data-spec="{charts_url}.vl.json"{narrow} data-width="{width}" data-height="{height}" '
        f'style="--gde-chart-width: {width}; --gde-chart-height: {height}">\n'
        f'<div class="gde-chart__view" role="img" aria-label="{alt}">{views}</div>\n'
        f'<noscript><img class="gde-chart__fallback" src="{charts_url}.{ext}" alt="{alt}"></noscript>\n'
        "</figure>\n"
    )


LAYOUT_MARK = "/* The narrow layouts of this site's charts, written by the build (charts/_narrow.py) */"


def _write_layout_rules(css_file: Path, layouts: dict) -> None:
    """Append to the site's charts.css the rules that switch each chart to its narrow layout."""
    from build_scripts.charts import _narrow

    css = css_file.read_text().split(LAYOUT_MARK)[0].rstrip("\n")
    css_file.write_text(f"{css}\n\n{LAYOUT_MARK}\n{_narrow.layout_rules(layouts)}")


CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


def _inline_values(line: str, page, lineno: int) -> str:
    """Each [[value: ...]] in the line (not inside `code`) replaced by its number
    (build_scripts/values.py); one that cannot be computed by a build error, with page and line."""

    def one(match: re.Match) -> str:
        name = match.group("name")
        options, bad = _parse_options(match.group("opts"))
        if bad:
            return _inline_problem(page, lineno, f"cannot read option(s) {' '.join(bad)} of value "
                                                 f"{name!r}; write key=value")
        try:
            return values.render(name, options)
        except ValueError as error:
            return _inline_problem(page, lineno, str(error))

    out, start = [], 0
    for code in CODE_SPAN.finditer(line):  # `[[value: x]]` in code is shown, not computed
        out.append(values.INLINE.sub(one, line[start:code.start()]))
        out.append(code.group(0))
        start = code.end()
    out.append(values.INLINE.sub(one, line[start:]))
    return "".join(out)


def _inline_problem(page, lineno: int, message: str) -> str:
    where = f"{page.file.src_uri}:{lineno}"
    log.warning(f"{where}: {message}")
    return f'<strong class="gde-build-error">[build error at {html.escape(where)}: {html.escape(message)}]</strong>'


def on_page_markdown(markdown: str, page, config, files, **kwargs):
    prefix = _prefix(page)
    out, fence = [], None
    for lineno, line in enumerate(markdown.split("\n"), start=1):
        fence_match = FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            out.append(line)
            continue
        if fence is None and "[[" in line and values.INLINE.search(line):
            line = _inline_values(line, page, lineno)
        match = DIRECTIVE.match(line) if fence is None else None
        if not match:
            out.append(line)
            continue
        kind, name = match.group("kind"), match.group("name")
        options, bad = _parse_options(match.group("opts"))
        if kind not in ("demo", "chart"):
            out.append(_problem(page, lineno, f"unknown directive [[{kind}: ...]]; use [[demo: NAME]], [[chart: NAME]] or, inline, [[value: MODULE.NAME]]"))
        elif bad:
            out.append(_problem(page, lineno, f"cannot read option(s) {' '.join(bad)} of {kind} {name!r}; write key=value"))
        elif kind == "demo":
            known = _known_demos()
            if name not in known:
                out.append(_problem(page, lineno, f"unknown demo {name!r}; known demos: {', '.join(known)}"))
            else:
                try:
                    out.append(_demo_html(name, options, prefix, config))
                except (TypeError, ValueError) as error:
                    out.append(_problem(page, lineno, f"demo {name!r} failed with options {options}: {error}"))
        else:
            if name not in chart_lib.CHARTS:
                known = ", ".join(sorted(chart_lib.CHARTS))
                out.append(_problem(page, lineno, f"unknown chart {name!r}; known charts: {known}"))
                continue
            try:
                out.append(_chart_html(name, options, prefix))
            except (TypeError, ValueError) as error:
                out.append(_problem(page, lineno, f"chart {name!r} failed with options {options}: {error}"))
    return "\n".join(out)


def on_page_content(html_text: str, page, config, files, **kwargs):
    """Typeset the page's maths now, with KaTeX under Node (maths.py): the page ships HTML and
    katex.min.css, no script. A formula KaTeX rejects is reported with the page, the line and
    the TeX, and fails `mkdocs build --strict`."""
    from build_scripts import maths

    try:
        typeset, problems = maths.typeset(html_text, page.file.content_string)
    except maths.MathsError as error:
        raise PluginError(str(error)) from error
    for problem in problems:
        where = f"{page.file.src_uri}:{problem.line}" if problem.line else page.file.src_uri
        log.warning(f"{where}: maths {problem.tex!r}: {problem.message}")
    return typeset


KATEX_PRELOAD = ("KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2")  # most of the text's maths


def on_post_page(output: str, page, config, **kwargs):
    """The page's Content-Security-Policy (build_scripts/csp.py): our own origin only, each inline
    script by its hash, plus the Pyodide CDN's origin when pyodide_url names one. A page with
    maths asks for KaTeX's two main fonts at once, beside the stylesheets."""
    from build_scripts import csp

    if 'class="katex"' in output:
        fonts = "".join(
            f'<link rel="preload" href="{_prefix(page)}assets/vendor/katex/fonts/{name}" as="font" '
            'type="font/woff2" crossorigin>' for name in KATEX_PRELOAD)
        output = output.replace("</head>", fonts + "</head>", 1)
    try:
        return csp.apply(output, _settings(config).get("pyodide_url"))
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error


def on_post_template(output_content: str, template_name: str, config, **kwargs):
    """The 404 page is a theme template, not a page: it gets the same policy."""
    from build_scripts import csp

    if template_name == "404.html":
        return csp.apply(output_content, _settings(config).get("pyodide_url"))
    return output_content


def _copy_tree(source: Path, dest: Path, skip=None) -> None:
    """Copy files whose size or age differ (the runtime is ~15 MB; most rebuilds copy nothing)."""
    for path in source.rglob("*"):
        if path.is_dir() or (skip and skip(path)):
            continue
        target = dest / path.relative_to(source)
        stat = path.stat()
        if target.exists() and target.stat().st_size == stat.st_size and target.stat().st_mtime >= stat.st_mtime:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def on_post_build(config, **kwargs):
    site = Path(config["site_dir"])
    for folder in ("pyodide", "vega", "katex"):
        # KaTeX's script runs at build time only (maths.py): the site ships its CSS and fonts
        _copy_tree(vendor.VENDOR / folder, site / "assets" / "vendor" / folder,
                   skip=(lambda p: p.suffix == ".js") if folder == "katex" else None)
    # the code editor, loaded by a page only when a reader first opens a "Python" panel
    _copy_tree(editor.OUT, site / "assets" / "vendor" / "editor", skip=lambda p: p.name == "stamp.txt")
    # KaTeX's fonts swap in when they arrive instead of hiding the text until then
    katex_css = site / "assets/vendor/katex/katex.min.css"
    css = katex_css.read_text()
    if "font-display" not in css:
        katex_css.write_text(css.replace("@font-face{", "@font-face{font-display:swap;"))
    for path, data in (_build["wheel"], _build["lock"]):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)

    chart_dir = site / "assets" / "charts"
    chart_dir.mkdir(parents=True, exist_ok=True)
    fresh = 0
    layouts = {}
    for base, rendered in sorted(_build["charts"].items()):
        for file, data in rendered.files().items():
            (chart_dir / file).write_bytes(data)
        if rendered.narrow_spec:
            from build_scripts.chart_size import fallback_size

            layouts[base] = (*fallback_size(rendered.fallback, rendered.fallback_ext),
                             *fallback_size(rendered.narrow_fallback, rendered.fallback_ext))
        fresh += not rendered.from_cache
        state = "cached" if rendered.from_cache else "rendered"
        log.info(f"chart {base}: spec+data {rendered.size / 1000:.1f} kB, "
                 f"fallback {rendered.fallback_ext} {len(rendered.fallback) / 1000:.1f} kB ({state})")
        if rendered.size > chart_lib.MAX_BYTES:
            log.warning(f"chart {base}: spec+data is {rendered.size / 1000:.0f} kB, over the "
                        f"{chart_lib.MAX_BYTES / 1000:.0f} kB limit; thin its data")
    _write_layout_rules(site / "css" / "charts.css", layouts)
    from build_scripts import offline  # the service worker, sw.js, over everything written above
    offline.write(site, _build["lock"][0], _settings(config).get("pyodide_url") or PYODIDE_DIR, config.get("site_url"))
    elapsed = time.perf_counter() - _build["started"]
    log.info(f"explainer: {len(_build['charts'])} chart(s), {fresh} rendered, "
             f"{len(_build['charts']) - fresh} from cache; wheel {_build['wheel'][0]} "
             f"({len(_build['wheel'][1]) / 1000:.1f} kB); "
             f"build {elapsed:.2f} s")
