// Demo "momentum-adam": up to five optimizers race from one start on a hard surface.
// Every number, choice, default and range comes from explainer_core.demos.momentum_adam in the
// worker (setup, check, run); this file only draws: the contour map with the paths, the loss of
// each method against steps, and Adam's moments for one coordinate.

import { feedback, field, html, options, prepareCanvas as prepareCanvasSized, runButton } from "./_ui.js";

const VIRIDIS = [
  [68, 1, 84], [72, 26, 108], [71, 47, 125], [65, 68, 135], [57, 86, 140], [49, 104, 142],
  [42, 120, 142], [35, 137, 142], [31, 154, 138], [34, 170, 133], [53, 183, 121],
  [84, 197, 104], [122, 209, 81], [165, 219, 54], [210, 226, 27], [253, 231, 37],
];
// Okabe-Ito colours; each method also has its own dash and marker, so colour is never the only cue.
const STYLE = {
  gd: { colour: "#D55E00", dash: [], marker: "circle" },
  momentum: { colour: "#0072B2", dash: [7, 3], marker: "square" },
  nesterov: { colour: "#009E73", dash: [2, 3], marker: "diamond" },
  adam: { colour: "#CC79A7", dash: [9, 3, 2, 3], marker: "triangle" },
  local: { colour: "#E69F00", dash: [4, 4], marker: "ring" },
};
const MAP_PAD = { left: 36, right: 8, top: 8, bottom: 30 };
const PAD = { left: 48, right: 8, top: 8, bottom: 30 };
const FONT = "12px sans-serif";

function viridis(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  return VIRIDIS[i].map((c, k) => Math.round(c + f * (VIRIDIS[i + 1][k] - c)));
}

// The legend's mark: the same shape and colour as the method's marker on the map, drawn (not a
// coloured glyph) and outlined in the text colour so it stands out on either theme.
const KEY_SHAPES = {
  circle: '<circle cx="6" cy="6" r="4.5"/>',
  square: '<rect x="1.5" y="1.5" width="9" height="9"/>',
  diamond: '<path d="M6 0.8 11.2 6 6 11.2 0.8 6Z"/>',
  triangle: '<path d="M6 1 11 10.5H1Z"/>',
  ring: '<circle cx="6" cy="6" r="4" fill="none" stroke-width="2.4"/>',
};
function keyMark({ colour, marker }) {
  const ring = marker === "ring";
  return `<svg class="gde-ma__key" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false"`
    + ` fill="${colour}" stroke="${ring ? colour : "currentColor"}" stroke-width="0.8">${KEY_SHAPES[marker]}</svg>`;
}

// The map's contour bands (from Python) as an n×n image: each band one flat colour, so the band
// edges are the contour lines.
function bandImage({ n, band, bands }) {
  const image = new ImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const b = band[i * n + j];
      const edge = (j + 1 < n && band[i * n + j + 1] !== b) || (i + 1 < n && band[(i + 1) * n + j] !== b);
      const rgb = viridis(b / (bands - 1)).map((c) => (edge ? Math.round(c * 0.55) : c));
      image.data.set([...rgb, 255], ((n - 1 - i) * n + j) * 4); // row 0 of the image: the largest y
    }
  }
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  canvas.getContext("2d").putImageData(image, 0, 0);
  return canvas;
}

const prepare = (canvas) => prepareCanvasSized(canvas, 320, 320);

function scaleOf(width, height, [x0, x1], [y0, y1], pad, ty = (y) => y) {
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const [t0, t1] = [ty(y0), ty(y1)];
  return {
    box: [pad.left, pad.top, w, h],
    x: (x) => pad.left + ((x - x0) / (x1 - x0 || 1)) * w,
    y: (y) => pad.top + h - ((ty(y) - t0) / (t1 - t0 || 1)) * h,
    toData: (px, py) => [x0 + ((px - pad.left) / w) * (x1 - x0), y0 + ((pad.top + h - py) / h) * (y1 - y0)],
  };
}

function axes(ctx, scale, { height, xTicks, yTicks, xLabel, yLabel, colour }) {
  const [left, top, w, h] = scale.box;
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, w, h);
  ctx.font = FONT;
  xTicks.forEach(([t, label], i) => {
    ctx.textAlign = i === xTicks.length - 1 ? "right" : i === 0 ? "left" : "center";
    ctx.fillText(label, scale.x(t), top + h + 13);
  });
  ctx.textAlign = "center";
  ctx.fillText(xLabel, left + w / 2, height - 3);
  ctx.textAlign = "right";
  for (const [t, label] of yTicks) ctx.fillText(label, left - 4, Math.min(top + h, Math.max(top + 9, scale.y(t) + 4)));
  ctx.save();
  ctx.textAlign = "center";
  ctx.translate(11, top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

function line(ctx, points, colour, width, dash, halo) {
  if (points.length < 2) return;
  for (const [c, w] of halo ? [[halo, width + 2], [colour, width]] : [[colour, width]]) {
    ctx.beginPath();
    points.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.strokeStyle = c;
    ctx.lineWidth = w;
    ctx.setLineDash(dash);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function marker(ctx, shape, x, y, r, fill) {
  ctx.beginPath();
  if (shape === "square") ctx.rect(x - r, y - r, 2 * r, 2 * r);
  else if (shape === "diamond") { ctx.moveTo(x, y - r - 1); ctx.lineTo(x + r + 1, y); ctx.lineTo(x, y + r + 1); ctx.lineTo(x - r - 1, y); ctx.closePath(); }
  else if (shape === "triangle") { ctx.moveTo(x, y - r - 1); ctx.lineTo(x + r + 1, y + r); ctx.lineTo(x - r - 1, y + r); ctx.closePath(); }
  else ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = shape === "ring" ? "#ffffff" : fill;
  ctx.fill();
  ctx.strokeStyle = shape === "ring" ? fill : "#000000";
  ctx.lineWidth = shape === "ring" ? 3 : 1.5;
  ctx.stroke();
}

const niceTicks = ([a, b]) => {
  const mid = (a + b) / 2;
  return [a, mid, b].map((t) => [t, String(+t.toFixed(2))]);
};

function drawMap(canvas, { surface, image, paths, start, colour }) {
  const { ctx, width, height } = prepare(canvas);
  const [xr, yr] = surface.bounds;
  const scale = scaleOf(width, height, xr, yr, MAP_PAD);
  const [left, top, w, h] = scale.box;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, left, top, w, h);
  axes(ctx, scale, { height, xTicks: niceTicks(xr), yTicks: niceTicks(yr), xLabel: "x", yLabel: "y", colour });
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip();
  for (const m of surface.minima) {
    const [px, py] = [scale.x(m.x), scale.y(m.y)];
    for (const [c, lw] of [["#000000", 5], ["#ffffff", 2.5]]) {
      ctx.strokeStyle = c;
      ctx.lineWidth = lw;
      ctx.beginPath();
      ctx.moveTo(px - 6, py - 6); ctx.lineTo(px + 6, py + 6); ctx.moveTo(px + 6, py - 6); ctx.lineTo(px - 6, py + 6);
      ctx.stroke();
    }
    if (surface.minima.length > 1) { // name them when there are several kinds (deep, shallow)
      ctx.font = FONT;
      ctx.textAlign = "center";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#000000";
      ctx.strokeText(m.label, px, py + 20);
      ctx.fillStyle = "#ffffff";
      ctx.fillText(m.label, px, py + 20);
    }
  }
  for (const [name, points] of Object.entries(paths)) {
    const s = STYLE[name];
    const pixels = points.map(([x, y]) => [scale.x(x), scale.y(y)]);
    line(ctx, pixels, s.colour, 2, s.dash, "rgba(255,255,255,0.75)");
    const [px, py] = pixels[pixels.length - 1] || [];
    if (px !== undefined) marker(ctx, s.marker, px, py, 4.5, s.colour);
  }
  if (start) {
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(scale.x(start[0]), scale.y(start[1]), 8, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(scale.x(start[0]), scale.y(start[1]), 9.5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
  return scale;
}

function drawLoss(canvas, { history, steps, floor, colour }) {
  const { ctx, width, height } = prepare(canvas);
  const values = Object.values(history).flat().map((r) => r[1]);
  let lo = Math.max(floor, Math.min(...values, 1));
  let hi = Math.max(...values, lo * 10);
  lo = 10 ** Math.floor(Math.log10(lo));
  hi = 10 ** Math.ceil(Math.log10(hi));
  if (hi <= lo) hi = lo * 10;
  const scale = scaleOf(width, height, [0, Math.max(1, steps)], [lo, hi], PAD, Math.log10);
  const decades = [];
  const span = Math.round(Math.log10(hi / lo));
  const every = Math.max(1, Math.ceil(span / 5));
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e += every) decades.push([10 ** e, `1e${Math.round(e)}`]);
  axes(ctx, scale, {
    height, colour, xTicks: [[0, "0"], [steps, String(steps)]], yTicks: decades,
    xLabel: "step", yLabel: "loss − minimum",
  });
  ctx.save();
  const [left, top, w, h] = scale.box;
  ctx.beginPath();
  ctx.rect(left, top, w, h);
  ctx.clip();
  for (const [name, rows] of Object.entries(history)) {
    const s = STYLE[name];
    line(ctx, rows.map(([t, gap]) => [scale.x(t), scale.y(Math.max(gap, lo))]), s.colour, 2, s.dash);
  }
  ctx.restore();
}

// Adam's moments for one coordinate: m_t and m̂_t (top), v_t and v̂_t (bottom), against steps.
function drawMoments(canvas, { rows, steps, colour }) {
  const { ctx, width, height } = prepare(canvas);
  const half = (height - 6) / 2;
  const panels = [
    { keys: [["m", "#0072B2", [5, 3]], ["m_hat", "#D55E00", []]], label: "m, m̂", top: 0 },
    { keys: [["v", "#0072B2", [5, 3]], ["v_hat", "#D55E00", []]], label: "v, v̂", top: half + 6 },
  ];
  for (const panel of panels) {
    const values = rows.flatMap((r) => panel.keys.map(([k]) => r[k]));
    let lo = Math.min(0, ...values);
    let hi = Math.max(0, ...values);
    if (hi === lo) hi = lo + 1;
    const pad = { left: PAD.left, right: PAD.right, top: panel.top + 6, bottom: height - panel.top - half + (panel.top ? 24 : 4) };
    const scale = scaleOf(width, height, [0, Math.max(1, steps)], [lo, hi], pad);
    const [left, top, w, h] = scale.box;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1;
    ctx.strokeRect(left, top, w, h);
    ctx.font = FONT;
    ctx.textAlign = "right";
    ctx.fillText(fmt(hi, 2), left - 4, top + 10);
    ctx.fillText(fmt(lo, 2), left - 4, top + h);
    ctx.save();
    ctx.textAlign = "center";
    ctx.translate(11, top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(panel.label, 0, 0);
    ctx.restore();
    if (lo < 0 && hi > 0) {
      ctx.setLineDash([2, 3]);
      ctx.beginPath();
      ctx.moveTo(left, scale.y(0));
      ctx.lineTo(left + w, scale.y(0));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const [key, c, dash] of panel.keys) line(ctx, rows.map((r) => [scale.x(r.t), scale.y(r[key])]), c, 2, dash);
  }
  ctx.textAlign = "center";
  ctx.fillText("step", width / 2, height - 3);
}

function fmt(value, digits = 4) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value === 0) return "0";
  const a = Math.abs(value);
  return a >= 1e-3 && a < 1e5 ? String(+value.toPrecision(digits)) : value.toExponential(digits - 1);
}

export default async function mount(root, api) {
  const opts = api.options;
  const answer = await api.call("setup", {});
  if (!answer.ok) throw new Error(answer.error.message);
  const setup = answer.result;
  const { fields, surfaces, methods } = setup;
  const firstSurface = surfaces[opts.surface] ? opts.surface : setup.default_surface;
  const defaults = surfaces[firstSurface].defaults;
  const typed = (name) => field(fields[name], name, defaults[name] ?? fields[name].default);
  const byMethod = (m) => Object.keys(fields).filter((k) => fields[k].method === m);

  root.append(html`
    <div class="gde-row gde-actions">
      <label class="gde-field"><span>surface</span><select name="surface">${options(setup.choices.surface, firstSurface)}</select></label>
      <button type="button" class="md-button md-button--primary" data-action="run" aria-pressed="false">Race</button>
      <button type="button" class="md-button" data-action="defaults">Default settings</button>
    </div>
    <div class="gde-ma__plots">
      <figure class="gde-ma__map">
        <canvas class="gde-ma__mapcanvas" tabindex="0" role="application" aria-roledescription="map"
          aria-label="Contour map of the surface with each method's path. Click, or use the arrow keys, to set the start; Enter races."
          aria-describedby="gde-ma-keys"></canvas>
        <figcaption>Contour map: darker is lower; × the minima; white ring the start. Click to set the start, or use the arrow keys
          <span id="gde-ma-keys">(Shift for bigger moves, Enter to race)</span>.</figcaption>
      </figure>
      <figure class="gde-ma__loss">
        <canvas class="gde-ma__losscanvas" role="img" aria-label="Each method's loss above the surface's minimum against steps, log scale"></canvas>
        <figcaption>Loss above the surface's lowest value, log scale, against steps.</figcaption>
      </figure>
    </div>
    <div class="gde-row">${typed("x")} ${typed("y")} ${typed("steps")} ${typed("seed")}</div>
    <div class="gde-ma__methods">
      ${methods.map(([m, label]) => `<fieldset class="gde-ma__method" data-method="${m}">
        <legend>${keyMark(STYLE[m])} ${label}</legend>
        <label class="gde-field"><span>race</span><select name="${m}_on" aria-label="race ${label}">${options([["on", "on"], ["off", "off"]], "on")}</select></label>
        ${byMethod(m).map(typed).join("")}
        <output class="gde-ma__end" data-role="${m}-end"></output>
      </fieldset>`).join("")}
    </div>
    <details class="gde-ma__adam" open>
      <summary>Adam's moments for one coordinate, step by step</summary>
      <div class="gde-row"><label class="gde-field"><span>coordinate</span><select name="adam_coordinate">${options([["0", "x"], ["1", "y"]], "0")}</select></label></div>
      <div class="gde-ma__adamgrid">
        <table class="gde-ma__table" aria-label="Adam's state after the last step">
          <tbody>
            <tr><th scope="row">step t</th><td data-role="adam-t">–</td></tr>
            <tr><th scope="row">gradient g<sub>t</sub></th><td data-role="adam-g">–</td></tr>
            <tr><th scope="row">m<sub>t</sub> = β1 m<sub>t−1</sub> + (1 − β1) g<sub>t</sub></th><td data-role="adam-m">–</td></tr>
            <tr><th scope="row">v<sub>t</sub> = β2 v<sub>t−1</sub> + (1 − β2) g<sub>t</sub><sup>2</sup></th><td data-role="adam-v">–</td></tr>
            <tr><th scope="row">m̂<sub>t</sub> = m<sub>t</sub> / (1 − β1<sup>t</sup>)</th><td data-role="adam-m_hat">–</td></tr>
            <tr><th scope="row">v̂<sub>t</sub> = v<sub>t</sub> / (1 − β2<sup>t</sup>)</th><td data-role="adam-v_hat">–</td></tr>
            <tr><th scope="row">step θ<sub>t</sub> − θ<sub>t−1</sub> = −η m̂<sub>t</sub> / (√v̂<sub>t</sub> + ε)</th><td data-role="adam-step">–</td></tr>
          </tbody>
        </table>
        <figure class="gde-ma__moments"><canvas class="gde-ma__momentcanvas" role="img"
          aria-label="Adam's first moment m and its bias-corrected m hat (top), second moment v and v hat (bottom), against steps"></canvas>
          <figcaption>dashed blue: m<sub>t</sub>, v<sub>t</sub>; solid vermillion: the bias-corrected m̂<sub>t</sub>, v̂<sub>t</sub>.</figcaption></figure>
      </div>
    </details>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>`);

  const $ = (s) => root.querySelector(s);
  const canvases = { map: $(".gde-ma__mapcanvas"), loss: $(".gde-ma__losscanvas"), moments: $(".gde-ma__momentcanvas") };
  const surfaceSelect = $('select[name="surface"]');
  const typedInputs = [...root.querySelectorAll(".gde-field input[name]")];
  const input = (name) => $(`input[name="${name}"]`);
  const button = runButton($('[data-action="run"]'), api);
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  clearOnInput(typedInputs);
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));
  const state = { surface: null, image: null, paths: {}, history: {}, adam: [], steps: 1, run: null, scale: null };

  const colour = () => getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
  const startOf = () => {
    const [tx, ty] = [input("x").value.trim(), input("y").value.trim()];
    const [x, y] = [Number(tx), Number(ty)];
    return tx && ty && Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
  };
  function draw() {
    state.scale = drawMap(canvases.map, { surface: state.surface, image: state.image, paths: state.paths, start: startOf(), colour: colour() });
    drawLoss(canvases.loss, { history: state.history, steps: state.steps, floor: setup.loss_floor, colour: colour() });
    const k = Number($('select[name="adam_coordinate"]').value);
    const rows = state.adam.map((a) => Object.fromEntries(["t", "m", "v", "m_hat", "v_hat"].map((key) => [key, key === "t" ? a.t : a[key][k]])));
    drawMoments(canvases.moments, { rows, steps: state.steps, colour: colour() });
    const last = state.adam[state.adam.length - 1];
    for (const key of ["t", "g", "m", "v", "m_hat", "v_hat", "step"]) {
      const cell = $(`[data-role="adam-${key}"]`);
      const value = last ? (key === "t" ? last.t : last[key][k]) : null;
      cell.textContent = value === null ? "–" : key === "t" ? String(value) : fmt(value, 6);
      cell.dataset.value = value === null ? "" : String(value);
    }
  }

  function useSurface(name, { resetFields }) {
    state.surface = surfaces[name];
    state.image = bandImage(state.surface);
    if (resetFields) for (const [k, v] of Object.entries(state.surface.defaults)) if (input(k)) input(k).value = v;
    for (const el of typedInputs) {
      if (el.name === "x" || el.name === "y") {
        const [lo, hi] = state.surface.bounds[el.name === "x" ? 0 : 1];
        el.dataset.min = lo;
        el.dataset.max = hi;
      }
    }
    clearPaths();
  }
  function clearPaths() {
    state.paths = {};
    state.history = {};
    state.adam = [];
    root.querySelectorAll(".gde-ma__end").forEach((el) => (el.textContent = ""));
  }

  const chosen = () => methods.map(([m]) => m).filter((m) => $(`select[name="${m}_on"]`).value === "on");
  const settings = () => {
    const args = { surface: surfaceSelect.value, methods: chosen() };
    for (const el of typedInputs) args[el.name] = el.value.trim();
    return args;
  };

  async function stop() {
    if (state.run) {
      state.run.cancel();
      await state.run.done;
    }
  }

  async function race() {
    if (state.run) return stop();
    clearErrors();
    message("");
    const checked = await api.call("check", settings());
    if (!checked.ok) return showError(checked.error);
    clearPaths();
    state.steps = checked.result.steps;
    const args = settings();
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const warnings = [];
    let shown = 0;
    button.running();
    state.run = api.stream("run", args, {
      chunkFrames: still ? 100_000 : Math.max(2, Math.ceil(state.steps / 150)),
      intervalMs: still ? 0 : 16,
      onError: showError,
      onFrames: (frames) => {
        for (const f of frames) {
          for (const [m, [x, y, , gap]] of Object.entries(f.points)) {
            if (f.ended[m] && state.paths[m]?.length > 1 && !f.diverged?.[m]) continue;
            (state.paths[m] ??= []).push([x, y]);
            (state.history[m] ??= []).push([f.step, gap]);
          }
          if (f.adam) state.adam.push(f.adam);
          if (f.diverged) {
            warnings.push(...Object.values(f.diverged));
            message(warnings.join(" "), "warning");
          }
          shown = f.step;
          if (f.done) {
            for (const [m, text] of Object.entries(f.messages)) {
              const out = $(`[data-role="${m}-end"]`);
              out.textContent = text;
              out.dataset.x = f.points[m][0];
              out.dataset.y = f.points[m][1];
              out.dataset.loss = f.points[m][2];
            }
            message([...warnings, f.message].join(" "), warnings.length ? "warning" : "info");
            $('[data-role="announce"]').textContent = [f.message, ...Object.values(f.messages)].join(" ");
          }
        }
        draw();
      },
    });
    const outcome = await state.run.done;
    state.run = null;
    button.idle();
    if (outcome.cancelled) message(`Stopped at step ${shown}; the paths so far stay on the map.`);
    updated();
  }

  // the start: a click on the map (clamped to the map's range), the arrow keys, or the fields
  function setStart([x, y], note = "") {
    const [[x0, x1], [y0, y1]] = state.surface.bounds;
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const [cx, cy] = [clamp(x, x0, x1), clamp(y, y0, y1)];
    const round = (v) => String(+v.toFixed(3));
    input("x").value = round(cx);
    input("y").value = round(cy);
    clearErrors();
    message(note || (cx !== x || cy !== y ? `That point is outside the map's range; the start was moved to its edge, (${round(cx)}, ${round(cy)}).` : ""));
    clearPaths();
    draw();
    updated();
  }
  canvases.map.addEventListener("click", async (event) => {
    await stop();
    const rect = canvases.map.getBoundingClientRect();
    setStart(state.scale.toData(event.clientX - rect.left, event.clientY - rect.top));
  });
  const KEYS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
  canvases.map.addEventListener("keydown", async (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      return race();
    }
    const move = KEYS[event.key];
    if (!move) return;
    event.preventDefault();
    await stop();
    const start = startOf() || state.surface.defaults && [Number(state.surface.defaults.x), Number(state.surface.defaults.y)];
    const [[x0, x1], [y0, y1]] = state.surface.bounds;
    const size = event.shiftKey ? 0.1 : 0.02;
    setStart([start[0] + move[0] * size * (x1 - x0), start[1] + move[1] * size * (y1 - y0)]);
    clearTimeout(state.announcing);
    state.announcing = setTimeout(() => {
      $('[data-role="announce"]').textContent = `start x ${input("x").value}, y ${input("y").value}`;
    }, 400);
  });

  $('[data-action="run"]').addEventListener("click", race);
  // "Run with my code" (the Python panel): the run starts afresh with the reader's function
  api.setRerun(async () => {
    await stop();
    await race();
  });
  $('[data-action="defaults"]').addEventListener("click", async () => {
    await stop();
    clearErrors();
    useSurface(surfaceSelect.value, { resetFields: true });
    root.querySelectorAll('select[name$="_on"]').forEach((s) => (s.value = "on"));
    draw();
    updated();
  });
  // a new surface brings its own default settings; done at once (not after an await) when no
  // race runs, so that a link's later settings, restored right after its surface, are kept
  surfaceSelect.addEventListener("change", () => {
    const apply = () => {
      clearErrors();
      message("");
      useSurface(surfaceSelect.value, { resetFields: true });
      draw();
    };
    if (state.run) stop().then(apply);
    else apply();
  });
  // a typed setting is checked when the reader leaves the field: a bad one is named beside it
  for (const el of typedInputs) {
    el.addEventListener("change", async () => {
      if (el.name === "x" || el.name === "y") {
        clearPaths();
        draw();
      }
      const checked = await api.call("check", settings());
      if (!checked.ok && checked.error.arg === fields[el.name].label) showError(checked.error);
    });
  }
  $('select[name="adam_coordinate"]').addEventListener("change", draw);
  root.querySelectorAll('select[name$="_on"]').forEach((s) => s.addEventListener("change", () => { clearPaths(); draw(); }));
  const resize = new ResizeObserver(() => state.surface && draw());
  resize.observe(canvases.map);
  const scheme = new MutationObserver(() => draw());
  scheme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => { scheme.disconnect(); resize.disconnect(); }, { once: true });

  useSurface(firstSurface, { resetFields: false });
  draw();
}
