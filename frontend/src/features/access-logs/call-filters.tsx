import { FilterXIcon, RefreshCwIcon } from "lucide-react";
import { type ReactNode, useId } from "react";
import { useApiOptions } from "@/components/api-picker";
import { DebouncedInput } from "@/components/debounced-input";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";
import type { AccessLogsSearch, SearchChange } from "./search";
import { TimeRangePicker } from "./time-range-picker";

const STATUSES: [number, string][] = [
  [200, "OK"],
  [400, "Bad request"],
  [401, "Unauthorized"],
  [403, "Forbidden"],
  [404, "Not found"],
  [413, "Too large"],
  [429, "Rate limited"],
  [500, "Server error"],
  [502, "Data source error"],
  [503, "Unavailable"],
  [504, "Timeout"],
];

type CallFiltersProps = {
  search: AccessLogsSearch;
  onChange: SearchChange;
  live: boolean;
  onLiveChange: (live: boolean) => void;
  refreshing: boolean;
  onRefresh: () => void;
};

function Field({
  label,
  children,
  className,
}: {
  label: string;
  children: (id: string) => ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <div className={cn("grid gap-1.5", className)}>
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      {children(id)}
    </div>
  );
}

/** API, client, status and time range of the calls, with live refresh. */
export function CallFilters({
  search,
  onChange,
  live,
  onLiveChange,
  refreshing,
  onRefresh,
}: CallFiltersProps) {
  const apis = useApiOptions();
  const filtered =
    search.api !== undefined || search.client !== undefined || search.status !== undefined;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <Field label="API" className="w-full sm:w-60">
        {(id) => (
          <NativeSelect
            id={id}
            value={search.api ?? ""}
            onChange={(event) =>
              onChange({ api: Number(event.target.value) || undefined, page: undefined })
            }
          >
            <option value="">All APIs</option>
            {apis?.map((api) => (
              <option key={api.value} value={api.value}>
                {api.text}
              </option>
            ))}
          </NativeSelect>
        )}
      </Field>
      <Field label="Client ID" className="w-full sm:w-48">
        {(id) => (
          <DebouncedInput
            id={id}
            placeholder="Any client"
            autoComplete="off"
            spellCheck={false}
            value={search.client}
            onCommit={(client) => onChange({ client, page: undefined })}
          />
        )}
      </Field>
      <Field label="Status" className="w-full sm:w-40">
        {(id) => (
          <NativeSelect
            id={id}
            value={search.status ?? ""}
            onChange={(event) =>
              onChange({ status: Number(event.target.value) || undefined, page: undefined })
            }
          >
            <option value="">Any status</option>
            {STATUSES.map(([status, label]) => (
              <option key={status} value={status}>
                {status} {label}
              </option>
            ))}
          </NativeSelect>
        )}
      </Field>
      {filtered && (
        <Button
          variant="ghost"
          size="sm"
          className="h-9 text-muted-foreground"
          onClick={() =>
            onChange({ api: undefined, client: undefined, status: undefined, page: undefined })
          }
        >
          <FilterXIcon />
          Clear
        </Button>
      )}
      <div className="flex flex-1 flex-wrap items-center justify-end gap-2">
        <TimeRangePicker search={search} onChange={onChange} />
        <Button
          variant="outline"
          aria-pressed={live}
          aria-label="Live auto-refresh"
          title={live ? "Refreshing every 5 seconds" : "Refresh every 5 seconds"}
          className={cn(live && "border-success/40 text-success hover:text-success")}
          onClick={() => onLiveChange(!live)}
        >
          <span
            className={cn(
              "size-2 rounded-full",
              live ? "animate-pulse bg-success" : "bg-muted-foreground/40",
            )}
          />
          Live
        </Button>
        <Button
          variant="outline"
          size="icon"
          aria-label="Refresh"
          title="Refresh"
          onClick={onRefresh}
        >
          <RefreshCwIcon className={cn(refreshing && "animate-spin")} />
        </Button>
      </div>
    </div>
  );
}
