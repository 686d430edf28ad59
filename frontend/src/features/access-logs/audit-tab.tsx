import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { FilePenLineIcon } from "lucide-react";
import { useId, useState } from "react";
import { recordsReadAuditLogsOptions } from "@/client/@tanstack/react-query.gen";
import type { AuditLogPublic } from "@/client/types.gen";
import { DebouncedInput } from "@/components/debounced-input";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { Pagination } from "@/components/pagination";
import { Card } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { AuditSheet } from "./audit-sheet";
import { AuditTable } from "./audit-table";
import { type AccessLogsSearch, type SearchChange, timeBounds } from "./search";
import { TimeRangePicker } from "./time-range-picker";

const PAGE_SIZE = 25;

const RESOURCES = ["datasource", "module", "api", "macro", "group", "client", "user", "role"];

type AuditTabProps = { search: AccessLogsSearch; onChange: SearchChange };

function AuditFilters({ search, onChange }: AuditTabProps) {
  const ids = { resource: useId(), actor: useId() };
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="grid w-full gap-1.5 sm:w-48">
        <Label htmlFor={ids.resource} className="text-xs text-muted-foreground">
          Resource
        </Label>
        <NativeSelect
          id={ids.resource}
          value={search.resource ?? ""}
          onChange={(event) =>
            onChange({ resource: event.target.value || undefined, page: undefined })
          }
        >
          <option value="">All resources</option>
          {RESOURCES.map((resource) => (
            <option key={resource} value={resource}>
              {resource}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="grid w-full gap-1.5 sm:w-64">
        <Label htmlFor={ids.actor} className="text-xs text-muted-foreground">
          Actor
        </Label>
        <DebouncedInput
          id={ids.actor}
          placeholder="Email of an admin"
          autoComplete="off"
          value={search.actor}
          onCommit={(actor) => onChange({ actor, page: undefined })}
        />
      </div>
      <div className="flex flex-1 justify-end">
        <TimeRangePicker search={search} onChange={onChange} />
      </div>
    </div>
  );
}

/** Every admin change, newest first, with its before and after. */
export function AuditTab({ search, onChange }: AuditTabProps) {
  const [selected, setSelected] = useState<AuditLogPublic | null>(null);
  const page = search.page ?? 1;
  const entries = useQuery({
    ...recordsReadAuditLogsOptions({
      query: {
        resource: search.resource,
        actor: search.actor,
        ...timeBounds(search, Date.now()),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      },
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="space-y-4">
      <AuditFilters search={search} onChange={onChange} />
      {entries.isError && <ErrorAlert error={entries.error} />}
      {entries.isPending && !entries.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {entries.data && entries.data.data.length === 0 && (
        <EmptyState icon={FilePenLineIcon} title="No changes match">
          Every change made through the admin API or this dashboard is recorded here, with who made
          it and what it changed.
        </EmptyState>
      )}
      {entries.data && entries.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <AuditTable entries={entries.data.data} selected={selected?.id} onSelect={setSelected} />
          <div className="border-t px-4 py-3">
            <Pagination
              page={page}
              pageSize={PAGE_SIZE}
              total={entries.data.count}
              onPageChange={(next) => onChange({ page: next > 1 ? next : undefined })}
            />
          </div>
        </Card>
      )}
      <AuditSheet entry={selected} onClose={() => setSelected(null)} />
    </div>
  );
}
