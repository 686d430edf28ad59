import { useQuery } from "@tanstack/react-query";
import {
  ActivityIcon,
  BlocksIcon,
  BracesIcon,
  DatabaseIcon,
  KeyRoundIcon,
  TriangleAlertIcon,
} from "lucide-react";
import { recordsReadOverviewOptions } from "@/client/@tanstack/react-query.gen";
import { ErrorAlert } from "@/components/error-alert";
import { PageHeader } from "@/components/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { StatsPanel } from "@/features/stats/stats-panel";
import { can, type Resource } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { GettingStarted } from "./getting-started";
import { type Overview, parseOverview } from "./overview-data";
import { RecentCalls } from "./recent-calls";
import { RecentChanges } from "./recent-changes";
import { RecentFirings } from "./recent-firings";
import { StatCard } from "./stat-card";

const REFRESH_MS = 30_000;

function errorRate({ calls, errors }: Overview["last24h"]): string {
  if (calls === 0) return "No calls in the last 24 hours";
  const rate = (errors / calls) * 100;
  return `${rate < 10 ? rate.toFixed(1) : Math.round(rate)}% of calls in the last 24 hours`;
}

function Stats({ overview }: { overview: Overview }) {
  const me = useCurrentUser();
  const linkIf = <T,>(resource: Resource, to: T) => (can(me, resource, "read") ? to : undefined);
  const { counts, last24h } = overview;
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-3">
      <StatCard
        label="Calls (24h)"
        value={last24h.calls}
        icon={ActivityIcon}
        detail="Through the gateway"
        to={linkIf("access_log", "/access-logs" as const)}
      />
      <StatCard
        label="Errors (24h)"
        value={last24h.errors}
        icon={TriangleAlertIcon}
        tone="danger"
        detail={errorRate(last24h)}
        to={linkIf("access_log", "/access-logs" as const)}
      />
      <StatCard
        label="APIs"
        value={counts.apis}
        icon={BracesIcon}
        detail={`${counts.published_apis} published`}
        to={linkIf("api", "/apis" as const)}
      />
      <StatCard
        label="Modules"
        value={counts.modules}
        icon={BlocksIcon}
        to={linkIf("module", "/modules" as const)}
      />
      <StatCard
        label="Data sources"
        value={counts.datasources}
        icon={DatabaseIcon}
        to={linkIf("datasource", "/datasources" as const)}
      />
      <StatCard
        label="Clients"
        value={counts.clients}
        icon={KeyRoundIcon}
        to={linkIf("client", "/clients" as const)}
      />
    </div>
  );
}

/** Counts, the last day's traffic, and the latest calls and changes. */
export function OverviewPage() {
  const me = useCurrentUser();
  // Activity moves fast: fetch again on every visit, and every half minute while open.
  const overview = useQuery({
    ...recordsReadOverviewOptions(),
    staleTime: 0,
    refetchInterval: REFRESH_MS,
  });
  const data = overview.data ? parseOverview(overview.data) : undefined;
  const mayReadLogs = can(me, "access_log", "read");
  return (
    <div className="space-y-6">
      <PageHeader
        title="Overview"
        description={`Welcome back${me.full_name ? `, ${me.full_name}` : ""}. Here is how your APIs are doing.`}
      />
      {overview.isError && <ErrorAlert error={overview.error} />}
      {overview.isPending && (
        <div className="grid grid-cols-2 gap-4 md:grid-cols-3">
          {["a", "b", "c", "d", "e", "f"].map((key) => (
            <Skeleton key={key} className="h-28" />
          ))}
        </div>
      )}
      {data && (
        <>
          <GettingStarted overview={data} />
          <Stats overview={data} />
          <StatsPanel />
          <div className="grid items-start gap-6 lg:grid-cols-2">
            <RecentCalls calls={data.recentCalls} mayOpen={mayReadLogs} />
            <RecentChanges changes={data.recentChanges} mayOpen={mayReadLogs} />
            {can(me, "alert", "read") && <RecentFirings firings={data.recentFirings} />}
          </div>
        </>
      )}
    </div>
  );
}
