// Demo "dimensions": how many random mutations improve the loss as the number of parameters D
// grows. The reader picks D on a log slider (2 to 10,000), the mutation size σ and how it follows
// D, the landscape (the sphere |θ|² or a 1-h-1 tanh network) and how many mutations to draw; the
// count comes in live from explainer_core.demos.dimensions.count, chunk by chunk, beside the
// formula Φ(−σD/2) on the sphere. Every choice, default and range comes from `setup`.

import { feedback, field, html, options, prepareCanvas, runButton } from "./_ui.js";

const pct = (p) => (p === null || p === undefined || !Number.isFinite(p) ? "–"
  : p > 0 && p < 0.001 ? "< 0.1%" : `${(100 * p).toFixed(1)}%`);
const fmt = (v) => (Number.isFinite(v) ? v.toLocaleString("en-US") : "–");
const sig = (v) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString().replace("-", "−") : "–");

function colours(root) {
  const css = getComputedStyle(root);
  const dark = document.body?.getAttribute("data-md-color-scheme") === "slate";
  return {
    fg: css.getPropertyValue("--md-default-fg-color").trim() || (dark ? "#eee" : "#222"),
    faint: css.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ccc",
    measured: dark ? "#56B4E9" : "#0072B2",
    formula: dark ? "#bbbbbb" : "#555555",
  };
}

// One horizontal scale 0..100%: the measured share as a bar, the formula as a dashed mark.
function drawBar(canvas, root, frame) {
  const { ctx, width, height } = prepareCanvas(canvas, 320, 56);
  const c = colours(root);
  const left = 8, right = width - 8, top = 6, barH = 18;
  const x = (p) => left + (right - left) * Math.max(0, Math.min(1, p));
  ctx.fillStyle = c.faint;
  ctx.fillRect(left, top, right - left, barH);
  if (frame) {
    ctx.fillStyle = c.measured;
    ctx.fillRect(left, top, Math.max(1, x(frame.fraction) - left), barH);
    if (frame.formula !== null && frame.formula !== undefined) {
      ctx.strokeStyle = c.formula;
      ctx.lineWidth = 3;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x(frame.formula), top - 4);
      ctx.lineTo(x(frame.formula), top + barH + 4);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
  ctx.fillStyle = c.fg;
  ctx.font = "12px Roboto, Helvetica, Arial, sans-serif";
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  ctx.fillText("0%", left, top + barH + 8);
  ctx.textAlign = "center";
  ctx.fillText("50%", x(0.5), top + barH + 8);
  ctx.textAlign = "right";
  ctx.fillText("100%", right, top + barH + 8);
}

export default async function mount(root, api) {
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { choices, fields, ticks, default_d: defaultD } = first.result;
  const opts = api.options;
  const typed = (name) => field(fields[name], name, opts[name] ?? fields[name].default);
  const startIndex = Math.max(0, ticks.indexOf(Number(opts.d ?? defaultD)));
  root.append(html`
    <p class="gde-dim__intro">Slide D, the number of parameters: the demo draws random mutations
      θ + σε of one starting point and counts how many lower the loss.</p>
    <div class="gde-row gde-dim__controls">
      <label class="gde-field"><span>landscape</span><select name="task">${options(choices.task, opts.task ?? "sphere")}</select></label>
      <label class="gde-field"><span>mutation size</span><select name="scaling">${options(choices.scaling, opts.scaling ?? "fixed")}</select></label>
    </div>
    <div class="gde-row gde-dim__controls">
      <label class="gde-slider gde-dim__slider"><span>D = <output name="d-value" data-role="d"></output> (log scale)</span>
        <input type="range" name="d" data-label="D" min="0" max="${ticks.length - 1}" step="1" value="${startIndex}"
          aria-valuetext="D = ${ticks[startIndex]}"></label>
    </div>
    <div class="gde-row gde-actions gde-dim__fields">
      ${typed("sigma")} ${typed("samples")} ${typed("seed")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button md-button--primary" data-action="play">New draws</button>
    </div>
    <p class="gde-dim__what" data-role="what"></p>
    <canvas class="gde-dim__bar" aria-hidden="true"></canvas>
    <p class="gde-dim__legend"><span class="gde-dim__key gde-dim__key--measured" aria-hidden="true"></span> measured:
      <strong data-role="fraction"></strong> (<span data-role="count"></span>)
      <span class="gde-dim__formula-part"><span class="gde-dim__key gde-dim__key--formula" aria-hidden="true"></span>
        formula Φ(−σD/2): <strong data-role="formula"></strong></span></p>
    <p class="gde-dim__scale" data-role="scale"></p>
    <p class="gde-message" aria-live="polite"></p>
  `);
  const $ = (s) => root.querySelector(s);
  const slider = $('[name="d"]');
  const inputs = ["task", "scaling", "sigma", "samples", "seed"].map((n) => $(`[name="${n}"]`));
  const canvas = $(".gde-dim__bar");
  const button = runButton($('[data-action="play"]'), api);
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  let run = null;
  let latest = 0;
  let lastFrame = null;

  const currentD = () => ticks[Number(slider.value)] ?? defaultD;
  function showD() {
    const d = currentD();
    $('[data-role="d"]').textContent = fmt(d);
    slider.setAttribute("aria-valuetext", `D = ${fmt(d)}`);
  }

  function show(frame) {
    lastFrame = frame;
    const set = (role, text, value) => {
      const el = $(`[data-role="${role}"]`);
      el.textContent = text;
      if (value !== undefined) el.dataset.value = value === null ? "" : String(value);
    };
    set("fraction", pct(frame.fraction), frame.fraction);
    set("count", `${fmt(frame.improved)} of ${fmt(frame.done)} improved`, frame.improved);
    const sphere = frame.formula !== null && frame.formula !== undefined;
    $(".gde-dim__formula-part").hidden = !sphere;
    set("formula", sphere ? pct(frame.formula) : "", sphere ? frame.formula : null);
    set("what", `${frame.task === "sphere" ? "Sphere" : "Network"}: ${frame.what}.`);
    set("scale", `Mutation size per parameter: ${sig(frame.scale)}; the mutation's length is about σ√D = ${sig(frame.length)}.`, frame.scale);
    root.dataset.done = String(frame.done);
    drawBar(canvas, root, frame);
  }

  function stop() {
    if (run) run.cancel();
  }

  async function count() {
    stop();
    const id = ++latest;
    clearErrors();
    const args = { task: inputs[0].value, scaling: inputs[1].value, d: currentD(),
      sigma: inputs[2].value, samples: inputs[3].value, seed: inputs[4].value };
    let failed = null;
    let final = null;
    const t0 = performance.now();
    let firstMs = null;
    root.dataset.done = "0";
    button.running();
    const mine = api.stream("count", args, {
      chunkFrames: 4,
      intervalMs: 0,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        if (id !== latest || !frames.length) return;
        if (firstMs === null) {
          firstMs = performance.now() - t0;
          root.dataset.firstMs = String(Math.round(firstMs));
        }
        const frame = frames[frames.length - 1];
        if (frame.reason) final = frame;
        show(frame);
      },
    });
    run = mine;
    await mine.done;
    if (id !== latest) return; // a newer count took over
    run = null;
    button.idle();
    root.dataset.countMs = String(Math.round(performance.now() - t0));
    if (failed) {
      showError(failed);
      if (failed.arg && root.querySelector(`.gde-field-error[data-error-for="${failed.arg}"]`)) {
        message("Nothing counted: fix the field marked first.", "warning");
      }
      return;
    }
    if (final) {
      message(final.reason, final.outcome === "none" ? "warning" : "info");
    } else if (lastFrame) {
      message(`Stopped by you after ${fmt(lastFrame.done)} mutations.`);
    }
    root.dispatchEvent(new CustomEvent("gde:updated"));
  }

  slider.addEventListener("input", () => { showD(); count(); });
  for (const input of inputs) input.addEventListener(input.tagName === "SELECT" ? "change" : "input", count);
  $('[data-action="play"]').addEventListener("click", () => {
    if (run) {
      latest++; // the running count's last frames are not shown
      const r = run;
      run = null;
      r.cancel();
      button.idle();
      message(lastFrame ? `Stopped by you after ${fmt(lastFrame.done)} mutations.` : "Stopped by you.");
      return;
    }
    // new draws: the next seed (a change the page address keeps), then the count
    const seedInput = inputs[4];
    const seed = Number(seedInput.value.trim());
    if (seedInput.value.trim() !== "" && Number.isInteger(seed) && seed >= 0 && seed < Number(fields.seed.max)) {
      seedInput.value = String(seed + 1);
      seedInput.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      count();
    }
  });
  clearOnInput(inputs.filter((i) => i.tagName === "INPUT"));
  // redraw in the other colour scheme
  const observer = new MutationObserver(() => drawBar(canvas, root, lastFrame));
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => observer.disconnect());
  showD();
  drawBar(canvas, root, null);
  count();
}
