import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { DatabaseIcon, PlusIcon } from "lucide-react";
import { useState } from "react";
import { datasourcesReadDatasourcesOptions } from "@/client/@tanstack/react-query.gen";
import type { DatasourcePublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { DatasourcesTable } from "./datasources-table";
import { DeleteDatasourceDialog } from "./delete-datasource-dialog";

const PAGE_SIZE = 20;

type DatasourcesPageProps = { page: number; onPageChange: (page: number) => void };

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
}: DatasourcesPageProps & { mayWrite: boolean }) {
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

export function DatasourcesPage({ page, onPageChange }: DatasourcesPageProps) {
  const mayWrite = can(useCurrentUser(), "datasource", "write");
  const sources = useQuery({
    ...datasourcesReadDatasourcesOptions({
      query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: keepPreviousData,
  });
  const [deleting, setDeleting] = useState<DatasourcePublic | null>(null);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Data sources"
        description="Connections to the databases your APIs query."
        actions={mayWrite && <NewDatasourceButton />}
      />
      {sources.isError && <ErrorAlert error={sources.error} />}
      {sources.isPending && !sources.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {sources.data && sources.data.data.length === 0 && (
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
