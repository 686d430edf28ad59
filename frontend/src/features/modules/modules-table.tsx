import { Link } from "@tanstack/react-router";
import { PencilIcon, Trash2Icon } from "lucide-react";
import type { ModulePublic } from "@/client/types.gen";
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
    <TableCell className="text-right whitespace-nowrap">
      {onEdit && (
        <Button
          variant="ghost"
          size="icon-sm"
          aria-label={`Edit ${module.name}`}
          onClick={() => onEdit(module)}
        >
          <PencilIcon />
        </Button>
      )}
      {onDelete && (
        <Button
          variant="ghost"
          size="icon-sm"
          className="text-destructive hover:bg-destructive/10 hover:text-destructive"
          aria-label={`Delete ${module.name}`}
          onClick={() => onDelete(module)}
        >
          <Trash2Icon />
        </Button>
      )}
    </TableCell>
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
              {(module.is_active ?? true) ? (
                <Badge variant="success">Active</Badge>
              ) : (
                <Badge variant="muted">Inactive</Badge>
              )}
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
