// Demo "gradient-descent": the learning rate. The reader trains the chapter's 1-16-1 network
// live (full batch or mini-batches) and watches the training and test loss against the steps;
// a run that overshoots is announced at the step where its loss passes ten times its start, and
// a run that diverges is explained at the step where its loss stops being a finite number.
// Every number and every default comes from explainer_core.demos.gradient_descent (setup, check,
// train); this file draws. Its drawing helpers are shared with gradient-descent-batches.js.

import { feedback, field, html, prepareCanvas } from "./_ui.js";

const PAD = { left: 52, right: 12, top: 10, bottom: 34 };

// The page's colours: text from Material's variable, lines from Okabe-Ito (lighter blue on dark).
export function palette(root) {
  const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  return { fg, dark, blue: dark ? "#3D9BE0" : "#0072B2", vermillion: "#D55E00", grey: dark ? "#bbbbbb" : "#777777" };
}

const tick = (v) => (v >= 1000 ? v.toExponential(0).replace("e+", "e") : Number(v.toPrecision(2)).toString());

// Lines on a log-loss axis: series = [{points: [[x, y|null], ...], colour, dash, width}]; a
// missing or non-finite y breaks the line (a diverged run's last step is not drawn).
export function drawCurves(canvas, { series, xMax, xLabel, yLabel, fg }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
  let lo = ys.length ? Math.min(...ys) : 0.01;
  let hi = ys.length ? Math.max(...ys) : 1;
  lo = 10 ** Math.floor(Math.log10(lo));
  hi = 10 ** Math.ceil(Math.log10(hi));
  if (hi <= lo) hi = lo * 10;
  const span = Math.log10(hi) - Math.log10(lo);
  const x = (v) => PAD.left + (v / (xMax || 1)) * w;
  const y = (v) => PAD.top + h - ((Math.log10(v) - Math.log10(lo)) / span) * h;
  ctx.font = "12px sans-serif";
  ctx.fillStyle = fg;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  const every = Math.max(1, Math.ceil(span / 5));
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e += every) {
    const v = 10 ** e;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(PAD.left + w, y(v));
    ctx.stroke();
    ctx.fillText(tick(v), PAD.left - 4, y(v) + 4);
  }
  ctx.textAlign = "left";
  ctx.fillText("0", PAD.left, PAD.top + h + 14);
  ctx.textAlign = "right";
  ctx.fillText(Number(xMax).toLocaleString("en-US"), PAD.left + w, PAD.top + h + 14);
  ctx.textAlign = "center";
  ctx.fillText(xLabel, PAD.left + w / 2, height - 4);
  ctx.save();
  ctx.translate(12, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 2, w, h + 4);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = s.width || 2;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    let pen = false;
    for (const [px, py] of s.points) {
      if (!(Number.isFinite(py) && py > 0)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(x(px), y(py));
      else ctx.moveTo(x(px), y(py));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.restore();
}

export const fixed = (v, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? "not a number" : v.toPrecision(digits));
export const count = (n) => Number(n).toLocaleString("en-US");

export default async function mount(root, api) {
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { fields, outcomes } = first.result;
  const opts = api.options;
  const typed = (name) => field(fields[name], name, opts[name] ?? fields[name].default);
  root.append(html`
    <div class="gde-row gde-actions gde-gd__controls">
      <button type="button" class="md-button md-button--primary" data-action="train" aria-pressed="false">Train</button>
      <span class="gde-gd__presets" role="group" aria-label="learning rate presets">
        <button type="button" class="md-button" data-lr="0.001">too low: 0.001</button>
        <button type="button" class="md-button" data-lr="0.1">right: 0.1</button>
        <button type="button" class="md-button" data-lr="0.3">too high: 0.3</button>
      </span>
    </div>
    <div class="gde-row gde-gd__fields">${typed("lr")} ${typed("batch_size")} ${typed("steps")} ${typed("seed")}</div>
    <p class="gde-gd__readout">step <output data-role="step">0</output>
      · training loss <output data-role="loss">–</output>
      · test loss <output data-role="test_loss">–</output>
      · epochs <output data-role="epoch">0</output></p>
    <figure class="gde-gd__figure">
      <canvas class="gde-gd__chart" role="img" aria-label="Training and test loss against the steps (log scale)"></canvas>
      <figcaption><span class="gde-gd__key gde-gd__key--train"></span> training loss
        · <span class="gde-gd__key gde-gd__key--test"></span> test loss (held-out examples) · log scale</figcaption>
    </figure>
    <p class="gde-gd__note" data-role="note" aria-live="polite"></p>
    <p class="gde-message" aria-live="polite"></p>
  `);
  const $ = (s) => root.querySelector(s);
  const inputs = Object.fromEntries(["lr", "batch_size", "steps", "seed"].map((n) => [n, $(`[name="${n}"]`)]));
  const button = $('[data-action="train"]');
  const canvas = $(".gde-gd__chart");
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = { frames: [], steps: Number(fields.steps.default), run: null, queued: false };

  function draw() {
    state.queued = false;
    const { fg, blue, vermillion } = palette(root);
    drawCurves(canvas, {
      series: [
        { points: state.frames.map((f) => [f.step, f.test_loss]), colour: vermillion, dash: [6, 3] },
        { points: state.frames.map((f) => [f.step, f.loss]), colour: blue },
      ],
      xMax: state.steps, xLabel: "step", yLabel: "loss (MSE)", fg,
    });
    const last = state.frames[state.frames.length - 1];
    if (!last) return;
    for (const key of ["loss", "test_loss"]) {
      const out = $(`[data-role="${key}"]`);
      out.value = fixed(last[key]);
      out.dataset.value = last[key] === null ? "" : String(last[key]);
    }
    $('[data-role="step"]').value = count(last.step);
    $('[data-role="step"]').dataset.value = String(last.step);
    $('[data-role="epoch"]').value = Number(last.epoch.toPrecision(3)).toString();
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };
  const settings = () => Object.fromEntries(Object.entries(inputs).map(([n, el]) => [n, el.value]));

  async function stop() {
    if (state.run) {
      const run = state.run;
      run.cancel();
      await run.done;
    }
  }

  async function train() {
    if (state.run) return stop();
    clearErrors();
    message("");
    $('[data-role="note"]').textContent = "";
    const checked = await api.call("check", settings());
    if (!checked.ok) {
      showError(checked.error);
      return;
    }
    state.frames = [];
    state.steps = checked.result.steps;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    button.textContent = "Stop";
    button.setAttribute("aria-pressed", "true");
    api.setState("running");
    let failed = null;
    let end = null;
    const run = api.stream("train", settings(), {
      chunkFrames: still ? 100_000 : Math.max(2, Math.ceil(state.steps / 120)),
      intervalMs: still ? 0 : 16,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        for (const f of frames) {
          state.frames.push(f);
          if (f.note) {
            $('[data-role="note"]').textContent = f.note;
            message(f.note, "warning");
          }
          if (f.done) end = f;
        }
        if (!still || end) schedule();
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    if (failed) showError(failed);
    else if (end) message(end.message, outcomes[end.outcome] || "info");
    else if (outcome.cancelled) {
      const last = state.frames[state.frames.length - 1];
      message(`Stopped by you at step ${count(last ? last.step : 0)}. Press Train to start again.`);
    }
    schedule();
    button.textContent = "Train";
    button.setAttribute("aria-pressed", "false");
    if (!state.run) api.setState("ready");
  }

  button.addEventListener("click", train);
  // "Run with my code" (the Python panel): the run starts afresh with the reader's function
  api.setRerun(async () => {
    await stop();
    await train();
  });
  root.querySelectorAll("[data-lr]").forEach((preset) =>
    // a preset only sets the rate (Train runs it): a run is started and stopped by Train alone
    preset.addEventListener("click", () => {
      inputs.lr.value = preset.dataset.lr;
      inputs.lr.dispatchEvent(new Event("input", { bubbles: true }));
      message(`Learning rate set to ${preset.dataset.lr}: press Train.`);
    }),
  );
  // a changed setting is checked at once, so a bad value is explained beside its field
  for (const [name, input] of Object.entries(inputs)) {
    input.addEventListener("input", async () => {
      const answer = await api.call("check", settings());
      if (!answer.ok && answer.error.arg === fields[name].label) showError(answer.error);
    });
  }
  clearOnInput(Object.values(inputs));
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });
  draw();
}
