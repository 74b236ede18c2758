// The code editor of the site's "Python" panels (docs/js/code-panel.js): CodeMirror 6, bundled
// at build time by build_scripts/editor.py into one ES module, .cache/vendor/editor/editor.js.
// The page loads it only when a reader first opens a panel.
//
// Exports:
//   createEditor(parent, {doc, readOnly, dark, label, onChange}) -> handle
//     handle.view                 the EditorView
//     handle.text()               the current text
//     handle.setText(text)        replace the whole text
//     handle.setDark(bool)        follow the page's light/dark scheme
//     handle.markLine(n | null)   highlight line n (1-based) as the line of an error, or none
//   createDiff(parent, {original, edited, dark, label}) -> {destroy(), setDark(bool)}
//     a read-only side-by-side (unified when narrow) view of what the reader changed
import { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  HighlightStyle, bracketMatching, foldGutter, indentOnInput, indentUnit, syntaxHighlighting,
} from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { tags as t } from "@lezer/highlight";
import { MergeView, unifiedMergeView } from "@codemirror/merge";

// Colours chosen for at least 4.5:1 against the editor's background in each scheme.
const lightStyle = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: "#7a1fa2" },
  { tag: [t.string, t.special(t.string)], color: "#1a6b1a" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#5c5c5c", fontStyle: "italic" },
  { tag: [t.number, t.bool, t.null], color: "#9c4400" },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName))], color: "#0b4f9c" },
  { tag: [t.definition(t.variableName), t.className], color: "#0b4f9c" },
  { tag: [t.self, t.special(t.variableName)], color: "#a0174f" },
]);
const darkStyle = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: "#d7a4f5" },
  { tag: [t.string, t.special(t.string)], color: "#9fdc8f" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#a9b0bb", fontStyle: "italic" },
  { tag: [t.number, t.bool, t.null], color: "#ffb37a" },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName))], color: "#8cc4ff" },
  { tag: [t.definition(t.variableName), t.className], color: "#8cc4ff" },
  { tag: [t.self, t.special(t.variableName)], color: "#ff9cc2" },
]);

const base = EditorView.theme({
  "&": { fontSize: "0.8rem", border: "1px solid var(--md-default-fg-color--lighter)", borderRadius: "4px" },
  ".cm-scroller": { fontFamily: "var(--md-code-font-family, monospace)", lineHeight: "1.5", maxHeight: "28rem" },
  ".cm-gutters": { borderRight: "1px solid var(--md-default-fg-color--lightest)" },
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color)", outlineOffset: "1px" },
  ".cm-gde-error-line": { backgroundColor: "rgba(220, 40, 40, 0.18)" },
});
const lightTheme = EditorView.theme({
  "&": { color: "#1f1f1f", backgroundColor: "#fafafa" },
  ".cm-gutters": { color: "#5c5c5c", backgroundColor: "#f0f0f0" },
  ".cm-activeLine": { backgroundColor: "rgba(0, 0, 0, 0.04)" },
  ".cm-activeLineGutter": { backgroundColor: "rgba(0, 0, 0, 0.07)" },
  ".cm-content": { caretColor: "#000" },
}, { dark: false });
const darkTheme = EditorView.theme({
  "&": { color: "#e3e6ea", backgroundColor: "#1b1d24" },
  ".cm-gutters": { color: "#a9b0bb", backgroundColor: "#22252d" },
  ".cm-activeLine": { backgroundColor: "rgba(255, 255, 255, 0.05)" },
  ".cm-activeLineGutter": { backgroundColor: "rgba(255, 255, 255, 0.08)" },
  ".cm-content": { caretColor: "#fff" },
  ".cm-cursor": { borderLeftColor: "#fff" },
}, { dark: true });

const scheme = (dark) => [dark ? darkTheme : lightTheme, syntaxHighlighting(dark ? darkStyle : lightStyle)];

const markEffect = StateEffect.define();
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(markEffect)) continue;
      const n = effect.value;
      if (n == null || n < 1 || n > tr.state.doc.lines) deco = Decoration.none;
      else deco = Decoration.set([Decoration.line({ class: "cm-gde-error-line" }).range(tr.state.doc.line(n).from)]);
    }
    return deco;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function common(label, dark, themeSlot) {
  return [
    lineNumbers(), highlightSpecialChars(), drawSelection(), highlightActiveLineGutter(),
    python(), indentUnit.of("    "), base, themeSlot.of(scheme(dark)), errorLine,
    EditorView.contentAttributes.of({ "aria-label": label }),
  ];
}

export function createEditor(parent, { doc = "", readOnly = false, dark = false, label = "Python code", onChange } = {}) {
  const themeSlot = new Compartment();
  const extensions = [common(label, dark, themeSlot), foldGutter(), bracketMatching()];
  if (readOnly) {
    extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(true),
      keymap.of([...defaultKeymap, ...searchKeymap]), highlightSelectionMatches());
  } else {
    // Tab indents; Escape then Tab (or Tab right after Escape) moves the focus on, as
    // CodeMirror documents for indentWithTab: the editor never traps the keyboard.
    extensions.push(history(), indentOnInput(), closeBrackets(), highlightActiveLine(),
      highlightSelectionMatches(),
      keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]));
    if (onChange) extensions.push(EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }));
  }
  const view = new EditorView({ state: EditorState.create({ doc, extensions }), parent });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
    setDark(on) { view.dispatch({ effects: themeSlot.reconfigure(scheme(on)) }); },
    markLine(n) {
      const effects = [markEffect.of(n)];
      if (n != null && n >= 1 && n <= view.state.doc.lines) {
        effects.push(EditorView.scrollIntoView(view.state.doc.line(n).from, { y: "center" }));
      }
      view.dispatch({ effects });
    },
    destroy: () => view.destroy(),
  };
}

export function createDiff(parent, { original, edited, dark = false, label = "Changes", unified = false } = {}) {
  const themeSlot = new Compartment();
  const ro = [common(label, dark, themeSlot), EditorState.readOnly.of(true)];
  if (unified) {
    const view = new EditorView({
      parent,
      state: EditorState.create({ doc: edited, extensions: [ro, unifiedMergeView({ original, mergeControls: false })] }),
    });
    return { destroy: () => view.destroy(), setDark: (on) => view.dispatch({ effects: themeSlot.reconfigure(scheme(on)) }) };
  }
  const slotB = new Compartment();
  const view = new MergeView({
    parent,
    a: { doc: original, extensions: ro },
    b: { doc: edited, extensions: [common(label, dark, slotB), EditorState.readOnly.of(true)] },
    collapseUnchanged: { margin: 2, minSize: 4 },
  });
  return {
    destroy: () => view.destroy(),
    setDark(on) {
      view.a.dispatch({ effects: themeSlot.reconfigure(scheme(on)) });
      view.b.dispatch({ effects: slotB.reconfigure(scheme(on)) });
    },
  };
}
