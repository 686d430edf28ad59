import type { TablePublic } from "@/client/types.gen";

/** "schema.name", or the name alone where the database has no schemas. */
export function tableKey(table: TablePublic): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}
