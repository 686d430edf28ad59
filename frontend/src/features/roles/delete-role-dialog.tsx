import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { rolesDeleteRoleMutation } from "@/client/@tanstack/react-query.gen";
import type { RolePublic } from "@/client/types.gen";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";
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
    <AlertDialog
      open={role !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the role {role?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            Users who have it lose its permissions. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && <p className="text-sm text-destructive">{errorMessage(remove.error)}</p>}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={remove.isPending}
            onClick={() => role && remove.mutate({ path: { role_id: role.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
