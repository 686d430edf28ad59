import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { PlusIcon, UsersRoundIcon } from "lucide-react";
import { useState } from "react";
import { groupsReadGroupsOptions } from "@/client/@tanstack/react-query.gen";
import type { GroupPublic } from "@/client/types.gen";
import { useApiOptions } from "@/components/api-picker";
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
import { DeleteGroupDialog } from "./delete-group-dialog";
import { GroupFormDialog } from "./group-form-dialog";
import { GroupsTable } from "./groups-table";

const PAGE_SIZE = 20;

/** The list's search and filters, as the URL holds them. */
export type GroupsSearch = {
  q?: string;
};

type GroupsPageProps = {
  page: number;
  search: GroupsSearch;
  onPageChange: (page: number) => void;
  /** A new search or filter (the page goes back to the first). */
  onSearchChange: (change: Partial<GroupsSearch>) => void;
};

type Editing = { kind: "closed" } | { kind: "create" } | { kind: "edit"; group: GroupPublic };

function NoGroups(
  props: Pick<GroupsPageProps, "page" | "onPageChange"> & { onCreate?: () => void },
) {
  if (props.page > 1) {
    return (
      <EmptyState icon={UsersRoundIcon} title="No groups on this page">
        <Button variant="link" onClick={() => props.onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={UsersRoundIcon} title="No groups yet">
      <p>Bundle the private APIs that go together, then put clients in the group.</p>
      {props.onCreate && (
        <Button className="mt-4" onClick={props.onCreate}>
          <PlusIcon />
          New group
        </Button>
      )}
    </EmptyState>
  );
}

export function GroupsPage({ page, search, onPageChange, onSearchChange }: GroupsPageProps) {
  const mayWrite = can(useCurrentUser(), "group", "write");
  const groups = useQuery({
    ...groupsReadGroupsOptions({
      query: { q: search.q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: keepPreviousData,
  });
  const searching = page === 1 && isFiltered(search);
  const apis = useApiOptions();
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [deleting, setDeleting] = useState<GroupPublic | null>(null);
  const create = mayWrite ? () => setEditing({ kind: "create" }) : undefined;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Groups"
        description="Sets of private APIs granted to clients together."
        actions={
          create && (
            <Button onClick={create}>
              <PlusIcon />
              New group
            </Button>
          )
        }
      />
      <ListSearch noun="groups" value={search.q} onChange={(q) => onSearchChange({ q })} />
      {groups.isError && <ErrorAlert error={groups.error} />}
      {groups.isPending && !groups.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {groups.data && groups.data.data.length === 0 && searching && (
        <NoMatches noun="groups" q={search.q} onClear={() => onSearchChange({ q: undefined })} />
      )}
      {groups.data && groups.data.data.length === 0 && !searching && (
        <NoGroups page={page} onPageChange={onPageChange} onCreate={create} />
      )}
      {groups.data && groups.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <GroupsTable
            groups={groups.data.data}
            apis={apis}
            onEdit={mayWrite ? (group) => setEditing({ kind: "edit", group }) : undefined}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          {groups.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={groups.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <GroupFormDialog
        open={editing.kind !== "closed"}
        onOpenChange={(open) => !open && setEditing({ kind: "closed" })}
        group={editing.kind === "edit" ? editing.group : undefined}
      />
      <DeleteGroupDialog group={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
