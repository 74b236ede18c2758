"""The chart library: Altair charts computed at build time from explainer_core.

A chart is two functions, registered under one name:

    def toy_landscape_data(activation="tanh", loss="mse") -> dict[str, list[dict]]:
        ...  # call explainer_core, return named tables of tidy records

    @register("toy_landscape", data=toy_landscape_data, description="Heatmap of ...")
    def toy_landscape(data: dict[str, list[dict]]) -> alt.Chart:
        return alt.Chart(alt.NamedData("grid")).mark_rect()...

The chart refers to its tables by name (`alt.NamedData(name)`); the build puts the records in the
spec's top-level `datasets`, so a live demo can later replace them by name through the Vega view
API and the live chart looks exactly like the static one. Options written on the directive line
(`[[chart: toy_landscape activation=sin]]`) become keyword arguments of the data function.

`render` caches by a hash of the two functions' source, the options, the shared style, the
sources of the explainer_core modules the chart imports (found by `modulefinder`) and the library
versions: an unchanged chart is never recomputed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
import inspect
import json
import modulefinder
import os
import pkgutil
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
    # the text alternative (the spec's `description`, also the fallback image's alt text): words,
    # or a function of the data that puts the data's own numbers into words
    description: str | Callable[[dict[str, list[dict]]], str]


CHARTS: dict[str, ChartDef] = {}


def register(name: str, *, data: Callable[..., dict], description: str | Callable[[dict], str]):
    """Decorator: add a chart function to the library under `name`."""

    def wrap(chart_fn):
        if name in CHARTS:
            raise ValueError(f"chart {name!r} is registered twice")
        CHARTS[name] = ChartDef(name, data, chart_fn, description)
        return chart_fn

    return wrap


def load_all() -> dict[str, ChartDef]:
    """Import every module of this package, which registers its charts."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return CHARTS


# what core_dependencies found, kept between builds: {module: {"read": {file: sha256},
#                                                               "core": [file]}}
DEPENDENCY_MEMO = ROOT / ".cache" / "charts" / "dependencies.json"
_FILES: dict[Path, tuple[tuple[int, int], str]] = {}
_MEMO: dict[str, dict] = {}


def _read(path: Path) -> str:
    """A source file's text, remembered until its size or modification time changes, so a build
    with many charts (or `mkdocs serve` rebuilding) reads each module once, not once per chart."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _FILES.get(path)
    if known is None or known[0] != stamp:
        known = _FILES[path] = (stamp, path.read_text())
    return known[1]


def _digest(relative: str) -> str | None:
    path = ROOT / relative
    return hashlib.sha256(_read(path).encode()).hexdigest() if path.exists() else None


def core_dependencies(module: str) -> list[Path]:
    """Every explainer_core module that the chart module `module` (a dotted name) imports,
    directly or through other modules, function-level imports included.

    The standard library's `modulefinder` reads the imports from each module's byte code without
    running it; searching this project only, it never descends into numpy, Altair or the
    standard library. A chart is re-rendered when one of these modules changes, and only then:
    editing a module that the chart's data never touches leaves it cached.

    The answer is kept (in DEPENDENCY_MEMO, between builds) with a hash of every file the finder
    read, and found afresh when one of them changes: a warm build searches nothing.
    """
    if not _MEMO and DEPENDENCY_MEMO.exists():
        try:
            _MEMO.update(json.loads(DEPENDENCY_MEMO.read_text()))
        except ValueError:  # unreadable: search again
            pass
    known = _MEMO.get(module)
    if known is None or any(_digest(file) != digest for file, digest in known["read"].items()):
        finder = modulefinder.ModuleFinder(path=[str(ROOT)])
        finder.import_hook(module)
        read = {name: Path(found.__file__).relative_to(ROOT).as_posix()
                for name, found in finder.modules.items() if found.__file__}
        known = _MEMO[module] = {
            "read": {file: _digest(file) for file in sorted(read.values())},
            "core": sorted(file for name, file in read.items()
                           if name.partition(".")[0] == "explainer_core"),
        }
        DEPENDENCY_MEMO.parent.mkdir(parents=True, exist_ok=True)
        fresh = DEPENDENCY_MEMO.with_suffix(f".{os.getpid()}.tmp")
        fresh.write_text(json.dumps(_MEMO, indent=1, sort_keys=True))
        fresh.replace(DEPENDENCY_MEMO)  # in one step: a concurrent build reads all or nothing
    return [ROOT / file for file in known["core"]]


@functools.cache
def _renderer_versions() -> tuple[str, str]:
    """The installed Altair and vl-convert, which decide the spec and the fallback image."""
    return importlib.metadata.version("altair"), importlib.metadata.version("vl-convert-python")


def cache_key(name: str, options: dict[str, str]) -> str:
    """What a chart's output depends on, hashed: its code, its options, its inputs' code."""
    definition = CHARTS[name]
    description = definition.description
    h = hashlib.sha256()
    for part in (
        inspect.getsource(definition.data),
        inspect.getsource(definition.chart),
        description if isinstance(description, str) else inspect.getsource(description),
        json.dumps(options, sort_keys=True),
        _read(Path(__file__).parent / "_style.py"),
        _read(Path(__file__).parent / "_narrow.py"),
        _read(Path(__file__)),
        *(p.relative_to(ROOT).as_posix() + _read(p)
          for p in core_dependencies(definition.chart.__module__)),
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
    fallback_dark: bytes = b""  # the same picture in Vega's dark theme (Material's slate palette)
    # the narrow layout (_narrow.py): its spec and pictures, empty for a chart narrow enough
    narrow_spec: bytes = b""
    narrow_fallback: bytes = b""
    narrow_fallback_dark: bytes = b""

    @property
    def size(self) -> int:
        return len(self.spec)

    @property
    def description(self) -> str:
        """The text alternative, as written into the spec (it may be computed from the data)."""
        return json.loads(self.spec)["description"]

    def files(self) -> dict[str, bytes]:
        """What the site serves for this chart, by file name."""
        base, ext = f"{self.name}-{self.key}", self.fallback_ext
        out = {f"{base}.vl.json": self.spec, f"{base}.{ext}": self.fallback,
               f"{base}.dark.{ext}": self.fallback_dark}
        if self.narrow_spec:
            out.update({f"{base}.narrow.vl.json": self.narrow_spec,
                        f"{base}.narrow.{ext}": self.narrow_fallback,
                        f"{base}.narrow.dark.{ext}": self.narrow_fallback_dark})
        return out


def _encode(spec: dict) -> bytes:
    return json.dumps(spec, separators=(",", ":"), allow_nan=False).encode()


def render(name: str, options: dict[str, str], cache_dir: Path) -> Rendered:
    """The chart's spec and static fallback (and its narrow layout's, when it needs one), from the
    cache when nothing it depends on changed."""
    from . import _narrow
    from build_scripts.chart_size import fallback_size

    key = cache_key(name, options)
    cache_dir = Path(cache_dir)
    base = cache_dir / f"{name}-{key}"
    done = cache_dir / f"{name}-{key}.done"  # written last: the files beside it are complete
    if done.exists():
        ext = done.read_text().strip()
        read = lambda suffix: (Path(f"{base}{suffix}").read_bytes()  # noqa: E731
                               if Path(f"{base}{suffix}").exists() else b"")
        return Rendered(name, key, read(".vl.json"), read(f".{ext}"), ext, True, read(f".dark.{ext}"),
                        read(".narrow.vl.json"), read(f".narrow.{ext}"), read(f".narrow.dark.{ext}"))

    spec = to_spec(name, options)
    fallback, ext = fallback_image(spec)
    rendered = Rendered(name, key, _encode(spec), fallback, ext, False,
                        fallback_image(spec, theme="dark", ext=ext)[0])
    if _narrow.needs_narrow(fallback_size(fallback, ext)[0]):
        narrow = _narrow.narrow(spec)
        rendered.narrow_spec = _encode(narrow)
        rendered.narrow_fallback = fallback_image(narrow, ext=ext)[0]
        rendered.narrow_fallback_dark = fallback_image(narrow, theme="dark", ext=ext)[0]
    cache_dir.mkdir(parents=True, exist_ok=True)
    for file, data in rendered.files().items():
        (cache_dir / file).write_bytes(data)
    done.write_text(ext)
    return rendered


def to_spec(name: str, options: dict[str, str]) -> dict:
    """Compute the data and build the Vega-Lite spec (no caching)."""
    from . import _style

    definition = CHARTS[name]
    data = definition.data(**options)
    chart = definition.chart(data)
    spec = chart.to_dict()
    spec.setdefault("datasets", {}).update(data)
    spec["config"] = _style.merge_config(spec.get("config", {}))
    description = definition.description
    spec["description"] = description if isinstance(description, str) else description(data)
    return spec


def fallback_image(spec: dict, theme: str | None = None, ext: str | None = None) -> tuple[bytes, str]:
    """An SVG of the chart, or a PNG when the SVG would be heavier than the spec limit allows
    (or the type `ext` asks for); in Vega's `theme` ("dark"), on a transparent background."""
    import vl_convert

    options = {"vl_version": "6.4", "theme": theme, "config": {"background": None}}
    if ext in (None, "svg"):
        svg = vl_convert.vegalite_to_svg(spec, **options).encode()
        if len(svg) <= MAX_BYTES or ext == "svg":
            return svg, "svg"
    return vl_convert.vegalite_to_png(spec, scale=1.5, **options), "png"
