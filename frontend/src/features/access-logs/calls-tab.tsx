import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ScrollTextIcon } from "lucide-react";
import { useState } from "react";
import { recordsReadAccessLogsOptions } from "@/client/@tanstack/react-query.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { Pagination } from "@/components/pagination";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { CallFilters } from "./call-filters";
import { CallSheet } from "./call-sheet";
import { CallsTable } from "./calls-table";
import { type AccessLogsSearch, type SearchChange, timeBounds } from "./search";

const PAGE_SIZE = 25;
const LIVE_INTERVAL_MS = 5_000;

type CallsTabProps = { search: AccessLogsSearch; onChange: SearchChange; mayReadApis: boolean };

/** The gateway's calls, newest first, filtered, with a panel for one call's details. */
export function CallsTab({ search, onChange, mayReadApis }: CallsTabProps) {
  const [live, setLive] = useState(false);
  const page = search.page ?? 1;
  const query = {
    api_id: search.api,
    client_id: search.client,
    status: search.status,
    ...timeBounds(search, Date.now()),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const records = useQuery({
    ...recordsReadAccessLogsOptions({ query }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
  });

  return (
    <div className="space-y-4">
      <CallFilters
        search={search}
        onChange={onChange}
        live={live}
        onLiveChange={setLive}
        refreshing={records.isFetching}
        onRefresh={() => records.refetch()}
      />
      {records.isError && <ErrorAlert error={records.error} />}
      {records.isPending && !records.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {records.data && records.data.data.length === 0 && (
        <EmptyState icon={ScrollTextIcon} title="No calls match">
          Calls to published APIs show up here a moment after they happen, whatever their outcome.
          Widen the time range or clear the filters.
        </EmptyState>
      )}
      {records.data && records.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <CallsTable
            records={records.data.data}
            selected={search.record}
            onSelect={(record) => onChange({ record })}
          />
          <div className="border-t px-4 py-3">
            <Pagination
              page={page}
              pageSize={PAGE_SIZE}
              total={records.data.count}
              capped={records.data.count_capped}
              onPageChange={(next) => onChange({ page: next > 1 ? next : undefined })}
            />
          </div>
        </Card>
      )}
      <CallSheet id={search.record} onChange={onChange} mayReadApis={mayReadApis} />
    </div>
  );
}
