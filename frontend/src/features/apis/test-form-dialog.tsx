import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { clientsReadClientsOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiTestPublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { ApiError, fieldErrorsOf } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import {
  type Errors,
  ExpectationFields,
  type SectionProps,
  type SetValues,
} from "./test-expect-fields";
import { type TestFormValues, TestValueError, toTestBody } from "./test-values";
import { useSaveTest } from "./use-test-mutations";

/** What the dialog edits: a saved test case, or a new one starting from these values. */
export type TestDraft = {
  test?: ApiTestPublic;
  values: TestFormValues;
  /** The data of the debug run the test is made from, to infer a schema from. */
  runData?: unknown;
};

/** The server's field paths (`expect.rows`) as the form's fields. */
const SERVER_FIELDS: Record<string, keyof TestFormValues> = {
  name: "name",
  params: "params",
  client_id: "clientId",
  "expect.status": "status",
  "expect.code": "code",
  "expect.rows": "rows",
  "expect.rows_min": "rowsMin",
  "expect.rows_max": "rowsMax",
  "expect.schema": "schema",
  "expect.max_ms": "maxMs",
};

function serverErrors(error: unknown): { errors: Errors; rest: boolean } {
  const errors: Errors = {};
  for (const [path, message] of Object.entries(fieldErrorsOf(error))) {
    const field = SERVER_FIELDS[path] ?? (path.startsWith("expect.fields") ? "fields" : undefined);
    if (field) errors[field] = message;
  }
  if (error instanceof ApiError && error.status === 409) errors.name = error.message;
  const named = Object.keys(errors).length > 0;
  return { errors, rest: error !== null && !named };
}

function ClientField({ values, set, errors }: SectionProps) {
  const id = useId();
  const mayRead = can(useCurrentUser(), "client", "read");
  const clients = useQuery({
    ...clientsReadClientsOptions({ query: { limit: 1000 } }),
    enabled: mayRead,
  }).data?.data;
  const hint = "The API sees this client's attributes, as in a call it made.";
  return (
    <FormField id={id} label="Client" hint={hint} error={errors.clientId}>
      {(control) =>
        clients ? (
          <NativeSelect
            {...control}
            value={values.clientId}
            onChange={(event) => set({ clientId: event.target.value })}
          >
            <option value="">No client</option>
            {clients.map((client) => (
              <option key={client.id} value={String(client.id)}>
                {client.name}
              </option>
            ))}
          </NativeSelect>
        ) : (
          <Input
            {...control}
            inputMode="numeric"
            placeholder="No client (or a client's id)"
            value={values.clientId}
            onChange={(event) => set({ clientId: event.target.value })}
          />
        )
      }
    </FormField>
  );
}

function TestForm({
  draft,
  apiId,
  onDone,
}: {
  draft: TestDraft;
  apiId: number;
  onDone: () => void;
}) {
  const [values, setValues] = useState(draft.values);
  const [invalid, setInvalid] = useState<TestValueError | null>(null);
  const save = useSaveTest(apiId, draft.test);
  const set: SetValues = (change) => setValues((old) => ({ ...old, ...change }));
  const id = useId();
  const server = serverErrors(save.error);
  const errors: Errors = invalid ? { [invalid.field]: invalid.message } : server.errors;
  const fields = { values, set, errors };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The dialog is portalled out of the editor's form, but React events still bubble to it.
    event.stopPropagation();
    try {
      const body = toTestBody(values);
      setInvalid(null);
      save.mutate(body, { onSuccess: onDone });
    } catch (error) {
      if (error instanceof TestValueError) setInvalid(error);
      else throw error;
    }
  }

  return (
    <form className="grid gap-4" onSubmit={submit} aria-label="Test case">
      {!invalid && server.rest && <ErrorAlert error={save.error} />}
      <FormField id={`${id}-name`} label="Name" error={errors.name}>
        {(control) => (
          <Input
            {...control}
            required
            maxLength={100}
            autoComplete="off"
            value={values.name}
            onChange={(event) => set({ name: event.target.value })}
          />
        )}
      </FormField>
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_14rem]">
        <FormField
          id={`${id}-params`}
          label="Parameters"
          hint='A JSON object, as the Debug panel sends them: {"min_id": 1}.'
          error={errors.params}
        >
          {(control) => (
            <Textarea
              {...control}
              rows={4}
              spellCheck={false}
              className="font-mono text-xs"
              value={values.params}
              onChange={(event) => set({ params: event.target.value })}
            />
          )}
        </FormField>
        <ClientField {...fields} />
      </div>
      <ExpectationFields {...fields} runData={draft.runData} />
      <FormDialogFooter>
        <SubmitButton pending={save.isPending}>
          {draft.test ? "Save changes" : "Save test"}
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

type TestFormDialogProps = { apiId: number; draft: TestDraft | null; onClose: () => void };

/** Create a test case (from a debug run, or from nothing) or edit one. */
export function TestFormDialog({ apiId, draft, onClose }: TestFormDialogProps) {
  return (
    <FormDialog
      open={draft !== null}
      onOpenChange={(open) => !open && onClose()}
      className="max-w-2xl"
      title={draft?.test ? `Edit ${draft.test.name}` : "New test case"}
      description="The parameters to run the draft with, and what the answer must be."
    >
      {draft && <TestForm draft={draft} apiId={apiId} onDone={onClose} />}
    </FormDialog>
  );
}
