import type { AuditLogPublic } from "@/client/types.gen";

export type ChangeKind = "added" | "removed" | "changed" | "same";

export type FieldChange = { field: string; before: unknown; after: unknown; kind: ChangeKind };

const has = (object: Record<string, unknown> | null, key: string) =>
  object !== null && Object.hasOwn(object, key);

/** Actions that record a row's update: only what changed is kept on either side. */
const UPDATES = new Set([
  "update",
  "publish",
  "force_publish",
  "restore",
  "force_restore",
  "unpublish",
]);

function kindOf(entry: AuditLogPublic, key: string): ChangeKind {
  const inBefore = has(entry.before, key);
  const inAfter = has(entry.after, key);
  if (inBefore && !inAfter) return "removed";
  if (!inBefore && inAfter) return "added";
  // An update records only what changed: a masked secret reads the same on both sides.
  if (UPDATES.has(entry.action)) return "changed";
  const same = JSON.stringify(entry.before?.[key]) === JSON.stringify(entry.after?.[key]);
  return same ? "same" : "changed";
}

const ORDER: Record<ChangeKind, number> = { changed: 0, added: 1, removed: 2, same: 3 };

/** The fields an entry touched, changed ones first, each with its old and new value. */
export function fieldChanges(entry: AuditLogPublic): FieldChange[] {
  const keys = new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})]);
  return [...keys]
    .map((field) => ({
      field,
      before: entry.before?.[field],
      after: entry.after?.[field],
      kind: kindOf(entry, field),
    }))
    .sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.field.localeCompare(b.field));
}

/** The names of the fields an update changed; empty for a create, a delete or a debug run. */
export function changedFields(entry: AuditLogPublic): string[] {
  if (entry.action !== "update") return [];
  return fieldChanges(entry)
    .filter((change) => change.kind !== "same")
    .map((change) => change.field);
}

/** What the server writes in place of a secret. */
export const MASK = "***";

/** A value as text: strings as they are, everything else as JSON. */
export function valueText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}
