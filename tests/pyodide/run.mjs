// Run Python inside the vendored Pyodide 0.27.7 under Node, with numpy and explainer_core.
//
//   node tests/pyodide/run.mjs pytest [pytest args...]   run pytest (core tests) inside Pyodide
//   node tests/pyodide/run.mjs python < code.py          run code; print JSON of its `result`
//
// The repository is mounted read-only-in-spirit at /repo (NODEFS), so the same test files and the
// same explainer_core sources that CPython uses are the ones that run here.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const vendor = path.join(repo, ".cache", "vendor");
const indexURL = path.join(vendor, "pyodide") + path.sep;

const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));

// A Python error inside Pyodide carries the traceback in its message; print only that, not the
// minified runtime source line that Node would otherwise show.
process.on("uncaughtException", (error) => {
  console.error(error && error.message ? error.message : error);
  process.exit(3);
});
process.on("unhandledRejection", (error) => {
  console.error(error && error.message ? error.message : error);
  process.exit(3);
});

const [mode, ...args] = process.argv.slice(2);
let stdout = "";
const pyodide = await loadPyodide({
  indexURL,
  stdout: (line) => (mode === "python" ? (stdout += line + "\n") : console.log(line)),
  stderr: (line) => console.error(line),
});
await pyodide.loadPackage("numpy", { messageCallback: () => {} });

pyodide.FS.mkdirTree("/repo");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: repo }, "/repo");

if (mode === "pytest") {
  // pytest writes progress dots without newlines: pass its output through unbuffered.
  const decoder = new TextDecoder();
  pyodide.setStdout({ write: (buffer) => { process.stdout.write(decoder.decode(buffer)); return buffer.length; } });
  // Pure-Python wheels (pytest, hypothesis, ...) unpacked into site-packages.
  const wheelDir = path.join(vendor, "py-wheels");
  pyodide.FS.mkdirTree("/wheels");
  for (const name of readdirSync(wheelDir).filter((f) => f.endsWith(".whl"))) {
    pyodide.FS.writeFile(`/wheels/${name}`, readFileSync(path.join(wheelDir, name)));
  }
  pyodide.runPython(`
import glob, site, zipfile
for wheel in glob.glob("/wheels/*.whl"):
    zipfile.ZipFile(wheel).extractall(site.getsitepackages()[0])
`);
  pyodide.globals.set("pytest_args", pyodide.toPy(args));
  const code = pyodide.runPython(`
import os, sys
os.chdir("/repo")
sys.path.insert(0, "/repo")
sys.dont_write_bytecode = True
import pytest
int(pytest.main(["-p", "no:cacheprovider", *pytest_args]))
`);
  process.exit(code);
} else if (mode === "python") {
  const source = readFileSync(0, "utf8");
  pyodide.globals.set("__source", source);
  const out = pyodide.runPython(`
import json, sys
sys.path.insert(0, "/repo")
sys.dont_write_bytecode = True
__namespace = {"__name__": "__pyodide_run__"}
exec(compile(__source, "<run_in_pyodide>", "exec"), __namespace)
json.dumps(__namespace.get("result"))
`);
  process.stdout.write(stdout);
  process.stdout.write("\n@@RESULT@@" + out + "\n");
  process.exit(0);
} else {
  console.error("usage: run.mjs pytest [args...] | run.mjs python < code.py");
  process.exit(2);
}
