import { useQuery } from "@tanstack/react-query";
import { AlertCircleIcon, RowsIcon } from "lucide-react";
import { tablesPreviewTableOptions } from "@/client/@tanstack/react-query.gen";
import type { TablePreview, TablePublic } from "@/client/types.gen";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { errorMessage } from "@/lib/api";

export const PREVIEW_ROWS = 20;

/**
 * The table's description (keys, nullability) and first rows, for those who may read rows
 * (`datasource:debug`); disabled otherwise, so the browser shows names and types only.
 */
export function useTablePreview(id: number, table: TablePublic | undefined, enabled: boolean) {
  return useQuery({
    ...tablesPreviewTableOptions({
      path: { datasource_id: id, table: table?.name ?? "" },
      query: { schema: table?.schema ?? undefined, limit: PREVIEW_ROWS },
    }),
    enabled: enabled && table !== undefined,
  });
}

function shown(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function Rows({ preview }: { preview: TablePreview }) {
  const names = preview.columns.map((column) => column.name);
  if (preview.rows.length === 0) {
    return <p className="px-4 py-6 text-sm text-muted-foreground">The table has no rows.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <Table>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            {names.map((name) => (
              <TableHead key={name} className="font-mono text-xs">
                {name}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {preview.rows.map((row, index) => (
            // rows have no identity of their own: a preview is a snapshot in the table's order
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <TableRow key={index}>
              {names.map((name) => (
                <TableCell key={name} className="max-w-xs truncate font-mono text-xs">
                  {row[name] === null ? (
                    <span className="text-muted-foreground italic">NULL</span>
                  ) : (
                    shown(row[name])
                  )}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

type PreviewRowsProps = { preview: ReturnType<typeof useTablePreview> };

/** The first rows of the selected table, below its columns. */
export function PreviewRows({ preview }: PreviewRowsProps) {
  return (
    <section aria-label="First rows" className="border-t">
      <div className="flex items-center gap-2 px-4 py-3">
        <RowsIcon className="size-4 text-muted-foreground" />
        <h4 className="text-sm font-semibold">First rows</h4>
        {preview.data && (
          <span className="text-xs text-muted-foreground">
            {preview.data.rows.length < preview.data.limit
              ? `all ${preview.data.rows.length} ${preview.data.rows.length === 1 ? "row" : "rows"}`
              : `the first ${preview.data.limit} rows`}
          </span>
        )}
      </div>
      {preview.isError && (
        <div className="px-4 pb-4">
          <Alert variant="destructive">
            <AlertCircleIcon />
            <span>Cannot read the rows: {errorMessage(preview.error)}</span>
          </Alert>
        </div>
      )}
      {preview.isPending && !preview.isError && (
        <div className="space-y-2 px-4 pb-4">
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </div>
      )}
      {preview.data && <Rows preview={preview.data} />}
    </section>
  );
}
