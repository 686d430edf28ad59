import { useQuery } from "@tanstack/react-query";
import { PlusIcon, WandSparklesIcon, XIcon } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { clientsReadClientsOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiTestPublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { FormField } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { ApiError, fieldErrorsOf } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import {
  type FieldCheckRow,
  inferRowsSchema,
  newFieldCheck,
  type TestFormValues,
  TestValueError,
  toTestBody,
} from "./test-values";
import { useSaveTest } from "./use-test-mutations";

/** What the dialog edits: a saved test case, or a new one starting from these values. */
export type TestDraft = {
  test?: ApiTestPublic;
  values: TestFormValues;
  /** The data of the debug run the test is made from, to infer a schema from. */
  runData?: unknown;
};

type SetValues = (change: Partial<TestFormValues>) => void;
type Errors = Partial<Record<keyof TestFormValues, string>>;
type SectionProps = { values: TestFormValues; set: SetValues; errors: Errors };

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

function OutcomeFields({ values, set, errors }: SectionProps) {
  const id = useId();
  return (
    <div className="grid gap-2">
      <div className="grid gap-3 sm:grid-cols-[12rem_1fr_1fr]">
        <FormField id={`${id}-outcome`} label="Outcome">
          {(control) => (
            <NativeSelect
              {...control}
              value={values.outcome}
              onChange={(event) =>
                set({ outcome: event.target.value as TestFormValues["outcome"] })
              }
            >
              <option value="succeeds">Succeeds (200)</option>
              <option value="fails">Fails with</option>
            </NativeSelect>
          )}
        </FormField>
        {values.outcome === "fails" && (
          <>
            <FormField id={`${id}-status`} label="Status" error={errors.status}>
              {(control) => (
                <Input
                  {...control}
                  inputMode="numeric"
                  placeholder="400"
                  className="font-mono"
                  value={values.status}
                  onChange={(event) => set({ status: event.target.value })}
                />
              )}
            </FormField>
            <FormField id={`${id}-code`} label="Error code" error={errors.code}>
              {(control) => (
                <Input
                  {...control}
                  placeholder="bad_request"
                  className="font-mono"
                  value={values.code}
                  onChange={(event) => set({ code: event.target.value })}
                />
              )}
            </FormField>
          </>
        )}
      </div>
      {values.outcome === "fails" && (
        <p className="text-xs text-muted-foreground">
          What a gateway call would get: the status, the error code, or both (400 bad_request, 502
          datasource_error...).
        </p>
      )}
    </div>
  );
}

function NumberInput(props: {
  label: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <FormField id={id} label={props.label} error={props.error}>
      {(control) => (
        <Input
          {...control}
          type="number"
          min={0}
          step={1}
          className="font-mono"
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
        />
      )}
    </FormField>
  );
}

function RowsFields({ values, set, errors }: SectionProps) {
  const id = useId();
  return (
    <div className="grid gap-3 sm:grid-cols-[12rem_1fr_1fr]">
      <FormField id={id} label="Rows">
        {(control) => (
          <NativeSelect
            {...control}
            value={values.rowsRule}
            onChange={(event) =>
              set({ rowsRule: event.target.value as TestFormValues["rowsRule"] })
            }
          >
            <option value="any">Any number</option>
            <option value="exactly">Exactly</option>
            <option value="between">Between</option>
          </NativeSelect>
        )}
      </FormField>
      {values.rowsRule === "exactly" && (
        <NumberInput
          label="Row count"
          value={values.rows}
          error={errors.rows}
          onChange={(rows) => set({ rows })}
        />
      )}
      {values.rowsRule === "between" && (
        <>
          <NumberInput
            label="At least"
            value={values.rowsMin}
            error={errors.rowsMin}
            onChange={(rowsMin) => set({ rowsMin })}
          />
          <NumberInput
            label="At most"
            value={values.rowsMax}
            error={errors.rowsMax}
            onChange={(rowsMax) => set({ rowsMax })}
          />
        </>
      )}
    </div>
  );
}

function FieldCheckLine(props: {
  check: FieldCheckRow;
  index: number;
  onChange: (check: FieldCheckRow) => void;
  onRemove: () => void;
}) {
  const { check, index, onChange } = props;
  const n = index + 1;
  return (
    <li className="grid grid-cols-[4.5rem_minmax(0,1fr)_minmax(0,1.4fr)_auto] items-center gap-2">
      <Input
        aria-label={`Row of check ${n}`}
        type="number"
        min={0}
        className="font-mono"
        value={check.row}
        onChange={(event) => onChange({ ...check, row: event.target.value })}
      />
      <Input
        aria-label={`Field of check ${n}`}
        placeholder="field"
        className="font-mono"
        value={check.field}
        onChange={(event) => onChange({ ...check, field: event.target.value })}
      />
      <Input
        aria-label={`Value of check ${n}`}
        placeholder='3, "Ada", true, null'
        className="font-mono"
        value={check.equals}
        onChange={(event) => onChange({ ...check, equals: event.target.value })}
      />
      <Button
        type="button"
        variant="ghost"
        size="icon-sm"
        aria-label={`Remove check ${n}`}
        onClick={props.onRemove}
      >
        <XIcon />
      </Button>
    </li>
  );
}

function FieldChecks({ values, set, errors }: SectionProps) {
  const update = (index: number, check: FieldCheckRow) =>
    set({ fields: values.fields.map((old, i) => (i === index ? check : old)) });
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium">Field values</span>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => set({ fields: [...values.fields, newFieldCheck()] })}
        >
          <PlusIcon />
          Add a check
        </Button>
      </div>
      {values.fields.length > 0 && (
        <>
          <div className="grid grid-cols-[4.5rem_minmax(0,1fr)_minmax(0,1.4fr)_2rem] gap-2 text-xs text-muted-foreground">
            <span>Row (from 0)</span>
            <span>Field</span>
            <span>Equals (JSON, or text)</span>
          </div>
          <ul className="space-y-2" aria-label="Field checks">
            {values.fields.map((check, index) => (
              <FieldCheckLine
                key={check.key}
                check={check}
                index={index}
                onChange={(next) => update(index, next)}
                onRemove={() => set({ fields: values.fields.filter((_, i) => i !== index) })}
              />
            ))}
          </ul>
        </>
      )}
      {errors.fields && <p className="text-xs text-destructive">{errors.fields}</p>}
    </div>
  );
}

function SchemaField({ values, set, errors, runData }: SectionProps & { runData?: unknown }) {
  const id = useId();
  const inferred = runData === undefined ? null : inferRowsSchema(runData);
  return (
    <div className="space-y-2">
      <FormField
        id={id}
        label="JSON Schema of the data"
        hint="Optional: the whole data must match it."
        error={errors.schema}
      >
        {(control) => (
          <Textarea
            {...control}
            rows={values.schema ? 6 : 2}
            spellCheck={false}
            className="font-mono text-xs"
            placeholder='{"type": "array"}'
            value={values.schema}
            onChange={(event) => set({ schema: event.target.value })}
          />
        )}
      </FormField>
      {inferred && (
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => set({ schema: JSON.stringify(inferred, null, 2) })}
        >
          <WandSparklesIcon />
          Infer from the debug run's rows
        </Button>
      )}
    </div>
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
      <fieldset className="grid gap-4 rounded-lg border p-4">
        <legend className="px-1 text-sm font-semibold">Expectations</legend>
        <OutcomeFields {...fields} />
        <RowsFields {...fields} />
        <FieldChecks {...fields} />
        <SchemaField {...fields} runData={draft.runData} />
        <div className="max-w-48">
          <NumberInput
            label="Time limit (ms)"
            value={values.maxMs}
            error={errors.maxMs}
            onChange={(maxMs) => set({ maxMs })}
          />
        </div>
      </fieldset>
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
