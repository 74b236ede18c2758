// Typeset the maths that pymdownx.arithmatex leaves as \( ... \) and \[ ... \], with KaTeX.
document.querySelectorAll(".arithmatex").forEach((el) => {
  renderMathInElement(el, {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
    ],
    throwOnError: false,
  });
});
