// Demo "playground": any task, up to four methods and the reader's own racing, the whole setup in the page address.
// Every choice, default and check comes from explainer_core.demos.playground in the worker
// (setup, race, export, read_import, compare, from_demo); this file builds the controls, draws
// the loss chart and the task view, and moves files in and out.
//
// The setup lives in the address as the runtime keeps any demo's named controls
// (#playground.<name>=<value>); the reader's CSV points, too long for that, live under the key
// `playground-points`. A link from a chapter demo (#from=<slug>&<slug>.<name>=<value>...) is
// turned into the playground's own keys before the runtime restores them.

import { html, options, prepareCanvas } from "./_ui.js";
import { decode, greyLevels } from "./images.js";
import { copyAddress, hashParams, writeHash } from "../link.js";

const SLOTS = [1, 2, 3, 4, 5]; // 5: "your own", the reader's method (the Python panel)
const RUN_STYLE = {
  1: { colour: "#0072B2", dark: "#56B4E9", dash: [] },
  2: { colour: "#B35900", dark: "#E69F00", dash: [7, 4] },
  3: { colour: "#007A5A", dark: "#2FBF8F", dash: [2, 3] },
  4: { colour: "#A8457A", dark: "#E08FC0", dash: [9, 3, 2, 3] },
  5: { colour: "#5E4FA2", dark: "#A99CFF", dash: [4, 2, 1, 2] },
};
const CLASS_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999", "#000000", "#882255"];
const PAD = { left: 50, right: 12, top: 8, bottom: 32 };
const POINTS_KEY = "playground-points";
const X_CHOICES = [["steps", "steps"], ["compute", "forward passes"], ["seconds", "seconds"]];
const SCALE_CHOICES = [["log", "log"], ["linear", "linear"]];
const count = (n) => Number(n).toLocaleString("en-US");
const num = (v, digits = 4) => (v === null || v === undefined ? "—" : Number(v).toPrecision(digits));

export default async function mount(root, api) {
  // A link from a chapter demo: its settings become the playground's own keys first, so the
  // runtime's restore (after mount) applies them like any link.
  let fromText = "";
  const params = hashParams();
  if (params.has("from")) {
    const demo = params.get("from");
    const theirs = {};
    for (const [k, v] of params) if (k.startsWith(`${demo}.`)) theirs[k.slice(demo.length + 1)] = v;
    const reply = await api.call("from_demo", { demo, params: theirs });
    for (const k of [...params.keys()]) {
      if (k === "from" || k.startsWith(`${demo}.`) || k.startsWith("playground.")) params.delete(k);
    }
    if (reply.ok) {
      for (const [k, v] of Object.entries(reply.result.values)) params.set(`playground.${k}`, v);
      fromText = reply.result.text;
    } else {
      fromText = `The link's demo could not be opened here: ${reply.error.message}`;
    }
    writeHash(params);
  }

  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { defaults, choices, fields, outcomes, limits } = first.result;
  const gradient = new Set(first.result.gradient);

  const select = (name, label, arg = label, extra = "") => `
    <label class="gde-field"><span>${label}</span>
      <select name="${name}" data-label="${arg}" aria-describedby="pg-err-${name}"${extra}>${options(choices[name] || [], defaults[name])}</select>
      <span class="gde-field-error" id="pg-err-${name}" data-error-for="${arg}" aria-live="polite"></span></label>`;
  const runSelect = (slot, setting, label) => `
    <label class="gde-field" data-setting="${setting}"><span>${label}</span>
      <select name="r${slot}_${setting}" data-label="run ${slot} ${label}" aria-describedby="pg-err-r${slot}_${setting}">${options(choices[setting === "method" && slot === first.result.own_slot ? "own_method" : setting], defaults[`r${slot}_${setting}`])}</select>
      <span class="gde-field-error" id="pg-err-r${slot}_${setting}" data-error-for="run ${slot} ${label}" aria-live="polite"></span></label>`;
  const typed = (name, extraClass = "") => {
    const f = fields[name];
    const bounds = `${f.min !== undefined ? ` data-min="${f.min}"` : ""}${f.max !== undefined ? ` data-max="${f.max}"` : ""}`;
    return `<label class="gde-field ${extraClass}"${f.setting ? ` data-setting="${f.setting}"` : ""}><span>${f.short || f.label}</span>
      <input type="text" name="${name}" value="${defaults[name]}" size="7" data-label="${f.label}" aria-describedby="pg-err-${name}"${bounds}${name === "expression" ? ` maxlength="${limits.expression}"` : ' inputmode="decimal"'}>
      <span class="gde-field-error" id="pg-err-${name}" data-error-for="${f.label}" aria-live="polite"></span>
      ${f.hint ? `<span class="gde-field-hint">${f.hint}</span>` : ""}</label>`;
  };
  const runBox = (slot) => `
    <fieldset class="gde-pg__run" data-run="${slot}">
      <legend><span class="gde-pg__key" data-key="${slot}"></span> Run ${slot}${slot === first.result.own_slot ? ": your own" : ""}</legend>
      ${runSelect(slot, "method", "method")}
      ${typed(`r${slot}_lr`)}${typed(`r${slot}_momentum`)}${runSelect(slot, "nesterov", "Nesterov")}
      ${typed(`r${slot}_weight_decay`)}${runSelect(slot, "schedule", "schedule")}
      ${typed(`r${slot}_step_size`)}${typed(`r${slot}_gamma`)}${typed(`r${slot}_lr_decay`)}${typed(`r${slot}_lr_min`)}
      ${typed(`r${slot}_clip`)}${typed(`r${slot}_batch`)}
      ${typed(`r${slot}_population`)}${typed(`r${slot}_sigma`)}${typed(`r${slot}_decay`)}
      ${runSelect(slot, "mutate", "mutate")}${typed(`r${slot}_fraction`)}${typed(`r${slot}_parents`)}
      ${runSelect(slot, "es_optimizer", "ES steps")}${typed(`r${slot}_beta`)}
      <p class="gde-field-hint" data-setting="yours">Its code (<code>ask</code> and <code>tell</code>, or <code>update</code>)
        is in the <strong>Python</strong> panel under the playground: rewrite it, then press <strong>Run with my code</strong>.</p>
    </fieldset>`;

  root.append(html`
    <p class="gde-pg__from" role="status" data-role="from"></p>
    <input type="hidden" name="classroom" value="0">
    <div class="gde-row gde-pg__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false">Play</button>
      <button type="button" class="md-button" data-action="step">Step</button>
      <button type="button" class="md-button" data-action="stop">Stop</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <span class="gde-pg__axis" data-role="axis">
        <label class="gde-field"><span>loss against</span><select name="xaxis">${options(X_CHOICES, "steps")}</select></label>
        <label class="gde-field"><span>loss scale</span><select name="scale">${options(SCALE_CHOICES, "log")}</select></label>
      </span>
      <output class="gde-pg__step" data-role="step">step 0</output>
    </div>
    <div class="gde-pg__views">
      <figure class="gde-pg__chart"><canvas data-role="chart" role="img" aria-label="Loss of each run against the chosen axis"></canvas>
        <figcaption data-role="chart-caption">Loss of each run (lines in the run's colour and dash).</figcaption></figure>
      <figure class="gde-pg__task"><div class="gde-pg__panels" data-role="panels"></div>
        <figcaption data-role="task-caption"></figcaption></figure>
    </div>
    <div class="gde-pg__table" tabindex="0" role="region" aria-label="Final figures of each run">
      <table class="gde-pg__grid"><thead><tr><th scope="col">run</th><th scope="col">method</th><th scope="col">step</th><th scope="col">loss</th>
        <th scope="col">accuracy</th><th scope="col">forward passes</th><th scope="col">seconds</th></tr></thead>
        <tbody data-role="table"></tbody></table></div>
    <div data-role="notes" class="gde-pg__notes"></div>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
    <div class="gde-pg__settings" data-role="settings">
      <fieldset class="gde-pg__group"><legend>Task</legend>
        ${select("task", "task")}
        <span data-for-task="target">${select("target", "target")}</span>
        <span data-for-target="custom">${typed("expression")}</span>
        <span data-for-task="vertical spiral step">${typed("samples")}${typed("classes")}</span>
        <span data-for-task="surface">${select("surface", "surface")}</span>
        <span data-for-task="image">${select("picture", "picture")}${select("size", "size")}
          <label class="gde-field gde-pg__file" data-for-picture="yours"><span>your picture</span>
            <input type="file" accept="image/*" data-role="file" aria-describedby="pg-err-picture-file">
            <span class="gde-field-error" id="pg-err-picture-file" data-error-for="picture" aria-live="polite"></span></label></span>
        <label class="gde-field gde-pg__points" data-for-task="points"><span>your points</span>
          <textarea data-role="points" rows="5" cols="24" aria-describedby="pg-err-points pg-hint-points" spellcheck="false">x, y\n-2, 4\n-1, 1\n0, 0\n1, 1\n2, 4</textarea>
          <span class="gde-field-error" id="pg-err-points" data-error-for="your points" aria-live="polite"></span>
          <span class="gde-field-hint" id="pg-hint-points">one point a line: x, y (a curve) or x1, x2, class (classes 0, 1, ...); at most ${count(limits.points)}</span></label>
        ${typed("steps")}${typed("seed")}
      </fieldset>
      <fieldset class="gde-pg__group"><legend>Network</legend>
        ${typed("layers")}${typed("width")}${select("activation", "activation")}${select("loss", "loss")}${select("init", "initialisation", "init")}
        <p class="gde-pg__count" aria-live="polite" data-role="count"></p>
      </fieldset>
      <div class="gde-pg__runs">${SLOTS.map(runBox).join("")}</div>
      <fieldset class="gde-pg__group"><legend>Files and view</legend>
        <button type="button" class="md-button" data-action="csv">Export CSV</button>
        <button type="button" class="md-button" data-action="json">Export JSON</button>
        <label class="gde-field gde-pg__file"><span>import a JSON export</span>
          <input type="file" accept=".json,application/json" data-role="import" aria-describedby="pg-err-import">
          <span class="gde-field-error" id="pg-err-import" data-error-for="import" aria-live="polite"></span></label>
        <button type="button" class="md-button" data-action="classroom">Copy classroom link</button>
        <output class="gde-pg__classroom-link" data-role="classroom-link" aria-live="polite"></output>
      </fieldset>
    </div>`);

  const $ = (sel) => root.querySelector(sel);
  const named = (name) => root.querySelector(`[name="${name}"]`);
  const pointsBox = $('[data-role="points"]');
  const message = (text, kind = "info") => {
    const el = $(".gde-message");
    el.textContent = text || "";
    el.dataset.kind = kind;
  };
  const clearErrors = () => {
    root.querySelectorAll(".gde-field-error").forEach((el) => (el.textContent = ""));
    root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  };
  const showError = (error) => {
    const slot = error.arg && [...root.querySelectorAll(".gde-field-error")].find((el) => el.dataset.errorFor === error.arg && el.closest(".gde-field").offsetParent !== null)
      || (error.arg && [...root.querySelectorAll(".gde-field-error")].find((el) => el.dataset.errorFor === error.arg));
    if (slot) {
      slot.textContent = error.message;
      slot.closest(".gde-field").querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
      if (slot.closest(".gde-pg__settings")?.hidden || root.dataset.classroom === "1") message(error.message, "error");
    } else message(error.message, "error");
  };
  if (fromText) $('[data-role="from"]').textContent = fromText;

  // The reader's points: from the address (they are too long for a control's key).
  const hashPoints = hashParams().get(POINTS_KEY);
  if (hashPoints !== null) pointsBox.value = hashPoints.slice(0, 100000);
  const defaultPoints = pointsBox.value;
  const savePoints = () => {
    const p = hashParams();
    if (named("task").value === "points" && pointsBox.value !== defaultPoints) p.set(POINTS_KEY, pointsBox.value);
    else p.delete(POINTS_KEY);
    writeHash(p);
  };

  const state = {
    history: {}, records: {}, latest: null, views: {}, paths: {}, run: null, step: -1, done: false,
    setup: first.result, pixels: null, queued: false, notes: {}, dirty: true, replay: null,
  };

  const values = () => {
    const out = {};
    for (const el of root.querySelectorAll(".gde-pg__settings select[name], .gde-pg__settings input[name]")) {
      out[el.name] = el.value;
    }
    return out;
  };
  const args = () => {
    const v = values();
    const a = { ...v };
    if (v.task === "points") a.points = pointsBox.value;
    if (v.task === "image" && v.picture === "yours" && state.pixels) a.pixels = state.pixels[v.size];
    return a;
  };

  // ---- which controls show ----
  const show = (el, on) => {
    el.hidden = !on;
    el.querySelectorAll("input, select").forEach((c) => (c.disabled = !on || !!c.closest("[hidden]")));
  };
  function visibility() {
    const task = named("task").value;
    root.querySelectorAll("[data-for-task]").forEach((el) => show(el, el.dataset.forTask.split(" ").includes(task)));
    root.querySelectorAll("[data-for-target]").forEach((el) => show(el, named("target").value === el.dataset.forTarget));
    root.querySelectorAll("[data-for-picture]").forEach((el) => show(el, named("picture").value === el.dataset.forPicture));
    // the nested ones again: a container shown inside a hidden one stays off
    root.querySelectorAll("[data-for-target], [data-for-picture]").forEach((el) => { if (el.closest("[hidden]")) el.querySelectorAll("input, select").forEach((c) => (c.disabled = true)); });
    const surface = task === "surface";
    for (const el of [named("layers"), named("width"), named("activation"), named("init")]) show(el.closest(".gde-field"), !surface);
    // classes always take cross-entropy: the loss menu is for a curve
    show(named("loss").closest(".gde-field"), !surface && !first.result.classification.includes(task));
    for (const slot of SLOTS) {
      const method = named(`r${slot}_method`).value;
      const schedule = named(`r${slot}_schedule`).value;
      const box = root.querySelector(`[data-run="${slot}"]`);
      box.dataset.method = method;
      for (const label of box.querySelectorAll("[data-setting]")) {
        const setting = label.dataset.setting;
        if (setting === "method") continue;
        const spec = fields[`r${slot}_${setting}`];
        let on = method !== "off";
        if (spec) {
          const m = spec.methods;
          on = on && (m.includes(method) || (m.includes(schedule) && gradient.has(method)));
        } else if (setting === "nesterov") on = on && method === "sgd" && Number(named(`r${slot}_momentum`).value) > 0;
        else if (setting === "schedule") on = on && gradient.has(method);
        else if (setting === "mutate") on = on && method === "local_search";
        else if (setting === "es_optimizer") on = on && method === "openai_es";
        else if (setting === "yours") on = on && method.startsWith("yours");
        show(label, on);
      }
    }
    root.dataset.classroom = named("classroom").value === "1" ? "1" : "0";
    $('[data-role="settings"]').hidden = root.dataset.classroom === "1";
    $('[data-role="axis"]').hidden = root.dataset.classroom === "1";
  }

  // ---- checking the setup as the reader types ----
  let checkTimer = null;
  let checkId = 0;
  async function check() {
    const id = ++checkId;
    const reply = await api.call("setup", args());
    if (id !== checkId) return null;
    clearErrors();
    if (!reply.ok) {
      showError(reply.error);
      $('[data-role="count"]').textContent = "";
      return null;
    }
    if (!state.run) message("");
    state.setup = reply.result;
    const r = reply.result;
    $('[data-role="count"]').textContent = r.sizes
      ? `Network ${r.sizes.join("–")}: ${count(r.parameters)} parameters (budget ${count(limits.parameters)}); ${count(r.examples)} examples${r.loss === "softmax_cross_entropy" ? "; loss: cross-entropy (the task has classes)" : ""}.`
      : `A surface of 2 parameters: the runs move a point (x, y).`;
    buildPanels();
    return r;
  }
  // what a run depends on: every setting but the chart's axis and scale and the classroom flag
  const setupKey = () => {
    const { xaxis, scale, classroom, ...rest } = args();
    return JSON.stringify(rest);
  };
  const later = () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => { if (!state.run) { reset(); check(); } }, 200);
  };

  // ---- drawing ----
  const colours = () => {
    const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    return { fg, dark, line: (slot) => (dark ? RUN_STYLE[slot].dark : RUN_STYLE[slot].colour) };
  };
  const activeSlots = () => Object.keys(state.setup.runs).map(Number);

  function buildPanels() {
    const view = state.setup.view;
    const panels = $('[data-role="panels"]');
    const slots = activeSlots();
    const single = view.kind === "curve" || view.kind === "surface";
    const names = state.setup.method_names;
    const panel = (id, caption, label) => `<figure class="gde-pg__panel"><canvas data-panel="${id}" role="img" aria-label="${label}"></canvas>
      <figcaption>${caption}</figcaption></figure>`;
    if (single) {
      panels.innerHTML = panel("all", view.kind === "curve" ? "the data (dots) and each run's curve" : "the loss surface (darker is lower) and each run's path",
        view.kind === "curve" ? "The data points and each run's fitted curve" : "The loss surface with each run's path");
    } else {
      const target = view.kind === "image" ? panel("target", "target", "The target picture") : "";
      panels.innerHTML = target + slots.map((s) => panel(s, `<span class="gde-pg__key" data-key="${s}"></span> run ${s}: ${state.setup.runs[s].name}`,
        view.kind === "image" ? `What run ${s} (${names[state.setup.runs[s].method]}) draws` : `The decision regions of run ${s} (${names[state.setup.runs[s].method]})`)).join("");
    }
    panels.dataset.kind = view.kind;
    $('[data-role="task-caption"]').textContent = {
      curve: "The task: a curve to fit.", regions: "The task: classes of points; each run's decision regions.",
      image: "The task: a picture; each run's network draws it.", surface: "The task: a loss over two parameters.",
    }[view.kind];
    paintKeys();
    state.dirty = true;
    queue();
  }
  function paintKeys() {
    const { line } = colours();
    root.querySelectorAll(".gde-pg__key[data-key]").forEach((el) => {
      const s = Number(el.dataset.key);
      el.style.borderTopColor = line(s);
      el.style.borderTopStyle = RUN_STYLE[s].dash.length ? "dashed" : "solid";
    });
  }

  function drawChart() {
    const canvas = $('[data-role="chart"]');
    const { ctx, width, height } = prepareCanvas(canvas, 320, 200);
    const { fg, line } = colours();
    const xaxis = named("xaxis").value;
    const log = named("scale").value === "log";
    const column = { steps: 0, compute: 1, seconds: 2 }[xaxis];
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const rows = Object.values(state.history).flat().filter((r) => r[3] !== null && (!log || r[3] > 0));
    ctx.font = "12px sans-serif";
    ctx.fillStyle = fg;
    ctx.textAlign = "center";
    ctx.fillText(`${X_CHOICES.find((c) => c[0] === xaxis)[1]}`, PAD.left + w / 2, height - 4);
    ctx.save();
    ctx.translate(12, PAD.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`loss${log ? " (log)" : ""}`, 0, 0);
    ctx.restore();
    if (!rows.length) return;
    const ys = rows.map((r) => (log ? Math.log10(r[3]) : r[3]));
    let lo = Math.min(...ys), hi = Math.max(...ys);
    const pad = Math.max(1e-6, 0.05 * (hi - lo));
    lo -= pad; hi += pad;
    const xmax = Math.max(1e-9, ...rows.map((r) => r[column]));
    const fx = (v) => PAD.left + (v / xmax) * w;
    const fy = (v) => PAD.top + h - (((log ? Math.log10(v) : v) - lo) / (hi - lo)) * h;
    ctx.strokeStyle = "rgba(128,128,128,0.35)";
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    const every = Math.max(1, Math.ceil((hi - lo) / 5)); // at most six labelled decades
    const first = Math.ceil(lo / every) * every;
    let ticks = log ? Array.from({ length: Math.max(0, Math.floor((hi - first) / every) + 1) }, (_, k) => 10 ** (first + k * every)) : [lo, (lo + hi) / 2, hi];
    if (log && ticks.length < 2) ticks = [10 ** (lo + pad), 10 ** (hi - pad)]; // less than a decade: its ends
    for (const t of ticks) {
      const y = fy(t);
      ctx.beginPath(); ctx.moveTo(PAD.left, y); ctx.lineTo(PAD.left + w, y); ctx.stroke();
      ctx.fillText(t >= 0.001 && t <= 1e4 || t === 0 ? String(+t.toPrecision(3)) : t.toExponential(0).replace("e", "e"), PAD.left - 4, y + 4);
    }
    ctx.textAlign = "left";
    ctx.fillText("0", PAD.left, PAD.top + h + 14);
    ctx.textAlign = "right";
    ctx.fillText(xaxis === "seconds" ? xmax.toFixed(2) : count(Math.round(xmax)), PAD.left + w, PAD.top + h + 14);
    ctx.save();
    ctx.beginPath(); ctx.rect(PAD.left, PAD.top - 2, w, h + 4); ctx.clip();
    for (const [slot, hist] of Object.entries(state.history)) {
      const pts = hist.filter((r) => r[3] !== null && (!log || r[3] > 0));
      if (!pts.length) continue;
      ctx.strokeStyle = line(slot);
      ctx.lineWidth = 2;
      ctx.setLineDash(RUN_STYLE[slot].dash);
      ctx.beginPath();
      // thin long histories to at most ~2 points per pixel
      const stride = Math.max(1, Math.floor(pts.length / (2 * w)));
      pts.forEach((r, k) => {
        if (k % stride && k !== pts.length - 1) return;
        k ? ctx.lineTo(fx(r[column]), fy(r[3])) : ctx.moveTo(fx(r[column]), fy(r[3]));
      });
      ctx.stroke();
    }
    ctx.restore();
  }

  function viridisish(t) { // dark (low) to light (high), readable in both themes
    const a = [68, 1, 84], b = [59, 82, 139], c = [33, 145, 140], d = [94, 201, 98], e = [253, 231, 37];
    const stops = [a, b, c, d, e];
    const x = Math.max(0, Math.min(1, t)) * 4;
    const i = Math.min(3, Math.floor(x));
    const f = x - i;
    return stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  }

  function gridImage(n, colourAt) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = n;
    const image = new ImageData(n, n);
    for (let k = 0; k < n * n; k++) image.data.set([...colourAt(k), 255], 4 * k);
    canvas.getContext("2d").putImageData(image, 0, 0);
    return canvas;
  }

  let surfaceImage = null;
  let surfaceFor = null;
  function drawTask() {
    const view = state.setup.view;
    const { fg, line, dark } = colours();
    const outline = dark ? "rgba(255,255,255,0.5)" : "rgba(0,0,0,0.6)";
    if (view.kind === "curve" || view.kind === "surface") {
      const canvas = root.querySelector('[data-panel="all"]');
      if (!canvas) return;
      const { ctx, width, height } = prepareCanvas(canvas, 320, 200);
      const size = Math.min(width, height);
      if (view.kind === "curve") {
        const xs = view.grid, all = view.y.concat(...Object.values(state.views).filter(Boolean).map((c) => c.filter((v) => v !== null)));
        const x0 = xs[0], x1 = xs[xs.length - 1];
        let y0 = Math.min(...view.y), y1 = Math.max(...view.y);
        const span = Math.max(1e-9, y1 - y0);
        y0 -= 0.6 * span; y1 += 0.6 * span; // room for curves that miss, clipped beyond
        void all;
        const fx = (v) => 4 + ((v - x0) / (x1 - x0)) * (width - 8);
        const fy = (v) => height - 4 - ((v - y0) / (y1 - y0)) * (height - 8);
        ctx.fillStyle = fg;
        ctx.globalAlpha = 0.6;
        view.x.forEach((x, k) => { ctx.beginPath(); ctx.arc(fx(x), fy(view.y[k]), 2, 0, 7); ctx.fill(); });
        ctx.globalAlpha = 1;
        ctx.save(); ctx.beginPath(); ctx.rect(0, 0, width, height); ctx.clip();
        for (const [slot, curve] of Object.entries(state.views)) {
          if (!curve) continue;
          ctx.strokeStyle = line(slot); ctx.lineWidth = 2; ctx.setLineDash(RUN_STYLE[slot].dash);
          ctx.beginPath();
          let pen = false;
          curve.forEach((v, k) => {
            if (v === null) { pen = false; return; }
            const y = Math.max(-1e4, Math.min(1e4, fy(v)));
            pen ? ctx.lineTo(fx(xs[k]), y) : ctx.moveTo(fx(xs[k]), y);
            pen = true;
          });
          ctx.stroke();
        }
        ctx.restore();
        ctx.setLineDash([]);
      } else {
        const key = JSON.stringify([view.bounds, view.n, view.z.length, view.z[0], view.z[view.z.length - 1]]);
        if (surfaceFor !== key) {
          const z = view.z.map((v) => (v === null ? Infinity : v));
          const finite = z.filter(Number.isFinite);
          const zmin = Math.min(...finite);
          const t = z.map((v) => Math.log10(1e-9 + v - zmin));
          const tf = t.filter(Number.isFinite);
          const lo = Math.min(...tf), hi = Math.max(...tf);
          surfaceImage = gridImage(view.n, (k) => viridisish(Number.isFinite(t[k]) ? (t[k] - lo) / (hi - lo || 1) : 1));
          surfaceFor = key;
        }
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(surfaceImage, 0, 0, size, size);
        const [[bx0, bx1], [by0, by1]] = view.bounds;
        const fx = (v) => ((v - bx0) / (bx1 - bx0)) * size;
        const fy = (v) => size - ((v - by0) / (by1 - by0)) * size;
        ctx.save(); ctx.beginPath(); ctx.rect(0, 0, size, size); ctx.clip();
        for (const [slot, path] of Object.entries(state.paths)) {
          if (!path.length) continue;
          ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 4; ctx.setLineDash([]);
          ctx.beginPath(); path.forEach(([x, y], k) => (k ? ctx.lineTo(fx(x), fy(y)) : ctx.moveTo(fx(x), fy(y)))); ctx.stroke();
          ctx.strokeStyle = RUN_STYLE[slot].colour; ctx.lineWidth = 2; ctx.setLineDash(RUN_STYLE[slot].dash);
          ctx.beginPath(); path.forEach(([x, y], k) => (k ? ctx.lineTo(fx(x), fy(y)) : ctx.moveTo(fx(x), fy(y)))); ctx.stroke();
          const [x, y] = path[path.length - 1];
          ctx.setLineDash([]); ctx.fillStyle = RUN_STYLE[slot].colour; ctx.strokeStyle = "#fff";
          ctx.beginPath(); ctx.arc(fx(x), fy(y), 4, 0, 7); ctx.fill(); ctx.stroke();
        }
        ctx.restore();
        ctx.strokeStyle = outline; ctx.lineWidth = 1; ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
      }
      return;
    }
    for (const canvas of root.querySelectorAll("[data-panel]")) {
      const id = canvas.dataset.panel;
      const { ctx, width, height } = prepareCanvas(canvas, 150, 150);
      const size = Math.min(width, height);
      ctx.imageSmoothingEnabled = false;
      if (view.kind === "image") {
        const levels = id === "target" ? view.target : state.views[id];
        if (levels && levels.length === view.size * view.size) ctx.drawImage(gridImage(view.size, (k) => [levels[k], levels[k], levels[k]]), 0, 0, size, size);
      } else {
        const cells = state.views[id];
        if (cells && cells.length === view.n * view.n) {
          ctx.globalAlpha = 0.45;
          ctx.drawImage(gridImage(view.n, (k) => hex(CLASS_COLOURS[cells[k] % CLASS_COLOURS.length])), 0, 0, size, size);
          ctx.globalAlpha = 1;
        }
        const [[x0, x1], [y0, y1]] = view.bounds;
        view.points.forEach(([x, y], k) => {
          ctx.fillStyle = CLASS_COLOURS[view.labels[k] % CLASS_COLOURS.length];
          ctx.strokeStyle = dark ? "#000" : "#fff";
          ctx.lineWidth = 0.8;
          ctx.beginPath(); ctx.arc(((x - x0) / (x1 - x0)) * size, size - ((y - y0) / (y1 - y0)) * size, 2.2, 0, 7);
          ctx.fill(); ctx.stroke();
        });
      }
      ctx.strokeStyle = outline; ctx.lineWidth = 1; ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
    }
  }
  const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

  function drawTable() {
    const names = state.setup.method_names;
    const rows = activeSlots().map((slot) => {
      const r = state.latest?.[slot];
      const note = state.notes[slot] ? " (diverged)" : "";
      return `<tr><th scope="row"><span class="gde-pg__key" data-key="${slot}"></span> ${slot}</th><td>${names[state.setup.runs[slot].method]}</td>
        <td>${r ? count(r.step) : "0"}</td><td data-role="loss-${slot}" data-value="${r && r.loss !== null ? r.loss : ""}">${r ? num(r.loss) + note : "—"}</td>
        <td>${r && r.accuracy !== null ? (100 * r.accuracy).toFixed(1) + "%" : "—"}</td>
        <td>${r ? count(r.compute) : "0"}</td><td>${r ? r.seconds.toFixed(3) : "0"}</td></tr>`;
    });
    $('[data-role="table"]').innerHTML = rows.join("");
    paintKeys();
  }

  let draws = 0;
  function draw() {
    state.queued = false;
    root.dataset.draws = String(++draws); // for the benchmark: redraws so far
    drawChart();
    drawTask();
    drawTable();
    $('[data-role="step"]').textContent = `step ${count(Math.max(0, state.step))} of ${count(Number(named("steps").value) || 0)}`;
  }
  function queue() {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  }

  // ---- running ----
  const playButton = $('[data-action="play"]');
  function running(on) {
    playButton.textContent = on ? "Stop" : "Play";
    playButton.setAttribute("aria-pressed", String(on));
    api.setState(on ? "running" : "ready");
  }

  function reset() {
    if (state.run) state.run.cancel();
    Object.assign(state, { history: {}, records: {}, latest: null, views: {}, paths: {}, step: -1, done: false, notes: {} });
    $('[data-role="notes"]').replaceChildren();
    queue();
  }

  function onFrames(frames, still) {
    for (const frame of frames) {
      if (frame.catch_up) { message(`Replaying to step ${count(frame.step)} …`); continue; }
      state.step = frame.step;
      state.latest = state.latest || {};
      for (const [slot, r] of Object.entries(frame.runs)) {
        (state.history[slot] ||= []).push([r.step, r.compute, r.seconds, r.loss]);
        (state.records[slot] ||= []).push(r.record);
        state.latest[slot] = r;
        if (state.setup.view.kind === "surface" && r.record.theta.length === 2) (state.paths[slot] ||= []).push(r.record.theta);
      }
      if (frame.views) Object.assign(state.views, frame.views);
      for (const [slot, text] of Object.entries(frame.notes || {})) {
        state.notes[slot] = text;
        const p = document.createElement("p");
        p.className = "gde-pg__note";
        p.dataset.run = slot;
        p.setAttribute("role", "status");
        p.textContent = text;
        $('[data-role="notes"]').append(p);
      }
      if (frame.done) {
        state.done = true;
        message(frame.reason, outcomes[frame.outcome]);
        $('[data-role="announce"]').textContent = frame.reason;
      }
    }
    if (!still || state.done) queue();
  }

  async function play(until = null) {
    if (state.run) return;
    // a check queued by typing would reset the run it finds finished: play checks now instead
    clearTimeout(checkTimer);
    const setupReply = await check();
    if (!setupReply) return;
    // a finished race, or one stopped under settings changed since, starts again from step 0
    const key = setupKey();
    if (state.done || (state.step >= 0 && state.key !== key)) reset();
    state.key = key;
    const start = state.step + 1;
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    message(start ? `Going on from step ${count(start)} …` : "Running …");
    if (until === null) running(true);
    const a = { ...args(), start, view_ms: 50 };
    if (until !== null) a.until = until;
    const run = api.stream("race", a, {
      chunkFrames: 200,
      intervalMs: 0,
      onFrames: (frames) => onFrames(frames, still),
      onError: (error) => showError(error),
    });
    state.run = run;
    state.stepping = until !== null;
    const outcome = await run.done;
    state.run = null;
    state.stepping = false;
    if (until === null) running(false);
    if (outcome?.cancelled) message(`Stopped at step ${count(Math.max(0, state.step))}. Play goes on from there; Reset starts again.`, outcomes.stopped);
    else if (!state.done && state.step >= 0 && until !== null) message(`Step ${count(state.step)}.`);
    queue();
    if (state.replay && state.done) {
      const expected = state.replay;
      state.replay = null;
      const reply = await api.call("compare", { expected, got: state.records });
      if (reply.ok) {
        message(reply.result.text, reply.result.reproduces ? "info" : "warning");
        root.dataset.reproduces = String(reply.result.reproduces);
      } else showError(reply.error);
    }
  }
  function stop() {
    if (state.run) state.run.cancel();
  }

  playButton.addEventListener("click", async () => {
    if (state.run && !state.stepping) return stop();
    if (state.run) await state.run.done; // a Step in flight: Play goes on after it
    if (!state.run) play();
  });
  $('[data-action="step"]').addEventListener("click", () => { if (!state.run) play(state.done ? 0 : state.step + 1); });
  $('[data-action="stop"]').addEventListener("click", stop);
  $('[data-action="reset"]').addEventListener("click", () => { stop(); reset(); message(""); });
  // "Run with my code" (the Python panel): the race starts again with the reader's functions
  api.setRerun(async () => {
    if (state.run) {
      state.run.cancel();
      await state.run.done;
    }
    reset();
    message("");
    await play();
  });

  $('[data-action="classroom"]').addEventListener("click", () => {
    const p = hashParams();
    p.set("playground.classroom", "1");
    const url = new URL(location.href);
    url.hash = p.toString();
    copyAddress(url.href, $('[data-role="classroom-link"]'),
      "Classroom link copied: it opens this race with Play, Step, Stop and Reset only.", "Classroom link");
  });

  // ---- files ----
  function download(text, name, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  async function exportAs(kind) {
    if (!Object.keys(state.records).length) { message("Run the race first: there is nothing to export yet.", "warning"); return; }
    const v = values();
    const reply = await api.call("export", { settings: v, runs: state.records, points: v.task === "points" ? pointsBox.value : null });
    if (!reply.ok) { showError(reply.error); return; }
    root.dataset.exported = kind;
    state.lastExport = reply.result;
    if (kind === "csv") download(reply.result.csv, "playground-runs.csv", "text/csv");
    else download(reply.result.json, "playground-runs.json", "application/json");
    message(`Exported ${kind.toUpperCase()}: ${Object.keys(state.records).length} runs.`);
  }
  $('[data-action="csv"]').addEventListener("click", () => exportAs("csv"));
  $('[data-action="json"]').addEventListener("click", () => exportAs("json"));

  function applyValues(wanted, points) {
    for (const el of root.querySelectorAll(".gde-pg__settings select[name], .gde-pg__settings input[name]")) {
      const value = wanted[el.name] ?? defaults[el.name];
      if (el.value !== value) {
        el.value = value;
        el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
      }
    }
    if (points !== null && points !== undefined) pointsBox.value = points;
    savePoints();
    root.dispatchEvent(new Event("gde:updated"));
    visibility();
  }
  $('[data-role="import"]').addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    clearErrors();
    if (file.size > 50 * 1048576) { showError({ arg: "import", message: `the file is ${(file.size / 1048576).toFixed(1)} MB; the limit is 50 MB` }); return; }
    const text = await file.text();
    const reply = await api.call("read_import", { text });
    event.target.value = "";
    if (!reply.ok) { showError({ ...reply.error, arg: "import" }); return; }
    stop();
    applyValues(reply.result.values, reply.result.points);
    reset();
    state.replay = reply.result.runs;
    root.dataset.reproduces = "";
    message(`Imported ${file.name.slice(0, 60)}${reply.result.same_version ? "" : ` (made with version ${reply.result.version}, this is ${first.result.library.version})`}: replaying its setup …`);
    await play();
  });

  $('[data-role="file"]').addEventListener("change", async (event) => {
    const slot = root.querySelector('.gde-field-error[id="pg-err-picture-file"]');
    slot.textContent = "";
    const decoded = await decode(event.target.files[0], { file_bytes: 20 * 1048576, side: 10000 });
    if (decoded.error) { slot.textContent = decoded.error; return; }
    state.pixels = Object.fromEntries(choices.size.map(([n]) => [n, greyLevels(decoded.canvas, Number(n))]));
    later();
  });

  root.addEventListener("input", (e) => {
    if (e.target.name === "classroom") { visibility(); return; }
    if (e.target === pointsBox) savePoints();
    if (e.target.name === "xaxis" || e.target.name === "scale") { queue(); return; }
    if (e.target.closest(".gde-pg__settings")) { visibility(); later(); }
  });
  root.addEventListener("change", (e) => {
    if (e.target.name === "xaxis" || e.target.name === "scale") { queue(); return; }
    if (e.target.closest(".gde-pg__settings") && e.target.type !== "file") { visibility(); later(); }
  });
  const theme = new MutationObserver(() => { surfaceFor = null; queue(); });
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", queue, { signal: api.signal });

  visibility();
  buildPanels();
  drawTable();
  // the runtime restores the link's settings after this returns: check the setup then
  setTimeout(() => { visibility(); check(); }, 0);
}
