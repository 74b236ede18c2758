// Render TeX to HTML with KaTeX's own renderToString, for the build (see maths.py).
//
//   node katex_render.cjs path/to/katex.min.js
//
// Reads one JSON request per line on stdin, [{tex, display}, ...], and answers each with one
// JSON line on stdout, [{html} | {error, html}, ...] in the same order. A formula KaTeX cannot
// parse (or accepts only with a strict-mode warning) gets `error`, and `html` is KaTeX's own
// error rendering (the source in red). The process ends when stdin closes.
"use strict";

const readline = require("readline");
const katex = require(process.argv[2]);

function render({ tex, display }) {
  const warnings = [];
  const options = {
    displayMode: Boolean(display),
    throwOnError: true,
    // LaTeX-incompatible input is an error of the page, like a parse error
    strict: (code, message) => {
      warnings.push(`${message} [${code}]`);
      return "ignore";
    },
  };
  try {
    const html = katex.renderToString(tex, options);
    if (warnings.length) {
      return { error: warnings.join("; "), html };
    }
    return { html };
  } catch (error) {
    const html = katex.renderToString(tex, { ...options, throwOnError: false });
    return { error: String(error.message || error), html };
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const replies = JSON.parse(line).map(render);
  process.stdout.write(JSON.stringify(replies) + "\n");
});
lines.on("close", () => process.exit(0));
process.stdout.write(JSON.stringify({ ready: true, version: katex.version }) + "\n");
