import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { BlocksIcon, FileCode2Icon, PlusIcon } from "lucide-react";
import { useState } from "react";
import { modulesReadModulesOptions } from "@/client/@tanstack/react-query.gen";
import type { ModulePublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { DeleteModuleDialog } from "./delete-module-dialog";
import { ModuleFormDialog } from "./module-form-dialog";
import { ModulesTable } from "./modules-table";

const PAGE_SIZE = 20;

type ModulesPageProps = { page: number; onPageChange: (page: number) => void };

type Editing = { kind: "closed" } | { kind: "create" } | { kind: "edit"; module: ModulePublic };

function NoModules({
  page,
  mayWrite,
  onCreate,
  onPageChange,
}: ModulesPageProps & {
  mayWrite: boolean;
  onCreate: () => void;
}) {
  if (page > 1) {
    return (
      <EmptyState icon={BlocksIcon} title="No modules on this page">
        <Button variant="link" onClick={() => onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={BlocksIcon} title="No modules yet">
      <p>
        A module is the first segment of its APIs' URLs: the module <code>orders</code> serves{" "}
        <code>/orders/…</code>.
      </p>
      {mayWrite && (
        <Button className="mt-4" onClick={onCreate}>
          <PlusIcon />
          New module
        </Button>
      )}
    </EmptyState>
  );
}

export function ModulesPage({ page, onPageChange }: ModulesPageProps) {
  const mayWrite = can(useCurrentUser(), "module", "write");
  const modules = useQuery({
    ...modulesReadModulesOptions({ query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } }),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Editing>({ kind: "closed" });
  const [deleting, setDeleting] = useState<ModulePublic | null>(null);
  const create = () => setEditing({ kind: "create" });

  return (
    <div className="space-y-6">
      <PageHeader
        title="Modules"
        description="Groups of APIs that share the first segment of their URL."
        actions={
          <>
            <Button variant="outline" asChild>
              <Link to="/definitions">
                <FileCode2Icon />
                Export / import
              </Link>
            </Button>
            {mayWrite && (
              <Button onClick={create}>
                <PlusIcon />
                New module
              </Button>
            )}
          </>
        }
      />
      {modules.isError && <ErrorAlert error={modules.error} />}
      {modules.isPending && !modules.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {modules.data && modules.data.data.length === 0 && (
        <NoModules page={page} mayWrite={mayWrite} onCreate={create} onPageChange={onPageChange} />
      )}
      {modules.data && modules.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <ModulesTable
            modules={modules.data.data}
            onEdit={mayWrite ? (module) => setEditing({ kind: "edit", module }) : undefined}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          {modules.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={modules.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <ModuleFormDialog
        open={editing.kind !== "closed"}
        onOpenChange={(open) => !open && setEditing({ kind: "closed" })}
        module={editing.kind === "edit" ? editing.module : undefined}
      />
      <DeleteModuleDialog module={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
