// Demo "evolution-wins": a binary-step network on the XOR of signs. Gradient descent and local
// search start from the same network and run side by side; each panel shows the data and the
// network's answer (0 or 1) over the square. Every number and every choice comes from
// explainer_core.demos.evolution_wins in the worker (setup, race); this file only draws.

import { feedback, field, html, prepareCanvas } from "./_ui.js";

// Okabe-Ito: label 1 orange circles, label 0 sky-blue squares; methods blue (solid) and
// vermillion (dashed) in the error chart.
const CLASS = [
  { colour: [86, 180, 233], marker: "square" },
  { colour: [230, 159, 0], marker: "circle" },
];
const LINES = { gd: { colour: "#0072B2", dark: "#3D9BE0", dash: [] }, evolution: { colour: "#D55E00", dark: "#D55E00", dash: [6, 4] } };
const NAMES = ["gd", "evolution"];
const PAD = { left: 44, right: 12, top: 8, bottom: 30 };
const FIELD_NAMES = ["generations", "sigma", "population", "lr", "seed"];

function mapImage(cells, n) {
  const image = new ImageData(n, n);
  cells.forEach((value, k) => {
    const [r, g, b] = CLASS[value].colour;
    image.data.set([r, g, b, 95], k * 4);
  });
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function drawMap(canvas, { image, points, outline }) {
  const { ctx, width, height } = prepareCanvas(canvas, 280, 280);
  const size = Math.min(width, height);
  const s = (v) => ((v + 1) / 2) * size;
  ctx.imageSmoothingEnabled = false;
  if (image) ctx.drawImage(image, 0, 0, size, size);
  ctx.lineWidth = 1;
  ctx.strokeStyle = outline;
  const r = Math.max(2.2, Math.min(3.4, size / 100));
  points.x.forEach((x, k) => {
    const { colour, marker } = CLASS[points.label[k]];
    ctx.fillStyle = `rgb(${colour.join(",")})`;
    const px = s(x);
    const py = size - s(points.y[k]);
    ctx.beginPath();
    if (marker === "square") ctx.rect(px - r * 0.85, py - r * 0.85, 1.7 * r, 1.7 * r);
    else ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  });
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
}

function drawChart(canvas, { history, generations, fg, dark }) {
  const { ctx, width, height } = prepareCanvas(canvas, 300, 150);
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const x = (g) => PAD.left + (g / Math.max(1, generations)) * w;
  const highest = Math.max(0, ...NAMES.flatMap((name) => history[name].map((row) => row[1])));
  const top = Math.max(0.6, Math.ceil(highest * 5) / 5);
  const ticks = Array.from({ length: Math.round(top / 0.2) + 1 }, (_, k) => k * 0.2);
  const y = (v) => PAD.top + (1 - v / top) * h;
  ctx.font = "11px Roboto, Helvetica, Arial, sans-serif";
  ctx.fillStyle = fg;
  ctx.strokeStyle = fg;
  ctx.globalAlpha = 0.35;
  ctx.lineWidth = 1;
  for (const v of ticks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(PAD.left + w, y(v));
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of ticks) ctx.fillText(`${Math.round(v * 100)}%`, PAD.left - 4, y(v));
  ctx.textAlign = "center";
  ctx.textBaseline = "alphabetic";
  ctx.fillText("0", x(0), height - 16);
  ctx.fillText(Number(generations).toLocaleString("en-US"), x(generations) - 10, height - 16);
  ctx.fillText("generation", PAD.left + w / 2, height - 3);
  ctx.save();
  ctx.translate(11, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText("error", 0, 0);
  ctx.restore();
  for (const name of NAMES) {
    const rows = history[name];
    if (!rows.length) continue;
    ctx.strokeStyle = dark ? LINES[name].dark : LINES[name].colour;
    ctx.lineWidth = 2;
    ctx.setLineDash(LINES[name].dash);
    ctx.beginPath();
    rows.forEach(([g, v], k) => (k ? ctx.lineTo(x(g), y(v)) : ctx.moveTo(x(g), y(v))));
    ctx.stroke();
    if (rows.length === 1) {
      // the start alone: a dot where both methods begin
      ctx.fillStyle = ctx.strokeStyle;
      ctx.beginPath();
      ctx.arc(x(rows[0][0]) + 3, y(rows[0][1]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.setLineDash([]);
}

const count = (n) => Number(n).toLocaleString("en-US");
const percent = (v) => (v === null || v === undefined ? "–" : `${(100 * v).toFixed(1)}%`);
const short = (v) => (v === null || v === undefined ? "–" : v === 0 ? "0" : v.toPrecision(3));

export default async function mount(root, api) {
  const opts = api.options;
  const initial = Object.fromEntries(FIELD_NAMES.filter((n) => opts[n] !== undefined).map((n) => [n, String(opts[n])]));
  const first = await api.call("setup", initial);
  if (!first.ok) throw new Error(first.error.message);
  const { fields, outcomes, methods } = first.result;
  const label = Object.fromEntries(methods);
  const typed = (name) => field(fields[name], name, initial[name] ?? fields[name].default);
  const panel = (name) => `
    <figure class="gde-ew__panel">
      <figcaption><span class="gde-ew__key gde-ew__key--${name}"></span> ${label[name]}</figcaption>
      <canvas class="gde-ew__map" data-map="${name}" role="img"
        aria-label="${label[name]}: the data and the network's answer over the square"></canvas>
      <p class="gde-ew__readout">error <output data-role="${name}-error"></output>
        · gradient norm <output data-role="${name}-grad"></output><br>
        moved from the start <output data-role="${name}-moved"></output>${name === "evolution" ? `
        · improving generations <output data-role="evolution-improvements">0</output>` : ""}</p>
    </figure>`;
  root.append(html`
    <div class="gde-row gde-actions gde-ew__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Run both methods; press again to stop (Play goes on from there)">Play</button>
      <button type="button" class="md-button" data-action="step" aria-pressed="false"
        title="Run ${first.result.step_size} generations; press again to stop">Step</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
    </div>
    <div class="gde-row gde-ew__fields">${FIELD_NAMES.map(typed).join(" ")}</div>
    <p class="gde-ew__counter"><output data-role="counter">generation 0 of ${count(first.result.generations)}</output></p>
    <div class="gde-ew__panels">${panel("gd")}${panel("evolution")}</div>
    <p class="gde-ew__legend">Points: the data, <span class="gde-ew__swatch gde-ew__swatch--one" aria-hidden="true"></span>
      label 1 (x₁x₂ &gt; 0, circles), <span class="gde-ew__swatch gde-ew__swatch--zero" aria-hidden="true"></span>
      label 0 (squares). Background: the network's answer there, in the same colours.</p>
    <figure class="gde-ew__chart-box"><canvas class="gde-ew__chart" data-chart-of="error" role="img"
      aria-label="Error of both methods against the generations"></canvas>
      <figcaption>error (share of the points wrong) · <span class="gde-ew__key gde-ew__key--gd"></span> gradient descent
        · <span class="gde-ew__key gde-ew__key--evolution"></span> local search</figcaption></figure>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (selector) => root.querySelector(selector);
  const inputs = Object.fromEntries(FIELD_NAMES.map((n) => [n, $(`[name="${n}"]`)]));
  const maps = Object.fromEntries(NAMES.map((n) => [n, $(`[data-map="${n}"]`)]));
  const chart = $('[data-chart-of="error"]');
  const playButton = $('[data-action="play"]');
  const stepButton = $('[data-action="step"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = { setup: null, step: 0, generations: first.result.generations, methods: null, images: {}, history: {}, run: null, latest: 0, queued: false };

  const dark = () => document.body.getAttribute("data-md-color-scheme") === "slate";
  function draw() {
    state.queued = false;
    $('[data-role="counter"]').value = `generation ${count(state.step)} of ${count(state.generations)}`;
    for (const name of NAMES) {
      const s = state.methods[name];
      const put = (role, text, value) => {
        const el = $(`[data-role="${name}-${role}"]`);
        el.value = text;
        el.dataset.value = value;
      };
      put("error", percent(s.error), s.error);
      put("grad", short(s.grad_norm), s.grad_norm);
      put("moved", short(s.moved), s.moved);
      if (name === "evolution") put("improvements", count(s.improvements), s.improvements);
    }
    const outline = dark() ? "rgba(0,0,0,0.85)" : "rgba(0,0,0,0.7)";
    for (const name of NAMES) drawMap(maps[name], { image: state.images[name], points: state.setup.points, outline });
    const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    drawChart(chart, { history: state.history, generations: state.generations, fg, dark: dark() });
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };
  const settings = () => Object.fromEntries(FIELD_NAMES.map((n) => [n, inputs[n].value]));

  function adopt(result) {
    const start = result.start;
    state.setup = result;
    state.generations = result.generations;
    state.step = 0;
    state.methods = start.methods;
    state.history = Object.fromEntries(NAMES.map((n) => [n, [[0, start.methods[n].error]]]));
    state.images = Object.fromEntries(NAMES.map((n) => [n, mapImage(start.regions[n], result.grid)]));
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
      state.generations = f.generations;
      for (const n of NAMES) state.history[n].push([f.step, f.methods[n].error]);
      if (f.regions) for (const n of NAMES) state.images[n] = mapImage(f.regions[n], state.setup.grid);
    }
    if (!last) return;
    if (last.done) {
      message(last.reason, outcomes[last.outcome] || "info");
      $('[data-role="announce"]').textContent = last.reason;
    }
    if (!still || last.done) schedule();
  }

  // Play (to the end) or Step (a few generations): both go on from where the demo is.
  async function run(stepOnly) {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chosen = settings();
    const total = Number(chosen.generations);
    if (!(state.step < total) || state.step >= state.generations || state.step === 0) {
      if (!(await reset())) return;
    }
    const resume = state.step;
    const args = { ...chosen, start: resume, ...(still ? { regions_ms: 1e6 } : {}) };
    if (stepOnly) args.stop = Math.min(state.generations, resume + state.setup.step_size);
    // the button that started the run reads Stop; the other waits
    const [starter, other] = stepOnly ? [stepButton, playButton] : [playButton, stepButton];
    const label = starter.textContent;
    starter.textContent = "Stop";
    starter.setAttribute("aria-pressed", "true");
    other.disabled = true;
    api.setState("running");
    const t0 = performance.now();
    let failed = null;
    const stream = api.stream("race", args, {
      chunkFrames: 100_000,
      intervalMs: 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => onFrames(frames, still),
    });
    state.run = stream;
    const outcome = await stream.done;
    if (state.run === stream) state.run = null;
    root.dataset.runMs = String(Math.round(performance.now() - t0));
    if (failed) showError(failed);
    else if (outcome.cancelled) {
      message(`Stopped by you at generation ${count(state.step)}: press Play to go on, or Reset.`);
      schedule();
    }
    starter.textContent = label;
    starter.setAttribute("aria-pressed", "false");
    other.disabled = false;
    if (!state.run) api.setState("ready");
  }

  async function restart() {
    await stop();
    clearErrors();
    message("");
    await reset();
    root.dispatchEvent(new CustomEvent("gde:updated"));
  }

  playButton.addEventListener("click", () => run(false));
  stepButton.addEventListener("click", () => run(true));
  $('[data-action="reset"]').addEventListener("click", restart);
  for (const name of FIELD_NAMES) inputs[name].addEventListener("input", restart);
  clearOnInput(Object.values(inputs));
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });

  adopt(first.result);
  draw();
}
