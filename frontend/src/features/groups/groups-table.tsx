import type { GroupPublic } from "@/client/types.gen";
import type { ApiOption } from "@/components/api-picker";
import { DeleteIconButton, EditIconButton } from "@/components/icon-buttons";
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

type GroupsTableProps = {
  groups: GroupPublic[];
  apis: ApiOption[] | undefined;
  onEdit?: (group: GroupPublic) => void;
  onDelete?: (group: GroupPublic) => void;
};

const SHOWN_APIS = 3;

function GroupApis({ ids, apis }: { ids: number[]; apis: ApiOption[] | undefined }) {
  if (ids.length === 0) return <span className="text-muted-foreground">None yet</span>;
  const shown = ids.slice(0, SHOWN_APIS);
  return (
    <div className="flex flex-col gap-1">
      {shown.map((id) => {
        const option = apis?.find((api) => api.value === id);
        return (
          <span key={id} className="flex min-w-0 items-center gap-2">
            <MethodBadge method={option?.api.method ?? "GET"} className="w-14 text-[10px]" />
            <code className="truncate font-mono text-xs">{option?.endpoint ?? `API #${id}`}</code>
          </span>
        );
      })}
      {ids.length > SHOWN_APIS && (
        <span className="text-xs text-muted-foreground">and {ids.length - SHOWN_APIS} more</span>
      )}
    </div>
  );
}

function Count({ count, one, many }: { count: number; one: string; many: string }) {
  return (
    <Badge variant={count === 0 ? "muted" : "secondary"} className="tabular-nums">
      {count} {count === 1 ? one : many}
    </Badge>
  );
}

export function GroupsTable({ groups, apis, onEdit, onDelete }: GroupsTableProps) {
  const hasActions = Boolean(onEdit || onDelete);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Group</TableHead>
          <TableHead>APIs</TableHead>
          <TableHead className="w-28">Size</TableHead>
          {hasActions && <TableHead className="text-right">Actions</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {groups.map((group) => (
          <TableRow key={group.id}>
            <TableCell className="max-w-72 align-top">
              <span className="font-medium">{group.name}</span>
              {group.description && (
                <p className="mt-0.5 line-clamp-2 text-xs text-muted-foreground">
                  {group.description}
                </p>
              )}
            </TableCell>
            <TableCell className="max-w-md align-top">
              <GroupApis ids={group.api_ids} apis={apis} />
            </TableCell>
            <TableCell className="align-top">
              <div className="flex flex-col items-start gap-1">
                <Count count={group.api_ids.length} one="API" many="APIs" />
                <Count count={group.client_count ?? 0} one="client" many="clients" />
              </div>
            </TableCell>
            {hasActions && (
              <RowActionsCell className="align-top">
                {onEdit && (
                  <EditIconButton label={`Edit ${group.name}`} onClick={() => onEdit(group)} />
                )}
                {onDelete && (
                  <DeleteIconButton
                    label={`Delete ${group.name}`}
                    onClick={() => onDelete(group)}
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
