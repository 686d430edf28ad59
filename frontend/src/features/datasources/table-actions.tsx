import { UploadIcon, WandSparklesIcon } from "lucide-react";
import { useState } from "react";
import type { TablePublic } from "@/client/types.gen";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { ExportTableButton, useExportTable } from "./export-table-button";
import { GenerateSheet } from "./generate-sheet";
import { ImportCsvDialog } from "./import-csv-dialog";

type TableActionsProps = {
  datasource: { id: number; name: string };
  table: TablePublic;
};

type Open = "generate" | "import" | null;

/**
 * What can be done with one table, each offered only to who may: generate APIs (`api`
 * write), import a CSV (`datasource` write and debug: it writes rows with the stored
 * password) and export the rows (`datasource` debug).
 */
export function TableActions({ datasource, table }: TableActionsProps) {
  const me = useCurrentUser();
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const mayReadRows = can(me, "datasource", "debug");
  const exporter = useExportTable(datasource.id, table);
  return (
    <>
      {mayReadRows && <ExportTableButton exporter={exporter} />}
      {mayReadRows && can(me, "datasource", "write") && (
        <Button variant="outline" size="sm" onClick={() => setOpen("import")}>
          <UploadIcon />
          Import CSV
        </Button>
      )}
      {can(me, "api", "write") && (
        <Button size="sm" onClick={() => setOpen("generate")}>
          <WandSparklesIcon />
          Generate APIs
        </Button>
      )}
      {exporter.isError && (
        <p role="alert" className="basis-full text-right text-xs text-destructive">
          Export failed: {errorMessage(exporter.error)}
        </p>
      )}
      <GenerateSheet
        datasource={datasource}
        table={open === "generate" ? table : undefined}
        onClose={close}
      />
      <ImportCsvDialog
        datasourceId={datasource.id}
        table={open === "import" ? table : undefined}
        onClose={close}
      />
    </>
  );
}
