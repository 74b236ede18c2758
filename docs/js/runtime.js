// The page runtime: one lazily started Python worker per page, live demos, pre-rendered charts.
//
// Demos: every element with data-demo="NAME" gets the module data-module (js/demos/NAME.js),
// whose default export mount(root, api) builds the controls. The worker (Pyodide + numpy +
// explainer_core) starts when a demo nears the viewport or is touched; text and charts never wait
// for it. Each demo root carries data-state: loading | ready | running | error.
//
// Charts: every element with data-chart="NAME" is drawn with vega-embed from its data-spec URL;
// data-state="ready" once drawn. The theme follows Material's light/dark palette toggle.

const worker = {
  instance: null,
  booting: null, // Promise resolved when Python is ready
  pending: new Map(), // id -> {resolve, reject, onFrames}
  nextId: 1,
  progress: new Set(), // callbacks (fraction, label)
  config: null,
};

function startWorker(config) {
  if (worker.booting) return worker.booting;
  worker.config = config;
  worker.booting = new Promise((resolve, reject) => {
    const instance = new Worker(new URL("./worker.js", import.meta.url));
    worker.instance = instance;
    instance.onmessage = ({ data }) => {
      if (data.progress) {
        worker.progress.forEach((cb) => cb(data.progress.fraction, data.progress.label));
      } else if (data.ready) {
        resolve(data.timings);
      } else if (data.bootError) {
        failWorker(new Error(data.bootError));
        reject(new Error(data.bootError));
      } else if (data.id !== undefined) {
        route(data);
      }
    };
    instance.onerror = (event) => {
      const error = new Error(event.message || "the Python worker could not start");
      failWorker(error);
      reject(error);
    };
    instance.postMessage({ boot: config });
  });
  return worker.booting;
}

function failWorker(error) {
  if (worker.instance) worker.instance.terminate();
  worker.instance = null;
  worker.booting = null; // a retry starts afresh
  worker.pending.forEach((p) => p.reject(error));
  worker.pending.clear();
}

function route(message) {
  const pending = worker.pending.get(message.id);
  if (!pending) return;
  if (message.frames !== undefined) {
    // a chunk of a streaming run
    if (message.ok === false) pending.onError?.(message.error);
    if (message.frames.length) pending.onFrames(message.frames);
    if (message.done || message.ok === false) {
      worker.pending.delete(message.id);
      pending.resolve({ ok: message.ok !== false, error: message.error, cancelled: !!message.cancelled });
    }
    return;
  }
  worker.pending.delete(message.id);
  pending.resolve(message);
}

// call(demo, method, args) -> Promise<{ok, result} | {ok: false, error: {type, message, arg}}>
function call(demo, method, args) {
  const id = worker.nextId++;
  return new Promise((resolve, reject) => {
    worker.pending.set(id, { resolve, reject });
    worker.instance.postMessage({ id, demo, method, args });
  });
}

// stream(demo, method, args, {onFrames, chunkFrames, intervalMs}) -> {done: Promise, cancel()}
function stream(demo, method, args, { onFrames, onError, chunkFrames = 1000, intervalMs = 0 } = {}) {
  const id = worker.nextId++;
  const done = new Promise((resolve, reject) => {
    worker.pending.set(id, { resolve, reject, onFrames, onError });
    worker.instance.postMessage({ id, demo, method, args, stream: { chunkFrames, intervalMs } });
  });
  return { done, cancel: () => worker.instance?.postMessage({ cancel: id }) };
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

async function bootDemo(root) {
  if (demoPhase.has(root)) return;
  demoPhase.set(root, "booting");
  setState(root, "loading");
  const bar = root.querySelector(".gde-demo__progress");
  const label = root.querySelector(".gde-demo__boot-label");
  const onProgress = (fraction, text) => {
    if (bar) bar.value = fraction;
    if (label) label.textContent = text;
  };
  worker.progress.add(onProgress);
  const config = {
    pyodideURL: new URL(root.dataset.pyodide, document.baseURI).href,
    lockURL: new URL(root.dataset.lock, document.baseURI).href,
  };
  try {
    const [module] = await Promise.all([
      import(new URL(root.dataset.module, document.baseURI).href),
      startWorker(config),
    ]);
    const api = {
      call: (method, args) => call(root.dataset.demo, method, args),
      stream: (method, args, options) => stream(root.dataset.demo, method, args, options),
      setState: (state, message) => setState(root, state, message),
      // the chart the build drew inside this demo (a demo module's CHART), or null
      chart: () => {
        const figure = root.querySelector("[data-chart]");
        return figure ? liveChart(figure) : null;
      },
      options: JSON.parse(root.dataset.options || "{}"),
    };
    await module.default(root, api);
    demoPhase.set(root, "mounted");
    root.querySelector(".gde-demo__boot")?.remove();
    setState(root, "ready");
  } catch (error) {
    demoPhase.delete(root); // Retry may start it again
    showBootError(root, error);
  } finally {
    worker.progress.delete(onProgress);
  }
}

function showBootError(root, error) {
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
  retry.addEventListener("click", () => bootDemo(root));
  alert.append(" ", retry);
}

function watchDemos() {
  const roots = [...document.querySelectorAll("[data-demo]")];
  if (!roots.length) return;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          bootDemo(entry.target);
        }
      }
    },
    { rootMargin: "400px 0px" },
  );
  for (const root of roots) {
    observer.observe(root);
    const touch = () => bootDemo(root);
    root.addEventListener("pointerdown", touch, { once: true });
    root.addEventListener("focusin", touch, { once: true });
  }
}

// ---- charts ---------------------------------------------------------------------------------

let vegaLoading = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

function loadVega() {
  if (!vegaLoading) {
    const base = new URL("../assets/vendor/vega/", import.meta.url).href;
    vegaLoading = loadScript(base + "vega.min.js")
      .then(() => loadScript(base + "vega-lite.min.js"))
      .then(() => loadScript(base + "vega-embed.min.js"));
  }
  return vegaLoading;
}

const isDark = () => document.body.getAttribute("data-md-color-scheme") === "slate";

// Each chart's state, kept off the DOM: figure -> {spec, view, live}. `view` is the Vega view
// while one is drawn (null during a redraw); `live` holds, by table, the rows a demo streamed in,
// so they survive a redraw and reach a chart that is still loading.
const charts = new WeakMap();

function chartState(figure) {
  if (!charts.has(figure)) charts.set(figure, { spec: null, view: null, live: {} });
  return charts.get(figure);
}

async function drawChart(figure) {
  const chart = chartState(figure);
  const view = figure.querySelector(".gde-chart__view");
  try {
    if (!chart.spec) {
      const response = await fetch(figure.dataset.spec);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${figure.dataset.spec}`);
      chart.spec = await response.json();
    }
    await loadVega();
    const old = chart.view;
    chart.view = null; // live rows arriving meanwhile wait in chart.live
    old?.finalize();
    const result = await vegaEmbed(view, chart.spec, {
      actions: false,
      renderer: "svg",
      theme: isDark() ? "dark" : undefined,
      config: { background: null },
    });
    // a redraw (theme toggle) keeps the rows a demo streamed in, instead of the build's
    for (const [table, rows] of Object.entries(chart.live)) {
      result.view.change(table, vega.changeset().remove(() => true).insert(rows));
    }
    await result.view.runAsync();
    chart.view = result.view;
    figure.dataset.state = "ready";
  } catch (error) {
    figure.dataset.state = "error";
    view.textContent = `This chart could not be drawn: ${error.message}`;
    view.setAttribute("role", "alert");
  }
}

// A demo's handle on a chart drawn by the build: it replaces or extends the chart's named tables
// (the alt.NamedData of its chart function) through the Vega view API, and reads them back.
function liveChart(figure) {
  const chart = chartState(figure);
  const update = (table, changes) => chart.view?.change(table, changes(vega.changeset())).run();
  const replace = (table, rows) => {
    chart.live[table] = [...rows];
    update(table, (c) => c.remove(() => true).insert(rows));
  };
  return {
    replace,
    append(table, rows) {
      if (!chart.live[table]) return replace(table, rows);
      chart.live[table].push(...rows);
      update(table, (c) => c.insert(rows));
    },
    // copies of the rows Vega draws now; null while the chart is (re)drawing
    rows: (table) => chart.view?.data(table).map((row) => ({ ...row })) ?? null,
  };
}

function watchCharts() {
  const figures = [...document.querySelectorAll("[data-chart]")];
  if (!figures.length) return;
  figures.forEach(drawChart);
  // Redraw with the other theme when the reader toggles Material's palette.
  new MutationObserver(() => figures.forEach(drawChart)).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });
}

watchCharts();
watchDemos();

// For tests and benchmarks: a chart's handle by name, and calls into the running worker.
window.gde = {
  chart: (name) => {
    const figure = document.querySelector(`[data-chart="${name}"]`);
    return figure ? liveChart(figure) : null;
  },
  call: (demo, method, args) => call(demo, method, args),
};
