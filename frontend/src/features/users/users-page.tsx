import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { PlusIcon, UsersIcon } from "lucide-react";
import { useState } from "react";
import { rolesReadRolesOptions, usersReadUsersOptions } from "@/client/@tanstack/react-query.gen";
import type { UserPublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { ListSearch, NoMatches } from "@/components/list-search";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { isFiltered } from "@/lib/search-params";
import { useCurrentUser } from "@/lib/session";
import { DeleteUserDialog } from "./delete-user-dialog";
import { UserFormDialog } from "./user-form-dialog";
import { UsersTable } from "./users-table";

const PAGE_SIZE = 10;

/** The list's search and filters, as the URL holds them. */
export type UsersSearch = {
  q?: string;
};

type UsersPageProps = {
  page: number;
  search: UsersSearch;
  onPageChange: (page: number) => void;
  /** A new search or filter (the page goes back to the first). */
  onSearchChange: (change: Partial<UsersSearch>) => void;
};

type Editing = { kind: "closed" } | { kind: "create" } | { kind: "edit"; user: UserPublic };

export function UsersPage({ page, search, onPageChange, onSearchChange }: UsersPageProps) {
  const me = useCurrentUser();
  const mayWrite = can(me, "user", "write");
  const users = useQuery({
    ...usersReadUsersOptions({
      query: { q: search.q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: keepPreviousData,
  });
  const searching = page === 1 && isFiltered(search);
  const roles = useQuery({
    ...rolesReadRolesOptions({ query: { limit: 100 } }),
    enabled: can(me, "role", "read"),
  });
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [deleting, setDeleting] = useState<UserPublic | null>(null);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Users"
        description="People who can log in to this dashboard, and what they may do."
        actions={
          mayWrite && (
            <Button onClick={() => setEditing({ kind: "create" })}>
              <PlusIcon />
              New user
            </Button>
          )
        }
      />
      <ListSearch noun="users" value={search.q} onChange={(q) => onSearchChange({ q })} />
      {users.isError && <ErrorAlert error={users.error} />}
      {users.isPending && !users.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {users.data && users.data.data.length === 0 && searching && (
        <NoMatches noun="users" q={search.q} onClear={() => onSearchChange({ q: undefined })} />
      )}
      {users.data && users.data.data.length === 0 && !searching && (
        <EmptyState icon={UsersIcon} title="No users on this page">
          <Button variant="link" onClick={() => onPageChange(1)}>
            Go to the first page
          </Button>
        </EmptyState>
      )}
      {users.data && users.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <UsersTable
            users={users.data.data}
            roles={roles.data?.data}
            currentUserId={me.id}
            onEdit={mayWrite ? (user) => setEditing({ kind: "edit", user }) : undefined}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          <div className="border-t px-4 py-3">
            <Pagination
              page={page}
              pageSize={PAGE_SIZE}
              total={users.data.count}
              onPageChange={onPageChange}
            />
          </div>
        </Card>
      )}
      <UserFormDialog
        open={editing.kind !== "closed"}
        onOpenChange={(open) => !open && setEditing({ kind: "closed" })}
        user={editing.kind === "edit" ? editing.user : undefined}
        roles={roles.data?.data}
      />
      <DeleteUserDialog user={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
