import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import {
  apisReadEditorReferenceOptions,
  datasourcesReadTablesOptions,
} from "@/client/@tanstack/react-query.gen";
import type { ReferenceEntry } from "@/client/types.gen";
import type { CodeHint, CodeHints } from "@/components/code-editor";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import type { ApiFormValues } from "./form-values";

const hint = (entry: ReferenceEntry, detail?: string): CodeHint => ({ ...entry, detail });

/**
 * What the API's editor completes: the data source's tables and columns (the table
 * browser's answer, for those who may browse tables: datasource:write), the declared params, and the filters, tags and script names with
 * their docs as the backend lists them (one source of truth).
 */
export function useEditorHints(values: ApiFormValues): CodeHints {
  const me = useCurrentUser();
  const sourceId = Number(values.datasourceId);
  const reference = useQuery({
    ...apisReadEditorReferenceOptions(),
    staleTime: Number.POSITIVE_INFINITY,
  }).data;
  const tables = useQuery({
    ...datasourcesReadTablesOptions({ path: { datasource_id: sourceId } }),
    enabled: sourceId > 0 && can(me, "datasource", "write"),
    staleTime: 60_000,
  }).data?.data;
  const paramNames = values.params
    .map((row) => row.name.trim())
    .filter(Boolean)
    .join(",");
  const script = values.engine === "script";

  return useMemo(() => {
    const params: CodeHint[] = paramNames
      ? paramNames.split(",").map((name) => ({ name, detail: "parameter" }))
      : [];
    const schema: Record<string, string[]> = {};
    for (const table of tables ?? []) {
      schema[table.name] = table.columns.map((column) => column.name);
    }
    if (script) {
      const names = (reference?.script_names ?? []).map((entry) => hint(entry, "context"));
      return { names: [...names, ...params] };
    }
    return {
      schema,
      names: params,
      filters: (reference?.filters ?? []).map((entry) => hint(entry, "filter")),
      tags: (reference?.tags ?? []).map((entry) => hint(entry, "tag")),
    };
  }, [paramNames, tables, reference, script]);
}
