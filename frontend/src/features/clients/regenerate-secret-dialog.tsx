import { useMutation } from "@tanstack/react-query";
import { KeyRoundIcon, LoaderCircleIcon } from "lucide-react";
import { clientsRegenerateClientSecretMutation } from "@/client/@tanstack/react-query.gen";
import type { ClientPublic, ClientWithSecret } from "@/client/types.gen";
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
import { useRefreshClients } from "./use-refresh-clients";

type RegenerateSecretDialogProps = {
  client: ClientPublic | null;
  onClose: () => void;
  onRegenerated: (client: ClientWithSecret) => void;
};

/** Confirms, then replaces a client's secret; the answer holds the new one. */
export function RegenerateSecretDialog(props: RegenerateSecretDialogProps) {
  const { client, onClose } = props;
  const refreshClients = useRefreshClients();
  const regenerate = useMutation({
    ...clientsRegenerateClientSecretMutation(),
    onSuccess: async (renewed) => {
      await refreshClients();
      regenerate.reset();
      props.onRegenerated(renewed);
    },
  });
  return (
    <AlertDialog
      open={client !== null}
      onOpenChange={(open) => {
        if (!open) {
          regenerate.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Regenerate the secret of {client?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            The old secret stops working, and so does every token issued before now: calls with them
            fail with 401 at once. The application needs the new secret to get a new token.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {regenerate.isError && (
          <p className="text-sm text-destructive">{errorMessage(regenerate.error)}</p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={regenerate.isPending}
            onClick={() => client && regenerate.mutate({ path: { client_id: client.id } })}
          >
            {regenerate.isPending ? (
              <LoaderCircleIcon className="animate-spin" />
            ) : (
              <KeyRoundIcon />
            )}
            Regenerate secret
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
