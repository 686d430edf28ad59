import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import {
  datasourcesCreateDatasourceMutation,
  datasourcesReadDatasourceQueryKey,
  datasourcesUpdateDatasourceMutation,
} from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic } from "@/client/types.gen";
import { FormField } from "@/components/form-field";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { ApiError, fieldErrorsOf } from "@/lib/api";
import { AdvancedFields } from "./advanced-fields";
import { ConnectionFields } from "./connection-fields";
import { ConnectionTest, useConnectionTest } from "./connection-test";
import {
  type FormValues,
  initialValues,
  testPlan,
  toCreateBody,
  toUpdateBody,
} from "./form-values";
import { SaveBar } from "./save-bar";
import { TypePicker } from "./type-picker";
import { useRefreshDatasources } from "./use-refresh-datasources";

type DatasourceFormProps = {
  /** The source to edit; without it the form creates one. */
  source?: DatasourcePublic;
  /**
   * May create, change and test; without it the form only shows the source (testing a
   * saved source connects with its password, which the server keeps for writers).
   */
  mayWrite: boolean;
  /** Runs after a new source is created. */
  onCreated?: (source: DatasourcePublic) => void;
};

type SectionProps = {
  title: string;
  description: string;
  /** Show the fields without letting them change; the footer stays usable. */
  disabled: boolean;
  children: ReactNode;
  footer?: ReactNode;
};

function Section({ title, description, disabled, children, footer }: SectionProps) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>
        <fieldset disabled={disabled} className="grid min-w-0 gap-4 sm:grid-cols-6">
          <legend className="sr-only">{title}</legend>
          {children}
        </fieldset>
      </CardContent>
      {footer && <CardFooter className="block rounded-b-xl bg-muted/30">{footer}</CardFooter>}
    </Card>
  );
}

/** Save a new source or the changes to one; the detail cache gets the answer at once. */
function useSaveDatasource(
  source: DatasourcePublic | undefined,
  onSaved: (saved: DatasourcePublic) => void,
) {
  const queryClient = useQueryClient();
  const refreshDatasources = useRefreshDatasources();
  const onSuccess = async (saved: DatasourcePublic) => {
    queryClient.setQueryData(
      datasourcesReadDatasourceQueryKey({ path: { datasource_id: saved.id } }),
      saved,
    );
    await refreshDatasources(source ? { id: saved.id } : undefined);
    onSaved(saved);
  };
  const create = useMutation({ ...datasourcesCreateDatasourceMutation(), onSuccess });
  const update = useMutation({ ...datasourcesUpdateDatasourceMutation(), onSuccess });
  return { create, update, state: source ? update : create };
}

/** The server's message for the name: a 409 means another source has it. */
function nameError(error: unknown, errors: Readonly<Record<string, string>>): string | undefined {
  if (error instanceof ApiError && error.status === 409) return error.message;
  return errors.name;
}

/** Create or edit a data source; the fields follow the chosen type. */
export function DatasourceForm({ source, mayWrite, onCreated }: DatasourceFormProps) {
  const [values, setValues] = useState(() => initialValues(source));
  const test = useConnectionTest();
  const {
    create,
    update,
    state: save,
  } = useSaveDatasource(source, (saved) => {
    if (source) setValues(initialValues(saved));
    else onCreated?.(saved);
  });
  const set = (change: Partial<FormValues>) => {
    setValues((old) => ({ ...old, ...change }));
    test.reset();
    save.reset();
  };
  const nameId = useId();
  const errors = fieldErrorsOf(save.error ?? test.error);
  const fields = { values, set, errors };
  const readOnly = !mayWrite;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (source) {
      update.mutate({ path: { datasource_id: source.id }, body: toUpdateBody(values, source) });
    } else {
      create.mutate({ body: toCreateBody(values) });
    }
  }

  return (
    <form
      className="grid gap-6"
      onSubmit={submit}
      aria-label={source ? `Edit ${source.name}` : "New data source"}
    >
      <Section
        title="Type"
        description="The kind of database Sluice connects to."
        disabled={readOnly}
      >
        <div className="sm:col-span-6">
          <TypePicker value={values.type} onChange={(type) => set({ type })} />
        </div>
      </Section>
      <Section
        title="Connection"
        description="Where the database is and how Sluice logs in to it."
        disabled={readOnly}
        footer={
          mayWrite && (
            <ConnectionTest test={test} onTest={() => test.mutate(testPlan(values, source))} />
          )
        }
      >
        <FormField
          id={nameId}
          label="Name"
          hint="How APIs refer to this source. Unique."
          error={nameError(save.error, errors)}
          className="sm:col-span-6"
        >
          {(control) => (
            <Input
              {...control}
              required
              autoComplete="off"
              placeholder="warehouse"
              value={values.name}
              onChange={(event) => set({ name: event.target.value })}
            />
          )}
        </FormField>
        <ConnectionFields {...fields} source={source} />
      </Section>
      <Section
        title="Advanced"
        description="Limits, notes, and whether APIs may use the source."
        disabled={readOnly}
      >
        <AdvancedFields {...fields} />
      </Section>
      {mayWrite && (
        <SaveBar
          isNew={!source}
          pending={save.isPending}
          error={save.error}
          saved={save.isSuccess && Boolean(source)}
        />
      )}
    </form>
  );
}
