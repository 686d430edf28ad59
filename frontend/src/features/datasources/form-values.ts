import type { DatasourceCreate, DatasourcePublic, DatasourceUpdate } from "@/client/types.gen";
import {
  ALL_OPTION_KEYS,
  type DatasourceType,
  type OptionKey,
  SESSION_OPTIONS,
  typeInfo,
} from "./datasource-types";

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

/**
 * A PATCH body: every field, and `password` only when the form changes it: the new one,
 * or "" to remove it. Left out, the server keeps the stored password, unless the target
 * moves (see `dropsStoredPassword`).
 */
export function toUpdateBody(values: FormValues, source: DatasourcePublic): DatasourceUpdate {
  const body: DatasourceUpdate = commonFields(values, source.options);
  if (values.password) body.password = values.password;
  else if (values.removePassword) body.password = "";
  return body;
}

type TargetFields = Pick<DatasourcePublic, "type" | "host" | "port" | "database" | "username"> & {
  options?: Options | null;
};

/**
 * Where a password goes and how it travels: the backend's `services.datasources.target`,
 * as a string to compare. Options are sorted so that their order does not count.
 */
function target(fields: TargetFields): string {
  const tuning = SESSION_OPTIONS[fields.type];
  const guards = Object.entries(fields.options ?? {})
    .filter(([key]) => !tuning.has(key))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    fields.type,
    fields.host ?? null,
    fields.port ?? typeInfo[fields.type].defaultPort,
    fields.database ?? null,
    fields.username ?? null,
    guards,
  ]);
}

/** Whether saving the form points the source at another server, database, user or TLS set-up. */
function movesTarget(values: FormValues, source: DatasourcePublic): boolean {
  return target(commonFields(values, source.options)) !== target(source);
}

/** The form leaves a stored password as it is: it neither types a new one nor removes it. */
function keepsStoredPassword(values: FormValues, source: DatasourcePublic): boolean {
  return (
    Boolean(source.has_password) &&
    typeInfo[values.type].network &&
    values.password === "" &&
    !values.removePassword
  );
}

/**
 * Saving would silently lose the stored password: the server only sends it to the target
 * it was saved for, so a change of target drops it unless the password comes again.
 */
export function dropsStoredPassword(values: FormValues, source?: DatasourcePublic): boolean {
  if (!source) return false;
  return keepsStoredPassword(values, source) && movesTarget(values, source);
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
 * tested as the form shows it. A saved source whose stored password is kept is tested
 * as saved, since the form does not know that password; but not once the form moves the
 * target, which that password will never be sent to.
 */
export function testPlan(values: FormValues, source: DatasourcePublic | undefined): TestPlan {
  if (!source) return { kind: "pretest", body: toCreateBody(values) };
  if (!keepsStoredPassword(values, source) || movesTarget(values, source)) {
    return { kind: "pretest", body: toCreateBody(values, source.options) };
  }
  return { kind: "saved", id: source.id, stale: isDirty(values, source) };
}
