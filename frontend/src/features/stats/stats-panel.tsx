import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { lazy, Suspense, useState } from "react";
import { recordsReadOverviewStatsOptions } from "@/client/@tanstack/react-query.gen";
import type { OverviewStats } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { type AccessLogsSearch, RANGE_LABELS, timeBounds } from "@/features/access-logs/search";
import { TimeRangePicker } from "@/features/access-logs/time-range-picker";
import { formatDuration } from "@/lib/format";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";

// recharts is large: its code loads with the first chart, not with the dashboard.
const CallsChart = lazy(() => import("./stats-charts").then((m) => ({ default: m.CallsChart })));
const LatencyChart = lazy(() =>
  import("./stats-charts").then((m) => ({ default: m.LatencyChart })),
);

const REFRESH_MS = 30_000;

/** How the server cut the range: "by the hour", "every 3 hours", "by the day". */
function bucketLabel(seconds: number): string {
  if (seconds === 3600) return "by the hour";
  if (seconds === 86_400) return "by the day";
  if (seconds % 86_400 === 0) return `every ${seconds / 86_400} days`;
  return `every ${seconds / 3600} hours`;
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : formatDuration(value);
}

function Totals({ stats }: { stats: OverviewStats }) {
  const { totals } = stats;
  const items: [string, string][] = [
    ["Calls", totals.calls.toLocaleString()],
    ["4xx", totals.errors_4xx.toLocaleString()],
    ["5xx", totals.errors_5xx.toLocaleString()],
    ["p50", ms(totals.p50_ms)],
    ["p95", ms(totals.p95_ms)],
  ];
  return (
    <dl aria-label="Totals" className="grid grid-cols-3 gap-x-4 gap-y-2 sm:grid-cols-5">
      {items.map(([label, value]) => (
        <div key={label} data-testid={`total-${label}`}>
          <dt className="text-xs font-medium text-muted-foreground">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

type Row = { key: string; label: React.ReactNode; title?: string; calls: number; errors?: number };

function TopList({ title, rows, empty }: { title: string; rows: Row[]; empty: string }) {
  return (
    <Card className="gap-0">
      <CardHeader className="pb-3">
        <CardTitle className="text-base">{title}</CardTitle>
      </CardHeader>
      <CardContent className="px-0 pb-2">
        {rows.length === 0 ? (
          <p className="px-6 py-4 text-sm text-muted-foreground">{empty}</p>
        ) : (
          <ul aria-label={title} className="divide-y border-t">
            {rows.map((row) => (
              <li
                key={row.key}
                title={row.title}
                className="flex items-center gap-3 px-6 py-2 text-sm"
              >
                <span className="min-w-0 flex-1 truncate">{row.label}</span>
                {row.errors !== undefined && row.errors > 0 && (
                  <span className="text-xs text-destructive tabular-nums">
                    {row.errors.toLocaleString()} errors
                  </span>
                )}
                <span className="font-medium tabular-nums">{row.calls.toLocaleString()}</span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function TopLists({ stats, showApis }: { stats: OverviewStats; showApis: boolean }) {
  const mayOpenApis = can(useCurrentUser(), "api", "read");
  const apis: Row[] = stats.top_apis.map((api) => ({
    key: String(api.api_id ?? "none"),
    title: api.api_id ? `${api.method} ${api.path} (API #${api.api_id})` : undefined,
    label: !api.api_id ? (
      <span className="text-muted-foreground">No API (unknown path)</span>
    ) : mayOpenApis ? (
      <Link to="/apis/$id" params={{ id: api.api_id }} className="hover:underline">
        {api.name ?? `API #${api.api_id}`}
      </Link>
    ) : (
      (api.name ?? `API #${api.api_id}`)
    ),
    calls: api.calls,
    errors: api.errors,
  }));
  const clients: Row[] = stats.top_clients.map((client) => ({
    key: client.client_id ?? "none",
    title: client.client_id ?? undefined,
    label: client.client_id ? (
      (client.name ?? client.client_id)
    ) : (
      <span className="text-muted-foreground">No client (public or refused)</span>
    ),
    calls: client.calls,
    errors: client.errors,
  }));
  const errors: Row[] = stats.top_errors.map((error) => ({
    key: `${error.status}-${error.error}`,
    label: (
      <>
        <span className="font-mono text-xs">{error.status}</span> {error.error}
      </>
    ),
    calls: error.calls,
  }));
  return (
    <div className={`grid items-start gap-4 ${showApis ? "lg:grid-cols-3" : "lg:grid-cols-2"}`}>
      {showApis && <TopList title="Top APIs" rows={apis} empty="No calls in this range." />}
      <TopList title="Top clients" rows={clients} empty="No calls in this range." />
      <TopList title="Top error codes" rows={errors} empty="No errors in this range." />
    </div>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card className="gap-0">
      <CardHeader className="pb-2">
        <CardTitle className="text-base">{title}</CardTitle>
      </CardHeader>
      <CardContent className="px-2 sm:px-4">
        <Suspense fallback={<Skeleton className="h-[220px]" />}>{children}</Suspense>
      </CardContent>
    </Card>
  );
}

/**
 * Calls, errors and latency over a chosen range, with the top lists: for every API (the
 * overview) or one (`apiId`, the API page's Calls tab).
 */
export function StatsPanel({ apiId }: { apiId?: number }) {
  const [search, setSearch] = useState<AccessLogsSearch>({});
  const bounds = timeBounds(search, Date.now());
  const stats = useQuery({
    ...recordsReadOverviewStatsOptions({ query: { ...bounds, api_id: apiId } }),
    staleTime: 0,
    refetchInterval: REFRESH_MS,
    // A relative range moves on every minute: keep showing the last answer meanwhile.
    placeholderData: keepPreviousData,
  });
  const data = stats.data;
  return (
    <section aria-label="Traffic" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-1">
          <h2 className="text-lg font-semibold tracking-tight">Traffic</h2>
          <p className="text-sm text-muted-foreground">
            {RANGE_LABELS[search.range ?? "24h"]}
            {data && ` · ${bucketLabel(data.bucket_seconds)}`}, in your time zone.
          </p>
        </div>
        <TimeRangePicker
          search={search}
          onChange={(change) => setSearch((old) => ({ ...old, ...change }))}
          quick={["24h", "7d", "30d"]}
        />
      </div>
      {stats.isError && <ErrorAlert error={stats.error} />}
      {stats.isPending && <Skeleton className="h-80" />}
      {data && (
        <>
          <Card className="px-6 py-4">
            <Totals stats={data} />
          </Card>
          <div className="grid gap-4 lg:grid-cols-2">
            <ChartCard title="Calls">
              <CallsChart series={data.series} bucketSeconds={data.bucket_seconds} />
            </ChartCard>
            <ChartCard title="Latency">
              <LatencyChart series={data.series} bucketSeconds={data.bucket_seconds} />
            </ChartCard>
          </div>
          <TopLists stats={data} showApis={apiId === undefined} />
        </>
      )}
    </section>
  );
}
