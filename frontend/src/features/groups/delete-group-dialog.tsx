import { useMutation } from "@tanstack/react-query";
import { groupsDeleteGroupMutation } from "@/client/@tanstack/react-query.gen";
import type { GroupPublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { useRefreshGroups } from "./use-refresh-groups";

type DeleteGroupDialogProps = { group: GroupPublic | null; onClose: () => void };

function consequence(group: GroupPublic | null): string {
  const clients = group?.client_count ?? 0;
  if (clients === 0) return "No client is in it.";
  return `Its ${clients === 1 ? "client loses" : `${clients} clients lose`} the APIs granted through it, at once.`;
}

export function DeleteGroupDialog({ group, onClose }: DeleteGroupDialogProps) {
  const refreshGroups = useRefreshGroups();
  const remove = useMutation({
    ...groupsDeleteGroupMutation(),
    onSuccess: async () => {
      await refreshGroups();
      onClose();
    },
  });
  return (
    <ConfirmDeleteDialog
      open={group !== null}
      onClose={onClose}
      title={`Delete the group ${group?.name ?? ""}?`}
      description={`${consequence(group)} The APIs themselves stay. This cannot be undone.`}
      action={remove}
      onConfirm={() => group && remove.mutate({ path: { group_id: group.id } })}
    />
  );
}
