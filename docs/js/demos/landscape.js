// Demo "landscape": drag a and b, click the landscape, step or train downhill.
// Every number shown comes from explainer_core.demos.landscape in the worker; this file draws.

import { feedback, field, html, options } from "./_ui.js";

const VIRIDIS = [
  [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142],
  [42, 120, 142], [35, 137, 142], [31, 154, 138], [34, 170, 133], [53, 183, 121],
  [84, 197, 104], [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37],
];

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  return VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
}

const ACTIVATIONS = [
  ["tanh", "tanh"], ["sin", "sin"], ["relu", "ReLU"], ["sigmoid", "sigmoid"],
  ["gaussian", "Gaussian"], ["binary_step", "binary step"],
];
const LOSSES = [["mse", "mean squared error"], ["mae", "mean absolute error"]];

export default async function mount(root, api) {
  const opts = api.options;
  root.append(html`
    <div class="gde-row">
      <label class="gde-field"><span>activation f</span><select name="activation">${options(ACTIVATIONS, opts.activation || "tanh")}</select></label>
      <label class="gde-field"><span>loss</span><select name="loss">${options(LOSSES, opts.loss || "mse")}</select></label>
    </div>
    <div class="gde-plots">
      <figure class="gde-plot"><canvas class="gde-landscape" width="360" height="360" aria-label="Loss landscape: click to move the point"></canvas>
        <figcaption>Loss landscape over (a, b): darker is lower. Click to move the point; the arrow points downhill.</figcaption></figure>
      <figure class="gde-plot"><canvas class="gde-function" width="360" height="360" aria-label="The model against the target"></canvas>
        <figcaption><span class="gde-key gde-key--target"></span> target sin(x) · <span class="gde-key gde-key--model"></span> model f(a·x + b) · dots: the three data points</figcaption></figure>
    </div>
    <div class="gde-row">
      <label class="gde-slider"><span>a = <output name="a-value"></output></span><input type="range" name="a" min="-5" max="5" step="0.01"></label>
      <label class="gde-slider"><span>b = <output name="b-value"></output></span><input type="range" name="b" min="-5" max="5" step="0.01"></label>
    </div>
    <p class="gde-readout">loss <output class="gde-loss" data-role="loss"></output>
      · gradient (∂L/∂a, ∂L/∂b) = <output data-role="grad"></output></p>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button" data-action="gradient">Gradient step</button>
      ${field("learning rate", "lr", opts.lr || "0.5")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button" data-action="local_search">Local search step</button>
      ${field("neighbours", "neighbours", "8")}
      ${field("step size", "step_size", "0.3")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button md-button--primary" data-action="train" aria-pressed="false">Train</button>
      <label class="gde-field"><span>with</span><select name="method">
        <option value="gradient">gradient descent</option><option value="local_search">local search</option></select></label>
      <button type="button" class="md-button" data-action="clear">Clear trail</button>
    </div>
    <p class="gde-message" aria-live="polite"></p>
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
  const trainButton = $('[data-action="train"]');

  const state = {
    landscape: null, // setup() result
    point: null, // evaluate() result
    trail: [],
    counter: 0,
    steps: 0, forward: 0, backward: 0,
    run: null,
    wanted: null, // latest (a, b) asked for while a request is in flight
    inFlight: false,
  };

  const { message, clearErrors, showError, clearOnInput } = feedback(root);

  // ---- drawing --------------------------------------------------------------------------
  const PAD = { left: 40, right: 10, top: 10, bottom: 34 };

  function setupCanvas(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 360;
    const height = canvas.clientHeight || 360;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return { ctx, width, height };
  }

  const fg = () => getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";

  function axes(ctx, width, height, xr, yr, xlabel, ylabel, ticks) {
    ctx.fillStyle = fg();
    ctx.strokeStyle = fg();
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    const sx = (x) => PAD.left + ((x - xr[0]) / (xr[1] - xr[0])) * (width - PAD.left - PAD.right);
    const sy = (y) => height - PAD.bottom - ((y - yr[0]) / (yr[1] - yr[0])) * (height - PAD.top - PAD.bottom);
    for (const t of ticks.x) ctx.fillText(String(t), sx(t), height - PAD.bottom + 14);
    ctx.textAlign = "right";
    for (const t of ticks.y) ctx.fillText(String(t), PAD.left - 5, sy(t) + 4);
    ctx.textAlign = "center";
    ctx.fillText(xlabel, (PAD.left + width - PAD.right) / 2, height - 4);
    ctx.save();
    ctx.translate(11, (PAD.top + height - PAD.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(ylabel, 0, 0);
    ctx.restore();
    return { sx, sy };
  }

  function heatmapImage(landscape) {
    const n = landscape.a.length;
    const [lo, hi] = landscape.loss_range;
    const image = new ImageData(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const value = landscape.loss[i * n + j];
        const t = value === null ? 1 : Math.sqrt((value - lo) / (hi - lo || 1));
        const [r, g, b] = viridis(t);
        const k = ((n - 1 - i) * n + j) * 4; // row 0 of the image is the top: largest b
        image.data[k] = r; image.data[k + 1] = g; image.data[k + 2] = b; image.data[k + 3] = 255;
      }
    }
    const canvas = document.createElement("canvas");
    canvas.width = n;
    canvas.height = n;
    canvas.getContext("2d").putImageData(image, 0, 0);
    return canvas;
  }

  function drawLandscape() {
    const { ctx, width, height } = setupCanvas(landscapeCanvas);
    ctx.clearRect(0, 0, width, height);
    const L = state.landscape;
    const ticks = { x: [-4, -2, 0, 2, 4], y: [-4, -2, 0, 2, 4] };
    const { sx, sy } = axes(ctx, width, height, L.bounds, L.bounds, "weight a", "bias b", ticks);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(L.image, sx(L.bounds[0]), sy(L.bounds[1]), sx(L.bounds[1]) - sx(L.bounds[0]), sy(L.bounds[0]) - sy(L.bounds[1]));
    ctx.save();
    ctx.beginPath();
    ctx.rect(sx(L.bounds[0]), sy(L.bounds[1]), sx(L.bounds[1]) - sx(L.bounds[0]), sy(L.bounds[0]) - sy(L.bounds[1]));
    ctx.clip();
    // minimum
    const m = L.minimum;
    ctx.strokeStyle = "#D55E00";
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(sx(m.a) - 7, sy(m.b)); ctx.lineTo(sx(m.a) + 7, sy(m.b));
    ctx.moveTo(sx(m.a), sy(m.b) - 7); ctx.lineTo(sx(m.a), sy(m.b) + 7);
    ctx.stroke();
    // trail
    if (state.trail.length > 1) {
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      state.trail.forEach(([a, b], k) => (k ? ctx.lineTo(sx(a), sy(b)) : ctx.moveTo(sx(a), sy(b))));
      ctx.stroke();
    }
    // point and downhill arrow
    const p = state.point;
    if (p) {
      const [ga, gb] = p.grad.map((g) => g ?? 0);
      const norm = Math.hypot(ga, gb);
      if (norm > 0) {
        const len = 12 + 28 * Math.min(1, norm); // pixels: longer for steeper slopes
        const ux = -ga / norm, uy = gb / norm; // downhill; screen y grows downward
        const x0 = sx(p.a), y0 = sy(p.b), x1 = x0 + ux * len, y1 = y0 + uy * len;
        ctx.strokeStyle = "#F0E442";
        ctx.fillStyle = "#F0E442";
        ctx.lineWidth = 2.5;
        ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
        const angle = Math.atan2(y1 - y0, x1 - x0);
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - 8 * Math.cos(angle - 0.45), y1 - 8 * Math.sin(angle - 0.45));
        ctx.lineTo(x1 - 8 * Math.cos(angle + 0.45), y1 - 8 * Math.sin(angle + 0.45));
        ctx.fill();
      }
      ctx.fillStyle = "#ffffff";
      ctx.strokeStyle = "#000000";
      ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.arc(sx(p.a), sy(p.b), 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    }
    ctx.restore();
    landscapeCanvas._toData = (px, py) => {
      const a = L.bounds[0] + ((px - PAD.left) / (width - PAD.left - PAD.right)) * (L.bounds[1] - L.bounds[0]);
      const b = L.bounds[0] + ((height - PAD.bottom - py) / (height - PAD.top - PAD.bottom)) * (L.bounds[1] - L.bounds[0]);
      return [a, b];
    };
  }

  function drawFunction() {
    const { ctx, width, height } = setupCanvas(functionCanvas);
    ctx.clearRect(0, 0, width, height);
    const L = state.landscape;
    const ticks = { x: [-4, -2, 0, 2, 4], y: [-1, 0, 1] };
    const { sx, sy } = axes(ctx, width, height, [-4, 4], [-1.6, 1.6], "x", "y", ticks);
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, width - PAD.left - PAD.right, height - PAD.top - PAD.bottom);
    ctx.clip();
    ctx.strokeStyle = "rgba(128,128,128,0.4)";
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(sx(-4), sy(0)); ctx.lineTo(sx(4), sy(0)); ctx.stroke();
    const line = (xs, ys, color, dash) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = 2.5;
      ctx.setLineDash(dash);
      ctx.beginPath();
      xs.forEach((x, k) => (k ? ctx.lineTo(sx(x), sy(ys[k])) : ctx.moveTo(sx(x), sy(ys[k]))));
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(L.target.x, L.target.y, "#0072B2", [6, 4]);
    if (state.point) line(L.curve_x, state.point.curve.map((y) => y ?? 0), "#E69F00", []);
    ctx.fillStyle = "#0072B2";
    L.data.x.forEach((x, k) => {
      ctx.beginPath(); ctx.arc(sx(x), sy(L.data.y[k]), 5, 0, 2 * Math.PI); ctx.fill();
    });
    ctx.restore();
  }

  function draw() {
    drawLandscape();
    drawFunction();
  }

  // ---- talking to Python -----------------------------------------------------------------
  const common = () => ({ activation: inputs.activation.value, loss: inputs.loss.value });

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

  // Slider drags fire faster than answers come back: keep only the latest wish.
  async function moveTo(a, b) {
    state.wanted = [a, b];
    if (state.inFlight) return;
    state.inFlight = true;
    while (state.wanted) {
      const [wa, wb] = state.wanted;
      state.wanted = null;
      const answer = await api.call("evaluate", { a: wa, b: wb, ...common() });
      if (answer.ok) showPoint(answer.result);
      else showError(answer.error);
    }
    state.inFlight = false;
    root.dispatchEvent(new CustomEvent("gde:updated"));
  }

  async function setup() {
    const answer = await api.call("setup", { ...common(), grid: 100 });
    if (!answer.ok) throw new Error(answer.error.message);
    state.landscape = answer.result;
    state.landscape.image = heatmapImage(state.landscape);
  }

  function clearTrail() {
    state.trail = state.point ? [[state.point.a, state.point.b]] : [];
    state.steps = state.forward = state.backward = 0;
    showCounters();
  }

  async function step(method) {
    clearErrors();
    const p = state.point;
    const answer = await api.call("step", {
      a: p.a, b: p.b, method, lr: inputs.lr.value, neighbours: inputs.neighbours.value,
      step_size: inputs.step_size.value, seed: 0, counter: state.counter++, ...common(),
    });
    if (!answer.ok) return showError(answer.error);
    const r = answer.result;
    state.steps += 1;
    state.forward += r.forward_passes;
    state.backward += r.backward_passes;
    showCounters();
    if (r.a !== null && r.b !== null) state.trail.push([r.a, r.b]);
    message(r.message || (method === "local_search" && !r.moved ? "No neighbour was lower: the point stays." : ""), r.message ? "warning" : "info");
    if (r.a === null || r.b === null || r.loss === null) return;
    showPoint(r);
  }

  async function train() {
    if (state.run) {
      state.run.cancel();
      return;
    }
    clearErrors();
    message("");
    const p = state.point;
    const base = { steps: state.steps, forward: state.forward, backward: state.backward };
    let last = null;
    trainButton.textContent = "Stop";
    trainButton.setAttribute("aria-pressed", "true");
    api.setState("running");
    state.run = api.stream(
      "train",
      {
        a: p.a, b: p.b, method: inputs.method.value, lr: inputs.lr.value,
        neighbours: inputs.neighbours.value, step_size: inputs.step_size.value,
        seed: state.counter++, max_steps: 2000, ...common(),
      },
      {
        chunkFrames: 3,
        intervalMs: 16,
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
          if (last.reason) message(last.reason, /diverg|too high|zero/i.test(last.reason) ? "warning" : "info");
          if (last.a !== null && last.b !== null && Math.abs(last.a) < 1e6 && Math.abs(last.b) < 1e6) moveTo(last.a, last.b);
        },
      },
    );
    const outcome = await state.run.done;
    state.run = null;
    trainButton.textContent = "Train";
    trainButton.setAttribute("aria-pressed", "false");
    if (outcome.cancelled) message("Stopped.");
    api.setState("ready");
  }

  // ---- wiring ------------------------------------------------------------------------------
  const slide = () => moveTo(Number(inputs.a.value), Number(inputs.b.value));
  inputs.a.addEventListener("input", slide);
  inputs.b.addEventListener("input", slide);
  landscapeCanvas.addEventListener("click", (event) => {
    if (!landscapeCanvas._toData) return;
    const rect = landscapeCanvas.getBoundingClientRect();
    const [a, b] = landscapeCanvas._toData(event.clientX - rect.left, event.clientY - rect.top);
    if (Math.abs(a) <= 5 && Math.abs(b) <= 5) {
      moveTo(a, b).then(clearTrail);
    }
  });
  for (const select of [inputs.activation, inputs.loss]) {
    select.addEventListener("change", async () => {
      if (state.run) state.run.cancel();
      await setup();
      clearTrail();
      message("");
      await moveTo(state.point.a, state.point.b);
    });
  }
  $('[data-action="gradient"]').addEventListener("click", () => step("gradient"));
  $('[data-action="local_search"]').addEventListener("click", () => step("local_search"));
  trainButton.addEventListener("click", train);
  $('[data-action="clear"]').addEventListener("click", () => { clearTrail(); draw(); });
  clearOnInput([inputs.lr, inputs.neighbours, inputs.step_size]);
  new MutationObserver(() => state.landscape && draw()).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"],
  });
  window.addEventListener("resize", () => state.landscape && draw());

  await setup();
  await moveTo(Number(opts.a ?? -1), Number(opts.b ?? 1.5));
  clearTrail();
}
