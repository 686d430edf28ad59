import { useQuery } from "@tanstack/react-query";
import { AlertCircleIcon } from "lucide-react";
import { apisDiffApiVersionOptions } from "@/client/@tanstack/react-query.gen";
import type { VersionDiff } from "@/client/types.gen";
import { Alert } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/api";
import { DiffView } from "./diff-view";

type VersionDiffProps = { apiId: number; fromId: number; toId: number };

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function ChangedFields({ diff }: { diff: VersionDiff }) {
  const fields = Object.entries(diff.changed).filter(([field]) => field !== "content");
  if (fields.length === 0) return null;
  return (
    <div className="overflow-hidden rounded-lg border">
      <table className="w-full text-sm" aria-label="Changed settings">
        <thead className="bg-muted/50 text-xs text-muted-foreground uppercase">
          <tr>
            <th className="px-3 py-2 text-left font-medium tracking-wide">Setting</th>
            <th className="px-3 py-2 text-left font-medium tracking-wide">v{diff.from_version}</th>
            <th className="px-3 py-2 text-left font-medium tracking-wide">v{diff.to_version}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map(([field, [before, after]]) => (
            <tr key={field} className="border-t align-top">
              <td className="px-3 py-2 font-medium">{field}</td>
              <td className="px-3 py-2">
                <code className="rounded bg-diff-removed px-1.5 py-0.5 font-mono text-xs break-all">
                  {show(before)}
                </code>
              </td>
              <td className="px-3 py-2">
                <code className="rounded bg-diff-added px-1.5 py-0.5 font-mono text-xs break-all">
                  {show(after)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What changed from one version to another: the settings, then the SQL line by line. */
export function VersionDiffPanel({ apiId, fromId, toId }: VersionDiffProps) {
  const diff = useQuery(
    apisDiffApiVersionOptions({
      path: { api_id: apiId, version_id: toId },
      query: { against: fromId },
    }),
  );
  if (diff.isError) {
    return (
      <Alert variant="destructive">
        <AlertCircleIcon />
        <span>{errorMessage(diff.error)}</span>
      </Alert>
    );
  }
  if (!diff.data) return <Skeleton className="h-32 w-full" />;
  const nothing = Object.keys(diff.data.changed).length === 0 && !diff.data.content_diff.trim();
  if (nothing) {
    return <p className="text-sm text-muted-foreground">These versions are identical.</p>;
  }
  return (
    <div className="space-y-4">
      <ChangedFields diff={diff.data} />
      <DiffView diff={diff.data.content_diff} />
    </div>
  );
}
