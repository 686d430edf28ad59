import type { UserPublic } from "@/client/types.gen";

export type Resource =
  | "datasource"
  | "module"
  | "api"
  | "macro"
  | "group"
  | "client"
  | "access_log"
  | "alert"
  | "user"
  | "role";

export type Action = "read" | "write" | "publish" | "debug";

/** Whether the user may do `action` on `resource`; superusers may do everything. */
export function can(user: UserPublic, resource: Resource, action: Action): boolean {
  if (user.is_superuser) return true;
  return (user.permissions ?? []).some((p) => p.resource === resource && p.action === action);
}
