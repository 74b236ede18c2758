// The page runtime, loaded once per visit. With Material's instant navigation a link click swaps
// the page's content without reloading scripts; Material's `document$` tells us each time, and
// we mount the new page's demos and charts and unmount the old page's (its runs are cancelled,
// its observers and listeners removed). The Python worker (python.js) survives page changes.
//
// Demos: every element with data-demo="NAME" gets the module data-module (js/demos/NAME.js),
// whose default export mount(root, api) builds the controls. Python starts when a demo nears the
// viewport or is touched; text and charts never wait for it. Each demo root carries data-state:
// loading | ready | running | error. Charts: see charts.js.

import { call, onProgress, restartLane, startWorker, stats, stream } from "./python.js";
import { chartByName, liveChart, mountCharts } from "./charts.js";
import { linkDemo } from "./link.js";
import { addCodePanel } from "./code.js";

// The reader's own functions (code.js) for one demo: while `active` ({"module:function": text})
// is set, every request of the demo carries it as `code` and runs on a lane of its own, so that a
// function that never returns can be stopped by replacing that worker (Stop: if the run has not
// ended 250 ms after it was cancelled). An answer whose error is in the reader's code (arg "code")
// is announced to the panel (event gde:code-error); a run that ends without one, gde:code-ok.
const STOP_GRACE_MS = 250;

function readerCode(root) {
  const demo = root.dataset.demo;
  const lane = `code-${demo}`;
  const busy = new Set(); // the requests with the reader's code not answered yet
  const reader = { active: null, rerun: null, lane, get pending() { return busy.size; } };
  const tell = (type, detail) => root.dispatchEvent(new CustomEvent(type, { detail }));
  const withCode = (args, fallbackLane) => reader.active
    ? [{ ...args, code: reader.active }, lane, true] : [args, fallbackLane, false];
  const settled = (token) => {
    busy.delete(token);
    tell("gde:code-busy", { pending: busy.size });
  };
  const track = (promise) => {
    const token = {};
    busy.add(token);
    tell("gde:code-busy", { pending: busy.size });
    promise.finally(() => settled(token));
  };
  reader.replace = () => {
    const t0 = performance.now();
    tell("gde:code-replacing", {});
    const ready = restartLane(lane);
    busy.clear(); // the old worker's requests are answered "terminated"
    tell("gde:code-busy", { pending: 0 });
    return ready.then(() => tell("gde:code-replaced", { ms: performance.now() - t0 }));
  };
  reader.call = async (method, args, fallbackLane) => {
    const [sent, onLane, coded] = withCode(args, fallbackLane);
    const answer = call(demo, method, sent, onLane);
    if (coded) track(answer);
    const reply = await answer;
    if (coded && !reply.ok && reply.error?.arg === "code") tell("gde:code-error", reply.error);
    return reply;
  };
  reader.stream = (method, args, options) => {
    const [sent, onLane, coded] = withCode(args, options.lane);
    if (!coded) return stream(demo, method, sent, options, onLane);
    let failed = null;
    const onError = (error) => {
      if (error?.arg === "code") failed = error;
      options.onError?.(error);
    };
    const run = stream(demo, method, sent, { ...options, onError }, onLane);
    track(run.done);
    run.done.then((outcome) => {
      if (failed) tell("gde:code-error", failed);
      else if (outcome.ok && !outcome.cancelled) tell("gde:code-ok", {});
    });
    const cancel = run.cancel;
    run.cancel = () => {
      cancel();
      const timer = setTimeout(() => reader.replace(), STOP_GRACE_MS);
      run.done.finally(() => clearTimeout(timer));
    };
    return run;
  };
  root.gdeReader = reader;
  return reader;
}

function setState(root, state, message) {
  root.dataset.state = state;
  let alert = root.querySelector(":scope > .gde-demo__alert");
  if (state === "error") {
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "gde-demo__alert";
      alert.setAttribute("role", "alert");
      root.prepend(alert);
    }
    alert.textContent = message;
  } else if (alert) {
    alert.remove();
  }
}

const demoPhase = new WeakMap(); // demo root -> "booting" | "mounted"; absent: not started, or failed

function config(root) {
  return {
    pyodideURL: new URL(root.dataset.pyodide, document.baseURI).href,
    lockURL: new URL(root.dataset.lock, document.baseURI).href,
  };
}

async function bootDemo(root, signal) {
  if (demoPhase.has(root) || signal.aborted) return;
  demoPhase.set(root, "booting");
  performance.mark(`gde:boot:${root.dataset.demo}`);
  setState(root, "loading");
  const bar = root.querySelector(".gde-demo__progress");
  const label = root.querySelector(".gde-demo__boot-label");
  const stopProgress = onProgress((fraction, text) => {
    if (bar) bar.value = fraction;
    if (label) label.textContent = text;
  });
  // Runs this demo started: cancelled when the reader leaves the page.
  const runs = new Set();
  signal.addEventListener("abort", () => runs.forEach((run) => run.cancel()), { once: true });
  try {
    const [module] = await Promise.all([
      import(new URL(root.dataset.module, document.baseURI).href),
      startWorker(config(root)),
    ]);
    if (signal.aborted) return;
    performance.mark(`gde:imported:${root.dataset.demo}`);
    const reader = readerCode(root);
    const api = {
      // {lane: "name"} runs it in a worker of its own (python.js), started on first use; with
      // the reader's own code in place (code.js) every request carries it, on the reader's lane
      call: (method, args, { lane } = {}) => reader.call(method, args, lane),
      stream: (method, args, options = {}) => {
        const run = reader.stream(method, args, options);
        runs.add(run);
        run.done.finally(() => runs.delete(run));
        return run;
      },
      // what "Run with my code" does (code.js): the demo starts afresh and plays
      setRerun: (rerun) => (reader.rerun = rerun),
      // terminate a lane's worker at once and boot a fresh one (a run that never yields)
      restartLane: (lane) => restartLane(lane),
      setState: (state, message) => setState(root, state, message),
      // the chart the build drew inside this demo (a demo module's CHART), or null
      chart: () => {
        const figure = root.querySelector("[data-chart]");
        return figure ? liveChart(figure) : null;
      },
      options: JSON.parse(root.dataset.options || "{}"),
      // aborted when the reader leaves the page: pass it to listeners on window or document
      signal,
    };
    await module.default(root, api);
    demoPhase.set(root, "mounted");
    root.querySelector(".gde-demo__boot")?.remove();
    linkDemo(root, root.dataset.demo, signal);
    addCodePanel(root, (method, args) => call(root.dataset.demo, method, args), reader, signal);
    setState(root, "ready");
    performance.mark(`gde:ready:${root.dataset.demo}`);
  } catch (error) {
    demoPhase.delete(root); // Retry may start it again
    if (!signal.aborted) showBootError(root, error, signal);
  } finally {
    stopProgress();
  }
}

function showBootError(root, error, signal) {
  setState(
    root,
    "error",
    `The live demo could not start: ${error.message}. The text and charts on this page still work.`,
  );
  const alert = root.querySelector(".gde-demo__alert");
  const retry = document.createElement("button");
  retry.type = "button";
  retry.className = "md-button gde-demo__retry";
  retry.textContent = "Retry";
  retry.addEventListener("click", () => bootDemo(root, signal));
  alert.append(" ", retry);
}

function mountDemos(scope, signal) {
  const roots = [...scope.querySelectorAll("[data-demo]")];
  if (!roots.length) return;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          bootDemo(entry.target, signal);
        }
      }
    },
    { rootMargin: "400px 0px" },
  );
  signal.addEventListener("abort", () => observer.disconnect(), { once: true });
  for (const root of roots) {
    observer.observe(root);
    const touch = () => bootDemo(root, signal);
    root.addEventListener("pointerdown", touch, { once: true, signal });
    root.addEventListener("focusin", touch, { once: true, signal });
  }
}

// ---- the page's lifecycle ------------------------------------------------------------------

let page = null; // the AbortController of the page shown

function mountPage() {
  performance.mark("gde:page");
  page?.abort();
  page = new AbortController();
  mountCharts(document, page.signal);
  mountDemos(document, page.signal);
}

if (window.document$) window.document$.subscribe(mountPage);
else mountPage();

// For tests and benchmarks: a chart's handle by name, calls into the running worker, and the
// worker's bookkeeping (how many workers were started, runs pending).
window.gde = {
  chart: chartByName,
  call: (demo, method, args) => call(demo, method, args),
  worker: stats,
};
