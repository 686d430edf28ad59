import { useMutation } from "@tanstack/react-query";
import { apisRestoreApiVersionMutation } from "@/client/@tanstack/react-query.gen";
import type { ApiVersionPublic } from "@/client/types.gen";
import { ConfirmDialog } from "@/components/confirm-dialog";

type RestoreVersionDialogProps = {
  apiId: number;
  version: ApiVersionPublic | null;
  /** The editor holds changes that the restore would replace. */
  dirty: boolean;
  onClose: () => void;
  onRestored: () => Promise<void>;
};

export function RestoreVersionDialog(props: RestoreVersionDialogProps) {
  const { apiId, version, dirty, onClose, onRestored } = props;
  const restore = useMutation({
    ...apisRestoreApiVersionMutation(),
    onSuccess: async () => {
      await onRestored();
      onClose();
    },
  });
  return (
    <ConfirmDialog
      open={version !== null}
      onClose={onClose}
      title={`Restore version ${version?.version ?? ""}?`}
      description={
        <>
          Its content is published again as a new version, which goes live, and the draft becomes
          that content.
          {dirty && " Your unsaved changes in the editor are discarded."}
        </>
      }
      confirmLabel="Restore"
      action={restore}
      onConfirm={() =>
        version && restore.mutate({ path: { api_id: apiId, version_id: version.id } })
      }
    />
  );
}
