import { useQueryClient } from "@tanstack/react-query";
import {
  datasourcesReadDatasourceQueryKey,
  datasourcesReadDatasourcesQueryKey,
  datasourcesReadTablesQueryKey,
} from "@/client/@tanstack/react-query.gen";

type Changed = { id: number; deleted?: boolean };

/** Refetch every list page, and forget what is cached about one source that changed or went. */
export function useRefreshDatasources(): (changed?: Changed) => Promise<void> {
  const queryClient = useQueryClient();
  return async (changed) => {
    if (changed) {
      const path = { datasource_id: changed.id };
      queryClient.removeQueries({ queryKey: datasourcesReadTablesQueryKey({ path }) });
      const queryKey = datasourcesReadDatasourceQueryKey({ path });
      if (changed.deleted) queryClient.removeQueries({ queryKey });
      else await queryClient.invalidateQueries({ queryKey });
    }
    await queryClient.invalidateQueries({ queryKey: datasourcesReadDatasourcesQueryKey() });
  };
}
