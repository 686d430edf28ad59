import { type ParamRow, ParamValueError, splitList, typedValue } from "./form-values";

/** What the debug form holds per parameter name: text, or a checkbox state. */
export type DebugInputs = Readonly<Record<string, string | boolean | undefined>>;

function debugValue(row: ParamRow, input: string | boolean): unknown {
  if (typeof input === "boolean") return input;
  if (row.type === "array") return splitList(input);
  if (row.type === "string" || row.type === "date" || row.type === "datetime") return input;
  return typedValue(input, row.type, row.name);
}

/**
 * The `params` of a debug run: each filled input as its parameter's type; empty ones are
 * left out so that defaults apply. Throws ParamValueError for text the type cannot hold.
 */
export function toDebugParams(rows: ParamRow[], inputs: DebugInputs): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const row of rows) {
    const name = row.name.trim();
    const input = inputs[name];
    if (!name || input === undefined || input === "") continue;
    params[name] = debugValue(row, input);
  }
  return params;
}

export { ParamValueError };
