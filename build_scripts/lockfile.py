"""The site's pyodide-lock.json: Pyodide's official lock file plus an entry for our wheel.

With it the worker loads numpy and explainer_core by name (`pyodide.loadPackage(["numpy",
"explainer_core"])`), and Pyodide checks every wheel it downloads against the sha256 the lock
gives. The entry is written by `pyodide-lock`, the library pyodide-build uses for
`pyodide lockfile add-wheels`: name, version, dependencies (from the wheel's Requires-Dist),
import names, sha256. The official `info` block (Pyodide, Python and ABI versions) is kept as it
is; Pyodide refuses a lock whose `info.version` is not its own.

Pyodide resolves a `file_name` against its indexURL, so the wheel's is either relative to the
self-hosted Pyodide folder or, when Pyodide comes from a CDN, an absolute URL on the site.

Lock files are cached in `.cache/locks/` by a hash of their inputs, so a warm build neither
imports pyodide-lock (and pydantic) nor re-reads the 350 official entries.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import tempfile
from pathlib import Path

from build_scripts import vendor

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = vendor.VENDOR / "pyodide" / "pyodide-lock.json"
CACHE = ROOT / ".cache" / "locks"


def site_lock(wheel: Path, base_url: str, cache: Path = CACHE) -> bytes:
    """The lock file's bytes: the official lock and `wheel`, served at `base_url` + its name.

    `base_url` ends with "/" and is relative to Pyodide's indexURL, or absolute.
    """
    wheel = Path(wheel)
    h = hashlib.sha256()
    for part in (OFFICIAL.read_bytes(), wheel.name.encode(), wheel.read_bytes(),
                 base_url.encode(), importlib.metadata.version("pyodide-lock").encode()):
        h.update(hashlib.sha256(part).digest())
    cached = Path(cache) / f"{h.hexdigest()[:16]}.json"
    if cached.exists():
        return cached.read_bytes()

    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    official = PyodideLockSpec.from_json(OFFICIAL)
    spec = add_wheels_to_spec(official, [wheel], base_path=wheel.parent, base_url=base_url)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cached.parent) as tmp:
        written = Path(tmp) / "pyodide-lock.json"
        spec.to_json(written)
        data = written.read_bytes()
        if json.loads(data)["info"] != json.loads(OFFICIAL.read_bytes())["info"]:
            raise RuntimeError("pyodide-lock changed the lock file's info block; "
                               "Pyodide refuses a lock that is not for its own version")
        written.replace(cached)  # in one step: a concurrent build reads all or nothing
    return data
