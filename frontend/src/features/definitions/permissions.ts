import type { UserPublic } from "@/client/types.gen";
import { type Action, can, type Resource } from "@/lib/permissions";

/** The kinds of object a definitions file holds. */
const KINDS: Resource[] = ["datasource", "module", "api", "macro", "group", "client"];

function missing(user: UserPublic, needs: [Resource, Action][]): string[] {
  return needs
    .filter(([resource, action]) => !can(user, resource, action))
    .map(([resource, action]) => `${resource}:${action}`);
}

/** What the user lacks to export: read on every kind the file holds. */
export function missingToExport(user: UserPublic): string[] {
  return missing(
    user,
    KINDS.map((kind) => [kind, "read"]),
  );
}

/** What the user lacks to import: write on every kind, and publish on APIs and macros. */
export function missingToImport(user: UserPublic): string[] {
  return missing(user, [
    ...KINDS.map((kind): [Resource, Action] => [kind, "write"]),
    ["api", "publish"],
    ["macro", "publish"],
  ]);
}
