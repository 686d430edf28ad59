import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { EyeIcon, LoaderCircleIcon, WandSparklesIcon } from "lucide-react";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import {
  apisReadApisQueryKey,
  modulesReadModulesOptions,
  modulesReadModulesQueryKey,
} from "@/client/@tanstack/react-query.gen";
import { datasourcesGenerateCrud } from "@/client/sdk.gen";
import type {
  GenerateRequest,
  GenerateResult,
  ModulePublic,
  TablePublic,
} from "@/client/types.gen";
import { DisabledReason } from "@/components/disabled-reason";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import {
  Sheet,
  SheetBody,
  SheetClose,
  SheetContent,
  SheetDescription,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { fieldErrorsOf } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { GenerateColumns } from "./generate-columns";
import { GenerateCreated } from "./generate-created";
import { GenerateError } from "./generate-error";
import { GenerateOperations } from "./generate-operations";
import { GenerateTarget } from "./generate-target";
import {
  type GenerateValues,
  initialGenerateValues,
  routeBase,
  toGenerateRequest,
} from "./generate-values";
import { GeneratedApis } from "./generated-apis";
import { tableKey } from "./table-key";

type GenerateSheetProps = {
  datasource: { id: number; name: string };
  /** The table to generate from; the sheet is open while there is one. */
  table: TablePublic | undefined;
  onClose: () => void;
};

/** Ask the generator for the APIs of a table: a preview (nothing saved) or the real thing. */
function useGenerate(datasourceId: number, table: TablePublic, preview: boolean) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: GenerateRequest) => {
      const path = { datasource_id: datasourceId, table: table.name };
      return (await datasourcesGenerateCrud({ path, query: { preview }, body, throwOnError: true }))
        .data;
    },
    onSuccess: async () => {
      if (preview) return;
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: apisReadApisQueryKey() }),
        queryClient.invalidateQueries({ queryKey: modulesReadModulesQueryKey() }),
      ]);
    },
  });
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3">
      <h3 className="text-sm font-semibold">{title}</h3>
      {children}
    </section>
  );
}

/** The APIs just saved, and the button that closes the panel. */
function CreatedView({ result }: { result: GenerateResult }) {
  return (
    <>
      <SheetBody>
        <GenerateCreated result={result} />
      </SheetBody>
      <footer className="flex justify-end gap-2 border-t px-6 py-4">
        <SheetClose asChild>
          <Button>Done</Button>
        </SheetClose>
      </footer>
    </>
  );
}

type Generator = ReturnType<typeof useGenerate>;

type FooterProps = {
  preview: Generator;
  create: Generator;
  error: unknown;
  /** Create is pointless with no operation ticked. */
  nothingTicked: boolean;
  onCreate: () => void;
};

/** The server's refusal, if any, over Cancel, Preview (the form's submit) and Create. */
function Footer({ preview, create, error, nothingTicked, onCreate }: FooterProps) {
  const pending = preview.isPending || create.isPending;
  const spinner = <LoaderCircleIcon className="animate-spin" />;
  return (
    <footer className="space-y-3 border-t px-6 py-4">
      {error !== null && <GenerateError error={error} />}
      <div className="flex flex-wrap justify-end gap-2">
        <SheetClose asChild>
          <Button type="button" variant="ghost">
            Cancel
          </Button>
        </SheetClose>
        <Button type="submit" variant="outline" disabled={pending}>
          {preview.isPending ? spinner : <EyeIcon />}
          Preview
        </Button>
        <Button type="button" disabled={pending || nothingTicked} onClick={onCreate}>
          {create.isPending ? spinner : <WandSparklesIcon />}
          Create APIs
        </Button>
      </div>
      {nothingTicked && (
        <div className="flex justify-end">
          <DisabledReason>Tick at least one operation to create its API.</DisabledReason>
        </div>
      )}
    </footer>
  );
}

/** The last preview, marked when the choices changed after it. */
function PreviewSection({ result, stale }: { result: GenerateResult; stale: boolean }) {
  const top = useRef<HTMLDivElement>(null);
  // A new preview is shown under the choices: bring it into view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs for each new result
  useEffect(() => {
    top.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [result]);
  return (
    <div ref={top} className="scroll-mt-6">
      <Section title="Preview">
        {stale && (
          <p className="text-sm text-amber-700 dark:text-amber-300">
            The choices changed since this preview: preview again to see what they make.
          </p>
        )}
        <GeneratedApis result={result} />
      </Section>
    </div>
  );
}

type GenerateFormProps = {
  datasourceId: number;
  table: TablePublic;
  initial: GenerateValues;
  modules: ModulePublic[];
  mayCreateModule: boolean;
};

/** The choices, the preview under them, and the buttons that ask for either. */
function GenerateForm({ datasourceId, table, initial, ...target }: GenerateFormProps) {
  const [values, setValues] = useState(initial);
  const set = (change: Partial<GenerateValues>) => setValues((old) => ({ ...old, ...change }));
  const preview = useGenerate(datasourceId, table, true);
  const create = useGenerate(datasourceId, table, false);
  const request = toGenerateRequest(values, table);
  const error = create.error ?? preview.error;
  if (create.data) return <CreatedView result={create.data} />;

  const onPreview = (event: FormEvent) => {
    event.preventDefault();
    create.reset();
    preview.mutate(request);
  };
  const stale = JSON.stringify(preview.variables) !== JSON.stringify(request);
  return (
    <form onSubmit={onPreview} className="flex min-h-0 flex-1 flex-col">
      <SheetBody className="space-y-8">
        <Section title="Operations">
          <GenerateOperations
            values={values}
            set={set}
            base={routeBase(values, target.modules, request)}
          />
        </Section>
        <Section title="Columns">
          <GenerateColumns
            table={table}
            values={values}
            set={set}
            primaryKey={preview.data?.primary_key}
          />
        </Section>
        <Section title="Where they go">
          <GenerateTarget values={values} set={set} {...target} errors={fieldErrorsOf(error)} />
        </Section>
        {preview.data && <PreviewSection result={preview.data} stale={stale} />}
      </SheetBody>
      <Footer
        preview={preview}
        create={create}
        error={error}
        nothingTicked={values.operations.length === 0}
        onCreate={() => create.mutate(request)}
      />
    </form>
  );
}

/** Loads the modules the APIs may go to, then shows the form. */
function GenerateFlow({
  datasource,
  table,
}: {
  datasource: GenerateSheetProps["datasource"];
  table: TablePublic;
}) {
  const me = useCurrentUser();
  const mayCreateModule = can(me, "module", "write");
  const modules = useQuery({
    ...modulesReadModulesOptions({ query: { limit: 1000 } }),
    enabled: can(me, "module", "read"),
  });
  if (modules.isError)
    return (
      <SheetBody>
        <ErrorAlert error={modules.error} />
      </SheetBody>
    );
  if (modules.isPending && modules.fetchStatus !== "idle") {
    return (
      <SheetBody className="space-y-3">
        <Skeleton className="h-5 w-1/3" />
        <Skeleton className="h-24 w-full" />
      </SheetBody>
    );
  }
  const list = modules.data?.data ?? [];
  const context = { sourceName: datasource.name, modules: list, mayCreateModule };
  return (
    <GenerateForm
      datasourceId={datasource.id}
      table={table}
      initial={initialGenerateValues(table, context)}
      modules={list}
      mayCreateModule={mayCreateModule}
    />
  );
}

/**
 * A panel over the table browser that generates list, get, create, update and delete APIs
 * from one table: choose, preview the SQL, create the drafts, then open them.
 */
export function GenerateSheet({ datasource, table, onClose }: GenerateSheetProps) {
  return (
    <Sheet open={table !== undefined} onOpenChange={(open) => !open && onClose()}>
      <SheetContent className="max-w-4xl">
        <SheetHeader>
          <SheetTitle>Generate APIs</SheetTitle>
          <SheetDescription>
            Draft APIs from the table{" "}
            <span className="font-medium text-foreground">{table ? tableKey(table) : ""}</span> of{" "}
            {datasource.name}: read, debug and publish them like any other.
          </SheetDescription>
        </SheetHeader>
        {table && <GenerateFlow datasource={datasource} table={table} />}
      </SheetContent>
    </Sheet>
  );
}
