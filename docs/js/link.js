// Each demo's settings live in the page address (its hash) as the reader changes them, so a link
// reproduces the demo: `#landscape.lr=0.3&landscape.activation=relu`. Keys are the demo's slug and
// the `name` of one of its controls; anything else in the hash (a heading's anchor) is left alone
// until a demo writes. Values from a link are checked before use: a select takes only one of its
// options, a number field only a finite number inside its data-min/data-max, a range only a value
// inside its bounds; anything else is ignored with a message that quotes it as text.

const MAX_VALUE_LENGTH = 64;

export function hashParams() {
  const hash = location.hash.slice(1);
  return hash.includes("=") ? new URLSearchParams(hash) : new URLSearchParams();
}

function controls(root) {
  return [...root.querySelectorAll("input[name], select[name]")].filter((el) => el.type !== "button");
}

// Why `value` cannot go into `control`, or null if it can.
function problem(control, value) {
  if (value.length > MAX_VALUE_LENGTH) return "it is too long";
  if (control.tagName === "SELECT") {
    return [...control.options].some((o) => o.value === value) ? null : "it is not one of the choices";
  }
  const number = Number(value.trim());
  const lo = control.type === "range" ? control.min : control.dataset.min;
  const hi = control.type === "range" ? control.max : control.dataset.max;
  if (control.type === "range" || lo !== undefined || hi !== undefined) {
    if (value.trim() === "" && control.type !== "range") return null; // an empty field means its default
    if (!Number.isFinite(number)) return "it is not a number";
    if (lo !== undefined && lo !== "" && number < Number(lo)) return `it is below ${lo}`;
    if (hi !== undefined && hi !== "" && number > Number(hi)) return `it is above ${hi}`;
  }
  return null;
}

const labelOf = (control) =>
  control.dataset.label || control.closest("label")?.querySelector("span")?.textContent?.trim() || control.name;

// Put the link's values for this demo into its controls, firing the events a reader's change
// fires, so the demo recomputes. Returns the messages about values that were ignored.
export function restore(root, slug) {
  const params = hashParams();
  const byName = new Map(controls(root).map((el) => [el.name, el]));
  const ignored = [];
  for (const [key, value] of params) {
    if (!key.startsWith(`${slug}.`)) continue;
    const name = key.slice(slug.length + 1);
    const control = byName.get(name);
    const shown = JSON.stringify(value.slice(0, MAX_VALUE_LENGTH));
    if (!control) {
      ignored.push(`"${name.slice(0, MAX_VALUE_LENGTH)}" is not a setting of this demo`);
      continue;
    }
    const why = problem(control, value);
    if (why) {
      ignored.push(`${labelOf(control)} ${shown}: ${why}`);
      continue;
    }
    if (control.value === value) continue;
    control.value = value;
    control.dispatchEvent(new Event(control.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
    if (control.tagName !== "SELECT") control.dispatchEvent(new Event("change", { bubbles: true }));
  }
  return ignored;
}

// The demo's settings that differ from their defaults, as `<slug>.<name>` parameters.
function changed(root, slug, defaults) {
  const params = new URLSearchParams();
  for (const control of controls(root)) {
    if (control.value !== defaults.get(control.name)) params.set(`${slug}.${control.name}`, control.value);
  }
  return params;
}

// Make `params` the address's hash (replaceState: no new history entry, no scroll).
export function writeHash(params) {
  const hash = params.toString();
  const url = new URL(location.href);
  url.hash = hash;
  if (url.href !== location.href) history.replaceState(history.state, "", hash ? url.href : url.pathname + url.search);
}

// Write the demo's settings that differ from their defaults into the address.
export function save(root, slug, defaults) {
  const params = hashParams();
  for (const key of [...params.keys()]) if (key.startsWith(`${slug}.`)) params.delete(key);
  for (const [key, value] of changed(root, slug, defaults)) params.set(key, value);
  writeHash(params);
}

// Copy `url` to the clipboard and say `copied` in `status`; without a clipboard (permissions, an
// insecure context) show the address in a selected field (labelled `label`) to copy by hand.
export async function copyAddress(url, status, copied, label) {
  try {
    await navigator.clipboard.writeText(url);
    status.textContent = copied;
  } catch {
    const input = document.createElement("input");
    input.readOnly = true;
    input.value = url;
    input.setAttribute("aria-label", label);
    input.className = "gde-copy-fallback";
    status.replaceChildren("Copy this address: ", input);
    input.select();
  }
}

// Watch a mounted demo: restore the link's settings, keep the address up to date, and add a
// "Copy link" control and an "Open in the playground" link that carries the demo's settings
// (`playground/#from=<slug>&<slug>.<name>=<value>`; the playground maps them to its own setup).
// `signal` ends the watch when the reader leaves the page.
export function linkDemo(root, slug, signal) {
  const defaults = new Map(controls(root).map((el) => [el.name, el.value]));
  let timer = null;
  let playground = null;
  const toPlayground = () => {
    if (!playground) return;
    const params = new URLSearchParams({ from: slug });
    for (const [key, value] of changed(root, slug, defaults)) params.set(key, value);
    playground.href = `${root.dataset.playground}#${params}`;
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      save(root, slug, defaults);
      toPlayground();
    }, 150);
  };
  for (const type of ["input", "change", "gde:updated"]) root.addEventListener(type, later, { signal });
  signal.addEventListener("abort", () => clearTimeout(timer), { once: true });

  const row = document.createElement("div");
  row.className = "gde-row gde-demo__link";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-button gde-copy-link";
  button.textContent = "Copy link to these settings";
  const status = document.createElement("output");
  status.className = "gde-copy-status";
  status.setAttribute("aria-live", "polite");
  button.addEventListener("click", () => {
    clearTimeout(timer);
    save(root, slug, defaults);
    copyAddress(location.href, status, "Link copied.", "Link to these settings");
  });
  row.append(button, status);
  if (root.dataset.playground && slug !== "playground") {
    playground = document.createElement("a");
    playground.className = "md-button gde-open-playground";
    playground.textContent = "Open in the playground";
    playground.title = "The playground, set up like this demo: change the task, the network, or race up to four methods";
    // the settings as they are at the moment of the click, not 150 ms before
    playground.addEventListener("pointerdown", toPlayground);
    playground.addEventListener("keydown", toPlayground);
    row.append(playground);
  }
  root.append(row);
  const ignored = restore(root, slug);
  if (ignored.length) {
    const note = document.createElement("p");
    note.className = "gde-link-message";
    note.dataset.kind = "warning";
    note.setAttribute("role", "status");
    note.textContent = `Settings from the link that were ignored: ${ignored.join("; ")}.`;
    row.after(note);
    // the address should not keep values the page refused: rewrite it now, not after a debounce
    clearTimeout(timer);
    save(root, slug, defaults);
  }
  toPlayground();
}
