import type { GenerateRequest, ModulePublic, TablePublic } from "@/client/types.gen";

export type Operation = NonNullable<GenerateRequest["operations"]>[number];
export type Access = NonNullable<GenerateRequest["access"]>;

export const OPERATIONS: readonly Operation[] = ["list", "get", "create", "update", "delete"];

/** Which module the APIs go to: one that exists, or a new one made with them. */
export type ModuleChoice = { kind: "existing"; id: number } | { kind: "new"; name: string };

/** What the generator form edits. An empty column list means "the server's default". */
export type GenerateValues = {
  operations: Operation[];
  /** The columns that identify a row; none means the table's primary key. */
  keyColumns: string[];
  filterColumns: string[];
  /** The columns the list API may sort by; none means every column of a plain type. */
  sortColumns: string[];
  module: ModuleChoice;
  pathPrefix: string;
  access: Access;
};

/** Text as a module name may be: lowercase letters, digits, `_` and `-`, 63 at most. */
function moduleSlug(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return slug || "tables";
}

/**
 * A table's name as a path (`Order Lines` -> `order-lines`), the server's own default, filled
 * in so that the user sees the routes and can change them.
 */
export function pathSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return slug || "rows";
}

/**
 * The module a source's APIs most likely go to: the one named after the source if there is
 * one, else a new one of that name (or the first module, for who may not create one).
 */
function defaultModule(
  sourceName: string,
  modules: ModulePublic[],
  mayCreateModule: boolean,
): ModuleChoice {
  const name = moduleSlug(sourceName);
  const existing = modules.find((module) => module.name === name) ?? modules[0];
  if (existing && (existing.name === name || !mayCreateModule)) {
    return { kind: "existing", id: existing.id };
  }
  return { kind: "new", name };
}

export function initialGenerateValues(
  table: TablePublic,
  context: { sourceName: string; modules: ModulePublic[]; mayCreateModule: boolean },
): GenerateValues {
  return {
    operations: [...OPERATIONS],
    keyColumns: [],
    filterColumns: [],
    sortColumns: [],
    module: defaultModule(context.sourceName, context.modules, context.mayCreateModule),
    pathPrefix: pathSlug(table.name),
    access: "private",
  };
}

/** Add or remove one item, keeping the order of `all`. */
export function toggled<T>(chosen: readonly T[], item: T, on: boolean, all: readonly T[]): T[] {
  return all.filter((each) => (each === item ? on : chosen.includes(each)));
}

/** The generator's request body; an empty choice is left to the server's default. */
export function toGenerateRequest(values: GenerateValues, table: TablePublic): GenerateRequest {
  const { module } = values;
  return {
    operations: values.operations,
    ...(module.kind === "existing"
      ? { module_id: module.id }
      : { module_name: module.name.trim() }),
    path_prefix: values.pathPrefix.trim().replace(/^\/+|\/+$/g, "") || null,
    key_columns: values.keyColumns.length > 0 ? values.keyColumns : null,
    filter_columns: values.filterColumns,
    sort_columns: values.sortColumns.length > 0 ? values.sortColumns : null,
    schema: table.schema ?? null,
    access: values.access,
  };
}

/** `/{module}/{prefix}`, how the routes will start, for the operations to show. */
export function routeBase(
  values: GenerateValues,
  modules: ModulePublic[],
  request: GenerateRequest,
): string {
  const { module } = values;
  const name =
    module.kind === "new" ? module.name : modules.find((each) => each.id === module.id)?.name;
  return `/${name || "module"}/${request.path_prefix ?? ""}`;
}
