import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { apisRestoreApiVersionMutation } from "@/client/@tanstack/react-query.gen";
import type { ApiVersionPublic } from "@/client/types.gen";
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
    <AlertDialog
      open={version !== null}
      onOpenChange={(open) => {
        if (!open) {
          restore.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Restore version {version?.version}?</AlertDialogTitle>
          <AlertDialogDescription>
            Its content is published again as a new version, which goes live, and the draft becomes
            that content.
            {dirty && " Your unsaved changes in the editor are discarded."}
          </AlertDialogDescription>
        </AlertDialogHeader>
        {restore.isError && (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(restore.error)}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            disabled={restore.isPending}
            onClick={() =>
              version && restore.mutate({ path: { api_id: apiId, version_id: version.id } })
            }
          >
            {restore.isPending && <LoaderCircleIcon className="animate-spin" />}
            Restore
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
