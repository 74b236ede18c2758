// Demo "random-search": the book's experiment live. Random search and tweak-and-keep start from
// the same network and run side by side; each panel shows the data and the network's decision
// map (the class it picks in each cell, pale where it is unsure). Every number and every choice
// comes from explainer_core.demos.random_search in the worker (setup, race); this file draws.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized } from "./_ui.js";

// Okabe-Ito: a colour and a marker shape per class, a colour and a dash per method.
const CLASSES = [
  { colour: [230, 159, 0], marker: "circle" }, // orange
  { colour: [86, 180, 233], marker: "square" }, // sky blue
  { colour: [0, 158, 115], marker: "triangle" }, // bluish green
];
const METHODS = {
  random_search: { colour: "#D55E00", dash: [6, 4], key: "gde-rs__key--random" },
  tweak_and_keep: { colour: "#0072B2", dash: [], key: "gde-rs__key--tweak" },
};
const NAMES = ["random_search", "tweak_and_keep"];
const PAD = { left: 44, right: 12, top: 8, bottom: 30 };

// ---- drawing: pure functions of a canvas and plain data -------------------------------------

const prepareCanvas = (canvas) => prepareCanvasSized(canvas, 300, 300);

// A map from Python (class * levels + level per cell, rows from the top) as an n×n image: the
// class's colour, more opaque the surer the network is.
function mapImage(cells, n, levels) {
  const image = new ImageData(n, n);
  cells.forEach((value, k) => {
    const [r, g, b] = CLASSES[Math.floor(value / levels)].colour;
    const sure = (value % levels) / (levels - 1);
    image.data.set([r, g, b, Math.round(255 * (0.12 + 0.58 * sure))], k * 4);
  });
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function marker(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === "square") ctx.rect(x - r * 0.85, y - r * 0.85, 1.7 * r, 1.7 * r);
  else if (shape === "triangle") {
    ctx.moveTo(x, y - 1.15 * r);
    ctx.lineTo(x + r, y + 0.75 * r);
    ctx.lineTo(x - r, y + 0.75 * r);
    ctx.closePath();
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
}

// The decision map and the data points, in the data's fixed view (a square).
function drawMap(canvas, { image, points, view, outline }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const size = Math.min(width, height);
  const [x0, x1] = view.x;
  const [y0, y1] = view.y;
  const sx = (x) => ((x - x0) / (x1 - x0)) * size;
  const sy = (y) => ((y1 - y) / (y1 - y0)) * size;
  const radius = Math.max(2.2, Math.min(3.4, size / 110));
  ctx.imageSmoothingEnabled = false;
  if (image) ctx.drawImage(image, 0, 0, size, size);
  ctx.lineWidth = 1;
  ctx.strokeStyle = outline;
  points.x.forEach((x, k) => {
    const { colour, marker: shape } = CLASSES[points.label[k]];
    ctx.fillStyle = `rgb(${colour.join(",")})`;
    marker(ctx, shape, sx(x), sy(points.y[k]), radius);
  });
  ctx.strokeStyle = outline;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
}

// Loss or accuracy of both methods against the iterations.
function drawChart(canvas, { history, column, iterations, range, label, format, colour, lines }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const [lo, hi] = range;
  const x = (step) => PAD.left + (step / iterations) * w;
  const y = (v) => PAD.top + h - ((v - lo) / (hi - lo || 1)) * h;
  ctx.font = "11px sans-serif";
  ctx.fillStyle = colour;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  for (let k = 0; k <= 2; k++) {
    const v = lo + ((hi - lo) * k) / 2;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(PAD.left + w, y(v));
    ctx.stroke();
    ctx.fillText(format(v), PAD.left - 4, y(v) + 4);
  }
  ctx.textAlign = "left";
  ctx.fillText("0", PAD.left, PAD.top + h + 13);
  ctx.textAlign = "right";
  ctx.fillText(iterations.toLocaleString("en-US"), PAD.left + w, PAD.top + h + 13);
  ctx.textAlign = "center";
  ctx.fillText("iterations", PAD.left + w / 2, height - 3);
  ctx.save();
  ctx.translate(11, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(label, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 2, w, h + 4);
  ctx.clip();
  for (const name of NAMES) {
    const rows = history[name];
    if (rows.length < 1) continue;
    ctx.strokeStyle = lines[name];
    ctx.lineWidth = 2;
    ctx.setLineDash(METHODS[name].dash);
    ctx.beginPath();
    rows.forEach((row, k) => (k ? ctx.lineTo(x(row[0]), y(row[column])) : ctx.moveTo(x(row[0]), y(row[column]))));
    ctx.stroke();
  }
  ctx.restore();
}

// ---- the demo: state and wiring --------------------------------------------------------------

const count = (n) => Number(n).toLocaleString("en-US");
const percent = (v) => (v === null || v === undefined ? "–" : `${(100 * v).toFixed(1)}%`);
const fixed = (v) => (v === null || v === undefined ? "–" : v.toFixed(4));

export default async function mount(root, api) {
  const opts = api.options;
  const initial = {
    data: opts.data || "vertical",
    seed: opts.seed ?? "0",
    noise: opts.noise ?? "0.05",
    iterations: opts.iterations ?? "10000",
  };
  const first = await api.call("setup", initial);
  if (!first.ok) throw new Error(first.error.message);
  const { choices, fields, outcomes, methods } = first.result;
  const label = Object.fromEntries(methods);
  const typed = (name) => field(fields[name], name, initial[name] ?? fields[name].default);
  const panel = (name) => `
    <figure class="gde-rs__panel gde-rs__panel--${name}">
      <figcaption><span class="gde-rs__key ${METHODS[name].key}"></span> ${label[name]}</figcaption>
      <canvas class="gde-rs__map" data-map="${name}" role="img"
        aria-label="${label[name]}: the data and the network's decision map"></canvas>
      <p class="gde-rs__readout">loss <output data-role="${name}-loss"></output>
        · accuracy <output data-role="${name}-accuracy"></output><br>
        ${name === "random_search" ? "new bests" : "tweaks kept"} <output data-role="${name}-kept">0</output>
        · in the last ${count(first.result.window)} iterations <output data-role="${name}-recent">0</output></p>
    </figure>`;
  root.append(html`
    <div class="gde-row gde-actions gde-rs__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Run both methods; press again to stop (Play goes on from there)">Play</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <label class="gde-field"><span>data</span><select name="data">${options(choices.data, first.result.data)}</select></label>
    </div>
    <div class="gde-row gde-rs__fields">${typed("iterations")} ${typed("noise")} ${typed("seed")}</div>
    <p class="gde-rs__counter"><output data-role="counter">iteration 0 of ${count(first.result.iterations)}</output></p>
    <div class="gde-rs__panels">${panel("random_search")}${panel("tweak_and_keep")}</div>
    <p class="gde-rs__legend">Points: the data, <span class="gde-rs__class">● class 1</span>
      <span class="gde-rs__class">■ class 2</span> <span class="gde-rs__class">▲ class 3</span>.
      Background: the class the network picks there, pale where it is unsure.</p>
    <div class="gde-rs__charts">
      <figure><canvas class="gde-rs__chart" data-chart-of="loss" role="img" aria-label="Loss of both methods against the iterations"></canvas>
        <figcaption>loss (cross-entropy) · <span class="gde-rs__key gde-rs__key--random"></span> random search
          · <span class="gde-rs__key gde-rs__key--tweak"></span> tweak-and-keep</figcaption></figure>
      <figure><canvas class="gde-rs__chart" data-chart-of="accuracy" role="img" aria-label="Accuracy of both methods against the iterations"></canvas>
        <figcaption>accuracy (share of the points classified right)</figcaption></figure>
    </div>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (selector) => root.querySelector(selector);
  const inputs = Object.fromEntries(["data", "iterations", "noise", "seed"].map((n) => [n, $(`[name="${n}"]`)]));
  const maps = Object.fromEntries(NAMES.map((n) => [n, $(`[data-map="${n}"]`)]));
  const charts = { loss: $('[data-chart-of="loss"]'), accuracy: $('[data-chart-of="accuracy"]') };
  const playButton = $('[data-action="play"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = {
    setup: null, // the latest setup() reply: data, view, the maps at iteration 0
    step: 0,
    iterations: first.result.iterations,
    methods: null, // the latest states from Python
    images: {}, // the latest maps, as images
    history: { random_search: [], tweak_and_keep: [] }, // [step, loss, accuracy] per frame
    run: null,
    latest: 0,
    queued: false,
    redraws: 0, // new maps drawn during the last run (for benchmarks: data-redraws)
    newMaps: false,
  };

  const colours = () => {
    const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    // the Okabe-Ito blue is too dark on the dark page: a lighter blue there
    const lines = { random_search: METHODS.random_search.colour, tweak_and_keep: dark ? "#3D9BE0" : METHODS.tweak_and_keep.colour };
    return { fg, lines, outline: dark ? "rgba(0,0,0,0.85)" : "rgba(0,0,0,0.7)" };
  };

  function drawMaps() {
    const { outline } = colours();
    for (const name of NAMES) {
      drawMap(maps[name], { image: state.images[name], points: state.setup.points, view: state.setup.view, outline });
    }
  }

  function drawCharts() {
    const { fg, lines } = colours();
    const all = NAMES.flatMap((name) => state.history[name].map((row) => row[1]));
    const top = Math.max(state.setup.uniform_loss, ...all);
    drawChart(charts.loss, {
      history: state.history, column: 1, iterations: state.iterations, range: [0, Math.ceil(top * 5) / 5],
      label: "loss", format: (v) => v.toFixed(1), colour: fg, lines,
    });
    drawChart(charts.accuracy, {
      history: state.history, column: 2, iterations: state.iterations, range: [0, 1],
      label: "accuracy", format: (v) => `${Math.round(100 * v)}%`, colour: fg, lines,
    });
  }

  function showNumbers() {
    $('[data-role="counter"]').value = `iteration ${count(state.step)} of ${count(state.iterations)}`;
    for (const name of NAMES) {
      const s = state.methods[name];
      const loss = $(`[data-role="${name}-loss"]`);
      loss.value = fixed(s.loss);
      loss.dataset.value = s.loss;
      const acc = $(`[data-role="${name}-accuracy"]`);
      acc.value = percent(s.accuracy);
      acc.dataset.value = s.accuracy;
      const kept = $(`[data-role="${name}-kept"]`);
      kept.value = count(s.kept) + (s.last_kept ? ` (last at ${count(s.last_kept)})` : "");
      kept.dataset.value = s.kept;
      const span = s.recent_span || 0;
      $(`[data-role="${name}-recent"]`).value = span ? `${count(s.recent)} (${percent(s.recent / span)})` : "0";
    }
  }

  function draw() {
    state.queued = false;
    showNumbers();
    drawMaps();
    drawCharts();
    if (state.newMaps) state.redraws += 1; // a new map from a run on screen
    state.newMaps = false;
  }
  // frames arrive in chunks: draw once per animation frame at most
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };

  const settings = () => ({
    data: inputs.data.value, seed: inputs.seed.value, noise: inputs.noise.value, iterations: inputs.iterations.value,
  });
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));

  // Both methods back to the start of the chosen data and seed (only the newest answer is shown).
  async function reset() {
    const id = ++state.latest;
    const answer = await api.call("setup", settings());
    if (id !== state.latest) return false;
    if (!answer.ok) {
      showError(answer.error);
      return false;
    }
    const start = answer.result.start;
    state.setup = answer.result;
    state.iterations = answer.result.iterations;
    state.step = 0;
    state.methods = start.methods;
    state.history = Object.fromEntries(NAMES.map((name) => [name, [[0, start.methods[name].loss, start.methods[name].accuracy]]]));
    state.images = Object.fromEntries(NAMES.map((name) => [name, mapImage(start.regions[name], answer.result.grid, answer.result.levels)]));
    draw();
    return true;
  }

  async function stop() {
    if (!state.run) return;
    const run = state.run;
    run.cancel();
    await run.done;
  }

  function onFrames(frames, still) {
    let last = null;
    for (const f of frames) {
      if (f.catch_up) continue;
      last = f;
      state.step = f.step;
      state.methods = f.methods;
      for (const name of NAMES) state.history[name].push([f.step, f.methods[name].loss, f.methods[name].accuracy]);
      state.iterations = f.iterations;
      if (f.regions) {
        for (const name of NAMES) state.images[name] = mapImage(f.regions[name], state.setup.grid, state.setup.levels);
        state.newMaps = true;
      }
    }
    if (!last) return;
    if (last.done) {
      message(last.reason, outcomes[last.outcome] || "info");
      $('[data-role="announce"]').textContent = last.reason;
    }
    if (!still || last.done) schedule();
  }

  async function play() {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chosen = settings();
    const iterations = Number(chosen.iterations);
    // a finished run (or one whose length changed below where it is) starts again
    if (!(state.step < iterations) || state.step >= state.iterations) {
      if (!(await reset())) return;
    }
    const resume = state.step;
    playButton.textContent = "Stop";
    playButton.setAttribute("aria-pressed", "true");
    api.setState("running");
    if (resume > 0) message(`Going on from iteration ${count(resume)}: the first ${count(resume)} are replayed (same seed, same run).`);
    state.redraws = 0;
    const t0 = performance.now();
    let failed = null;
    const run = api.stream("race", { ...chosen, start: resume, ...(still ? { regions_ms: 1e6 } : {}) }, {
      chunkFrames: 100_000,
      intervalMs: 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        if (resume > 0 && frames.some((f) => !f.catch_up)) message("");
        onFrames(frames, still);
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    root.dataset.runMs = String(Math.round(performance.now() - t0));
    root.dataset.redraws = String(state.redraws);
    if (failed) {
      showError(failed);
    } else if (outcome.cancelled) {
      message(`Stopped by you at iteration ${count(state.step)}: press Play to go on, or Reset.`);
      schedule();
    }
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
    // the last chunk's numbers are on screen when the demo says it is ready (the canvases follow
    // at the next animation frame)
    if (state.methods) showNumbers();
    if (!state.run) api.setState("ready");
  }

  // A new problem (data, seed or noise scale): stop, and start again from iteration 0.
  async function restart() {
    await stop();
    clearErrors();
    message("");
    await reset();
    updated();
  }

  playButton.addEventListener("click", play);
  $('[data-action="reset"]').addEventListener("click", restart);
  // "Run with my code" (the Python panel): from iteration 0, played to the end
  api.setRerun(async () => {
    await restart();
    await play();
  });
  inputs.data.addEventListener("change", restart);
  for (const name of ["seed", "noise"]) inputs[name].addEventListener("input", restart);
  inputs.iterations.addEventListener("input", async () => {
    // a new length: drawn at once when nothing has run yet, used by the next Play otherwise
    if (state.step === 0 && !state.run) {
      await reset();
      updated();
    }
  });
  clearOnInput([inputs.iterations, inputs.noise, inputs.seed]);
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });

  state.setup = first.result;
  state.methods = first.result.start.methods;
  state.history = Object.fromEntries(NAMES.map((name) => [name, [[0, state.methods[name].loss, state.methods[name].accuracy]]]));
  state.images = Object.fromEntries(NAMES.map((name) => [name, mapImage(first.result.start.regions[name], first.result.grid, first.result.levels)]));
  draw();
}
