"""Cold and warm site builds with every registered chart on one page, and what a change re-renders.

    python benchmarks/bench_chart_build.py

Works on a throw-away copy of the project (explainer_core, build_scripts, docs, mkdocs.yml,
pyproject.toml; the vendored runtime is linked, not copied), so the real chart cache is left
alone. In one run, side by side:

1. cold build: empty caches, every chart computed and rendered, the wheel and lock file built;
2. warm build: nothing changed, so no chart is rendered and the wheel is not rebuilt
   (goal: warm / cold <= 0.1);
3. one chart's code edited: exactly that chart is rendered again;
4. an explainer_core module that every chart imports (through explainer_core.landscape) edited:
   every chart is rendered again;
5. an explainer_core module that no chart imports edited: nothing is rendered.

Prints the wall times, the ratio, and the per-chart sizes the build reports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"explainer: (\d+) chart\(s\), (\d+) rendered, (\d+) from cache")
SIZE = re.compile(r"chart (\S+): spec\+data ([\d.]+) kB, fallback (\w+) ([\d.]+) kB \((\w+)\)")


def copy_project(dest: Path) -> None:
    for folder in ("explainer_core", "build_scripts", "docs"):
        shutil.copytree(ROOT / folder, dest / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    (dest / ".cache").mkdir()
    os.symlink(ROOT / ".cache" / "vendor", dest / ".cache" / "vendor")


def chart_names(project: Path) -> list[str]:
    code = ("import sys; sys.path.insert(0, '.'); from build_scripts import charts; "
            "print(' '.join(sorted(charts.load_all())))")
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True,
                          text=True, check=True)
    return done.stdout.split()


def build(project: Path) -> tuple[float, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "OPENBLAS_NUM_THREADS": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(project / "site")],
                          cwd=project, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    return elapsed, done.stderr


def summary(log: str) -> tuple[int, int, int]:
    match = SUMMARY.search(log)
    return tuple(int(g) for g in match.groups()) if match else (0, 0, 0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        copy_project(project)
        names = chart_names(project)
        page = "# Every chart\n\n" + "\n\n".join(f"[[chart: {n}]]" for n in names) + "\n"
        (project / "docs" / "all_charts.md").write_text(page)
        config = (project / "mkdocs.yml").read_text()
        (project / "mkdocs.yml").write_text(
            config.replace("nav:\n", "nav:\n  - Charts: all_charts.md\n"))

        cold, log = build(project)
        total, rendered, _ = summary(log)
        print(f"{len(names)} charts on one page (plus the chapters' own): {total} in the build")
        for match in SIZE.finditer(log):
            base, spec_kb, ext, fallback_kb, _ = match.groups()
            print(f"  {base:<40} spec+data {float(spec_kb):7.1f} kB   "
                  f"fallback {ext} {float(fallback_kb):7.1f} kB")
        print(f"cold build: {cold:7.2f} s   ({rendered} charts rendered)")

        warm, log = build(project)
        _, rendered_warm, cached = summary(log)
        print(f"warm build: {warm:7.2f} s   ({rendered_warm} rendered, {cached} from cache); "
              f"warm / cold = {warm / cold:.3f}")

        target = project / "build_scripts" / "charts" / "real_landscapes.py"
        text = target.read_text()
        edited = text.replace("def hessian_spectrum(data: dict) -> alt.VConcatChart:\n",
                              "def hessian_spectrum(data: dict) -> alt.VConcatChart:\n"
                              "    # edited by the benchmark\n", 1)
        assert edited != text
        target.write_text(edited)
        one, log = build(project)
        _, rendered_one, _ = summary(log)
        print(f"after editing hessian_spectrum's code: {one:6.2f} s, "
              f"{rendered_one} chart(s) rendered")

        for module, why in (("curvature.py", "every chart imports it"),
                            ("images.py", "no chart imports it")):
            core = project / "explainer_core" / module
            core.write_text(core.read_text() + "\n# edited by the benchmark\n")
            again, log = build(project)
            _, rendered_core, _ = summary(log)
            print(f"after editing explainer_core/{module} ({why}): {again:6.2f} s, "
                  f"{rendered_core} chart(s) rendered")

if __name__ == "__main__":
    main()
