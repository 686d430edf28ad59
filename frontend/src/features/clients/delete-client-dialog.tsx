import { useMutation } from "@tanstack/react-query";
import { clientsDeleteClientMutation } from "@/client/@tanstack/react-query.gen";
import type { ClientPublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { useRefreshClients } from "./use-refresh-clients";

type DeleteClientDialogProps = { client: ClientPublic | null; onClose: () => void };

export function DeleteClientDialog({ client, onClose }: DeleteClientDialogProps) {
  const refreshClients = useRefreshClients();
  const remove = useMutation({
    ...clientsDeleteClientMutation(),
    onSuccess: async () => {
      await refreshClients();
      onClose();
    },
  });
  return (
    <ConfirmDeleteDialog
      open={client !== null}
      onClose={onClose}
      title={`Delete the client ${client?.name ?? ""}?`}
      description="Its tokens stop working at once and its credentials can never be used again. Past access records keep its client id. This cannot be undone."
      action={remove}
      onConfirm={() => client && remove.mutate({ path: { client_id: client.id } })}
    />
  );
}
