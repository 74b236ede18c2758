// Demo "conclusion": the verdict race. Adam and local search start from the same point on the
// chosen task and spend the same budget of forward passes (a backward pass counts two); the
// chart shows each one's loss against the compute spent. Every number and every choice comes from
// explainer_core.demos.conclusion in the worker (setup, race); this file draws.

import { feedback, field, html, options, prepareCanvas } from "./_ui.js";

const NAMES = ["adam", "local_search"];
const STYLE = {
  adam: { light: "#0072B2", dark: "#3D9BE0", dash: [], key: "gde-vd__key--adam" },
  local_search: { light: "#D55E00", dark: "#E8853D", dash: [6, 4], key: "gde-vd__key--ls" },
};
const PAD = { left: 58, right: 14, top: 10, bottom: 34 };
const FLOOR = 1e-8; // the log axis starts no lower than this (a loss of exactly 0 sits on it)

const count = (n) => Number(n).toLocaleString("en-US");
const number = (v) => {
  if (v === null || v === undefined || !Number.isFinite(v)) return "not a number";
  if (v === 0) return "0";
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? Number(v.toPrecision(3)).toString() : v.toExponential(2);
};
// a tick label: 0.2, 0.01, 1e-5 (what reads shortest)
const tick = (v) => (v >= 1e-3 && v < 1e5 ? Number(v.toPrecision(2)).toString() : v.toExponential(0).replace("e+", "e"));

// Loss (log scale) against compute, both methods, and the target as a dotted line.
function drawChart(canvas, { history, budget, target, fg, dark }) {
  const { ctx, width, height } = prepareCanvas(canvas, 320, 220);
  const w = Math.max(10, width - PAD.left - PAD.right);
  const h = Math.max(10, height - PAD.top - PAD.bottom);
  const values = NAMES.flatMap((n) => history[n].map((r) => r[1])).filter((v) => v !== null && Number.isFinite(v));
  values.push(target);
  const positive = values.filter((v) => v > 0);
  let lo = Math.floor(Math.log10(Math.max(FLOOR, Math.min(...positive))));
  let hi = Math.ceil(Math.log10(Math.max(...positive)));
  if (hi <= lo) hi = lo + 1;
  const x = (c) => PAD.left + (c / budget) * w;
  const y = (v) => PAD.top + h - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * h;
  ctx.font = "12px sans-serif";
  ctx.fillStyle = fg;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  // ticks at the powers of ten, and at 2 and 5 times them when the axis spans two decades or less
  const ticks = [];
  const every = Math.max(1, Math.ceil((hi - lo) / 5));
  for (let k = lo; k <= hi; k += every) {
    ticks.push(10 ** k);
    if (hi - lo <= 2 && k < hi) ticks.push(2 * 10 ** k, 5 * 10 ** k);
  }
  for (const v of ticks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(PAD.left + w, y(v));
    ctx.stroke();
    ctx.fillText(tick(v), PAD.left - 4, y(v) + 4);
  }
  ctx.textAlign = "left";
  ctx.fillText("0", PAD.left, PAD.top + h + 14);
  ctx.textAlign = "right";
  ctx.fillText(count(budget), PAD.left + w, PAD.top + h + 14);
  ctx.textAlign = "center";
  ctx.fillText("compute (forward passes)", PAD.left + w / 2, height - 4);
  ctx.save();
  ctx.translate(12, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText("loss (log scale)", 0, 0);
  ctx.restore();
  // the target
  ctx.save();
  ctx.setLineDash([2, 3]);
  ctx.strokeStyle = fg;
  ctx.beginPath();
  ctx.moveTo(PAD.left, y(target));
  ctx.lineTo(PAD.left + w, y(target));
  ctx.stroke();
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 2, w, h + 4);
  ctx.clip();
  for (const name of NAMES) {
    const rows = history[name].filter((r) => r[1] !== null && Number.isFinite(r[1]));
    if (!rows.length) continue;
    ctx.strokeStyle = dark ? STYLE[name].dark : STYLE[name].light;
    ctx.lineWidth = 2;
    ctx.setLineDash(STYLE[name].dash);
    ctx.beginPath();
    rows.forEach((r, k) => (k ? ctx.lineTo(x(r[0]), y(r[1])) : ctx.moveTo(x(r[0]), y(r[1]))));
    ctx.stroke();
  }
  ctx.restore();
}

export default async function mount(root, api) {
  const opts = api.options;
  const initial = {
    task: opts.task || "fit",
    dimension: opts.dimension ?? "100",
    budget: opts.budget ?? "60000",
    lr: opts.lr ?? "0.05",
    sigma: opts.sigma ?? "0.1",
    seed: opts.seed ?? "0",
  };
  const first = await api.call("setup", initial);
  if (!first.ok) throw new Error(first.error.message);
  const { choices, fields, outcomes, methods } = first.result;
  const label = Object.fromEntries(methods);
  const typed = (name) => field(fields[name], name, initial[name] ?? fields[name].default);
  const readout = (name) => `
    <p class="gde-vd__readout"><span class="gde-vd__key ${STYLE[name].key}" aria-hidden="true"></span>
      <strong>${label[name]}</strong>: loss <output data-role="${name}-loss"></output>
      · ${name === "adam" ? "steps" : "generations"} <output data-role="${name}-step"></output>
      · spent <output data-role="${name}-spent"></output></p>`;
  root.append(html`
    <div class="gde-row gde-actions gde-vd__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Race both methods; press again to stop">Play</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <label class="gde-field"><span>task</span><select name="task">${options(choices.task, first.result.task)}</select></label>
    </div>
    <div class="gde-row gde-vd__fields">${typed("dimension")} ${typed("budget")} ${typed("lr")} ${typed("sigma")} ${typed("seed")}</div>
    <p class="gde-vd__counter"><output data-role="counter"></output></p>
    <figure class="gde-vd__figure">
      <canvas class="gde-vd__chart" role="img" aria-label="Loss of Adam and of local search against the compute spent, log scale, with the target as a dotted line"></canvas>
      <figcaption><span class="gde-vd__key gde-vd__key--adam" aria-hidden="true"></span> Adam
        · <span class="gde-vd__key gde-vd__key--ls" aria-hidden="true"></span> local search
        · <span class="gde-vd__key gde-vd__key--target" aria-hidden="true"></span> target</figcaption>
    </figure>
    ${readout("adam")}${readout("local_search")}
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (s) => root.querySelector(s);
  const names = ["task", "dimension", "budget", "lr", "sigma", "seed"];
  const inputs = Object.fromEntries(names.map((n) => [n, $(`[name="${n}"]`)]));
  const canvas = $(".gde-vd__chart");
  const playButton = $('[data-action="play"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = { setup: first.result, history: null, methods: null, compute: 0, run: null, latest: 0, queued: false };

  const colours = () => ({
    fg: getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222",
    dark: document.body.getAttribute("data-md-color-scheme") === "slate",
  });

  function show() {
    state.queued = false;
    const s = state.setup;
    $('[data-role="counter"]').value = `${count(Math.round(state.compute))} of ${count(s.budget)} forward passes each · ${count(s.parameters)} parameters · target ${number(s.target)}`;
    for (const name of NAMES) {
      const m = state.methods[name];
      const loss = $(`[data-role="${name}-loss"]`);
      loss.value = number(m.loss);
      loss.dataset.value = m.loss === null ? "" : String(m.loss);
      const step = $(`[data-role="${name}-step"]`);
      step.value = count(m.step);
      step.dataset.value = String(m.step);
      const spent = $(`[data-role="${name}-spent"]`);
      spent.value = count(m.spent);
      spent.dataset.value = String(m.spent);
    }
    drawChart(canvas, { history: state.history, budget: s.budget, target: s.target, ...colours() });
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(show);
  };

  const settings = () => Object.fromEntries(names.map((n) => [n, inputs[n].value]));
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));

  function startFrom(result) {
    state.setup = result;
    state.compute = 0;
    state.methods = result.start.methods;
    state.history = Object.fromEntries(NAMES.map((n) => [n, [[0, result.start.methods[n].loss]]]));
  }

  async function reset() {
    const id = ++state.latest;
    const answer = await api.call("setup", settings());
    if (id !== state.latest) return false;
    if (!answer.ok) {
      showError(answer.error);
      return false;
    }
    startFrom(answer.result);
    show();
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
    if (!(await reset())) return;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    playButton.textContent = "Stop";
    playButton.setAttribute("aria-pressed", "true");
    api.setState("running");
    let failed = null;
    let last = null;
    const t0 = performance.now();
    const run = api.stream("race", settings(), {
      // the worker cuts chunks every 30 ms, so even a fast race arrives in several pieces
      chunkFrames: 100_000,
      intervalMs: 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        for (const f of frames) {
          if (f.tick) continue; // work between two frames on a big sphere: nothing to draw
          last = f;
          state.compute = f.compute;
          state.methods = f.methods;
          for (const n of NAMES) state.history[n].push([f.compute, f.methods[n].loss]);
        }
        if (!last) return;
        if (last.done) {
          message(last.reason, outcomes[last.outcome] || "info");
          $('[data-role="announce"]').textContent = last.reason;
        }
        if (!still || last.done) schedule();
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    root.dataset.runMs = String(Math.round(performance.now() - t0));
    if (failed) showError(failed);
    else if (outcome.cancelled) {
      message(`Stopped by you at ${count(Math.round(state.compute))} forward passes each: press Play to race again from the start, or Reset.`);
      schedule();
    }
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
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
  $('[data-action="reset"]').addEventListener("click", restart);
  inputs.task.addEventListener("change", restart);
  for (const n of ["dimension", "budget", "lr", "sigma", "seed"]) inputs[n].addEventListener("input", restart);
  clearOnInput(names.filter((n) => n !== "task").map((n) => inputs[n]));
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });

  startFrom(first.result);
  show();
}
