// Demo "gradient-descent-batches": mini-batch SGD against full-batch gradient descent on the
// chapter's network, at equal steps or at equal compute; one seed live, or every seed's end.
// Every number and every choice comes from explainer_core.demos.gradient_descent_batches (setup,
// cost, train, seeds); this file draws, with the helpers of gradient-descent.js.

import { feedback, field, html, options } from "./_ui.js";
import { count, drawCurves, fixed, palette } from "./gradient-descent.js";

export default async function mount(root, api) {
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { fields, choices, outcomes, seeds } = first.result;
  const opts = api.options;
  const typed = (name) => field(fields[name], name, opts[name] ?? fields[name].default);
  root.append(html`
    <div class="gde-row gde-actions gde-gb__controls">
      <button type="button" class="md-button md-button--primary" data-action="train" aria-pressed="false">Train</button>
      <button type="button" class="md-button" data-action="seeds" aria-pressed="false">Run all ${seeds.length} seeds</button>
      <label class="gde-field"><span>budget</span><select name="budget">${options(choices.budget, opts.budget || "steps")}</select></label>
    </div>
    <div class="gde-row gde-gb__fields">${typed("batch_size")} ${typed("lr")} ${typed("seed")}</div>
    <p class="gde-gb__cost" data-role="cost" aria-live="polite"></p>
    <figure class="gde-gd__figure">
      <canvas class="gde-gd__chart" role="img" aria-label="Training loss of the mini-batch run and of the full-batch run (log scale)"></canvas>
      <figcaption><span class="gde-gd__key gde-gd__key--train"></span> mini-batches
        · <span class="gde-gd__key gde-gd__key--full"></span> full batch · training loss, log scale</figcaption>
    </figure>
    <p class="gde-gd__readout">mini-batches: step <output data-role="step">0</output>
      · epochs <output data-role="epoch">0</output>
      · training loss <output data-role="loss">–</output> · test loss <output data-role="test_loss">–</output><br>
      full batch: training loss <output data-role="full_loss">–</output> · test loss <output data-role="full_test_loss">–</output></p>
    <div class="gde-gb__scroll" tabindex="0" role="region" aria-label="The end of every seed's runs">
      <table class="gde-gb__table" hidden>
        <thead><tr><th scope="col">seed</th><th scope="col">mini-batch train</th><th scope="col">mini-batch test</th>
          <th scope="col">full-batch train</th><th scope="col">full-batch test</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p class="gde-message" aria-live="polite"></p>
  `);
  const $ = (s) => root.querySelector(s);
  const inputs = Object.fromEntries(["batch_size", "lr", "seed"].map((n) => [n, $(`[name="${n}"]`)]));
  const budget = $('[name="budget"]');
  const trainButton = $('[data-action="train"]');
  const seedsButton = $('[data-action="seeds"]');
  const canvas = $(".gde-gd__chart");
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  const state = { frames: [], full: [], run: null, queued: false, xKey: "step", xMax: first.result.steps };

  function showCost(c) {
    const el = $('[data-role="cost"]');
    el.textContent = `One step on ${c.batch_size} example${c.batch_size === 1 ? "" : "s"}: ${c.forward} forward and ${c.backward} backward passes, compute ${count(c.compute)} (a full-batch step: ${count(c.full_compute)}). An epoch, one pass through the shuffled training set, takes ${c.steps_per_epoch} step${c.steps_per_epoch === 1 ? "" : "s"}.`;
    el.dataset.value = String(c.compute);
  }

  const put = (role, v) => {
    const out = $(`[data-role="${role}"]`);
    out.value = fixed(v);
    out.dataset.value = v === null || v === undefined ? "" : String(v);
  };

  function draw() {
    state.queued = false;
    const { fg, blue, grey } = palette(root);
    const k = state.xKey;
    drawCurves(canvas, {
      series: [
        { points: state.full.map((f) => [f[k], f.loss]), colour: grey, dash: [6, 3], width: 2.5 },
        { points: state.frames.map((f) => [f[k], f.loss]), colour: blue, width: 1.5 },
      ],
      xMax: state.xMax, xLabel: k === "step" ? "step" : "compute (forward-pass equivalents)", yLabel: "training loss", fg,
    });
    const last = state.frames[state.frames.length - 1];
    if (last) {
      $('[data-role="step"]').value = count(last.step);
      $('[data-role="step"]').dataset.value = String(last.step);
      $('[data-role="epoch"]').value = Number(last.epoch.toPrecision(3)).toString();
      put("loss", last.loss);
      put("test_loss", last.test_loss);
    }
    // the full-batch run up to where the mini-batch run has got, on the same axis
    const x = last ? last[k] : 0;
    const full = state.full.filter((f) => f[k] <= x).pop();
    if (full) {
      put("full_loss", full.loss);
      put("full_test_loss", full.test_loss);
    }
  }
  const schedule = () => {
    if (state.queued) return;
    state.queued = true;
    requestAnimationFrame(draw);
  };
  const settings = () => ({ ...Object.fromEntries(Object.entries(inputs).map(([n, el]) => [n, el.value])), budget: budget.value });

  async function stop() {
    if (state.run) {
      const run = state.run;
      run.cancel();
      await run.done;
    }
  }

  async function go(method, button, label) {
    if (state.run) return stop();
    clearErrors();
    message("");
    const chosen = settings();
    if (method === "seeds") delete chosen.seed;
    const checked = await api.call("check", settings());
    if (!checked.ok) {
      showError(checked.error);
      return;
    }
    showCost(checked.result.cost);
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    const body = $(".gde-gb__table tbody");
    if (method === "train") {
      state.frames = [];
      state.full = [];
      state.xKey = chosen.budget === "steps" ? "step" : "compute";
      state.xMax = chosen.budget === "steps" ? first.result.steps : first.result.equal_compute;
    } else {
      body.textContent = "";
      $(".gde-gb__table").hidden = false;
    }
    button.textContent = "Stop";
    button.setAttribute("aria-pressed", "true");
    api.setState("running");
    let failed = null;
    let end = null;
    let rows = 0;
    const run = api.stream(method, chosen, {
      chunkFrames: method === "seeds" || still ? 100_000 : 4,
      intervalMs: method === "seeds" || still ? 0 : 16,
      onError: (error) => (failed = error),
      onFrames: (frames) => {
        for (const f of frames) {
          if (f.done) end = f;
          if (method === "train") {
            if (f.full) state.full = f.full;
            state.frames.push(f);
          } else {
            rows += 1;
            const tr = document.createElement("tr");
            [String(f.seed), fixed(f.mini.loss), fixed(f.mini.test_loss), fixed(f.full.loss), fixed(f.full.test_loss)].forEach((text, j) => {
              const cell = document.createElement(j ? "td" : "th");
              if (!j) cell.scope = "row";
              cell.textContent = text;
              tr.append(cell);
            });
            body.append(tr);
            message(`Seed ${rows} of ${seeds.length} done…`);
          }
        }
        if (method === "train" && (!still || end)) schedule();
      },
    });
    state.run = run;
    const outcome = await run.done;
    if (state.run === run) state.run = null;
    if (failed) showError(failed);
    else if (end) message(end.message, outcomes[end.outcome] || "info");
    else if (outcome.cancelled) message(`Stopped by you${method === "seeds" ? ` after ${rows} seed${rows === 1 ? "" : "s"}` : ""}. Press ${label} to start again.`);
    if (method === "train") schedule();
    button.textContent = label;
    button.setAttribute("aria-pressed", "false");
    if (!state.run) api.setState("ready");
  }

  trainButton.addEventListener("click", () => go("train", trainButton, "Train"));
  seedsButton.addEventListener("click", () => go("seeds", seedsButton, `Run all ${seeds.length} seeds`));
  inputs.batch_size.addEventListener("input", async () => {
    const answer = await api.call("cost", { batch_size: inputs.batch_size.value });
    if (answer.ok) showCost(answer.result);
    else showError(answer.error);
  });
  for (const name of ["lr", "seed"]) {
    inputs[name].addEventListener("input", async () => {
      const answer = await api.call("check", settings());
      if (!answer.ok && answer.error.arg === fields[name].label) showError(answer.error);
    });
  }
  clearOnInput(Object.values(inputs));
  const theme = new MutationObserver(() => schedule());
  theme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  api.signal.addEventListener("abort", () => theme.disconnect(), { once: true });
  window.addEventListener("resize", schedule, { signal: api.signal });
  showCost(first.result.cost);
  draw();
}
