import { useMutation } from "@tanstack/react-query";
import { apisDeleteApiMutation } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
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
    <ConfirmDeleteDialog
      open={api !== null}
      onClose={onClose}
      title={`Delete the API ${api?.name ?? ""}?`}
      description={
        <>
          {api?.is_published ? "It is live: clients calling it will get 404 from now on. " : ""}
          Its draft and every published version are deleted. This cannot be undone.
        </>
      }
      action={remove}
      onConfirm={() => api && remove.mutate({ path: { api_id: api.id } })}
    />
  );
}
