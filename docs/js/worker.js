// The Python worker: Pyodide + numpy + explainer_core, off the page's main thread.
//
// Protocol (page -> worker):
//   {boot: {pyodideURL, lockURL, warmUp}}          start Python (posts progress, then ready);
//                                                  warmUp: import every demo module while idle
//   {id, demo, method, args}                       one call   -> {id, ok, result} | {id, ok: false, error}
//   {id, demo, method, args, stream: {chunkFrames, intervalMs}}
//                                                  a run      -> {id, ok, frames, done} chunks
//   {cancel: id}                                   stop a run -> its last chunk has cancelled: true
// All numerics happen in Python (explainer_core.demos); this file only moves JSON.

let pyodide = null;
let demos = null;
const cancelled = new Set();

function progress(fraction, label) {
  postMessage({ progress: { fraction, label } });
}

// Pyodide 0.27 only logs a warning when its wasm cannot be fetched or compiled, and its
// loadPyodide() then never settles. Turn that warning, or a start that takes far too long,
// into an error the page can show (with a Retry). `settle()` puts console.warn back and stops
// the clock once the boot has succeeded or failed.
function bootFailure(timeoutMs) {
  const warn = console.warn;
  let timer;
  const failed = new Promise((_, reject) => {
    console.warn = (...args) => {
      warn(...args);
      if (String(args[0]).includes("wasm instantiation failed")) {
        reject(new Error("the Python runtime (pyodide.asm.wasm) could not be loaded"));
      }
    };
    timer = setTimeout(() => reject(new Error(`Python did not start within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const settle = () => {
    console.warn = warn;
    clearTimeout(timer);
  };
  return { failed, settle };
}

// ---- downloads in parallel with the boot ----------------------------------------------------
// loadPyodide() fetches the lock file and the wasm; loadPackage() then fetches the wheels, one
// step later. We start the wheels' downloads at once, beside the wasm, and hand each response to
// Pyodide when it asks for that URL (once; with the same sha256 integrity check it would ask for).

const PACKAGES = ["numpy", "explainer_core"];
const realFetch = self.fetch.bind(self);
const early = new Map(); // absolute URL -> Promise<Response>, taken by the first fetch of it

self.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), self.location).href;
  const response = early.get(url);
  if (response) {
    early.delete(url);
    return response;
  }
  return realFetch(input, init);
};

const hexToBase64 = (hex) => btoa(String.fromCharCode(...hex.match(/../g).map((h) => parseInt(h, 16))));

async function fetchEarly(pyodideURL, lockURL) {
  const lockResponse = realFetch(lockURL);
  early.set(new URL(lockURL, self.location).href, lockResponse.then((r) => r.clone()));
  const lock = await (await lockResponse).json();
  const wanted = new Set();
  const visit = (name) => {
    const key = name.toLowerCase().replace(/_/g, "-");
    const entry = lock.packages[key] || lock.packages[name];
    if (!entry || wanted.has(entry)) return;
    wanted.add(entry);
    entry.depends.forEach(visit);
  };
  PACKAGES.forEach(visit);
  for (const entry of wanted) {
    const url = new URL(entry.file_name, pyodideURL).href;
    const integrity = `sha256-${hexToBase64(entry.sha256)}`;
    early.set(url, realFetch(url, { integrity }));
  }
}

// The site's lock file is Pyodide's own plus explainer_core's wheel, so both packages load by
// name and Pyodide checks each download against the sha256 the lock gives.
async function boot({ pyodideURL, lockURL, warmUp: warm = true }) {
  const t0 = performance.now();
  const failure = bootFailure(180_000);
  try {
    progress(0.05, "Starting Python (Pyodide)…");
    // a failed early download is left for Pyodide to make again, and to report
    fetchEarly(pyodideURL, lockURL).catch(() => early.clear());
    importScripts(pyodideURL + "pyodide.js");
    pyodide = await Promise.race([
      loadPyodide({ indexURL: pyodideURL, lockFileURL: lockURL }),
      failure.failed,
    ]);
    const tPyodide = performance.now();
    progress(0.6, "Loading numpy and explainer_core…");
    // loadPackage reports a failed download (or a wrong sha256) to errorCallback, not by throwing
    const problems = [];
    await Promise.race([
      pyodide.loadPackage(PACKAGES, {
        messageCallback: () => {},
        errorCallback: (message) => problems.push(message),
      }),
      failure.failed,
    ]);
    if (problems.length) throw new Error(problems.join(" "));
    demos = pyodide.pyimport("explainer_core.demos");
    progress(1, "Ready");
    postMessage({
      ready: true,
      timings: {
        pyodide: tPyodide - t0,
        packages: performance.now() - tPyodide,
        total: performance.now() - t0,
      },
    });
    if (warm) setTimeout(warmUp, WARM_UP_DELAY_MS);
  } catch (error) {
    postMessage({ bootError: String(error && error.message ? error.message : error).split("\n")[0] });
  } finally {
    failure.settle();
  }
}

function request(message) {
  return JSON.stringify({ demo: message.demo, method: message.method, args: message.args || {} });
}

function handleCall(message) {
  let answer;
  try {
    answer = JSON.parse(demos.call(request(message)));
  } catch (error) {
    answer = { ok: false, error: { type: "InternalError", message: internalMessage(error) } };
  }
  postMessage({ id: message.id, ...answer });
}

function internalMessage(error) {
  console.error(error);
  return "Something went wrong inside Python; the details are in the browser console.";
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The other chapters' demo modules are imported while the worker is idle after boot, one at a
// time (each ~0.1-0.3 s), so the next chapter's demo answers at once. A run in progress or a
// message just handled puts the next import off.
const WARM_UP_DELAY_MS = 1500;
let running = 0; // streams in progress
let lastMessage = 0;
let warmQueue = null;

function warmUp() {
  warmQueue ??= [...demos.DEMOS];
  if (!warmQueue.length) return;
  if (running || performance.now() - lastMessage < WARM_UP_DELAY_MS) {
    setTimeout(warmUp, WARM_UP_DELAY_MS);
    return;
  }
  try {
    demos.module(warmQueue.shift()).destroy();
  } catch (error) {
    console.error(error); // it will fail again, with its message, when the demo calls it
  }
  setTimeout(warmUp, 50);
}

async function handleStream(message) {
  running += 1;
  try {
    await streamChunks(message);
  } finally {
    running -= 1;
  }
}

async function streamChunks(message) {
  const { id } = message;
  const { chunkFrames = 1000, intervalMs = 0 } = message.stream;
  let run;
  try {
    run = demos.start(request(message));
    for (;;) {
      // Yield to the event loop so that a {cancel} message can arrive between chunks.
      await pause(intervalMs);
      if (cancelled.has(id)) {
        cancelled.delete(id);
        postMessage({ id, ok: true, frames: [], done: true, cancelled: true });
        return;
      }
      const chunk = JSON.parse(run.advance(chunkFrames, 30));
      postMessage({ id, ...chunk });
      if (chunk.done || chunk.ok === false) return;
    }
  } catch (error) {
    postMessage({ id, ok: false, frames: [], done: true, error: { type: "InternalError", message: internalMessage(error) } });
  } finally {
    if (run) {
      run.close();
      run.destroy();
    }
  }
}

self.onmessage = ({ data }) => {
  lastMessage = performance.now();
  if (data.boot) return boot(data.boot);
  if (data.cancel !== undefined) return cancelled.add(data.cancel);
  if (!demos) {
    postMessage({ id: data.id, ok: false, error: { type: "NotReady", message: "Python is still loading" } });
  } else if (data.stream) {
    handleStream(data);
  } else {
    handleCall(data);
  }
};
