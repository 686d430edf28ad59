import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { alertsUpdateAlertMutation } from "@/client/@tanstack/react-query.gen";
import type { AlertPublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";
import { formatDateTime } from "@/lib/format";
import { useRefreshAlerts } from "./use-refresh-alerts";

const HOUR = 3_600_000;
const DURATIONS = [
  { label: "1 hour", ms: HOUR },
  { label: "4 hours", ms: 4 * HOUR },
  { label: "1 day", ms: 24 * HOUR },
  { label: "1 week", ms: 7 * 24 * HOUR },
];

export const isSilenced = (alert: AlertPublic) =>
  alert.silenced_until !== null && Date.parse(alert.silenced_until) > Date.now();

/** Hold a rule's notices until a time (firings are still recorded), or lift the silence. */
export function SilenceDialog({
  alert,
  onClose,
}: {
  alert: AlertPublic | null;
  onClose: () => void;
}) {
  const [hours, setHours] = useState(String(HOUR));
  const refresh = useRefreshAlerts();
  const update = useMutation({
    ...alertsUpdateAlertMutation(),
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  const id = useId();
  const silenced = alert !== null && isSilenced(alert);

  function save(until: string | null) {
    if (alert) update.mutate({ path: { alert_id: alert.id }, body: { silenced_until: until } });
  }
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save(new Date(Date.now() + Number(hours)).toISOString());
  }

  return (
    <FormDialog
      open={alert !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`Silence ${alert?.name ?? ""}`}
      description={
        silenced && alert?.silenced_until
          ? `Silenced until ${formatDateTime(alert.silenced_until)}.`
          : "No notice (firing, repeat or resolved) is sent until then; firings are still recorded."
      }
    >
      <form className="grid gap-4" onSubmit={submit}>
        {update.isError && <ErrorAlert error={update.error} />}
        <FormField id={id} label="Silence for">
          {(control) => (
            <NativeSelect {...control} value={hours} onChange={(e) => setHours(e.target.value)}>
              {DURATIONS.map((d) => (
                <option key={d.ms} value={String(d.ms)}>
                  {d.label}
                </option>
              ))}
            </NativeSelect>
          )}
        </FormField>
        <FormDialogFooter>
          {silenced && (
            <Button type="button" variant="outline" onClick={() => save(null)}>
              Lift the silence
            </Button>
          )}
          <SubmitButton pending={update.isPending}>Silence</SubmitButton>
        </FormDialogFooter>
      </form>
    </FormDialog>
  );
}
