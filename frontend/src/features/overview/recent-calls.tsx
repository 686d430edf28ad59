import { Link } from "@tanstack/react-router";
import { ArrowRightIcon, ScrollTextIcon } from "lucide-react";
import type { AccessRecordPublic } from "@/client/types.gen";
import { MethodBadge } from "@/components/method-badge";
import { StatusBadge } from "@/components/status-badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDuration, formatPreciseDateTime, formatRelative } from "@/lib/format";

type RecentCallsProps = { calls: AccessRecordPublic[]; mayOpen: boolean };

function CallLine({ call, now }: { call: AccessRecordPublic; now: number }) {
  return (
    <>
      <MethodBadge method={call.method} className="w-14 text-[10px]" />
      <span className="min-w-0 flex-1">
        <code className="block truncate font-mono text-[13px]">{call.path}</code>
        <span className="block truncate text-xs text-muted-foreground">
          {call.api_name && <span title={`API #${call.api_id}`}>{call.api_name} · </span>}
          <span title={call.client_id ?? undefined}>
            {call.client_name ?? call.client_id ?? "anonymous"}
          </span>{" "}
          · {formatDuration(call.duration_ms)}
        </span>
      </span>
      <StatusBadge status={call.status} />
      <span
        className="shrink-0 text-right text-xs whitespace-nowrap text-muted-foreground"
        title={formatPreciseDateTime(call.at)}
      >
        {formatRelative(call.at, now)}
      </span>
    </>
  );
}

/** The last calls through the gateway, each a link to its details. */
export function RecentCalls({ calls, mayOpen }: RecentCallsProps) {
  const now = Date.now();
  const line = "flex items-center gap-3 px-6 py-2.5";
  return (
    <Card className="overflow-hidden">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-3">
        <div className="space-y-1.5">
          <CardTitle>Recent calls</CardTitle>
          <CardDescription>The last requests to your APIs.</CardDescription>
        </div>
        {mayOpen && (
          <Button variant="ghost" size="sm" asChild>
            <Link to="/access-logs">
              All calls
              <ArrowRightIcon />
            </Link>
          </Button>
        )}
      </CardHeader>
      <CardContent className="px-0 pb-2">
        {calls.length === 0 ? (
          <p className="flex items-center gap-2 px-6 py-8 text-sm text-muted-foreground">
            <ScrollTextIcon className="size-4" />
            No calls yet. Publish an API and call it at /module/path.
          </p>
        ) : (
          <ul aria-label="Recent calls" className="divide-y border-t">
            {calls.map((call) => (
              <li key={call.id}>
                {mayOpen ? (
                  <Link
                    to="/access-logs"
                    search={{ record: call.id }}
                    className={`${line} hover:bg-muted/40`}
                  >
                    <CallLine call={call} now={now} />
                  </Link>
                ) : (
                  <div className={line}>
                    <CallLine call={call} now={now} />
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
