import type { Permission } from "@/client/types.gen";

/** "resource:action", to keep chosen permissions in a Set. */
export function permissionKey(permission: Permission): string {
  return `${permission.resource}:${permission.action}`;
}

const ACTION_ORDER = ["read", "write", "publish", "debug"];

function byActionOrder(a: string, b: string): number {
  const rank = (action: string) => {
    const index = ACTION_ORDER.indexOf(action);
    return index === -1 ? ACTION_ORDER.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** Actions per resource, resources in the order they first appear. */
export function groupByResource(permissions: Permission[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { resource, action } of permissions) {
    groups.set(resource, [...(groups.get(resource) ?? []), action]);
  }
  for (const actions of groups.values()) actions.sort(byActionOrder);
  return groups;
}

/** Every action that exists for some resource, in a stable order. */
export function allActions(permissions: Permission[]): string[] {
  return [...new Set(permissions.map((p) => p.action))].sort(byActionOrder);
}

const RESOURCE_LABELS: Record<string, string> = {
  datasource: "Data source",
  api: "API",
};

/** "access_log" -> "Access log", with a few names spelled as the dashboard does. */
export function resourceLabel(resource: string): string {
  const known = RESOURCE_LABELS[resource];
  if (known) return known;
  const words = resource.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
