import type { RolePublic, UserPublic } from "@/client/types.gen";
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

type UsersTableProps = {
  users: UserPublic[];
  roles: RolePublic[] | undefined;
  currentUserId: number;
  onEdit?: (user: UserPublic) => void;
  onDelete?: (user: UserPublic) => void;
};

function RoleBadges({ roleIds, roles }: { roleIds: number[]; roles: RolePublic[] | undefined }) {
  if (roleIds.length === 0) return <span className="text-muted-foreground">—</span>;
  const nameOf = (id: number) => roles?.find((role) => role.id === id)?.name ?? `#${id}`;
  return (
    <div className="flex flex-wrap gap-1">
      {roleIds.map((id) => (
        <Badge key={id} variant="secondary">
          {nameOf(id)}
        </Badge>
      ))}
    </div>
  );
}

export function UsersTable({ users, roles, currentUserId, onEdit, onDelete }: UsersTableProps) {
  const hasActions = Boolean(onEdit || onDelete);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Email</TableHead>
          <TableHead>Name</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Superuser</TableHead>
          <TableHead>Roles</TableHead>
          {hasActions && <TableHead className="text-right">Actions</TableHead>}
        </TableRow>
      </TableHeader>
      <TableBody>
        {users.map((user) => (
          <TableRow key={user.id}>
            <TableCell className="font-medium">
              {user.email}
              {user.id === currentUserId && (
                <Badge variant="outline" className="ml-2">
                  You
                </Badge>
              )}
            </TableCell>
            <TableCell>
              {user.full_name || <span className="text-muted-foreground">—</span>}
            </TableCell>
            <TableCell>
              {(user.is_active ?? true) ? (
                <Badge variant="success">Active</Badge>
              ) : (
                <Badge variant="muted">Inactive</Badge>
              )}
            </TableCell>
            <TableCell>
              {user.is_superuser ? (
                <Badge>Superuser</Badge>
              ) : (
                <span className="text-muted-foreground">—</span>
              )}
            </TableCell>
            <TableCell>
              <RoleBadges roleIds={user.role_ids ?? []} roles={roles} />
            </TableCell>
            {hasActions && (
              <RowActionsCell>
                {onEdit && (
                  <EditIconButton label={`Edit ${user.email}`} onClick={() => onEdit(user)} />
                )}
                {onDelete && user.id === currentUserId && (
                  // You cannot delete yourself; keep the column aligned.
                  <span className="inline-block size-8 align-middle" />
                )}
                {onDelete && user.id !== currentUserId && (
                  <DeleteIconButton label={`Delete ${user.email}`} onClick={() => onDelete(user)} />
                )}
              </RowActionsCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
