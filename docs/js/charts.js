// Charts the build rendered: each figure shows the build's picture of the chart at once (in the
// palette's theme, css/charts.css), and becomes the live Vega chart (tooltips) when the reader
// points at it, touches it or focuses into it, or when a demo feeds it rows. So a page does no
// chart work at load: drawing a chart takes a phone's main thread for up to a second (the
// landscape heatmap's 10,000 cells), and the picture is the same chart, drawn by the same spec.
// Every element with data-chart="NAME" and data-spec="URL"; data-state is "static" while it is
// the picture, "ready" once live, "error" if Vega failed (the picture stays).
//
// The box is reserved by the build, so the page never moves when a chart goes live. Drawing is
// queued: one chart at a time, the main thread given back between two, and never two draws of
// the same figure at once (a theme toggle during a first draw waits for it, then redraws). A
// new drawing is made off the page and put in place of the old one in one step, and the old
// view is finalized then.
//
// Vega compiles its expressions with the Function constructor, which the site's
// Content-Security-Policy forbids (no 'unsafe-eval'): `ast: true` has Vega parse them to syntax
// trees instead, which the expression interpreter bundled in vega-embed 7 evaluates.

let vegaLoading = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => {
      script.remove();
      reject(new Error(`could not load ${src}`));
    };
    document.head.append(script);
  });
}

function loadVega() {
  if (!vegaLoading) {
    const base = new URL("../assets/vendor/vega/", import.meta.url).href;
    vegaLoading = loadScript(base + "vega.min.js")
      .then(() => loadScript(base + "vega-lite.min.js"))
      .then(() => loadScript(base + "vega-embed.min.js"));
    vegaLoading.catch(() => {
      vegaLoading = null; // the next chart tries again
    });
  }
  return vegaLoading;
}

const isDark = () => document.body.getAttribute("data-md-color-scheme") === "slate";

// Each chart's state, kept off the DOM: figure -> {specs, layout, view, live, wanted, queued, views}.
// `specs` holds the fetched specs by layout ("wide", "narrow"), `layout` the one drawn.
// `view` is the Vega view on the page (null until the first drawing is in place; during a redraw
// the old one stays until the new one replaces it); `live` holds, by table, the rows a demo
// streamed in, so they survive a redraw and reach a chart that is still loading; `views` counts
// the views made for the figure and not yet finalized (one once drawn; see viewCount).
const charts = new WeakMap();

function chartState(figure) {
  if (!charts.has(figure)) {
    charts.set(figure, { specs: {}, layout: null, view: null, live: {}, wanted: false, queued: false, views: 0 });
  }
  return charts.get(figure);
}

// ---- the queue: one draw at a time, the main thread given back between two -----------------

const queue = [];
let pumping = false;

const breathe = () =>
  new Promise((resolve) =>
    "requestIdleCallback" in window ? requestIdleCallback(() => resolve(), { timeout: 200 }) : setTimeout(resolve, 0),
  );

// Draw `figure` (again) as soon as the draws before it are done; `first` puts it at the front.
function requestDraw(figure, { first = false } = {}) {
  const chart = chartState(figure);
  chart.wanted = true;
  if (chart.queued) {
    if (first && queue[0] !== figure) {
      queue.splice(queue.indexOf(figure), 1);
      queue.unshift(figure);
    }
    return;
  }
  chart.queued = true;
  if (first) queue.unshift(figure);
  else queue.push(figure);
  pump();
}

async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (queue.length) {
      const figure = queue.shift();
      const chart = chartState(figure);
      chart.queued = false;
      if (!figure.isConnected) continue; // its page was left (instant navigation)
      await draw(figure, chart);
      await breathe();
    }
  } finally {
    pumping = false;
  }
}

function finalize(chart, view) {
  if (!view) return;
  view.finalize();
  chart.views -= 1;
}

const copies = (rows) => rows.map((row) => ({ ...row }));

async function draw(figure, chart) {
  const slot = figure.querySelector(".gde-chart__view");
  let result = null;
  try {
    const layout = layoutOf(figure);
    if (!chart.specs[layout]) {
      const url = layout === "narrow" ? figure.dataset.specNarrow : figure.dataset.spec;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
      chart.specs[layout] = await response.json();
    }
    await loadVega();
    const target = document.createElement("div"); // drawn off the page, put in place when done
    result = await vegaEmbed(target, chart.specs[layout], {
      actions: false,
      renderer: "svg",
      theme: isDark() ? "dark" : undefined,
      config: { background: null },
      ast: true, // no Function constructor: see the top of this file
    });
    chart.views += 1;
    await result.view.runAsync();
    if (!figure.isConnected) {
      finalize(chart, result.view);
      return;
    }
    // The rows a demo streamed in replace the build's, now, so that none sent during the draw
    // is missed: from here to the swap below nothing else runs.
    for (const [table, rows] of Object.entries(chart.live)) {
      result.view.change(table, vega.changeset().remove(() => true).insert(copies(rows)));
    }
    result.view.run();
    const old = chart.view;
    slot.replaceChildren(target);
    chart.view = result.view;
    chart.layout = layout;
    finalize(chart, old);
    figure.querySelector(":scope > .gde-chart__error")?.remove();
    figure.dataset.state = "ready";
    // the column crossed the layout's width while this was drawn: draw the other layout now
    if (layoutOf(figure) !== layout) requestDraw(figure);
  } catch (error) {
    if (result && chart.view !== result.view) finalize(chart, result.view);
    if (chart.view) return; // a failed redraw leaves the drawn chart in place
    figure.dataset.state = "error";
    // the fallback picture stays in the box; the message goes under it
    let alert = figure.querySelector(":scope > .gde-chart__error");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "gde-chart__error";
      alert.setAttribute("role", "alert");
      slot.after(alert);
    }
    alert.textContent = `This chart could not be drawn live (${error.message}); the picture above is the build's.`;
  }
}

// A demo's handle on a chart drawn by the build: it replaces or extends the chart's named tables
// (the alt.NamedData of its chart function) through the Vega view API, and reads them back.
export function liveChart(figure) {
  const chart = chartState(figure);
  if (!chart.wanted) requestDraw(figure, { first: true }); // a demo feeding a chart wants it now
  const update = (table, changes) => chart.view?.change(table, changes(vega.changeset())).run();
  const replace = (table, rows) => {
    chart.live[table] = [...rows];
    update(table, (c) => c.remove(() => true).insert(copies(rows)));
  };
  return {
    replace,
    append(table, rows) {
      if (!chart.live[table]) return replace(table, rows);
      chart.live[table].push(...rows);
      update(table, (c) => c.insert(copies(rows)));
    },
    // copies of the rows Vega draws now; null until the chart is first drawn
    rows: (table) => chart.view?.data(table).map((row) => ({ ...row })) ?? null,
  };
}

// The layout the page shows for the figure: "narrow" when its column is too narrow for the wide
// one (the rules the build appends to css/charts.css set --gde-chart-layout), else "wide".
function layoutOf(figure) {
  if (!figure.dataset.specNarrow) return "wide";
  const slot = figure.querySelector(".gde-chart__view");
  return getComputedStyle(slot).getPropertyValue("--gde-chart-layout").trim() === "narrow" ? "narrow" : "wide";
}

// A live chart whose column crosses its layout's width (a phone turned, a window resized) is
// drawn again in the other layout, with the rows a demo gave it.
const resized = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const chart = charts.get(target);
    if (chart?.wanted && chart.layout && chart.layout !== layoutOf(target)) requestDraw(target);
  }
});

// Make the charts inside `scope` live when the reader reaches for them; stop on `signal`.
export function mountCharts(scope, signal) {
  for (const figure of scope.querySelectorAll("[data-chart]")) {
    if (figure.dataset.specNarrow) {
      resized.observe(figure);
      signal?.addEventListener("abort", () => resized.unobserve(figure), { once: true });
    }
    const live = () => {
      if (!chartState(figure).wanted) requestDraw(figure, { first: true });
    };
    for (const type of ["pointerenter", "touchstart", "focusin"]) {
      figure.addEventListener(type, live, { once: true, passive: true, signal });
    }
  }
}

// One observer for the whole visit: redraw, in the new theme, the charts on the page that were
// drawn or asked for (one that is being drawn is drawn again after).
new MutationObserver(() => {
  for (const figure of document.querySelectorAll("[data-chart]")) {
    if (charts.get(figure)?.wanted) requestDraw(figure);
  }
}).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

export function chartByName(name) {
  const figure = document.querySelector(`[data-chart="${name}"]`);
  return figure ? liveChart(figure) : null;
}

// For tests: how many Vega views the figure has that are not finalized (1 once it is drawn).
export const viewCount = (figure) => charts.get(figure)?.views ?? 0;
