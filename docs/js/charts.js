// Charts the build rendered (Vega-Lite specs with their data), drawn with vega-embed when they
// come near the viewport, redrawn in the other theme when the reader toggles Material's palette.
// Every element with data-chart="NAME" and data-spec="URL"; data-state="ready" once drawn.

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

// Each chart's state, kept off the DOM: figure -> {spec, view, live, wanted}. `view` is the Vega
// view while one is drawn (null during a redraw); `live` holds, by table, the rows a demo streamed
// in, so they survive a redraw and reach a chart that is still loading.
const charts = new WeakMap();

function chartState(figure) {
  if (!charts.has(figure)) charts.set(figure, { spec: null, view: null, live: {}, wanted: false });
  return charts.get(figure);
}

async function drawChart(figure) {
  const chart = chartState(figure);
  chart.wanted = true;
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
export function liveChart(figure) {
  const chart = chartState(figure);
  if (!chart.wanted) drawChart(figure); // a demo feeding a chart wants it drawn now
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

// Draw the charts inside `scope` as they come near the viewport; stop watching on `signal`.
export function mountCharts(scope, signal) {
  const figures = [...scope.querySelectorAll("[data-chart]")];
  if (!figures.length) return;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        if (!chartState(entry.target).wanted) drawChart(entry.target);
      }
    },
    { rootMargin: "600px 0px" },
  );
  figures.forEach((figure) => observer.observe(figure));
  signal.addEventListener("abort", () => observer.disconnect(), { once: true });
}

// One observer for the whole visit: redraw the charts on the page that were drawn.
new MutationObserver(() => {
  for (const figure of document.querySelectorAll("[data-chart]")) {
    if (charts.get(figure)?.wanted) drawChart(figure);
  }
}).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

export function chartByName(name) {
  const figure = document.querySelector(`[data-chart="${name}"]`);
  return figure ? liveChart(figure) : null;
}
