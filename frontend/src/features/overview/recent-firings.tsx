import { Link } from "@tanstack/react-router";
import { ArrowRightIcon, BellRingIcon } from "lucide-react";
import type { AlertFiringPublic } from "@/client/types.gen";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatPreciseDateTime, formatRelative } from "@/lib/format";

/** The latest alert firings, newest first (shown to users who may read alerts). */
export function RecentFirings({ firings }: { firings: AlertFiringPublic[] }) {
  const now = Date.now();
  return (
    <Card className="overflow-hidden">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-3">
        <div className="space-y-1.5">
          <CardTitle>Recent alerts</CardTitle>
          <CardDescription>The latest firings of alert rules.</CardDescription>
        </div>
        <Button variant="ghost" size="sm" asChild>
          <Link to="/alerts">
            Alerts
            <ArrowRightIcon />
          </Link>
        </Button>
      </CardHeader>
      <CardContent className="px-0 pb-2">
        {firings.length === 0 ? (
          <p className="flex items-center gap-2 px-6 py-8 text-sm text-muted-foreground">
            <BellRingIcon className="size-4" />
            No alert has fired.
          </p>
        ) : (
          <ul aria-label="Recent alerts" className="divide-y border-t">
            {firings.map((firing) => (
              <li key={firing.id} className="flex items-center gap-3 px-6 py-2.5">
                {firing.resolved_at ? (
                  <Badge variant="success">Resolved</Badge>
                ) : (
                  <Badge variant="destructive">Firing</Badge>
                )}
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm">{firing.rule_name}</span>
                  <span className="block truncate text-xs text-muted-foreground">
                    {firing.message}
                  </span>
                </span>
                <span
                  className="shrink-0 text-xs whitespace-nowrap text-muted-foreground"
                  title={formatPreciseDateTime(firing.started_at)}
                >
                  {formatRelative(firing.started_at, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
