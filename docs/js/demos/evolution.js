// Demo "evolution": mutation and selection on the 1-32-32-1 tanh network, live. The target, the
// parent's curve and a few of the round's children faint around it; the loss against rounds and
// against forward passes. Every number and every choice comes from explainer_core.demos.evolution
// in the worker (setup, run); this file draws.

import { feedback, field, html, options, prepareCanvas } from "./_ui.js";

const PAD = { left: 48, right: 12, top: 8, bottom: 30 };
const NAMES = ["population", "mutation_rate", "decay", "reset_after", "fraction", "rounds", "seed"];


// Axes with a few ticks; `log` for a log scale on y. Returns the two scales.
function axes(ctx, width, height, { xr, yr, log, xlabel, ylabel, fg, xfmt, yfmt }) {
  const w = width - PAD.left - PAD.right;
  const h = height - PAD.top - PAD.bottom;
  const ty = (v) => (log ? Math.log10(v) : v);
  const [y0, y1] = [ty(yr[0]), ty(yr[1])];
  const x = (v) => PAD.left + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * w;
  const y = (v) => PAD.top + h - ((ty(Math.max(v, log ? 1e-300 : -Infinity)) - y0) / (y1 - y0 || 1)) * h;
  ctx.font = "11px sans-serif";
  ctx.fillStyle = fg;
  ctx.strokeStyle = "rgba(128,128,128,0.35)";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  const ticks = log
    ? Array.from({ length: Math.floor(y1) - Math.ceil(y0) + 1 }, (_, k) => 10 ** (Math.ceil(y0) + k))
    : [yr[0], (yr[0] + yr[1]) / 2, yr[1]];
  for (const v of ticks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(PAD.left + w, y(v));
    ctx.stroke();
    ctx.fillText(yfmt(v), PAD.left - 4, y(v) + 4);
  }
  ctx.textAlign = "left";
  ctx.fillText(xfmt(xr[0]), PAD.left, PAD.top + h + 13);
  ctx.textAlign = "right";
  ctx.fillText(xfmt(xr[1]), PAD.left + w, PAD.top + h + 13);
  ctx.textAlign = "center";
  ctx.fillText(xlabel, PAD.left + w / 2, height - 3);
  ctx.save();
  ctx.translate(11, PAD.top + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(ylabel, 0, 0);
  ctx.restore();
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 2, w, h + 4);
  ctx.clip();
  return { x, y };
}

function line(ctx, xs, ys, sx, sy, colour, width, dash = []) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  xs.forEach((v, k) => (k ? ctx.lineTo(sx(v), sy(ys[k])) : ctx.moveTo(sx(v), sy(ys[k]))));
  ctx.stroke();
  ctx.setLineDash([]);
}

const count = (n) => Number(n).toLocaleString("en-US");
const sig = (v) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : Number(v).toPrecision(4));
const tick = (v) => {
  if (v >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${(v / 1e3).toPrecision(3)}k`;
  return String(Math.round(v));
};
const pow10 = (v) => (v >= 1 ? String(v) : `1e${Math.round(Math.log10(v))}`);

export default async function mount(root, api) {
  const opts = api.options;
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { fields, choices, outcomes } = first.result;
  const initial = Object.fromEntries(NAMES.map((n) => [n, String(opts[n] ?? fields[n].default)]));
  const typed = (name) => field(fields[name], name, initial[name]);
  root.append(html`
    <div class="gde-row gde-actions gde-evo__controls">
      <button type="button" class="md-button md-button--primary" data-action="play" aria-pressed="false"
        title="Run the rounds; press again to stop (Play goes on from there)">Play</button>
      <button type="button" class="md-button" data-action="step" title="One round">Step</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      <label class="gde-field"><span>method</span><select name="method">${options(choices.method, opts.method || "local")}</select></label>
      <label class="gde-field"><span>mutation</span><select name="mutate">${options(choices.mutate, opts.mutate || "many")}</select></label>
      <label class="gde-field"><span>speed</span><select name="speed">${options(choices.speed, opts.speed || choices.speed[0][0])}</select></label>
    </div>
    <div class="gde-row gde-evo__fields">${NAMES.map(typed).join(" ")}</div>
    <p class="gde-evo__counter"><output data-role="counter"></output></p>
    <p class="gde-evo__readout">loss (MSE) <output data-role="loss"></output>
      · forward passes <output data-role="forward">0</output>
      · rounds with no better child <output data-role="stuck">0</output>
      · mutation rate now <output data-role="sigma"></output></p>
    <div class="gde-evo__charts">
      <figure class="gde-evo__wide"><canvas class="gde-evo__curves" data-chart-of="curves" role="img"
        aria-label="The target sin(x), the parent network's curve and a few children's curves"></canvas>
        <figcaption><span class="gde-evo__key gde-evo__key--target"></span> target sin(x)
          · <span class="gde-evo__key gde-evo__key--parent"></span> parent
          · <span class="gde-evo__key gde-evo__key--child"></span> some children of the last round</figcaption></figure>
      <figure><canvas class="gde-evo__chart" data-chart-of="rounds" role="img" aria-label="Loss against rounds"></canvas>
        <figcaption>loss (MSE, log scale) against rounds</figcaption></figure>
      <figure><canvas class="gde-evo__chart" data-chart-of="forward" role="img" aria-label="Loss against forward passes"></canvas>
        <figcaption>loss (MSE, log scale) against forward passes (one network on one point)</figcaption></figure>
    </div>
    <p class="gde-message" aria-live="polite"></p>
    <p class="gde-sr-only" aria-live="polite" data-role="announce"></p>
  `);

  const $ = (selector) => root.querySelector(selector);
  const inputs = Object.fromEntries([...NAMES, "method", "mutate", "speed"].map((n) => [n, $(`[name="${n}"]`)]));
  const canvases = { curves: $('[data-chart-of="curves"]'), rounds: $('[data-chart-of="rounds"]'), forward: $('[data-chart-of="forward"]') };
  const playButton = $('[data-action="play"]');
  const stepButton = $('[data-action="step"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = {
    x: first.result.x,
    target: first.result.target,
    round: 0,
    rounds: Number(first.result.settings.rounds),
    history: [], // [round, forward passes, loss]
    parent: first.result.start.parent,
    children: [],
    frame: null,
    run: null,
    queued: false,
    latest: 0,
  };

  const colours = () => {
    const fg = getComputedStyle(root).getPropertyValue("--md-default-fg-color").trim() || "#222";
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    return { fg, parent: dark ? "#3D9BE0" : "#0072B2", child: dark ? "rgba(230,159,0,0.55)" : "rgba(213,94,0,0.45)" };
  };

  function drawCurves() {
    const { ctx, width, height } = prepareCanvas(canvases.curves);
    const { fg, parent, child } = colours();
    const xs = state.x;
    const { x, y } = axes(ctx, width, height, {
      xr: [xs[0], xs[xs.length - 1]], yr: [-1.5, 1.5], xlabel: "x", ylabel: "y", fg,
      xfmt: (v) => v.toFixed(2), yfmt: (v) => v.toFixed(1),
    });
    for (const c of state.children) line(ctx, xs, c, x, y, child, 1.2);
    line(ctx, xs, state.target, x, y, fg, 1.5, [5, 4]);
    line(ctx, xs, state.parent, x, y, parent, 2.5);
    ctx.restore();
  }

  function drawLoss(canvas, column, xr, xlabel) {
    const { ctx, width, height } = prepareCanvas(canvas);
    const { fg, parent } = colours();
    const losses = state.history.map((r) => r[2]).filter((v) => v > 0 && Number.isFinite(v));
    const lo = 10 ** Math.floor(Math.log10(Math.min(...losses, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...losses, 1e-3)));
    const { x, y } = axes(ctx, width, height, { xr, yr: [lo, hi], log: true, xlabel, ylabel: "loss", fg, xfmt: tick, yfmt: pow10 });
    line(ctx, state.history.map((r) => r[column]), state.history.map((r) => r[2]), x, y, parent, 2);
    ctx.restore();
  }

  function showNumbers() {
    const f = state.frame;
    $('[data-role="counter"]').value = `round ${count(state.round)} of ${count(state.rounds)}`;
    const set = (role, text, value) => {
      const el = $(`[data-role="${role}"]`);
      el.value = text;
      el.dataset.value = value;
    };
    set("loss", sig(f.loss), f.loss);
    set("forward", count(f.forward_passes), f.forward_passes);
    set("stuck", count(f.stuck), f.stuck);
    set("sigma", sig(f.sigma), f.sigma);
    root.dataset.round = String(state.round);
  }

  function draw() {
    state.queued = false;
    showNumbers();
    drawCurves();
    const perRound = state.history.length > 1 ? state.history[1][1] - state.history[0][1] : 0;
    drawLoss(canvases.rounds, 0, [0, state.rounds], "rounds");
    drawLoss(canvases.forward, 1, [0, Math.max(state.history[0][1] + perRound * state.rounds, 1)], "forward passes");
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };

  const settings = () => ({
    ...Object.fromEntries(NAMES.map((n) => [n, inputs[n].value])),
    method: inputs.method.value,
    mutate: inputs.mutate.value,
  });
  const updated = () => root.dispatchEvent(new CustomEvent("gde:updated"));
  // mutation applies to the simple method only; the GA mutates every weight
  const syncMethod = () => {
    const ga = inputs.method.value === "genetic";
    for (const n of ["mutate", "fraction", "decay", "reset_after"]) inputs[n].disabled = ga;
  };

  // Back to round 0 with the typed settings (only the newest answer is shown).
  async function reset() {
    const id = ++state.latest;
    const answer = await api.call("setup", settings());
    if (id !== state.latest) return false;
    if (!answer.ok) {
      showError(answer.error);
      return false;
    }
    const r = answer.result;
    state.round = 0;
    state.rounds = Number(r.settings.rounds);
    state.parent = r.start.parent;
    state.children = [];
    state.frame = { loss: r.start.loss, forward_passes: r.samples, stuck: 0, sigma: Number(r.settings.sigma) };
    state.history = [[0, r.samples, r.start.loss]];
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
      state.round = f.round;
      state.rounds = f.rounds;
      state.frame = f;
      state.history.push([f.round, f.forward_passes, f.loss]);
      if (f.parent) {
        state.parent = f.parent;
        state.children = f.children;
      }
      if (f.note) message(f.note, "warning");
    }
    if (!last) return;
    if (last.done) {
      message(last.reason, outcomes[last.outcome] || "info");
      $('[data-role="announce"]').textContent = last.reason;
    }
    if (!still || last.done) schedule();
  }

  async function go(single) {
    if (state.run) return stop();
    clearErrors();
    message("");
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const chosen = settings();
    const rounds = Number(chosen.rounds);
    if (!(state.round < rounds) || state.round >= state.rounds || state.round === 0) {
      if (!(await reset())) return;
    }
    const resume = state.round;
    // the button that started the run stops it (a Step far into a run replays its rounds first)
    const pressed = single ? stepButton : playButton;
    pressed.textContent = "Stop";
    pressed.setAttribute("aria-pressed", "true");
    api.setState("running");
    if (resume > 0 && !single) message(`Going on from round ${count(resume)}: the first ${count(resume)} are replayed (same seed, same run).`);
    const t0 = performance.now();
    let failed = null;
    const args = { ...chosen, start: resume, ...(single ? { until: resume + 1 } : {}), ...(still ? { curves_ms: 1e9 } : {}) };
    const speed = Number(inputs.speed.value); // rounds a second; NaN: as fast as it goes
    const paced = Number.isFinite(speed) && speed > 0 && !single;
    const run = api.stream("run", args, {
      chunkFrames: paced ? 1 : 100_000,
      intervalMs: paced ? 1000 / speed : 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        if (resume > 0 && !single && frames.some((f) => !f.catch_up) && !frames.some((f) => f.done)) message("");
        onFrames(frames, still && !single);
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    const ms = performance.now() - t0;
    if (!single) {
      root.dataset.runMs = String(Math.round(ms));
      root.dataset.runRounds = String(state.round - resume);
    }
    if (failed) {
      showError(failed);
    } else if (outcome.cancelled) {
      message(`Stopped by you at round ${count(state.round)}: press Play to go on, or Reset.`);
      schedule();
    } else if (single && state.frame && !state.frame.done) {
      const f = state.frame;
      const ga = inputs.method.value === "genetic";
      const said = ga
        ? (f.improved ? "a child beat the best network so far" : "no child beat the best network so far")
        : (f.improved ? "a child beat the parent and replaced it" : "no child beat the parent; it stays");
      message(`Round ${count(f.round)}: ${said}.`);
      schedule();
    }
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
    stepButton.textContent = "Step";
    stepButton.setAttribute("aria-pressed", "false");
    if (state.frame) showNumbers(); // the last chunk's numbers are on screen at "ready"
    if (!state.run) api.setState("ready");
  }

  async function restart() {
    await stop();
    clearErrors();
    message("");
    syncMethod();
    await reset();
    updated();
  }

  playButton.addEventListener("click", () => go(false));
  // "Run with my code" (the Python panel): from round 0, played to the end
  api.setRerun(async () => {
    await restart();
    await go(false);
  });
  stepButton.addEventListener("click", () => go(true));
  stepButton.setAttribute("aria-pressed", "false");
  $('[data-action="reset"]').addEventListener("click", restart);
  for (const n of ["method", "mutate"]) inputs[n].addEventListener("change", restart);
  for (const n of NAMES) inputs[n].addEventListener("input", restart);
  clearOnInput(NAMES.map((n) => inputs[n]));
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });

  syncMethod();
  const ok = await reset();
  if (!ok) {
    // a link's bad value: its message is shown beside the field; draw the defaults' start
    const r = first.result;
    state.frame = { loss: r.start.loss, forward_passes: r.samples, stuck: 0, sigma: Number(r.settings.sigma) };
    state.history = [[0, r.samples, r.start.loss]];
    draw();
  }
}
