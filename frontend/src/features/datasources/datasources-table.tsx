import { Link } from "@tanstack/react-router";
import type { DatasourcePublic } from "@/client/types.gen";
import { DeleteIconButton, EditIconLink } from "@/components/icon-buttons";
import { RowActionsCell } from "@/components/row-actions-cell";
import { Badge } from "@/components/ui/badge";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { DatasourceTypeBadge } from "./datasource-type-badge";
import { connectionSummary } from "./datasource-types";
import { HealthCell } from "./health-cell";

type DatasourcesTableProps = {
  sources: DatasourcePublic[];
  /** Offer "Test" per row: it connects with the stored password, so it needs write. */
  mayTest: boolean;
  onDelete?: (source: DatasourcePublic) => void;
};

function NameCell({ source }: { source: DatasourcePublic }) {
  return (
    <TableCell className="max-w-64">
      <Link
        to="/datasources/$id"
        params={{ id: source.id }}
        className="font-medium hover:underline"
      >
        {source.name}
      </Link>
      {source.description && (
        <p className="mt-0.5 truncate text-xs text-muted-foreground">{source.description}</p>
      )}
    </TableCell>
  );
}

function Actions({
  source,
  onDelete,
}: {
  source: DatasourcePublic;
  onDelete: DatasourcesTableProps["onDelete"];
}) {
  // Deleting needs the write permission: without it the row can only be opened.
  return (
    <RowActionsCell>
      <EditIconLink
        to="/datasources/$id"
        params={{ id: source.id }}
        readOnly={!onDelete}
        aria-label={`${onDelete ? "Edit" : "Open"} ${source.name}`}
      />
      {onDelete && (
        <DeleteIconButton label={`Delete ${source.name}`} onClick={() => onDelete(source)} />
      )}
    </RowActionsCell>
  );
}

export function DatasourcesTable({ sources, mayTest, onDelete }: DatasourcesTableProps) {
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Name</TableHead>
          <TableHead>Type</TableHead>
          <TableHead>Connection</TableHead>
          <TableHead>Status</TableHead>
          {mayTest && <TableHead>Health</TableHead>}
          <TableHead className="text-right">Actions</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sources.map((source) => (
          <TableRow key={source.id}>
            <NameCell source={source} />
            <TableCell>
              <DatasourceTypeBadge type={source.type} />
            </TableCell>
            <TableCell>
              <code className="font-mono text-xs text-muted-foreground">
                {connectionSummary(source)}
              </code>
            </TableCell>
            <TableCell>
              {(source.is_active ?? true) ? (
                <Badge variant="success">Active</Badge>
              ) : (
                <Badge variant="muted">Inactive</Badge>
              )}
            </TableCell>
            {mayTest && (
              <TableCell>
                <HealthCell source={source} />
              </TableCell>
            )}
            <Actions source={source} onDelete={onDelete} />
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
