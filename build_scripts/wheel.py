"""Build the pure-Python `explainer_core` wheel that the browser installs into Pyodide.

The wheel is built by the standard tools, `python -m build --wheel --no-isolation` with the
setuptools configuration in pyproject.toml (packages and package data), from a copy of the sources
in a temporary folder, so the work tree gets no `build/` or `.egg-info` and a module deleted from
the sources can never linger in the wheel. SOURCE_DATE_EPOCH fixes every timestamp in the zip
and setuptools writes the files in a sorted order, so the same sources and tools give the same
bytes, whose hash names the folder the wheel is served from (a changed package gets a new URL,
never a stale cache).

Builds are cached in `.cache/wheels/<key>/` under a hash of the sources and the versions of the
build tools: a rebuild of the site with an unchanged package does not run the build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "explainer_core"
CACHE = ROOT / ".cache" / "wheels"
# Top-level files the build reads: the configuration, the readme (the wheel's long description)
# and the license files setuptools picks up by default.
TOP_LEVEL = ("pyproject.toml", "README.md", "LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*")
TOOLS = ("build", "setuptools", "wheel")
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest time a zip file can hold


def source_files(root: Path = ROOT) -> list[Path]:
    """Every file the build may read, relative to the project root, in a fixed order."""
    files = {
        path
        for path in (root / PACKAGE).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    for pattern in TOP_LEVEL:
        files.update(path for path in root.glob(pattern) if path.is_file())
    return sorted(path.relative_to(root) for path in files)


def source_key() -> str:
    """A hash of the sources and the build tools' versions: what the wheel's bytes depend on."""
    h = hashlib.sha256()
    for tool in TOOLS:
        h.update(f"{tool}=={importlib.metadata.version(tool)}\0".encode())
    for relative in source_files():
        h.update(relative.as_posix().encode() + b"\0")
        h.update(hashlib.sha256((ROOT / relative).read_bytes()).digest())
    return h.hexdigest()[:16]


def build(dest: Path, root: Path = ROOT) -> Path:
    """Build the wheel from the sources in `root` into `dest` (no cache); its path."""
    dest = Path(dest)
    with tempfile.TemporaryDirectory(prefix="explainer-wheel-") as tmp:
        source = Path(tmp) / "src"
        for relative in source_files(root):
            target = source / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / relative, target)
            target.chmod(0o644)  # the zip records permissions: the same on every checkout
        out = Path(tmp) / "dist"
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
        done = subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
             str(source)],
            capture_output=True, text=True, env=env,
        )
        wheels = sorted(out.glob("*.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            raise RuntimeError(f"building the {PACKAGE} wheel failed:\n{done.stdout[-3000:]}"
                               f"\n{done.stderr[-3000:]}")
        dest.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(wheels[0], dest / wheels[0].name))


def ensure(cache: Path = CACHE) -> Path:
    """The wheel for the current sources: from `cache` when they are unchanged, else built."""
    folder = Path(cache) / source_key()
    found = sorted(folder.glob("*.whl"))
    if found:
        return found[0]
    # build beside the cache and move into place at once: a concurrent build sees all or nothing
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        built = build(staging)
        try:
            staging.rename(folder)
        except OSError:  # another build got there first, with the same bytes
            pass
        return folder / built.name
    finally:
        shutil.rmtree(staging, ignore_errors=True)


if __name__ == "__main__":
    print(ensure())
