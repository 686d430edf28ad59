import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { DatabaseIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import { datasourcesReadDatasourcesOptions } from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { FilterSelect, ListSearch, NoMatches } from "@/components/list-search";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { isFiltered, oneOf } from "@/lib/search-params";
import { useCurrentUser } from "@/lib/session";
import { DATASOURCE_TYPES } from "./datasource-types";
import { DatasourcesTable } from "./datasources-table";
import { DeleteDatasourceDialog } from "./delete-datasource-dialog";

const PAGE_SIZE = 20;

/** The list's search and filters, as the URL holds them. */
export type DatasourcesSearch = {
  q?: string;
  type?: "postgres" | "mysql" | "trino" | "sqlite";
};

type DatasourcesPageProps = {
  page: number;
  search: DatasourcesSearch;
  onPageChange: (page: number) => void;
  /** A new search or filter (the page goes back to the first). */
  onSearchChange: (change: Partial<DatasourcesSearch>) => void;
};

function NewDatasourceButton() {
  return (
    <Button asChild>
      <Link to="/datasources/new">
        <PlusIcon />
        New data source
      </Link>
    </Button>
  );
}

function NoDatasources({
  page,
  mayWrite,
  onPageChange,
}: Pick<DatasourcesPageProps, "page" | "onPageChange"> & { mayWrite: boolean }) {
  if (page > 1) {
    return (
      <EmptyState icon={DatabaseIcon} title="No data sources on this page">
        <Button variant="link" onClick={() => onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={DatabaseIcon} title="No data sources yet">
      <p>Connect a PostgreSQL, MySQL, Trino or SQLite database to serve it through your APIs.</p>
      {mayWrite && (
        <div className="mt-4">
          <NewDatasourceButton />
        </div>
      )}
    </EmptyState>
  );
}

export function DatasourcesPage({
  page,
  search,
  onPageChange,
  onSearchChange,
}: DatasourcesPageProps) {
  const mayWrite = can(useCurrentUser(), "datasource", "write");
  const sources = useQuery({
    ...datasourcesReadDatasourcesOptions({
      query: { q: search.q, type: search.type, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: keepPreviousData,
  });
  const searching = page === 1 && isFiltered(search);
  const [deleting, setDeleting] = useState<DatasourcePublic | null>(null);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Data sources"
        description="Connections to the databases your APIs query."
        actions={mayWrite && <NewDatasourceButton />}
      />
      <ListSearch noun="data sources" value={search.q} onChange={(q) => onSearchChange({ q })}>
        <FilterSelect
          label="Type"
          anyLabel="Any type"
          value={search.type}
          options={[
            ["postgres", "PostgreSQL"],
            ["mysql", "MySQL / MariaDB"],
            ["trino", "Trino"],
            ["sqlite", "SQLite"],
          ]}
          onChange={(value) => onSearchChange({ type: oneOf(DATASOURCE_TYPES, value) })}
        />
      </ListSearch>
      {sources.isError && <ErrorAlert error={sources.error} />}
      {sources.isPending && !sources.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {sources.data && sources.data.data.length === 0 && searching && (
        <NoMatches
          noun="data sources"
          q={search.q}
          onClear={() => onSearchChange({ q: undefined, type: undefined })}
        />
      )}
      {sources.data && sources.data.data.length === 0 && !searching && (
        <NoDatasources page={page} mayWrite={mayWrite} onPageChange={onPageChange} />
      )}
      {sources.data && sources.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <DatasourcesTable
            sources={sources.data.data}
            mayTest={mayWrite}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          {sources.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={sources.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <DeleteDatasourceDialog source={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
