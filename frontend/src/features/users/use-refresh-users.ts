import { useQueryClient } from "@tanstack/react-query";
import {
  usersReadUserMeQueryKey,
  usersReadUsersQueryKey,
} from "@/client/@tanstack/react-query.gen";

/** Refetch every users page, and the current user in case it was the one changed. */
export function useRefreshUsers(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: usersReadUsersQueryKey() }),
      queryClient.invalidateQueries({ queryKey: usersReadUserMeQueryKey() }),
    ]);
  };
}
