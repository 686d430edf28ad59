import { ChevronRightIcon } from "lucide-react";
import type { AccessRecordPublic } from "@/client/types.gen";
import { MethodBadge } from "@/components/method-badge";
import { Named } from "@/components/named";
import { StatusBadge } from "@/components/status-badge";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatDuration, formatPreciseDateTime, formatRelative } from "@/lib/format";

type CallsTableProps = {
  records: AccessRecordPublic[];
  /** The record shown in the side panel, if any. */
  selected: number | undefined;
  onSelect: (id: number) => void;
};

const muted = <span className="text-muted-foreground">—</span>;

export function CallsTable({ records, selected, onSelect }: CallsTableProps) {
  const now = Date.now();
  return (
    <Table aria-label="Calls">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Time</TableHead>
          <TableHead>Request</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Client</TableHead>
          <TableHead className="text-right">Duration</TableHead>
          <TableHead>Error</TableHead>
          <TableHead className="w-10">
            <span className="sr-only">Details</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {records.map((record) => (
          <TableRow
            key={record.id}
            data-state={record.id === selected ? "selected" : undefined}
            className="cursor-pointer data-[state=selected]:bg-accent/60"
            onClick={() => onSelect(record.id)}
          >
            <TableCell className="whitespace-nowrap" title={formatPreciseDateTime(record.at)}>
              <span className="text-sm">{formatRelative(record.at, now)}</span>
            </TableCell>
            <TableCell className="max-w-80">
              <div className="flex min-w-0 items-center gap-2">
                <MethodBadge method={record.method} className="w-14 text-[10px]" />
                <code className="truncate font-mono text-[13px]">{record.path}</code>
              </div>
            </TableCell>
            <TableCell>
              <StatusBadge status={record.status} />
            </TableCell>
            <TableCell className="max-w-44 truncate text-sm">
              {record.client_id ? (
                <Named name={record.client_name} id={`Client ID ${record.client_id}`} />
              ) : (
                muted
              )}
            </TableCell>
            <TableCell className="text-right font-mono text-xs whitespace-nowrap tabular-nums">
              {formatDuration(record.duration_ms)}
            </TableCell>
            <TableCell className="font-mono text-xs text-destructive">
              {record.error ?? muted}
            </TableCell>
            <TableCell className="pr-3 text-right">
              <button
                type="button"
                aria-label={`Details of call ${record.id}`}
                className="rounded-sm p-1 text-muted-foreground hover:text-foreground"
                onClick={(event) => {
                  event.stopPropagation();
                  onSelect(record.id);
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
