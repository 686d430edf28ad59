import { useQueryClient } from "@tanstack/react-query";
import { modulesReadModulesQueryKey } from "@/client/@tanstack/react-query.gen";

/** Refetch every modules list. */
export function useRefreshModules(): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: modulesReadModulesQueryKey() });
}
