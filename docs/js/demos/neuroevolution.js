// Demo "neuroevolution": R runs of neuroevolution beside gradient descent (Whitelam et al. 2021).
// Left: the weights projected onto the top two principal directions of the descent path (single
// runs faint, their mean bold, descent dashed). Right: the distance Δ between the mean and descent
// against t, with the noise-only prediction dotted. Every number and every choice comes from
// explainer_core.demos.neuroevolution in the worker (setup, run); this file draws.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized } from "./_ui.js";

const NAMES = ["sigma", "beta", "runs", "mutations", "seed"];
const PAD = { left: 52, right: 10, top: 8, bottom: 32 };
const SUPER = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const power = (k) => `10${String(k).split("").map((ch) => SUPER[ch]).join("")}`;

const prepareCanvas = (canvas) => prepareCanvasSized(canvas, 300, 240);

const fmt = (v, digits = 3) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return Number(v.toPrecision(digits)).toString();
  const [m, e] = v.toExponential(digits - 1).split("e");
  return `${m} × ${power(Number(e))}`;
};
const count = (n) => Number(n).toLocaleString("en-US");

function axes(ctx, { width, height, fg, xLabel, yLabel, xTicks, yTicks, x, y, yFormat = (v) => fmt(v, 2) }) {
  ctx.font = "11px sans-serif";
  ctx.fillStyle = fg;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  for (const v of yTicks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(width - PAD.right, y(v));
    ctx.stroke();
    ctx.fillText(yFormat(v), PAD.left - 4, y(v) + 4);
  }
  ctx.textAlign = "center";
  for (const v of xTicks) ctx.fillText(fmt(v, 2), x(v), height - PAD.bottom + 13);
  ctx.fillText(xLabel, PAD.left + (width - PAD.left - PAD.right) / 2, height - 3);
  ctx.save();
  ctx.translate(11, PAD.top + (height - PAD.top - PAD.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

const ticks = (lo, hi) => [lo, (lo + hi) / 2, hi];

export default async function mount(root, api) {
  const opts = api.options;
  const initial = { network: opts.network || "shallow", rule: opts.rule || "inf" };
  for (const name of NAMES) if (opts[name] !== undefined) initial[name] = String(opts[name]);
  const first = await api.call("setup", initial);
  if (!first.ok) throw new Error(first.error.message);
  const { choices, fields, outcomes } = first.result;
  const typed = (name) => field(fields[name], name, initial[name] ?? fields[name].default);
  root.append(html`
    <div class="gde-row gde-actions gde-ne__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Run the mutations; press again to stop (Play goes on from there)">Play</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <label class="gde-field"><span>network</span><select name="network">${options(choices.network, first.result.network)}</select></label>
      <label class="gde-field"><span>keep rule</span><select name="rule">${options(choices.rule, first.result.rule)}</select></label>
    </div>
    <div class="gde-row gde-ne__fields">${NAMES.map(typed).join(" ")}</div>
    <p class="gde-ne__counter"><output data-role="counter"></output></p>
    <div class="gde-ne__panels">
      <figure><canvas class="gde-ne__canvas" data-canvas="plane" role="img"
        aria-label="The weights of every run, their mean and gradient descent, projected onto the top two principal directions of the descent path"></canvas>
        <figcaption><span class="gde-ne__key gde-ne__key--runs"></span> single runs
          · <span class="gde-ne__key gde-ne__key--mean"></span> mean of the runs
          · <span class="gde-ne__key gde-ne__key--gd"></span> gradient descent</figcaption></figure>
      <figure><canvas class="gde-ne__canvas" data-canvas="delta" role="img"
        aria-label="The distance between the mean of the runs and gradient descent against time"></canvas>
        <figcaption><span class="gde-ne__key gde-ne__key--mean"></span> Δ, mean to descent
          · <span class="gde-ne__key gde-ne__key--noise"></span> noise alone: σ² × kept mutations / R</figcaption></figure>
    </div>
    <p class="gde-ne__readout">Δ <output data-role="delta">0</output>
      · noise alone <output data-role="predicted">0</output>
      · descent moved <output data-role="moved">0</output><br>
      loss of the mean network <output data-role="mean-loss"></output>
      · of descent <output data-role="gd-loss"></output>
      · mutations kept <output data-role="accepted">–</output></p>
    <p class="gde-ne__readout" data-role="step"></p>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (selector) => root.querySelector(selector);
  const inputs = Object.fromEntries([...NAMES, "network", "rule"].map((n) => [n, $(`[name="${n}"]`)]));
  const canvases = { plane: $('[data-canvas="plane"]'), delta: $('[data-canvas="delta"]') };
  const playButton = $('[data-action="play"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = { setup: null, step: 0, frames: [], run: null, latest: 0, queued: false, extent: null, draws: 0 };

  const colours = () => {
    const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    return { fg, mean: dark ? "#3D9BE0" : "#0072B2", gd: "#D55E00", runs: dark ? "rgba(230,230,230,0.22)" : "rgba(0,0,0,0.16)" };
  };

  // the plane's bounds: the descent path and everything drawn so far (grows, never jumps back)
  function extent() {
    let e = state.extent;
    const grow = ([x, y]) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      if (!e) e = [x, x, y, y];
      e = [Math.min(e[0], x), Math.max(e[1], x), Math.min(e[2], y), Math.max(e[3], y)];
    };
    if (!e) state.setup.path.xy.forEach(grow);
    const last = state.frames[state.frames.length - 1];
    if (last) {
      last.runs_xy.forEach(grow);
      grow(last.mean_xy);
    }
    state.extent = e;
    const [x0, x1, y0, y1] = e;
    const px = (x1 - x0) * 0.06 || 0.01;
    const py = (y1 - y0) * 0.06 || 0.01;
    return [x0 - px, x1 + px, y0 - py, y1 + py];
  }

  function drawPlane() {
    const { ctx, width, height } = prepareCanvas(canvases.plane);
    const c = colours();
    const [x0, x1, y0, y1] = extent();
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const x = (v) => PAD.left + ((v - x0) / (x1 - x0)) * w;
    const y = (v) => PAD.top + h - ((v - y0) / (y1 - y0)) * h;
    axes(ctx, { width, height, fg: c.fg, xLabel: "principal direction 1", yLabel: "direction 2",
      xTicks: ticks(x0, x1), yTicks: ticks(y0, y1), x, y });
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, w, h);
    ctx.clip();
    const frames = state.frames;
    // single runs: faint trails
    if (frames.length) {
      const R = frames[0].runs_xy.length;
      ctx.strokeStyle = c.runs;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let r = 0; r < R; r++) {
        frames.forEach((f, k) => (k ? ctx.lineTo(x(f.runs_xy[r][0]), y(f.runs_xy[r][1])) : ctx.moveTo(x(f.runs_xy[r][0]), y(f.runs_xy[r][1]))));
      }
      ctx.stroke();
      ctx.fillStyle = c.runs;
      for (const [a, b] of frames[frames.length - 1].runs_xy) ctx.fillRect(x(a) - 1.5, y(b) - 1.5, 3, 3);
    }
    // gradient descent: the whole path dashed, thin; up to now thicker
    const path = state.setup.path;
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = c.gd;
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    path.xy.forEach(([a, b], k) => (k ? ctx.lineTo(x(a), y(b)) : ctx.moveTo(x(a), y(b))));
    ctx.stroke();
    ctx.setLineDash([]);
    if (frames.length) {
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      frames.forEach((f, k) => (k ? ctx.lineTo(x(f.gd_xy[0]), y(f.gd_xy[1])) : ctx.moveTo(x(f.gd_xy[0]), y(f.gd_xy[1]))));
      ctx.stroke();
      ctx.strokeStyle = c.mean;
      ctx.lineWidth = 3;
      ctx.beginPath();
      frames.forEach((f, k) => (k ? ctx.lineTo(x(f.mean_xy[0]), y(f.mean_xy[1])) : ctx.moveTo(x(f.mean_xy[0]), y(f.mean_xy[1]))));
      ctx.stroke();
      const last = frames[frames.length - 1];
      ctx.fillStyle = c.mean;
      ctx.beginPath();
      ctx.arc(x(last.mean_xy[0]), y(last.mean_xy[1]), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.restore();
  }

  function drawDelta() {
    const { ctx, width, height } = prepareCanvas(canvases.delta);
    const c = colours();
    const frames = state.frames;
    const tEnd = state.setup.t_end;
    const top = Math.max(1e-12, ...frames.map((f) => Math.max(f.delta, f.predicted))) * 1.1;
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const x = (t) => PAD.left + (t / tEnd) * w;
    const y = (v) => PAD.top + h - (v / top) * h;
    // ticks as multiples of a power of ten named in the axis title, so the labels stay short
    const k = Math.floor(Math.log10(top));
    const unit = 10 ** k;
    axes(ctx, { width, height, fg: c.fg, xLabel: "t = α × mutations",
      yLabel: k === 0 ? "Δ (per weight)" : `Δ (per weight, × ${power(k)})`,
      xTicks: ticks(0, tEnd), yTicks: ticks(0, top), x, y, yFormat: (v) => Number((v / unit).toPrecision(2)).toString() });
    const line = (key, colour, dash, widthPx) => {
      ctx.strokeStyle = colour;
      ctx.setLineDash(dash);
      ctx.lineWidth = widthPx;
      ctx.beginPath();
      frames.forEach((f, k) => (k ? ctx.lineTo(x(f.t), y(f[key])) : ctx.moveTo(x(f.t), y(f[key]))));
      ctx.stroke();
    };
    line("predicted", c.fg, [2, 3], 1.5);
    line("delta", c.mean, [], 2.5);
    ctx.setLineDash([]);
  }

  function showNumbers() {
    const s = state.setup;
    const f = state.frames[state.frames.length - 1];
    $('[data-role="counter"]').value = `mutation ${count(state.step)} of ${count(s.mutations)} · t = ${fmt(s.alpha * state.step)} of ${fmt(s.t_end)}`
      + ` · ${s.reference === "normalised" ? "normalised" : "plain"} descent at α = ${fmt(s.alpha)}`;
    const put = (role, value, text) => {
      const el = $(`[data-role="${role}"]`);
      el.value = text ?? fmt(value);
      el.dataset.value = value ?? "";
    };
    put("delta", f ? f.delta : 0);
    put("predicted", f ? f.predicted : 0);
    put("moved", f ? f.gd_moved : 0);
    put("mean-loss", f ? f.mean_loss : s.start_loss, f ? f.mean_loss.toFixed(4) : s.start_loss.toFixed(4));
    put("gd-loss", f ? f.gd_loss : s.start_loss, f ? f.gd_loss.toFixed(4) : s.start_loss.toFixed(4));
    put("accepted", f ? f.accepted : 0, f && f.step ? `${(100 * f.accepted).toFixed(0)}%` : "–");
  }

  function showStep() {
    const s = state.setup;
    const st = s.step;
    const b = st.b === null ? "∞" : fmt(st.b, 2);
    const el = $('[data-role="step"]');
    el.textContent = `One mutation at the start, measured ${count(st.samples)} times: mean step along −ĝ `
      + `${fmt(st.along, 3)} ± ${fmt(st.standard_error, 2)}, predicted ${fmt(st.predicted, 3)} `
      + `(${s.rule === "inf" ? "σ/√(2π)" : `b = βσ|g| = ${b}; small-b limit βσ²|g|/2 = ${fmt(st.limit, 3)}`}); `
      + `${(100 * st.accepted).toFixed(0)}% kept.`;
    el.dataset.along = st.along;
    el.dataset.predicted = st.predicted;
  }

  function draw() {
    state.queued = false;
    showNumbers();
    drawPlane();
    drawDelta();
    state.draws += 1;
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };

  const settings = () => ({
    ...Object.fromEntries(NAMES.map((n) => [n, inputs[n].value])), network: inputs.network.value, rule: inputs.rule.value,
  });
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));

  function adopt(result) {
    state.setup = result;
    state.step = 0;
    state.frames = [];
    state.extent = null;
    showStep();
    if (result.warning) message(result.warning, "warning");
    draw();
  }

  async function reset() {
    const id = ++state.latest;
    const answer = await api.call("setup", settings());
    if (id !== state.latest) return false;
    if (!answer.ok) {
      showError(answer.error);
      return false;
    }
    adopt(answer.result);
    return true;
  }

  async function stop() {
    if (!state.run) return;
    const run = state.run;
    run.cancel();
    await run.done;
  }

  async function play() {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (state.step === 0 || state.step >= state.setup.mutations) {
      if (!(await reset())) return;
    }
    const resume = state.step;
    if (resume === 0) state.frames = [];
    playButton.textContent = "Stop";
    playButton.setAttribute("aria-pressed", "true");
    api.setState("running");
    if (resume > 0) message(`Going on from mutation ${count(resume)}: the first ${count(resume)} are replayed (same seed, same runs).`);
    state.draws = 0;
    const t0 = performance.now();
    let failed = null;
    let last = null;
    const run = api.stream("run", { ...settings(), start: resume }, {
      chunkFrames: 1,
      intervalMs: 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        for (const f of frames) {
          if (f.catch_up) continue;
          if (resume > 0 && !last) message("");
          last = f;
          state.frames.push(f);
          state.step = f.step;
        }
        if (last && last.done) {
          message(last.reason, outcomes[last.outcome] || "info");
          $('[data-role="announce"]').textContent = last.reason;
        }
        if (!still || (last && last.done)) schedule();
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    const ms = performance.now() - t0;
    root.dataset.runMs = String(Math.round(ms));
    root.dataset.updates = String(state.draws);
    root.dataset.updatesPerSecond = (1000 * state.draws / Math.max(ms, 1)).toFixed(1);
    if (failed) {
      showError(failed);
    } else if (outcome.cancelled) {
      message(`Stopped by you at mutation ${count(state.step)}: press Play to go on, or Reset.`);
      schedule();
    }
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
    if (state.setup) showNumbers(); // the last chunk's numbers are on screen at "ready"
    if (!state.run) api.setState("ready");
  }

  async function restart() {
    await stop();
    clearErrors();
    message("");
    await reset();
    updated();
  }

  playButton.addEventListener("click", play);
  // "Run with my code" (the Python panel): from mutation 0, played to the end
  api.setRerun(async () => {
    await restart();
    await play();
  });
  $('[data-action="reset"]').addEventListener("click", restart);
  inputs.network.addEventListener("change", restart);
  inputs.rule.addEventListener("change", restart);
  for (const name of NAMES) inputs[name].addEventListener("input", restart);
  clearOnInput(NAMES.map((n) => inputs[n]));
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });

  adopt(first.result);
}
