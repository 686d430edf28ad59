import { useMutation } from "@tanstack/react-query";
import { LoaderCircleIcon } from "lucide-react";
import { apisDeleteApiMutation } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic } from "@/client/types.gen";
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
import { useRefreshApis } from "./use-refresh-apis";

type DeleteApiDialogProps = { api: ApiPublic | null; onClose: () => void };

export function DeleteApiDialog({ api, onClose }: DeleteApiDialogProps) {
  const refreshApis = useRefreshApis();
  const remove = useMutation({
    ...apisDeleteApiMutation(),
    onSuccess: async () => {
      onClose();
      await refreshApis();
    },
  });
  return (
    <AlertDialog
      open={api !== null}
      onOpenChange={(open) => {
        if (!open) {
          remove.reset();
          onClose();
        }
      }}
    >
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete the API {api?.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            {api?.is_published ? "It is live: clients calling it will get 404 from now on. " : ""}
            Its draft and every published version are deleted. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(remove.error)}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <Button
            variant="destructive"
            disabled={remove.isPending}
            onClick={() => api && remove.mutate({ path: { api_id: api.id } })}
          >
            {remove.isPending && <LoaderCircleIcon className="animate-spin" />}
            Delete
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
