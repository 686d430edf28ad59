import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import {
  alertsCreateAlertMutation,
  alertsUpdateAlertMutation,
  datasourcesReadDatasourcesOptions,
  modulesReadModulesOptions,
} from "@/client/@tanstack/react-query.gen";
import type { AlertPublic } from "@/client/types.gen";
import { useApiOptions } from "@/components/api-picker";
import { CheckboxField } from "@/components/checkbox-field";
import { CopyButton } from "@/components/copy-button";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { ApiError, errorMessage, fieldErrorsOf } from "@/lib/api";
import {
  type AlertKind,
  type AlertValues,
  initialValues,
  isTraffic,
  KIND_LABELS,
  THRESHOLD_LABELS,
  toBody,
} from "./alert-values";
import { useRefreshAlerts } from "./use-refresh-alerts";

type AlertFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The rule to edit; without it the dialog creates one. */
  alert?: AlertPublic;
};

type Setter = <K extends keyof AlertValues>(key: K, value: AlertValues[K]) => void;

function ScopeSelect({ values, set, id }: { values: AlertValues; set: Setter; id: string }) {
  const modules = useQuery(modulesReadModulesOptions({ query: { limit: 1000 } }));
  const apis = useApiOptions();
  return (
    <NativeSelect id={id} value={values.scope} onChange={(e) => set("scope", e.target.value)}>
      <option value="all">Every API</option>
      <optgroup label="Modules">
        {(modules.data?.data ?? []).map((m) => (
          <option key={m.id} value={`module:${m.id}`}>
            Module {m.name}
          </option>
        ))}
      </optgroup>
      <optgroup label="APIs">
        {(apis ?? []).map((api) => (
          <option key={api.value} value={`api:${api.value}`}>
            {api.endpoint}
          </option>
        ))}
      </optgroup>
    </NativeSelect>
  );
}

function SourceSelect({ values, set, id }: { values: AlertValues; set: Setter; id: string }) {
  const sources = useQuery(datasourcesReadDatasourcesOptions({ query: { limit: 1000 } }));
  return (
    <NativeSelect
      id={id}
      value={values.datasourceId}
      onChange={(e) => set("datasourceId", e.target.value)}
    >
      <option value="">Every data source</option>
      {(sources.data?.data ?? []).map((s) => (
        <option key={s.id} value={String(s.id)}>
          {s.name}
        </option>
      ))}
    </NativeSelect>
  );
}

function ConditionFields({ values, set }: { values: AlertValues; set: Setter }) {
  const ids = { scope: useId(), source: useId(), cls: useId(), t: useId(), w: useId() };
  const minId = useId();
  const thresholdLabel = THRESHOLD_LABELS[values.kind];
  const traffic = isTraffic(values.kind);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {traffic && (
        <FormField id={ids.scope} label="Watches" className="sm:col-span-2">
          {() => <ScopeSelect id={ids.scope} values={values} set={set} />}
        </FormField>
      )}
      {values.kind === "datasource_health" && (
        <FormField id={ids.source} label="Data source" className="sm:col-span-2">
          {() => <SourceSelect id={ids.source} values={values} set={set} />}
        </FormField>
      )}
      {values.kind === "error_rate" && (
        <FormField id={ids.cls} label="Errors counted">
          {(control) => (
            <NativeSelect
              {...control}
              value={values.statusClass}
              onChange={(e) => set("statusClass", e.target.value as "5xx" | "4xx")}
            >
              <option value="5xx">Server errors (5xx)</option>
              <option value="4xx">Client errors (4xx)</option>
            </NativeSelect>
          )}
        </FormField>
      )}
      {thresholdLabel && (
        <FormField id={ids.t} label={thresholdLabel}>
          {(control) => (
            <Input
              {...control}
              type="number"
              min={0}
              step="any"
              value={values.threshold}
              onChange={(e) => set("threshold", e.target.value)}
            />
          )}
        </FormField>
      )}
      {values.kind !== "datasource_health" && (
        <FormField id={ids.w} label="Over the last (seconds)">
          {(control) => (
            <Input
              {...control}
              type="number"
              min={10}
              max={86400}
              value={values.windowSeconds}
              onChange={(e) => set("windowSeconds", e.target.value)}
            />
          )}
        </FormField>
      )}
      {traffic && (
        <FormField id={minId} label="Only with at least (calls)">
          {(control) => (
            <Input
              {...control}
              type="number"
              min={1}
              value={values.minCalls}
              onChange={(e) => set("minCalls", e.target.value)}
            />
          )}
        </FormField>
      )}
    </div>
  );
}

function NotifyFields({
  values,
  set,
  editing,
}: {
  values: AlertValues;
  set: Setter;
  editing: boolean;
}) {
  const ids = { url: useId(), format: useId(), secret: useId(), repeat: useId() };
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField id={ids.url} label="Webhook URL" className="sm:col-span-2">
        {(control) => (
          <Input
            {...control}
            required
            type="url"
            placeholder="https://hooks.example.com/sluice"
            value={values.webhookUrl}
            onChange={(e) => set("webhookUrl", e.target.value)}
          />
        )}
      </FormField>
      <FormField id={ids.format} label="Format">
        {(control) => (
          <NativeSelect
            {...control}
            value={values.webhookFormat}
            onChange={(e) => set("webhookFormat", e.target.value as "json" | "slack")}
          >
            <option value="json">JSON</option>
            <option value="slack">Slack-compatible text</option>
          </NativeSelect>
        )}
      </FormField>
      <FormField id={ids.repeat} label="Repeat every (minutes)" hint="0: tell once per firing.">
        {(control) => (
          <Input
            {...control}
            type="number"
            min={0}
            value={values.repeatMinutes}
            onChange={(e) => set("repeatMinutes", e.target.value)}
          />
        )}
      </FormField>
      <FormField
        id={ids.secret}
        label="Signing secret"
        className="sm:col-span-2"
        hint={
          editing
            ? "Leave empty to keep the current secret."
            : "Each notice carries X-Sluice-Signature: sha256=HMAC of its body with this secret. Copy it now; it is never shown again."
        }
      >
        {(control) => (
          <div className="flex gap-2">
            <Input
              {...control}
              required={!editing}
              minLength={16}
              maxLength={256}
              autoComplete="off"
              className="font-mono"
              value={values.secret}
              onChange={(e) => set("secret", e.target.value)}
            />
            {values.secret && <CopyButton text={values.secret} label="Copy the secret" />}
          </div>
        )}
      </FormField>
    </div>
  );
}

function AlertForm({ alert, onDone }: { alert?: AlertPublic; onDone: () => void }) {
  const [values, setValues] = useState(() => initialValues(alert));
  const set: Setter = (key, value) => setValues((old) => ({ ...old, [key]: value }));
  const refresh = useRefreshAlerts();
  const onSuccess = async () => {
    await refresh();
    onDone();
  };
  const create = useMutation({ ...alertsCreateAlertMutation(), onSuccess });
  const update = useMutation({ ...alertsUpdateAlertMutation(), onSuccess });
  const mutation = alert ? update : create;
  const ids = { name: useId(), kind: useId() };
  const errors = fieldErrorsOf(mutation.error);
  const conflict = mutation.error instanceof ApiError && mutation.error.status === 409;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = toBody(values);
    if (alert) update.mutate({ path: { alert_id: alert.id }, body });
    else create.mutate({ body: { ...body, secret: body.secret ?? "" } });
  }

  return (
    <form className="grid gap-4" onSubmit={submit}>
      {mutation.isError && !conflict && <ErrorAlert error={mutation.error} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          id={ids.name}
          label="Name"
          error={conflict ? errorMessage(mutation.error) : errors.name}
        >
          {(control) => (
            <Input
              {...control}
              required
              maxLength={100}
              autoComplete="off"
              placeholder="orders failing"
              value={values.name}
              onChange={(e) => set("name", e.target.value)}
            />
          )}
        </FormField>
        <FormField id={ids.kind} label="Fires on">
          {(control) => (
            <NativeSelect
              {...control}
              value={values.kind}
              onChange={(e) => set("kind", e.target.value as AlertKind)}
            >
              {Object.entries(KIND_LABELS).map(([kind, label]) => (
                <option key={kind} value={kind}>
                  {label}
                </option>
              ))}
            </NativeSelect>
          )}
        </FormField>
      </div>
      <ConditionFields values={values} set={set} />
      <NotifyFields values={values} set={set} editing={Boolean(alert)} />
      <CheckboxField
        label="Enabled"
        hint="A disabled rule is not evaluated and sends nothing."
        checked={values.enabled}
        onChange={(checked) => set("enabled", checked)}
      />
      <FormDialogFooter>
        <SubmitButton pending={mutation.isPending}>
          {alert ? "Save changes" : "Create alert"}
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

/** Create an alert rule, or change one. */
export function AlertFormDialog({ open, onOpenChange, alert }: AlertFormDialogProps) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="max-w-2xl"
      title={alert ? "Edit alert" : "New alert"}
      description="When the condition holds, a webhook hears of it once (then at the repeat interval), and again when it is resolved."
    >
      <AlertForm alert={alert} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
