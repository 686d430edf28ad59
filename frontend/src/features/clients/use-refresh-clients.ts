import { useQueryClient } from "@tanstack/react-query";
import {
  clientsReadClientsQueryKey,
  groupsReadGroupsQueryKey,
} from "@/client/@tanstack/react-query.gen";

/** Refetch the clients, and the groups whose client counts may have changed. */
export function useRefreshClients(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: clientsReadClientsQueryKey() }),
      queryClient.invalidateQueries({ queryKey: groupsReadGroupsQueryKey() }),
    ]);
  };
}
