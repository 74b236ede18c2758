// Material wraps the copy button of each code block in a <nav> without a name, so a page with
// several code blocks has several unnamed navigation landmarks. The button belongs to its code
// block, it is not a way around the site: the wrapper is made a plain container, on every page
// (document$ emits again after each instant navigation, once Material has added the buttons).
document$.subscribe(() => {
  for (const nav of document.querySelectorAll("nav.md-code__nav")) {
    nav.setAttribute("role", "none");
  }
});

// A display equation wider than a phone scrolls sideways in its own box (Material gives it
// overflow: auto). A box that scrolls must be reachable by keyboard, so every equation that
// overflows gets into the tab order, with a name that says what it is; one that fits is left out.
function equationsScrollByKeyboard() {
  for (const box of document.querySelectorAll(".md-typeset div.arithmatex")) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Equation, scrolls sideways");
    } else if (box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
let equationsTimer = 0;
document$.subscribe(() => {
  // KaTeX typesets after Material's own handlers: wait for the equations to be laid out.
  requestAnimationFrame(() => requestAnimationFrame(equationsScrollByKeyboard));
});
window.addEventListener("resize", () => {
  clearTimeout(equationsTimer);
  equationsTimer = setTimeout(equationsScrollByKeyboard, 150);
});
