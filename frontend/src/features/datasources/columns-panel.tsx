import { KeyRoundIcon, MousePointerClickIcon, Table2Icon } from "lucide-react";
import type { ReactNode } from "react";
import type { PreviewColumn, TablePublic } from "@/client/types.gen";
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
  /** The columns as the database declares them (keys, nullability), when known. */
  described?: PreviewColumn[];
};

function KeyCell({ column }: { column: PreviewColumn | undefined }) {
  if (!column?.primary_key) return <TableCell />;
  return (
    <TableCell>
      <span
        className="inline-flex items-center gap-1 text-xs font-medium text-amber-700 dark:text-amber-400"
        title="Part of the primary key"
      >
        <KeyRoundIcon className="size-3.5" aria-hidden />
        PK
      </span>
    </TableCell>
  );
}

function NullCell({ column }: { column: PreviewColumn | undefined }) {
  if (!column) return <TableCell />;
  return (
    <TableCell className="text-xs text-muted-foreground">
      {column.nullable ? "nullable" : "not null"}
    </TableCell>
  );
}

/** The columns of one table with their database types, keys and nullability. */
export function ColumnsPanel({ table, actions, described }: ColumnsPanelProps) {
  if (!table) return <NothingSelected />;
  const declared = new Map(described?.map((column) => [column.name, column]));
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
            {described && <TableHead>Key</TableHead>}
            {described && <TableHead>Null</TableHead>}
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
              {described && <KeyCell column={declared.get(column.name)} />}
              {described && <NullCell column={declared.get(column.name)} />}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
