import { Link } from "@tanstack/react-router";
import type { ApiPublic, ModulePublic } from "@/client/types.gen";
import { DeleteIconButton, EditIconLink } from "@/components/icon-buttons";
import { MethodBadge } from "@/components/method-badge";
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
import { AccessBadge } from "./access-badge";
import { endpointPath } from "./api-types";
import { LiveVersion } from "./live-version";

type ApisTableProps = {
  apis: ApiPublic[];
  modules: ModulePublic[] | undefined;
  onDelete?: (api: ApiPublic) => void;
};

function Actions({ api, onDelete }: { api: ApiPublic; onDelete: ApisTableProps["onDelete"] }) {
  // Deleting needs the write permission: without it the row can only be opened.
  return (
    <RowActionsCell>
      <EditIconLink
        to="/apis/$id"
        params={{ id: api.id }}
        readOnly={!onDelete}
        aria-label={`${onDelete ? "Edit" : "Open"} ${api.name}`}
      />
      {onDelete && <DeleteIconButton label={`Delete ${api.name}`} onClick={() => onDelete(api)} />}
    </RowActionsCell>
  );
}

export function ApisTable({ apis, modules, onDelete }: ApisTableProps) {
  const moduleName = (id: number) => modules?.find((module) => module.id === id)?.name;
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Endpoint</TableHead>
          <TableHead>Name</TableHead>
          <TableHead>State</TableHead>
          <TableHead>Access</TableHead>
          <TableHead>Updated</TableHead>
          <TableHead className="text-right">Actions</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {apis.map((api) => (
          <TableRow key={api.id}>
            <TableCell className="max-w-96">
              <Link
                to="/apis/$id"
                params={{ id: api.id }}
                className="flex min-w-0 items-center gap-3 hover:underline"
              >
                <MethodBadge method={api.method ?? "GET"} />
                <code className="truncate font-mono text-[13px]">
                  {endpointPath(moduleName(api.module_id), api.path)}
                </code>
              </Link>
            </TableCell>
            <TableCell className="max-w-64">
              <span className="font-medium">{api.name}</span>
              {api.engine === "script" && (
                <Badge variant="outline" className="ml-2 font-normal text-muted-foreground">
                  Python
                </Badge>
              )}
              {api.description && (
                <p className="mt-0.5 truncate text-xs text-muted-foreground">{api.description}</p>
              )}
            </TableCell>
            <TableCell>
              <LiveVersion api={api} />
            </TableCell>
            <TableCell>
              <AccessBadge access={api.access ?? "private"} />
            </TableCell>
            <TableCell className="text-muted-foreground whitespace-nowrap">
              {formatDateTime(api.updated_at)}
            </TableCell>
            <Actions api={api} onDelete={onDelete} />
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
