"""The chart library: Altair charts computed at build time from explainer_core.

A chart is two functions, registered under one name:

    def toy_landscape_data(activation="tanh", loss="mse") -> dict[str, list[dict]]:
        ...  # call explainer_core, return named tables of tidy records

    @register("toy_landscape", data=toy_landscape_data, alt="Heatmap of ...")
    def toy_landscape(data: dict[str, list[dict]]) -> alt.Chart:
        return alt.Chart(alt.NamedData("grid")).mark_rect()...

The chart refers to its tables by name (`alt.NamedData(name)`); the build puts the records in the
spec's top-level `datasets`, so a live demo can later replace them by name through the Vega view
API and the live chart looks exactly like the static one. Options written on the directive line
(`[[chart: toy_landscape activation=sin]]`) become keyword arguments of the data function.

`render` caches by a hash of the two functions' source, the options, the shared style, the
explainer_core sources and the library versions: an unchanged chart is never recomputed.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import importlib.metadata
import inspect
import json
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent.parent
MAX_BYTES = 300_000  # spec + data of one chart


@dataclass(frozen=True)
class ChartDef:
    name: str
    data: Callable[..., dict[str, list[dict]]]
    chart: Callable[[dict[str, list[dict]]], Any]
    # text alternative, also the fallback image's alt text: words, or a function of the data
    # that puts the data's own numbers into words
    alt: str | Callable[[dict[str, list[dict]]], str]


CHARTS: dict[str, ChartDef] = {}


def register(name: str, *, data: Callable[..., dict], alt: str | Callable[[dict], str]):
    """Decorator: add a chart function to the library under `name`."""

    def wrap(chart_fn):
        if name in CHARTS:
            raise ValueError(f"chart {name!r} is registered twice")
        CHARTS[name] = ChartDef(name, data, chart_fn, alt)
        return chart_fn

    return wrap


def load_all() -> dict[str, ChartDef]:
    """Import every module of this package, which registers its charts."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return CHARTS


CORE = ROOT / "explainer_core"


_FILES: dict[Path, tuple[tuple[int, int], str, frozenset[Path]]] = {}


def _read(path: Path) -> tuple[str, frozenset[Path]]:
    """A source file's text and the explainer_core modules it imports directly.

    Remembered until the file's size or modification time changes, so a build with many charts
    (or `mkdocs serve` rebuilding) parses each module once, not once per chart.
    """
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _FILES.get(path)
    if known is None or known[0] != stamp:
        text = path.read_text()
        known = _FILES[path] = (stamp, text, frozenset(_core_imports(path, text)))
    return known[1], known[2]


def _core_imports(path: Path, text: str) -> set[Path]:
    """The explainer_core modules that the file at `path`, with source `text`, imports directly."""
    found = set()
    package = path.parent.relative_to(ROOT).parts if path.is_relative_to(CORE) else ()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            parts = base + (node.module.split(".") if node.module else [])
            names = [parts + [alias.name] for alias in node.names] + [parts]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        else:
            continue
        for dotted in names:
            if dotted[:1] != ["explainer_core"]:
                continue
            for candidate in (ROOT.joinpath(*dotted).with_suffix(".py"), ROOT.joinpath(*dotted, "__init__.py")):
                if candidate.exists():
                    found.add(candidate)
    return found


def core_dependencies(module_file: Path) -> list[Path]:
    """Every explainer_core module a chart module depends on, following imports transitively.

    A chart is re-rendered when one of these changes, and only then: editing a module that the
    chart's data never touches leaves it cached.
    """
    seen: set[Path] = set()
    todo = list(_read(Path(module_file))[1])
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(_read(path)[1] - seen)
    return sorted(seen)


@functools.cache
def _renderer_versions() -> tuple[str, str]:
    """The installed Altair and vl-convert, which decide the spec and the fallback image."""
    return importlib.metadata.version("altair"), importlib.metadata.version("vl-convert-python")


def cache_key(name: str, options: dict[str, str]) -> str:
    """What a chart's output depends on, hashed: its code, its options, its inputs' code."""
    definition = CHARTS[name]
    module_file = Path(sys.modules[definition.chart.__module__].__file__)
    h = hashlib.sha256()
    for part in (
        inspect.getsource(definition.data),
        inspect.getsource(definition.chart),
        definition.alt if isinstance(definition.alt, str) else inspect.getsource(definition.alt),
        json.dumps(options, sort_keys=True),
        _read(Path(__file__).parent / "_style.py")[0],
        _read(Path(__file__))[0],
        *(p.relative_to(ROOT).as_posix() + _read(p)[0] for p in core_dependencies(module_file)),
        *_renderer_versions(),
    ):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@dataclass
class Rendered:
    name: str
    key: str
    spec: bytes  # Vega-Lite JSON with its datasets
    fallback: bytes  # SVG, or PNG when the SVG would be large
    fallback_ext: str
    from_cache: bool

    @property
    def size(self) -> int:
        return len(self.spec)

    @property
    def alt(self) -> str:
        """The text alternative, as written into the spec (it may be computed from the data)."""
        return json.loads(self.spec)["description"]


def render(name: str, options: dict[str, str], cache_dir: Path) -> Rendered:
    """The chart's spec and static fallback, from the cache when nothing it depends on changed."""
    key = cache_key(name, options)
    cache_dir = Path(cache_dir)
    spec_path = cache_dir / f"{name}-{key}.vl.json"
    for ext in ("svg", "png"):
        fallback_path = cache_dir / f"{name}-{key}.{ext}"
        if spec_path.exists() and fallback_path.exists():
            return Rendered(name, key, spec_path.read_bytes(), fallback_path.read_bytes(), ext, True)

    spec = to_spec(name, options)
    spec_bytes = json.dumps(spec, separators=(",", ":"), allow_nan=False).encode()
    fallback, ext = fallback_image(spec)
    cache_dir.mkdir(parents=True, exist_ok=True)
    spec_path.write_bytes(spec_bytes)
    (cache_dir / f"{name}-{key}.{ext}").write_bytes(fallback)
    return Rendered(name, key, spec_bytes, fallback, ext, False)


def to_spec(name: str, options: dict[str, str]) -> dict:
    """Compute the data and build the Vega-Lite spec (no caching)."""
    from . import _style

    definition = CHARTS[name]
    data = definition.data(**options)
    chart = definition.chart(data)
    spec = chart.to_dict()
    spec.setdefault("datasets", {}).update(data)
    spec["config"] = _style.merge_config(spec.get("config", {}))
    alt_text = definition.alt if isinstance(definition.alt, str) else definition.alt(data)
    spec["description"] = alt_text
    return spec


def fallback_image(spec: dict) -> tuple[bytes, str]:
    """An SVG of the chart, or a PNG when the SVG would be heavier than the spec limit allows."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version="6.4").encode()
    if len(svg) <= MAX_BYTES:
        return svg, "svg"
    return vl_convert.vegalite_to_png(spec, vl_version="6.4", scale=1.5), "png"
