// Demo "gradient-descent-backprop": the chain rule of a 2-2-1 network on one example. The reader
// changes any weight, bias, input or the target; Python (explainer_core.demos.
// gradient_descent_backprop.table) returns the forward values, the local derivatives, each
// parameter's factors and product, and the same slope by central differences. This file shows it.

import { feedback, field, html } from "./_ui.js";

const num = (v, d = 6) => (Number.isFinite(v) ? v.toFixed(d).replaceAll("-", "−") : "not a number");
const sci = (v) => (Number.isFinite(v) ? v.toExponential(1).replaceAll("-", "−") : "not a number");

export default async function mount(root, api) {
  const first = await api.call("setup", {});
  if (!first.ok) throw new Error(first.error.message);
  const { fields, params, inputs: exampleNames } = first.result;
  const opts = api.options;
  const typed = (name) => field(fields[name], name, opts[name] ?? fields[name].default);
  root.append(html`
    <p class="gde-bp__intro">Change a weight or the example; the table follows. A gradient step moves
      every parameter against its slope, θ ← θ − η ∂L/∂θ.</p>
    <div class="gde-row gde-actions gde-bp__controls">
      <button type="button" class="md-button md-button--primary" data-action="step">Take one gradient step</button>
      <button type="button" class="md-button" data-action="reset">Reset</button>
      ${typed("lr")}
    </div>
    <fieldset class="gde-bp__group"><legend>the example</legend>
      <div class="gde-row gde-bp__fields">${exampleNames.map(typed).join(" ")}</div></fieldset>
    <fieldset class="gde-bp__group"><legend>the nine parameters</legend>
      <div class="gde-row gde-bp__fields">${params.map(typed).join(" ")}</div></fieldset>
    <p class="gde-bp__forward" data-role="forward"></p>
    <p class="gde-bp__forward" data-role="local"></p>
    <div class="gde-bp__scroll" tabindex="0" role="region" aria-label="The chain rule, one row per parameter">
      <table class="gde-bp__table">
        <thead><tr><th scope="col">parameter</th><th scope="col">product (backprop)</th>
          <th scope="col">central difference</th><th scope="col">gap</th><th scope="col">factors of the chain rule</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p class="gde-bp__summary" data-role="summary" aria-live="polite"></p>
    <p class="gde-message" aria-live="polite"></p>
  `);
  const lrInput = root.querySelector('[name="lr"]');
  const $ = (s) => root.querySelector(s);
  const names = [...exampleNames, ...params];
  const inputs = Object.fromEntries(names.map((n) => [n, $(`[name="${n}"]`)]));
  const { message, clearErrors, showError, clearOnInput } = feedback(root);
  let latest = 0;

  function show(t) {
    const f = t.forward;
    $('[data-role="forward"]').textContent =
      `Forward: z₁ = ${num(f.z1, 4)}, z₂ = ${num(f.z2, 4)}, h₁ = ${num(f.h1, 4)}, h₂ = ${num(f.h2, 4)}, ŷ = ${num(f.y_hat, 4)}, L = ${num(f.loss, 4)}.`;
    const l = t.local;
    $('[data-role="local"]').textContent =
      `Local derivatives: ∂L/∂ŷ = 2(ŷ − y) = ${num(l.dL_dyhat, 4)}, ∂ŷ/∂h₁ = v₁ = ${num(l.dyhat_dh1, 4)}, ∂ŷ/∂h₂ = v₂ = ${num(l.dyhat_dh2, 4)}, ∂h₁/∂z₁ = 1 − h₁² = ${num(l.dh1_dz1, 4)}, ∂h₂/∂z₂ = 1 − h₂² = ${num(l.dh2_dz2, 4)}.`;
    const body = $(".gde-bp__table tbody");
    body.textContent = "";
    for (const row of t.rows) {
      const tr = document.createElement("tr");
      tr.dataset.param = row.name;
      // the numbers first, so that a phone shows them without scrolling the table sideways
      const cells = [
        `∂L/∂${row.label}`,
        num(row.product),
        num(row.numerical),
        sci(row.gap),
        `= ${row.factors.map(([label, value]) => `${label} (${num(value, 4)})`).join(" × ")}`,
      ];
      cells.forEach((text, k) => {
        const cell = document.createElement(k === 0 ? "th" : "td");
        if (k === 0) cell.scope = "row";
        cell.textContent = text;
        if (k === 1) cell.dataset.value = String(row.product);
        if (k === 2) cell.dataset.value = String(row.numerical);
        tr.append(cell);
      });
      body.append(tr);
    }
    const summary = $('[data-role="summary"]');
    summary.textContent = `Backprop: one forward and one backward pass for all nine slopes. Central differences: ${t.numerical_cost} forward passes. Largest gap between the two: ${sci(t.largest_gap)}.`;
    summary.dataset.value = String(t.largest_gap);
  }

  async function update() {
    const id = ++latest;
    const args = Object.fromEntries(names.map((n) => [n, inputs[n].value]));
    const answer = await api.call("table", args);
    if (id !== latest) return;
    clearErrors();
    if (!answer.ok) {
      showError(answer.error);
      message("The table shows the last valid numbers.");
      return;
    }
    message("");
    show(answer.result);
  }
  async function step() {
    const id = ++latest;
    const args = Object.fromEntries(names.map((n) => [n, inputs[n].value]));
    const answer = await api.call("step", { ...args, lr: lrInput.value });
    if (id !== latest) return;
    clearErrors();
    if (!answer.ok) {
      showError(answer.error);
      message("No step taken: fix the field marked first.");
      return;
    }
    const r = answer.result;
    for (const [name, value] of Object.entries(r.params)) inputs[name].value = String(value);
    show(r.table);
    const words = r.loss_after < r.loss_before ? "fell" : "did not fall (the step was too long for this curve)";
    message(`One step of η = ${r.lr}: the loss ${words}, from ${sci(r.loss_before)} to ${sci(r.loss_after)}.`);
    root.dispatchEvent(new CustomEvent("gde:updated"));
  }
  for (const input of Object.values(inputs)) input.addEventListener("input", update);
  lrInput.addEventListener("input", () => clearErrors());
  root.querySelector('[data-action="step"]').addEventListener("click", step);
  root.querySelector('[data-action="reset"]').addEventListener("click", () => {
    for (const n of names) inputs[n].value = fields[n].default;
    update();
    root.dispatchEvent(new CustomEvent("gde:updated"));
  });
  clearOnInput([...Object.values(inputs), lrInput]);
  show(first.result.table);
  if (names.some((n) => inputs[n].value !== fields[n].default)) update();
}
