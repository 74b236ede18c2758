// Demo "landscape": gradient descent and local search walk the same loss landscape side by side.
// Every number shown, and every choice offered, comes from explainer_core.demos.landscape in the
// worker (setup, place, race). The drawing functions are pure (a canvas and plain data in,
// pixels out); mount() keeps one plain `state` object and wires the controls to Python.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized } from "./_ui.js";

const VIRIDIS = [
  [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142],
  [42, 120, 142], [35, 137, 142], [31, 154, 138], [34, 170, 133], [53, 183, 121],
  [84, 197, 104], [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37],
];
// Okabe-Ito: vermillion and sky blue; each method also has its own dash and marker shape.
const METHODS = {
  gradient: { colour: "#D55E00", dash: [], marker: "circle", label: "gradient descent" },
  local_search: { colour: "#56B4E9", dash: [6, 4], marker: "square", label: "local search" },
};
const RACERS = ["gradient", "local_search"];
const ARROW = "#F0E442";
const MAP_PAD = { left: 40, right: 62, top: 10, bottom: 34 };
const PAD = { left: 40, right: 10, top: 10, bottom: 34 };
const TICKS = [-4, -2, 0, 2, 4];

// ---- drawing: pure functions of a canvas and plain data -------------------------------------

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  return VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
}

// setup()'s grid as an n×n image, coloured by Python's `shade` of each cell.
function heatmapImage({ a, shade }) {
  const n = a.length;
  const image = new ImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      image.data.set([...viridis(shade[i * n + j] ?? 1), 255], ((n - 1 - i) * n + j) * 4); // row 0: largest b
    }
  }
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

const prepareCanvas = (canvas) => prepareCanvasSized(canvas, 360, 360);

// The pixel <-> data mapping of a plot inside `pad` (y may be drawn on a log scale: `ty`).
function plotScale(width, height, [x0, x1], [y0, y1], pad = PAD, ty = (y) => y) {
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const [t0, t1] = [ty(y0), ty(y1)];
  return {
    box: [pad.left, pad.top, w, h],
    x: (x) => pad.left + ((x - x0) / (x1 - x0 || 1)) * w,
    y: (y) => pad.top + h - ((ty(y) - t0) / (t1 - t0 || 1)) * h,
    toData: (px, py) => [x0 + ((px - pad.left) / w) * (x1 - x0), y0 + ((pad.top + h - py) / h) * (y1 - y0)],
  };
}

function drawAxes(ctx, scale, { height, xTicks, yTicks, xLabel, yLabel, colour }) {
  const [left, top, w, h] = scale.box;
  ctx.fillStyle = colour;
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center";
  // a tick at either end is aligned inwards, so its label is never cut by the canvas edge
  xTicks.forEach(([t, label], i) => {
    ctx.textAlign = xTicks.length > 1 && i === xTicks.length - 1 ? "right"
      : xTicks.length > 1 && i === 0 && scale.x(t) - left < 8 ? "left" : "center";
    ctx.fillText(label, scale.x(t) + (ctx.textAlign === "right" ? 4 : ctx.textAlign === "left" ? -4 : 0), top + h + 14);
  });
  ctx.textAlign = "center";
  ctx.fillText(xLabel, left + w / 2, height - 4);
  ctx.textAlign = "right";
  for (const [t, label] of yTicks) ctx.fillText(label, left - 5, scale.y(t) + 4);
  ctx.save();
  ctx.textAlign = "center";
  ctx.translate(11, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

const clipTo = (ctx, [left, top, w, h]) => {
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip();
};
const ticks = (values) => values.map((t) => [t, String(t)]);

function polyline(ctx, points, colour, width, dash = [], halo = null) {
  if (points.length < 2) return;
  const path = () => {
    ctx.beginPath();
    points.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  };
  if (halo) {
    ctx.strokeStyle = halo;
    ctx.lineWidth = width + 2;
    ctx.setLineDash(dash);
    path();
    ctx.stroke();
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  path();
  ctx.stroke();
  ctx.setLineDash([]);
}

function marker(ctx, shape, x, y, r, fill, stroke = "#000000") {
  ctx.beginPath();
  if (shape === "square") ctx.rect(x - r, y - r, 2 * r, 2 * r);
  else ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fill();
  }
  ctx.strokeStyle = stroke;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

function cross(ctx, x, y, r, hollow) {
  for (const [colour, width] of [["#000000", 5], ["#ffffff", 2.5]]) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r);
    ctx.lineTo(x - r, y + r);
    ctx.stroke();
  }
  if (hollow) marker(ctx, "circle", x, y, r + 4, null, "#ffffff");
}

function downhillArrow(ctx, x0, y0, [ga, gb]) {
  const norm = Math.hypot(ga, gb);
  if (!(norm > 0)) return;
  const length = 12 + 28 * Math.min(1, norm); // pixels
  const x1 = x0 - (ga / norm) * length;
  const y1 = y0 + (gb / norm) * length; // screen y grows downward
  const angle = Math.atan2(y1 - y0, x1 - x0);
  ctx.strokeStyle = ctx.fillStyle = ARROW;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - 8 * Math.cos(angle - 0.45), y1 - 8 * Math.sin(angle - 0.45));
  ctx.lineTo(x1 - 8 * Math.cos(angle + 0.45), y1 - 8 * Math.sin(angle + 0.45));
  ctx.fill();
}

// The landscape with its colour bar, its lowest points, both trails, the neighbours local search
// tried last, and both points. Returns the plot's scale (toData turns a click into (a, b)).
function drawLandscape(canvas, { landscape, image, trails, racers, colour }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const scale = plotScale(width, height, landscape.bounds, landscape.bounds, MAP_PAD);
  const [left, top, w, h] = scale.box;
  ctx.save();
  drawAxes(ctx, scale, { height, xTicks: ticks(TICKS), yTicks: ticks(TICKS), xLabel: "weight a", yLabel: "bias b", colour });
  // the colour bar, with Python's loss values
  const barX = left + w + 8;
  const bar = ctx.createLinearGradient(0, top + h, 0, top);
  for (let k = 0; k <= 16; k++) bar.addColorStop(k / 16, `rgb(${viridis(k / 16).join(",")})`);
  ctx.fillStyle = bar;
  ctx.fillRect(barX, top, 10, h);
  ctx.fillStyle = colour;
  ctx.textAlign = "left";
  for (const { t, label } of landscape.legend) ctx.fillText(label, barX + 13, top + h - t * h + 4);
  clipTo(ctx, scale.box);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image, left, top, w, h);
  const minima = landscape.minima;
  minima.points.forEach(([a, b]) => {
    if (minima.kind === "flat") marker(ctx, "circle", scale.x(a), scale.y(b), 2, "#ffffff", "#000000");
    else cross(ctx, scale.x(a), scale.y(b), 6, minima.kind === "outside");
  });
  const ls = racers?.local_search;
  for (const [a, b] of ls?.tried ?? []) {
    if (a !== null && b !== null) marker(ctx, "square", scale.x(a), scale.y(b), 2.5, null, "rgba(86,180,233,0.75)");
  }
  for (const name of RACERS) {
    const { colour: c, dash } = METHODS[name];
    polyline(ctx, trails[name].map(([a, b]) => [scale.x(a), scale.y(b)]), c, 2, dash, "rgba(0,0,0,0.7)");
  }
  const gd = racers?.gradient;
  if (gd && gd.grad && gd.a !== null) downhillArrow(ctx, scale.x(gd.a), scale.y(gd.b), gd.grad.map((g) => g ?? 0));
  for (const name of RACERS) {
    const s = racers?.[name];
    if (s && s.a !== null && s.b !== null) marker(ctx, METHODS[name].marker, scale.x(s.a), scale.y(s.b), 5.5, METHODS[name].colour);
  }
  ctx.restore();
  return scale;
}

// The target sin(x), both methods' model curves, and the (draggable) data points.
function drawFunction(canvas, { landscape, racers, colour, active }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const { x: xr, y: yr } = landscape.curve_range;
  const scale = plotScale(width, height, xr, yr);
  ctx.save();
  drawAxes(ctx, scale, { height, xTicks: ticks(TICKS), yTicks: ticks([-1, 0, 1]), xLabel: "x", yLabel: "y", colour });
  clipTo(ctx, scale.box);
  const pairs = (xs, ys) => xs.map((x, k) => [scale.x(x), scale.y(ys[k] ?? 0)]);
  polyline(ctx, [[scale.x(xr[0]), scale.y(0)], [scale.x(xr[1]), scale.y(0)]], "rgba(128,128,128,0.4)", 1);
  ctx.globalAlpha = 0.6;
  polyline(ctx, pairs(landscape.target.x, landscape.target.y), colour, 1.5, [2, 3]);
  ctx.globalAlpha = 1;
  for (const name of RACERS) {
    const curve = racers?.[name]?.curve;
    if (curve) polyline(ctx, pairs(landscape.curve_x, curve), METHODS[name].colour, 2.5, METHODS[name].dash);
  }
  landscape.data.x.forEach((x, k) => {
    const px = scale.x(x);
    const py = scale.y(landscape.data.y[k]);
    marker(ctx, "circle", px, py, k === active ? 8 : 6, colour, "#808080");
  });
  ctx.restore();
  return scale;
}

// Each method's loss against steps or compute (forward-pass equivalents), on a log scale.
function drawLossChart(canvas, { history, axis, floor, colour }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const column = axis === "compute" ? 1 : 0;
  const all = RACERS.flatMap((name) => history[name]);
  const value = (row) => Math.max(row[2] ?? floor, floor);
  const xMax = Math.max(1, ...all.map((row) => row[column]));
  let lo = Math.min(...all.map(value), 1);
  let hi = Math.max(...all.map(value), 1e-2);
  const lg = (v) => Math.log10(Math.max(v, floor));
  const [e0, e1] = [Math.floor(lg(lo)), Math.ceil(lg(hi))];
  [lo, hi] = [10 ** e0, 10 ** e1];
  const scale = plotScale(width, height, [0, xMax], [lo, hi], { left: 48, right: 10, top: 8, bottom: 30 }, lg);
  const every = Math.max(1, Math.ceil((e1 - e0) / 4));
  const yTicks = [];
  for (let e = e0; e <= e1; e += every) yTicks.push([10 ** e, `1e${e}`]);
  ctx.save();
  drawAxes(ctx, scale, {
    height, xTicks: [[0, "0"], [xMax, String(xMax)]], yTicks,
    xLabel: axis === "compute" ? "compute (forward + 2 × backward passes)" : "steps", yLabel: "loss (log)", colour,
  });
  clipTo(ctx, scale.box);
  for (const name of RACERS) {
    const rows = history[name];
    const stride = Math.max(1, Math.floor(rows.length / 1500));
    const points = rows.filter((_, k) => k % stride === 0 || k === rows.length - 1).map((row) => [scale.x(row[column]), scale.y(value(row))]);
    polyline(ctx, points, METHODS[name].colour, 2, METHODS[name].dash);
    const last = points[points.length - 1];
    if (last) marker(ctx, METHODS[name].marker, last[0], last[1], 3.5, METHODS[name].colour);
  }
  ctx.restore();
}

// ---- the demo: state and wiring --------------------------------------------------------------

const plural = (count, word) => `${count} ${count === 1 ? word : word.endsWith("s") ? `${word}es` : `${word}s`}`;
// A loss as a reader reads it: 4 significant figures, in exponent form below 0.001.
const fmt = (v, digits = 4) => (v === null || v === undefined ? "not a number"
  : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(digits - 1) : v.toPrecision(digits));

export default async function mount(root, api) {
  const opts = api.options;
  const state = {
    landscape: null, // setup()'s reply
    image: null,
    scale: null, // the map's pixel <-> (a, b) mapping, from its last drawing
    curveScale: null,
    racers: null, // {gradient, local_search}: the latest states from Python
    trails: { gradient: [], local_search: [] },
    history: { gradient: [], local_search: [] }, // [steps, compute, loss] per state shown
    counter: 0, // the next local-search round's random draws: Generator([seed, counter])
    run: null, // the race() stream while it runs
    latest: 0, // numbers every place()/setup() request: only the newest answer is shown
    active: -1, // the data point being dragged
  };
  const seed = 0;

  const pointsOf = () => Object.fromEntries(POINTS.map((name) => [name, inputs[name].value]));
  async function load(activation, loss, points) {
    const answer = await api.call("setup", { activation, loss, grid: 100, ...(points ? { points } : {}) });
    return answer;
  }
  const useLandscape = (result) => {
    state.landscape = result;
    state.image = heatmapImage(result);
  };

  const first = await load(opts.activation, opts.loss);
  if (!first.ok) throw new Error(first.error.message);
  useLandscape(first.result);
  const { choices, fields, outcomes } = state.landscape;
  const POINTS = ["x1", "y1", "x2", "y2", "x3", "y3"];
  const typed = (name) => field(fields[name], name, opts[name] || fields[name].default);
  const counters = (name) => `<p class="gde-ls__counts"><output data-role="${name}-steps">0 steps</output> ·
      <output data-role="${name}-forward">0 forward passes</output> · <output data-role="${name}-backward">0 backward passes</output>
      · loss <output data-role="${name}-loss"></output></p>`;
  root.append(html`
    <div class="gde-row gde-actions gde-ls__transport">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Run both methods; press again to stop there (Play goes on from where it stopped)">Play</button>
      <button type="button" class="md-button" data-action="step">Step</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <label class="gde-field"><span>speed</span><select name="speed">${options(choices.speed, state.landscape.default_speed)}</select></label>
      <label class="gde-field"><span>activation f</span><select name="activation">${options(choices.activation, state.landscape.activation)}</select></label>
      <label class="gde-field"><span>loss</span><select name="loss">${options(choices.loss, state.landscape.loss_name)}</select></label>
    </div>
    <div class="gde-ls__plots">
      <figure class="gde-ls__map"><canvas class="gde-landscape" tabindex="0" role="application" aria-roledescription="map"
          aria-label="Loss landscape over (a, b), both methods' start. Click, drag, or use the arrow keys to move the start" aria-describedby="gde-landscape-keys"></canvas>
        <figcaption>Loss over (a, b), darker is lower (colour bar: loss). Click or drag to start both methods there, or use the arrow keys
          <span id="gde-landscape-keys">(0.1, with Shift 0.5)</span>. <span data-role="minima"></span></figcaption></figure>
      <div class="gde-ls__side">
        <figure class="gde-ls__curve"><canvas class="gde-function" role="img" aria-label="Both methods' model curves and the three data points, which you can drag"></canvas>
          <figcaption><span class="gde-key gde-key--gradient"></span> gradient descent · <span class="gde-key gde-key--local"></span> local search
            · dots: the data (drag them) · dotted: sin(x)</figcaption></figure>
        <figure class="gde-ls__chart"><canvas class="gde-losschart" role="img" aria-label="Each method's loss over the run, on a log scale"></canvas>
          <figcaption><label class="gde-field"><span>loss against</span><select name="loss_axis">${options(choices.loss_axis, "steps")}</select></label></figcaption></figure>
      </div>
    </div>
    <div class="gde-ls__methods">
      <section class="gde-ls__method gde-ls__method--gradient" aria-label="gradient descent">
        <h3><span class="gde-key gde-key--gradient"></span> Gradient descent (●)</h3>
        <div class="gde-row">${typed("lr")}</div>
        ${counters("gradient")}
        <p class="gde-ls__say" data-role="gradient-message"></p>
      </section>
      <section class="gde-ls__method gde-ls__method--local" aria-label="local search">
        <h3><span class="gde-key gde-key--local"></span> Local search (■, its last neighbours: small squares)</h3>
        <div class="gde-row">${typed("neighbours")} ${typed("step_size")}</div>
        ${counters("local_search")}
        <p class="gde-ls__say" data-role="local_search-message"></p>
      </section>
    </div>
    <div class="gde-row">
      <label class="gde-slider"><span>start a = <output name="a-value"></output></span><input type="range" name="a" data-label="a" min="-5" max="5" step="0.01"></label>
      <label class="gde-slider"><span>start b = <output name="b-value"></output></span><input type="range" name="b" data-label="b" min="-5" max="5" step="0.01"></label>
    </div>
    <details class="gde-ls__points"><summary>The three data points (drag them on the curve, or type)</summary>
      <div class="gde-row">${POINTS.map(typed).join("")}</div></details>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (selector) => root.querySelector(selector);
  const canvases = { map: $(".gde-landscape"), curve: $(".gde-function"), chart: $(".gde-losschart") };
  const inputs = Object.fromEntries(
    ["activation", "loss", "speed", "loss_axis", "a", "b", "lr", "neighbours", "step_size", ...POINTS]
      .map((name) => [name, $(`[name="${name}"]`)]),
  );
  const playButton = $('[data-action="play"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const kind = (outcome) => outcomes[outcome] || "info";
  inputs.a.value = opts.a ?? "-1";
  inputs.b.value = opts.b ?? "1.5";

  function draw() {
    const colour = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const { landscape, image, trails, racers, history } = state;
    state.scale = drawLandscape(canvases.map, { landscape, image, trails, racers, colour });
    state.curveScale = drawFunction(canvases.curve, { landscape, racers, colour, active: state.active });
    drawLossChart(canvases.chart, { history, axis: inputs.loss_axis.value, floor: landscape.loss_floor, colour });
  }

  function showStart() {
    $('output[name="a-value"]').value = Number(inputs.a.value).toFixed(2);
    $('output[name="b-value"]').value = Number(inputs.b.value).toFixed(2);
  }

  function showRacers() {
    for (const name of RACERS) {
      const s = state.racers[name];
      $(`[data-role="${name}-steps"]`).value = plural(s.steps, "step");
      $(`[data-role="${name}-forward"]`).value = plural(s.forward_passes, "forward pass");
      $(`[data-role="${name}-backward"]`).value = plural(s.backward_passes, "backward pass");
      const loss = $(`[data-role="${name}-loss"]`);
      loss.value = fmt(s.loss, 6);
      loss.dataset.value = s.loss;
      const say = $(`[data-role="${name}-message"]`);
      say.textContent = s.reason || "";
      say.dataset.kind = s.outcome ? kind(s.outcome) : "info";
    }
    $('[data-role="minima"]').textContent = state.landscape.minima.text;
  }

  // A new set of states from Python: remember them, extend the trails and the loss chart.
  function take(racers, { extend = true } = {}) {
    state.racers = racers;
    for (const name of RACERS) {
      const s = racers[name];
      if (s.a !== null && s.b !== null && extend) state.trails[name].push([s.a, s.b]);
      const rows = state.history[name];
      const last = rows[rows.length - 1];
      const compute = s.forward_passes + state.landscape.backward_cost * s.backward_passes;
      if (!last || last[0] !== s.steps || last[1] !== compute || last[2] !== s.loss) {
        rows.push([s.steps, compute, s.loss]);
      }
    }
  }

  const chosen = () => ({ activation: inputs.activation.value, loss: inputs.loss.value, points: pointsOf() });
  const settings = () => ({ lr: inputs.lr.value, neighbours: inputs.neighbours.value, step_size: inputs.step_size.value, ...chosen() });
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));

  // Both methods to the start (a, b) of the sliders, counters kept unless `reset`. Only the
  // newest request's answer is shown; an older one that arrives later is dropped.
  async function place({ reset = false } = {}) {
    const id = ++state.latest;
    const start = { a: Number(inputs.a.value), b: Number(inputs.b.value) };
    const keep = reset || !state.racers ? {} : { gradient: state.racers.gradient, local_search: state.racers.local_search };
    const answer = await api.call("place", { ...start, ...chosen(), ...keep });
    if (id !== state.latest) return false;
    if (!answer.ok) {
      showError(answer.error);
      return false;
    }
    if (reset) state.history = { gradient: [], local_search: [] };
    state.trails = { gradient: [], local_search: [] };
    take(answer.result);
    state.shownCurves = { gradient: answer.result.gradient.curve, local_search: answer.result.local_search.curve };
    showRacers();
    draw();
    return true;
  }

  async function stop() {
    if (!state.run) return;
    const run = state.run;
    run.cancel();
    await run.done;
  }

  // A new start (a click, a drag, the keys, a slider): during a run, the run goes on from there.
  async function moveStart() {
    const wasRunning = !!state.run;
    showStart();
    message("");
    await stop();
    const placed = await place();
    if (placed && wasRunning && !state.run) play();
    updated();
  }

  function onFrames(frames, still) {
    let last = null;
    for (const f of frames) {
      take({ gradient: f.gradient, local_search: f.local_search });
      state.counter = f.counter;
      last = f;
    }
    if (!last) return;
    // frames without curves keep the last curves drawn
    for (const name of RACERS) if (!last[name].curve) last[name].curve = state.shownCurves?.[name] ?? null;
    state.shownCurves = { gradient: state.racers.gradient.curve, local_search: state.racers.local_search.curve };
    if (last.done) {
      message(last.reason, kind(last.outcome));
      const said = RACERS.map((name) => state.racers[name].reason).filter(Boolean);
      $('[data-role="announce"]').textContent = [last.reason, ...said].join(" ");
    }
    if (still && !last.done) return;
    showRacers();
    draw();
  }

  function raceArgs(maxSteps, every) {
    return {
      a: Number(inputs.a.value), b: Number(inputs.b.value), ...settings(), seed, counter: state.counter,
      max_steps: maxSteps, gradient: state.racers.gradient, local_search: state.racers.local_search, curve_every: every,
    };
  }

  async function play() {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const speed = Number(inputs.speed.value);
    playButton.textContent = "Stop";
    playButton.setAttribute("aria-pressed", "true");
    api.setState("running");
    const run = api.stream("race", raceArgs(opts.max_steps || fields.max_steps.default, still ? 1_000_000 : speed), {
      chunkFrames: still ? 1_000_000 : speed,
      intervalMs: still ? 0 : 16,
      onError: showError,
      onFrames: (frames) => onFrames(frames, still),
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    if (outcome.cancelled) {
      message(`Stopped by you: press Play to go on, or Step for one step.`);
      showRacers();
      draw();
    }
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
    if (!state.run) api.setState("ready");
  }

  async function step() {
    if (state.run) await stop();
    clearErrors();
    const answer = await new Promise((resolve) => {
      let error = null;
      const run = api.stream("race", raceArgs(1, 1), {
        chunkFrames: 1, intervalMs: 0,
        onError: (e) => (error = e),
        onFrames: (frames) => onFrames(frames, false),
      });
      run.done.then(() => resolve(error));
    });
    if (answer) showError(answer);
  }

  // ---- wiring -------------------------------------------------------------------------------
  for (const name of ["a", "b"]) inputs[name].addEventListener("input", moveStart);
  const mapPoint = (event) => {
    if (!state.scale) return null;
    const rect = canvases.map.getBoundingClientRect();
    const [a, b] = state.scale.toData(event.clientX - rect.left, event.clientY - rect.top);
    const [lo, hi] = state.landscape.bounds;
    return a >= lo && a <= hi && b >= lo && b <= hi ? [a, b] : null;
  };
  const setStart = ([a, b]) => {
    inputs.a.value = String(a);
    inputs.b.value = String(b);
  };
  let dragging = false;
  canvases.map.addEventListener("pointerdown", (event) => {
    const at = mapPoint(event);
    if (!at) return;
    dragging = true;
    canvases.map.setPointerCapture(event.pointerId);
    setStart(at);
    moveStart();
  });
  canvases.map.addEventListener("pointermove", (event) => {
    const at = dragging && mapPoint(event);
    if (at) {
      setStart(at);
      moveStart();
    }
  });
  const release = () => (dragging = false);
  canvases.map.addEventListener("pointerup", release);
  canvases.map.addEventListener("pointercancel", release);
  const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  canvases.map.addEventListener("keydown", (event) => {
    const move = KEYS[event.key];
    if (!move) return;
    event.preventDefault();
    const size = event.shiftKey ? 50 : 10; // slider steps of 0.01
    for (const [k, name] of [[0, "a"], [1, "b"]]) {
      for (let i = 0; i < size * Math.abs(move[k]); i++) move[k] > 0 ? inputs[name].stepUp() : inputs[name].stepDown();
    }
    moveStart().then(() => {
      clearTimeout(state.announcing);
      state.announcing = setTimeout(() => {
        const g = state.racers.gradient;
        $('[data-role="announce"]').textContent = `start a ${inputs.a.value}, b ${inputs.b.value}, loss ${fmt(g.loss)}`;
      }, 400);
    });
  });

  // The data points: drag them on the curve panel (or type them); Python recomputes the landscape.
  async function newLandscape() {
    const id = ++state.latest;
    const answer = await load(inputs.activation.value, inputs.loss.value, pointsOf());
    if (id !== state.latest) return;
    if (!answer.ok) return showError(answer.error);
    const wasRunning = !!state.run;
    await stop();
    useLandscape(answer.result);
    message("");
    if ((await place()) && wasRunning && !state.run) play();
    updated();
  }
  const curvePoint = (event) => {
    const rect = canvases.curve.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  canvases.curve.addEventListener("pointerdown", (event) => {
    if (!state.curveScale) return;
    const [px, py] = curvePoint(event);
    const { data } = state.landscape;
    const near = data.x.map((x, k) => Math.hypot(state.curveScale.x(x) - px, state.curveScale.y(data.y[k]) - py));
    const k = near.indexOf(Math.min(...near));
    if (near[k] > 16) return;
    state.active = k;
    canvases.curve.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  canvases.curve.addEventListener("pointermove", (event) => {
    if (state.active < 0) return;
    const { x: xr, y: yr } = state.landscape.curve_range;
    const [x, y] = state.curveScale.toData(...curvePoint(event));
    const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
    inputs[`x${state.active + 1}`].value = clamp(x, xr).toFixed(2);
    inputs[`y${state.active + 1}`].value = clamp(y, yr).toFixed(2);
    newLandscape();
  });
  const drop = () => {
    if (state.active < 0) return;
    state.active = -1;
    draw();
  };
  canvases.curve.addEventListener("pointerup", drop);
  canvases.curve.addEventListener("pointercancel", drop);
  for (const name of POINTS) inputs[name].addEventListener("input", newLandscape);
  for (const name of ["activation", "loss"]) inputs[name].addEventListener("change", newLandscape);
  inputs.loss_axis.addEventListener("change", draw);
  inputs.speed.addEventListener("change", async () => {
    if (!state.run) return;
    await stop();
    play();
  });
  playButton.addEventListener("click", play);
  $('[data-action="step"]').addEventListener("click", step);
  $('[data-action="reset"]').addEventListener("click", async () => {
    await stop();
    clearErrors();
    message("");
    state.counter = 0;
    await place({ reset: true });
    updated();
  });
  clearOnInput([inputs.lr, inputs.neighbours, inputs.step_size, ...POINTS.map((name) => inputs[name])]);
  const theme = new MutationObserver(() => draw());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", () => draw(), { signal: api.signal });
  window.addEventListener("pointerup", drop, { signal: api.signal });

  showStart();
  if (!(await place({ reset: true }))) throw new Error("the demo could not place its start");
}
