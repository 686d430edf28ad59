import { useMutation } from "@tanstack/react-query";
import { alertsDeleteAlertMutation } from "@/client/@tanstack/react-query.gen";
import type { AlertPublic } from "@/client/types.gen";
import { ConfirmDeleteDialog } from "@/components/confirm-dialog";
import { useRefreshAlerts } from "./use-refresh-alerts";

export function DeleteAlertDialog({
  alert,
  onClose,
}: {
  alert: AlertPublic | null;
  onClose: () => void;
}) {
  const refresh = useRefreshAlerts();
  const remove = useMutation({
    ...alertsDeleteAlertMutation(),
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  return (
    <ConfirmDeleteDialog
      open={alert !== null}
      onClose={onClose}
      title={`Delete the alert ${alert?.name ?? ""}?`}
      description="Its firings history goes with it, and no more notices are sent. This cannot be undone."
      action={remove}
      onConfirm={() => alert && remove.mutate({ path: { alert_id: alert.id } })}
    />
  );
}
