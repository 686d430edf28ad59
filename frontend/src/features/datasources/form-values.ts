import type { DatasourceCreate, DatasourcePublic, DatasourceUpdate } from "@/client/types.gen";
import { ALL_OPTION_KEYS, type DatasourceType, type OptionKey, typeInfo } from "./datasource-types";

/** What the form edits, as the inputs hold it: numbers are strings until sent. */
export type FormValues = {
  name: string;
  type: DatasourceType;
  host: string;
  port: string;
  database: string;
  username: string;
  /** A new password; empty keeps the stored one when editing. */
  password: string;
  removePassword: boolean;
  sslmode: string;
  catalog: string;
  schema: string;
  /** Trino: "http" or "https"; a password needs https. */
  httpScheme: string;
  path: string;
  poolSize: string;
  statementTimeoutMs: string;
  description: string;
  isActive: boolean;
};

type Options = Record<string, unknown>;

/** The form value that holds each option. */
const OPTION_FIELDS = {
  sslmode: "sslmode",
  catalog: "catalog",
  schema: "schema",
  http_scheme: "httpScheme",
  path: "path",
} as const satisfies Record<OptionKey, keyof FormValues>;

const text = (value: string | null | undefined): string => value ?? "";
const numberText = (value: number | null | undefined): string =>
  value === null || value === undefined ? "" : String(value);

function optionText(options: Options | undefined, key: OptionKey): string {
  const value = options?.[key];
  return typeof value === "string" ? value : "";
}

export function initialValues(source?: DatasourcePublic): FormValues {
  const options = source?.options;
  return {
    name: text(source?.name),
    type: source?.type ?? "postgres",
    host: text(source?.host),
    port: numberText(source?.port),
    database: text(source?.database),
    username: text(source?.username),
    password: "",
    removePassword: false,
    sslmode: optionText(options, "sslmode"),
    catalog: optionText(options, "catalog"),
    schema: optionText(options, "schema"),
    // "http" is the default, so the form holds it as "".
    httpScheme: optionText(options, "http_scheme") === "https" ? "https" : "",
    path: optionText(options, "path"),
    poolSize: numberText(source?.pool_size),
    statementTimeoutMs: numberText(source?.statement_timeout_ms),
    description: text(source?.description),
    isActive: source?.is_active ?? true,
  };
}

function blankToNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function toNumber(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : Number(trimmed);
}

/** The source's other options, plus the ones this form edits for the chosen type. */
function buildOptions(values: FormValues, existing: Options | undefined): Options {
  const managed = new Set<string>(ALL_OPTION_KEYS);
  const options = Object.fromEntries(
    Object.entries(existing ?? {}).filter(([key]) => !managed.has(key)),
  );
  for (const key of typeInfo[values.type].optionKeys) {
    const value = values[OPTION_FIELDS[key]].trim();
    if (value) options[key] = value;
  }
  return options;
}

/** The fields both bodies share; those the type does not use are cleared. */
function commonFields(values: FormValues, existing: Options | undefined) {
  const { network, usesDatabase } = typeInfo[values.type];
  return {
    name: values.name.trim(),
    type: values.type,
    host: network ? blankToNull(values.host) : null,
    port: network ? toNumber(values.port) : null,
    database: usesDatabase ? blankToNull(values.database) : null,
    username: network ? blankToNull(values.username) : null,
    options: buildOptions(values, existing),
    pool_size: toNumber(values.poolSize),
    statement_timeout_ms: toNumber(values.statementTimeoutMs),
    is_active: values.isActive,
    description: blankToNull(values.description),
  };
}

/** A body to create a source, or to pre-test one; `existing` keeps a saved source's extra options. */
export function toCreateBody(values: FormValues, existing?: Options): DatasourceCreate {
  const sendPassword = typeInfo[values.type].network && values.password !== "";
  return {
    ...commonFields(values, existing),
    ...(sendPassword ? { password: values.password } : {}),
  };
}

/** A PATCH body: every field, with `password` null (keep), "" (remove) or the new one. */
export function toUpdateBody(values: FormValues, source: DatasourcePublic): DatasourceUpdate {
  let password: string | null = null;
  if (values.password) password = values.password;
  else if (values.removePassword) password = "";
  return { ...commonFields(values, source.options), password };
}

export function isDirty(values: FormValues, source: DatasourcePublic): boolean {
  return JSON.stringify(values) !== JSON.stringify(initialValues(source));
}

/** How "Test connection" tests what the form shows. */
export type TestPlan =
  | { kind: "pretest"; body: DatasourceCreate }
  /** The saved source, because only the server knows its password; `stale` if the form differs. */
  | { kind: "saved"; id: number; stale: boolean };

/**
 * A new source, or one whose password the form sets, removes or does not need, is
 * tested as the form shows it. A saved source whose stored password is kept is
 * tested as saved: the form does not know that password. Without write permission
 * (which the pre-test needs) the saved source is tested too.
 */
export function testPlan(
  values: FormValues,
  source: DatasourcePublic | undefined,
  mayWrite: boolean,
): TestPlan {
  if (!source) return { kind: "pretest", body: toCreateBody(values) };
  if (!mayWrite) return { kind: "saved", id: source.id, stale: false };
  const needsStoredPassword =
    source.has_password &&
    typeInfo[values.type].network &&
    values.password === "" &&
    !values.removePassword;
  if (!needsStoredPassword) {
    return { kind: "pretest", body: toCreateBody(values, source.options) };
  }
  return { kind: "saved", id: source.id, stale: isDirty(values, source) };
}
