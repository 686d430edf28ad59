import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { datasourcesDeleteDatasourceMutation } from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic } from "@/client/types.gen";
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
import { useRefreshDatasources } from "./use-refresh-datasources";

type DeleteDatasourceDialogProps = {
  source: DatasourcePublic | null;
  onClose: () => void;
  /** Runs once the source is gone, instead of just closing (e.g. to leave its page). */
  onDeleted?: () => void | Promise<void>;
};

export function DeleteDatasourceDialog({
  source,
  onClose,
  onDeleted,
}: DeleteDatasourceDialogProps) {
  const refreshDatasources = useRefreshDatasources();
  const remove = useMutation({
    ...datasourcesDeleteDatasourceMutation(),
    onSuccess: async (_data, { path }) => {
      await (onDeleted ?? onClose)();
      await refreshDatasources({ id: path.datasource_id, deleted: true });
    },
  });
  return (
    <AlertDialog
      open={source !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the data source {source?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            Sluice forgets how to connect to it. The database itself is not touched. This cannot be
            undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && <p className="text-sm text-destructive">{errorMessage(remove.error)}</p>}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={remove.isPending}
            onClick={() => source && remove.mutate({ path: { datasource_id: source.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
