import { Link } from "@tanstack/react-router";
import { ArrowRightIcon, FilePenLineIcon } from "lucide-react";
import type { AuditLogPublic } from "@/client/types.gen";
import { ActionBadge } from "@/components/action-badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatPreciseDateTime, formatRelative } from "@/lib/format";

type RecentChangesProps = { changes: AuditLogPublic[]; mayOpen: boolean };

/** The changed object by its name (the server resolves it, a deleted one's last name). */
function subject(change: AuditLogPublic): string {
  const name =
    change.resource_name ??
    change.after?.name ??
    change.before?.name ??
    change.after?.email ??
    change.before?.email;
  if (typeof name === "string") return `${change.resource} ${name}`;
  return change.resource_id ? `${change.resource} #${change.resource_id}` : change.resource;
}

/** The last changes admins made, newest first. */
export function RecentChanges({ changes, mayOpen }: RecentChangesProps) {
  const now = Date.now();
  return (
    <Card className="overflow-hidden">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-3">
        <div className="space-y-1.5">
          <CardTitle>Recent changes</CardTitle>
          <CardDescription>Who changed what, from the audit log.</CardDescription>
        </div>
        {mayOpen && (
          <Button variant="ghost" size="sm" asChild>
            <Link to="/access-logs" search={{ tab: "audit" }}>
              Audit log
              <ArrowRightIcon />
            </Link>
          </Button>
        )}
      </CardHeader>
      <CardContent className="px-0 pb-2">
        {changes.length === 0 ? (
          <p className="flex items-center gap-2 px-6 py-8 text-sm text-muted-foreground">
            <FilePenLineIcon className="size-4" />
            Nothing changed yet.
          </p>
        ) : (
          <ul aria-label="Recent changes" className="divide-y border-t">
            {changes.map((change) => (
              <li key={change.id} className="flex items-center gap-3 px-6 py-2.5">
                <ActionBadge action={change.action} after={change.after} />
                <span className="min-w-0 flex-1">
                  <span
                    className="block truncate text-sm"
                    title={
                      change.resource_id ? `${change.resource} #${change.resource_id}` : undefined
                    }
                  >
                    {subject(change)}
                  </span>
                  <span className="block truncate text-xs text-muted-foreground">
                    {change.actor ?? "system"}
                  </span>
                </span>
                <span
                  className="shrink-0 text-right text-xs whitespace-nowrap text-muted-foreground"
                  title={formatPreciseDateTime(change.at)}
                >
                  {formatRelative(change.at, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
