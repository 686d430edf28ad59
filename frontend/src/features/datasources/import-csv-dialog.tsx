import { useMutation } from "@tanstack/react-query";
import { RadioGroup } from "radix-ui";
import { type FormEvent, useId, useState } from "react";
import { tablesImportTable } from "@/client/sdk.gen";
import type { TableImportReport, TablePublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { FormDialog, FormDialogFooter, SubmitButton } from "@/components/form-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { ImportReport } from "./import-report";
import { tableKey } from "./table-key";

type Mode = TableImportReport["mode"];

const MODES: { mode: Mode; title: string; hint: string }[] = [
  {
    mode: "all_or_nothing",
    title: "All or nothing",
    hint: "One transaction: a single bad row and nothing is written.",
  },
  {
    mode: "best_effort",
    title: "Best effort",
    hint: "Good rows are kept; bad ones are left out and reported.",
  },
];

function ModePicker({ value, onChange }: { value: Mode; onChange: (mode: Mode) => void }) {
  return (
    <RadioGroup.Root
      aria-label="Mode"
      value={value}
      onValueChange={(next) => onChange(next as Mode)}
      className="grid gap-3 sm:grid-cols-2"
    >
      {MODES.map(({ mode, title, hint }) => (
        <RadioGroup.Item
          key={mode}
          value={mode}
          aria-label={title}
          className="rounded-lg border bg-card p-3 text-left shadow-xs transition-colors outline-none hover:bg-accent/50 focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[state=checked]:border-primary data-[state=checked]:bg-accent/60 data-[state=checked]:ring-1 data-[state=checked]:ring-primary"
        >
          <span className="block text-sm font-medium">{title}</span>
          <span className="block text-xs text-muted-foreground">{hint}</span>
        </RadioGroup.Item>
      ))}
    </RadioGroup.Root>
  );
}

type ImportCsvFormProps = { datasourceId: number; table: TablePublic };

/** The file and the mode, then the report of what the import did. */
function ImportCsvForm({ datasourceId, table }: ImportCsvFormProps) {
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<Mode>("all_or_nothing");
  const upload = useMutation({
    mutationFn: async (chosen: { file: File; mode: Mode }) => {
      const path = { datasource_id: datasourceId, table: table.name };
      const query = { schema: table.schema ?? null };
      return (await tablesImportTable({ path, query, body: chosen, throwOnError: true })).data;
    },
  });

  if (upload.data) {
    return (
      <>
        <ImportReport report={upload.data} />
        <FormDialogFooter closeLabel="Close">
          <Button type="button" variant="outline" onClick={() => upload.reset()}>
            Import another file
          </Button>
        </FormDialogFooter>
      </>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate({ file, mode });
  };
  return (
    <form onSubmit={submit} className="grid min-w-0 gap-4" aria-label="Import CSV">
      <div className="grid gap-2">
        <Label htmlFor={fileId}>CSV file</Label>
        <Input
          id={fileId}
          type="file"
          required
          accept=".csv,text/csv"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
        <p className="text-xs text-muted-foreground">
          UTF-8; the first line names the columns (in any case). An empty cell is NULL.
        </p>
      </div>
      <div className="grid gap-2">
        <span className="text-sm font-medium">Mode</span>
        <ModePicker value={mode} onChange={setMode} />
      </div>
      {upload.isError && <ErrorAlert error={upload.error} />}
      <FormDialogFooter>
        <SubmitButton pending={upload.isPending} disabled={!file}>
          Import
        </SubmitButton>
      </FormDialogFooter>
    </form>
  );
}

type ImportCsvDialogProps = {
  datasourceId: number;
  /** The table to import into; the dialog is open while there is one. */
  table: TablePublic | undefined;
  onClose: () => void;
};

/** Insert the rows of a CSV file into a table, and see which rows were refused and why. */
export function ImportCsvDialog({ datasourceId, table, onClose }: ImportCsvDialogProps) {
  return (
    <FormDialog
      open={table !== undefined}
      onOpenChange={(open) => !open && onClose()}
      title="Import CSV"
      description={
        <>
          Insert the rows of a file into{" "}
          <span className="font-medium text-foreground">{table ? tableKey(table) : ""}</span>.
        </>
      }
      className="max-w-2xl"
    >
      {table && <ImportCsvForm datasourceId={datasourceId} table={table} />}
    </FormDialog>
  );
}
