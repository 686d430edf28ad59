import type { TablePublic } from "@/client/types.gen";
import { Checkbox } from "@/components/ui/checkbox";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { type GenerateValues, toggled } from "./generate-values";

type ColumnRole = "keyColumns" | "filterColumns" | "sortColumns";

const ROLES: { role: ColumnRole; title: string; label: (column: string) => string }[] = [
  { role: "keyColumns", title: "Key", label: (column) => `Key column ${column}` },
  { role: "filterColumns", title: "Filter", label: (column) => `Filter by ${column}` },
  { role: "sortColumns", title: "Sort", label: (column) => `Sort by ${column}` },
];

type GenerateColumnsProps = {
  table: TablePublic;
  values: GenerateValues;
  set: (change: Partial<GenerateValues>) => void;
  /** The key the last preview used, to say what an empty Key column means. */
  primaryKey: string[] | undefined;
};

function keyHint(primaryKey: string[] | undefined): string {
  if (primaryKey === undefined) return "the primary key";
  if (primaryKey.length === 0) return "the primary key (this table has none)";
  return `the primary key (${primaryKey.join(", ")})`;
}

/**
 * The table's columns with three choices each: part of the key that get, update and delete
 * find a row by; a filter of the list API; a column the list API may sort by.
 */
export function GenerateColumns({ table, values, set, primaryKey }: GenerateColumnsProps) {
  const all = table.columns.map((column) => column.name);
  return (
    <div className="space-y-2">
      <div className="max-h-80 overflow-y-auto rounded-md border">
        <Table aria-label="Columns to generate from">
          <TableHeader className="sticky top-0 z-10 bg-card">
            <TableRow className="hover:bg-transparent">
              <TableHead>Column</TableHead>
              <TableHead>Type</TableHead>
              {ROLES.map(({ role, title }) => (
                <TableHead key={role} className="w-16 text-center">
                  {title}
                </TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {table.columns.map((column) => (
              <TableRow key={column.name}>
                <TableCell className="font-medium">{column.name}</TableCell>
                <TableCell>
                  <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs text-muted-foreground">
                    {column.type}
                  </code>
                </TableCell>
                {ROLES.map(({ role, label }) => (
                  <TableCell key={role} className="text-center">
                    <Checkbox
                      aria-label={label(column.name)}
                      className="align-middle"
                      checked={values[role].includes(column.name)}
                      onCheckedChange={(state) =>
                        set({ [role]: toggled(values[role], column.name, state === true, all) })
                      }
                    />
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <ul className="space-y-0.5 text-xs text-muted-foreground">
        <li>
          <span className="font-medium text-foreground">Key</span>: how get, update and delete find
          one row; none ticked uses {keyHint(primaryKey)}.
        </li>
        <li>
          <span className="font-medium text-foreground">Filter</span>: query parameters of the list
          API (equal, in a list, ranges on numbers and dates, text search).
        </li>
        <li>
          <span className="font-medium text-foreground">Sort</span>: what the list API may sort by;
          none ticked allows every column of a plain type.
        </li>
      </ul>
    </div>
  );
}
