import { MousePointerClickIcon, Table2Icon } from "lucide-react";
import type { ReactNode } from "react";
import type { TablePublic } from "@/client/types.gen";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";

function NothingSelected() {
  return (
    <div className="flex flex-col items-center justify-center gap-2 p-10 text-center text-sm text-muted-foreground">
      <MousePointerClickIcon className="size-6" />
      Select a table to see its columns.
    </div>
  );
}

type ColumnsPanelProps = {
  table: TablePublic | undefined;
  /** Buttons for what can be done with the table, at the right of its name. */
  actions?: ReactNode;
};

/** The columns of one table with their database types. */
export function ColumnsPanel({ table, actions }: ColumnsPanelProps) {
  if (!table) return <NothingSelected />;
  return (
    <section aria-label={`Columns of ${table.name}`} className="min-w-0">
      <div className="flex flex-wrap items-center gap-3 border-b px-4 py-3">
        <div className="flex size-8 items-center justify-center rounded-md bg-accent text-accent-foreground">
          <Table2Icon className="size-4" />
        </div>
        <div className="min-w-0 flex-1">
          <h3 className="truncate font-semibold">
            {table.schema && (
              <span className="font-normal text-muted-foreground">{table.schema}.</span>
            )}
            {table.name}
          </h3>
          <p className="text-xs text-muted-foreground">
            {table.columns.length} {table.columns.length === 1 ? "column" : "columns"}
          </p>
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
      <Table>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead className="w-12 text-right">#</TableHead>
            <TableHead>Column</TableHead>
            <TableHead>Type</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {table.columns.map((column, index) => (
            <TableRow key={column.name}>
              <TableCell className="text-right text-xs text-muted-foreground tabular-nums">
                {index + 1}
              </TableCell>
              <TableCell className="font-medium">{column.name}</TableCell>
              <TableCell>
                <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs text-muted-foreground">
                  {column.type}
                </code>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
