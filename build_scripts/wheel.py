"""Build the pure-Python `explainer_core` wheel that the browser installs into Pyodide.

A py3-none-any wheel is a zip of the package plus a small `.dist-info` folder (PEP 427). Writing
it directly keeps the site build offline, fast (milliseconds) and byte-for-byte reproducible:
file order and timestamps are fixed, so the same sources give the same wheel and the same hash,
which names the folder it is served from (a changed package gets a new URL, never a stale cache).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "explainer_core"
DATA_SUFFIXES = {".py", ".npy", ".npz", ".json", ".txt"}


def version() -> str:
    text = (ROOT / "pyproject.toml").read_text()
    return re.search(r'^version\s*=\s*"([^"]+)"', text, re.M).group(1)


def package_files() -> list[Path]:
    """Every file of the package that ships, in a fixed order."""
    return sorted(
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix in DATA_SUFFIXES and "__pycache__" not in p.parts
    )


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel() -> tuple[str, bytes]:
    """(file name, wheel bytes) for the current sources."""
    ver = version()
    dist_info = f"explainer_core-{ver}.dist-info"
    entries: list[tuple[str, bytes]] = [
        (p.relative_to(ROOT).as_posix(), p.read_bytes()) for p in package_files()
    ]
    entries.append((f"{dist_info}/METADATA", (
        "Metadata-Version: 2.1\n"
        "Name: explainer_core\n"
        f"Version: {ver}\n"
        "Summary: Numerics for the 'Gradient Descent vs Evolution' explainer\n"
        "Requires-Python: >=3.11\n"
        "Requires-Dist: numpy>=1.26\n"
    ).encode()))
    entries.append((f"{dist_info}/WHEEL", (
        "Wheel-Version: 1.0\nGenerator: build_scripts.wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    ).encode()))
    entries.append((f"{dist_info}/top_level.txt", b"explainer_core\n"))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return f"explainer_core-{ver}-py3-none-any.whl", buffer.getvalue()


def write_wheel(dest_dir: Path) -> Path:
    """Write the wheel under dest_dir/<content hash>/ and return its path."""
    name, data = build_wheel()
    folder = Path(dest_dir) / hashlib.sha256(data).hexdigest()[:12]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


if __name__ == "__main__":
    print(write_wheel(ROOT / "dist"))
