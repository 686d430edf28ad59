import { Table2Icon } from "lucide-react";
import type { TablePublic } from "@/client/types.gen";
import { cn } from "@/lib/utils";
import { tableKey } from "./table-key";

type TableListProps = {
  tables: TablePublic[];
  selected: string | undefined;
  onSelect: (key: string) => void;
};

/** Tables grouped by schema, in the order the server sent them. */
function bySchema(tables: TablePublic[]): Map<string, TablePublic[]> {
  const groups = new Map<string, TablePublic[]>();
  for (const table of tables) {
    const schema = table.schema ?? "";
    groups.set(schema, [...(groups.get(schema) ?? []), table]);
  }
  return groups;
}

function TableButton({
  table,
  active,
  onSelect,
}: {
  table: TablePublic;
  active: boolean;
  onSelect: (key: string) => void;
}) {
  return (
    <button
      type="button"
      aria-current={active ? "true" : undefined}
      onClick={() => onSelect(tableKey(table))}
      className={cn(
        "flex w-full items-center gap-2 rounded-md px-2.5 py-1.5 text-left text-sm transition-colors outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50",
        active && "bg-accent font-medium text-accent-foreground",
      )}
    >
      <Table2Icon className="size-4 shrink-0 text-muted-foreground" />
      <span className="min-w-0 flex-1 truncate">{table.name}</span>
      <span className="text-xs text-muted-foreground tabular-nums">{table.columns.length}</span>
    </button>
  );
}

export function TableList({ tables, selected, onSelect }: TableListProps) {
  return (
    <nav
      aria-label="Tables"
      className="max-h-[28rem] overflow-y-auto border-b bg-muted/20 p-2 md:max-h-[36rem] md:border-r md:border-b-0"
    >
      {tables.length === 0 && (
        <p className="px-2.5 py-6 text-center text-sm text-muted-foreground">No table matches.</p>
      )}
      {[...bySchema(tables)].map(([schema, group]) => (
        <div key={schema} className="mb-2 last:mb-0">
          {schema && (
            <h3 className="px-2.5 pt-2 pb-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">
              {schema}
            </h3>
          )}
          <ul>
            {group.map((table) => (
              <li key={tableKey(table)}>
                <TableButton
                  table={table}
                  active={tableKey(table) === selected}
                  onSelect={onSelect}
                />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
