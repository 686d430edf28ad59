import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { BookOpenIcon, BracesIcon, PlusIcon } from "lucide-react";
import { useId, useState } from "react";
import { apisReadApisOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic, ModulePublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { gatewayDocsUrl } from "@/lib/gateway-docs";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { ApisTable } from "./apis-table";
import { DeleteApiDialog } from "./delete-api-dialog";
import { useModules } from "./use-lookups";

const PAGE_SIZE = 20;

type ApisPageProps = {
  page: number;
  /** Show only the APIs of this module. */
  moduleId: number | undefined;
  onPageChange: (page: number) => void;
  onModuleChange: (moduleId: number | undefined) => void;
};

function NewApiButton({ moduleId }: { moduleId: number | undefined }) {
  return (
    <Button asChild>
      <Link to="/apis/new" search={{ module: moduleId }}>
        <PlusIcon />
        New API
      </Link>
    </Button>
  );
}

function ModuleFilter(props: {
  modules: ModulePublic[];
  value: number | undefined;
  onChange: (moduleId: number | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm text-muted-foreground">
        Module
      </label>
      <NativeSelect
        id={id}
        className="w-48"
        value={props.value ?? ""}
        onChange={(event) => props.onChange(Number(event.target.value) || undefined)}
      >
        <option value="">All modules</option>
        {props.modules.map((module) => (
          <option key={module.id} value={module.id}>
            /{module.name}
          </option>
        ))}
      </NativeSelect>
    </div>
  );
}

function NoApis({ page, moduleId, mayWrite, onPageChange }: ApisPageProps & { mayWrite: boolean }) {
  if (page > 1) {
    return (
      <EmptyState icon={BracesIcon} title="No APIs on this page">
        <Button variant="link" onClick={() => onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={BracesIcon} title={moduleId ? "No APIs in this module" : "No APIs yet"}>
      <p>
        Write an SQL template or a Python script, declare its parameters, debug it, and publish it
        as an endpoint.
      </p>
      {mayWrite && (
        <div className="mt-4">
          <NewApiButton moduleId={moduleId} />
        </div>
      )}
    </EmptyState>
  );
}

export function ApisPage(props: ApisPageProps) {
  const { page, moduleId, onPageChange } = props;
  const mayWrite = can(useCurrentUser(), "api", "write");
  const modules = useModules();
  const apis = useQuery({
    ...apisReadApisOptions({
      query: { module_id: moduleId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: keepPreviousData,
  });
  const [deleting, setDeleting] = useState<ApiPublic | null>(null);

  return (
    <div className="space-y-6">
      <PageHeader
        title="APIs"
        description="SQL templates and Python scripts served as HTTP endpoints at /module/path."
        actions={
          <>
            <Button variant="outline" asChild>
              <a href={gatewayDocsUrl} target="_blank" rel="noreferrer">
                <BookOpenIcon />
                Gateway docs
              </a>
            </Button>
            {mayWrite && <NewApiButton moduleId={moduleId} />}
          </>
        }
      />
      {modules && modules.length > 0 && (
        <ModuleFilter modules={modules} value={moduleId} onChange={props.onModuleChange} />
      )}
      {apis.isError && <ErrorAlert error={apis.error} />}
      {apis.isPending && !apis.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {apis.data && apis.data.data.length === 0 && <NoApis {...props} mayWrite={mayWrite} />}
      {apis.data && apis.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <ApisTable
            apis={apis.data.data}
            modules={modules}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          {apis.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={apis.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <DeleteApiDialog api={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
