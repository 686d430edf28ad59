import { useQueryClient } from "@tanstack/react-query";
import {
  apisReadApiQueryKey,
  apisReadApisQueryKey,
  apisReadApiVersionsQueryKey,
  modulesReadModulesQueryKey,
} from "@/client/@tanstack/react-query.gen";

/**
 * Refetch the API lists and the module counts; with an id, also that API and its
 * versions (after a save, a publish or a restore).
 */
export function useRefreshApis(): (id?: number) => Promise<void> {
  const queryClient = useQueryClient();
  return async (id) => {
    const refetches = [
      queryClient.invalidateQueries({ queryKey: apisReadApisQueryKey() }),
      queryClient.invalidateQueries({ queryKey: modulesReadModulesQueryKey() }),
    ];
    if (id !== undefined) {
      const path = { api_id: id };
      refetches.push(
        queryClient.invalidateQueries({ queryKey: apisReadApiQueryKey({ path }) }),
        queryClient.invalidateQueries({ queryKey: apisReadApiVersionsQueryKey({ path }) }),
      );
    }
    await Promise.all(refetches);
  };
}
