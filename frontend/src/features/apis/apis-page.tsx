import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { BookOpenIcon, BracesIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import { apisReadApisOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic, ModulePublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { FilterSelect, ListSearch, NoMatches } from "@/components/list-search";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { gatewayDocsUrl } from "@/lib/gateway-docs";
import { can } from "@/lib/permissions";
import { oneOf, optionalBoolean } from "@/lib/search-params";
import { useCurrentUser } from "@/lib/session";
import { ApisTable } from "./apis-table";
import { DeleteApiDialog } from "./delete-api-dialog";
import { useModules } from "./use-lookups";

const PAGE_SIZE = 20;

export const ENGINES = ["sql", "script"] as const;
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The list's search and filters, as the URL holds them. */
export type ApisSearch = {
  q?: string;
  /** Show only the APIs of this module. */
  module?: number;
  engine?: (typeof ENGINES)[number];
  method?: (typeof METHODS)[number];
  published?: boolean;
};

type ApisPageProps = {
  page: number;
  search: ApisSearch;
  onPageChange: (page: number) => void;
  /** A new search or filter (the page goes back to the first). */
  onSearchChange: (change: Partial<ApisSearch>) => void;
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

function ApiFilters({
  search,
  modules,
  onSearchChange,
}: Pick<ApisPageProps, "search" | "onSearchChange"> & { modules: ModulePublic[] | undefined }) {
  const published = search.published === undefined ? undefined : String(search.published);
  return (
    <ListSearch noun="APIs" value={search.q} onChange={(q) => onSearchChange({ q })}>
      {modules && modules.length > 0 && (
        <FilterSelect
          label="Module"
          anyLabel="All modules"
          value={search.module === undefined ? undefined : String(search.module)}
          options={modules.map((module) => [String(module.id), `/${module.name}`] as const)}
          onChange={(value) => onSearchChange({ module: Number(value) || undefined })}
        />
      )}
      <FilterSelect
        label="Engine"
        anyLabel="Any engine"
        value={search.engine}
        options={[
          ["sql", "SQL"],
          ["script", "Python"],
        ]}
        onChange={(value) => onSearchChange({ engine: oneOf(ENGINES, value) })}
      />
      <FilterSelect
        label="Method"
        anyLabel="Any method"
        value={search.method}
        options={METHODS.map((method) => [method, method] as const)}
        onChange={(value) => onSearchChange({ method: oneOf(METHODS, value) })}
      />
      <FilterSelect
        label="Status"
        anyLabel="Published or not"
        value={published}
        options={[
          ["true", "Published"],
          ["false", "Not published"],
        ]}
        onChange={(value) => onSearchChange({ published: optionalBoolean(value) })}
      />
    </ListSearch>
  );
}

function NoApis({
  page,
  search,
  mayWrite,
  onPageChange,
  onSearchChange,
}: ApisPageProps & { mayWrite: boolean }) {
  if (page > 1) {
    return (
      <EmptyState icon={BracesIcon} title="No APIs on this page">
        <Button variant="link" onClick={() => onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  if (search.q || search.engine || search.method || search.published !== undefined) {
    const clear = { q: undefined, engine: undefined, method: undefined, published: undefined };
    return <NoMatches noun="APIs" q={search.q} onClear={() => onSearchChange(clear)} />;
  }
  const moduleId = search.module;
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
  const { page, search, onPageChange } = props;
  const moduleId = search.module;
  const mayWrite = can(useCurrentUser(), "api", "write");
  const modules = useModules();
  const apis = useQuery({
    ...apisReadApisOptions({
      query: {
        q: search.q,
        module_id: moduleId,
        engine: search.engine,
        method: search.method,
        published: search.published,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      },
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
      <ApiFilters search={search} modules={modules} onSearchChange={props.onSearchChange} />
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
