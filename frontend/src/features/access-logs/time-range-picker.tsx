import { CalendarRangeIcon } from "lucide-react";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Popover, PopoverContent, PopoverTrigger } from "@/components/ui/popover";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";
import {
  type AccessLogsSearch,
  DEFAULT_RANGE,
  RANGE_LABELS,
  type SearchChange,
  type TimeRange,
} from "./search";

const QUICK: TimeRange[] = ["1h", "24h", "7d", "all"];
const QUICK_LABELS: Partial<Record<TimeRange, string>> = {
  "1h": "1h",
  "24h": "24h",
  "7d": "7d",
  "30d": "30d",
  all: "All",
};

/** An ISO instant as a `datetime-local` value in the browser's zone. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A `datetime-local` value (the browser's zone) as an ISO instant in UTC. */
function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function CustomRange({ search, onChange }: { search: AccessLogsSearch; onChange: SearchChange }) {
  const id = useId();
  const custom = search.range === "custom";
  const label =
    custom && (search.since || search.until)
      ? `${search.since ? formatDateTime(search.since) : "…"} – ${search.until ? formatDateTime(search.until) : "now"}`
      : "Custom";
  return (
    <Popover>
      <PopoverTrigger asChild>
        <Button
          type="button"
          variant="ghost"
          size="sm"
          aria-pressed={custom}
          className={cn("h-7 px-2.5", custom && "bg-background shadow-xs dark:bg-card")}
        >
          <CalendarRangeIcon />
          {label}
        </Button>
      </PopoverTrigger>
      <PopoverContent align="end" className="grid w-72 gap-3">
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-since`}>From</Label>
          <Input
            id={`${id}-since`}
            type="datetime-local"
            value={toLocalInput(search.since)}
            onChange={(event) =>
              onChange({
                range: "custom",
                since: fromLocalInput(event.target.value),
                page: undefined,
              })
            }
          />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor={`${id}-until`}>Until</Label>
          <Input
            id={`${id}-until`}
            type="datetime-local"
            value={toLocalInput(search.until)}
            onChange={(event) =>
              onChange({
                range: "custom",
                until: fromLocalInput(event.target.value),
                page: undefined,
              })
            }
          />
        </div>
        <p className="text-xs text-muted-foreground">In your time zone. Empty: no bound.</p>
      </PopoverContent>
    </Popover>
  );
}

/** Quick picks (by default last hour, day, week, all; `quick` chooses) and a custom from–until. */
export function TimeRangePicker({
  search,
  onChange,
  quick = QUICK,
}: {
  search: AccessLogsSearch;
  onChange: SearchChange;
  quick?: TimeRange[];
}) {
  const current = search.range ?? DEFAULT_RANGE;
  return (
    <fieldset
      aria-label="Time range"
      className="inline-flex h-9 items-center gap-0.5 rounded-lg bg-muted p-1 text-muted-foreground"
    >
      {quick.map((range) => (
        <Button
          key={range}
          type="button"
          variant="ghost"
          size="sm"
          title={RANGE_LABELS[range]}
          aria-label={`${QUICK_LABELS[range]} (${RANGE_LABELS[range]})`}
          aria-pressed={current === range}
          className={cn(
            "h-7 px-2.5 hover:bg-transparent hover:text-foreground",
            current === range && "bg-background text-foreground shadow-xs dark:bg-card",
          )}
          onClick={() =>
            onChange({
              range: range === DEFAULT_RANGE ? undefined : range,
              since: undefined,
              until: undefined,
              page: undefined,
            })
          }
        >
          {QUICK_LABELS[range]}
        </Button>
      ))}
      <CustomRange search={search} onChange={onChange} />
    </fieldset>
  );
}
