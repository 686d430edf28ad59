import { useQuery } from "@tanstack/react-query";
import {
  AlertCircleIcon,
  LoaderCircleIcon,
  RefreshCwIcon,
  SearchIcon,
  Table2Icon,
} from "lucide-react";
import { useId, useState } from "react";
import { datasourcesReadTablesOptions } from "@/client/@tanstack/react-query.gen";
import { EmptyState } from "@/components/empty-state";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/api";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { ColumnsPanel } from "./columns-panel";
import { TableActions } from "./table-actions";
import { tableKey } from "./table-key";
import { TableList } from "./table-list";
import { PreviewRows, useTablePreview } from "./table-preview";

type TableBrowserProps = {
  id: number;
  /** The source's name, which the generator suggests as a module name. */
  name: string;
  /** The key of the table whose columns are shown. */
  selected: string | undefined;
  onSelect: (key: string | undefined) => void;
};

function Loading() {
  return (
    <Card className="space-y-3 p-6">
      <Skeleton className="h-5 w-1/4" />
      <Skeleton className="h-5 w-full" />
      <Skeleton className="h-5 w-full" />
      <Skeleton className="h-5 w-2/3" />
    </Card>
  );
}

/** The tables of a saved source, and the columns and first rows of the one selected. */
export function TableBrowser({ id, name, selected, onSelect }: TableBrowserProps) {
  const tables = useQuery(datasourcesReadTablesOptions({ path: { datasource_id: id } }));
  const [filter, setFilter] = useState("");
  const filterId = useId();
  const all = tables.data?.data ?? [];
  const needle = filter.trim().toLowerCase();
  const shown = needle ? all.filter((t) => tableKey(t).toLowerCase().includes(needle)) : all;
  const current = all.find((t) => tableKey(t) === selected);
  const mayReadRows = can(useCurrentUser(), "datasource", "debug");
  const preview = useTablePreview(id, current, mayReadRows);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div className="relative min-w-56 flex-1 sm:max-w-xs">
          <SearchIcon className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" />
          <label htmlFor={filterId} className="sr-only">
            Filter tables
          </label>
          <Input
            id={filterId}
            type="search"
            placeholder="Filter tables"
            className="pl-9"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <span className="text-sm text-muted-foreground">
          {tables.data &&
            (needle ? `${shown.length} of ${all.length} tables` : `${all.length} tables`)}
        </span>
        <div className="flex-1" />
        <Button
          variant="outline"
          size="sm"
          disabled={tables.isFetching}
          onClick={() => {
            tables.refetch();
            if (current && mayReadRows) preview.refetch();
          }}
        >
          {tables.isFetching ? <LoaderCircleIcon className="animate-spin" /> : <RefreshCwIcon />}
          Reload
        </Button>
      </div>
      {tables.isError && (
        <Alert variant="destructive">
          <AlertCircleIcon />
          <span>Cannot list the tables: {errorMessage(tables.error)}</span>
        </Alert>
      )}
      {tables.isPending && !tables.isError && <Loading />}
      {tables.data && all.length === 0 && (
        <EmptyState icon={Table2Icon} title="No tables">
          The database answered, but Sluice sees no tables in it.
        </EmptyState>
      )}
      {tables.data && all.length > 0 && (
        <Card className="grid overflow-hidden md:min-h-96 md:grid-cols-[17rem_minmax(0,1fr)]">
          <TableList tables={shown} selected={selected} onSelect={onSelect} />
          <div className="min-w-0">
            <ColumnsPanel
              table={current}
              described={preview.data?.columns}
              actions={
                current && (
                  <TableActions key={tableKey(current)} datasource={{ id, name }} table={current} />
                )
              }
            />
            {current && mayReadRows && <PreviewRows preview={preview} />}
          </div>
        </Card>
      )}
    </div>
  );
}
