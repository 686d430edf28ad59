import type { ApiCreate, ApiPublic, ApiUpdate, DebugDraft, ParamDef } from "@/client/types.gen";
import type { Access, Engine, Method, Pagination, ParamLocation, ParamType } from "./api-types";
import { pathPlaceholders } from "./api-types";

/** One row of the params editor; every field is text until sent. */
export type ParamRow = {
  /** Identifies the row for React only; never sent. */
  key: string;
  name: string;
  location: ParamLocation;
  type: ParamType;
  required: boolean;
  default: string;
  min: string;
  max: string;
  pattern: string;
  enum: string;
  description: string;
};

/** What the editor edits, as the inputs hold it. */
export type ApiFormValues = {
  name: string;
  moduleId: string;
  method: Method;
  path: string;
  engine: Engine;
  datasourceId: string;
  access: Access;
  /** Let an UPDATE or DELETE without a WHERE clause run; off by default. */
  allowWholeTableWrites: boolean;
  /** Not a tool at /mcp, even for a client granted it. */
  mcpHidden: boolean;
  /** A non-GET API is a tool at /mcp only with this on. */
  mcpWrites: boolean;
  pagination: Pagination;
  timeoutMs: string;
  cacheTtlSeconds: string;
  rateLimitPerMinute: string;
  description: string;
  content: string;
  resultTransform: string;
  paramValidation: string;
  /** The JSON Schema of the answer's data, as JSON text (a script or a transform). */
  outputSchema: string;
  params: ParamRow[];
  groupIds: number[];
};

let rowCounter = 0;
const newKey = () => `row-${++rowCounter}`;

const numberText = (value: number | null | undefined): string =>
  value === null || value === undefined ? "" : String(value);

/** A default or enum value as the inputs show it. */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(valueText).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function paramRow(param: ParamDef): ParamRow {
  return {
    key: newKey(),
    name: param.name,
    location: param.location,
    type: param.type,
    required: param.required ?? false,
    default: param.default === undefined ? "" : valueText(param.default),
    min: numberText(param.min),
    max: numberText(param.max),
    pattern: param.pattern ?? "",
    enum: param.enum ? param.enum.map(valueText).join(", ") : "",
    description: param.description ?? "",
  };
}

export function initialValues(api?: ApiPublic, moduleId?: number): ApiFormValues {
  return {
    name: api?.name ?? "",
    moduleId: numberText(api?.module_id ?? moduleId),
    method: api?.method ?? "GET",
    path: api?.path ?? "",
    engine: api?.engine ?? "sql",
    datasourceId: numberText(api?.datasource_id),
    access: api?.access ?? "private",
    allowWholeTableWrites: api?.allow_whole_table_writes ?? false,
    mcpHidden: api?.mcp_hidden ?? false,
    mcpWrites: api?.mcp_writes ?? false,
    pagination: api?.pagination ?? "none",
    timeoutMs: numberText(api?.timeout_ms),
    cacheTtlSeconds: numberText(api?.cache_ttl_seconds),
    rateLimitPerMinute: numberText(api?.rate_limit_per_minute),
    description: api?.description ?? "",
    content: api?.content ?? "",
    resultTransform: api?.result_transform ?? "",
    paramValidation: api?.param_validation ?? "",
    outputSchema: api?.output_schema ? JSON.stringify(api.output_schema, null, 2) : "",
    params: (api?.params ?? []).map(paramRow),
    groupIds: api?.group_ids ?? [],
  };
}

/** A likely type for a parameter, from its name. */
function guessType(name: string): ParamType {
  const lower = name.toLowerCase();
  if (/(^|_)(id|count|limit|offset|page|page_size|size|year)$/.test(lower)) return "integer";
  if (/^(is|has)_/.test(lower)) return "boolean";
  if (/_(ids|list)$/.test(lower)) return "array";
  if (/_at$/.test(lower)) return "datetime";
  if (/(^|_)(date|day)$/.test(lower)) return "date";
  return "string";
}

/** A new row for `name`: in the path if the path names it, else the query or the body. */
export function suggestedRow(name: string, values: ApiFormValues): ParamRow {
  const bodyMethod = values.method !== "GET" && values.method !== "DELETE";
  let location: ParamLocation = bodyMethod ? "body" : "query";
  if (pathPlaceholders(values.path).includes(name)) location = "path";
  return { ...emptyRow(), name, location, type: guessType(name), required: location === "path" };
}

export function emptyRow(): ParamRow {
  return {
    key: newKey(),
    name: "",
    location: "query",
    type: "string",
    required: false,
    default: "",
    min: "",
    max: "",
    pattern: "",
    enum: "",
    description: "",
  };
}

/** Thrown for text that cannot become the value its parameter's type needs. */
export class ParamValueError extends Error {}

/** Text typed for a parameter, as the JSON value of its type. */
export function typedValue(text: string, type: ParamType, what: string): unknown {
  const trimmed = text.trim();
  if (type === "integer" || type === "number") {
    const number = Number(trimmed);
    if (
      trimmed === "" ||
      !Number.isFinite(number) ||
      (type === "integer" && !Number.isInteger(number))
    ) {
      throw new ParamValueError(
        `${what}: "${trimmed}" is not ${type === "integer" ? "an integer" : "a number"}.`,
      );
    }
    return number;
  }
  if (type === "boolean") {
    if (trimmed === "true" || trimmed === "false") return trimmed === "true";
    throw new ParamValueError(`${what}: write true or false.`);
  }
  if (type === "array") return splitList(trimmed);
  if (type === "object") {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new ParamValueError(`${what}: not valid JSON.`);
    }
  }
  return text;
}

/** "1, 2, x" as [1, 2, "x"]: numbers stay numbers. */
export function splitList(text: string): unknown[] {
  if (text.trim() === "") return [];
  return text.split(",").map((item) => {
    const trimmed = item.trim();
    return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
  });
}

function optionalNumber(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : Number(trimmed);
}

function toParamDef(row: ParamRow): ParamDef {
  const what = `Parameter ${row.name || "without a name"}`;
  return {
    name: row.name.trim(),
    location: row.location,
    type: row.type,
    required: row.required,
    default:
      row.default.trim() === "" ? null : typedValue(row.default, row.type, `${what}, default`),
    min: optionalNumber(row.min),
    max: optionalNumber(row.max),
    pattern: row.pattern.trim() || null,
    enum:
      row.enum.trim() === ""
        ? null
        : row.enum
            .split(",")
            .map((item) => item.trim())
            .filter((item) => item !== "")
            .map((item) => typedValue(item, row.type, `${what}, allowed values`)),
    description: row.description.trim() || null,
  };
}

function settings(values: ApiFormValues) {
  return {
    name: values.name.trim(),
    path: values.path.trim().replace(/^\/+/, ""),
    method: values.method,
    engine: values.engine,
    datasource_id: optionalNumber(values.datasourceId),
    content: values.content,
    result_transform: values.resultTransform.trim() === "" ? null : values.resultTransform,
    param_validation: values.paramValidation.trim() === "" ? null : values.paramValidation,
    access: values.access,
    allow_whole_table_writes: values.allowWholeTableWrites,
    mcp_hidden: values.mcpHidden,
    mcp_writes: values.mcpWrites,
    pagination: values.pagination,
    timeout_ms: optionalNumber(values.timeoutMs),
    cache_ttl_seconds: optionalNumber(values.cacheTtlSeconds),
    rate_limit_per_minute: optionalNumber(values.rateLimitPerMinute),
    description: values.description.trim() || null,
    params: values.params.map(toParamDef),
  };
}

/** The declared output schema as an object; null when empty; throws ParamValueError. */
function outputSchema(values: ApiFormValues): { [key: string]: unknown } | null {
  const text = values.outputSchema.trim();
  if (text === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ParamValueError("Output schema: not valid JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ParamValueError("Output schema: write a JSON object (a JSON Schema).");
  }
  return parsed as { [key: string]: unknown };
}

/** The body to create an API; throws ParamValueError for a default the type cannot hold. */
export function toCreateBody(values: ApiFormValues): ApiCreate {
  return {
    ...settings(values),
    output_schema: outputSchema(values),
    module_id: Number(values.moduleId),
    group_ids: values.groupIds,
  };
}

/**
 * What a debug run sends as its draft: the editor's content and everything that changes
 * how it runs, so that Run never needs a save. Throws ParamValueError like a save.
 */
export function toDebugDraft(values: ApiFormValues): DebugDraft {
  const all = settings(values);
  return {
    method: all.method,
    path: all.path || undefined,
    engine: all.engine,
    datasource_id: all.datasource_id,
    content: all.content,
    params: all.params,
    result_transform: all.result_transform,
    param_validation: all.param_validation,
    timeout_ms: all.timeout_ms,
    pagination: all.pagination,
    allow_whole_table_writes: all.allow_whole_table_writes,
  };
}

const sameIds = (a: number[], b: number[]) =>
  a.length === b.length &&
  [...a].sort((x, y) => x - y).join() === [...b].sort((x, y) => x - y).join();

/**
 * The body of a draft save. Groups are sent only when they were changed here, so that a
 * save does not undo what someone changed meanwhile on the Groups page.
 */
export function toUpdateBody(values: ApiFormValues, api: ApiPublic): ApiUpdate {
  const groups = sameIds(values.groupIds, api.group_ids ?? [])
    ? {}
    : { group_ids: values.groupIds };
  return {
    ...settings(values),
    output_schema: outputSchema(values),
    module_id: Number(values.moduleId),
    ...groups,
  };
}

function comparable(values: ApiFormValues): string {
  return JSON.stringify({ ...values, params: values.params.map(({ key: _, ...row }) => row) });
}

/** Whether the form differs from the saved API; a new API always counts as unsaved. */
export function isDirty(values: ApiFormValues, api: ApiPublic | undefined): boolean {
  return !api || comparable(values) !== comparable(initialValues(api));
}

/** Whether leaving would lose typing: a new API counts once it differs from its blank form. */
export function hasEdits(
  values: ApiFormValues,
  api: ApiPublic | undefined,
  moduleId: number | undefined,
): boolean {
  if (api) return isDirty(values, api);
  return comparable(values) !== comparable(initialValues(undefined, moduleId));
}
