import { useMutation } from "@tanstack/react-query";
import { DownloadIcon, LoaderCircleIcon } from "lucide-react";
import { tablesExportTable } from "@/client/sdk.gen";
import type { TablePublic } from "@/client/types.gen";
import { Button } from "@/components/ui/button";
import { attachmentName, downloadBlob } from "@/lib/download";

/**
 * Every row of the table as a CSV file. The request carries the session's token, which a
 * plain link cannot, so the browser receives the file whole before saving it.
 */
async function exportTable(datasourceId: number, table: TablePublic): Promise<void> {
  const answer = await tablesExportTable({
    path: { datasource_id: datasourceId, table: table.name },
    query: { schema: table.schema ?? null, format: "csv" },
    parseAs: "blob",
    throwOnError: true,
  });
  downloadBlob(answer.data as Blob, attachmentName(answer.response) ?? `${table.name}.csv`);
}

/** Export a table; its error is shown by whoever lays out the buttons. */
export function useExportTable(datasourceId: number, table: TablePublic) {
  return useMutation({ mutationFn: () => exportTable(datasourceId, table) });
}

/** "Export as CSV": a download, with a spinner while the rows arrive. */
export function ExportTableButton({ exporter }: { exporter: ReturnType<typeof useExportTable> }) {
  return (
    <Button
      variant="outline"
      size="sm"
      disabled={exporter.isPending}
      onClick={() => exporter.mutate()}
    >
      {exporter.isPending ? <LoaderCircleIcon className="animate-spin" /> : <DownloadIcon />}
      Export as CSV
    </Button>
  );
}
