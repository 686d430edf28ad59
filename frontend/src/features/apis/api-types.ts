import type { ApiPublic, ParamDef } from "@/client/types.gen";
import type { Method } from "@/components/method-badge";

export type { Method };

export type Access = NonNullable<ApiPublic["access"]>;
export type Engine = NonNullable<ApiPublic["engine"]>;
export type Pagination = NonNullable<ApiPublic["pagination"]>;
export type ParamLocation = ParamDef["location"];
export type ParamType = ParamDef["type"];

export const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
export const PARAM_LOCATIONS: ParamLocation[] = ["query", "path", "body", "header"];
export const PARAM_TYPES: ParamType[] = [
  "string",
  "integer",
  "number",
  "boolean",
  "date",
  "datetime",
  "array",
  "object",
];

export const PAGINATION_LABELS: Record<Pagination, string> = {
  none: "None",
  page: "Page (page, page_size)",
  offset: "Offset (limit, offset)",
};

/** The path clients call: `/{module}/{path}`. */
export function endpointPath(moduleName: string | undefined, path: string): string {
  const trimmed = path.replace(/^\/+/, "");
  return `/${moduleName ?? "…"}/${trimmed}`;
}

/** The `{placeholders}` of an API path. */
export function pathPlaceholders(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? "");
}
