// The "Python" panel under every demo: the library functions the demo runs, read from the
// package the worker runs (the demo's `source` method, explainer_core/demos/code.py), so the
// text shown can never differ from the code that runs. Closed by default; nothing is asked of
// the worker until the reader opens it. Highlighting is a small tokenizer here (the names of
// its classes are Pygments' short ones); the lines are numbered as in the package's file.
//
// A function the demo marks editable (its module's EDITABLE) gets an editor instead (CodeMirror
// 6, bundled at build time, imported when the panel first opens): "Run with my code" runs the
// demo with the reader's function in place of the library's (runtime.js sends it with every
// request), "Reset" restores the library's, "Show changes" a diff. The text is kept in this
// browser (localStorage) and can go into the page link; code that comes with a link, or from
// storage, is shown and waits for Run: it never runs by itself.

import { copyAddress, hashParams, writeHash } from "./link.js";

const KEYWORDS = new Set(("False None True and as assert async await break class continue def del elif else " +
  "except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "));
const BUILTINS = new Set(("abs all any bool dict enumerate float getattr int isinstance len list map max min " +
  "range reversed round sorted str sum super tuple type zip ValueError TypeError").split(" "));
// comment | string (with prefixes, triple-quoted ones across lines) | decorator | number | name
const TOKEN = new RegExp([
  /(#[^\n]*)/.source,
  /((?:\b[rRbBfFuU]{1,2})?(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))/.source,
  /(@[A-Za-z_][\w.]*)/.source,
  /(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?\b|\.\d+(?:[eE][+-]?\d+)?)/.source,
  /([A-Za-z_]\w*)/.source,
].join("|"), "g");

/** The text as lines of [piece, class] pairs (class "" for plain text). */
export function highlight(text) {
  const pieces = [];
  let at = 0;
  let previous = "";
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > at) pieces.push([text.slice(at, m.index), ""]);
    const [whole, comment, string, decorator, number, name] = m;
    let kind = "";
    if (comment) kind = "c";
    else if (string) kind = "s";
    else if (decorator) kind = "nd";
    else if (number) kind = "m";
    else if (name) kind = KEYWORDS.has(name) ? "k" : previous === "def" || previous === "class" ? "nf" : BUILTINS.has(name) ? "nb" : "";
    if (name) previous = name;
    pieces.push([whole, kind]);
    at = m.index + whole.length;
  }
  if (at < text.length) pieces.push([text.slice(at), ""]);
  const lines = [[]];
  for (const [piece, kind] of pieces) {
    piece.split("\n").forEach((part, k) => {
      if (k > 0) lines.push([]);
      if (part) lines[lines.length - 1].push([part, kind]);
    });
  }
  if (!lines[lines.length - 1].length) lines.pop(); // the function's last newline
  return lines;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function headingText(id) {
  const heading = document.getElementById(id);
  if (!heading) return null;
  const copy = heading.cloneNode(true);
  copy.querySelectorAll(".headerlink").forEach((a) => a.remove());
  return copy.textContent.trim();
}

const EDITOR_URL = new URL("../assets/vendor/editor/editor.js", import.meta.url).href;
let editorModule = null;
const loadEditor = () => (editorModule ??= import(EDITOR_URL));
const dark = () => document.body.dataset.mdColorScheme === "slate";

// text <-> the page link's value (base64url of the UTF-8 bytes)
const encode = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)))
  .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
function decode(value) {
  try {
    const bytes = Uint8Array.from(atob(value.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
const MAX_LINK_CODE = 20000;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage refused (privacy settings): edits last as long as the page
  }
}

function button(label, title) {
  const el = element("button", "md-button", label);
  el.type = "button";
  if (title) el.title = title;
  return el;
}

// The editor of one editable function, mounted into `section` (replacing its <pre>).
async function mountEditor(section, entry, root, reader, signal) {
  const demo = root.dataset.demo;
  const short = entry.name.split(".").pop();
  const storeKey = `gde-code:${demo}:${entry.key}`;
  const linkKey = `code.${demo}.${entry.key}`;
  const note = element("p", "gde-code__note");
  note.setAttribute("role", "status");
  const fromLink = hashParams().get(linkKey);
  const linked = fromLink && fromLink.length <= MAX_LINK_CODE * 2 ? decode(fromLink) : null;
  const saved = storage()?.getItem(storeKey) ?? null;
  let start = entry.text;
  if (fromLink && linked === null) {
    note.textContent = "The code in the link could not be read (it is damaged or too long); the library's version is shown.";
  } else if (linked !== null && linked !== entry.text) {
    start = linked;
    note.textContent = "This code came with the link. It has not run: read it, then press \u201cRun with my code\u201d to use it.";
  } else if (saved !== null && saved !== entry.text) {
    start = saved;
    note.textContent = "Your edited version, kept in this browser. It runs when you press \u201cRun with my code\u201d.";
  }
  const holder = element("div", "gde-code__editor");
  const pre = section.querySelector(".gde-code__src");
  pre.replaceWith(holder);
  let module;
  try {
    module = await loadEditor();
  } catch (error) {
    holder.replaceWith(pre); // the source stays readable
    note.textContent = `The editor could not load (${error.message}); the code is shown read-only.`;
    section.append(note);
    return;
  }
  const error = element("div", "gde-code__error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const editor = module.createEditor(holder, {
    doc: start, dark: dark(), label: `Your version of ${short}, editable Python (Tab indents; Escape, then Tab, leaves the editor)`,
    onChange: () => storage()?.setItem(storeKey, editor.text()),
  });
  holder.dataset.key = entry.key;
  holder.gdeEditor = editor; // for tests: the text as the editor holds it
  const run = button("Run with my code", `Run the demo with this ${short} in place of the library's`);
  run.classList.add("md-button--primary");
  run.dataset.action = "run-code";
  const reset = button("Reset", `Put back the library's ${short} and its numbers`);
  reset.dataset.action = "reset-code";
  const diff = button("Show changes", "What you changed, beside the library's version");
  diff.dataset.action = "diff-code";
  diff.setAttribute("aria-expanded", "false");
  const link = button("Copy link with my code", "A link to this page that carries your code (it does not run until Run is pressed)");
  link.dataset.action = "link-code";
  const stop = button("Stop my code", "Replace the Python running your code");
  stop.dataset.action = "stop-code";
  stop.hidden = true;
  const linkStatus = element("output", "gde-copy-status");
  linkStatus.setAttribute("aria-live", "polite");
  const row = element("div", "gde-row gde-code__actions");
  row.append(run, reset, diff, link, stop, linkStatus);
  const diffBox = element("div", "gde-code__diff");
  diffBox.hidden = true;
  section.append(row, error, note, diffBox);
  let diffView = null;
  let lastGood = null; // the text that last ran to the end without an error
  let tried = null; // the text of the run under way

  const showError = (detail) => {
    error.hidden = false;
    error.textContent = detail.line ? `Line ${detail.line} of your code: ${detail.message.replace(/^Line \d+: /, "")}` : detail.message;
    editor.markLine(detail.line ?? null);
  };
  const clearError = () => {
    error.hidden = true;
    error.textContent = "";
    editor.markLine(null);
  };
  const use = (text) => {
    const active = { ...(reader.active || {}) };
    if (text === null) delete active[entry.key];
    else active[entry.key] = text;
    reader.active = Object.keys(active).length ? active : null;
  };
  const rerun = async () => {
    if (reader.rerun) await reader.rerun();
  };
  const closeDiff = () => {
    diffView?.destroy();
    diffView = null;
    diffBox.replaceChildren();
    diffBox.hidden = true;
    diff.textContent = "Show changes";
    diff.setAttribute("aria-expanded", "false");
  };

  run.addEventListener("click", async () => {
    clearError();
    tried = editor.text();
    use(tried);
    note.textContent = `Running the demo with your ${short} …`;
    if (diffView) closeDiff();
    await rerun();
  });
  reset.addEventListener("click", async () => {
    clearError();
    closeDiff();
    editor.setText(entry.text);
    storage()?.removeItem(storeKey);
    const params = hashParams();
    if (params.has(linkKey)) {
      params.delete(linkKey);
      writeHash(params);
    }
    lastGood = null;
    tried = null;
    use(null);
    note.textContent = `The library's ${short} is back, and the demo runs with it.`;
    await rerun();
  });
  diff.addEventListener("click", () => {
    if (diffView) return closeDiff();
    diffBox.hidden = false;
    if (editor.text() === entry.text) {
      diffBox.append(element("p", "", "No changes: this is the library's version."));
    } else {
      diffView = module.createDiff(diffBox, {
        original: entry.text, edited: editor.text(), dark: dark(), label: `Changes to ${short}`,
        unified: diffBox.clientWidth < 640,
      });
    }
    diff.textContent = "Hide changes";
    diff.setAttribute("aria-expanded", "true");
  });
  link.addEventListener("click", () => {
    const text = editor.text();
    if (text.length > MAX_LINK_CODE) {
      linkStatus.textContent = `The code is too long for a link (${text.length.toLocaleString("en")} characters; at most ${MAX_LINK_CODE.toLocaleString("en")}).`;
      return;
    }
    const params = hashParams();
    params.set(linkKey, encode(text));
    writeHash(params);
    copyAddress(location.href, linkStatus, "Link copied: it shows your code, which runs only when Run is pressed.", "Link with your code");
  });
  stop.addEventListener("click", () => reader.replace());

  root.addEventListener("gde:code-error", (event) => {
    if (event.detail.function && event.detail.function !== short) return;
    showError(event.detail);
    use(lastGood); // the demo goes on with the last function that worked
    tried = null;
    note.textContent = lastGood === null
      ? "The demo keeps running the library's version until your code runs without an error."
      : "The demo keeps running your last version that worked until this one runs without an error.";
  }, { signal });
  root.addEventListener("gde:code-ok", () => {
    if (tried === null) return;
    lastGood = tried;
    tried = null;
    note.textContent = `The demo ran with your ${short}.`;
  }, { signal });
  root.addEventListener("gde:code-busy", (event) => (stop.hidden = event.detail.pending === 0), { signal });
  root.addEventListener("gde:code-replacing", () => {
    use(lastGood === tried ? null : lastGood);
    tried = null;
    note.textContent = "Your code was still running, so the Python running it is being replaced …";
  }, { signal });
  root.addEventListener("gde:code-replaced", (event) => {
    note.textContent = `Your code did not return, so the Python running it was replaced (ready again in ${(event.detail.ms / 1000).toFixed(1)} s). ` +
      "Check its loops, then press \u201cRun with my code\u201d again.";
  }, { signal });
  const scheme = new MutationObserver(() => editor.setDark(dark()));
  scheme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  signal?.addEventListener("abort", () => { scheme.disconnect(); editor.destroy(); closeDiff(); }, { once: true });
}

function renderFunction(entry) {
  const section = element("section", "gde-code__function");
  const where = element("p", "gde-code__where");
  const short = entry.name.split(".").pop();
  where.append(element("code", "", entry.name), `, ${entry.file} line ${entry.line}.`);
  const title = headingText(entry.anchor);
  if (title) {
    const link = element("a", "", title);
    link.href = `#${entry.anchor}`;
    // the page address holds the demos' settings (link.js): scroll to the heading without
    // replacing them, and without the instant navigation reloading the page's demos
    link.addEventListener("click", (event) => {
      const heading = document.getElementById(entry.anchor);
      if (!heading) return;
      event.preventDefault();
      event.stopPropagation(); // Material's instant navigation listens on the body
      heading.tabIndex = -1;
      heading.scrollIntoView({ block: "start" });
      heading.focus({ preventScroll: true });
    });
    where.append(" Explained in ", link, ".");
  }
  const pre = element("pre", "gde-code__src");
  pre.tabIndex = 0; // a wide line scrolls: the keyboard can scroll it too
  pre.setAttribute("aria-label", `Python source of ${short}, from line ${entry.line}`);
  const code = element("code");
  highlight(entry.text).forEach((pieces, k) => {
    const line = element("span", "gde-code__line");
    const number = element("span", "gde-code__n", String(entry.line + k));
    number.setAttribute("aria-hidden", "true");
    line.append(number);
    for (const [text, kind] of pieces) line.append(kind ? element("span", kind, text) : text);
    line.append("\n");
    code.append(line);
  });
  pre.append(code);
  section.append(where, pre);
  return section;
}

/** Add the closed panel to a mounted demo; `call(method, args)` asks the demo's worker;
 * `reader` is the demo's reader-code state (runtime.js), `signal` the page's. */
export function addCodePanel(root, call, reader, signal) {
  if (root.querySelector(":scope > .gde-code")) return;
  const panel = element("details", "gde-code");
  const summary = element("summary", "", root.dataset.editable
    ? "Python: the library code this demo runs, and yours" : "Python: the library code this demo runs");
  const body = element("div", "gde-code__body");
  const status = element("p", "gde-code__status");
  status.setAttribute("role", "status");
  body.append(status);
  panel.append(summary, body);
  root.append(panel);
  let asked = false;
  // a link that carries code for this demo opens the panel, so the reader sees it (not run)
  const linked = [...hashParams().keys()].some((key) => key.startsWith(`code.${root.dataset.demo}.`));
  panel.addEventListener("toggle", async () => {
    if (!panel.open || asked) return;
    asked = true;
    status.textContent = "Reading the code from the package …";
    const reply = await call("source", {});
    if (!reply.ok) {
      asked = false; // opening it again tries again
      status.textContent = `The code could not be read: ${reply.error.message}`;
      return;
    }
    const editable = reply.result.filter((entry) => entry.editable).length;
    status.textContent = `${reply.result.length} function${reply.result.length === 1 ? "" : "s"} of explainer_core, as the demo runs them` +
      (editable ? `; the editable one${editable === 1 ? " is" : "s are"} yours to rewrite:` : ":");
    const sections = reply.result.map(renderFunction);
    body.append(...sections);
    await Promise.all(reply.result.map((entry, k) => entry.editable && reader
      ? mountEditor(sections[k], entry, root, reader, signal) : null));
    panel.dataset.loaded = "true";
  });
  if (linked && root.dataset.editable) panel.open = true;
}
