import { useMutation } from "@tanstack/react-query";
import { datasourcesDeleteDatasourceMutation } from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
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
    <ConfirmDeleteDialog
      open={source !== null}
      onClose={onClose}
      title={`Delete the data source ${source?.name ?? ""}?`}
      description="Sluice forgets how to connect to it. The database itself is not touched. This cannot be undone."
      action={remove}
      onConfirm={() => source && remove.mutate({ path: { datasource_id: source.id } })}
    />
  );
}
