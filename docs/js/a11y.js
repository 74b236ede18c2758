// Material wraps the copy button of each code block in a <nav> without a name, so a page with
// several code blocks has several unnamed navigation landmarks. The button belongs to its code
// block, it is not a way around the site: the wrapper is made a plain container, on every page
// (document$ emits again after each instant navigation, once Material has added the buttons).
document$.subscribe(() => {
  for (const nav of document.querySelectorAll("nav.md-code__nav")) {
    nav.setAttribute("role", "none");
  }
});
