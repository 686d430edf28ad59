import { ChevronRightIcon } from "lucide-react";
import type { AuditLogPublic } from "@/client/types.gen";
import { ActionBadge } from "@/components/action-badge";
import { Named } from "@/components/named";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatPreciseDateTime, formatRelative } from "@/lib/format";
import { changedFields } from "./audit-changes";

type AuditTableProps = {
  entries: AuditLogPublic[];
  selected: number | undefined;
  onSelect: (entry: AuditLogPublic) => void;
};

const SHOWN_FIELDS = 4;

/** What the entry is about, in a few words. */
function Summary({ entry }: { entry: AuditLogPublic }) {
  const fields = changedFields(entry);
  const name = entry.after?.message ?? entry.after?.name ?? entry.before?.name;
  if (fields.length > 0) {
    return (
      <div className="flex flex-wrap gap-1">
        {fields.slice(0, SHOWN_FIELDS).map((field) => (
          <code key={field} className="rounded bg-muted px-1.5 py-0.5 font-mono text-[11px]">
            {field}
          </code>
        ))}
        {fields.length > SHOWN_FIELDS && (
          <span className="text-xs text-muted-foreground">+{fields.length - SHOWN_FIELDS}</span>
        )}
      </div>
    );
  }
  if (typeof name === "string") return <span className="truncate text-sm">{name}</span>;
  return <span className="text-muted-foreground">—</span>;
}

export function AuditTable({ entries, selected, onSelect }: AuditTableProps) {
  const now = Date.now();
  return (
    <Table aria-label="Audit log">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Time</TableHead>
          <TableHead>Actor</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Resource</TableHead>
          <TableHead>Changes</TableHead>
          <TableHead className="w-10">
            <span className="sr-only">Details</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {entries.map((entry) => (
          <TableRow
            key={entry.id}
            data-state={entry.id === selected ? "selected" : undefined}
            className="cursor-pointer data-[state=selected]:bg-accent/60"
            onClick={() => onSelect(entry)}
          >
            <TableCell className="whitespace-nowrap" title={formatPreciseDateTime(entry.at)}>
              {formatRelative(entry.at, now)}
            </TableCell>
            <TableCell className="max-w-52 truncate">
              {entry.actor ?? <span className="text-muted-foreground">system</span>}
            </TableCell>
            <TableCell>
              <ActionBadge action={entry.action} after={entry.after} />
            </TableCell>
            <TableCell className="whitespace-nowrap">
              <span className="text-muted-foreground">{entry.resource}</span>
              {entry.resource_id && (
                <Named
                  name={entry.resource_name}
                  id={`${entry.resource} #${entry.resource_id}`}
                  className="ml-1.5 font-medium"
                />
              )}
            </TableCell>
            <TableCell className="max-w-72">
              <Summary entry={entry} />
            </TableCell>
            <TableCell className="pr-3 text-right">
              <button
                type="button"
                aria-label={`Details of change ${entry.id}`}
                className="rounded-sm p-1 text-muted-foreground hover:text-foreground"
                onClick={(event) => {
                  event.stopPropagation();
                  onSelect(entry);
                }}
              >
                <ChevronRightIcon className="size-4" />
              </button>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
