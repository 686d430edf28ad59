import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  closeBrackets,
  closeBracketsKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { type SQLNamespace, sql } from "@codemirror/lang-sql";
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
  hoverTooltip,
  keymap,
  lineNumbers,
  MatchDecorator,
  placeholder as placeholderText,
  type Tooltip,
  ViewPlugin,
  type ViewUpdate,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import { cn } from "@/lib/utils";

export type CodeLanguage = "sql" | "python";

/** A name the editor completes and explains on hover. */
export type CodeHint = { name: string; doc?: string; detail?: string };

/**
 * What the editor knows beyond the language: tables and their columns (`{table: [col]}`),
 * the names to complete anywhere (params, script context), the template filters (after
 * `|`) and tags (after `{%`).
 */
export type CodeHints = {
  schema?: SQLNamespace;
  names?: CodeHint[];
  filters?: CodeHint[];
  tags?: CodeHint[];
};

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
  hints?: CodeHints;
  /** Ctrl/Cmd+Enter in the editor. */
  onRun?: () => void;
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
  ".cm-hint-doc": { maxWidth: "28rem", padding: "6px 10px", fontSize: "12px", lineHeight: "1.5" },
  ".cm-hint-doc code": { fontWeight: "600" },
  ".cm-hint-doc p": { margin: "2px 0 0", color: "var(--muted-foreground)" },
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

function option(hint: CodeHint, type: string, boost = 0): Completion {
  return { label: hint.name, type, detail: hint.detail, info: hint.doc, boost };
}

function columnHints(schema: SQLNamespace | undefined): Completion[] {
  if (!schema || Array.isArray(schema) || typeof schema !== "object") return [];
  const seen = new Map<string, string[]>();
  for (const [table, columns] of Object.entries(schema)) {
    if (!Array.isArray(columns)) continue;
    for (const column of columns) {
      const name = typeof column === "string" ? column : column.label;
      seen.set(name, [...(seen.get(name) ?? []), table]);
    }
  }
  return [...seen].map(([label, tables]) => ({
    label,
    type: "property",
    detail: `column of ${tables.join(", ")}`,
  }));
}

/**
 * Completes a filter after `|`, a tag after `{%`, else the given names and the columns of
 * the schema (the language's own source adds keywords and `table.column`).
 */
function hintSource(hints: CodeHints) {
  const names = (hints.names ?? []).map((hint) => option(hint, "variable", 2));
  const columns = columnHints(hints.schema);
  const filters = (hints.filters ?? []).map((hint) => option(hint, "function"));
  const tags = (hints.tags ?? []).map((hint) => option(hint, "keyword"));
  return (context: CompletionContext): CompletionResult | null => {
    const before = context.matchBefore(/(\|\s*|\{%-?\s*)?\w*$/);
    if (!before) return null;
    const word = /\w*$/.exec(before.text)?.[0] ?? "";
    const from = before.to - word.length;
    if (before.text.startsWith("|")) return { from, options: filters, validFor: /^\w*$/ };
    if (before.text.startsWith("{%")) return { from, options: tags, validFor: /^\w*$/ };
    if (!word && !context.explicit) return null;
    return { from, options: [...names, ...columns], validFor: /^\w*$/ };
  };
}

/** The doc of the filter, tag or name under the pointer. */
function hintHover(hints: CodeHints) {
  const docs = new Map<string, string>();
  for (const hint of [...(hints.filters ?? []), ...(hints.tags ?? []), ...(hints.names ?? [])]) {
    if (hint.doc && !docs.has(hint.name)) docs.set(hint.name, hint.doc);
  }
  return hoverTooltip((view, pos): Tooltip | null => {
    const word = view.state.wordAt(pos);
    if (!word) return null;
    const name = view.state.sliceDoc(word.from, word.to);
    const doc = docs.get(name);
    if (!doc) return null;
    return {
      pos: word.from,
      end: word.to,
      above: true,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "cm-hint-doc";
        const title = document.createElement("code");
        title.textContent = name;
        const text = document.createElement("p");
        text.textContent = doc;
        dom.append(title, text);
        return { dom };
      },
    };
  });
}

function languageExtension(language: CodeLanguage, jinja: boolean, hints?: CodeHints): Extension {
  // One source function: the completion state tracks each source by identity.
  const data = hints ? [{ autocomplete: hintSource(hints) }] : [];
  const extra = hints ? [EditorState.languageData.of(() => data), hintHover(hints)] : [];
  if (language === "python") return [python(), extra];
  const base = sql(hints?.schema ? { schema: hints.schema } : {});
  return jinja ? [base, jinjaHighlight, extra] : [base, extra];
}

/** The label and placeholder, which follow the language (a new API may switch it). */
function labelExtension(label: string, id?: string, placeholder?: string): Extension {
  return [
    EditorView.contentAttributes.of({ "aria-label": label, ...(id ? { id } : {}) }),
    placeholder ? placeholderText(placeholder) : [],
  ];
}

function editableExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

function baseExtensions(props: CodeEditorProps, run: () => boolean): Extension[] {
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
      { key: "Mod-Enter", run },
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      indentWithTab,
    ]),
    theme,
    EditorView.lineWrapping,
  ];
}

/**
 * A CodeMirror 6 editor for SQL templates and Python, controlled like an input: it shows
 * `value` and reports every change through `onChange`.
 */
export function CodeEditor(props: CodeEditorProps) {
  const { value, language, readOnly = false, jinja = false, className, hints } = props;
  const { label, id, placeholder } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const onRun = useRef(props.onRun);
  onRun.current = props.onRun;
  const compartments = useRef({
    language: new Compartment(),
    editable: new Compartment(),
    label: new Compartment(),
  });

  // The editor is created once; later props reach it through the effects below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: created once on mount
  useEffect(() => {
    if (!host.current) return;
    const { language: languageSlot, editable, label: labelSlot } = compartments.current;
    const run = () => {
      if (!onRun.current) return false;
      onRun.current();
      return true;
    };
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          baseExtensions(props, run),
          languageSlot.of(languageExtension(language, jinja, hints)),
          labelSlot.of(labelExtension(label, id, placeholder)),
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
      effects: compartments.current.language.reconfigure(languageExtension(language, jinja, hints)),
    });
  }, [language, jinja, hints]);

  useEffect(() => {
    view.current?.dispatch({
      effects: compartments.current.label.reconfigure(labelExtension(label, id, placeholder)),
    });
  }, [label, id, placeholder]);

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
