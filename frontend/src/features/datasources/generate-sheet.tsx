import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { EyeIcon, LoaderCircleIcon, WandSparklesIcon } from "lucide-react";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import {
  apisReadApisQueryKey,
  modulesReadModulesOptions,
  modulesReadModulesQueryKey,
} from "@/client/@tanstack/react-query.gen";
import { datasourcesGenerateCrud } from "@/client/sdk.gen";
import type { GenerateRequest, ModulePublic, TablePublic } from "@/client/types.gen";
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
import { type GenerateValues, initialGenerateValues, toGenerateRequest } from "./generate-values";
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

type GenerateFormProps = {
  datasourceId: number;
  table: TablePublic;
  initial: GenerateValues;
  modules: ModulePublic[];
  mayCreateModule: boolean;
};

/** The choices, the preview under them, and the buttons that ask for either. */
function GenerateForm({
  datasourceId,
  table,
  initial,
  modules,
  mayCreateModule,
}: GenerateFormProps) {
  const [values, setValues] = useState(initial);
  const previewTop = useRef<HTMLDivElement>(null);
  const set = (change: Partial<GenerateValues>) => setValues((old) => ({ ...old, ...change }));
  const preview = useGenerate(datasourceId, table, true);
  const create = useGenerate(datasourceId, table, false);
  const request = toGenerateRequest(values, table);
  // A new preview is shown under the choices: bring it into view.
  useEffect(() => {
    if (preview.data) previewTop.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [preview.data]);
  const error = create.error ?? preview.error;
  const stale =
    preview.data !== undefined && JSON.stringify(preview.variables) !== JSON.stringify(request);
  const moduleName =
    values.module.kind === "new"
      ? values.module.name
      : modules.find((m) => values.module.kind === "existing" && m.id === values.module.id)?.name;
  const base = `/${moduleName || "module"}/${request.path_prefix ?? ""}`;

  if (create.data) {
    return (
      <>
        <SheetBody>
          <GenerateCreated result={create.data} />
        </SheetBody>
        <footer className="flex justify-end gap-2 border-t px-6 py-4">
          <SheetClose asChild>
            <Button>Done</Button>
          </SheetClose>
        </footer>
      </>
    );
  }

  const onPreview = (event: FormEvent) => {
    event.preventDefault();
    create.reset();
    preview.mutate(request);
  };
  const pending = preview.isPending || create.isPending;
  return (
    <form onSubmit={onPreview} className="flex min-h-0 flex-1 flex-col">
      <SheetBody className="space-y-8">
        <Section title="Operations">
          <GenerateOperations values={values} set={set} base={base} />
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
          <GenerateTarget
            values={values}
            set={set}
            modules={modules}
            mayCreateModule={mayCreateModule}
            errors={fieldErrorsOf(error)}
          />
        </Section>
        {preview.data && (
          <div ref={previewTop} className="scroll-mt-6">
            <Section title="Preview">
              {stale && (
                <p className="text-sm text-amber-700 dark:text-amber-300">
                  The choices changed since this preview: preview again to see what they make.
                </p>
              )}
              <GeneratedApis result={preview.data} />
            </Section>
          </div>
        )}
      </SheetBody>
      <footer className="space-y-3 border-t px-6 py-4">
        {error && <GenerateError error={error} />}
        <div className="flex flex-wrap justify-end gap-2">
          <SheetClose asChild>
            <Button type="button" variant="ghost">
              Cancel
            </Button>
          </SheetClose>
          <Button type="submit" variant="outline" disabled={pending}>
            {preview.isPending ? <LoaderCircleIcon className="animate-spin" /> : <EyeIcon />}
            Preview
          </Button>
          <Button
            type="button"
            disabled={pending || values.operations.length === 0}
            onClick={() => create.mutate(request)}
          >
            {create.isPending ? (
              <LoaderCircleIcon className="animate-spin" />
            ) : (
              <WandSparklesIcon />
            )}
            Create APIs
          </Button>
        </div>
      </footer>
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
