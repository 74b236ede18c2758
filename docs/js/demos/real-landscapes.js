// Demo "real-landscapes": run the optimizer race live and stream it into the chart the build drew.
// Every number, and the list of tasks, comes from explainer_core.demos.real_landscapes in the
// worker; the chart is the build's optimizer_race spec, fed row by row through the Vega view API.

import { feedback, field, html, options, runButton } from "./_ui.js";

export default async function mount(root, api) {
  const opts = api.options;
  const chart = api.chart();
  const wanted = { task: opts.task, steps: opts.steps, lr_scale: opts.lr_scale, seed: opts.seed };
  // setup() checks the settings and lists the tasks and fields; if the page's options fail the
  // check, ask with Python's defaults for the lists, and show the failure beside its field below.
  const checked = await api.call("setup", Object.fromEntries(
    Object.entries(wanted).filter(([, value]) => value !== undefined)));
  const listed = checked.ok ? checked : await api.call("setup", {});
  if (!listed.ok) throw new Error(listed.error.message);
  const { fields } = listed.result;
  const typed = (name) => field(fields[name], name, wanted[name] ?? fields[name].default);
  root.insertBefore(html`
    <div class="gde-row gde-actions">
      <label class="gde-field"><span>task</span><select name="task">${options(listed.result.tasks, wanted.task ?? listed.result.task)}</select></label>
      ${typed("steps")}
      ${typed("lr_scale")}
      ${typed("seed")}
    </div>
    <div class="gde-row gde-actions">
      <button type="button" class="md-button md-button--primary" data-action="run" aria-pressed="false">Run the race</button>
      <output class="gde-race-progress" data-role="progress"></output>
    </div>
    <p class="gde-message" aria-live="polite"></p>`, root.querySelector(".gde-chart"));

  const $ = (selector) => root.querySelector(selector);
  const inputs = {
    task: $('select[name="task"]'), steps: $('input[name="steps"]'),
    lr_scale: $('input[name="lr_scale"]'), seed: $('input[name="seed"]'),
  };
  const button = runButton($('[data-action="run"]'), api);
  const progress = $('[data-role="progress"]');
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  clearOnInput([inputs.steps, inputs.lr_scale, inputs.seed]);
  let running = null;

  const settings = () => ({
    task: inputs.task.value, steps: inputs.steps.value.trim(),
    lr_scale: inputs.lr_scale.value.trim(), seed: inputs.seed.value.trim(),
  });

  async function race() {
    if (running) return running.cancel();
    clearErrors();
    message("");
    const checked = await api.call("setup", settings());
    if (!checked.ok) return showError(checked.error);
    const { budget, loss_label: lossLabel } = checked.result;
    const warnings = [];
    let rows = 0;
    chart.replace("runs", []);
    chart.replace("diverged", []);
    chart.replace("task", [{ loss_label: lossLabel }]); // the loss axis says what it measures
    button.running();
    running = api.stream("run", settings(), {
      chunkFrames: 20,
      intervalMs: 30,
      onError: showError,
      onFrames: (frames) => {
        const fresh = frames.filter((f) => f.row).map((f) => f.row);
        if (fresh.length) chart.append("runs", fresh);
        rows += fresh.length;
        const spent = Math.max(0, ...fresh.map((r) => r.compute));
        if (fresh.length) progress.value = `${Math.round((100 * spent) / budget)} % of the budget (${budget.toLocaleString()} forward-pass equivalents), ${rows} points`;
        for (const f of frames) {
          if (f.marker) chart.append("diverged", [f.marker]); // a cross where it blew up
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
    if (outcome.cancelled) message(`Stopped after ${rows} points; the chart keeps them.`);
    button.idle();
  }

  $('[data-action="run"]').addEventListener("click", race);
  // the steps field's hint gives the chosen task's default
  inputs.task.addEventListener("change", async () => {
    const answer = await api.call("setup", { task: inputs.task.value });
    const hint = inputs.steps.closest(".gde-field").querySelector(".gde-field-hint");
    if (answer.ok && hint) hint.textContent = answer.result.fields.steps.hint;
  });
  // a failed check at start (e.g. options in the page) shows where the reader can fix it
  if (!checked.ok) showError(checked.error);
}
