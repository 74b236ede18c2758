// The "Python" panel under every demo: the library functions the demo runs, read from the
// package the worker runs (the demo's `source` method, explainer_core/demos/code.py), so the
// text shown can never differ from the code that runs. Closed by default; nothing is asked of
// the worker until the reader opens it. Highlighting is a small tokenizer here (the names of
// its classes are Pygments' short ones); the lines are numbered as in the package's file.

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

/** Add the closed panel to a mounted demo; `call(method, args)` asks the demo's worker. */
export function addCodePanel(root, call) {
  if (root.querySelector(":scope > .gde-code")) return;
  const panel = element("details", "gde-code");
  const summary = element("summary", "", "Python: the library code this demo runs");
  const body = element("div", "gde-code__body");
  const status = element("p", "gde-code__status");
  status.setAttribute("role", "status");
  body.append(status);
  panel.append(summary, body);
  root.append(panel);
  let asked = false;
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
    status.textContent = `${reply.result.length} function${reply.result.length === 1 ? "" : "s"} of explainer_core, as the demo runs them:`;
    body.append(...reply.result.map(renderFunction));
  });
}
