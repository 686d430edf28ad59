import { Link } from "@tanstack/react-router";
import { FlaskConicalIcon } from "lucide-react";
import type { ModulePublic } from "@/client/types.gen";
import { DeleteIconButton, EditIconButton } from "@/components/icon-buttons";
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
import { formatDateTime } from "@/lib/format";

type ModulesTableProps = {
  modules: ModulePublic[];
  onEdit?: (module: ModulePublic) => void;
  onDelete?: (module: ModulePublic) => void;
};

function ApiCount({ module }: { module: ModulePublic }) {
  const count = module.api_count ?? 0;
  if (count === 0) return <span className="text-muted-foreground">None yet</span>;
  return (
    <Link
      to="/apis"
      search={{ module: module.id }}
      className="font-medium text-primary tabular-nums hover:underline"
    >
      {count} {count === 1 ? "API" : "APIs"}
    </Link>
  );
}

function Actions({
  module,
  onEdit,
  onDelete,
}: { module: ModulePublic } & Omit<ModulesTableProps, "modules">) {
  return (
    <RowActionsCell>
      {onEdit && <EditIconButton label={`Edit ${module.name}`} onClick={() => onEdit(module)} />}
      {onDelete && (
        <DeleteIconButton label={`Delete ${module.name}`} onClick={() => onDelete(module)} />
      )}
    </RowActionsCell>
  );
}

export function ModulesTable({ modules, onEdit, onDelete }: ModulesTableProps) {
  const hasActions = Boolean(onEdit || onDelete);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Module</TableHead>
          <TableHead>APIs</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Updated</TableHead>
          {hasActions && <TableHead className="text-right">Actions</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {modules.map((module) => (
          <TableRow key={module.id}>
            <TableCell className="max-w-96">
              <code className="font-mono font-medium">/{module.name}</code>
              {module.description && (
                <p className="mt-0.5 truncate text-xs text-muted-foreground">
                  {module.description}
                </p>
              )}
            </TableCell>
            <TableCell>
              <ApiCount module={module} />
            </TableCell>
            <TableCell>
              <div className="flex flex-wrap gap-1.5">
                {(module.is_active ?? true) ? (
                  <Badge variant="success">Active</Badge>
                ) : (
                  <Badge variant="muted">Inactive</Badge>
                )}
                {module.require_passing_tests && (
                  <Badge variant="outline" title="Publishes wait for the APIs' tests to pass">
                    <FlaskConicalIcon />
                    Tests required
                  </Badge>
                )}
              </div>
            </TableCell>
            <TableCell className="text-muted-foreground whitespace-nowrap">
              {formatDateTime(module.updated_at)}
            </TableCell>
            {hasActions && <Actions module={module} onEdit={onEdit} onDelete={onDelete} />}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
