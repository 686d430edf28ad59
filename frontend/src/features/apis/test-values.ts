import type { ApiTestCreate, ApiTestPublic, DebugResult, Expectation } from "@/client/types.gen";

/** How the run must end: as a success (200), or with a given status and/or error code. */
export type Outcome = "succeeds" | "fails";

/** How many rows the run must give: any number, exactly n, or between two bounds. */
export type RowsRule = "any" | "exactly" | "between";

/** One "row r, field f equals v" check, as the form edits it (`equals` is JSON text). */
export type FieldCheckRow = { key: string; row: string; field: string; equals: string };

/** A test case as its form edits it: numbers and JSON as the text typed. */
export type TestFormValues = {
  name: string;
  params: string;
  clientId: string;
  outcome: Outcome;
  status: string;
  code: string;
  rowsRule: RowsRule;
  rows: string;
  rowsMin: string;
  rowsMax: string;
  fields: FieldCheckRow[];
  schema: string;
  maxMs: string;
};

/** A value the form cannot turn into a test case; `field` names the form field. */
export class TestValueError extends Error {
  readonly field: keyof TestFormValues;

  constructor(field: keyof TestFormValues, message: string) {
    super(message);
    this.name = "TestValueError";
    this.field = field;
  }
}

let nextKey = 0;
export const newFieldKey = () => `field-${nextKey++}`;

export function newFieldCheck(): FieldCheckRow {
  return { key: newFieldKey(), row: "0", field: "", equals: "" };
}

const text = (value: number | null | undefined) => (value == null ? "" : String(value));

function rowsRuleOf(expect: Expectation): RowsRule {
  if (expect.rows != null) return "exactly";
  if (expect.rows_min != null || expect.rows_max != null) return "between";
  return "any";
}

/** A success is expected when neither status nor code is, or when the status is 200. */
function outcomeOf(expect: Expectation): Outcome {
  if (expect.code != null) return "fails";
  return expect.status == null || expect.status === 200 ? "succeeds" : "fails";
}

function jsonText(value: unknown): string {
  return value == null ? "" : JSON.stringify(value, null, 2);
}

/** The form of a saved test case. */
export function testFormValues(test?: ApiTestPublic): TestFormValues {
  const expect = test?.expect ?? {};
  return {
    name: test?.name ?? "",
    params: JSON.stringify(test?.params ?? {}, null, 2),
    clientId: text(test?.client_id),
    outcome: outcomeOf(expect),
    status: outcomeOf(expect) === "fails" ? text(expect.status) : "",
    code: expect.code ?? "",
    rowsRule: rowsRuleOf(expect),
    rows: text(expect.rows),
    rowsMin: text(expect.rows_min),
    rowsMax: text(expect.rows_max),
    fields: (expect.fields ?? []).map((check) => ({
      key: newFieldKey(),
      row: String(check.row),
      field: check.field,
      equals: JSON.stringify(check.equals),
    })),
    schema: jsonText(expect.schema),
    maxMs: text(expect.max_ms),
  };
}

/** The row count as the server counts it: a row list's length, or a write's rows_affected. */
export function rowCount(data: unknown): number | null {
  if (Array.isArray(data)) return data.length;
  if (typeof data === "object" && data !== null) {
    const entries = Object.entries(data);
    const [key, value] = entries[0] ?? [];
    if (entries.length === 1 && key === "rows_affected" && Number.isInteger(value)) {
      return value as number;
    }
  }
  return null;
}

/** A short name for a run: its parameters, e.g. `min_id = 1, status = "shipped"`. */
export function paramsSummary(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([name, value]) => `${name} = ${JSON.stringify(value)}`);
  return parts.length > 0 ? parts.join(", ") : "no parameters";
}

/**
 * A test case that holds what this debug run did: its parameters, and a success with
 * its row count, or a failure (whose status and code the debug result does not carry:
 * the form asks for them).
 */
export function valuesFromRun(
  params: Record<string, unknown>,
  result: DebugResult,
): TestFormValues {
  const count = result.ok ? rowCount(result.data) : null;
  return {
    ...testFormValues(),
    name: paramsSummary(params).slice(0, 100),
    params: JSON.stringify(params, null, 2),
    outcome: result.ok ? "succeeds" : "fails",
    rowsRule: count === null ? "any" : "exactly",
    rows: text(count),
  };
}

type Schema = Record<string, unknown>;

const JSON_TYPES = ["null", "boolean", "number", "string", "array", "object"] as const;

function jsonType(value: unknown): (typeof JSON_TYPES)[number] {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as "boolean" | "number" | "string" | "object";
}

/**
 * A JSON Schema that the rows of a run match: a list of objects, each with the columns
 * seen in every row and each column's JSON types. Nothing about values or counts.
 */
export function inferRowsSchema(data: unknown): Schema | null {
  if (!Array.isArray(data) || data.length === 0) return null;
  if (!data.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))) {
    return null;
  }
  const rows = data as Record<string, unknown>[];
  const types = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      const seen = types.get(column) ?? new Set<string>();
      seen.add(jsonType(value));
      types.set(column, seen);
    }
  }
  const properties: Record<string, Schema> = {};
  for (const [column, seen] of types) {
    const list = JSON_TYPES.filter((type) => seen.has(type));
    properties[column] = { type: list.length === 1 ? list[0] : list };
  }
  const required = [...types.keys()].filter((column) => rows.every((row) => column in row));
  return { type: "array", items: { type: "object", required, properties } };
}

function integer(values: TestFormValues, field: keyof TestFormValues, what: string) {
  const raw = String(values[field]).trim();
  if (raw === "") return null;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new TestValueError(field, `${what} is a whole number, 0 or more.`);
  }
  return value;
}

function parseJson(raw: string, field: keyof TestFormValues, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new TestValueError(field, `${what} is not valid JSON.`);
  }
}

function paramsOf(values: TestFormValues): Record<string, unknown> {
  const raw = values.params.trim();
  if (raw === "") return {};
  const params = parseJson(raw, "params", "The parameters");
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TestValueError("params", 'The parameters are a JSON object: {"name": value}.');
  }
  return params as Record<string, unknown>;
}

/** A field check's expected value: JSON when it reads as JSON, else the text itself. */
function equalsValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function fieldChecks(values: TestFormValues): Expectation["fields"] {
  return values.fields
    .filter((check) => check.field.trim() !== "")
    .map((check) => {
      const row = Number(check.row.trim() || "0");
      if (!Number.isInteger(row) || row < 0) {
        throw new TestValueError("fields", "A row number is a whole number, 0 or more.");
      }
      return { row, field: check.field.trim(), equals: equalsValue(check.equals.trim()) };
    });
}

function outcome(values: TestFormValues): Pick<Expectation, "status" | "code"> {
  if (values.outcome === "succeeds") return { status: null, code: null };
  const status = integer(values, "status", "The status");
  const code = values.code.trim() || null;
  if (status === null && code === null) {
    throw new TestValueError("status", "Give the status or the error code the run must end with.");
  }
  return { status, code };
}

function rowsOf(values: TestFormValues): Pick<Expectation, "rows" | "rows_min" | "rows_max"> {
  const none = { rows: null, rows_min: null, rows_max: null };
  if (values.rowsRule === "exactly") {
    const rows = integer(values, "rows", "The row count");
    if (rows === null) throw new TestValueError("rows", "Give the number of rows.");
    return { ...none, rows };
  }
  if (values.rowsRule === "between") {
    const low = integer(values, "rowsMin", "The least number of rows");
    const high = integer(values, "rowsMax", "The most rows");
    if (low === null && high === null) {
      throw new TestValueError("rowsMin", "Give at least one bound.");
    }
    return { ...none, rows_min: low, rows_max: high };
  }
  return none;
}

function schemaOf(values: TestFormValues): Expectation["schema"] {
  const raw = values.schema.trim();
  if (raw === "") return null;
  const schema = parseJson(raw, "schema", "The schema");
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null)) {
    throw new TestValueError("schema", "A JSON Schema is an object (or true or false).");
  }
  return schema as Expectation["schema"];
}

/** The body the server takes; throws TestValueError naming the field at fault. */
export function toTestBody(values: TestFormValues): Required<ApiTestCreate> {
  const clientId = values.clientId.trim();
  return {
    name: values.name.trim(),
    params: paramsOf(values),
    client_id: clientId === "" ? null : Number(clientId),
    expect: {
      ...outcome(values),
      ...rowsOf(values),
      fields: fieldChecks(values),
      schema: schemaOf(values),
      max_ms: integer(values, "maxMs", "The time limit") || null,
    },
  };
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

function rowsText(expect: Expectation): string | null {
  if (expect.rows != null) return plural(expect.rows, "row");
  const { rows_min: low, rows_max: high } = expect;
  if (low != null && high != null) return `${low} to ${high} rows`;
  if (low != null) return `at least ${plural(low, "row")}`;
  if (high != null) return `at most ${plural(high, "row")}`;
  return null;
}

function outcomeText(expect: Expectation): string {
  if (outcomeOf(expect) === "succeeds") return "succeeds";
  return ["fails", expect.status, expect.code].filter((part) => part != null).join(" ");
}

/** What a test expects, as short phrases: "succeeds", "3 rows", "row 0 · id = 3"... */
export function expectationSummary(expect: Expectation): string[] {
  const parts = [outcomeText(expect)];
  const rows = rowsText(expect);
  if (rows) parts.push(rows);
  for (const check of expect.fields ?? []) {
    parts.push(`row ${check.row} · ${check.field} = ${JSON.stringify(check.equals)}`);
  }
  if (expect.schema != null) parts.push("matches the schema");
  if (expect.max_ms != null) parts.push(`under ${expect.max_ms} ms`);
  return parts;
}
