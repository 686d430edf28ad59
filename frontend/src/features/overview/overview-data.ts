import type { AccessRecordPublic, AlertFiringPublic, AuditLogPublic } from "@/client/types.gen";

/** What `GET /api/v1/overview` answers; the OpenAPI document leaves it untyped. */
export type Overview = {
  counts: {
    modules: number;
    apis: number;
    published_apis: number;
    datasources: number;
    clients: number;
  };
  last24h: { calls: number; errors: number };
  /** What the getting-started checklist needs beyond the counts. */
  setup: { hasCalls: boolean };
  recentCalls: AccessRecordPublic[];
  recentChanges: AuditLogPublic[];
  /** Empty unless the user may read alerts. */
  recentFirings: AlertFiringPublic[];
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const objectAt = (source: Json, key: string): Json => {
  const value = source[key];
  return isObject(value) ? value : {};
};

const numberAt = (source: Json, key: string): number => {
  const value = source[key];
  return typeof value === "number" ? value : 0;
};

/** The objects of a list that have the fields a row needs. */
function listAt<T>(source: Json, key: string, required: string[]): T[] {
  const value = source[key];
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is Json => isObject(item) && required.every((field) => field in item),
  ) as T[];
}

/** The overview as the page uses it, with zeros and empty lists for anything missing. */
export function parseOverview(data: Json): Overview {
  const counts = objectAt(data, "counts");
  const last24h = objectAt(data, "last_24h");
  return {
    counts: {
      modules: numberAt(counts, "modules"),
      apis: numberAt(counts, "apis"),
      published_apis: numberAt(counts, "published_apis"),
      datasources: numberAt(counts, "datasources"),
      clients: numberAt(counts, "clients"),
    },
    last24h: { calls: numberAt(last24h, "calls"), errors: numberAt(last24h, "errors") },
    setup: { hasCalls: objectAt(data, "setup").has_calls === true },
    recentCalls: listAt<AccessRecordPublic>(data, "recent_calls", ["id", "at", "path", "status"]),
    recentChanges: listAt<AuditLogPublic>(data, "recent_changes", [
      "id",
      "at",
      "action",
      "resource",
    ]),
    recentFirings: listAt<AlertFiringPublic>(data, "recent_firings", ["id", "rule_name"]),
  };
}
