import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { groupsDeleteGroupMutation } from "@/client/@tanstack/react-query.gen";
import type { GroupPublic } from "@/client/types.gen";
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
    <AlertDialog
      open={group !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the group {group?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            {consequence(group)} The APIs themselves stay. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && <p className="text-sm text-destructive">{errorMessage(remove.error)}</p>}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={remove.isPending}
            onClick={() => group && remove.mutate({ path: { group_id: group.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
