import { useQuery } from "@tanstack/react-query";
import { EyeIcon, LockIcon, PencilIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import {
  rolesReadPermissionsOptions,
  rolesReadRolesOptions,
} from "@/client/@tanstack/react-query.gen";
import type { RolePublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { DeleteIconButton } from "@/components/icon-buttons";
import { PageHeader } from "@/components/page-header";
import { RowActionsCell } from "@/components/row-actions-cell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { DeleteRoleDialog } from "./delete-role-dialog";
import { PermissionSummary } from "./permission-summary";
import { RoleFormDialog } from "./role-form-dialog";

type Editing = { kind: "closed" } | { kind: "create" } | { kind: "open"; role: RolePublic };

export function RolesPage() {
  const mayWrite = can(useCurrentUser(), "role", "write");
  const roles = useQuery(rolesReadRolesOptions({ query: { limit: 100 } }));
  const permissions = useQuery(rolesReadPermissionsOptions());
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [deleting, setDeleting] = useState<RolePublic | null>(null);
  const available = permissions.data?.data ?? [];
  const openedRole = editing.kind === "open" ? editing.role : undefined;
  const error = roles.error ?? permissions.error;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Roles"
        description="Named sets of permissions. Built-in roles are read-only."
        actions={
          mayWrite && (
            <Button onClick={() => setEditing({ kind: "create" })} disabled={!permissions.data}>
              <PlusIcon />
              New role
            </Button>
          )
        }
      />
      {error && <ErrorAlert error={error} />}
      {roles.isPending && !error && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {roles.data && (
        <Card className="overflow-hidden">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead className="w-1/4">Role</TableHead>
                <TableHead>Permissions</TableHead>
                <TableHead className="text-right">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {roles.data.data.map((role) => {
                const editable = mayWrite && !role.is_builtin;
                return (
                  <TableRow key={role.id}>
                    <TableCell className="align-top">
                      <div className="flex items-center gap-2 font-medium">
                        {role.name}
                        {role.is_builtin && (
                          <Badge variant="muted">
                            <LockIcon />
                            Built-in
                          </Badge>
                        )}
                      </div>
                      {role.description && (
                        <p className="mt-1 text-xs text-muted-foreground">{role.description}</p>
                      )}
                    </TableCell>
                    <TableCell className="align-top">
                      <PermissionSummary
                        permissions={role.permissions ?? []}
                        availableCount={permissions.data?.count}
                      />
                    </TableCell>
                    <RowActionsCell className="align-top">
                      <Button
                        variant="ghost"
                        size="icon-sm"
                        aria-label={`${editable ? "Edit" : "View"} role ${role.name}`}
                        disabled={!permissions.data}
                        onClick={() => setEditing({ kind: "open", role })}
                      >
                        {editable ? <PencilIcon /> : <EyeIcon />}
                      </Button>
                      {editable && (
                        <DeleteIconButton
                          label={`Delete role ${role.name}`}
                          onClick={() => setDeleting(role)}
                        />
                      )}
                    </RowActionsCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>
      )}
      <RoleFormDialog
        open={editing.kind !== "closed"}
        onOpenChange={(open) => !open && setEditing({ kind: "closed" })}
        role={openedRole}
        available={available}
        readOnly={!mayWrite || Boolean(openedRole?.is_builtin)}
      />
      <DeleteRoleDialog role={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
