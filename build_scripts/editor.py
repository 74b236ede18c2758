"""Bundle the code editor of the "Python" panels (CodeMirror 6) into one ES module, at setup time.

The packages come from the npm registry, pinned by exact version and by their npm
`dist.integrity` hash in build_scripts/editor/package-lock.json (npm ci refuses a tarball whose
hash differs, and this script refuses a lock entry without one); esbuild, pinned the same way,
bundles build_scripts/editor/editor.js into

    .cache/vendor/editor/editor.js     (one minified ES module, no imports left)

which the MkDocs hook copies into the site (assets/vendor/editor/). Nothing here is committed
but the three source files of build_scripts/editor/. A stamp (a hash of those three files) skips
the work when nothing changed.

    python -m build_scripts.editor          # bundle when missing or out of date
    python -m build_scripts.editor --check  # exit 1 if the bundle is missing or out of date
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "build_scripts" / "editor"
FILES = ("package.json", "package-lock.json", "editor.js")
WORK = ROOT / ".cache" / "editor-build"  # node_modules and the build, never committed
OUT = ROOT / ".cache" / "vendor" / "editor"
BUNDLE = OUT / "editor.js"
STAMP = OUT / "stamp.txt"


def log(message: str) -> None:
    print(f"[editor] {message}", flush=True)


def source_hash() -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + (SOURCE / name).read_bytes() + b"\0")
    return digest.hexdigest()


def check_lock() -> dict:
    """Every package of the lock file pinned to an exact version with a sha512 integrity hash,
    and every top-level dependency of package.json pinned exactly to what the lock holds."""
    lock = json.loads((SOURCE / "package-lock.json").read_text())
    wanted = json.loads((SOURCE / "package.json").read_text())["dependencies"]
    packages = {k: v for k, v in lock["packages"].items() if k}
    for path, entry in packages.items():
        if not str(entry.get("integrity", "")).startswith("sha512-"):
            raise SystemExit(f"[editor] {path} has no sha512 integrity hash in the lock file")
    for name, version in wanted.items():
        entry = packages.get(f"node_modules/{name}")
        if entry is None or entry["version"] != version:
            raise SystemExit(f"[editor] package.json pins {name}@{version}; the lock has "
                             f"{entry and entry['version']}")
    return packages


def up_to_date() -> bool:
    return BUNDLE.exists() and STAMP.exists() and STAMP.read_text().strip() == source_hash()


def ensure() -> Path:
    """Bundle the editor if it is missing or its sources changed; return the bundle's path."""
    if up_to_date():
        return BUNDLE
    packages = check_lock()
    WORK.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(SOURCE / name, WORK / name)
    log(f"npm ci: {len(packages)} packages pinned by integrity hash")
    # --ignore-scripts: no package runs code at install; esbuild's binary is in its
    # platform package (@esbuild/linux-x64 and friends), itself pinned in the lock
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
                   cwd=WORK, check=True)
    for path, entry in packages.items():  # what npm put there is what the lock pins
        manifest = WORK / path / "package.json"
        if manifest.exists() and json.loads(manifest.read_text())["version"] != entry["version"]:
            raise SystemExit(f"[editor] {path}: installed version differs from the lock")
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = OUT / "editor.tmp.js"
    subprocess.run(["node", str(WORK / "node_modules" / "esbuild" / "bin" / "esbuild"),
                    str(WORK / "editor.js"), "--bundle", "--format=esm", "--minify",
                    "--target=es2020", "--legal-comments=none", f"--outfile={tmp}", "--log-level=warning"],
                   cwd=WORK, check=True)
    tmp.replace(BUNDLE)
    STAMP.write_text(source_hash() + "\n")
    raw = BUNDLE.read_bytes()
    log(f"bundled {BUNDLE.relative_to(ROOT)}: {len(raw) / 1000:.1f} kB, "
        f"{len(gzip.compress(raw, 9)) / 1000:.1f} kB gzipped")
    return BUNDLE


def sizes() -> tuple[int, int]:
    """(raw, gzip -9) bytes of the bundle."""
    raw = BUNDLE.read_bytes()
    return len(raw), len(gzip.compress(raw, 9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only")
    args = parser.parse_args()
    if args.check:
        ok = up_to_date()
        print(f"[editor] {'up to date' if ok else 'missing or out of date'}")
        raise SystemExit(0 if ok else 1)
    ensure()
    raw, packed = sizes()
    log(f"ready: {raw:,} bytes ({packed:,} gzipped)")


if __name__ == "__main__":
    main()
