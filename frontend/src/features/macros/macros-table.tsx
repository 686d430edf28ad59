import { Link } from "@tanstack/react-router";
import type { MacroPublic, ModulePublic } from "@/client/types.gen";
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
import { formatDateTime } from "@/lib/format";
import { KindBadge } from "./kind-badge";
import { UsedByCell } from "./used-by";

type MacrosTableProps = {
  macros: MacroPublic[];
  modules: ModulePublic[] | undefined;
  onDelete?: (macro: MacroPublic) => void;
};

function Scope({
  moduleId,
  modules,
}: {
  moduleId: number | null | undefined;
  modules: ModulePublic[] | undefined;
}) {
  if (moduleId === null || moduleId === undefined) return <span>Global</span>;
  const name = modules?.find((module) => module.id === moduleId)?.name;
  return <code className="font-mono text-xs">/{name ?? moduleId}</code>;
}

function Actions({
  macro,
  onDelete,
}: {
  macro: MacroPublic;
  onDelete: MacrosTableProps["onDelete"];
}) {
  // Deleting needs the write permission: without it the row can only be opened.
  return (
    <RowActionsCell>
      <EditIconLink
        to="/macros/$id"
        params={{ id: macro.id }}
        readOnly={!onDelete}
        aria-label={`${onDelete ? "Edit" : "Open"} ${macro.name}`}
      />
      {onDelete && (
        <DeleteIconButton label={`Delete ${macro.name}`} onClick={() => onDelete(macro)} />
      )}
    </RowActionsCell>
  );
}

export function MacrosTable({ macros, modules, onDelete }: MacrosTableProps) {
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Name</TableHead>
          <TableHead>Kind</TableHead>
          <TableHead>Scope</TableHead>
          <TableHead>Latest version</TableHead>
          <TableHead>Used by</TableHead>
          <TableHead>Updated</TableHead>
          <TableHead className="text-right">Actions</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {macros.map((macro) => (
          <TableRow key={macro.id}>
            <TableCell className="max-w-72">
              <Link
                to="/macros/$id"
                params={{ id: macro.id }}
                className="font-mono font-medium hover:underline"
              >
                {macro.name}
              </Link>
              {macro.description && (
                <p className="mt-0.5 truncate text-xs text-muted-foreground">{macro.description}</p>
              )}
            </TableCell>
            <TableCell>
              <KindBadge kind={macro.kind ?? "sql"} />
            </TableCell>
            <TableCell className="text-muted-foreground">
              <Scope moduleId={macro.module_id} modules={modules} />
            </TableCell>
            <TableCell>
              {macro.latest_version ? (
                <span className="font-mono text-sm font-medium">v{macro.latest_version}</span>
              ) : (
                <Badge variant="muted">Unpublished</Badge>
              )}
            </TableCell>
            <TableCell>
              <UsedByCell usages={macro.used_by ?? []} latest={macro.latest_version ?? null} />
            </TableCell>
            <TableCell className="whitespace-nowrap text-muted-foreground">
              {formatDateTime(macro.updated_at)}
            </TableCell>
            <Actions macro={macro} onDelete={onDelete} />
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
