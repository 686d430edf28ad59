import { useMutation } from "@tanstack/react-query";
import { apisRestoreApiVersionMutation } from "@/client/@tanstack/react-query.gen";
import type { ApiVersionPublic } from "@/client/types.gen";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { GateRefusalView, useGateRefusal } from "./gate-refusal";

type RestoreVersionDialogProps = {
  apiId: number;
  version: ApiVersionPublic | null;
  /** The editor holds changes that the restore would replace. */
  dirty: boolean;
  /** The user may restore past the module's failing tests (with a reason). */
  mayForce: boolean;
  onClose: () => void;
  onRestored: () => Promise<void>;
};

/** Restore a version; the module's tests may refuse it, as they may a publish. */
export function RestoreVersionDialog(props: RestoreVersionDialogProps) {
  const { apiId, version, dirty, mayForce, onClose, onRestored } = props;
  const gate = useGateRefusal(mayForce);
  const close = () => {
    gate.reset();
    onClose();
  };
  const restore = useMutation({
    ...apisRestoreApiVersionMutation(),
    onSuccess: async () => {
      await onRestored();
      close();
    },
    onError: gate.onError,
  });
  return (
    <ConfirmDialog
      open={version !== null}
      onClose={close}
      title={`Restore version ${version?.version ?? ""}?`}
      description={
        <>
          Its content is published again as a new version, which goes live, and the draft becomes
          that content.
          {dirty && " Your unsaved changes in the editor are discarded."}
        </>
      }
      confirmLabel={gate.forcing ? "Restore anyway" : "Restore"}
      confirmDisabled={gate.blocked}
      action={restore}
      onConfirm={() =>
        version &&
        restore.mutate({ path: { api_id: apiId, version_id: version.id }, body: gate.force })
      }
    >
      <GateRefusalView gate={gate} mayForce={mayForce} verb="restore" />
    </ConfirmDialog>
  );
}
