import { useMutation } from "@tanstack/react-query";
import { usersDeleteUserMutation } from "@/client/@tanstack/react-query.gen";
import type { UserPublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { useRefreshUsers } from "./use-refresh-users";

type DeleteUserDialogProps = { user: UserPublic | null; onClose: () => void };

export function DeleteUserDialog({ user, onClose }: DeleteUserDialogProps) {
  const refreshUsers = useRefreshUsers();
  const remove = useMutation({
    ...usersDeleteUserMutation(),
    onSuccess: async () => {
      await refreshUsers();
      onClose();
    },
  });
  return (
    <ConfirmDeleteDialog
      open={user !== null}
      onClose={onClose}
      title="Delete this user?"
      description={`${user?.email ?? ""} will no longer be able to log in. This cannot be undone.`}
      action={remove}
      onConfirm={() => user && remove.mutate({ path: { user_id: user.id } })}
    />
  );
}
