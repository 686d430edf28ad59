import { BellOffIcon } from "lucide-react";
import type { AlertPublic } from "@/client/types.gen";
import { DeleteIconButton, EditIconButton } from "@/components/icon-buttons";
import { RowActionsCell } from "@/components/row-actions-cell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { KIND_LABELS } from "./alert-values";
import { isSilenced } from "./silence-dialog";

type AlertsTableProps = {
  alerts: AlertPublic[];
  /** What a rule watches, in words (its module, API or data source by name). */
  target: (alert: AlertPublic) => string;
  onEdit?: (alert: AlertPublic) => void;
  onSilence?: (alert: AlertPublic) => void;
  onDelete?: (alert: AlertPublic) => void;
};

function condition(alert: AlertPublic): string {
  const over = `over ${alert.window_seconds ?? 300} s`;
  switch (alert.kind) {
    case "error_rate":
      return `${alert.status_class ?? "5xx"} above ${alert.threshold}% ${over}, from ${alert.min_calls} calls`;
    case "latency_p95":
      return `p95 above ${alert.threshold} ms ${over}, from ${alert.min_calls} calls`;
    case "records_dropped":
      return `more than ${alert.threshold} dropped ${over}`;
    default:
      return "a health check fails";
  }
}

function State({ alert }: { alert: AlertPublic }) {
  return (
    <div className="flex flex-col items-start gap-1">
      {!alert.enabled ? (
        <Badge variant="muted">Disabled</Badge>
      ) : alert.state === "firing" ? (
        <Badge variant="destructive">Firing</Badge>
      ) : (
        <Badge variant="success">OK</Badge>
      )}
      {isSilenced(alert) && alert.silenced_until && (
        <span className="text-xs text-muted-foreground">
          Silenced until {formatDateTime(alert.silenced_until)}
        </span>
      )}
    </div>
  );
}

export function AlertsTable({ alerts, target, onEdit, onSilence, onDelete }: AlertsTableProps) {
  const hasActions = Boolean(onEdit || onSilence || onDelete);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Alert</TableHead>
          <TableHead>Watches</TableHead>
          <TableHead className="w-40">State</TableHead>
          {hasActions && <TableHead className="text-right">Actions</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {alerts.map((alert) => (
          <TableRow key={alert.id}>
            <TableCell className="max-w-80 align-top">
              <span className="font-medium">{alert.name}</span>
              <p className="mt-0.5 text-xs text-muted-foreground">
                {KIND_LABELS[alert.kind]}: {condition(alert)}
              </p>
            </TableCell>
            <TableCell className="align-top text-sm">{target(alert)}</TableCell>
            <TableCell className="align-top">
              <State alert={alert} />
            </TableCell>
            {hasActions && (
              <RowActionsCell className="align-top">
                {onSilence && (
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    aria-label={`Silence ${alert.name}`}
                    onClick={() => onSilence(alert)}
                  >
                    <BellOffIcon />
                  </Button>
                )}
                {onEdit && (
                  <EditIconButton label={`Edit ${alert.name}`} onClick={() => onEdit(alert)} />
                )}
                {onDelete && (
                  <DeleteIconButton
                    label={`Delete ${alert.name}`}
                    onClick={() => onDelete(alert)}
                  />
                )}
              </RowActionsCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
