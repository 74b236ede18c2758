// Demo "derivatives": the slope of a function at a point (the secant through x and x + δ, the
// tangent, forward and central differences against the exact slope, the error against δ), and
// what a network's numerical gradient costs. Every number shown, and every choice offered, comes
// from explainer_core.demos.derivatives in the worker (setup, evaluate, plan, shrink, count);
// this file only draws and formats. The drawing functions are pure (a canvas and plain data in,
// pixels out); mount() keeps one plain `state` object and wires the controls to Python.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized, runButton } from "./_ui.js";

// Okabe-Ito: vermillion (forward difference), bluish green (central), blue (the exact tangent;
// sky blue on the dark palette, where blue is too dark). Each also has its own dash.
const LINES = {
  forward: { colour: "#D55E00", dash: [7, 4], label: "forward difference" },
  central: { colour: "#009E73", dash: [2, 3], label: "central difference" },
};
const TANGENT = { light: "#0072B2", dark: "#56B4E9" };
const PAD = { left: 46, right: 12, top: 10, bottom: 34 };
const FLOOR = 1e-17; // an error of exactly 0 is drawn on the error plot's floor ("exact")
const KEY_STEP = 0.1; // arrow keys move x by this (Shift: 5 times as far)

// ---- formatting (no arithmetic on the results: Python computed them) ---------------------------

const SUPER = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
// 2.0 × 10⁻⁴ for small and large numbers, plain digits in between; words for missing ones.
function sci(v, digits = 2) {
  if (v === null || v === undefined) return "not defined";
  if (v === 0) return "0";
  if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5) return String(Number(v.toPrecision(digits + 1)));
  const [m, e] = v.toExponential(digits - 1).split("e");
  const power = String(Number(e)).split("").map((c) => SUPER[c]).join("");
  return m === "1" || m === "1.0" ? `10${power}` : `${m} × 10${power}`;
}
// a slope with all its digits (the book prints 4.0001999999987845)
const full = (v) => (v === null || v === undefined ? "not defined" : String(v).replace("-", "−"));
const count = (n) => Number(n).toLocaleString("en-US");
// δ as the reader would type it: 0.0001, 3.16e-5
const deltaText = (v) => String(Number(v.toPrecision(3)));

// ---- drawing -------------------------------------------------------------------------------------

const prepareCanvas = (canvas) => prepareCanvasSized(canvas, 360, 240);

// pixel <-> data, inside PAD; `tx`/`ty` map data to the axis's own scale (log10 for the errors)
function plotScale(width, height, [x0, x1], [y0, y1], tx = (v) => v, ty = (v) => v) {
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const [a0, a1, b0, b1] = [tx(x0), tx(x1), ty(y0), ty(y1)];
  return {
    box: [PAD.left, PAD.top, w, h],
    x: (v) => PAD.left + ((tx(v) - a0) / (a1 - a0 || 1)) * w,
    y: (v) => PAD.top + h - ((ty(v) - b0) / (b1 - b0 || 1)) * h,
    toX: (px) => x0 + ((px - PAD.left) / w) * (x1 - x0), // linear x only (the curve panel)
  };
}

function axes(ctx, scale, { height, xTicks, yTicks, xLabel, yLabel, colour }) {
  const [left, top, w, h] = scale.box;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, w, h);
  ctx.fillStyle = colour;
  ctx.font = "11px sans-serif";
  xTicks.forEach(([t, label], i) => {
    ctx.textAlign = i === 0 ? "left" : i === xTicks.length - 1 ? "right" : "center";
    ctx.fillText(label, scale.x(t), top + h + 13);
  });
  ctx.textAlign = "center";
  ctx.fillText(xLabel, left + w / 2, height - 5);
  ctx.textAlign = "right";
  for (const [t, label] of yTicks) ctx.fillText(label, left - 4, scale.y(t) + 4);
  ctx.save();
  ctx.translate(11, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = "center";
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

function clip(ctx, [left, top, w, h]) {
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip();
}

// a polyline through the points, broken where a point is missing
function path(ctx, points, colour, width, dash = []) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(p[0], p[1]);
    else ctx.moveTo(p[0], p[1]);
    pen = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

function dot(ctx, x, y, r, fill, stroke) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fill();
  }
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

// y range of the curve panel: Python's range of f, widened to hold the points shown, padded
function yRange(curve, s) {
  let [lo, hi] = curve.y_range;
  for (const v of [s.y, s.y_plus, s.y_minus]) {
    if (v !== null) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const pad = 0.08 * (hi - lo);
  return [lo - pad, hi + pad];
}

const niceTicks = ([lo, hi], count = 5) => {
  const step = 10 ** Math.floor(Math.log10((hi - lo) / count));
  const unit = [1, 2, 5, 10].map((k) => k * step).find((u) => (hi - lo) / u <= count) ?? 10 * step;
  const out = [];
  for (let t = Math.ceil(lo / unit) * unit; t <= hi + 1e-12; t += unit) out.push([t, String(Number(t.toPrecision(6)))]);
  return out;
};

// f, the two secants and the tangent, the points x, x + δ, x − δ
function drawCurve(canvas, { curve, slope: s, plotX, colour, tangent }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const yr = yRange(curve, s);
  const scale = plotScale(width, height, plotX, yr);
  ctx.save();
  axes(ctx, scale, { height, xTicks: [-4, -2, 0, 2, 4].map((t) => [t, String(t)]), yTicks: niceTicks(yr),
    xLabel: "x", yLabel: "f(x)", colour });
  clip(ctx, scale.box);
  // the axes through 0
  path(ctx, [[scale.x(plotX[0]), scale.y(0)], [scale.x(plotX[1]), scale.y(0)]], "rgba(128,128,128,0.45)", 1);
  path(ctx, [[scale.x(0), scale.y(yr[0])], [scale.x(0), scale.y(yr[1])]], "rgba(128,128,128,0.45)", 1);
  // f itself, broken where it is not defined or leaves the panel far
  const far = 10 * (yr[1] - yr[0]);
  path(ctx, curve.x.map((x, k) => {
    const y = curve.y[k];
    return y === null || Math.abs(y) > far + Math.abs(yr[0]) + Math.abs(yr[1]) ? null : [scale.x(x), scale.y(y)];
  }), colour, 2);
  // a straight line through (x1, y1) with the slope m, across the panel
  const line = (m, x1, y1, style) => {
    if (m === null || y1 === null) return;
    const ends = plotX.map((t) => [scale.x(t), scale.y(y1 + m * (t - x1))]);
    path(ctx, ends, style.colour, style.width, style.dash);
  };
  line(s.exact, s.x, s.y, { colour: tangent, width: 2.5, dash: [] });
  // the book's secant y = m·x + b, with b = f(x + δ) − m·(x + δ): through x and x + δ
  if (s.forward !== null && s.intercept !== null) line(s.forward, 0, s.intercept, { ...LINES.forward, width: 2 });
  line(s.central, s.x_plus, s.y_plus, { ...LINES.central, width: 2 });
  if (s.y_minus !== null) dot(ctx, scale.x(s.x_minus), scale.y(s.y_minus), 4, null, LINES.central.colour);
  if (s.y_plus !== null) dot(ctx, scale.x(s.x_plus), scale.y(s.y_plus), 4, null, LINES.forward.colour);
  dot(ctx, scale.x(s.x), scale.y(s.y), 6.5, colour, "#808080");
  ctx.restore();
  return scale;
}

// the error of both differences against δ (log-log, δ shrinking to the right), the predicted
// parts, and the current δ
function drawErrors(canvas, { errors, slope: s, colour }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const lg = (v) => Math.log10(Math.max(v, FLOOR));
  const scale = plotScale(width, height, [1, 1e-16], [FLOOR, 10], lg, lg);
  const powers = (list) => list.map((e) => [10 ** e, e === 0 ? "1" : `1e${e}`]);
  ctx.save();
  axes(ctx, scale, {
    height, xTicks: powers([0, -4, -8, -12, -16]), yTicks: [...powers([0, -4, -8, -12]), [FLOOR, "exact"]],
    xLabel: "step δ (smaller to the right)", yLabel: "error of the slope", colour,
  });
  clip(ctx, scale.box);
  for (const name of ["forward", "central"]) {
    const style = LINES[name];
    ctx.globalAlpha = 0.55;
    for (const part of ["truncation", "rounding"]) {
      path(ctx, errors.map((r) => {
        const v = r[`${name}_${part}`];
        return v === null || v < FLOOR / 10 || v > 1e3 ? null : [scale.x(r.delta), scale.y(v)];
      }), style.colour, 1, part === "truncation" ? [6, 3] : [1, 2]);
    }
    ctx.globalAlpha = 1;
    // the measured error, a line with a dot at every δ; where it is exactly 0 (the rounding
    // errors cancelled) the line breaks and a short tick on the floor ("exact") says so
    const points = errors.map((r) => {
      const v = r[`${name}_error`];
      return v === null || v === 0 ? null : [scale.x(r.delta), scale.y(v)];
    });
    path(ctx, points, style.colour, 1.6);
    ctx.fillStyle = style.colour;
    for (const p of points) if (p) ctx.fillRect(p[0] - 1.5, p[1] - 1.5, 3, 3);
    const floor = scale.y(FLOOR);
    for (const r of errors) {
      if (r[`${name}_error`] === 0) ctx.fillRect(scale.x(r.delta) - 1.5, floor - (name === "forward" ? 9 : 5), 3, 5);
    }
  }
  if (!errors.length) {
    ctx.fillStyle = colour;
    ctx.textAlign = "center";
    ctx.font = "12px sans-serif";
    const [left, top, w, h] = scale.box;
    ctx.fillText("no exact slope at this x to compare with", left + w / 2, top + h / 2);
  }
  // the current δ, and where both differences are there
  const px = scale.x(s.delta);
  path(ctx, [[px, scale.box[1]], [px, scale.box[1] + scale.box[3]]], colour, 1.2, [3, 3]);
  for (const name of ["forward", "central"]) {
    const v = s[`${name}_error`];
    if (v !== null) dot(ctx, px, scale.y(v), 4.5, LINES[name].colour, colour);
  }
  ctx.restore();
}

// ---- the demo --------------------------------------------------------------------------------

export default async function mount(root, api) {
  const opts = api.options;
  const answer = await api.call("setup", {});
  if (!answer.ok) throw new Error(answer.error.message);
  const setup = answer.result;
  const { fields, presets, slider, choices, outcomes } = setup;
  const state = {
    result: setup.first, // the latest evaluate() answer with curves
    slope: setup.first.slope, // the slope record shown
    scale: null,
    latest: 0, // numbers every evaluate(): only the newest answer is shown
    run: null, // {kind: "shrink" | "count", stream}
  };
  const typed = (name) => field(fields[name], name, opts[name] ?? fields[name].default);
  root.append(html`
    <div class="gde-dv">
      <section class="gde-dv__part" aria-label="The slope at a point">
        <h3 class="gde-dv__title">The slope at a point</h3>
        <div class="gde-row gde-dv__function">
          ${typed("f")}
          <label class="gde-field"><span>or pick</span><select name="example" aria-label="an example function for f(x)">
            <option value="">an example …</option>${options(presets, "")}</select></label>
        </div>
        <div class="gde-row gde-dv__controls">
          ${typed("x")}
          <label class="gde-slider gde-dv__slider"><span>δ on a log scale: <output data-role="delta-shown"></output></span>
            <input type="range" name="log_delta" data-label="log10 δ" min="${slider.min}" max="${slider.max}" step="${slider.step}"
              aria-describedby="gde-dv-slider-hint"></label>
          ${typed("delta")}
          <button type="button" class="md-button md-button--primary" data-action="shrink" aria-pressed="false"
            title="δ from 1 down to 10⁻¹⁶, step by step; press again to stop">Shrink δ</button>
        </div>
        <p class="gde-sr-only" id="gde-dv-slider-hint">Each step of the slider divides or multiplies δ by 10 to the power 1/4.</p>
        <div class="gde-dv__plots">
          <figure class="gde-dv__figure"><canvas class="gde-dv__curve" tabindex="0" role="application" aria-roledescription="plot"
              aria-label="f with the secants and the tangent at x. Drag, or use the left and right arrow keys, to move x" aria-describedby="gde-dv-keys"></canvas>
            <figcaption>Drag the dot, or focus the plot and use ← → <span id="gde-dv-keys">(x by 0.1, with Shift 0.5)</span>.
              <span class="gde-key gde-dv__key--tangent"></span> tangent ·
              <span class="gde-key gde-dv__key--forward"></span> secant through x and x + δ ·
              <span class="gde-key gde-dv__key--central"></span> chord through x − δ and x + δ</figcaption></figure>
          <figure class="gde-dv__figure"><canvas class="gde-dv__errors" role="img"
              aria-label="The error of both differences against δ, on log scales, with the current δ marked"></canvas>
            <figcaption>Error against δ at this x: <span class="gde-key gde-dv__key--forward-solid"></span> forward,
              <span class="gde-key gde-dv__key--central-solid"></span> central; thin dashed: truncation |f″|δ/2, |f‴|δ²/6;
              thin dotted: rounding ε|f|/δ; ticks at the bottom: exactly right. The dashed upright line is δ now.</figcaption></figure>
        </div>
        <table class="gde-dv__table">
          <thead><tr><th scope="col">slope at x</th><th scope="col">value</th><th scope="col">error</th></tr></thead>
          <tbody>
            <tr class="gde-dv__row--forward"><th scope="row">forward difference</th><td><output data-role="forward"></output></td><td><output data-role="forward-error"></output></td></tr>
            <tr class="gde-dv__row--central"><th scope="row">central difference</th><td><output data-role="central"></output></td><td><output data-role="central-error"></output></td></tr>
            <tr class="gde-dv__row--exact"><th scope="row">exact f′(x)</th><td><output data-role="exact"></output></td><td>—</td></tr>
          </tbody>
        </table>
        <p class="gde-dv__line">Secant (the book's tangent line): y = m·x + b with m = <output data-role="m"></output> and
          b = f(x + δ) − m·(x + δ) = <output data-role="b"></output>. Tangent: y = <output data-role="tangent"></output>.</p>
        <p class="gde-message" aria-live="polite"></p>
      </section>
      <section class="gde-dv__part gde-dv__cost" aria-label="What a numerical gradient costs">
        <h3 class="gde-dv__title">What a numerical gradient costs</h3>
        <div class="gde-row gde-dv__controls">
          <label class="gde-field"><span>network</span><select name="parameters">${options(choices.parameters, opts.parameters ?? setup.default_network)}</select></label>
          <label class="gde-field"><span>numerical gradient by</span><select name="method">${options(choices.method, opts.method ?? "central")}</select></label>
          <button type="button" class="md-button" data-action="count" aria-pressed="false">Count forward passes</button>
        </div>
        <progress class="gde-dv__progress" max="1" value="0" aria-label="parameters done"></progress>
        <dl class="gde-dv__costs">
          <dt>numerical gradient</dt><dd><output data-role="numerical"></output></dd>
          <dt>backpropagation</dt><dd><output data-role="backprop"></output></dd>
          <dt>agreement</dt><dd><output data-role="agreement"></output></dd>
        </dl>
        <p class="gde-dv__say" data-role="count-message"></p>
      </section>
      <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
    </div>
  `);

  const $ = (selector) => root.querySelector(selector);
  const inputs = Object.fromEntries(["f", "example", "x", "delta", "log_delta", "parameters", "method"]
    .map((name) => [name, $(`[name="${name}"]`)]));
  inputs.f.setAttribute("inputmode", "text"); // a formula, not a number
  inputs.f.setAttribute("spellcheck", "false");
  inputs.f.setAttribute("autocapitalize", "off");
  inputs.f.size = 14;
  const canvases = { curve: $(".gde-dv__curve"), errors: $(".gde-dv__errors") };
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const kind = (outcome) => outcomes[outcome] || "info";
  const shrinkButton = runButton($('[data-action="shrink"]'), api);
  const countButton = runButton($('[data-action="count"]'), api);
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));
  const dark = () => document.body.getAttribute("data-md-color-scheme") === "slate";

  const syncSlider = () => {
    const d = Number(inputs.delta.value);
    if (Number.isFinite(d) && d > 0) {
      const v = Math.min(slider.max, Math.max(slider.min, Math.round(Math.log10(d) / slider.step) * slider.step));
      inputs.log_delta.value = String(v);
    }
    $('[data-role="delta-shown"]').value = Number.isFinite(d) && d > 0 ? `δ = ${inputs.delta.value.trim()}` : "δ: see its field";
  };

  function draw() {
    const colour = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const tangent = dark() ? TANGENT.dark : TANGENT.light;
    state.scale = drawCurve(canvases.curve, { curve: state.result.curve, slope: state.slope, plotX: setup.plot_x, colour, tangent });
    drawErrors(canvases.errors, { errors: state.result.errors, slope: state.slope, colour });
  }

  function show(s) {
    const put = (role, text, value) => {
      const el = $(`[data-role="${role}"]`);
      el.value = text;
      if (value !== undefined) el.dataset.value = value === null ? "" : String(value);
    };
    put("forward", full(s.forward), s.forward);
    put("central", full(s.central), s.central);
    put("exact", full(s.exact), s.exact);
    put("forward-error", sci(s.forward_error), s.forward_error);
    put("central-error", sci(s.central_error), s.central_error);
    put("m", full(s.forward), s.forward);
    put("b", full(s.intercept), s.intercept);
    const t = s.exact === null || s.tangent_intercept === null ? "not defined"
      : `${full(s.exact)}·x ${s.tangent_intercept < 0 ? "−" : "+"} ${full(Math.abs(s.tangent_intercept))}`; // sign, for reading
    put("tangent", t);
  }

  // The reader's settings to Python; `curves` when f or x changed (δ alone moves no curve).
  async function evaluate({ curves = true } = {}) {
    const id = ++state.latest;
    const args = { f: inputs.f.value, x: inputs.x.value, delta: inputs.delta.value, curves };
    const reply = await api.call("evaluate", args);
    if (id !== state.latest) return false;
    clearErrors();
    if (!reply.ok) {
      showError(reply.error);
      updated();
      return false;
    }
    const r = reply.result;
    if (curves) state.result = r;
    state.slope = r.slope;
    show(r.slope);
    message(r.message, kind(r.outcome));
    draw();
    updated();
    return true;
  }

  async function stop() {
    if (!state.run) return;
    const { stream } = state.run;
    stream.cancel();
    await stream.done;
  }

  // ---- Shrink δ: δ from 1 to 1e-16, one frame per quarter decade --------------------------------
  async function shrink() {
    if (state.run?.kind === "shrink") return stop();
    await stop();
    clearErrors();
    if (!(await evaluate())) return; // f and x must be fine first: their message is beside them
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    let last = null;
    let failed = null;
    shrinkButton.running();
    const stream = api.stream("shrink", { f: inputs.f.value, x: inputs.x.value }, {
      chunkFrames: still ? 1000 : 1,
      intervalMs: still ? 0 : 110,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        last = frames[frames.length - 1];
        inputs.delta.value = deltaText(last.delta);
        syncSlider();
        state.slope = last.slope;
        show(last.slope);
        message(last.done ? last.summary : last.message, last.done ? "info" : kind(last.outcome));
        draw();
      },
    });
    state.run = { kind: "shrink", stream };
    const outcome = await stream.done;
    if (state.run?.stream === stream) state.run = null;
    shrinkButton.idle();
    if (failed) showError(failed);
    else if (outcome.cancelled) message(`Stopped by you at δ = ${inputs.delta.value}. Press Shrink δ to start again from δ = 1.`);
    if (last?.done) $('[data-role="announce"]').textContent = last.summary;
    if (state.run) api.setState("running");
    updated();
  }

  // ---- the price of a numerical gradient -------------------------------------------------------
  const countMessage = (text, kindName = "info") => {
    const el = $('[data-role="count-message"]');
    el.textContent = text;
    el.dataset.kind = kindName;
  };
  function showPlan(p) {
    $('[data-role="numerical"]').value = `${count(p.formula_passes)} forward passes by the formula ${p.formula}`;
    $('[data-role="numerical"]').dataset.value = "";
    $('[data-role="backprop"]').value = p.backprop_text;
    $('[data-role="agreement"]').value = "press Count forward passes";
    $(".gde-dv__progress").value = 0;
  }
  async function plan() {
    const reply = await api.call("plan", { parameters: inputs.parameters.value, method: inputs.method.value });
    if (!reply.ok) {
      countMessage(reply.error.message, "error");
      return;
    }
    showPlan(reply.result);
    countMessage(reply.result.text);
    updated();
  }

  async function countPasses() {
    if (state.run?.kind === "count") return stop();
    await stop();
    let last = null;
    let failed = null;
    countButton.running();
    countMessage("Running the numerical gradient, a block of parameters at a time …");
    $('[data-role="numerical"]').dataset.value = "";  // nothing counted yet in this run
    $('[data-role="agreement"]').dataset.value = "";
    $(".gde-dv__progress").value = 0;
    const stream = api.stream("count", { parameters: inputs.parameters.value, method: inputs.method.value }, {
      chunkFrames: 10_000,
      intervalMs: 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        last = frames[frames.length - 1];
        $(".gde-dv__progress").value = last.done / last.parameters;
        $('[data-role="numerical"]').value = last.progress;
        $('[data-role="numerical"]').dataset.value = String(last.forward_passes);
        $('[data-role="agreement"]').value = last.relative_difference === null ? "not defined"
          : `largest difference ${sci(last.relative_difference)} of the largest partial derivative${last.finished ? "" : " (so far)"}`;
        $('[data-role="agreement"]').dataset.value = last.relative_difference === null ? "" : String(last.relative_difference);
        if (last.finished) countMessage(last.summary);
      },
    });
    state.run = { kind: "count", stream };
    const outcome = await stream.done;
    if (state.run?.stream === stream) state.run = null;
    countButton.idle();
    if (failed) countMessage(failed.message, "error");
    else if (outcome.cancelled && last && !last.finished) {
      countMessage(`Stopped by you ${last.stop_text}`);
    } else if (outcome.cancelled) countMessage("Stopped by you before the first block finished.");
    if (last?.finished) $('[data-role="announce"]').textContent = last.summary;
    if (state.run) api.setState("running");
    updated();
  }

  // ---- wiring ---------------------------------------------------------------------------------
  const clearOnInputField = (input) => {
    input.closest(".gde-field").querySelector(".gde-field-error").textContent = "";
    input.removeAttribute("aria-invalid");
  };
  // a new f or x: a new curve (a Shrink δ under way stops; a count goes on, it is another part)
  const newCurve = async () => {
    if (state.run?.kind === "shrink") await stop();
    evaluate();
  };
  inputs.f.addEventListener("input", newCurve);
  inputs.x.addEventListener("input", newCurve);
  inputs.delta.addEventListener("input", async () => {
    if (state.run?.kind === "shrink") await stop();
    syncSlider();
    evaluate({ curves: false });
  });
  inputs.log_delta.addEventListener("input", async () => {
    if (state.run?.kind === "shrink") await stop();
    inputs.delta.value = deltaText(10 ** Number(inputs.log_delta.value));
    $('[data-role="delta-shown"]').value = `δ = ${inputs.delta.value}`;
    clearOnInputField(inputs.delta);
    evaluate({ curves: false });
  });
  // an example fills in f, and the picker goes back to its prompt (f is the setting)
  inputs.example.addEventListener("change", () => {
    if (!inputs.example.value) return;
    inputs.f.value = inputs.example.value;
    inputs.example.value = "";
    inputs.f.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // x by dragging the dot (or anywhere on the plot), and by the arrow keys
  const setX = (value) => {
    const [lo, hi] = [fields.x.min, fields.x.max];
    inputs.x.value = String(Math.round(Math.min(hi, Math.max(lo, value)) * 100) / 100);
    inputs.x.dispatchEvent(new Event("input", { bubbles: true }));
  };
  let dragging = false;
  const pointerX = (event) => state.scale.toX(event.clientX - canvases.curve.getBoundingClientRect().left);
  canvases.curve.addEventListener("pointerdown", (event) => {
    if (!state.scale) return;
    dragging = true;
    canvases.curve.setPointerCapture(event.pointerId);
    setX(pointerX(event));
  });
  canvases.curve.addEventListener("pointermove", (event) => {
    if (dragging) setX(pointerX(event));
  });
  const release = () => (dragging = false);
  canvases.curve.addEventListener("pointerup", release);
  canvases.curve.addEventListener("pointercancel", release);
  canvases.curve.addEventListener("keydown", (event) => {
    const sign = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1 }[event.key];
    if (!sign) return;
    event.preventDefault();
    const now = Number(inputs.x.value);
    setX((Number.isFinite(now) ? now : 0) + sign * KEY_STEP * (event.shiftKey ? 5 : 1));
    clearTimeout(state.announcing);
    state.announcing = setTimeout(() => {
      const s = state.slope;
      $('[data-role="announce"]').textContent = `x ${s.x}, exact slope ${full(s.exact)}, forward difference ${full(s.forward)}`;
    }, 400);
  });
  $('[data-action="shrink"]').addEventListener("click", shrink);
  // "Run with my code" (the Python panel): the slope at the reader's f, x and δ, with their function
  api.setRerun(async () => {
    await stop();
    await evaluate();
  });
  $('[data-action="count"]').addEventListener("click", countPasses);
  for (const name of ["parameters", "method"]) {
    inputs[name].addEventListener("change", async () => {
      if (state.run?.kind === "count") await stop();
      plan();
    });
  }
  clearOnInput([inputs.f, inputs.x, inputs.delta]);
  const theme = new MutationObserver(() => draw());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", () => draw(), { signal: api.signal });
  window.addEventListener("pointerup", release, { signal: api.signal });

  syncSlider();
  show(state.slope);
  message(setup.first.message, kind(setup.first.outcome));
  draw();
  await plan();
  if (opts.f || opts.x || opts.delta) await evaluate();
}
