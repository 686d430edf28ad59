import { autocompletion, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { sql } from "@codemirror/lang-sql";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  MatchDecorator,
  placeholder as placeholderText,
  ViewPlugin,
  type ViewUpdate,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { cn } from "@/lib/utils";

export type CodeLanguage = "sql" | "python";

type CodeEditorProps = {
  value: string;
  onChange?: (value: string) => void;
  language: CodeLanguage;
  readOnly?: boolean;
  /** Names the editable area for screen readers and tests. */
  label: string;
  id?: string;
  placeholder?: string;
  /** Marks `{{ }}`, `{% %}` and `{# #}` so that template code stands out from the SQL. */
  jinja?: boolean;
  lineNumbers?: boolean;
  className?: string;
};

/** Colours come from CSS variables (styles.css), so the editor follows the theme. */
const highlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: "var(--code-keyword)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--code-string)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--code-number)" },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: "var(--code-comment)" },
  { tag: [tags.typeName, tags.className, tags.standard(tags.name)], color: "var(--code-type)" },
  { tag: [tags.function(tags.variableName), tags.macroName], color: "var(--code-function)" },
  { tag: [tags.definition(tags.variableName)], color: "var(--code-function)" },
  { tag: [tags.operator, tags.punctuation, tags.bracket], color: "var(--code-punctuation)" },
  { tag: tags.invalid, color: "var(--destructive)" },
]);

const theme = EditorView.theme({
  "&": { color: "var(--foreground)", backgroundColor: "transparent", fontSize: "13px" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    lineHeight: "1.6",
  },
  ".cm-content": { caretColor: "var(--primary)", padding: "10px 0" },
  ".cm-line": { padding: "0 12px" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--primary)", borderLeftWidth: "2px" },
  ".cm-gutters": {
    backgroundColor: "transparent",
    color: "var(--muted-foreground)",
    border: "none",
    borderRight: "1px solid var(--border)",
    opacity: "0.8",
  },
  ".cm-lineNumbers .cm-gutterElement": { padding: "0 10px 0 14px", minWidth: "2.5em" },
  ".cm-activeLine": { backgroundColor: "var(--code-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "transparent", color: "var(--foreground)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
    { backgroundColor: "var(--code-selection) !important" },
  ".cm-selectionMatch": { backgroundColor: "var(--code-selection)" },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: "var(--code-selection)",
    outline: "1px solid var(--border)",
  },
  ".cm-placeholder": { color: "var(--muted-foreground)" },
  ".cm-jinja, .cm-jinja *": { color: "var(--code-jinja) !important" },
  ".cm-jinja": { backgroundColor: "var(--code-jinja-bg)", borderRadius: "3px" },
  ".cm-tooltip": {
    backgroundColor: "var(--popover)",
    color: "var(--popover-foreground)",
    border: "1px solid var(--border)",
    borderRadius: "6px",
    overflow: "hidden",
  },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": {
    backgroundColor: "var(--accent)",
    color: "var(--accent-foreground)",
  },
  ".cm-panels": { backgroundColor: "var(--muted)", color: "var(--foreground)" },
});

const jinjaMarker = new MatchDecorator({
  regexp: /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g,
  decoration: Decoration.mark({ class: "cm-jinja" }),
});

/** Marks the template tags of a Jinja SQL template. */
const jinjaHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = jinjaMarker.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = jinjaMarker.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

function languageExtension(language: CodeLanguage, jinja: boolean): Extension {
  if (language === "python") return python();
  return jinja ? [sql(), jinjaHighlight] : sql();
}

function editableExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

function baseExtensions(props: CodeEditorProps): Extension[] {
  const editing = !props.readOnly;
  return [
    props.lineNumbers === false ? [] : [lineNumbers(), highlightActiveLineGutter()],
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    editing ? [closeBrackets(), autocompletion(), highlightActiveLine()] : [],
    highlightSelectionMatches(),
    syntaxHighlighting(highlightStyle),
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      indentWithTab,
    ]),
    theme,
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({
      "aria-label": props.label,
      ...(props.id ? { id: props.id } : {}),
    }),
    props.placeholder ? placeholderText(props.placeholder) : [],
  ];
}

/**
 * A CodeMirror 6 editor for SQL templates and Python, controlled like an input: it shows
 * `value` and reports every change through `onChange`.
 */
export function CodeEditor(props: CodeEditorProps) {
  const { value, language, readOnly = false, jinja = false, className } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const compartments = useRef({ language: new Compartment(), editable: new Compartment() });

  // The editor is created once; later props reach it through the effects below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: created once on mount
  useEffect(() => {
    if (!host.current) return;
    const { language: languageSlot, editable } = compartments.current;
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          baseExtensions(props),
          languageSlot.of(languageExtension(language, jinja)),
          editable.of(editableExtension(readOnly)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const current = view.current;
    if (!current || current.state.doc.toString() === value) return;
    current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.language.reconfigure(languageExtension(language, jinja)),
    });
  }, [language, jinja]);

  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.editable.reconfigure(editableExtension(readOnly)),
    });
  }, [readOnly]);

  return (
    <div
      ref={host}
      className={cn(
        "overflow-hidden rounded-md border border-input bg-card shadow-xs transition-[color,box-shadow] focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/40 dark:bg-input/20 [&_.cm-editor]:h-full",
        readOnly && "bg-muted/40 focus-within:ring-0 dark:bg-muted/30",
        className,
      )}
    />
  );
}
