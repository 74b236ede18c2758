// Demo "images": evolution, SGD and Adam paint the same picture from the same start, side by side,
// each until it has spent the same compute. Each panel shows the network's picture beside the
// target, with its loss under it; two charts give the loss against compute (image passes) and
// against steps. Every number and every choice comes from explainer_core.demos.images in the
// worker (setup, race, ending); this file draws, and decodes the reader's own picture (it never
// leaves the page).
//
// Each method runs in a Python worker of its own (a "lane": evolution and SGD get one each, Adam
// runs in the site's shared worker), so the three use the machine's cores side by side instead of
// taking turns on one (on two cores, 32 x 32: Adam 39 steps/s and evolution 6.2 rounds/s, against
// 26 and 4.0 with the three in one worker; benchmarks/bench_images.py). Each method's noise has
// its own stream of the seed: its numbers are the same either way.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized } from "./_ui.js";

const METHODS = {
  evolution: { colour: "#D55E00", dark: "#F07A2E", dash: [7, 4], key: "gde-im__key--evolution" },
  sgd: { colour: "#9A6A00", dark: "#E69F00", dash: [2, 3], key: "gde-im__key--sgd" },
  adam: { colour: "#0072B2", dark: "#3D9BE0", dash: [], key: "gde-im__key--adam" },
};
const NAMES = ["evolution", "sgd", "adam"];
const LANES = { evolution: "images-evolution", sgd: "images-sgd", adam: undefined }; // undefined: the shared worker
// (benchmarks/bench_images.py sets data-lanes="on" or "off" on the demo to measure both ways)
const useLanes = (root) => root.dataset.lanes !== "off";
const PAD = { left: 46, right: 12, top: 8, bottom: 30 };
const TYPED = ["width", "depth", "children", "sigma", "sgd_lr", "batch", "adam_lr", "budget", "seed"];

const count = (n) => Number(n).toLocaleString("en-US");
const fixed = (v) => (v === null || v === undefined ? "diverged" : v.toFixed(4));

const prepareCanvas = (canvas) => prepareCanvasSized(canvas, 300, 150);

// Grey levels 0..255 (rows from the top) as an n×n canvas.
function greyImage(levels, n) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  if (!levels) return null;
  const image = new ImageData(n, n);
  for (let k = 0; k < levels.length; k++) image.data.set([levels[k], levels[k], levels[k], 255], 4 * k);
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

function drawPicture(canvas, image, outline, note) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const size = Math.min(width, height);
  ctx.imageSmoothingEnabled = false;
  if (image) ctx.drawImage(image, 0, 0, size, size);
  else {
    ctx.fillStyle = "rgba(128,128,128,0.25)";
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = outline;
    ctx.font = "12px sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(note || "", size / 2, size / 2);
  }
  ctx.strokeStyle = outline;
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
}

// Loss (log scale) of the three methods against x (compute, linear; or steps, log scale).
function drawChart(canvas, { history, column, xmax, logx, xlabel, colour, lines }) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const values = NAMES.flatMap((n) => history[n].map((r) => r[2]).filter((v) => v !== null && v > 0));
  if (!values.length) return;
  let lo = Math.floor(Math.log10(Math.min(...values)));
  let hi = Math.ceil(Math.log10(Math.max(...values)));
  if (hi <= lo) hi = lo + 1;
  const x0 = logx ? 0 : 0;
  const x1 = logx ? Math.log10(Math.max(10, xmax)) : Math.max(1, xmax);
  const fx = (v) => PAD.left + ((logx ? Math.log10(Math.max(1, v)) : v) - x0) / (x1 - x0) * w;
  const fy = (v) => PAD.top + h - ((Math.log10(v) - lo) / (hi - lo)) * h;
  ctx.font = "11px sans-serif";
  ctx.fillStyle = colour;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  for (let e = lo; e <= hi; e++) {
    const y = fy(10 ** e);
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + w, y);
    ctx.stroke();
    ctx.fillText(e >= -3 ? String(10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)) : `1e${e}`, PAD.left - 4, y + 4);
  }
  ctx.textAlign = "left";
  ctx.fillText(logx ? "1" : "0", PAD.left, PAD.top + h + 13);
  ctx.textAlign = "right";
  ctx.fillText(count(Math.round(xmax)), PAD.left + w, PAD.top + h + 13);
  ctx.textAlign = "center";
  ctx.fillText(xlabel, PAD.left + w / 2, height - 3);
  ctx.save();
  ctx.translate(11, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText("loss (MSE, log)", 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 2, w, h + 4);
  ctx.clip();
  for (const name of NAMES) {
    // on the log axis of steps the start (step 0) is drawn at its left edge, step 1
    const rows = history[name].filter((r) => r[2] !== null && r[2] > 0);
    if (!rows.length) continue;
    ctx.strokeStyle = lines[name];
    ctx.lineWidth = 2;
    ctx.setLineDash(METHODS[name].dash);
    ctx.beginPath();
    rows.forEach((r, k) => (k ? ctx.lineTo(fx(r[column]), fy(r[2])) : ctx.moveTo(fx(r[column]), fy(r[2]))));
    ctx.stroke();
  }
  ctx.restore();
}

// The reader's file: checked, decoded, cropped to its centre square and kept at most 256×256.
export async function decode(file, limits) {
  if (!file) return { error: "no file was chosen" };
  if (file.size > limits.file_bytes) {
    return { error: `this file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${limits.file_bytes / 1048576} MB` };
  }
  if (file.size === 0) return { error: "this file is empty" };
  if (file.type && !file.type.startsWith("image/")) return { error: `this file is not an image (it is ${file.type.slice(0, 40)})` };
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { error: "this file could not be read as an image (not an image, or damaged)" };
  }
  const { width, height } = bitmap;
  if (!(width >= 1 && height >= 1) || width > limits.side || height > limits.side) {
    bitmap.close?.();
    return { error: `this image is ${width} × ${height} pixels; a side must be from 1 to ${count(limits.side)}` };
  }
  const side = Math.min(width, height);
  const keep = Math.min(256, side);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = keep;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff"; // transparent parts count as white
  ctx.fillRect(0, 0, keep, keep);
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, (width - side) / 2, (height - side) / 2, side, side, 0, 0, keep, keep);
  bitmap.close?.();
  return { canvas };
}

// The kept square at n×n, as grey levels 0..255 (ITU-R BT.601 luma).
export function greyLevels(source, n) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(source, 0, 0, n, n);
  const data = ctx.getImageData(0, 0, n, n).data;
  const out = new Array(n * n);
  for (let k = 0; k < n * n; k++) out[k] = Math.round(0.299 * data[4 * k] + 0.587 * data[4 * k + 1] + 0.114 * data[4 * k + 2]);
  return out;
}

export default async function mount(root, api) {
  const opts = api.options;
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { choices, fields, outcomes, methods, limits } = first.result;
  const label = Object.fromEntries(methods);
  const typed = (name) => field(fields[name], name, opts[name] ?? fields[name].default);
  const panel = (name) => `
    <figure class="gde-im__panel" data-panel="${name}">
      <figcaption><span class="gde-im__key ${METHODS[name].key}"></span> ${label[name]}</figcaption>
      <div class="gde-im__pair">
        <canvas class="gde-im__picture" data-picture="${name}" role="img" aria-label="What the network trained by ${label[name]} draws"></canvas>
        <canvas class="gde-im__picture gde-im__picture--target" data-target="${name}" role="img" aria-label="The target"></canvas>
      </div>
      <p class="gde-im__readout">loss <output data-role="${name}-loss"></output><br>
        step <output data-role="${name}-step">0</output> · <output data-role="${name}-compute">0</output> image passes</p>
      <p class="gde-im__note" data-role="${name}-note" aria-live="polite"></p>
    </figure>`;
  root.append(html`
    <div class="gde-row gde-actions gde-im__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Race the three methods; press again to stop (Play goes on from there)">Play</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <label class="gde-field"><span>picture</span><select name="picture">${options(choices.picture, opts.picture || "smiley")}</select></label>
      <label class="gde-field"><span>resolution</span><select name="size">${options(choices.size, opts.size || String(first.result.size))}</select></label>
      <label class="gde-field gde-im__file"><span>your picture</span>
        <input type="file" accept="image/*" data-role="file" aria-describedby="gde-im-file-error">
        <span class="gde-field-error" id="gde-im-file-error" data-error-for="your picture" aria-live="polite"></span>
        <span class="gde-field-hint">or drop an image on the demo; it is decoded here and never leaves your machine</span></label>
    </div>
    <div class="gde-row gde-im__fields">
      ${typed("width")} ${typed("depth")}
      <label class="gde-field"><span>activation</span><select name="activation">${options(choices.activation, opts.activation || "tanh")}</select></label>
      <p class="gde-im__count">parameters: <output data-role="parameters">${count(first.result.parameters)}</output></p>
    </div>
    <div class="gde-row gde-im__fields">
      <fieldset class="gde-im__group"><legend>Evolution</legend>${typed("children")} ${typed("sigma")}</fieldset>
      <fieldset class="gde-im__group"><legend>SGD</legend>${typed("sgd_lr")} ${typed("batch")}</fieldset>
      <fieldset class="gde-im__group"><legend>Adam</legend>${typed("adam_lr")}</fieldset>
      <fieldset class="gde-im__group"><legend>Race</legend>
        <label class="gde-field"><span>mode</span><select name="mode">${options(choices.mode, opts.mode || "compute")}</select></label>
        ${typed("budget")} ${typed("seed")}</fieldset>
    </div>
    <p class="gde-im__counter"><output data-role="counter"></output></p>
    <div class="gde-im__panels">${NAMES.map(panel).join("")}</div>
    <div class="gde-im__charts">
      <figure><canvas class="gde-im__chart" data-chart-of="compute" role="img" aria-label="Loss of the three methods against compute"></canvas>
        <figcaption>loss against compute (image passes; a backward pass counts as two)</figcaption></figure>
      <figure><canvas class="gde-im__chart" data-chart-of="steps" role="img" aria-label="Loss of the three methods against steps"></canvas>
        <figcaption>loss against steps (evolution: rounds), log scale ·
          <span class="gde-im__key gde-im__key--evolution"></span> evolution
          <span class="gde-im__key gde-im__key--sgd"></span> SGD
          <span class="gde-im__key gde-im__key--adam"></span> Adam</figcaption></figure>
    </div>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (s) => root.querySelector(s);
  const inputs = Object.fromEntries([...TYPED, "picture", "size", "activation", "mode"].map((n) => [n, $(`[name="${n}"]`)]));
  const fileInput = $('[data-role="file"]');
  const playButton = $('[data-action="play"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = {
    setup: null, budget: first.result.budget, methods: null, images: {}, target: null,
    history: {}, run: null, latest: 0, queued: false, redraws: 0, newImages: new Set(), source: null, notes: {},
    done: {}, panelRedraws: {}, level: {},
  };

  const colours = () => {
    const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    const lines = Object.fromEntries(NAMES.map((n) => [n, dark ? METHODS[n].dark : METHODS[n].colour]));
    return { fg, lines, outline: dark ? "rgba(255,255,255,0.5)" : "rgba(0,0,0,0.6)" };
  };

  function draw() {
    state.queued = false;
    const { fg, lines, outline } = colours();
    const unit = state.mode === "steps" ? "steps" : "image passes";
    const finished = NAMES.filter((n) => state.done[n]).length;
    const going = NAMES.filter((n) => !state.done[n] && state.methods[n].diverged === null);
    const slowest = Math.min(...going.map((n) => (state.mode === "steps" ? state.methods[n].step : state.methods[n].compute)));
    $('[data-role="counter"]').value = `budget ${count(state.budget)} ${unit} for each method`
      + (state.mode === "steps" ? " (same steps)" : " (same compute)")
      + ` · ${finished} of 3 finished`
      + (going.length && finished ? ` · the slowest still running is at ${count(Math.round(slowest))}` : "");
    for (const name of NAMES) {
      const s = state.methods[name];
      const loss = $(`[data-role="${name}-loss"]`);
      loss.value = fixed(s.loss);
      loss.dataset.value = s.loss === null ? "inf" : String(s.loss);
      const step = $(`[data-role="${name}-step"]`);
      step.value = count(s.step);
      step.dataset.value = String(s.step);
      $(`[data-role="${name}-compute"]`).value = count(Math.round(s.compute));
      $(`[data-role="${name}-note"]`).textContent = state.notes[name] || "";
      drawPicture($(`[data-picture="${name}"]`), state.images[name], outline, "diverged");
      drawPicture($(`[data-target="${name}"]`), state.target, outline);
    }
    const steps = Math.max(...NAMES.map((n) => state.methods[n].step), 10);
    drawChart($('[data-chart-of="compute"]'), { history: state.history, column: 0, xmax: state.budget, logx: false, xlabel: "image passes", colour: fg, lines });
    drawChart($('[data-chart-of="steps"]'), { history: state.history, column: 1, xmax: steps, logx: true, xlabel: "steps (log)", colour: fg, lines });
    if (state.newImages.size) {
      // new pictures from a run on screen (benchmarks read data-redraws, and each panel's count)
      state.redraws += 1;
      root.dataset.redraws = String(state.redraws);
      for (const m of state.newImages) {
        state.panelRedraws[m] = (state.panelRedraws[m] || 0) + 1;
        root.querySelector(`[data-panel="${m}"]`).dataset.redraws = String(state.panelRedraws[m]);
      }
    }
    state.newImages.clear();
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };

  const settings = () => {
    const out = Object.fromEntries(TYPED.map((n) => [n, inputs[n].value]));
    out.picture = inputs.picture.value;
    out.size = inputs.size.value;
    out.activation = inputs.activation.value;
    out.mode = inputs.mode.value;
    if (out.picture === "yours") out.pixels = state.source ? greyLevels(state.source, Number(out.size)) : null;
    return out;
  };
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));

  function adopt(result) {
    const n = result.size;
    state.setup = result;
    state.budget = result.budget;
    state.mode = inputs.mode.value;
    state.methods = result.start.methods;
    state.done = {};
    state.level = {};
    state.notes = {};
    state.history = Object.fromEntries(NAMES.map((m) => [m, [[0, 0, result.start.methods[m].loss]]]));
    state.images = Object.fromEntries(NAMES.map((m) => [m, greyImage(result.start.images[m], n)]));
    state.target = greyImage(result.target, n);
    $('[data-role="parameters"]').value = count(result.parameters);
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

  // Frames of a run of the methods `ms` (all three in one worker, or one in its own).
  function onFrames(ms, frames, still) {
    let last = null;
    for (const f of frames) {
      if (f.catch_up) continue;
      last = f;
      state.budget = f.budget;
      for (const m of ms) {
        const s = f.methods[m];
        state.methods = { ...state.methods, [m]: s };
        state.level[m] = f.compute; // where a run resumed later starts (compute, or steps)
        const rows = state.history[m];
        const prev = rows[rows.length - 1];
        if (!prev || prev[0] !== s.compute) rows.push([s.compute, s.step, s.loss]);
        if (f.notes?.[m]) {
          state.notes[m] = f.notes[m];
          $('[data-role="announce"]').textContent = f.notes[m];
        }
        if (f.images) {
          state.images[m] = greyImage(f.images[m], state.setup.size);
          state.newImages.add(m);
        }
        if (f.done) state.done[m] = true;
      }
    }
    if (last && (!still || last.done)) schedule();
  }

  const spent = () => NAMES.map((n) => `${label[n].split(" (")[0]} ${count(Math.round(state.mode === "steps" ? state.methods[n].step : state.methods[n].compute))}`).join(", ");

  async function play() {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chosen = settings();
    // a new race (from the start, a finished one, or a new budget): the settings checked first
    const started = NAMES.some((n) => state.methods[n].step > 0);
    if (!started || NAMES.every((n) => state.done[n]) || Number(chosen.budget) !== state.budget) {
      if (!(await reset())) return;
    }
    const resume = Object.fromEntries(NAMES.map((n) => [n, state.level[n] || 0]));
    playButton.textContent = "Stop";
    playButton.setAttribute("aria-pressed", "true");
    api.setState("running");
    if (NAMES.some((n) => resume[n] > 0)) message(`Going on from ${spent()} ${state.mode === "steps" ? "steps" : "image passes"}: the race so far is replayed (same seed, same run).`);
    state.redraws = 0;
    state.panelRedraws = {};
    const t0 = performance.now();
    let failed = null;
    const left = NAMES.filter((m) => !state.done[m]);
    // one run per method in its own worker, or the three in lockstep in the shared one
    const groups = useLanes(root) ? left.map((m) => [m]) : [left];
    const runs = groups.map((ms) => api.stream(
      "race",
      { ...chosen, methods: ms, start: Math.min(...ms.map((m) => resume[m])), ...(still ? { images_ms: 1e6 } : {}) },
      {
        lane: ms.length === 1 ? LANES[ms[0]] : undefined,
        chunkFrames: 100_000,
        intervalMs: 0,
        onError: (error) => (failed ??= error),
        onFrames: (frames) => {
          if (ms.some((m) => resume[m] > 0) && frames.some((f) => !f.catch_up)) message("");
          onFrames(ms, frames, still);
        },
      },
    ));
    const run = { cancel: () => runs.forEach((r) => r.cancel()), done: Promise.all(runs.map((r) => r.done)) };
    state.run = run;
    const results = await run.done;
    if (state.run === run) state.run = null;
    root.dataset.runMs = String(Math.round(performance.now() - t0));
    root.dataset.redraws = String(state.redraws);
    if (failed) showError(failed);
    else if (results.some((o) => o.cancelled)) {
      message(`Stopped by you at ${spent()} ${state.mode === "steps" ? "steps" : "image passes"}: press Play to go on, or Reset.`);
      schedule();
    } else if (NAMES.every((n) => state.done[n])) {
      await finish(chosen);
    }
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
    if (!state.run) api.setState("ready");
  }

  // The race's last sentence, from the three methods' final states (computed in Python).
  async function finish(chosen) {
    const answer = await api.call("ending", { ...chosen, states: state.methods });
    if (!answer.ok) return showError(answer.error);
    const { outcome, reason } = answer.result;
    message(reason, outcomes[outcome] || "info");
    $('[data-role="announce"]').textContent = reason;
    schedule();
  }

  // Boot the two extra workers while the reader reads, so that Play starts the three at once.
  const warm = setTimeout(() => {
    if (useLanes(root)) for (const m of NAMES) if (LANES[m]) api.call("setup", {}, { lane: LANES[m] });
  }, 1000);
  api.signal.addEventListener("abort", () => clearTimeout(warm), { once: true });

  async function restart() {
    await stop();
    clearErrors();
    message("");
    await reset();
    updated();
  }

  function fileError(text) {
    const slot = $('[data-error-for="your picture"]');
    slot.textContent = text;
    fileInput.setAttribute("aria-invalid", "true");
  }

  async function takeFile(file) {
    const slot = $('[data-error-for="your picture"]');
    slot.textContent = "";
    fileInput.removeAttribute("aria-invalid");
    const decoded = await decode(file, limits);
    if (decoded.error) {
      fileError(`${decoded.error}; the previous target is kept.`);
      return;
    }
    const before = state.source;
    const previous = inputs.picture.value;
    state.source = decoded.canvas;
    if (![...inputs.picture.options].some((o) => o.value === choices.yours[0])) {
      inputs.picture.insertAdjacentHTML("beforeend", options([choices.yours], ""));
    }
    inputs.picture.value = choices.yours[0];
    await stop();
    if (!(await reset())) {
      state.source = before;
      inputs.picture.value = previous;
      await reset();
      return;
    }
    message("Your picture is the target now (decoded in this page; it was not sent anywhere).");
    updated();
  }

  playButton.addEventListener("click", play);
  $('[data-action="reset"]').addEventListener("click", restart);
  for (const name of ["picture", "size", "activation", "mode"]) inputs[name].addEventListener("change", restart);
  for (const name of TYPED) inputs[name].addEventListener("input", () => { if (!state.run) restart(); });
  clearOnInput(TYPED.map((n) => inputs[n]));
  fileInput.addEventListener("change", () => takeFile(fileInput.files[0]));
  root.addEventListener("dragover", (event) => event.preventDefault());
  root.addEventListener("drop", (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (file) takeFile(file);
  });
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });

  // the link's settings (the runtime restores them with change events); the defaults meanwhile
  adopt(first.result);
  if (TYPED.some((n) => inputs[n].value !== fields[n].default) || inputs.picture.value !== "smiley"
      || inputs.size.value !== String(first.result.size) || inputs.activation.value !== "tanh"
      || inputs.mode.value !== "compute") await reset();
}
