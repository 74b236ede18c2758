// Demo "function": a network y(x) = Σ v_j f(w_j x + b_j) + c of 1 to 64 neurons, its knobs, and Fit.
// The choices, fields, grids and starting knobs come from explainer_core.demos.function (setup);
// every loss shown comes from Python (evaluate, fit). One thing is computed here: while a slider
// moves, the curve is drawn from the knobs at once (networkCurve, the same sum as
// explainer_core.shallow.forward; the browser tests check the two agree), because a round trip
// to the worker per slider event is too slow to follow a drag.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized, runButton } from "./_ui.js";

// ---- the network: pure functions of the knobs -----------------------------------------------

// numpy's definitions (explainer_core.activations): tanh, max(z, 0), and the sigmoid written so
// that exp never overflows
export const ACTIVATIONS = {
  tanh: Math.tanh,
  relu: (z) => (z > 0 ? z : 0),
  sigmoid: (z) => {
    const e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  },
};

// The curve of the first `width` neurons of `knobs` ({w, b, v: arrays, c}) at every x of xs.
export function networkCurve(knobs, width, xs, activation) {
  const f = ACTIVATIONS[activation];
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += knobs.v[j] * f(xs[i] * knobs.w[j] + knobs.b[j]);
    out[i] = sum + knobs.c;
  }
  return out;
}

// Each neuron's piece v_j f(w_j x + b_j): `width` arrays of xs.length numbers.
export function networkPieces(knobs, width, xs, activation) {
  const f = ACTIVATIONS[activation];
  return Array.from({ length: width }, (_, j) => {
    const piece = new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) piece[i] = knobs.v[j] * f(xs[i] * knobs.w[j] + knobs.b[j]);
    return piece;
  });
}

// ---- drawing: pure functions of a canvas and plain data ------------------------------------

const PAD = { left: 40, right: 10, top: 10, bottom: 30 };
const LOSS_PAD = { left: 48, right: 10, top: 8, bottom: 28 };

const prepareCanvas = (canvas) => prepareCanvasSized(canvas, 360, 200);

function plotScale(width, height, [x0, x1], [y0, y1], pad, ty = (y) => y) {
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const [t0, t1] = [ty(y0), ty(y1)];
  return {
    box: [pad.left, pad.top, w, h],
    x: (x) => pad.left + ((x - x0) / (x1 - x0 || 1)) * w,
    y: (y) => pad.top + h - ((ty(y) - t0) / (t1 - t0 || 1)) * h,
  };
}

// About five round ticks between lo and hi.
function niceTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function drawAxes(ctx, scale, { height, xTicks, yTicks, xLabel, yLabel, colour }) {
  const [left, top, w, h] = scale.box;
  ctx.fillStyle = colour;
  ctx.font = "11px sans-serif";
  xTicks.forEach(([t, label], i) => {
    ctx.textAlign = i === xTicks.length - 1 && scale.x(t) > left + w - 8 ? "right" : i === 0 && scale.x(t) < left + 8 ? "left" : "center";
    ctx.fillText(label, scale.x(t), top + h + 13);
  });
  ctx.textAlign = "center";
  ctx.fillText(xLabel, left + w / 2, height - 3);
  ctx.textAlign = "right";
  for (const [t, label] of yTicks) ctx.fillText(label, left - 5, scale.y(t) + 4);
  ctx.save();
  ctx.translate(11, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.strokeStyle = colour;
  ctx.globalAlpha = 0.35;
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, w, h);
  ctx.globalAlpha = 1;
}

// Several curves of one style in one stroke (the faint pieces: one canvas call, not one each).
function polylines(ctx, xs, curves, scale, { colour, width = 2, dash = [], alpha = 1 }) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  for (const ys of curves) trace(ctx, xs, ys, scale);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}

function polyline(ctx, xs, ys, scale, style) {
  polylines(ctx, xs, [ys], scale, style);
}

function trace(ctx, xs, ys, scale) {
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      pen = false; // a gap where the target has no value
      continue;
    }
    // far outside the plot: clamp, so the canvas never gets huge coordinates
    const py = Math.max(-1e4, Math.min(1e4, scale.y(y)));
    if (pen) ctx.lineTo(scale.x(xs[i]), py);
    else ctx.moveTo(scale.x(xs[i]), py);
    pen = true;
  }
}

const label = (t) => String(Number(t.toPrecision(6)));

// The target (dashed), each neuron's piece (faint; the one being turned stronger) and the sum.
function drawPlot(canvas, { xs, domain, range, target, curve, pieces, active, colours }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const scale = plotScale(width, height, domain, range, PAD);
  const xTicks = niceTicks(domain[0], domain[1], 6).map((t) => [t, label(t)]);
  const yTicks = niceTicks(range[0], range[1], Math.max(3, Math.round((height - 40) / 45))).map((t) => [t, label(t)]);
  drawAxes(ctx, scale, { height, xTicks, yTicks, xLabel: "x", yLabel: "y", colour: colours.fg });
  ctx.save();
  const [left, top, w, h] = scale.box;
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip();
  if (range[0] < 0 && range[1] > 0) polyline(ctx, [domain[0], domain[1]], [0, 0], scale, { colour: colours.fg, width: 1, alpha: 0.25 });
  polylines(ctx, xs, pieces.filter((_, j) => j !== active), scale, { colour: colours.piece, width: 1, alpha: 0.55 });
  if (target) polyline(ctx, xs, target, scale, { colour: colours.target, width: 2.5, dash: [6, 4] });
  if (pieces[active]) polyline(ctx, xs, pieces[active], scale, { colour: colours.active, width: 2.5 });
  polyline(ctx, xs, curve, scale, { colour: colours.model, width: 3 });
  ctx.restore();
}

// The loss of the fit so far against Adam steps, on a log scale.
function drawLoss(canvas, { history, colours }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  if (!history.length) {
    ctx.fillStyle = colours.fg;
    ctx.font = "12px sans-serif";
    ctx.textAlign = "center";
    ctx.fillText("Set by hand: press Fit to see the loss fall.", width / 2, height / 2);
    return;
  }
  const floor = 1e-12;
  const values = history.map(([, loss]) => Math.max(loss ?? floor, floor));
  const lg = (v) => Math.log10(Math.max(v, floor));
  const e0 = Math.floor(lg(Math.min(...values, 1)));
  const e1 = Math.ceil(lg(Math.max(...values, 1e-2)));
  const steps = Math.max(1, ...history.map(([step]) => step));
  const scale = plotScale(width, height, [0, steps], [10 ** e0, 10 ** (e1 === e0 ? e0 + 1 : e1)], LOSS_PAD, lg);
  const every = Math.max(1, Math.ceil((e1 - e0) / 3));
  const yTicks = [];
  for (let e = e0; e <= Math.max(e1, e0 + 1); e += every) yTicks.push([10 ** e, `1e${e}`]);
  drawAxes(ctx, scale, { height, xTicks: [[0, "0"], [steps, String(steps)]], yTicks, xLabel: "Adam steps", yLabel: "loss", colour: colours.fg });
  if (history.length) polyline(ctx, history.map(([s]) => s), values, scale, { colour: colours.model, width: 2 });
}

// ---- the demo: state and wiring ----------------------------------------------------------------

// A loss as a reader reads it: 4 significant figures, exponent form below 0.001.
const fmt = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? "not a number"
  : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(digits - 1) : v.toPrecision(digits));
const knobText = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2));
const KINDS = [["w", "weight"], ["b", "bias"], ["v", "output weight"]];

export default async function mount(root, api) {
  const opts = api.options;
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const S = first.result;
  const { fields, choices, outcomes } = S;
  const maxWidth = fields.width.max;
  const state = {
    knobs: { w: Float64Array.from(S.knobs.w), b: Float64Array.from(S.knobs.b), v: Float64Array.from(S.knobs.v), c: S.knobs.c },
    seed: S.knobs.seed,
    width: Number(opts.width || fields.width.default),
    target: null, // target()'s reply for the formula shown
    active: -1, // the neuron whose slider is being turned: its piece is drawn stronger
    history: [], // [step, loss] of the fits since the knobs were last set by hand
    stepsDone: 0,
    run: null,
    drawing: false, // a drawing is scheduled for the next animation frame
    latest: { target: 0, loss: 0 }, // request counters: only the newest answer is shown
    lossPending: false,
    lossDirty: false,
  };

  const sliderRows = Array.from({ length: S.slider_neurons }, (_, j) => `
    <div class="fn-neuron" data-neuron="${j}"><span class="fn-neuron__name">neuron ${j + 1}</span>
      ${KINDS.map(([kind, title]) => `<label class="fn-knob" title="${title}"><span>${kind}<sub>${j + 1}</sub> = <output data-knob="${kind}${j + 1}"></output></span>
        <input type="range" name="${kind}${j + 1}" data-label="${kind}${j + 1}" data-kind="${kind}" data-neuron="${j}" step="any"
          min="${-S.slider_range[kind]}" max="${S.slider_range[kind]}" aria-label="${title} of neuron ${j + 1}"></label>`).join("")}
    </div>`).join("");
  const expression = opts.expression || fields.expression.default;
  // the target a formula is: a preset's name, or Python's last choice (the reader's own formula)
  const presetOf = (formula) => choices.presets.find(([, , f]) => f === formula.trim())?.[0] ?? choices.target.at(-1)[0];
  root.append(html`
    <div class="gde-row fn-row">
      <label class="gde-field"><span>target</span><select name="target">${options(choices.target, presetOf(expression))}</select></label>
      ${field(fields.expression, "expression", expression)}
    </div>
    <div class="gde-row fn-row">
      <label class="gde-field"><span>activation f</span><select name="activation">${options(choices.activation, opts.activation || "tanh")}</select></label>
      ${field(fields.width, "width", opts.width || fields.width.default)}
      <p class="fn-count" aria-live="polite"><output data-role="parameters"></output></p>
    </div>
    <div class="gde-row gde-actions fn-row">
      <button type="button" class="md-button md-button--primary" data-action="fit" aria-pressed="false"
        title="Train the knobs with ${S.steps} steps of Adam; press again to stop">Fit</button>
      <button type="button" class="md-button" data-action="knobs">New random knobs</button>
      <p class="fn-readout">loss (mean squared error) <output class="gde-loss" data-role="loss"></output>
        · <output data-role="steps">no training yet</output></p>
    </div>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
    <div class="fn-main">
      <div class="fn-view">
        <figure class="fn-figure">
          <canvas class="fn-plot" role="img" aria-label="The target, the network's curve, and each neuron's piece"></canvas>
          <figcaption><span class="gde-key fn-key--target"></span> target · <span class="gde-key fn-key--model"></span> network
            y(x) = Σ v<sub>j</sub> f(w<sub>j</sub>x + b<sub>j</sub>) + c · <span class="gde-key fn-key--piece"></span> each neuron's piece
            v<sub>j</sub> f(w<sub>j</sub>x + b<sub>j</sub>) (<span class="gde-key fn-key--active"></span> the one you turn)</figcaption>
        </figure>
        <figure class="fn-figure fn-figure--loss" hidden>
          <canvas class="fn-losschart" role="img" aria-label="The loss during Fit, on a log scale"></canvas>
          <figcaption>Loss during Fit (log scale), since the knobs were last set by hand.</figcaption>
        </figure>
      </div>
      <section class="fn-knobs" aria-label="The knobs: every weight and bias">
        <p class="fn-knobs__note" data-role="knob-note">For each neuron j: its weight w<sub>j</sub> (how steep its piece is), its bias
          b<sub>j</sub> (where the piece bends: at x = −b<sub>j</sub>/w<sub>j</sub>) and its output weight v<sub>j</sub> (how tall);
          then the output bias c. <output data-role="knob-count"></output> Arrow keys move a focused slider.</p>
        <p class="fn-knobs__note" data-role="knob-many" hidden></p>
        <div class="fn-knobs__grid">${sliderRows}
          <div class="fn-neuron fn-neuron--output"><span class="fn-neuron__name">output</span>
            <label class="fn-knob" title="output bias"><span>c = <output data-knob="c"></output></span>
              <input type="range" name="c" data-label="c" data-kind="c" step="any" min="${-S.slider_range.c}" max="${S.slider_range.c}" aria-label="output bias c"></label>
          </div>
        </div>
      </section>
    </div>
  `);

  const $ = (selector) => root.querySelector(selector);
  const inputs = {
    expression: $('input[name="expression"]'), width: $('input[name="width"]'), activation: $('select[name="activation"]'),
    target: $('select[name="target"]'),
  };
  const sliders = [...root.querySelectorAll('input[type="range"]')];
  const canvases = { plot: $(".fn-plot"), loss: $(".fn-losschart") };
  const fitButton = $('[data-action="fit"]');
  const fitState = runButton(fitButton, api);
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  // a formula is text: a phone shows its full keyboard, and nothing is corrected
  Object.assign(inputs.expression, { inputMode: "text", size: 16, spellcheck: false, autocomplete: "off" });
  inputs.expression.setAttribute("autocapitalize", "off");
  inputs.width.size = 3;

  // The theme's colours, read once and again when the reader switches light and dark (reading
  // styles on every slider event would cost a style recalculation each time).
  let palette = null;
  const colours = () => {
    if (palette) return palette;
    const style = getComputedStyle(root);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    palette = {
      fg: read("--md-default-fg-color", "#222"), target: read("--fn-target", "#0072B2"), model: read("--fn-model", "#E69F00"),
      piece: read("--fn-piece", "#999999"), active: read("--fn-active", "#D55E00"),
    };
    return palette;
  };
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));

  // ---- knobs <-> sliders ----
  const sliderOf = (kind, j) => (kind === "c" ? sliders[sliders.length - 1] : sliders[3 * j + KINDS.findIndex(([k]) => k === kind)]);
  function showKnob(slider) {
    const kind = slider.dataset.kind;
    const value = kind === "c" ? state.knobs.c : state.knobs[kind][Number(slider.dataset.neuron)];
    root.querySelector(`output[data-knob="${slider.name}"]`).value = knobText(value);
  }
  // Put a knob's value into its slider, widening the slider when Fit went beyond its range.
  function setSlider(slider, value) {
    const bound = Math.max(Number(slider.max), 10 * Math.ceil(Math.abs(value) / 10));
    if (bound > Number(slider.max)) {
      slider.min = String(-bound);
      slider.max = String(bound);
    }
    slider.value = String(value);
    showKnob(slider);
  }
  function knobsToSliders() {
    for (let j = 0; j < S.slider_neurons; j++) for (const [kind] of KINDS) setSlider(sliderOf(kind, j), state.knobs[kind][j]);
    setSlider(sliderOf("c"), state.knobs.c);
  }
  const knobsArg = () => ({ w: [...state.knobs.w], b: [...state.knobs.b], v: [...state.knobs.v], c: state.knobs.c });

  function showWidth() {
    const n = state.width;
    // the sliders of neurons the network does not have are hidden and disabled (a link may still
    // set them: they keep their knobs for when the network grows)
    for (const row of root.querySelectorAll(".fn-neuron")) {
      row.hidden = n > S.slider_neurons || Number(row.dataset.neuron ?? -1) >= n;
      row.querySelectorAll("input").forEach((input) => (input.disabled = row.hidden));
    }
    const many = n > S.slider_neurons;
    $('[data-role="knob-note"]').hidden = many;
    $('[data-role="knob-count"]').value = `${3 * n + 1} knobs in all.`;
    const note = $('[data-role="knob-many"]');
    note.hidden = !many;
    note.textContent = `With more than ${S.slider_neurons} neurons there are too many knobs to turn one by one: Fit turns all ${3 * n + 1} of them.`;
  }

  function draw() {
    const xs = S.curve_x;
    const activation = inputs.activation.value;
    const curve = networkCurve(state.knobs, state.width, xs, activation);
    const pieces = networkPieces(state.knobs, state.width, xs, activation);
    state.curve = curve;
    drawPlot(canvases.plot, {
      xs, domain: S.domain, range: state.target.range, target: state.target.y, curve, pieces, active: state.active, colours: colours(),
    });
    // the loss chart appears with the first Fit and stays (empty after a change by hand), so
    // nothing below it jumps while a slider is dragged
    if (state.history.length) $(".fn-figure--loss").hidden = false;
    if (!$(".fn-figure--loss").hidden) drawLoss(canvases.loss, { history: state.history, colours: colours() });
  }

  // One drawing per animation frame however many frames of a Fit arrive.
  function drawSoon() {
    if (state.drawing) return;
    state.drawing = true;
    requestAnimationFrame(() => {
      state.drawing = false;
      draw();
    });
  }

  function showLoss(loss) {
    const out = $('[data-role="loss"]');
    out.value = fmt(loss);
    out.dataset.value = loss === null ? "" : String(loss);
  }

  // The loss of the knobs as they are, from Python: one request at a time, the last one always
  // made once the knobs stop changing.
  async function requestLoss() {
    if (state.lossPending) {
      state.lossDirty = true;
      return;
    }
    state.lossPending = true;
    const id = ++state.latest.loss;
    const answer = await api.call("evaluate", { expression: inputs.expression.value, activation: inputs.activation.value, width: String(state.width), knobs: knobsArg() });
    state.lossPending = false;
    if (state.lossDirty) {
      state.lossDirty = false;
      requestLoss();
      return;
    }
    if (id !== state.latest.loss) return;
    if (!answer.ok) return showError(answer.error);
    showLoss(answer.result.loss);
    const count = `${answer.result.width} ${answer.result.width === 1 ? "neuron" : "neurons"}: 3n + 1 = ${answer.result.parameters} parameters`;
    const shown = $('[data-role="parameters"]');
    if (shown.value !== count) shown.value = count; // announced when it changes, not at every move
    root.dataset.loss = String(answer.result.loss); // for tests: the loss of the knobs shown
  }

  function handMade() {
    state.history = [];
    state.stepsDone = 0;
    $('[data-role="steps"]').value = "set by hand";
  }

  async function stop() {
    if (!state.run) return;
    const run = state.run;
    run.cancel();
    await run.done;
  }

  // A formula typed, or chosen: its target from Python; a refusal beside the field, with the place.
  async function newTarget() {
    const id = ++state.latest.target;
    const text = inputs.expression.value;
    const answer = await api.call("target", { expression: text });
    if (id !== state.latest.target) return false;
    if (!answer.ok) {
      showError(answer.error); // Python's reason, the character, and the text around it
      return false;
    }
    state.target = answer.result;
    return true;
  }

  const whileStopped = (fn) => async (...args) => {
    if (state.run) {
      await stop();
      message("Fit stopped: you changed the network.");
    }
    return fn(...args);
  };

  const onExpression = whileStopped(async () => {
    if (await newTarget()) {
      draw();
      await requestLoss();
    }
    updated();
  });

  const onWidth = whileStopped(async () => {
    const answer = await api.call("evaluate", { expression: inputs.expression.value, activation: inputs.activation.value, width: inputs.width.value, knobs: knobsArg() });
    if (!answer.ok) {
      showError(answer.error);
      return;
    }
    state.width = answer.result.width;
    handMade();
    showWidth();
    draw();
    await requestLoss();
    updated();
  });

  const onActivation = whileStopped(async () => {
    handMade();
    draw();
    await requestLoss();
  });

  function onSlider(event) {
    const slider = event.target;
    const value = Number(slider.value);
    if (slider.dataset.kind === "c") state.knobs.c = value;
    else state.knobs[slider.dataset.kind][Number(slider.dataset.neuron)] = value;
    state.active = slider.dataset.kind === "c" ? -1 : Number(slider.dataset.neuron);
    showKnob(slider);
    if (state.run) {
      state.run.dropFrames = true; // the reader's knob wins over the frames still on their way
      stop().then(() => message("Fit stopped: you turned a knob."));
    } else {
      message("");
    }
    handMade();
    draw(); // at once: the curve follows the slider
    requestLoss();
  }

  async function fit() {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const start = state.stepsDone;
    const settings = {
      expression: inputs.expression.value, activation: inputs.activation.value, width: inputs.width.value, knobs: knobsArg(),
    };
    // a bad formula or width is explained beside its field before any run starts
    const checked = await api.call("evaluate", settings);
    if (!checked.ok) return showError(checked.error);
    if (state.run) return; // a second press while the check was on its way
    let failed = null;
    let last = null;
    fitState.running();
    let run = null;
    run = api.stream("fit", settings, {
      // as many frames as the worker makes in its 30 ms budget, then a pause: the page draws
      // the newest of them once per animation frame, and a Stop reaches the worker at once
      chunkFrames: 1_000_000,
      intervalMs: still ? 0 : 16,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        if (run.dropFrames) return;
        for (const frame of frames) {
          state.history.push([start + frame.step, frame.loss]);
          last = frame;
        }
        const n = (last.theta.length - 1) / 3;
        for (let j = 0; j < n; j++) {
          state.knobs.w[j] = last.theta[j];
          state.knobs.b[j] = last.theta[n + j];
          state.knobs.v[j] = last.theta[2 * n + j];
        }
        state.knobs.c = last.theta[3 * n];
        if (state.width !== n) {
          state.width = n;
          showWidth();
        }
        showLoss(last.loss);
        $('[data-role="steps"]').value = `${start + last.step} Adam steps`;
        if (!still) drawSoon();
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    fitState.idle();
    if (run.dropFrames) return; // a knob was turned: onSlider has taken over
    if (failed) {
      showError(failed);
      return;
    }
    if (!last) return;
    state.stepsDone = start + last.step;
    knobsToSliders();
    root.dataset.loss = String(last.loss);
    draw();
    if (outcome.cancelled) message(`Stopped by you after ${last.step} steps: press Fit to go on.`);
    else message(last.reason, outcomes[last.outcome] || "info");
    $('[data-role="announce"]').textContent = outcome.cancelled ? `Stopped, loss ${fmt(last.loss)}` : last.reason;
    updated();
  }

  async function newKnobs() {
    await stop();
    const answer = await api.call("knobs", { seed: state.seed + 1 });
    if (!answer.ok) return showError(answer.error);
    state.seed = answer.result.seed;
    state.knobs = { w: Float64Array.from(answer.result.w), b: Float64Array.from(answer.result.b), v: Float64Array.from(answer.result.v), c: answer.result.c };
    knobsToSliders();
    handMade();
    message("");
    draw();
    await requestLoss();
    updated();
  }

  // ---- wiring ----
  inputs.expression.addEventListener("input", onExpression);
  inputs.width.addEventListener("input", onWidth);
  inputs.activation.addEventListener("change", onActivation);
  // choosing a target writes its formula into the field; typing a formula chooses its target
  inputs.target.addEventListener("change", () => {
    const preset = choices.presets.find(([name]) => name === inputs.target.value);
    if (!preset) return;
    inputs.expression.value = preset[2];
    inputs.expression.dispatchEvent(new Event("input", { bubbles: true }));
  });
  inputs.expression.addEventListener("input", () => (inputs.target.value = presetOf(inputs.expression.value)));
  for (const slider of sliders) {
    slider.addEventListener("input", onSlider);
    slider.addEventListener("focus", () => {
      state.active = slider.dataset.kind === "c" ? -1 : Number(slider.dataset.neuron);
      draw();
    });
    slider.addEventListener("blur", () => {
      state.active = -1;
      draw();
    });
  }
  fitButton.addEventListener("click", fit);
  $('[data-action="knobs"]').addEventListener("click", newKnobs);
  clearOnInput([inputs.expression, inputs.width]);
  const theme = new MutationObserver(() => {
    palette = null;
    draw();
  });
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", () => draw(), { signal: api.signal });

  // ---- the first picture ----
  knobsToSliders();
  if (!(await newTarget())) throw new Error("the demo's target could not be computed");
  const check = await api.call("evaluate", { expression: inputs.expression.value, activation: inputs.activation.value, width: inputs.width.value, knobs: knobsArg() });
  if (!check.ok) throw new Error(check.error.message);
  state.width = Math.min(maxWidth, check.result.width);
  showWidth();
  draw();
  await requestLoss();
}
