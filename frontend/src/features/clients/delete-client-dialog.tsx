import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { clientsDeleteClientMutation } from "@/client/@tanstack/react-query.gen";
import type { ClientPublic } from "@/client/types.gen";
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
    <AlertDialog
      open={client !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the client {client?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            Its tokens stop working at once and its credentials can never be used again. Past access
            records keep its client id. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && <p className="text-sm text-destructive">{errorMessage(remove.error)}</p>}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={remove.isPending}
            onClick={() => client && remove.mutate({ path: { client_id: client.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
