import { useQueryClient } from "@tanstack/react-query";
import {
  rolesReadRolesQueryKey,
  usersReadUserMeQueryKey,
} from "@/client/@tanstack/react-query.gen";

/** Refetch the roles, and the current user whose permissions may come from them. */
export function useRefreshRoles(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: rolesReadRolesQueryKey() }),
      queryClient.invalidateQueries({ queryKey: usersReadUserMeQueryKey() }),
    ]);
  };
}
