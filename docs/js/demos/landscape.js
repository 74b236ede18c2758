// Demo "landscape": drag a and b, click the landscape, step or train downhill.
// Every number shown, and every choice offered, comes from explainer_core.demos.landscape in the
// worker. The drawing functions are pure (a canvas and plain data in, pixels out); mount() keeps
// one plain `state` object and wires the controls to Python.

import { feedback, field, html, options, runButton } from "./_ui.js";

const VIRIDIS = [
  [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142],
  [42, 120, 142], [35, 137, 142], [31, 154, 138], [34, 170, 133], [53, 183, 121],
  [84, 197, 104], [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37],
];
const PAD = { left: 40, right: 10, top: 10, bottom: 34 };
const COLOURS = {
  minimum: "#D55E00", trail: "rgba(255,255,255,0.9)", arrow: "#F0E442",
  target: "#0072B2", model: "#E69F00", zero: "rgba(128,128,128,0.4)",
};
const TICKS = [-4, -2, 0, 2, 4];
const CURVE_RANGE = { x: [-4, 4], y: [-1.6, 1.6] };

// ---- drawing: pure functions of a canvas and plain data -------------------------------------

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  return VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
}

// setup()'s grid as an n×n image (square-root colour scale, NaN as the top colour), drawn once
// per landscape and scaled onto the canvas at every redraw.
function heatmapImage({ a, loss, loss_range: [lo, hi] }) {
  const n = a.length;
  const image = new ImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = loss[i * n + j];
      const colour = viridis(value === null ? 1 : Math.sqrt((value - lo) / (hi - lo || 1)));
      image.data.set([...colour, 255], ((n - 1 - i) * n + j) * 4); // image row 0 is the top: largest b
    }
  }
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

// The context of a canvas whose backing store matches its CSS size, in CSS pixels.
function prepareCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 360;
  const height = canvas.clientHeight || 360;
  if (canvas.width !== Math.round(width * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

// The pixel <-> data mapping of a plot inside PAD, as plain numbers and functions of them.
function plotScale(width, height, [x0, x1], [y0, y1]) {
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  return {
    box: [PAD.left, PAD.top, w, h],
    x: (x) => PAD.left + ((x - x0) / (x1 - x0)) * w,
    y: (y) => PAD.top + h - ((y - y0) / (y1 - y0)) * h,
    toData: (px, py) => [x0 + ((px - PAD.left) / w) * (x1 - x0), y0 + ((PAD.top + h - py) / h) * (y1 - y0)],
  };
}

// Clear the canvas, draw the axes and clip to the plot box, inside ctx.save(): the caller draws
// in data coordinates through `scale`, then calls ctx.restore().
function startPlot(canvas, xRange, yRange, axes) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const scale = plotScale(width, height, xRange, yRange);
  ctx.save();
  drawAxes(ctx, scale, { width, height, ...axes });
  return { ctx, scale };
}

function drawAxes(ctx, scale, { width, height, xTicks, yTicks, xLabel, yLabel, colour }) {
  const [left, top, w, h] = scale.box;
  ctx.fillStyle = colour;
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center";
  for (const t of xTicks) ctx.fillText(String(t), scale.x(t), top + h + 14);
  ctx.fillText(xLabel, left + w / 2, height - 4);
  ctx.textAlign = "right";
  for (const t of yTicks) ctx.fillText(String(t), left - 5, scale.y(t) + 4);
  ctx.save();
  ctx.textAlign = "center";
  ctx.translate(11, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip(); // everything drawn after the axes stays inside the plot
}

function polyline(ctx, scale, points, colour, width, dash = []) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  points.forEach(([x, y], k) => (k ? ctx.lineTo(scale.x(x), scale.y(y)) : ctx.moveTo(scale.x(x), scale.y(y))));
  ctx.stroke();
  ctx.setLineDash([]);
}

function disc(ctx, x, y, radius, fill, stroke) {
  ctx.fillStyle = fill;
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

// An arrow from (x0, y0) pointing against the gradient (ga, gb), longer where it is steeper.
function downhillArrow(ctx, x0, y0, [ga, gb]) {
  const norm = Math.hypot(ga, gb);
  if (!(norm > 0)) return;
  const length = 12 + 28 * Math.min(1, norm); // pixels
  const x1 = x0 - (ga / norm) * length;
  const y1 = y0 + (gb / norm) * length; // screen y grows downward
  const angle = Math.atan2(y1 - y0, x1 - x0);
  ctx.strokeStyle = ctx.fillStyle = COLOURS.arrow;
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

// The loss landscape with its minimum, the trail and the point; returns the plot's scale, whose
// toData() turns a click into (a, b).
function drawLandscape(canvas, { landscape, image, trail, point, colour }) {
  const axes = { xTicks: TICKS, yTicks: TICKS, xLabel: "weight a", yLabel: "bias b", colour };
  const { ctx, scale } = startPlot(canvas, landscape.bounds, landscape.bounds, axes);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image, ...scale.box);
  const { a, b } = landscape.minimum;
  ctx.strokeStyle = COLOURS.minimum;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(scale.x(a) - 7, scale.y(b));
  ctx.lineTo(scale.x(a) + 7, scale.y(b));
  ctx.moveTo(scale.x(a), scale.y(b) - 7);
  ctx.lineTo(scale.x(a), scale.y(b) + 7);
  ctx.stroke();
  if (trail.length > 1) polyline(ctx, scale, trail, COLOURS.trail, 1.5);
  if (point) {
    downhillArrow(ctx, scale.x(point.a), scale.y(point.b), point.grad.map((g) => g ?? 0));
    disc(ctx, scale.x(point.a), scale.y(point.b), 5, "#ffffff", "#000000");
  }
  ctx.restore();
  return scale;
}

// The target sin(x), the model's curve at the point, and the three data points.
function drawFunction(canvas, { landscape, point, colour }) {
  const axes = { xTicks: TICKS, yTicks: [-1, 0, 1], xLabel: "x", yLabel: "y", colour };
  const { ctx, scale } = startPlot(canvas, CURVE_RANGE.x, CURVE_RANGE.y, axes);
  polyline(ctx, scale, [[CURVE_RANGE.x[0], 0], [CURVE_RANGE.x[1], 0]], COLOURS.zero, 1);
  const pairs = (xs, ys) => xs.map((x, k) => [x, ys[k] ?? 0]);
  polyline(ctx, scale, pairs(landscape.target.x, landscape.target.y), COLOURS.target, 2.5, [6, 4]);
  if (point) polyline(ctx, scale, pairs(landscape.curve_x, point.curve), COLOURS.model, 2.5);
  for (const [x, y] of pairs(landscape.data.x, landscape.data.y)) disc(ctx, scale.x(x), scale.y(y), 5, COLOURS.target);
  ctx.restore();
}

// ---- the demo: state and wiring --------------------------------------------------------------

export default async function mount(root, api) {
  const opts = api.options;
  const state = {
    landscape: null, // setup()'s reply: grid, data, minimum, choices, fields, outcomes
    image: null, // the landscape's heatmap
    scale: null, // the landscape canvas's pixel <-> (a, b) mapping, from its last drawing
    point: null, // evaluate()'s reply at the current (a, b)
    trail: [], // [a, b] since the last clear
    counter: 0, // numbers each local-search step's random draws: Generator([seed, counter])
    steps: 0, forward: 0, backward: 0,
    run: null, // the train() stream while it runs
    wanted: null, // the latest (a, b) asked for while an evaluate() is in flight
    moving: null, // the Promise of the evaluate() loop in flight
  };

  async function load(activation, loss) {
    const answer = await api.call("setup", { activation, loss, grid: 100 });
    if (answer.ok) {
      state.landscape = answer.result;
      state.image = heatmapImage(answer.result);
    }
    return answer;
  }

  const first = await load(opts.activation, opts.loss);
  if (!first.ok) throw new Error(first.error.message);
  const { choices, fields, outcomes } = state.landscape;
  const typed = (name) => field(fields[name], name, opts[name] || fields[name].default);
  root.append(html`
    <div class="gde-row">
      <label class="gde-field"><span>activation f</span><select name="activation">${options(choices.activation, state.landscape.activation)}</select></label>
      <label class="gde-field"><span>loss</span><select name="loss">${options(choices.loss, state.landscape.loss_name)}</select></label>
    </div>
    <div class="gde-plots">
      <figure class="gde-plot"><canvas class="gde-landscape" width="360" height="360" tabindex="0" role="application" aria-roledescription="map"
          aria-label="Loss landscape over (a, b). Click, or focus it and use the arrow keys, to move the point" aria-describedby="gde-landscape-keys"></canvas>
        <figcaption>Loss landscape over (a, b): darker is lower. Click to move the point, or use the arrow keys
          <span id="gde-landscape-keys">(arrows move by 0.1, with Shift by 0.5)</span>; the arrow points downhill.</figcaption></figure>
      <figure class="gde-plot"><canvas class="gde-function" width="360" height="360" role="img" aria-label="The model's curve against the target sin(x) and the three data points"></canvas>
        <figcaption><span class="gde-key gde-key--target"></span> target sin(x) · <span class="gde-key gde-key--model"></span> model f(a·x + b) · dots: the three data points</figcaption></figure>
    </div>
    <div class="gde-row">
      <label class="gde-slider"><span>a = <output name="a-value"></output></span><input type="range" name="a" data-label="a" min="-5" max="5" step="0.01"></label>
      <label class="gde-slider"><span>b = <output name="b-value"></output></span><input type="range" name="b" data-label="b" min="-5" max="5" step="0.01"></label>
    </div>
    <p class="gde-readout">loss <output class="gde-loss" data-role="loss"></output>
      · gradient (∂L/∂a, ∂L/∂b) = <output data-role="grad"></output></p>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button" data-action="gradient">Gradient step</button>
      ${typed("lr")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button" data-action="local_search">Local search step</button>
      ${typed("neighbours")}
      ${typed("step_size")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button md-button--primary" data-action="train" aria-pressed="false">Train</button>
      <label class="gde-field"><span>with</span><select name="method">${options(choices.method, opts.method)}</select></label>
      <button type="button" class="md-button" data-action="clear">Clear trail</button>
    </div>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
    <p class="gde-counters"><output data-role="steps">0</output> steps ·
      <output data-role="forward">0</output> forward passes · <output data-role="backward">0</output> backward passes</p>
  `);

  const $ = (selector) => root.querySelector(selector);
  const landscapeCanvas = $(".gde-landscape");
  const functionCanvas = $(".gde-function");
  const inputs = {
    activation: $('select[name="activation"]'), loss: $('select[name="loss"]'),
    a: $('input[name="a"]'), b: $('input[name="b"]'), lr: $('input[name="lr"]'),
    neighbours: $('input[name="neighbours"]'), step_size: $('input[name="step_size"]'),
    method: $('select[name="method"]'),
  };
  const trainButton = runButton($('[data-action="train"]'), api);
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const kind = (outcome) => outcomes[outcome] || "info"; // Python says how each ending reads

  function draw() {
    const colour = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const { landscape, image, trail, point } = state;
    state.scale = drawLandscape(landscapeCanvas, { landscape, image, trail, point, colour });
    drawFunction(functionCanvas, { landscape, point, colour });
  }

  function showPoint(point) {
    state.point = point;
    inputs.a.value = point.a;
    inputs.b.value = point.b;
    $('output[name="a-value"]').value = point.a.toFixed(2);
    $('output[name="b-value"]').value = point.b.toFixed(2);
    const loss = $('[data-role="loss"]');
    loss.value = point.loss === null ? "not a number" : point.loss.toPrecision(10);
    loss.dataset.value = point.loss;
    $('[data-role="grad"]').value = `(${point.grad.map((g) => (g === null ? "NaN" : g.toFixed(4))).join(", ")})`;
    draw();
  }

  function showCounters() {
    $('[data-role="steps"]').value = state.steps;
    $('[data-role="forward"]').value = state.forward;
    $('[data-role="backward"]').value = state.backward;
  }

  function clearTrail() {
    state.trail = state.point ? [[state.point.a, state.point.b]] : [];
    state.steps = state.forward = state.backward = 0;
    showCounters();
  }

  // ---- talking to Python ------------------------------------------------------------------
  const chosen = () => ({ activation: inputs.activation.value, loss: inputs.loss.value });
  const settings = () => ({
    lr: inputs.lr.value, neighbours: inputs.neighbours.value, step_size: inputs.step_size.value, ...chosen(),
  });

  // Slider drags fire faster than answers come back: keep only the latest wish. The Promise
  // settles once the point shown is the last one asked for.
  function moveTo(a, b) {
    state.wanted = [a, b];
    state.moving ??= evaluateWanted();
    return state.moving;
  }

  async function evaluateWanted() {
    try {
      while (state.wanted) {
        const [a, b] = state.wanted;
        state.wanted = null;
        const answer = await api.call("evaluate", { a, b, ...chosen() });
        if (answer.ok) showPoint(answer.result);
        else showError(answer.error);
      }
    } finally {
      state.moving = null;
    }
    root.dispatchEvent(new CustomEvent("gde:updated"));
  }

  async function step(method) {
    clearErrors();
    const { a, b } = state.point;
    const answer = await api.call("step", { a, b, method, seed: 0, counter: state.counter++, ...settings() });
    if (!answer.ok) return showError(answer.error);
    const r = answer.result;
    state.steps += 1;
    state.forward += r.forward_passes;
    state.backward += r.backward_passes;
    showCounters();
    if (r.a !== null && r.b !== null) state.trail.push([r.a, r.b]);
    message(r.message, kind(r.outcome));
    if (r.a !== null && r.b !== null && r.loss !== null) showPoint(r);
  }

  async function train() {
    if (state.run) return state.run.cancel();
    clearErrors();
    message("");
    const { a, b } = state.point;
    const base = { steps: state.steps, forward: state.forward, backward: state.backward };
    let last = null;
    trainButton.running();
    // With prefers-reduced-motion the run still runs, in large chunks, and the point moves once,
    // at the end, instead of gliding.
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    state.run = api.stream(
      "train",
      {
        a, b, method: inputs.method.value, seed: state.counter++,
        max_steps: opts.max_steps || fields.max_steps.default, ...settings(),
      },
      {
        chunkFrames: still ? 100_000 : 3,
        intervalMs: still ? 0 : 16,
        onError: showError,
        onFrames: (frames) => {
          for (const f of frames) {
            if (f.a !== null && f.b !== null) state.trail.push([f.a, f.b]);
            last = f;
          }
          state.steps = base.steps + last.step;
          state.forward = base.forward + last.forward_passes;
          state.backward = base.backward + last.backward_passes;
          showCounters();
          if (last.done) message(last.reason, kind(last.outcome));
          if (still && !last.done) return;
          if (last.a !== null && last.b !== null && Math.abs(last.a) < 1e6 && Math.abs(last.b) < 1e6) moveTo(last.a, last.b);
        },
      },
    );
    const outcome = await state.run.done;
    state.run = null;
    await state.moving; // the point shown is the run's last
    if (outcome.cancelled) message(`Stopped by you after ${last ? last.step : 0} steps: press Train to go on.`);
    trainButton.idle();
  }

  // ---- wiring -------------------------------------------------------------------------------
  const slide = () => moveTo(Number(inputs.a.value), Number(inputs.b.value));
  inputs.a.addEventListener("input", slide);
  inputs.b.addEventListener("input", slide);
  // Press, or drag (mouse, pen or finger), on the landscape to move the point there.
  const pointAt = (event) => {
    if (!state.scale) return null;
    const rect = landscapeCanvas.getBoundingClientRect();
    const [a, b] = state.scale.toData(event.clientX - rect.left, event.clientY - rect.top);
    const [lo, hi] = state.landscape.bounds;
    return a >= lo && a <= hi && b >= lo && b <= hi ? [a, b] : null;
  };
  let dragging = false;
  landscapeCanvas.addEventListener("pointerdown", (event) => {
    const at = pointAt(event);
    if (!at) return;
    dragging = true;
    landscapeCanvas.setPointerCapture(event.pointerId);
    moveTo(...at);
  });
  landscapeCanvas.addEventListener("pointermove", (event) => {
    const at = dragging && pointAt(event);
    if (at) moveTo(...at);
  });
  const release = () => {
    if (!dragging) return;
    dragging = false;
    (state.moving ?? Promise.resolve()).then(clearTrail);
  };
  landscapeCanvas.addEventListener("pointerup", release);
  landscapeCanvas.addEventListener("pointercancel", release);
  // The keyboard's way to move the point: arrow keys on the focused landscape.
  const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  landscapeCanvas.addEventListener("keydown", (event) => {
    const move = KEYS[event.key];
    if (!move || !state.point) return;
    event.preventDefault();
    const size = event.shiftKey ? 0.5 : 0.1;
    const [lo, hi] = state.landscape.bounds;
    const clamp = (v) => Math.min(hi, Math.max(lo, Math.round(v * 100) / 100));
    moveTo(clamp(state.point.a + move[0] * size), clamp(state.point.b + move[1] * size)).then(() => {
      clearTrail();
      const p = state.point; // said once the keys stop, not at every move
      clearTimeout(state.announcing);
      state.announcing = setTimeout(() => {
        $('[data-role="announce"]').textContent =
          `a ${p.a.toFixed(2)}, b ${p.b.toFixed(2)}, loss ${p.loss === null ? "not a number" : p.loss.toPrecision(4)}`;
      }, 400);
    });
  });
  for (const select of [inputs.activation, inputs.loss]) {
    select.addEventListener("change", async () => {
      state.run?.cancel();
      const answer = await load(inputs.activation.value, inputs.loss.value);
      if (!answer.ok) return showError(answer.error);
      clearTrail();
      message("");
      await moveTo(state.point.a, state.point.b);
    });
  }
  $('[data-action="gradient"]').addEventListener("click", () => step("gradient"));
  $('[data-action="local_search"]').addEventListener("click", () => step("local_search"));
  $('[data-action="train"]').addEventListener("click", train);
  $('[data-action="clear"]').addEventListener("click", () => {
    clearTrail();
    draw();
  });
  clearOnInput([inputs.lr, inputs.neighbours, inputs.step_size]);
  const theme = new MutationObserver(() => draw());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", () => draw(), { signal: api.signal });

  await moveTo(Number(opts.a ?? -1), Number(opts.b ?? 1.5));
  clearTrail();
}
