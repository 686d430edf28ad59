import { useMutation } from "@tanstack/react-query";
import { KeyRoundIcon } from "lucide-react";
import { clientsRegenerateClientSecretMutation } from "@/client/@tanstack/react-query.gen";
import type { ClientPublic, ClientWithSecret } from "@/client/types.gen";
import { ConfirmDialog } from "@/components/confirm-dialog";
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
    <ConfirmDialog
      open={client !== null}
      onClose={onClose}
      title={`Regenerate the secret of ${client?.name ?? ""}?`}
      description="The old secret stops working, and so does every token issued before now: calls with them fail with 401 at once. The application needs the new secret to get a new token."
      confirmLabel="Regenerate secret"
      confirmIcon={<KeyRoundIcon />}
      destructive
      action={regenerate}
      onConfirm={() => client && regenerate.mutate({ path: { client_id: client.id } })}
    />
  );
}
