import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import {
  clientsCreateClientMutation,
  clientsUpdateClientMutation,
} from "@/client/@tanstack/react-query.gen";
import type { ClientPublic, ClientWithSecret } from "@/client/types.gen";
import { ApiPicker } from "@/components/api-picker";
import { DescriptionField } from "@/components/description-field";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { GroupPicker } from "@/components/group-picker";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Switch } from "@/components/ui/switch";
import { ApiError, fieldErrorsOf } from "@/lib/api";
import { AddressInput } from "./address-input";
import { AttributesInput, attributesProblem } from "./attributes-input";
import { type ClientFormValues, ClientValueError, initialValues, toBody } from "./form-values";
import { useRefreshClients } from "./use-refresh-clients";

type ClientFormDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The client to edit; without it the dialog creates one. */
  client?: ClientPublic;
  /** Runs with the create's answer, which holds the secret. */
  onCreated: (client: ClientWithSecret) => void;
};

type SetValues = (change: Partial<ClientFormValues>) => void;

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="grid min-w-0 gap-4 border-t pt-4">
      <legend className="pr-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        {title}
      </legend>
      {children}
    </fieldset>
  );
}

function NumberInput(props: {
  id: string;
  label: string;
  hint: string;
  error?: string;
  min: number;
  max: number;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <FormField id={props.id} label={props.label} hint={props.hint} error={props.error}>
      {(control) => (
        <Input
          {...control}
          type="number"
          inputMode="numeric"
          min={props.min}
          max={props.max}
          placeholder={props.placeholder}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </FormField>
  );
}

function LimitFields({ values, set, errors }: FieldProps) {
  const id = useId();
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <NumberInput
        id={`${id}-rate`}
        label="Rate limit / min"
        hint="Empty: the server's default."
        error={errors.rate_limit_per_minute}
        min={0}
        max={10_000_000}
        placeholder="Default"
        value={values.rateLimitPerMinute}
        onChange={(rateLimitPerMinute) => set({ rateLimitPerMinute })}
      />
      <NumberInput
        id={`${id}-concurrent`}
        label="Max concurrent"
        hint="Calls at the same time."
        error={errors.max_concurrent}
        min={0}
        max={100_000}
        placeholder="Default"
        value={values.maxConcurrent}
        onChange={(maxConcurrent) => set({ maxConcurrent })}
      />
      <NumberInput
        id={`${id}-expiry`}
        label="Token expiry (s)"
        hint="60 s to 30 days."
        error={errors.token_expire_seconds}
        min={60}
        max={30 * 86_400}
        placeholder="Default"
        value={values.tokenExpireSeconds}
        onChange={(tokenExpireSeconds) => set({ tokenExpireSeconds })}
      />
    </div>
  );
}

type FieldProps = {
  values: ClientFormValues;
  set: SetValues;
  errors: Readonly<Record<string, string>>;
};

function IdentityFields({ values, set, errors }: FieldProps) {
  const id = useId();
  return (
    <>
      <FormField id={`${id}-name`} label="Name" error={errors.name}>
        {(control) => (
          <Input
            {...control}
            required
            autoComplete="off"
            maxLength={128}
            placeholder="Billing service"
            value={values.name}
            onChange={(event) => set({ name: event.target.value })}
          />
        )}
      </FormField>
      <DescriptionField
        id={`${id}-description`}
        error={errors.description}
        rows={2}
        placeholder="Which application this is, and who runs it"
        value={values.description}
        onChange={(description) => set({ description })}
      />
    </>
  );
}

function GrantFields({ values, set, errors }: FieldProps) {
  const id = useId();
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <FormField
        id={`${id}-groups`}
        label="Groups"
        hint="The client may call every API of its groups."
        error={errors.group_ids}
      >
        {(control) => (
          <GroupPicker
            {...control}
            value={values.groupIds}
            onChange={(groupIds) => set({ groupIds })}
          />
        )}
      </FormField>
      <FormField
        id={`${id}-apis`}
        label="Direct APIs"
        hint="Granted to this client alone."
        error={errors.api_ids}
      >
        {(control) => (
          <ApiPicker {...control} value={values.apiIds} onChange={(apiIds) => set({ apiIds })} />
        )}
      </FormField>
    </div>
  );
}

function ActiveSwitch({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-4 rounded-lg border p-4">
      <div className="grid gap-1">
        <Label htmlFor={id}>Active</Label>
        <p className="text-xs text-muted-foreground">
          An inactive client gets no token, and its tokens stop working.
        </p>
      </div>
      <Switch id={id} checked={checked} onCheckedChange={onChange} />
    </div>
  );
}

/** The server's complaints by field, plus one of ours for a value that cannot be sent. */
function formErrors(error: unknown): Record<string, string> {
  if (error instanceof ClientValueError) return { [error.field]: error.message };
  const errors = { ...fieldErrorsOf(error) };
  if (error instanceof ApiError && error.status === 409) errors.name = error.message;
  for (const key of Object.keys(errors)) {
    const match = /^(allowed_ips|attributes)\./.exec(key);
    if (match?.[1] && !errors[match[1]]) errors[match[1]] = errors[key] ?? "";
  }
  return errors;
}

function ClientForm({
  client,
  onDone,
  onCreated,
}: Omit<ClientFormDialogProps, "open" | "onOpenChange"> & { onDone: () => void }) {
  const [values, setValues] = useState(() => initialValues(client));
  const set: SetValues = (change) => setValues((old) => ({ ...old, ...change }));
  const [localError, setLocalError] = useState<ClientValueError | null>(null);
  const refreshClients = useRefreshClients();
  const create = useMutation({
    ...clientsCreateClientMutation(),
    onSuccess: async (created) => {
      await refreshClients();
      onCreated(created);
      onDone();
    },
  });
  const update = useMutation({
    ...clientsUpdateClientMutation(),
    onSuccess: async () => {
      await refreshClients();
      onDone();
    },
  });
  const mutation = client ? update : create;
  const errors = formErrors(localError ?? mutation.error);
  const id = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      const body = toBody(values);
      setLocalError(null);
      if (client) update.mutate({ path: { client_id: client.id }, body });
      else create.mutate({ body });
    } catch (error) {
      if (error instanceof ClientValueError) setLocalError(error);
      else throw error;
    }
  }

  const unplaced = mutation.isError && Object.keys(errors).length === 0;
  return (
    <form className="grid gap-4" onSubmit={submit}>
      {unplaced && <ErrorAlert error={mutation.error} />}
      <IdentityFields values={values} set={set} errors={errors} />
      {client && (
        <ActiveSwitch checked={values.isActive} onChange={(isActive) => set({ isActive })} />
      )}
      <Section title="Access">
        <GrantFields values={values} set={set} errors={errors} />
      </Section>
      <Section title="Limits">
        <LimitFields values={values} set={set} errors={errors} />
      </Section>
      <Section title="Network and attributes">
        <FormField
          id={`${id}-ips`}
          label="Allowed IP addresses"
          hint="Addresses or CIDR ranges; Enter or a comma adds one. Empty: any address."
          error={errors.allowed_ips}
        >
          {(control) => (
            <AddressInput
              {...control}
              value={values.allowedIps}
              onChange={(allowedIps) => set({ allowedIps })}
            />
          )}
        </FormField>
        <FormField
          id={`${id}-attributes`}
          label="Attributes"
          hint={
            <>
              A JSON object; templates and scripts read it as{" "}
              <code className="font-mono">client.attributes</code>.
            </>
          }
          error={errors.attributes}
        >
          {(control) => (
            <AttributesInput
              {...control}
              value={values.attributes}
              onChange={(attributes) => set({ attributes })}
            />
          )}
        </FormField>
      </Section>
      <FormDialogFooter>
        <SubmitButton
          pending={mutation.isPending}
          disabled={attributesProblem(values.attributes) !== null}
        >
          {client ? "Save changes" : "Create client"}
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

/** Create a client, or change its grants, limits, addresses and attributes. */
export function ClientFormDialog({ open, onOpenChange, client, onCreated }: ClientFormDialogProps) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="max-w-2xl"
      title={client ? `Edit ${client.name}` : "New client"}
      description={
        client
          ? "Changes apply to the next call; tokens already issued keep working."
          : "An application that calls private APIs with its own credentials."
      }
    >
      <ClientForm client={client} onCreated={onCreated} onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
