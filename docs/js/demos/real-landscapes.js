// Demo "race": run the optimizer race live and stream it into the chart the build drew.
// Every number comes from explainer_core.demos.race in the worker; the chart is the build's
// optimizer_race spec, fed row by row through the Vega view API.

import { feedback, field, html, options } from "./_ui.js";

const TASKS = [
  ["sine", "sine network"], ["rosenbrock", "Rosenbrock surface"],
  ["himmelblau", "Himmelblau surface"], ["beale", "Beale surface"], ["rastrigin", "Rastrigin surface"],
];

export default async function mount(root, api) {
  const opts = api.options;
  const chart = api.chart();
  const controls = html`
    <div class="gde-row gde-actions">
      <label class="gde-field"><span>task</span><select name="task">${options(TASKS, opts.task || "sine")}</select></label>
      ${field("steps", "steps", opts.steps || "", "gradient steps of compute for every method; empty: the chart's")}
      ${field("learning-rate scale", "lr_scale", opts.lr_scale || "1", "multiplies every learning rate")}
      ${field("seed", "seed", opts.seed || "0")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button md-button--primary" data-action="run" aria-pressed="false">Run the race</button>
      <output class="gde-race-progress" data-role="progress"></output>
    </div>
    <p class="gde-message" aria-live="polite"></p>`;
  root.insertBefore(controls, root.querySelector(".gde-chart"));

  const $ = (selector) => root.querySelector(selector);
  const inputs = {
    task: $('select[name="task"]'), steps: $('input[name="steps"]'),
    lr_scale: $('input[name="lr_scale"]'), seed: $('input[name="seed"]'),
  };
  const button = $('[data-action="run"]');
  const progress = $('[data-role="progress"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  clearOnInput([inputs.steps, inputs.lr_scale, inputs.seed]);
  let running = null;

  const settings = () => ({
    task: inputs.task.value, steps: inputs.steps.value.trim(),
    lr_scale: inputs.lr_scale.value.trim(), seed: inputs.seed.value.trim(),
  });

  async function race() {
    if (running) {
      running.cancel();
      return;
    }
    clearErrors();
    message("");
    const checked = await api.call("setup", settings());
    if (!checked.ok) return showError(checked.error);
    const { budget } = checked.result;
    const warnings = [];
    let rows = 0;
    chart.replace("runs", []);
    button.textContent = "Stop";
    button.setAttribute("aria-pressed", "true");
    api.setState("running");
    running = api.stream("run", settings(), {
      chunkFrames: 20,
      intervalMs: 30,
      onError: showError,
      onFrames: (frames) => {
        const fresh = frames.filter((f) => f.row).map((f) => f.row);
        if (fresh.length) chart.append("runs", fresh);
        rows += fresh.length;
        const spent = Math.max(0, ...fresh.map((r) => r.compute));
        if (fresh.length) progress.value = `${Math.round((100 * spent) / budget)} % of the budget (${budget.toLocaleString()} passes), ${rows} points`;
        for (const f of frames) {
          if (f.diverged) {
            warnings.push(f.message);
            message(warnings.join(" "), "warning");
          }
          if (f.summary) message([f.message, ...warnings].join(" "), warnings.length ? "warning" : "info");
        }
      },
    });
    const outcome = await running.done;
    running = null;
    button.textContent = "Run the race";
    button.setAttribute("aria-pressed", "false");
    if (outcome.cancelled) message(`Stopped after ${rows} points; the chart keeps them.`);
    api.setState("ready");
  }

  button.addEventListener("click", race);
  // a failed check at start (e.g. options in the page) shows where the reader can fix it
  const checked = await api.call("setup", settings());
  if (!checked.ok) showError(checked.error);
}
