import { useQuery } from "@tanstack/react-query";
import {
  apisDiffApiDraftOptions,
  apisDiffApiVersionOptions,
} from "@/client/@tanstack/react-query.gen";
import type { VersionDiff } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { Skeleton } from "@/components/ui/skeleton";
import { DiffView } from "./diff-view";

/** The id that stands for the draft in a comparison (no version has id 0). */
export const DRAFT = 0;

type VersionDiffProps = { apiId: number; fromId: number; toId: number };

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

type ParamChange = { name: string; kind: "added" | "removed" | "changed"; detail: string };

function byName(list: unknown): Map<string, Record<string, unknown>> {
  const params = Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
  return new Map(params.map((param) => [String(param.name), param]));
}

function describe(param: Record<string, unknown>): string {
  return `${param.type} in ${param.location}${param.required ? ", required" : ""}`;
}

/** Which parameters were added, removed or changed, and how. */
function paramChanges(before: unknown, after: unknown): ParamChange[] {
  const old = byName(before);
  const current = byName(after);
  const changes: ParamChange[] = [];
  for (const [name, param] of current) {
    const previous = old.get(name);
    if (!previous) {
      changes.push({ name, kind: "added", detail: describe(param) });
      continue;
    }
    const fields = Object.keys({ ...previous, ...param }).filter(
      (key) => JSON.stringify(previous[key]) !== JSON.stringify(param[key]),
    );
    const detail = fields.map((key) => `${key}: ${show(previous[key])} → ${show(param[key])}`);
    if (fields.length > 0) changes.push({ name, kind: "changed", detail: detail.join("; ") });
  }
  for (const [name, param] of old) {
    if (!current.has(name)) changes.push({ name, kind: "removed", detail: describe(param) });
  }
  return changes;
}

const changeLooks = {
  added: { sign: "+", tone: "bg-diff-added" },
  removed: { sign: "−", tone: "bg-diff-removed" },
  changed: { sign: "~", tone: "bg-accent" },
};

function ParamsChange({ before, after }: { before: unknown; after: unknown }) {
  return (
    <ul className="space-y-1">
      {paramChanges(before, after).map((change) => (
        <li key={change.name} className="flex items-baseline gap-2 text-xs">
          <code className={`rounded px-1.5 py-0.5 font-mono ${changeLooks[change.kind].tone}`}>
            {changeLooks[change.kind].sign} {change.name}
          </code>
          <span className="text-muted-foreground">{change.detail}</span>
        </li>
      ))}
    </ul>
  );
}

function FieldChange({ field, before, after }: { field: string; before: unknown; after: unknown }) {
  if (field === "params") {
    return (
      <td colSpan={2} className="px-3 py-2">
        <ParamsChange before={before} after={after} />
      </td>
    );
  }
  return (
    <>
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
    </>
  );
}

function ChangedFields({ diff, draft }: { diff: VersionDiff; draft: boolean }) {
  const fields = Object.entries(diff.changed).filter(([field]) => field !== "content");
  if (fields.length === 0) return null;
  return (
    <div className="overflow-hidden rounded-lg border">
      <table className="w-full text-sm" aria-label="Changed settings">
        <thead className="bg-muted/50 text-xs text-muted-foreground uppercase">
          <tr>
            <th className="px-3 py-2 text-left font-medium tracking-wide">Setting</th>
            <th className="px-3 py-2 text-left font-medium tracking-wide">v{diff.from_version}</th>
            <th className="px-3 py-2 text-left font-medium tracking-wide">
              {draft ? "draft" : `v${diff.to_version}`}
            </th>
          </tr>
        </thead>
        <tbody>
          {fields.map(([field, [before, after]]) => (
            <tr key={field} className="border-t align-top">
              <td className="w-40 px-3 py-2 font-medium">{field}</td>
              <FieldChange field={field} before={before} after={after} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const resultLooks = {
  added: changeLooks.added,
  removed: changeLooks.removed,
  type_changed: changeLooks.changed,
  kind_changed: changeLooks.changed,
} as const;

function typeOf(schema: unknown): string {
  if (schema && typeof schema === "object" && "type" in schema) return show(schema.type);
  return show(schema);
}

/** How the answer's columns changed (both versions described), breaking ones marked. */
function ResultChanges({ diff }: { diff: VersionDiff }) {
  const changes = diff.result_changes ?? [];
  if (changes.length === 0) return null;
  return (
    <section aria-label="Result changes" className="space-y-1 rounded-lg border p-3">
      <h3 className="text-sm font-medium">
        Result columns{" "}
        {diff.breaking ? (
          <span className="text-destructive">(breaking)</span>
        ) : (
          <span className="text-muted-foreground">(compatible)</span>
        )}
      </h3>
      <ul className="space-y-1">
        {changes.map((change) => (
          <li
            key={`${change.column}-${change.change}`}
            className="flex items-baseline gap-2 text-xs"
          >
            <code className={`rounded px-1.5 py-0.5 font-mono ${resultLooks[change.change].tone}`}>
              {resultLooks[change.change].sign} {change.column ?? "answer"}
            </code>
            <span className="text-muted-foreground">
              {change.change === "added" && `added: ${typeOf(change.after)}`}
              {change.change === "removed" && `removed (was ${typeOf(change.before)})`}
              {change.change === "type_changed" &&
                `${typeOf(change.before)} → ${typeOf(change.after)}`}
              {change.change === "kind_changed" && `${show(change.before)} → ${show(change.after)}`}
            </span>
            {change.breaking && <span className="text-xs text-destructive">breaking</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What changed from one version to another: the settings, the result columns, then the
 * SQL line by line. */
export function VersionDiffPanel({ apiId, fromId, toId }: VersionDiffProps) {
  const draft = toId === DRAFT;
  const versus = useQuery({
    ...apisDiffApiVersionOptions({
      path: { api_id: apiId, version_id: toId },
      query: { against: fromId },
    }),
    enabled: !draft,
  });
  const ofDraft = useQuery({
    ...apisDiffApiDraftOptions({ path: { api_id: apiId } }),
    enabled: draft,
  });
  const diff = draft ? ofDraft : versus;
  if (diff.isError) {
    return <ErrorAlert error={diff.error} />;
  }
  if (!diff.data) return <Skeleton className="h-32 w-full" />;
  const nothing =
    Object.keys(diff.data.changed).length === 0 &&
    !diff.data.content_diff.trim() &&
    !diff.data.result_changes?.length;
  if (nothing) {
    return <p className="text-sm text-muted-foreground">These versions are identical.</p>;
  }
  return (
    <div className="space-y-4">
      <ChangedFields diff={diff.data} draft={draft} />
      <ResultChanges diff={diff.data} />
      <DiffView diff={diff.data.content_diff} />
    </div>
  );
}
