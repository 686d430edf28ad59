import type { MacroCreate, MacroPublic } from "@/client/types.gen";
import type { MacroKind } from "./kind-badge";

export type MacroFormValues = {
  name: string;
  kind: MacroKind;
  /** "" for a global macro. */
  moduleId: string;
  description: string;
  content: string;
};

export function initialValues(macro?: MacroPublic): MacroFormValues {
  return {
    name: macro?.name ?? "",
    kind: macro?.kind ?? "sql",
    moduleId: macro?.module_id ? String(macro.module_id) : "",
    description: macro?.description ?? "",
    content: macro?.content ?? "",
  };
}

/** The body to create a macro, or every field of a PATCH. */
export function toBody(values: MacroFormValues): MacroCreate {
  return {
    name: values.name.trim(),
    kind: values.kind,
    module_id: values.moduleId ? Number(values.moduleId) : null,
    description: values.description.trim() || null,
    content: values.content,
  };
}

export function isDirty(values: MacroFormValues, macro: MacroPublic | undefined): boolean {
  return !macro || JSON.stringify(values) !== JSON.stringify(initialValues(macro));
}

/** Whether leaving would lose typing: a new macro counts once it differs from its blank form. */
export function hasEdits(values: MacroFormValues, macro: MacroPublic | undefined): boolean {
  return JSON.stringify(values) !== JSON.stringify(initialValues(macro));
}

/** How a SQL template uses the macro. */
export function importSnippet(name: string): string {
  return `{% import '${name || "macro_name"}' as m %}`;
}
