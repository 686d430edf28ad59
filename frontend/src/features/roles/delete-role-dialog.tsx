import { useMutation } from "@tanstack/react-query";
import { rolesDeleteRoleMutation } from "@/client/@tanstack/react-query.gen";
import type { RolePublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { useRefreshRoles } from "./use-refresh-roles";

type DeleteRoleDialogProps = { role: RolePublic | null; onClose: () => void };

export function DeleteRoleDialog({ role, onClose }: DeleteRoleDialogProps) {
  const refreshRoles = useRefreshRoles();
  const remove = useMutation({
    ...rolesDeleteRoleMutation(),
    onSuccess: async () => {
      await refreshRoles();
      onClose();
    },
  });
  return (
    <ConfirmDeleteDialog
      open={role !== null}
      onClose={onClose}
      title={`Delete the role ${role?.name ?? ""}?`}
      description="Users who have it lose its permissions. This cannot be undone."
      action={remove}
      onConfirm={() => role && remove.mutate({ path: { role_id: role.id } })}
    />
  );
}
