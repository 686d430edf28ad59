import { useQueryClient } from "@tanstack/react-query";
import {
  apisReadApisQueryKey,
  clientsReadClientsQueryKey,
  groupsReadGroupsQueryKey,
} from "@/client/@tanstack/react-query.gen";

/** Refetch the groups, and the lists that show group membership (APIs, clients). */
export function useRefreshGroups(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: groupsReadGroupsQueryKey() }),
      queryClient.invalidateQueries({ queryKey: apisReadApisQueryKey() }),
      queryClient.invalidateQueries({ queryKey: clientsReadClientsQueryKey() }),
    ]);
  };
}
