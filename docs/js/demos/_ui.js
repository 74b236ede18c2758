// Small helpers shared by the demos: markup for controls, and messages beside them.

export function html(strings, ...values) {
  const template = document.createElement("template");
  template.innerHTML = strings.reduce((out, s, i) => out + s + (i < values.length ? values[i] : ""), "");
  return template.content;
}

export const options = (pairs, selected) =>
  pairs.map(([v, label]) => `<option value="${v}"${v === selected ? " selected" : ""}>${label}</option>`).join("");

// A typed field from a setup reply's `fields` entry ({label, default, min, max, hint}); its label is
// also the name Python uses for it in errors (error.arg). min/max let a link's value be checked.
let fieldCount = 0; // ids stay unique when several demos on a page have a field of the same name

export function field({ label, min, max, hint }, name, value) {
  const id = `err-${name}-${++fieldCount}`;
  const bounds = `${min !== undefined ? ` data-min="${min}"` : ""}${max !== undefined ? ` data-max="${max}"` : ""}`;
  return `<label class="gde-field"><span>${label}</span>
    <input type="text" inputmode="decimal" name="${name}" value="${value}" size="6" aria-describedby="${id}"${bounds}>
    <span class="gde-field-error" id="${id}" data-error-for="${label}" aria-live="polite"></span>
    ${hint ? `<span class="gde-field-hint">${hint}</span>` : ""}</label>`;
}

// Errors beside the control Python named (error.arg), else in the demo's .gde-message line.
export function feedback(root) {
  const message = (text, kind = "info") => {
    const el = root.querySelector(".gde-message");
    el.textContent = text || "";
    el.dataset.kind = kind;
  };
  const clearField = (input) => {
    input.closest(".gde-field").querySelector(".gde-field-error").textContent = "";
    input.removeAttribute("aria-invalid");
  };
  return {
    message,
    clearErrors() {
      root.querySelectorAll(".gde-field-error").forEach((el) => (el.textContent = ""));
      root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    },
    showError(error) {
      const slot = error.arg && root.querySelector(`.gde-field-error[data-error-for="${error.arg}"]`);
      if (slot) {
        slot.textContent = error.message;
        slot.closest(".gde-field").querySelector("input, select").setAttribute("aria-invalid", "true");
      } else {
        message(error.message, "error");
      }
    },
    // typing in a field clears its error
    clearOnInput(inputs) {
      inputs.forEach((input) => input.addEventListener("input", () => clearField(input)));
    },
  };
}

// The button that starts a run and stops it: its label says which, and the demo's data-state
// (running | ready) follows it.
export function runButton(button, api) {
  const label = button.textContent;
  const show = (running) => {
    button.textContent = running ? "Stop" : label;
    button.setAttribute("aria-pressed", String(running));
    api.setState(running ? "running" : "ready");
  };
  return { running: () => show(true), idle: () => show(false) };
}

// A canvas ready to draw on in CSS pixels: its backing store sized to the element times the
// device pixel ratio (so lines stay sharp), cleared. The fallback size serves a canvas that is
// not laid out yet (hidden, or in a closed <details>).
export function prepareCanvas(canvas, fallbackWidth = 300, fallbackHeight = 200) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || fallbackWidth;
  const height = canvas.clientHeight || fallbackHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}
